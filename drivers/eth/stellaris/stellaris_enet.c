/*
 * Stellaris Ethernet Controller driver (LM3S6965 datasheet, TI SPMS001,
 * "Ethernet Controller"), started from drivers/eth/template/. Written
 * from the datasheet and checked against the model the firmware meets in
 * QEMU (hw/net/stellaris_enet.c); where the two differ the comment says
 * so. The differences that matter here:
 *   - the model has no PHY: MACMCTL completes at once, MACMRXD reads 0,
 *     so every PHY register reads 0 and no identifier answers; the link
 *     is then reported up (stellaris_enet_phy_present);
 *   - the model filters nothing: it receives every frame whatever
 *     MACRCTL.PRMS/AMUL say, so unicast for other stations reaches lwIP,
 *     which drops it at IP;
 *   - MACTR.NEWTX reads 0 and the frame leaves during the write that
 *     sets it; MACIA0/1 read the address QEMU was given (-nic macaddr=)
 *     before software writes them, silicon reads 0 until then;
 *   - MACRIS.MDINT and PHYINT are never raised, so MII waits poll
 *     MACMCTL.START, which works on both.
 *
 * Concurrency: the interrupt handler is the only code that reads the RX
 * FIFO and the only writer of the RX queue's head; the main loop owns TX,
 * MII management and the queue's tail. pbuf_alloc() from the handler is
 * safe because the firmware builds lwIP with SYS_LIGHTWEIGHT_PROT.
 */
#include "stellaris_enet.h"

#include <string.h>

#include "lwip/pbuf.h"
#include "stellaris_enet_regs.h"

/* Frames the driver hands over or takes: an Ethernet header at least, at
 * most 1514 bytes plus an 802.1Q tag, FCS not counted. */
#define SENET_FRAME_MIN   SENET_HDR_BYTES
#define SENET_FRAME_MAX   (SENET_HDR_BYTES + SENET_TX_MAX_DATA)
#define SENET_FL_MIN      (SENET_FL_BYTES + SENET_FRAME_MIN + SENET_FCS_BYTES)
#define SENET_FL_MAX      (SENET_FL_BYTES + SENET_FRAME_MAX + SENET_FCS_BYTES)
#define SENET_FL_MASK     0xFFFFu
#define SENET_MAC_IRQS    (SENET_INT_RXINT | SENET_INT_FOV | SENET_INT_RXER | SENET_INT_TXER)

_Static_assert((STELLARIS_ENET_RX_QUEUE & (STELLARIS_ENET_RX_QUEUE - 1u)) == 0,
    "free-running queue indices need a power-of-two depth");

static const struct stellaris_enet_config *senet_cfg;

#ifndef FW_HOST_TEST
static inline uint32_t stellaris_enet_rd(uint32_t off)
{
	return *(volatile uint32_t *)(senet_cfg->base + off);
}

static inline void stellaris_enet_wr(uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)(senet_cfg->base + off) = val;
}
#endif

static struct eth_mac_stats senet_stats;
static bool senet_link;         /* last answer of link_up(), for link_changes */
static bool senet_phy;          /* a PHY answered MII management at init */
static uint32_t senet_tctl;     /* MACTCTL as last written (DUPLEX follows the PHY) */

/* RX queue: single producer (ISR, writes head), single consumer (main
 * loop, writes tail); free-running indices, so no lock. */
static struct pbuf *volatile senet_rxq[STELLARIS_ENET_RX_QUEUE];
static volatile uint32_t senet_rxq_head;
static volatile uint32_t senet_rxq_tail;

/* ---------------------------------------------------------------- MII management */

static bool senet_mii_wait(void)
{
	for (uint32_t i = 0; i < STELLARIS_ENET_SPINS; i++)
		if ((stellaris_enet_rd(SENET_MACMCTL) & SENET_MCTL_START) == 0)
			return true;
	return false;
}

/* MACMCTL (Register 10): the register address and START, then START
 * clears when the transaction is done and MACMRXD holds what was read. */
