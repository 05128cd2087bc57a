/*
 * Stellaris Ethernet Controller driver against a fake register block that
 * behaves like the LM3S6965's controller where the driver depends on it
 * (fake_stellaris_enet.c: the RX FIFO frame by frame, the TX FIFO until
 * NEWTX, MACIA0/1, MII management and the integrated PHY), and, with
 * no_phy, like QEMU's model of it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "eth_mac.h"
#include "fake_stellaris_enet.h"
#include "stellaris_enet.h"
#include "stellaris_enet_regs.h"

#include "lwip/init.h"
#include "lwip/memp.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/sys.h"

/* ---------------------------------------------------------------- lwIP host glue */

u32_t sys_now(void)
{
	return 0;
}

uint32_t fw_rand32(void)
{
	return 4;
}

void fw_assert_failed(const char *msg, const char *file, int line)
{
	fail_msg("lwIP assertion '%s' at %s:%d", msg, file, line);
}

/* ---------------------------------------------------------------- fixtures */

#define TEST_CLK_HZ 50000000u   /* the LM3S6965's 50 MHz */

static uint16_t pool_used_at_start;
static unsigned irq_enables;
static uint32_t im_at_enable, rctl_at_enable;   /* MACIM, MACRCTL when the NVIC line went on */

static void count_irq_enable(void)
{
	irq_enables++;
	im_at_enable = fsn.im;
	rctl_at_enable = fsn.rctl;
}

static struct stellaris_enet_config cfg = {
	.base = 0,
	.clk_hz = TEST_CLK_HZ,
	.mac = { 0x00, 0x1a, 0xb6, 0x01, 0x02, 0x03 },
	.irq_enable = count_irq_enable,
};
static const struct eth_mac_ops *ops;
static uint8_t mac[6];

static int setup(void **state)
{
	(void)state;
	fake_senet_reset();
	stellaris_enet_test_reset();
	irq_enables = 0;
	im_at_enable = rctl_at_enable = 0;
	cfg.clk_hz = TEST_CLK_HZ;
	ops = stellaris_enet_ops(&cfg);
	pool_used_at_start = lwip_stats.memp[MEMP_PBUF_POOL]->used;
	return 0;
}

/* Every test ends with the pool as it found it and nothing left queued. */
static int teardown(void **state)
{
	(void)state;
	stellaris_enet_test_reset();
	assert_int_equal(lwip_stats.memp[MEMP_PBUF_POOL]->used, pool_used_at_start);
	return 0;
}

static void init_ok(void)
{
	assert_int_equal(ops->init(mac), 0);
}

static void frame_fill(uint8_t *f, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		f[i] = (uint8_t)(seed + i * 7u);
}

static struct pbuf *ram_pbuf(const uint8_t *data, u16_t len)
{
	struct pbuf *p = pbuf_alloc(PBUF_RAW, len, PBUF_RAM);

	assert_non_null(p);
	memcpy(p->payload, data, len);
	return p;
}

/* ---------------------------------------------------------------- init */

/* Bring-up as the datasheet orders it: RX FIFO cleared with the receiver
 * off, then unicast + broadcast with bad FCS rejected (no PRMS, no AMUL);
 * padding, FCS and full duplex on TX with early transmission off; the
 * four sources the handler serves unmasked, and only those; the PHY
 * reset, advertising every 10/100 mode and auto-negotiating. */
static void test_init_configures_mac_and_phy(void **state)
{
	(void)state;
	init_ok();
	assert_int_equal(fsn.rstfifo_writes, 1);
	assert_int_equal(fsn.rstfifo_with_rxen, 0);
	/* AMUL: IPv6 ND's solicited-node multicast reaches lwIP */
	assert_int_equal(fsn.rctl, SENET_RCTL_BADCRC | SENET_RCTL_AMUL | SENET_RCTL_RXEN);
	assert_int_equal(fsn.tctl,
	    SENET_TCTL_TXEN | SENET_TCTL_PADEN | SENET_TCTL_CRC | SENET_TCTL_DUPLEX);
	assert_int_equal(fsn.thr, SENET_THR_OFF);
	assert_int_equal(fsn.im, SENET_INT_RXINT | SENET_INT_FOV | SENET_INT_RXER | SENET_INT_TXER);
	assert_int_equal(fsn.phy_writes[SENET_PHY_MR0], 2);   /* reset, then auto-negotiation */
	assert_int_equal(fsn.phy[SENET_PHY_MR0], SENET_MR0_ANEGEN | SENET_MR0_RANEG);
	assert_int_equal(fsn.phy[SENET_PHY_MR4], SENET_MR4_ALL_10_100);
	assert_true(stellaris_enet_phy_present());
	assert_int_equal(fsn.unknown_access, 0);
}

