/*
 * A fake Stellaris Ethernet Controller for host tests of
 * drivers/eth/stellaris (test_stellaris_enet.c, the MAC contract suite).
 * It behaves as the LM3S6965 datasheet describes where the driver depends
 * on it: MACRIS/MACIACK, MACIM, the RX FIFO as a stream of words per frame
 * (frame length first, FCS last, MACNP counting whole frames, RSTFIFO
 * clearing it), the TX FIFO recorded until MACTR.NEWTX sends it (NEWTX
 * reading 1 while the frame leaves, for as long as a test asks), MACIA0/1,
 * and the integrated PHY behind MACMCTL/MACMTXD/MACMRXD with MR1's link
 * bit latching low. Switches make it behave like QEMU's model instead
 * (no PHY) or like nothing at all. It defines the driver's hooks
 * stellaris_enet_rd/wr.
 */
#ifndef FAKE_STELLARIS_ENET_H
#define FAKE_STELLARIS_ENET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAKE_SENET_RX_FRAMES  40           /* more than the 2 KiB FIFO holds of small frames */
#define FAKE_SENET_RX_WORDS   512          /* words of one received frame, as the FIFO hands them */
#define FAKE_SENET_TX_WORDS   1024         /* the TX FIFO as recorded (2 KiB in silicon) */
#define FAKE_SENET_SENT       48           /* frames the wire keeps */
#define FAKE_SENET_SENT_MAX   1536

struct fake_senet_rx {
	uint32_t w[FAKE_SENET_RX_WORDS];
	size_t n;                   /* words in w */
};

struct fake_senet {
	bool removed;               /* reads 0, writes vanish: nothing there */
	bool no_phy;                /* QEMU: MII completes, MACMRXD reads 0 */
	bool mii_stuck;             /* MACMCTL.START never clears */
	uint32_t ris, im, rctl, tctl, ia0, ia1, thr, mctl, mdv, mtxd, mrxd;
	unsigned rstfifo_writes;    /* MACRCTL writes with RSTFIFO ... */
	unsigned rstfifo_with_rxen; /* ... of which with RXEN set (the datasheet says off) */
	/* RX FIFO */
	struct fake_senet_rx rx[FAKE_SENET_RX_FRAMES];
	size_t rx_head, rx_n, rx_pos;   /* oldest frame, frames, words read of the oldest */
	unsigned rx_underflows;     /* MACDATA reads with the FIFO empty */
	unsigned rx_reads;          /* MACDATA reads */
	/* TX FIFO and the wire */
	uint32_t tx[FAKE_SENET_TX_WORDS];
	size_t tx_n;
	uint32_t tx_last[FAKE_SENET_TX_WORDS];   /* the words of the last frame sent */
	size_t tx_last_n;
	unsigned tx_busy_reads;     /* after NEWTX: reads of MACTR that still see it set */
	bool tx_stuck;              /* NEWTX never clears */
	unsigned tx_newtx;          /* NEWTX writes */
	unsigned tx_writes_busy;    /* MACDATA writes while a frame was leaving */
	uint8_t sent[FAKE_SENET_SENT][FAKE_SENET_SENT_MAX];
	size_t sent_len[FAKE_SENET_SENT];
	unsigned sent_n;
	/* the integrated PHY */
	uint16_t phy[32];
	unsigned phy_writes[32];
	bool mr1_link_latched_low;  /* the link dropped since MR1 was last read */
	unsigned unknown_access;
};

extern struct fake_senet fsn;

/* Reset values of the fake's PHY: an identifier (any nonzero one), a
 * link with auto-negotiation complete, full duplex resolved. */
#define FAKE_SENET_MR1_UP     0x782Du
#define FAKE_SENET_MR2        0x0161u
#define FAKE_SENET_MR3        0xB410u

/** Power-on: the datasheet's reset values (MACRCTL BADCRC, MACIM all
 *  seven sources, MACTHR 0x3F, MACMDV 0x80), the PHY with its link up,
 *  empty FIFOs. */
void fake_senet_reset(void);

/** A frame (without FCS) arrives: queued in the RX FIFO as the MAC lays
 *  it out, MACNP grows, MACRIS.RXINT is raised. */
void fake_senet_rx_frame(const uint8_t *frame, size_t len);

/** A frame whose length field says `fl` with `words` FIFO words behind
 *  it (for lengths no good frame has). */
void fake_senet_rx_raw(uint32_t fl, size_t words);

/** Frame `n` (0: the first) the MAC put on the wire, FCS not included:
 *  its length (at most `max` bytes copied to buf), 0 when fewer frames
 *  were sent. */
size_t fake_senet_sent(unsigned n, uint8_t *buf, size_t max);

/** The PHY's link goes up (auto-negotiation complete) or down. */
void fake_senet_set_link(bool up);

#endif