static bool senet_phy_read(uint32_t reg, uint16_t *val)
{
	if (!senet_mii_wait())
		return false;
	stellaris_enet_wr(SENET_MACMCTL, SENET_MCTL_REGADR(reg) | SENET_MCTL_START);
	if (!senet_mii_wait())
		return false;
	*val = (uint16_t)stellaris_enet_rd(SENET_MACMRXD);
	return true;
}

/* MACMTXD first, then MACMCTL with WRITE. (QEMU keeps only the low 8
 * bits of MACMTXD; it has no PHY to write to anyway.) */
static bool senet_phy_write(uint32_t reg, uint16_t val)
{
	if (!senet_mii_wait())
		return false;
	stellaris_enet_wr(SENET_MACMTXD, val);
	stellaris_enet_wr(SENET_MACMCTL,
	    SENET_MCTL_REGADR(reg) | SENET_MCTL_WRITE | SENET_MCTL_START);
	return senet_mii_wait();
}

/* MACMDV (Register 11): MDC = clk / (2 * (DIV + 1)), at most 2.5 MHz. */
static uint32_t senet_mdv(uint32_t clk_hz)
{
	uint32_t div = (clk_hz + 2u * SENET_MDC_MAX_HZ - 1u) / (2u * SENET_MDC_MAX_HZ);

	div = div > 0 ? div - 1u : 0;
	return div > SENET_MDV_DIV_MAX ? SENET_MDV_DIV_MAX : div;
}

/* A PHY identifier of all zeros or all ones is nobody answering (QEMU).
 * Otherwise: reset (MR0.RESET clears itself), advertise every 10/100
 * mode and auto-negotiate. False only when the MII interface itself
 * never completes. */
static bool senet_phy_init(void)
{
	uint16_t id1, id2, mr0 = SENET_MR0_RESET;

	if (!senet_phy_read(SENET_PHY_MR2, &id1) || !senet_phy_read(SENET_PHY_MR3, &id2))
		return false;
	senet_phy = !((id1 == 0 && id2 == 0) || (id1 == 0xFFFFu && id2 == 0xFFFFu));
	if (!senet_phy)
		return true;
	if (!senet_phy_write(SENET_PHY_MR0, SENET_MR0_RESET))
		return false;
	for (uint32_t i = 0; i < STELLARIS_ENET_SPINS && (mr0 & SENET_MR0_RESET); i++)
		if (!senet_phy_read(SENET_PHY_MR0, &mr0))
			return false;
	if (mr0 & SENET_MR0_RESET)
		return false;
	return senet_phy_write(SENET_PHY_MR4, SENET_MR4_ALL_10_100) &&
	    senet_phy_write(SENET_PHY_MR0, SENET_MR0_ANEGEN | SENET_MR0_RANEG);
}

/* ---------------------------------------------------------------- init */

/* The MAC has no identification register: it answers when what is
 * written reads back, MACTHR's "off" (nonzero, unlike an empty bus or
 * an all-zero address) and the station address in MACIA0/1. */
static bool senet_set_address(const uint8_t mac[6])
{
	uint32_t ia0 = (uint32_t)mac[0] | (uint32_t)mac[1] << 8 |
	    (uint32_t)mac[2] << 16 | (uint32_t)mac[3] << 24;
	uint32_t ia1 = (uint32_t)mac[4] | (uint32_t)mac[5] << 8;

	stellaris_enet_wr(SENET_MACTHR, SENET_THR_OFF);
	stellaris_enet_wr(SENET_MACIA0, ia0);
	stellaris_enet_wr(SENET_MACIA1, ia1);
	return (stellaris_enet_rd(SENET_MACTHR) & SENET_THR_OFF) == SENET_THR_OFF &&
	    stellaris_enet_rd(SENET_MACIA0) == ia0 &&
	    (stellaris_enet_rd(SENET_MACIA1) & 0xFFFFu) == ia1;
}