/* The board's address goes to MACIA0 (octets 1-4, the first in bits 7:0)
 * and MACIA1 (octets 5-6), and init reports it. */
static void test_init_programs_station_address(void **state)
{
	(void)state;
	init_ok();
	assert_int_equal(fsn.ia0, 0x01b61a00u);
	assert_int_equal(fsn.ia1, 0x0302u);
	assert_memory_equal(mac, cfg.mac, 6);
}

/* MDC = clk / (2 * (MACMDV + 1)) may not exceed 2.5 MHz: 50 MHz -> 9
 * (2.5 MHz), 12.5 MHz (the reset clock QEMU starts at) -> 2 (2.08 MHz). */
static void test_init_mdio_divider_from_clock(void **state)
{
	(void)state;
	init_ok();
	assert_int_equal(fsn.mdv, 9);
	stellaris_enet_test_reset();
	fake_senet_reset();
	cfg.clk_hz = 12500000u;
	ops = stellaris_enet_ops(&cfg);
	init_ok();
	assert_int_equal(fsn.mdv, 2);
}

/* The board's line is enabled once, last: the MAC's sources are masked
 * to the served four by then (all seven are unmasked at reset) and the
 * receiver is on. */
static void test_init_enables_board_irq_last(void **state)
{
	(void)state;
	assert_int_equal(irq_enables, 0);   /* the constructor touches nothing */
	init_ok();
	assert_int_equal(irq_enables, 1);
	assert_int_equal(im_at_enable, SENET_INT_RXINT | SENET_INT_FOV | SENET_INT_RXER | SENET_INT_TXER);
	assert_true(rctl_at_enable & SENET_RCTL_RXEN);
}

/* Nothing there (the station address does not read back): init fails and
 * leaves the line off. */
static void test_init_fails_without_mac(void **state)
{
	(void)state;
	fsn.removed = true;
	assert_int_equal(ops->init(mac), -1);
	assert_int_equal(irq_enables, 0);
}

/* An MII transaction that never completes ends in an error, not a hang. */
static void test_init_fails_when_mii_never_completes(void **state)
{
	(void)state;
	fsn.mii_stuck = true;
	fsn.mctl = SENET_MCTL_START;
	assert_int_equal(ops->init(mac), -1);
	assert_int_equal(irq_enables, 0);
}

static void test_init_without_config_fails(void **state)
{
	(void)state;
	stellaris_enet_test_reset();
	assert_int_equal(ops->init(mac), -1);
	assert_int_equal(irq_enables, 0);
}

/* ---------------------------------------------------------------- link */

/* Up is MR1's link with auto-negotiation complete; each change counted. */
static void test_link_follows_mr1(void **state)
{
	(void)state;
	init_ok();
	assert_true(ops->link_up());
	assert_true(ops->link_up());
	assert_int_equal(ops->stats->link_changes, 1);
	fsn.phy[SENET_PHY_MR1] &= (uint16_t)~SENET_MR1_ANEGC;   /* link, still negotiating */
	assert_false(ops->link_up());
	fake_senet_set_link(true);
	assert_true(ops->link_up());
	fake_senet_set_link(false);
	assert_false(ops->link_up());
	assert_int_equal(ops->stats->link_changes, 4);
}

/* A link that dropped and came back since the last look reads low once
 * (latched); the driver reads MR1 twice and reports the present state. */
static void test_link_reads_through_latched_low(void **state)
{
	(void)state;
	init_ok();
	assert_true(ops->link_up());
	fsn.mr1_link_latched_low = true;
	assert_true(ops->link_up());
	assert_int_equal(ops->stats->link_changes, 1);
}

/* MR18 resolved half duplex: when the link comes up MACTCTL.DUPLEX is
 * cleared to match; a later full-duplex link sets it again. */
static void test_link_sets_mac_duplex_from_mr18(void **state)
{
	(void)state;
	init_ok();
	fsn.phy[SENET_PHY_MR18] = 0;
	assert_true(ops->link_up());
	assert_int_equal(fsn.tctl & SENET_TCTL_DUPLEX, 0);
	assert_true(fsn.tctl & SENET_TCTL_TXEN);
	fake_senet_set_link(false);
	assert_false(ops->link_up());
	fsn.phy[SENET_PHY_MR18] = SENET_MR18_DPLX;
	fake_senet_set_link(true);
	assert_true(ops->link_up());
	assert_true(fsn.tctl & SENET_TCTL_DUPLEX);
}

