/*
 * STM32F4 Ethernet MAC and DMA registers and the normal (not enhanced)
 * DMA descriptors, named as in RM0090 section 33. Offsets are from the
 * ETH base.
 */
#ifndef STM32_ETH_REGS_H
#define STM32_ETH_REGS_H

#include <stdint.h>

#define STM32_ETH_BASE      0x40028000u

/* ---- MAC [33.8.1] ---- */
#define ETH_MACCR           0x0000u   /* configuration */
#define  ETH_MACCR_RESET    0x00008000u /* reset value: reserved bit 15 set, kept so */
#define  ETH_MACCR_RE       (1u << 2)
#define  ETH_MACCR_TE       (1u << 3)
#define  ETH_MACCR_DM       (1u << 11)  /* full duplex */
#define  ETH_MACCR_FES      (1u << 14)  /* 100 Mbit/s */
#define ETH_MACFFR          0x0004u   /* frame filter: 0 = own unicast + broadcast */
#define  ETH_MACFFR_PAM     (1u << 4)   /* pass all multicast */
#define ETH_MACMIIAR        0x0010u   /* MII address */
#define  ETH_MACMIIAR_MB    (1u << 0)   /* busy; set to start, hardware clears */
#define  ETH_MACMIIAR_MW    (1u << 1)   /* write */
#define  ETH_MACMIIAR_CR_Pos 2          /* [4:2] MDC = HCLK / divider */
#define  ETH_MACMIIAR_CR_DIV102 (4u << 2) /* HCLK 150-168 MHz */
#define  ETH_MACMIIAR_CR_DIV62  (1u << 2) /* HCLK 100-150 MHz */
#define  ETH_MACMIIAR_CR_DIV42  (0u << 2) /* HCLK 60-100 MHz */
#define  ETH_MACMIIAR_CR_DIV26  (3u << 2) /* HCLK 35-60 MHz */
#define  ETH_MACMIIAR_CR_DIV16  (2u << 2) /* HCLK 25-35 MHz */
#define  ETH_MACMIIAR_MR_Pos 6          /* [10:6] PHY register */
#define  ETH_MACMIIAR_PA_Pos 11         /* [15:11] PHY address */
#define ETH_MACMIIDR        0x0014u   /* MII data [15:0] */
#define ETH_MACDBGR         0x0034u   /* debug: FIFO and controller states, read only */
#define  ETH_MACDBGR_TFNE   (1u << 24)  /* TX FIFO not empty */
#define  ETH_MACDBGR_MTFCS_Msk (3u << 17) /* MAC TX frame controller: 00 idle */
#define  ETH_MACDBGR_RFFL_Msk  (3u << 8)  /* RX FIFO fill level: 00 empty */
#define ETH_MACSR           0x0038u   /* interrupt status: PMT, MMC, time stamp */
#define ETH_MACIMR          0x003Cu   /* interrupt mask */
#define  ETH_MACIMR_PMTIM   (1u << 3)   /* power management (magic/wake-up frame) */
#define  ETH_MACIMR_TSTIM   (1u << 9)   /* time stamp trigger */
#define ETH_MACA0HR         0x0040u   /* address 0 high: bytes 5,4 in [15:0] */
#define  ETH_MACA0HR_MO     (1u << 31)
#define ETH_MACA0LR         0x0044u   /* address 0 low: bytes 3..0 */

/* ---- MMC counters [33.8.2]. Each counter interrupts at half and at full
 * scale, through the ETH line but not through DMAIER, and the status
 * (DMASR.MMCS) clears only when the counter is read: unmasked, a counter
 * past 2^31 keeps the line asserted for good. ---- */
