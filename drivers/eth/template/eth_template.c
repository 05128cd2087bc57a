/*
 * Template MAC driver (see eth_template.h): the parts every interrupt-
 * driven, copying MAC needs are written out; the device itself is a set
 * of "HW:" functions to fill in. A DMA MAC keeps the same operations but
 * owns descriptor rings instead of the RX queue (drivers/eth/stm32/).
 *
 * Concurrency: the interrupt handler is the only writer of the RX queue's
 * head and the only reader of the device's RX side; the main loop owns
 * TX, the PHY and the queue's tail. pbuf_alloc() from the handler is safe
 * because the firmware builds lwIP with SYS_LIGHTWEIGHT_PROT.
 */
#include "eth_template.h"

#include <stdbool.h>
#include <string.h>

#include "lwip/pbuf.h"

#define TMPL_FCS_LEN     4u        /* the device hands over the FCS too */
#define TMPL_RX_MIN_LEN  (14u + TMPL_FCS_LEN)
#define TMPL_RX_MAX_LEN  (1518u + TMPL_FCS_LEN)   /* 1514 + an 802.1Q tag */
#define TMPL_TX_MAX_LEN  1518u

_Static_assert((ETH_TEMPLATE_RX_QUEUE & (ETH_TEMPLATE_RX_QUEUE - 1u)) == 0,
    "free-running queue indices need a power-of-two depth");

static const struct eth_template_config *tmpl_cfg;
static struct eth_mac_stats tmpl_stats;
static bool tmpl_link;          /* last answer of link_up(), for link_changes */

/* RX queue: single producer (ISR, writes head), single consumer (main
 * loop, writes tail); free-running indices, so no lock. */
static struct pbuf *volatile tmpl_rxq[ETH_TEMPLATE_RX_QUEUE];
static volatile uint32_t tmpl_rxq_head;
static volatile uint32_t tmpl_rxq_tail;

/* ---------------------------------------------------------------- HW: the device
 *
 * Each body below becomes register accesses at tmpl_cfg->base, e.g.
 *     *(volatile uint32_t *)(tmpl_cfg->base + TMPL_RX_STATUS)
 * with host tests providing eth_template_rd/wr over a fake, as
 * lan9118_rd/wr are. Busy-waits are bounded: a device that never answers
 * fails init instead of hanging the board.
 */

/* HW: soft reset; check an ID register. False when nothing answers. */
static bool tmpl_hw_reset(void)
{
	return true;
}

/* HW: the address the device loaded from its EEPROM. False without one. */
static bool tmpl_hw_read_mac(uint8_t mac[6])
{
	(void)mac;
	return false;
}

/* HW: program the station address and the filter (unicast to us,
 * broadcast, and multicast: at least the IPv6 solicited-node groups ND
 * needs, RFC 4861 7.2.1, or simply all of it as the other drivers do), reset and start the PHY's auto-negotiation, enable the
 * MAC's receiver and transmitter, unmask the RX interrupts and make the
 * device drive its interrupt pin in a defined state. */
static bool tmpl_hw_start(const uint8_t mac[6])
{
	(void)mac;
	return true;
}

/* HW: read and acknowledge the interrupt status, before draining, so a
 * frame arriving after the drain raises the line again. */
static void tmpl_hw_irq_ack(void)
{
}

/* HW: length (FCS included) of the next frame waiting in the device,
 * with *bad set when its status reports an error; 0 when none waits. */
static uint32_t tmpl_hw_rx_next(bool *bad)
{
	*bad = false;
	return 0;
}

/* HW: copy `len` bytes of the current frame out of the device. */
static void tmpl_hw_rx_read(void *dst, uint32_t len)
{
	(void)dst;
	(void)len;
}

/* HW: throw away the rest of the current frame (`len` bytes). */
static void tmpl_hw_rx_skip(uint32_t len)
{
	(void)len;
}

/* HW: frames the device dropped on its own since the last read (a
 * read-to-clear counter), for rx_errors. */
static uint32_t tmpl_hw_rx_dropped(void)
{
	return 0;
}

/* HW: bytes free in the device's transmit buffer. */
static uint32_t tmpl_hw_tx_room(void)
{
	return 0;
}

/* HW: append one buffer of the frame; `first` and `last` mark its ends,
 * `total` is the frame's length (most devices want it up front). */
static void tmpl_hw_tx_write(const void *src, uint32_t len, uint32_t total, bool first,
    bool last)
{
	(void)src;
	(void)len;
	(void)total;
	(void)first;
	(void)last;
}

/* HW: PHY link status over MDIO. IEEE 802.3 22.2.4.2.13: BSR's link bit
 * latches low, so read it twice; the second read is the state now. */
static bool tmpl_hw_link(void)
{
	return false;
}

/* ---------------------------------------------------------------- init */