/* QEMU's model: MII completes at once and every PHY register reads 0.
 * No identifier answers, so the PHY is left alone (no writes) and the
 * link is up without asking; counted once, as a change from down. */
static void test_no_phy_link_assumed_up(void **state)
{
	(void)state;
	fsn.no_phy = true;
	init_ok();
	assert_false(stellaris_enet_phy_present());
	assert_int_equal(fsn.phy_writes[SENET_PHY_MR0], 0);
	assert_true(ops->link_up());
	assert_true(ops->link_up());
	assert_int_equal(ops->stats->link_changes, 1);
}

/* ---------------------------------------------------------------- TX */

/* A 60-byte frame: the data length (60 - 14 = 46) in the first half of
 * the first word, the frame from its third byte on, 62 bytes in 16
 * words; then one NEWTX. */
static void test_tx_length_first_then_frame(void **state)
{
	uint8_t f[60], wire[64];

	(void)state;
	init_ok();
	frame_fill(f, sizeof f, 0x10);
	struct pbuf *p = ram_pbuf(f, sizeof f);
	assert_int_equal(ops->tx(p), 0);
	pbuf_free(p);
	assert_int_equal(fsn.tx_newtx, 1);
	assert_int_equal(fsn.tx_last_n, 16);
	assert_int_equal(fsn.tx_last[0], 46u | (uint32_t)f[0] << 16 | (uint32_t)f[1] << 24);
	assert_int_equal(fake_senet_sent(0, wire, sizeof wire), 60);
	assert_memory_equal(wire, f, sizeof f);
	assert_int_equal(ops->stats->tx_frames, 1);
	assert_int_equal(ops->stats->tx_bytes, 60);
}

/* The exact words of a 15-byte frame: 2 + 15 = 17 bytes in 5 words, the
 * last holding one byte and zeros. */
static void test_tx_words_exactly(void **state)
{
	uint8_t f[15];

	(void)state;
	init_ok();
	frame_fill(f, sizeof f, 1);
	struct pbuf *p = ram_pbuf(f, sizeof f);
	assert_int_equal(ops->tx(p), 0);
	pbuf_free(p);
	assert_int_equal(fsn.tx_last_n, 5);
	assert_int_equal(fsn.tx_last[0], 1u | (uint32_t)f[0] << 16 | (uint32_t)f[1] << 24);
	for (unsigned w = 1; w < 4; w++) {
		uint32_t want;
		memcpy(&want, f + 4 * w - 2, 4);
		assert_int_equal(fsn.tx_last[w], want);
	}
	assert_int_equal(fsn.tx_last[4], f[14]);
}

/* A chain whose pieces end at every phase of a word (3, 1, 6, 5, 0, 2,
 * 333 bytes): the wire sees the bytes in order. */
static void test_tx_chain_at_every_phase(void **state)
{
	static const u16_t parts[] = { 3, 1, 6, 5, 0, 2, 333 };
	uint8_t want[350], got[400];
	size_t off = 0;
	struct pbuf *p = NULL;

	(void)state;
	init_ok();
	frame_fill(want, sizeof want, 9);
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		struct pbuf *q = pbuf_alloc(PBUF_RAW, parts[i], PBUF_RAM);
		assert_non_null(q);
		memcpy(q->payload, want + off, parts[i]);
		off += parts[i];
		if (p == NULL)
			p = q;
		else
			pbuf_cat(p, q);
	}
	assert_int_equal(off, sizeof want);
	assert_int_equal(ops->tx(p), 0);
	pbuf_free(p);
	assert_int_equal(fake_senet_sent(0, got, sizeof got), sizeof want);
	assert_memory_equal(got, want, sizeof want);
}

/* The TX FIFO holds one frame: tx waits for the previous one to leave
 * (NEWTX clear) before it writes a word. */
static void test_tx_waits_for_previous_frame(void **state)
{
	uint8_t f[64];

	(void)state;
	init_ok();
	frame_fill(f, sizeof f, 2);
	struct pbuf *p = ram_pbuf(f, sizeof f);
	assert_int_equal(ops->tx(p), 0);
	fsn.tx_busy_reads = 50;   /* the first frame is still leaving */
	assert_int_equal(ops->tx(p), 0);
	pbuf_free(p);
	assert_int_equal(fsn.tx_busy_reads, 0);
	assert_int_equal(fsn.tx_writes_busy, 0);
	assert_int_equal(fsn.sent_n, 2);
	assert_int_equal(ops->stats->tx_errors, 0);
}