#define ETH_MMCCR           0x0100u   /* control */
#define ETH_MMCRIR          0x0104u   /* RX interrupt status, cleared by reading the counter */
#define ETH_MMCTIR          0x0108u   /* TX interrupt status */
#define ETH_MMCRIMR         0x010Cu   /* RX interrupt mask */
#define  ETH_MMCRIMR_RFCEM  (1u << 5)   /* CRC error frames */
#define  ETH_MMCRIMR_RFAEM  (1u << 6)   /* alignment error frames */
#define  ETH_MMCRIMR_RGUFM  (1u << 17)  /* good unicast frames */
#define  ETH_MMCRIMR_ALL    (ETH_MMCRIMR_RFCEM | ETH_MMCRIMR_RFAEM | ETH_MMCRIMR_RGUFM)
#define ETH_MMCTIMR         0x0110u   /* TX interrupt mask */
#define  ETH_MMCTIMR_TGFSCM  (1u << 14) /* good frames after one collision */
#define  ETH_MMCTIMR_TGFMSCM (1u << 15) /* good frames after more collisions */
#define  ETH_MMCTIMR_TGFM   (1u << 21)  /* good frames */
#define  ETH_MMCTIMR_ALL    (ETH_MMCTIMR_TGFSCM | ETH_MMCTIMR_TGFMSCM | ETH_MMCTIMR_TGFM)

/* ---- DMA [33.8.3] ---- */
#define ETH_DMABMR          0x1000u   /* bus mode */
#define  ETH_DMABMR_SR      (1u << 0)   /* software reset, self-clearing */
#define  ETH_DMABMR_EDFE    (1u << 7)   /* enhanced descriptors: kept 0 */
#define  ETH_DMABMR_PBL_Pos 8           /* [13:8] burst length */
#define  ETH_DMABMR_FB      (1u << 16)  /* fixed burst */
#define  ETH_DMABMR_AAB     (1u << 25)  /* address-aligned beats */
#define ETH_DMATPDR         0x1004u   /* transmit poll demand */
#define ETH_DMARPDR         0x1008u   /* receive poll demand */
#define ETH_DMARDLAR        0x100Cu   /* receive descriptor list address */
#define ETH_DMATDLAR        0x1010u   /* transmit descriptor list address */
#define ETH_DMASR           0x1014u   /* status, write 1 to clear */
#define  ETH_DMASR_TS       (1u << 0)   /* frame transmitted */
#define  ETH_DMASR_TBUS     (1u << 2)   /* TX descriptor not owned: suspended */
#define  ETH_DMASR_ROS      (1u << 4)   /* RX FIFO overflow */
#define  ETH_DMASR_TUS      (1u << 5)   /* TX underflow */
#define  ETH_DMASR_RS       (1u << 6)   /* frame received */
#define  ETH_DMASR_RBUS     (1u << 7)   /* RX descriptor not owned: suspended */
#define  ETH_DMASR_FBES     (1u << 13)  /* fatal bus error */
#define  ETH_DMASR_AIS      (1u << 15)
#define  ETH_DMASR_NIS      (1u << 16)
#define  ETH_DMASR_W1C_Msk  0x0001FFFFu
#define  ETH_DMASR_TPS_Msk  (7u << 20)  /* TX process state: 000 stopped */
#define  ETH_DMASR_EBS_Pos  23          /* [25:23] which access the bus error hit */
#define  ETH_DMASR_EBS_Msk  7u
#define  ETH_DMASR_MMCS     (1u << 27)  /* read only: an MMC counter interrupt */
#define  ETH_DMASR_PMTS     (1u << 28)  /* read only: PMT */
#define  ETH_DMASR_TSTS     (1u << 29)  /* read only: time stamp trigger */
#define ETH_DMAOMR          0x1018u   /* operation mode */
#define  ETH_DMAOMR_SR      (1u << 1)   /* start receive */
#define  ETH_DMAOMR_ST      (1u << 13)  /* start transmit */
#define  ETH_DMAOMR_FTF     (1u << 20)  /* flush TX FIFO */
#define  ETH_DMAOMR_TSF     (1u << 21)  /* TX store and forward: no underflow */
#define  ETH_DMAOMR_RSF     (1u << 25)  /* RX store and forward */
#define ETH_DMAIER          0x101Cu   /* interrupt enable */
#define  ETH_DMAIER_TIE     (1u << 0)
#define  ETH_DMAIER_ROIE    (1u << 4)
#define  ETH_DMAIER_TUIE    (1u << 5)
#define  ETH_DMAIER_RIE     (1u << 6)
#define  ETH_DMAIER_RBUIE   (1u << 7)
#define  ETH_DMAIER_FBEIE   (1u << 13)
#define  ETH_DMAIER_AISE    (1u << 15)
#define  ETH_DMAIER_NISE    (1u << 16)
#define ETH_DMAMFBOCR       0x1020u   /* missed frames, cleared on read */
#define  ETH_DMAMFBOCR_MFC_Msk 0xFFFFu  /* [15:0] missed: no descriptor */
#define  ETH_DMAMFBOCR_MFA_Pos 17       /* [27:17] missed: FIFO overflow */
#define  ETH_DMAMFBOCR_MFA_Msk 0x7FFu

