/*
 * SMSC LAN9118 driver (datasheet rev. 1.5). Written against the chip's
 * documented behaviour and checked against the model the firmware meets
 * in QEMU (hw/net/lan9118.c); where the two differ the comment says so.
 *
 * Concurrency: the interrupt handler is the only code that touches the RX
 * FIFOs and the RX queue's head; the main loop owns TX, the MAC CSRs/MII
 * and the queue's tail. pbuf_alloc() from the handler is safe because the
 * firmware builds lwIP with SYS_LIGHTWEIGHT_PROT (see lwipopts.h).
 */
#include "lan9118.h"

#include <stdbool.h>
#include <string.h>

#include "lan9118_regs.h"
#include "lwip/pbuf.h"

static const struct lan9118_config *lan9118_cfg;

#ifndef FW_HOST_TEST
static inline uint32_t lan9118_rd(uint32_t off)
{
	return *(volatile uint32_t *)(lan9118_cfg->base + off);
}

static inline void lan9118_wr(uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)(lan9118_cfg->base + off) = val;
}
#endif

/* Bounded busy-waits: a device that never answers fails init instead of
 * hanging the board. Generous: QEMU answers at once, silicon within µs. */
#define LAN9118_POLL_LIMIT 100000u

static struct eth_mac_stats lan9118_stats;

/* RX queue: single producer (ISR, writes head), single consumer (main
 * loop, writes tail); free-running indices, so no lock. */
static struct pbuf *volatile lan9118_rxq[LAN9118_RX_QUEUE];
static volatile uint32_t lan9118_rxq_head;
static volatile uint32_t lan9118_rxq_tail;

static bool lan9118_link;   /* last link state seen by lan9118_link_up() */

/* ---------------------------------------------------------------- CSR access */

static bool lan9118_wait_clear(uint32_t off, uint32_t mask)
{
	for (uint32_t i = 0; i < LAN9118_POLL_LIMIT; i++)
		if ((lan9118_rd(off) & mask) == 0)
			return true;
	return false;
}

static bool lan9118_mac_read(uint32_t idx, uint32_t *val)
{
	if (!lan9118_wait_clear(LAN9118_MAC_CSR_CMD, LAN9118_MAC_CSR_BUSY))
		return false;
	lan9118_wr(LAN9118_MAC_CSR_CMD,
	    LAN9118_MAC_CSR_BUSY | LAN9118_MAC_CSR_READ | LAN9118_MAC_CSR_ADDR(idx));
	if (!lan9118_wait_clear(LAN9118_MAC_CSR_CMD, LAN9118_MAC_CSR_BUSY))
		return false;
	*val = lan9118_rd(LAN9118_MAC_CSR_DATA);
	return true;
}

static bool lan9118_mac_write(uint32_t idx, uint32_t val)
{
	if (!lan9118_wait_clear(LAN9118_MAC_CSR_CMD, LAN9118_MAC_CSR_BUSY))
		return false;
	lan9118_wr(LAN9118_MAC_CSR_DATA, val);
	lan9118_wr(LAN9118_MAC_CSR_CMD, LAN9118_MAC_CSR_BUSY | LAN9118_MAC_CSR_ADDR(idx));
	return lan9118_wait_clear(LAN9118_MAC_CSR_CMD, LAN9118_MAC_CSR_BUSY);
}

static bool lan9118_mii_wait(void)
{
	for (uint32_t i = 0; i < LAN9118_POLL_LIMIT; i++) {
		uint32_t acc;
		if (!lan9118_mac_read(LAN9118_MAC_MII_ACC, &acc))
			return false;
		if ((acc & LAN9118_MII_BUSY) == 0)
			return true;
	}
	return false;
}

static bool lan9118_phy_read(uint32_t reg, uint16_t *val)
{
	uint32_t data;

	if (!lan9118_mii_wait() ||
	    !lan9118_mac_write(LAN9118_MAC_MII_ACC, LAN9118_MII_PHY(LAN9118_PHY_ADDR) |
	        LAN9118_MII_REG(reg) | LAN9118_MII_BUSY) ||
	    !lan9118_mii_wait() ||
	    !lan9118_mac_read(LAN9118_MAC_MII_DATA, &data))
		return false;
	*val = (uint16_t)data;
	return true;
}

static bool lan9118_phy_write(uint32_t reg, uint16_t val)
{
	return lan9118_mii_wait() &&
	    lan9118_mac_write(LAN9118_MAC_MII_DATA, val) &&
	    lan9118_mac_write(LAN9118_MAC_MII_ACC, LAN9118_MII_PHY(LAN9118_PHY_ADDR) |
	        LAN9118_MII_REG(reg) | LAN9118_MII_WRITE | LAN9118_MII_BUSY) &&
	    lan9118_mii_wait();
}