/* A transmitter that never finishes: the frame is refused (-1), counted,
 * nothing is written into the busy FIFO, the caller keeps its pbuf. */
static void test_tx_stuck_transmitter_refuses(void **state)
{
	uint8_t f[64];

	(void)state;
	init_ok();
	frame_fill(f, sizeof f, 3);
	fsn.tx_stuck = true;
	struct pbuf *p = ram_pbuf(f, sizeof f);
	assert_int_equal(ops->tx(p), -1);
	assert_int_equal(p->ref, 1);
	pbuf_free(p);
	assert_int_equal(fsn.tx_n, 0);
	assert_int_equal(fsn.tx_newtx, 0);
	assert_int_equal(ops->stats->tx_errors, 1);
	assert_int_equal(ops->stats->tx_frames, 0);
}

/* Shorter than a header (the data length would be negative) or longer
 * than 1518: refused, counted, nothing written. */
static void test_tx_bad_lengths_refused(void **state)
{
	static uint8_t f[1519];

	(void)state;
	init_ok();
	struct pbuf *a = ram_pbuf(f, 13);
	struct pbuf *b = ram_pbuf(f, sizeof f);
	assert_int_equal(ops->tx(a), -1);
	assert_int_equal(ops->tx(b), -1);
	pbuf_free(a);
	pbuf_free(b);
	assert_int_equal(fsn.tx_n, 0);
	assert_int_equal(ops->stats->tx_errors, 2);
}

/* ---------------------------------------------------------------- RX */

/* Frames of 60..63 bytes (every phase of the FIFO's last word): each is
 * copied into one pool pbuf without length field or FCS, the FIFO is read
 * to the end of the frame and no further, RXINT is acknowledged. */
static void test_rx_frames_at_every_phase(void **state)
{
	uint8_t f[64];

	(void)state;
	init_ok();
	for (unsigned len = 60; len < 64; len++) {
		frame_fill(f, len, (uint8_t)len);
		fake_senet_rx_frame(f, len);
		stellaris_enet_isr();
		assert_int_equal(fsn.ris & SENET_INT_RXINT, 0);
		assert_int_equal(fsn.rx_n, 0);
		assert_int_equal(fsn.rx_pos, 0);
		struct pbuf *p = ops->rx();
		assert_non_null(p);
		assert_int_equal(p->tot_len, len);
		assert_int_equal(pbuf_get_allocsrc(p), PBUF_TYPE_ALLOC_SRC_MASK_STD_MEMP_PBUF_POOL);
		assert_memory_equal(p->payload, f, len);
		pbuf_free(p);
	}
	assert_int_equal(fsn.rx_underflows, 0);
	assert_int_equal(ops->stats->rx_frames, 4);
	assert_int_equal(ops->stats->rx_bytes, 60 + 61 + 62 + 63);
}

/* rx_pending() is the queue, not a counter: false while the frame is only
 * in the FIFO, true from the interrupt until rx() took the last one. */
static void test_rx_pending_follows_queue(void **state)
{
	uint8_t f[60];

	(void)state;
	init_ok();
	frame_fill(f, sizeof f, 5);
	fake_senet_rx_frame(f, sizeof f);
	fake_senet_rx_frame(f, sizeof f);
	assert_false(ops->rx_pending());
	stellaris_enet_isr();
	assert_true(ops->rx_pending());
	struct pbuf *a = ops->rx();
	assert_true(ops->rx_pending());
	struct pbuf *b = ops->rx();
	assert_false(ops->rx_pending());
	assert_non_null(a);
	assert_non_null(b);
	pbuf_free(a);
	pbuf_free(b);
	ops->poll();
	assert_false(ops->rx_pending());
	assert_int_equal(fsn.unknown_access, 0);
}

/* Lengths no good frame has (shorter than a header, longer than 1518)
 * are counted and read out; the good frame behind them gets through. */
static void test_rx_bad_lengths_read_out(void **state)
{
	static uint8_t f[1600];

	(void)state;
	init_ok();
	frame_fill(f, sizeof f, 0);
	fake_senet_rx_frame(f, 10);
	fake_senet_rx_frame(f, 1519);
	fake_senet_rx_frame(f, 60);
	stellaris_enet_isr();
	assert_int_equal(ops->stats->rx_errors, 2);
	assert_int_equal(ops->stats->rx_frames, 1);
	assert_int_equal(fsn.rx_n, 0);
	assert_int_equal(fsn.rx_underflows, 0);
	struct pbuf *p = ops->rx();
	assert_non_null(p);
	assert_int_equal(pbuf_memcmp(p, 0, f, 60), 0);
	pbuf_free(p);
}

