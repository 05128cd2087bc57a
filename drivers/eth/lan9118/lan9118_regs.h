/*
 * SMSC LAN9118 registers (SMSC LAN9118 datasheet rev. 1.5, section 5),
 * as far as finwait uses them. Offsets are from the chip's base address;
 * MAC CSRs are reached indirectly through MAC_CSR_CMD/MAC_CSR_DATA and
 * PHY registers through the MAC's MII_ACC/MII_DATA.
 */
#ifndef LAN9118_REGS_H
#define LAN9118_REGS_H

/* ---- system control and status registers (offsets, 32-bit) ---- */
#define LAN9118_RX_DATA_FIFO    0x00u   /* RX data FIFO port (0x00-0x1C alias it) */
#define LAN9118_TX_DATA_FIFO    0x20u   /* TX data FIFO port (0x20-0x3C alias it) */
#define LAN9118_RX_STATUS_FIFO  0x40u   /* RX status FIFO port: read pops one status */
#define LAN9118_RX_STATUS_PEEK  0x44u   /* RX status FIFO peek */
#define LAN9118_TX_STATUS_FIFO  0x48u   /* TX status FIFO port */
#define LAN9118_TX_STATUS_PEEK  0x4Cu   /* TX status FIFO peek */
#define LAN9118_ID_REV          0x50u   /* chip ID (31:16) and revision (15:0) */
#define LAN9118_IRQ_CFG         0x54u   /* IRQ pin configuration */
#define LAN9118_INT_STS         0x58u   /* interrupt status, write 1 to clear */
#define LAN9118_INT_EN          0x5Cu   /* interrupt enable */
#define LAN9118_BYTE_TEST       0x64u   /* reads 0x87654321 once the bus is up */
#define LAN9118_FIFO_INT        0x68u   /* FIFO level interrupt thresholds */
#define LAN9118_RX_CFG          0x6Cu   /* RX end alignment, data offset, dump */
#define LAN9118_TX_CFG          0x70u   /* TX on, status overrun allowed, dumps */
#define LAN9118_HW_CFG          0x74u   /* soft reset, TX FIFO size */
#define LAN9118_RX_DP_CTRL      0x78u   /* RX data fast-forward */
#define LAN9118_RX_FIFO_INF     0x7Cu   /* RX status used (23:16), data used bytes (15:0) */
#define LAN9118_TX_FIFO_INF     0x80u   /* TX status used (23:16), data free bytes (15:0) */
#define LAN9118_PMT_CTRL        0x84u   /* power management; READY (0) after reset */
#define LAN9118_GPIO_CFG        0x88u   /* GPIO and LED configuration */
#define LAN9118_GPT_CFG         0x8Cu   /* general purpose timer configuration */
#define LAN9118_GPT_CNT         0x90u   /* general purpose timer count */
#define LAN9118_WORD_SWAP       0x98u   /* 16-bit bus word swap */
#define LAN9118_FREE_RUN        0x9Cu   /* free-running 25 MHz counter */
#define LAN9118_RX_DROP         0xA0u   /* RX frames dropped for lack of FIFO space; clears on read */
#define LAN9118_MAC_CSR_CMD     0xA4u   /* MAC CSR access command */
#define LAN9118_MAC_CSR_DATA    0xA8u   /* MAC CSR access data */
#define LAN9118_AFC_CFG         0xACu   /* automatic flow control */
#define LAN9118_E2P_CMD         0xB0u   /* EEPROM command */
#define LAN9118_E2P_DATA        0xB4u   /* EEPROM data */

/* ID_REV: chip IDs of the family this driver accepts. The MPS2 board
 * carries a LAN9220; QEMU models a LAN9118 (ID_REV 0x01180001). */
#define LAN9118_ID_SHIFT        16
#define LAN9118_ID_9115         0x0115u
#define LAN9118_ID_9116         0x0116u
#define LAN9118_ID_9117         0x0117u
#define LAN9118_ID_9118         0x0118u
#define LAN9118_ID_9220         0x9220u
#define LAN9118_ID_9221         0x9221u

#define LAN9118_BYTE_TEST_MAGIC 0x87654321u

/* IRQ_CFG */
#define LAN9118_IRQ_CFG_TYPE    (1u << 0)    /* 1: push-pull output */
#define LAN9118_IRQ_CFG_POL     (1u << 4)    /* 1: active high */
#define LAN9118_IRQ_CFG_EN      (1u << 8)    /* master interrupt enable */

/* INT_STS / INT_EN */
#define LAN9118_INT_RSFL        (1u << 3)    /* RX status FIFO above FIFO_INT level */
#define LAN9118_INT_RXDF        (1u << 6)    /* RX_DROP counter passed halfway */
#define LAN9118_INT_TXE         (1u << 13)   /* transmitter error */
#define LAN9118_INT_RXE         (1u << 14)   /* receiver error */
#define LAN9118_INT_ALL         0xFFFFFFFFu

/* FIFO_INT: RX status level 0 interrupts on the first status. */
#define LAN9118_FIFO_INT_RX_STS_LEVEL(n) ((uint32_t)(n) & 0xFFu)
#define LAN9118_FIFO_INT_TX_DATA_AVAIL   0x48000000u   /* reset default of the TX fields */

/* TX_CFG */
#define LAN9118_TX_CFG_TX_ON    (1u << 1)    /* transmitter enable */
#define LAN9118_TX_CFG_TXSAO    (1u << 2)    /* TX status FIFO may overrun: nobody reads it */