static int senet_init(uint8_t mac[6])
{
	if (senet_cfg == NULL)
		return -1;
	/* Quiet first: receiver and transmitter off, every source masked. */
	stellaris_enet_wr(SENET_MACRCTL, 0);
	stellaris_enet_wr(SENET_MACTCTL, 0);
	stellaris_enet_wr(SENET_MACIM, 0);
	stellaris_enet_wr(SENET_MACIACK, SENET_INT_ALL);
	if (!senet_set_address(senet_cfg->mac))
		return -1;
	memcpy(mac, senet_cfg->mac, 6);
	stellaris_enet_wr(SENET_MACMDV, senet_mdv(senet_cfg->clk_hz));
	if (!senet_phy_init())
		return -1;
	/* Whole frames only: no early transmission (MACTHR 0x3F, written
	 * above), each one started by MACTR.NEWTX. Padded and FCS appended
	 * by the MAC; full duplex until the PHY says otherwise
	 * (senet_phy_link). */
	senet_tctl = SENET_TCTL_TXEN | SENET_TCTL_PADEN | SENET_TCTL_CRC | SENET_TCTL_DUPLEX;
	stellaris_enet_wr(SENET_MACTCTL, senet_tctl);
	/* MACRCTL: clear the RX FIFO with the receiver off, then receive
	 * unicast to us, broadcast and every multicast (AMUL: the MAC has no
	 * group filter, and IPv6 neighbour discovery reaches us at
	 * solicited-node groups, RFC 4861 7.2.1; lwIP drops the groups it has
	 * not joined), frames with a bad FCS rejected. RSTFIFO is written alone: QEMU keeps the
	 * bit and would clear its FIFO again on every later write with it. */
	stellaris_enet_wr(SENET_MACRCTL, SENET_RCTL_RSTFIFO);
	stellaris_enet_wr(SENET_MACRCTL, SENET_RCTL_BADCRC | SENET_RCTL_AMUL | SENET_RCTL_RXEN);
	stellaris_enet_wr(SENET_MACIACK, SENET_INT_ALL);
	stellaris_enet_wr(SENET_MACIM, SENET_MAC_IRQS);
	/* Last: every source the handler does not serve is masked now (all
	 * seven are unmasked at reset). */
	if (senet_cfg->irq_enable != NULL)
		senet_cfg->irq_enable();
	return 0;
}

/* ---------------------------------------------------------------- FIFO words
 *
 * Both FIFOs carry a byte stream that is two bytes out of step with the
 * frame (the length comes first), so every copy goes through one word of
 * carry: `n` bytes (0-3) waiting in the low end of `carry`.
 */
struct senet_stream {
	uint32_t carry;
	unsigned n;
	uint32_t words;             /* RX: FIFO words of this frame not yet read */
};

static uint32_t senet_rx_word(struct senet_stream *s)
{
	if (s->words == 0)
		return 0;
	s->words--;
	return stellaris_enet_rd(SENET_MACDATA);
}

/* `len` frame bytes out of the RX FIFO into dst (NULL: thrown away). */
static void senet_rx_bytes(struct senet_stream *s, uint8_t *dst, uint32_t len)
{
	while (len > 0) {
		if (s->n == 0) {
			s->carry = senet_rx_word(s);
			s->n = 4;
		}
		if (len >= 4 && s->n == 4) {
			if (dst != NULL) {
				memcpy(dst, &s->carry, 4);   /* FIFO words are little-endian, like the core */
				dst += 4;
			}
			s->n = 0;
			len -= 4;
			continue;
		}
		if (len >= 4) {
			/* n in 1..3: the carry and the next word make 4 bytes */
			uint32_t w = senet_rx_word(s);
			uint32_t out = s->carry | w << (8u * s->n);
			s->carry = w >> (32u - 8u * s->n);
			if (dst != NULL) {
				memcpy(dst, &out, 4);
				dst += 4;
			}
			len -= 4;
			continue;
		}
		if (dst != NULL)
			*dst++ = (uint8_t)s->carry;
		s->carry >>= 8;
		s->n--;
		len--;
	}
}

static void senet_tx_word(struct senet_stream *s)
{
	stellaris_enet_wr(SENET_MACDATA, s->carry);
	s->carry = 0;
	s->n = 0;
}