/* ---------------------------------------------------------------- init */

static bool lan9118_id_ok(uint32_t id_rev)
{
	static const uint16_t ids[] = {
		LAN9118_ID_9115, LAN9118_ID_9116, LAN9118_ID_9117, LAN9118_ID_9118,
		LAN9118_ID_9220, LAN9118_ID_9221,
	};
	uint16_t id = (uint16_t)(id_rev >> LAN9118_ID_SHIFT);

	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* Datasheet 3.11: after a reset, BYTE_TEST answers before the rest of the
 * chip does; PMT_CTRL.READY says when it all has. */
static bool lan9118_soft_reset(void)
{
	if (lan9118_rd(LAN9118_BYTE_TEST) != LAN9118_BYTE_TEST_MAGIC)
		return false;
	if (!lan9118_id_ok(lan9118_rd(LAN9118_ID_REV)))
		return false;
	lan9118_wr(LAN9118_HW_CFG, LAN9118_HW_CFG_SRST);
	if (!lan9118_wait_clear(LAN9118_HW_CFG, LAN9118_HW_CFG_SRST))
		return false;
	for (uint32_t i = 0; i < LAN9118_POLL_LIMIT; i++)
		if (lan9118_rd(LAN9118_PMT_CTRL) & LAN9118_PMT_CTRL_READY)
			return true;
	return false;
}

/* The address the chip loaded from its EEPROM (QEMU: the -nic mac=). */
static bool lan9118_read_mac(uint8_t mac[6])
{
	uint32_t lo, hi;

	if (!lan9118_mac_read(LAN9118_MAC_ADDRL, &lo) ||
	    !lan9118_mac_read(LAN9118_MAC_ADDRH, &hi))
		return false;
	for (unsigned i = 0; i < 4; i++)
		mac[i] = (uint8_t)(lo >> (8 * i));
	mac[4] = (uint8_t)hi;
	mac[5] = (uint8_t)(hi >> 8);
	return true;
}

static bool lan9118_phy_init(void)
{
	uint16_t bcr = LAN9118_BCR_RESET;

	if (!lan9118_phy_write(LAN9118_PHY_BCR, LAN9118_BCR_RESET))
		return false;
	for (uint32_t i = 0; i < LAN9118_POLL_LIMIT && (bcr & LAN9118_BCR_RESET); i++)
		if (!lan9118_phy_read(LAN9118_PHY_BCR, &bcr))
			return false;
	if (bcr & LAN9118_BCR_RESET)
		return false;
	return lan9118_phy_write(LAN9118_PHY_ANAR, LAN9118_ANAR_ALL_10_100) &&
	    lan9118_phy_write(LAN9118_PHY_BCR, LAN9118_BCR_ANENABLE | LAN9118_BCR_ANRESTART);
}

static void lan9118_irq_init(void)
{
	lan9118_wr(LAN9118_INT_EN, 0);
	lan9118_wr(LAN9118_INT_STS, LAN9118_INT_ALL);
	/* Push-pull, active high: QEMU's model drives the line inverted
	 * (i.e. asserted, with nothing pending) in any other setting. */
	lan9118_wr(LAN9118_IRQ_CFG,
	    LAN9118_IRQ_CFG_EN | LAN9118_IRQ_CFG_POL | LAN9118_IRQ_CFG_TYPE);
	lan9118_wr(LAN9118_FIFO_INT,
	    LAN9118_FIFO_INT_TX_DATA_AVAIL | LAN9118_FIFO_INT_RX_STS_LEVEL(0));
	lan9118_wr(LAN9118_INT_EN, LAN9118_INT_RSFL | LAN9118_INT_RXDF |
	    LAN9118_INT_RXE | LAN9118_INT_TXE);
	/* Only now the board's line: until IRQ_CFG is set the pin reads as
	 * asserted with nothing pending, and an enabled line would storm. */
	if (lan9118_cfg->irq_enable != NULL)
		lan9118_cfg->irq_enable();
}

static int lan9118_init(uint8_t mac[6])
{
	if (lan9118_cfg == NULL || !lan9118_soft_reset())
		return -1;
	lan9118_wr(LAN9118_HW_CFG, LAN9118_HW_CFG_MBO | LAN9118_HW_CFG_TX_FIF_5K);
	if (!lan9118_read_mac(mac) || !lan9118_phy_init())
		return -1;
	lan9118_wr(LAN9118_RX_CFG, 0);   /* 4-byte end alignment, no data offset */
	lan9118_wr(LAN9118_TX_CFG, LAN9118_TX_CFG_TX_ON | LAN9118_TX_CFG_TXSAO);
	/* Unicast to us, broadcast and every multicast (MCPAS): IPv6
	 * neighbour discovery reaches us at solicited-node groups (RFC 4861
	 * 7.2.1), which the hash filter would need kept in step with MLD;
	 * lwIP drops the groups it has not joined (ip6_input, ip4_input).
	 * Full duplex: QEMU has no duplex, and the MPS2's switch port
	 * negotiates full duplex. */
	if (!lan9118_mac_write(LAN9118_MAC_CR, LAN9118_MAC_CR_TXEN | LAN9118_MAC_CR_RXEN |
	        LAN9118_MAC_CR_MCPAS | LAN9118_MAC_CR_FDPX))
		return -1;
	lan9118_irq_init();
	return 0;
}

/* ---------------------------------------------------------------- TX */

/* FIFO bytes a frame needs: per non-empty buffer, commands A and B and
 * its data rounded up to whole words. */
static uint32_t lan9118_tx_need(const struct pbuf *p)
{
	uint32_t need = 0;

	for (const struct pbuf *q = p; q != NULL; q = q->next)
		if (q->len > 0)
			need += LAN9118_TX_CMD_BYTES + (((uint32_t)q->len + 3u) & ~3u);
	return need;
}

static void lan9118_tx_data(const uint8_t *b, uint32_t len)
{
	uint32_t w;

	for (; len >= 4; b += 4, len -= 4) {
		memcpy(&w, b, 4);   /* FIFO words are little-endian, like the core */
		lan9118_wr(LAN9118_TX_DATA_FIFO, w);
	}
	if (len > 0) {
		w = 0;
		memcpy(&w, b, len);
		lan9118_wr(LAN9118_TX_DATA_FIFO, w);
	}
}

/* One TX buffer per non-empty pbuf, each with its own commands A and B
 * (datasheet 3.12.4); FS on the first, LS on the last. */
static int lan9118_tx(struct pbuf *p)
{
	uint32_t total = p->tot_len;

	if (total == 0 || total > LAN9118_TX_MAX_LEN ||
	    lan9118_tx_need(p) > LAN9118_TX_FIFO_INF_TDFREE(lan9118_rd(LAN9118_TX_FIFO_INF))) {
		lan9118_stats.tx_errors++;
		return -1;
	}
	uint32_t tag = lan9118_stats.tx_frames & 0xFFFFu;
	uint32_t sent = 0;
	for (const struct pbuf *q = p; q != NULL && sent < total; q = q->next) {
		if (q->len == 0)
			continue;
		uint32_t a = LAN9118_TXA_BUF_SIZE(q->len);
		if (sent == 0)
			a |= LAN9118_TXA_FS;
		if (sent + q->len >= total)
			a |= LAN9118_TXA_LS;
		lan9118_wr(LAN9118_TX_DATA_FIFO, a);
		lan9118_wr(LAN9118_TX_DATA_FIFO, LAN9118_TXB_TAG(tag) | LAN9118_TXB_PKT_LEN(total));
		lan9118_tx_data(q->payload, q->len);
		sent += q->len;
	}
	lan9118_stats.tx_frames++;
	lan9118_stats.tx_bytes += total;
	return 0;
}

/* ---------------------------------------------------------------- RX */

/* QEMU's model mishandles RX_DP_CTRL fast-forward (it leaves the FIFO
 * accounting behind), so unwanted frames are read out and thrown away;
 * at most ~380 word reads. */
static void lan9118_rx_discard(uint32_t words)
{
	while (words--)
		(void)lan9118_rd(LAN9118_RX_DATA_FIFO);
}

/* Copy `words` FIFO words into the chain p; bytes past p->tot_len (the
 * FCS and the end padding) are read and dropped. */
static void lan9118_rx_copy(struct pbuf *p, uint32_t words)
{
	struct pbuf *q = p;
	uint32_t off = 0;

	while (words--) {
		uint32_t w = lan9118_rd(LAN9118_RX_DATA_FIFO);
		if (q != NULL && q->len - off >= 4) {
			memcpy((uint8_t *)q->payload + off, &w, 4);
			off += 4;
		} else {
			for (unsigned i = 0; i < 4 && q != NULL; i++) {
				((uint8_t *)q->payload)[off++] = (uint8_t)(w >> (8 * i));
				if (off == q->len) {
					q = q->next;
					off = 0;
				}
			}
			continue;
		}
		if (off == q->len) {
			q = q->next;
			off = 0;
		}
	}
}

static void lan9118_rx_one(void)
{
	uint32_t status = lan9118_rd(LAN9118_RX_STATUS_FIFO);
	uint32_t len = LAN9118_RXS_LEN(status);
	uint32_t words = (len + 3u) / 4u;

	if ((status & (LAN9118_RXS_ES | LAN9118_RXS_FILTER_FAIL)) ||
	    len < LAN9118_RX_MIN_LEN || len > LAN9118_RX_MAX_LEN) {
		lan9118_stats.rx_errors++;
		lan9118_rx_discard(words);
		return;
	}
	uint32_t head = lan9118_rxq_head;
	if (head - lan9118_rxq_tail >= LAN9118_RX_QUEUE) {
		lan9118_stats.rx_dropped_queue++;
		lan9118_rx_discard(words);
		return;
	}
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)(len - LAN9118_FCS_LEN), PBUF_POOL);
	if (p == NULL) {
		lan9118_stats.rx_dropped_nopbuf++;
		lan9118_rx_discard(words);
		return;
	}
	lan9118_rx_copy(p, words);
	lan9118_rxq[head % LAN9118_RX_QUEUE] = p;
	lan9118_rxq_head = head + 1;
	lan9118_stats.rx_frames++;
	lan9118_stats.rx_bytes += p->tot_len;
}

