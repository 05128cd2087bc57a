/*
 * Stellaris (LM3S6965) Ethernet Controller registers, from the LM3S6965
 * datasheet (TI SPMS001), chapter "Ethernet Controller": its "Register
 * Map" and "Ethernet MAC Register Descriptions" (Registers 1-15, MACRIS
 * to MACTR) for the MAC, "MII Management Register Descriptions" (MR0 to
 * MR24) for the integrated PHY, reached through MACMCTL/MACMTXD/MACMRXD.
 * Offsets are from the controller's base address (0x40048000 on the
 * LM3S6965, "Memory Map").
 *
 * Where QEMU's model (hw/net/stellaris_enet.c) differs, the field says so.
 */
#ifndef STELLARIS_ENET_REGS_H
#define STELLARIS_ENET_REGS_H

/* ---- MAC registers (offsets, 32-bit) ---- */
#define SENET_MACRIS    0x000u   /* read: raw interrupt status */
#define SENET_MACIACK   0x000u   /* write: interrupt acknowledge, 1 clears (same offset) */
#define SENET_MACIM     0x004u   /* interrupt mask: 1 lets the source interrupt */
#define SENET_MACRCTL   0x008u   /* receive control */
#define SENET_MACTCTL   0x00Cu   /* transmit control */
#define SENET_MACDATA   0x010u   /* read: RX FIFO; write: TX FIFO, 32 bits at a time */
#define SENET_MACIA0    0x014u   /* station address octets 1-4 (bits 7:0 = the first) */
#define SENET_MACIA1    0x018u   /* station address octets 5-6 */
#define SENET_MACTHR    0x01Cu   /* early-transmit threshold; 0x3F (reset) = off */
#define SENET_MACMCTL   0x020u   /* MII management control: START, WRITE, REGADR */
#define SENET_MACMDV    0x024u   /* MII management clock divider */
/*                      0x028      reserved on the LM3S6965 (QEMU: "MADD", ignored) */
#define SENET_MACMTXD   0x02Cu   /* MII management transmit data (bits 15:0) */
#define SENET_MACMRXD   0x030u   /* MII management receive data (bits 15:0) */
#define SENET_MACNP     0x034u   /* number of frames in the RX FIFO (bits 5:0) */
#define SENET_MACTR     0x038u   /* transmission request: NEWTX */

/* MACRIS / MACIACK / MACIM: one bit per source */
#define SENET_INT_RXINT   (1u << 0)   /* a frame is in the RX FIFO */
#define SENET_INT_TXER    (1u << 1)   /* transmit error (QEMU: acking it also empties its TX FIFO) */
#define SENET_INT_TXEMP   (1u << 2)   /* TX FIFO empty: the frame is sent */
#define SENET_INT_FOV     (1u << 3)   /* RX FIFO overrun: frames lost */
#define SENET_INT_RXER    (1u << 4)   /* receive error (CRC, length, PHY) */
#define SENET_INT_MDINT   (1u << 5)   /* MII transaction complete (QEMU never sets it) */
#define SENET_INT_PHYINT  (1u << 6)   /* PHY interrupt (QEMU never sets it) */
#define SENET_INT_ALL     0x7Fu

/* MACRCTL */
#define SENET_RCTL_RXEN     (1u << 0)   /* receiver on */
#define SENET_RCTL_AMUL     (1u << 1)   /* accept all multicast */
#define SENET_RCTL_PRMS     (1u << 2)   /* promiscuous */
#define SENET_RCTL_BADCRC   (1u << 3)   /* reject frames with a bad FCS (reset value) */
#define SENET_RCTL_RSTFIFO  (1u << 4)   /* clear the RX FIFO; with RXEN off (MACRCTL) */

/* MACTCTL. QEMU names bit 3 DUPLEX and never looks at it; the datasheet's
 * DUPLEX is bit 4, which QEMU stores and ignores too. */
#define SENET_TCTL_TXEN     (1u << 0)   /* transmitter on */
#define SENET_TCTL_PADEN    (1u << 1)   /* pad frames shorter than 60 bytes */
#define SENET_TCTL_CRC      (1u << 2)   /* append the FCS */
#define SENET_TCTL_DUPLEX   (1u << 4)   /* full duplex */

#define SENET_THR_OFF       0x3Fu       /* transmission waits for MACTR.NEWTX */

/* MACMCTL */
#define SENET_MCTL_START    (1u << 0)   /* set to start; clears when done */
#define SENET_MCTL_WRITE    (1u << 1)   /* 1: write MACMTXD to the register, 0: read */
#define SENET_MCTL_REGADR(r) (((uint32_t)(r) & 0x1Fu) << 3)
#define SENET_MDV_DIV_MAX   0xFFu
#define SENET_MDC_MAX_HZ    2500000u    /* 802.3 22.2.2.11: MDC at most 2.5 MHz */

#define SENET_NP_MASK       0x3Fu
#define SENET_TR_NEWTX      (1u << 0)   /* start sending the TX FIFO; reads 1 until sent (QEMU: 0) */

/* ---- the FIFOs' frame format ("MAC Layer FIFOs", the TX and RX FIFO
 * organisation table) ----
 * RX: the first 16 bits of the first word are the frame length FL, which
 * counts those two bytes, the frame from the destination address and
 * the FCS; the frame follows at byte 2, and the last word is padded.
 * TX: the first 16 bits are the data length, the frame less its 14-byte
 * header (no FCS: MACTCTL.CRC adds it); the frame follows at byte 2. */
#define SENET_FL_BYTES      2u
#define SENET_FCS_BYTES     4u
#define SENET_HDR_BYTES     14u
#define SENET_FIFO_BYTES    2048u       /* each FIFO is 2 KiB */
#define SENET_TX_MAX_DATA   1504u       /* 1500 + an 802.1Q tag */

/* ---- integrated PHY ("MII Management Register Descriptions") ---- */
#define SENET_PHY_MR0       0u   /* control */
#define SENET_PHY_MR1       1u   /* status */
#define SENET_PHY_MR2       2u   /* PHY identifier 1 */
#define SENET_PHY_MR3       3u   /* PHY identifier 2 */
#define SENET_PHY_MR4       4u   /* auto-negotiation advertisement */
#define SENET_PHY_MR18      18u  /* diagnostic: what auto-negotiation resolved */

#define SENET_MR0_RESET     (1u << 15)   /* self-clearing */
#define SENET_MR0_ANEGEN    (1u << 12)
#define SENET_MR0_RANEG     (1u << 9)    /* restart auto-negotiation */
#define SENET_MR1_LINK      (1u << 2)    /* latches low (802.3 22.2.4.2.13) */
#define SENET_MR1_ANEGC     (1u << 5)    /* auto-negotiation complete */
#define SENET_MR4_ALL_10_100 0x01E1u     /* 100 FD/HD, 10 FD/HD, selector 802.3 */
#define SENET_MR18_DPLX     (1u << 11)   /* full duplex resolved */

#endif