/* Append `len` bytes to the TX FIFO, whole words as they fill. */
static void senet_tx_bytes(struct senet_stream *s, const uint8_t *src, uint32_t len)
{
	while (len > 0) {
		if (len >= 4) {
			uint32_t w;
			memcpy(&w, src, 4);
			if (s->n == 0) {
				stellaris_enet_wr(SENET_MACDATA, w);
			} else {
				stellaris_enet_wr(SENET_MACDATA, s->carry | w << (8u * s->n));
				s->carry = w >> (32u - 8u * s->n);
			}
			src += 4;
			len -= 4;
			continue;
		}
		s->carry |= (uint32_t)*src++ << (8u * s->n);
		len--;
		if (++s->n == 4)
			senet_tx_word(s);
	}
}

/* ---------------------------------------------------------------- RX (interrupt) */

/* The RX FIFO can no longer be trusted (a length no 2 KiB FIFO holds):
 * clear it, with the receiver off as MACRCTL asks. */
static void senet_rx_flush(void)
{
	stellaris_enet_wr(SENET_MACRCTL, SENET_RCTL_RSTFIFO);
	stellaris_enet_wr(SENET_MACRCTL, SENET_RCTL_BADCRC | SENET_RCTL_RXEN);
}

/* One frame from the RX FIFO into a PBUF_POOL chain on the queue, or read
 * out and dropped and counted: a bad length, a full queue (checked before
 * a pbuf is taken), an empty pool. Whatever happens the FIFO is left at
 * the next frame. Returns false when the FIFO had to be cleared. */
static bool senet_rx_one(void)
{
	uint32_t w = stellaris_enet_rd(SENET_MACDATA);
	uint32_t fl = w & SENET_FL_MASK;

	if (fl < 4u || fl > SENET_FIFO_BYTES) {
		senet_stats.rx_errors++;
		senet_rx_flush();
		return false;
	}
	/* The first word held the length and two frame bytes. */
	struct senet_stream s = { .carry = w >> 16, .n = 2, .words = (fl + 3u) / 4u - 1u };
	uint32_t len = fl - SENET_FL_BYTES - SENET_FCS_BYTES;
	struct pbuf *p = NULL;
	if (fl < SENET_FL_MIN || fl > SENET_FL_MAX)
		senet_stats.rx_errors++;
	else if (senet_rxq_head - senet_rxq_tail >= STELLARIS_ENET_RX_QUEUE)
		senet_stats.rx_dropped_queue++;
	else if ((p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL)) == NULL)
		senet_stats.rx_dropped_nopbuf++;
	if (p != NULL) {
		for (struct pbuf *q = p; q != NULL; q = q->next)
			senet_rx_bytes(&s, q->payload, q->len);
		senet_rxq[senet_rxq_head % STELLARIS_ENET_RX_QUEUE] = p;
		senet_rxq_head++;
		senet_stats.rx_frames++;
		senet_stats.rx_bytes += len;
	}
	while (s.words > 0)   /* the FCS and the padding, or the whole frame */
		(void)senet_rx_word(&s);
	return true;
}

void stellaris_enet_isr(void)
{
	uint32_t ris = stellaris_enet_rd(SENET_MACRIS) & SENET_MAC_IRQS;

	/* Acknowledge before draining: a frame arriving after MACNP is read
	 * sets RXINT again rather than sitting unseen. */
	stellaris_enet_wr(SENET_MACIACK, ris);
	if (ris & SENET_INT_FOV)
		senet_stats.rx_errors++;
	if (ris & SENET_INT_RXER)
		senet_stats.rx_errors++;
	if (ris & SENET_INT_TXER)
		senet_stats.tx_errors++;
	uint32_t n = stellaris_enet_rd(SENET_MACNP) & SENET_NP_MASK;
	while (n-- > 0 && senet_rx_one())
		;
}

/* ---------------------------------------------------------------- main loop */

static struct pbuf *senet_rx(void)
{
	uint32_t tail = senet_rxq_tail;

	if (tail == senet_rxq_head)
		return NULL;
	struct pbuf *p = senet_rxq[tail % STELLARIS_ENET_RX_QUEUE];
	senet_rxq_tail = tail + 1u;
	return p;
}