void lan9118_isr(void)
{
	uint32_t sts = lan9118_rd(LAN9118_INT_STS) & lan9118_rd(LAN9118_INT_EN);

	/* Acknowledge before draining: a frame arriving after the FIFO count
	 * below is read raises RSFL again rather than sitting unseen. */
	lan9118_wr(LAN9118_INT_STS, sts);
	if (sts & LAN9118_INT_RXE)
		lan9118_stats.rx_errors++;
	if (sts & LAN9118_INT_TXE)
		lan9118_stats.tx_errors++;
	if (sts & LAN9118_INT_RXDF)
		lan9118_stats.rx_errors += lan9118_rd(LAN9118_RX_DROP);
	uint32_t n = LAN9118_RX_FIFO_INF_RXSUSED(lan9118_rd(LAN9118_RX_FIFO_INF));
	while (n--)
		lan9118_rx_one();
}

static struct pbuf *lan9118_rx(void)
{
	uint32_t tail = lan9118_rxq_tail;

	if (tail == lan9118_rxq_head)
		return NULL;
	struct pbuf *p = lan9118_rxq[tail % LAN9118_RX_QUEUE];
	lan9118_rxq_tail = tail + 1;
	return p;
}

/* Read with interrupts masked or not: the handler only moves head on,
 * and a frame it queues after this look ends the main loop's sleep. */