/* HW_CFG */
#define LAN9118_HW_CFG_SRST     (1u << 0)    /* soft reset, self-clearing */
#define LAN9118_HW_CFG_TX_FIF_5K (5u << 16)  /* TX FIFO 5 KiB, RX FIFO the rest (reset default) */
#define LAN9118_HW_CFG_MBO      (1u << 20)   /* must be written as one */

/* PMT_CTRL */
#define LAN9118_PMT_CTRL_READY  (1u << 0)    /* device ready after reset */

/* RX_FIFO_INF / TX_FIFO_INF */
#define LAN9118_RX_FIFO_INF_RXSUSED(v)  (((v) >> 16) & 0xFFu)
#define LAN9118_TX_FIFO_INF_TDFREE(v)   ((v) & 0xFFFFu)

/* RX status word */
#define LAN9118_RXS_ES          (1u << 15)   /* error summary: CRC, runt, too long, ... */
#define LAN9118_RXS_LEN(v)      (((v) >> 16) & 0x3FFFu)   /* frame length incl. FCS */
#define LAN9118_RXS_FILTER_FAIL (1u << 30)   /* failed the address filter (RXALL only) */

/* TX command A (one per buffer) */
#define LAN9118_TXA_BUF_SIZE(n) ((uint32_t)(n) & 0x7FFu)   /* bytes in this buffer */
#define LAN9118_TXA_LS          (1u << 12)   /* last segment of the frame */
#define LAN9118_TXA_FS          (1u << 13)   /* first segment of the frame */
/* TX command B (one per buffer, repeated) */
#define LAN9118_TXB_PKT_LEN(n)  ((uint32_t)(n) & 0x7FFu)   /* bytes in the whole frame */
#define LAN9118_TXB_TAG(t)      ((uint32_t)(t) << 16)      /* echoed in the TX status */

/* MAC_CSR_CMD */
#define LAN9118_MAC_CSR_BUSY    (1u << 31)   /* set to start, clears when done */
#define LAN9118_MAC_CSR_READ    (1u << 30)   /* 1: read, 0: write */
#define LAN9118_MAC_CSR_ADDR(a) ((uint32_t)(a) & 0xFFu)

/* ---- MAC CSRs (indices for MAC_CSR_CMD) ---- */
#define LAN9118_MAC_CR          1u      /* MAC control */
#define LAN9118_MAC_ADDRH       2u      /* MAC address bytes 4-5 (bits 15:0) */
#define LAN9118_MAC_ADDRL       3u      /* MAC address bytes 0-3 (bits 31:0) */
#define LAN9118_MAC_HASHH       4u      /* multicast hash high */
#define LAN9118_MAC_HASHL       5u      /* multicast hash low */
#define LAN9118_MAC_MII_ACC     6u      /* MII access */
#define LAN9118_MAC_MII_DATA    7u      /* MII data */
#define LAN9118_MAC_FLOW        8u      /* flow control */

/* MAC_CR */
#define LAN9118_MAC_CR_RXEN     (1u << 2)    /* receiver enable */
#define LAN9118_MAC_CR_TXEN     (1u << 3)    /* transmitter enable */
#define LAN9118_MAC_CR_BCAST    (1u << 11)   /* 1: DISABLE broadcast reception */
#define LAN9118_MAC_CR_PRMS     (1u << 18)   /* promiscuous */
#define LAN9118_MAC_CR_MCPAS    (1u << 19)   /* pass all multicast */
#define LAN9118_MAC_CR_FDPX     (1u << 20)   /* full duplex */

/* MII_ACC */
#define LAN9118_MII_BUSY        (1u << 0)    /* set to start, clears when done */
#define LAN9118_MII_WRITE       (1u << 1)
#define LAN9118_MII_REG(r)      (((uint32_t)(r) & 0x1Fu) << 6)
#define LAN9118_MII_PHY(p)      (((uint32_t)(p) & 0x1Fu) << 11)
#define LAN9118_PHY_ADDR        1u           /* the internal PHY */

/* ---- PHY registers (IEEE 802.3 clause 22) ---- */
#define LAN9118_PHY_BCR         0u      /* basic control */
#define LAN9118_PHY_BSR         1u      /* basic status */
#define LAN9118_PHY_ANAR        4u      /* auto-negotiation advertisement */

#define LAN9118_BCR_RESET       (1u << 15)   /* self-clearing */
#define LAN9118_BCR_ANENABLE    (1u << 12)
#define LAN9118_BCR_ANRESTART   (1u << 9)
#define LAN9118_BSR_LINK        (1u << 2)    /* latches low: read twice for the present state */
#define LAN9118_ANAR_ALL_10_100 0x01E1u      /* 100FD, 100HD, 10FD, 10HD, 802.3 selector */

/* ---- frame limits ---- */
#define LAN9118_FCS_LEN         4u
#define LAN9118_RX_MIN_LEN      (14u + LAN9118_FCS_LEN)     /* an Ethernet header and FCS */
#define LAN9118_RX_MAX_LEN      1522u                        /* VLAN-tagged maximum, FCS included */
#define LAN9118_TX_MAX_LEN      1514u                        /* MTU 1500 + header, FCS added by the MAC */
#define LAN9118_TX_CMD_BYTES    8u                           /* command A and B per buffer */

#endif