/* A length no 2 KiB FIFO holds means the FIFO is out of step: it is
 * cleared (RSTFIFO with the receiver off), counted once, and reception
 * goes on with the next frame. */
static void test_rx_impossible_length_clears_fifo(void **state)
{
	uint8_t f[60];

	(void)state;
	init_ok();
	frame_fill(f, sizeof f, 6);
	fake_senet_rx_raw(0xFFFFu, 4);
	fake_senet_rx_frame(f, sizeof f);
	stellaris_enet_isr();
	assert_int_equal(ops->stats->rx_errors, 1);
	assert_int_equal(fsn.rstfifo_writes, 2);   /* init's, and this one */
	assert_int_equal(fsn.rstfifo_with_rxen, 0);
	assert_true(fsn.rctl & SENET_RCTL_RXEN);
	assert_null(ops->rx());
	fake_senet_rx_frame(f, sizeof f);
	stellaris_enet_isr();
	struct pbuf *p = ops->rx();
	assert_non_null(p);
	assert_int_equal(pbuf_memcmp(p, 0, f, sizeof f), 0);
	pbuf_free(p);
}

/* Queue full: the frame is read out of the FIFO and counted as
 * rx_dropped_queue, before any pbuf is taken for it. */
static void test_rx_queue_full_counted(void **state)
{
	uint8_t f[64];

	(void)state;
	init_ok();
	for (unsigned i = 0; i <= STELLARIS_ENET_RX_QUEUE; i++) {
		frame_fill(f, sizeof f, (uint8_t)i);
		fake_senet_rx_frame(f, sizeof f);
	}
	stellaris_enet_isr();
	assert_int_equal(ops->stats->rx_frames, STELLARIS_ENET_RX_QUEUE);
	assert_int_equal(ops->stats->rx_dropped_queue, 1);
	assert_int_equal(fsn.rx_n, 0);
	assert_int_equal(lwip_stats.memp[MEMP_PBUF_POOL]->used,
	    pool_used_at_start + STELLARIS_ENET_RX_QUEUE);
	for (unsigned i = 0; i < STELLARIS_ENET_RX_QUEUE; i++) {
		struct pbuf *p = ops->rx();
		assert_non_null(p);
		frame_fill(f, sizeof f, (uint8_t)i);
		assert_int_equal(pbuf_memcmp(p, 0, f, sizeof f), 0);
		pbuf_free(p);
	}
	assert_null(ops->rx());
}

/* FOV, RXER and TXER are acknowledged and counted, one each; TXEMP,
 * which the handler does not serve, is left alone. */
static void test_isr_counts_error_sources(void **state)
{
	(void)state;
	init_ok();
	fsn.ris = SENET_INT_FOV | SENET_INT_RXER | SENET_INT_TXER | SENET_INT_TXEMP;
	stellaris_enet_isr();
	assert_int_equal(ops->stats->rx_errors, 2);
	assert_int_equal(ops->stats->tx_errors, 1);
	assert_int_equal(fsn.ris, SENET_INT_TXEMP);
	assert_int_equal(fsn.rx_reads, 0);
}

/* An interrupt with nothing in the FIFO reads no FIFO word. */
static void test_isr_with_nothing_pending(void **state)
{
	(void)state;
	init_ok();
	stellaris_enet_isr();
	assert_int_equal(fsn.rx_reads, 0);
	assert_null(ops->rx());
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	lwip_init();
	const struct CMUnitTest tests[] = {
		T(test_init_configures_mac_and_phy),
		T(test_init_programs_station_address),
		T(test_init_mdio_divider_from_clock),
		T(test_init_enables_board_irq_last),
		T(test_init_fails_without_mac),
		T(test_init_fails_when_mii_never_completes),
		T(test_init_without_config_fails),
		T(test_link_follows_mr1),
		T(test_link_reads_through_latched_low),
		T(test_link_sets_mac_duplex_from_mr18),
		T(test_no_phy_link_assumed_up),
		T(test_tx_length_first_then_frame),
		T(test_tx_words_exactly),
		T(test_tx_chain_at_every_phase),
		T(test_tx_waits_for_previous_frame),
		T(test_tx_stuck_transmitter_refuses),
		T(test_tx_bad_lengths_refused),
		T(test_rx_frames_at_every_phase),
		T(test_rx_pending_follows_queue),
		T(test_rx_bad_lengths_read_out),
		T(test_rx_impossible_length_clears_fifo),
		T(test_rx_queue_full_counted),
		T(test_isr_counts_error_sources),
		T(test_isr_with_nothing_pending),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