/* ---- normal TX descriptor [33.6.7] ---- */
#define ETH_TDES0_OWN       (1u << 31)
#define ETH_TDES0_IC        (1u << 30)  /* interrupt on completion */
#define ETH_TDES0_LS        (1u << 29)
#define ETH_TDES0_FS        (1u << 28)
#define ETH_TDES0_TER       (1u << 21)  /* end of ring: next is the list base */
#define ETH_TDES0_TCH       (1u << 20)  /* chained: TDES3 is the next descriptor */
#define ETH_TDES0_ES        (1u << 15)  /* error summary */
#define ETH_TDES0_UF        (1u << 1)   /* underflow */
#define ETH_TDES1_TBS1_Msk  0x1FFFu

/* ---- normal RX descriptor [33.6.8] ---- */
#define ETH_RDES0_OWN       (1u << 31)
#define ETH_RDES0_FL_Pos    16          /* [29:16] frame length, FCS included */
#define ETH_RDES0_FL_Msk    0x3FFFu
#define ETH_RDES0_ES        (1u << 15)  /* error summary, valid with LS */
#define ETH_RDES0_DE        (1u << 14)  /* descriptor error: frame truncated */
#define ETH_RDES0_OE        (1u << 11)  /* overflow error */
#define ETH_RDES0_FS        (1u << 9)
#define ETH_RDES0_LS        (1u << 8)
#define ETH_RDES0_CE        (1u << 1)   /* CRC error */
#define ETH_RDES1_RER       (1u << 15)  /* end of ring */
#define ETH_RDES1_RCH       (1u << 14)  /* chained */
#define ETH_RDES1_RBS1_Msk  0x1FFFu

/* ---- LAN8742A PHY registers (SMSC/Microchip LAN8742A datasheet,
 * section 4, register map) ---- */
#define PHY_BCR             0u
#define  PHY_BCR_RESET      (1u << 15)
#define  PHY_BCR_ANEN       (1u << 12)
#define  PHY_BCR_ANRESTART  (1u << 9)
#define PHY_BSR             1u
#define  PHY_BSR_LINK       (1u << 2)   /* latches low: read twice */
#define  PHY_BSR_ANDONE     (1u << 5)
#define PHY_ID1             2u
#define PHY_ID2             3u
#define  PHY_ID1_LAN8742A   0x0007u
#define  PHY_ID2_LAN8742A   0xC130u     /* [3:0] is the revision */
#define  PHY_ID2_MODEL_Msk  0xFFF0u
#define PHY_ANAR            4u
#define  PHY_ANAR_ALL_CSMA  0x01E1u     /* 100FD 100HD 10FD 10HD, IEEE 802.3 */
#define PHY_ANLPAR          5u          /* link partner ability: 0 without auto-negotiation */
#define PHY_PSCSR           31u         /* PHY special control/status */
#define  PHY_PSCSR_SPEED_Pos 2          /* [4:2] speed indication: what the PHY runs */
#define  PHY_PSCSR_SPEED_Msk 7u
#define  PHY_PSCSR_10HD     1u
#define  PHY_PSCSR_10FD     5u
#define  PHY_PSCSR_100HD    2u
#define  PHY_PSCSR_100FD    6u

#endif