static bool lan9118_rx_pending(void)
{
	return lan9118_rxq_head != lan9118_rxq_tail;
}

/* Nothing to reclaim: tx copies the frame into the chip's FIFO and the
 * TX status words are never read (TX_CFG.TXSAO lets them overrun), and
 * the handler reads the chip's drop counter (RX_DROP) when RXDF says it
 * moved. */
static void lan9118_poll(void)
{
}

/* ---------------------------------------------------------------- link */

static bool lan9118_link_up(void)
{
	uint16_t bsr;

	/* BSR's link bit latches low (802.3 22.2.4.2.13): the first read
	 * reports any drop since the last one, the second the present state. */
	bool up = lan9118_phy_read(LAN9118_PHY_BSR, &bsr) &&
	    lan9118_phy_read(LAN9118_PHY_BSR, &bsr) && (bsr & LAN9118_BSR_LINK);
	if (up != lan9118_link) {
		lan9118_link = up;
		lan9118_stats.link_changes++;
	}
	return up;
}

static const struct eth_mac_ops lan9118_eth_ops = {
	.init = lan9118_init,
	.tx = lan9118_tx,
	.rx = lan9118_rx,
	.rx_pending = lan9118_rx_pending,
	.poll = lan9118_poll,
	.link_up = lan9118_link_up,
	.stats = &lan9118_stats,
};

const struct eth_mac_ops *lan9118_ops(const struct lan9118_config *cfg)
{
	lan9118_cfg = cfg;
	return &lan9118_eth_ops;
}

#ifdef FW_HOST_TEST
void lan9118_test_reset(void)
{
	struct pbuf *p;

	while ((p = lan9118_rx()) != NULL)
		pbuf_free(p);
	lan9118_rxq_head = lan9118_rxq_tail = 0;
	lan9118_cfg = NULL;
	lan9118_link = false;
	memset(&lan9118_stats, 0, sizeof lan9118_stats);
}
#endif