/* The queue's indices, never a counter: true from the interrupt that
 * queued a frame until rx() has taken it. */
static bool senet_rx_pending(void)
{
	return senet_rxq_head != senet_rxq_tail;
}

/* Copying TX holds no pbuf and the MAC keeps no counters to read: the
 * handler counts what MACRIS reports. */
static void senet_poll(void)
{
}

/* The TX FIFO holds one frame: wait (bounded) for MACTR.NEWTX to clear,
 * i.e. for the previous frame to have left. */
static bool senet_tx_idle(void)
{
	for (uint32_t i = 0; i < STELLARIS_ENET_SPINS; i++)
		if ((stellaris_enet_rd(SENET_MACTR) & SENET_TR_NEWTX) == 0)
			return true;
	return false;
}

/* The data length (the frame less its header) leads, then the frame,
 * then NEWTX. The whole chain goes in or nothing does; the caller keeps
 * its pbuf either way. */
static int senet_tx(struct pbuf *p)
{
	uint32_t total = p->tot_len, sent = 0;

	if (total < SENET_FRAME_MIN || total > SENET_FRAME_MAX || !senet_tx_idle()) {
		senet_stats.tx_errors++;
		return -1;
	}
	struct senet_stream s = { .carry = total - SENET_HDR_BYTES, .n = SENET_FL_BYTES };
	for (const struct pbuf *q = p; q != NULL && sent < total; q = q->next) {
		senet_tx_bytes(&s, q->payload, q->len);
		sent += q->len;
	}
	if (s.n > 0)
		senet_tx_word(&s);
	stellaris_enet_wr(SENET_MACTR, SENET_TR_NEWTX);
	senet_stats.tx_frames++;
	senet_stats.tx_bytes += total;
	return 0;
}

/* ---------------------------------------------------------------- link */

/* MR1's link bit latches low (802.3 22.2.4.2.13): the first read reports
 * any drop since the last one, the second the state now. Up is a link
 * with auto-negotiation complete; MR18 then says the duplex it resolved,
 * which MACTCTL.DUPLEX must match. */
static bool senet_phy_link(void)
{
	uint16_t mr1, mr18;

	if (!senet_phy_read(SENET_PHY_MR1, &mr1) || !senet_phy_read(SENET_PHY_MR1, &mr1) ||
	    (mr1 & (SENET_MR1_LINK | SENET_MR1_ANEGC)) != (SENET_MR1_LINK | SENET_MR1_ANEGC))
		return false;
	if (!senet_link && senet_phy_read(SENET_PHY_MR18, &mr18)) {
		uint32_t tctl = (mr18 & SENET_MR18_DPLX) ? senet_tctl | SENET_TCTL_DUPLEX
		                                         : senet_tctl & ~SENET_TCTL_DUPLEX;
		if (tctl != senet_tctl) {
			senet_tctl = tctl;
			stellaris_enet_wr(SENET_MACTCTL, tctl);
		}
	}
	return true;
}

static bool senet_link_up(void)
{
	bool up = senet_phy ? senet_phy_link() : true;

	if (up != senet_link) {
		senet_link = up;
		senet_stats.link_changes++;
	}
	return up;
}

bool stellaris_enet_phy_present(void)
{
	return senet_phy;
}

static const struct eth_mac_ops senet_ops = {
	.init = senet_init,
	.tx = senet_tx,
	.rx = senet_rx,
	.rx_pending = senet_rx_pending,
	.poll = senet_poll,
	.link_up = senet_link_up,
	.stats = &senet_stats,
};

const struct eth_mac_ops *stellaris_enet_ops(const struct stellaris_enet_config *cfg)
{
	senet_cfg = cfg;
	return &senet_ops;
}

#ifdef FW_HOST_TEST
void stellaris_enet_test_reset(void)
{
	struct pbuf *p;

	while ((p = senet_rx()) != NULL)
		pbuf_free(p);
	senet_rxq_head = senet_rxq_tail = 0;
	senet_cfg = NULL;
	senet_link = false;
	senet_phy = false;
	senet_tctl = 0;
	memset(&senet_stats, 0, sizeof senet_stats);
}
#endif