static int tmpl_init(uint8_t mac[6])
{
	if (tmpl_cfg == NULL || !tmpl_hw_reset())
		return -1;
	if (!tmpl_hw_read_mac(mac))
		memcpy(mac, tmpl_cfg->mac, 6);
	if (!tmpl_hw_start(mac))
		return -1;
	/* Last: the device now drives its line in a defined state. */
	if (tmpl_cfg->irq_enable != NULL)
		tmpl_cfg->irq_enable();
	return 0;
}

/* ---------------------------------------------------------------- RX (interrupt) */

/* One frame from the device into a PBUF_POOL chain on the queue, or
 * dropped and counted: an error, a full queue (checked before a pbuf is
 * taken), an empty pool. Whatever happens the device is left at the next
 * frame. */
static void tmpl_rx_one(uint32_t len, bool bad)
{
	if (bad || len < TMPL_RX_MIN_LEN || len > TMPL_RX_MAX_LEN) {
		tmpl_stats.rx_errors++;
		tmpl_hw_rx_skip(len);
		return;
	}
	uint32_t head = tmpl_rxq_head;
	if (head - tmpl_rxq_tail >= ETH_TEMPLATE_RX_QUEUE) {
		tmpl_stats.rx_dropped_queue++;
		tmpl_hw_rx_skip(len);
		return;
	}
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)(len - TMPL_FCS_LEN), PBUF_POOL);
	if (p == NULL) {
		tmpl_stats.rx_dropped_nopbuf++;
		tmpl_hw_rx_skip(len);
		return;
	}
	for (struct pbuf *q = p; q != NULL; q = q->next)
		tmpl_hw_rx_read(q->payload, q->len);
	tmpl_hw_rx_skip(TMPL_FCS_LEN);
	tmpl_rxq[head % ETH_TEMPLATE_RX_QUEUE] = p;
	tmpl_rxq_head = head + 1u;
	tmpl_stats.rx_frames++;
	tmpl_stats.rx_bytes += p->tot_len;
}

void eth_template_isr(void)
{
	uint32_t len;
	bool bad;

	tmpl_hw_irq_ack();
	while ((len = tmpl_hw_rx_next(&bad)) != 0)
		tmpl_rx_one(len, bad);
}

/* ---------------------------------------------------------------- main loop */

static struct pbuf *tmpl_rx(void)
{
	uint32_t tail = tmpl_rxq_tail;

	if (tail == tmpl_rxq_head)
		return NULL;
	struct pbuf *p = tmpl_rxq[tail % ETH_TEMPLATE_RX_QUEUE];
	tmpl_rxq_tail = tail + 1u;
	return p;
}

/* The queue's indices, never a counter: true from the interrupt that
 * queued a frame until rx() has taken it. */
static bool tmpl_rx_pending(void)
{
	return tmpl_rxq_head != tmpl_rxq_tail;
}

/* Copying TX holds no pbuf, so nothing to reclaim; a DMA driver releases
 * finished TX descriptors here. Counters the device keeps are read here
 * too, from the main loop. */
static void tmpl_poll(void)
{
	tmpl_stats.rx_errors += tmpl_hw_rx_dropped();
}

/* The whole chain goes into the device or nothing does; the caller keeps
 * its pbuf either way. (A DMA driver that keeps the chain instead takes a
 * pbuf_ref() and notes the length now: the fields may change once tx()
 * returns, eth_mac.h.) */
static int tmpl_tx(struct pbuf *p)
{
	uint32_t total = p->tot_len, sent = 0;

	if (total == 0 || total > TMPL_TX_MAX_LEN || tmpl_hw_tx_room() < total) {
		tmpl_stats.tx_errors++;
		return -1;
	}
	for (const struct pbuf *q = p; q != NULL && sent < total; q = q->next) {
		if (q->len == 0)
			continue;
		tmpl_hw_tx_write(q->payload, q->len, total, sent == 0, sent + q->len >= total);
		sent += q->len;
	}
	tmpl_stats.tx_frames++;
	tmpl_stats.tx_bytes += total;
	return 0;
}

static bool tmpl_link_up(void)
{
	bool up = tmpl_hw_link();

	if (up != tmpl_link) {
		tmpl_link = up;
		tmpl_stats.link_changes++;
	}
	return up;
}

static const struct eth_mac_ops tmpl_ops = {
	.init = tmpl_init,
	.tx = tmpl_tx,
	.rx = tmpl_rx,
	.rx_pending = tmpl_rx_pending,
	.poll = tmpl_poll,
	.link_up = tmpl_link_up,
	.stats = &tmpl_stats,
};

const struct eth_mac_ops *eth_template_ops(const struct eth_template_config *cfg)
{
	tmpl_cfg = cfg;
	return &tmpl_ops;
}

#ifdef FW_HOST_TEST
void eth_template_test_reset(void)
{
	struct pbuf *p;

	while ((p = tmpl_rx()) != NULL)
		pbuf_free(p);
	tmpl_rxq_head = tmpl_rxq_tail = 0;
	tmpl_cfg = NULL;
	tmpl_link = false;
	memset(&tmpl_stats, 0, sizeof tmpl_stats);
}
#endif
