/*
 * LAN9118 driver against a fake register block that behaves like the
 * chip where the driver depends on it (fake_lan9118.c: reset and ID, MAC
 * CSRs, PHY over MII, the TX data FIFO recorded word by word, the RX
 * status and data FIFOs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "eth_mac.h"
#include "lan9118.h"
#include "fake_lan9118.h"
#include "lan9118_regs.h"

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
	return 4;   /* chosen by fair dice roll */
}

void fw_assert_failed(const char *msg, const char *file, int line)
{
	fail_msg("lwIP assertion '%s' at %s:%d", msg, file, line);
}

/* ---------------------------------------------------------------- fixtures */

static uint16_t pool_used_at_start;
static unsigned irq_enables;
static uint32_t irq_cfg_at_enable;   /* IRQ_CFG when the board's line was enabled */

static void count_irq_enable(void)
{
	irq_enables++;
	irq_cfg_at_enable = fk.irq_cfg;
}

static const struct lan9118_config cfg = { .base = 0, .irq_enable = count_irq_enable };
static const struct eth_mac_ops *ops;

static int setup(void **state)
{
	(void)state;
	fake_lan9118_reset();
	lan9118_test_reset();
	irq_enables = 0;
	irq_cfg_at_enable = 0;
	ops = lan9118_ops(&cfg);
	pool_used_at_start = lwip_stats.memp[MEMP_PBUF_POOL]->used;
	return 0;
}

/* Every test ends with the pool as it found it and nothing left queued. */
static int teardown(void **state)
{
	(void)state;
	lan9118_test_reset();
	assert_int_equal(lwip_stats.memp[MEMP_PBUF_POOL]->used, pool_used_at_start);
	return 0;
}

static uint8_t mac[6];

static void init_ok(void)
{
	assert_int_equal(ops->init(mac), 0);
	fk.tx_n = 0;
}

static void frame_fill(uint8_t *f, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		f[i] = (uint8_t)(seed + i * 7u);
}

/* ---------------------------------------------------------------- init */

/* Reset, ID check and bring-up: soft reset once, the IRQ pin driven
 * push-pull active-high, RX status interrupt on, MAC TX/RX on, TX on with
 * status overrun allowed, the PHY reset and auto-negotiating. */
static void test_init_resets_and_configures(void **state)
{
	(void)state;
	assert_int_equal(ops->init(mac), 0);
	assert_int_equal(fk.srst_writes, 1);
	assert_int_equal(fk.irq_cfg,
	    LAN9118_IRQ_CFG_EN | LAN9118_IRQ_CFG_POL | LAN9118_IRQ_CFG_TYPE);
	assert_true(fk.int_en & LAN9118_INT_RSFL);
	assert_true(fk.int_en & LAN9118_INT_RXE);
	uint32_t cr = fk.mac_csr[LAN9118_MAC_CR];
	assert_true((cr & (LAN9118_MAC_CR_TXEN | LAN9118_MAC_CR_RXEN)) ==
	    (LAN9118_MAC_CR_TXEN | LAN9118_MAC_CR_RXEN));
	assert_false(cr & LAN9118_MAC_CR_PRMS);
	assert_false(cr & LAN9118_MAC_CR_BCAST);   /* broadcast (ARP) must be received */
	assert_true(cr & LAN9118_MAC_CR_MCPAS);    /* multicast (IPv6 ND's solicited-node groups) too */
	assert_int_equal(fk.tx_cfg, LAN9118_TX_CFG_TX_ON | LAN9118_TX_CFG_TXSAO);
	assert_int_equal(fk.phy_writes[LAN9118_PHY_BCR], 2);   /* reset, then auto-neg */
	assert_int_equal(fk.phy[LAN9118_PHY_BCR], LAN9118_BCR_ANENABLE | LAN9118_BCR_ANRESTART);
	assert_int_equal(fk.phy[LAN9118_PHY_ANAR], LAN9118_ANAR_ALL_10_100);
	assert_int_equal(fk.unknown_access, 0);
}

/* The MAC address comes from ADDRL (bytes 0-3) and ADDRH (bytes 4-5), so
 * whatever the EEPROM (QEMU: -nic mac=) loaded is what the netif uses. */
static void test_init_reads_mac_from_csrs(void **state)
{
	static const uint8_t want[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

	(void)state;
	init_ok();
	assert_memory_equal(mac, want, 6);
}

static void test_init_rejects_unknown_chip_id(void **state)
{
	(void)state;
	fk.id_rev = 0x12340001u;
	assert_int_equal(ops->init(mac), -1);
	assert_int_equal(fk.srst_writes, 0);
}

static void test_init_accepts_lan9220(void **state)
{
	(void)state;
	fk.id_rev = 0x92200000u;   /* the chip on the real MPS2 board */
	assert_int_equal(ops->init(mac), 0);
}

static void test_init_fails_without_byte_test(void **state)
{
	(void)state;
	fk.byte_test = 0xFFFFFFFFu;   /* nothing on the bus */
	assert_int_equal(ops->init(mac), -1);
}

/* A reset that never completes ends in an error, not a hang. */
static void test_init_fails_when_reset_never_clears(void **state)
{
	(void)state;
	fk.srst_stuck = true;
	assert_int_equal(ops->init(mac), -1);
}

/* The board's line is enabled once, and only after IRQ_CFG drives the
 * pin push-pull active-high: the reset setting reads as asserted. */
static void test_init_enables_board_irq_after_irq_cfg(void **state)
{
	(void)state;
	assert_int_equal(irq_enables, 0);   /* the constructor touches nothing */
	init_ok();
	assert_int_equal(irq_enables, 1);
	assert_int_equal(irq_cfg_at_enable,
	    LAN9118_IRQ_CFG_EN | LAN9118_IRQ_CFG_POL | LAN9118_IRQ_CFG_TYPE);
}

/* A chip that does not answer leaves the line disabled. */
static void test_init_failure_leaves_irq_disabled(void **state)
{
	(void)state;
	fk.byte_test = 0xFFFFFFFFu;
	assert_int_equal(ops->init(mac), -1);
	assert_int_equal(irq_enables, 0);
}

/* Without a configuration there is no chip to talk to. */
static void test_init_without_config_fails(void **state)
{
	(void)state;
	lan9118_test_reset();
	assert_int_equal(ops->init(mac), -1);
	assert_int_equal(fk.srst_writes, 0);
	assert_int_equal(irq_enables, 0);
}

/* ---------------------------------------------------------------- link */

/* Link from PHY BSR bit 2 over MII; each change is counted once. */
static void test_link_follows_phy_bsr(void **state)
{
	(void)state;
	init_ok();
	assert_true(ops->link_up());
	assert_true(ops->link_up());
	assert_int_equal(ops->stats->link_changes, 1);
	fk.phy[LAN9118_PHY_BSR] &= (uint16_t)~LAN9118_BSR_LINK;
	assert_false(ops->link_up());
	assert_int_equal(ops->stats->link_changes, 2);
}

/* A link that dropped and came back since the last look reads low once
 * (latched); the driver reads BSR twice and reports the present state. */
static void test_link_reads_through_latched_low(void **state)
{
	(void)state;
	init_ok();
	assert_true(ops->link_up());
	fk.bsr_link_latched_low = true;
	assert_true(ops->link_up());
	assert_int_equal(ops->stats->link_changes, 1);
}

/* ---------------------------------------------------------------- TX */

/* A 2-pbuf chain is sent as two TX buffers: A(FS, 14) B(len 21), the
 * 14 header bytes in 4 words (last one padded); A(LS, 7) B(len 21), the
 * 7 payload bytes in 2 words. Words carry bytes little-endian. */
static void test_tx_two_pbuf_chain(void **state)
{
	uint8_t hdr[14], pay[7];

	(void)state;
	init_ok();
	frame_fill(hdr, sizeof hdr, 0x10);
	frame_fill(pay, sizeof pay, 0x80);
	struct pbuf *p = pbuf_alloc(PBUF_RAW, sizeof hdr, PBUF_RAM);
	struct pbuf *q = pbuf_alloc(PBUF_RAW, sizeof pay, PBUF_RAM);
	assert_non_null(p);
	assert_non_null(q);
	memcpy(p->payload, hdr, sizeof hdr);
	memcpy(q->payload, pay, sizeof pay);
	pbuf_cat(p, q);

	assert_int_equal(ops->tx(p), 0);

	assert_int_equal(fk.tx_n, 2 + 4 + 2 + 2);
	uint32_t tag = fk.tx[1] >> 16;
	assert_int_equal(fk.tx[0], LAN9118_TXA_FS | 14u);
	assert_int_equal(fk.tx[1], LAN9118_TXB_TAG(tag) | 21u);
	uint8_t got[16] = { 0 };
	memcpy(got, &fk.tx[2], 16);
	assert_memory_equal(got, hdr, sizeof hdr);
	assert_int_equal(got[14], 0);
	assert_int_equal(got[15], 0);
	assert_int_equal(fk.tx[6], LAN9118_TXA_LS | 7u);
	assert_int_equal(fk.tx[7], LAN9118_TXB_TAG(tag) | 21u);
	memset(got, 0, sizeof got);
	memcpy(got, &fk.tx[8], 8);
	assert_memory_equal(got, pay, sizeof pay);
	assert_int_equal(got[7], 0);
	/* and the fake's wire view, which the contract suite reads, agrees */
	uint8_t wire[32];
	assert_int_equal(fake_lan9118_sent(0, wire, sizeof wire), 21);
	assert_memory_equal(wire, hdr, sizeof hdr);
	assert_memory_equal(wire + sizeof hdr, pay, sizeof pay);
	assert_int_equal(fake_lan9118_sent(1, wire, sizeof wire), 0);
	assert_int_equal(ops->stats->tx_frames, 1);
	assert_int_equal(ops->stats->tx_bytes, 21);
	pbuf_free(p);
}

/* A one-pbuf frame is a single buffer with FS and LS both set. */
static void test_tx_single_buffer_is_first_and_last(void **state)
{
	(void)state;
	init_ok();
	struct pbuf *p = pbuf_alloc(PBUF_RAW, 60, PBUF_RAM);
	assert_non_null(p);
	memset(p->payload, 0x5A, 60);
	assert_int_equal(ops->tx(p), 0);
	assert_int_equal(fk.tx_n, 2 + 15);
	assert_int_equal(fk.tx[0], LAN9118_TXA_FS | LAN9118_TXA_LS | 60u);
	assert_int_equal(fk.tx[1] & 0x7FFu, 60u);
	pbuf_free(p);
}

/* Not enough room in the TX data FIFO: nothing is written, the frame is
 * dropped and counted, and the caller keeps its pbuf. */
static void test_tx_without_fifo_space_is_dropped(void **state)
{
	(void)state;
	init_ok();
	fk.tx_free = 60;   /* 8 command bytes + 60 data bytes do not fit */
	struct pbuf *p = pbuf_alloc(PBUF_RAW, 60, PBUF_RAM);
	assert_non_null(p);
	assert_int_equal(ops->tx(p), -1);
	assert_int_equal(fk.tx_n, 0);
	assert_int_equal(ops->stats->tx_errors, 1);
	assert_int_equal(ops->stats->tx_frames, 0);
	pbuf_free(p);
}

static void test_tx_oversized_frame_is_dropped(void **state)
{
	(void)state;
	init_ok();
	struct pbuf *p = pbuf_alloc(PBUF_RAW, LAN9118_TX_MAX_LEN + 1, PBUF_RAM);
	assert_non_null(p);
	assert_int_equal(ops->tx(p), -1);
	assert_int_equal(fk.tx_n, 0);
	assert_int_equal(ops->stats->tx_errors, 1);
	pbuf_free(p);
}

/* ---------------------------------------------------------------- RX */

/* The interrupt moves the frame into one pool pbuf without its FCS,
 * acknowledges RSFL and empties both FIFOs; ops->rx hands it over once. */
static void test_rx_frame_into_pbuf(void **state)
{
	uint8_t f[61];   /* odd length: the last FIFO word is part frame, part FCS */

	(void)state;
	init_ok();
	frame_fill(f, sizeof f, 3);
	fake_lan9118_rx_frame(f, sizeof f, 0);

	lan9118_isr();

	assert_int_equal(fk.int_sts & LAN9118_INT_RSFL, 0);
	assert_int_equal(fk.rxs_n, 0);
	assert_int_equal(fk.rxd_n, 0);
	assert_int_equal(fk.rx_underflows, 0);
	struct pbuf *p = ops->rx();
	assert_non_null(p);
	assert_int_equal(p->tot_len, sizeof f);
	assert_int_equal(p->type_internal, PBUF_TYPE_FLAG_STRUCT_DATA_CONTIGUOUS | PBUF_TYPE_ALLOC_SRC_MASK_STD_MEMP_PBUF_POOL);
	assert_memory_equal(p->payload, f, sizeof f);
	assert_null(ops->rx());
	assert_int_equal(ops->stats->rx_frames, 1);
	assert_int_equal(ops->stats->rx_bytes, sizeof f);
	pbuf_free(p);
}

/* rx_pending() is the queue, not a counter: true from the interrupt that
 * queued a frame until rx() has taken the last one. */
static void test_rx_pending_follows_queue(void **state)
{
	uint8_t f[60];

	(void)state;
	init_ok();
	frame_fill(f, sizeof f, 5);
	assert_false(ops->rx_pending());
	fake_lan9118_rx_frame(f, sizeof f, 0);
	assert_false(ops->rx_pending());   /* still in the chip's FIFO */
	fake_lan9118_rx_frame(f, sizeof f, 0);
	lan9118_isr();
	assert_true(ops->rx_pending());
	struct pbuf *a = ops->rx();
	assert_true(ops->rx_pending());
	struct pbuf *b = ops->rx();
	assert_false(ops->rx_pending());
	assert_non_null(a);
	assert_non_null(b);
	pbuf_free(a);
	pbuf_free(b);
	ops->poll();                       /* nothing to do, and harmless */
	assert_false(ops->rx_pending());
	assert_int_equal(fk.unknown_access, 0);
}

/* A full-size frame and a minimum one back to back, in order. */
static void test_rx_two_frames_in_order(void **state)
{
	uint8_t big[1514], small[42];

	(void)state;
	init_ok();
	frame_fill(big, sizeof big, 9);
	frame_fill(small, sizeof small, 200);
	fake_lan9118_rx_frame(big, sizeof big, 0);
	fake_lan9118_rx_frame(small, sizeof small, 0);
	lan9118_isr();
	struct pbuf *a = ops->rx();
	struct pbuf *b = ops->rx();
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->tot_len, sizeof big);
	assert_int_equal(pbuf_memcmp(a, 0, big, sizeof big), 0);
	assert_int_equal(b->tot_len, sizeof small);
	assert_int_equal(pbuf_memcmp(b, 0, small, sizeof small), 0);
	assert_int_equal(fk.rxd_n, 0);
	pbuf_free(a);
	pbuf_free(b);
}

/* Pool exhausted: the frame is read out of the FIFO and discarded,
 * counted as rx_dropped_nopbuf; nothing leaks (the pool's use is back to
 * its start once the test's own pbufs are freed: see teardown). */
static void test_rx_with_pool_exhausted_is_counted_not_leaked(void **state)
{
	struct pbuf *held[PBUF_POOL_SIZE + 1];
	size_t n = 0;
	uint8_t f[100];

	(void)state;
	init_ok();
	while (n < PBUF_POOL_SIZE + 1 &&
	    (held[n] = pbuf_alloc(PBUF_RAW, PBUF_POOL_BUFSIZE, PBUF_POOL)) != NULL)
		n++;
	assert_int_equal(n, PBUF_POOL_SIZE - pool_used_at_start);
	uint16_t err_before = lwip_stats.memp[MEMP_PBUF_POOL]->err;

	frame_fill(f, sizeof f, 1);
	fake_lan9118_rx_frame(f, sizeof f, 0);
	lan9118_isr();

	assert_int_equal(ops->stats->rx_dropped_nopbuf, 1);
	assert_int_equal(ops->stats->rx_frames, 0);
	assert_int_equal(fk.rxd_n, 0);
	assert_int_equal(fk.rxs_n, 0);
	assert_null(ops->rx());
	assert_int_equal(lwip_stats.memp[MEMP_PBUF_POOL]->err, err_before + 1);
	for (size_t i = 0; i < n; i++)
		pbuf_free(held[i]);
	assert_int_equal(lwip_stats.memp[MEMP_PBUF_POOL]->used, pool_used_at_start);

	/* and the next frame, with pbufs back, gets through */
	fake_lan9118_rx_frame(f, sizeof f, 0);
	lan9118_isr();
	struct pbuf *p = ops->rx();
	assert_non_null(p);
	assert_int_equal(pbuf_memcmp(p, 0, f, sizeof f), 0);
	pbuf_free(p);
}

/* RX queue full: the frame is discarded from the FIFO and counted as
 * rx_dropped_queue, before any pbuf is taken for it. */
static void test_rx_with_queue_full_is_counted(void **state)
{
	uint8_t f[64];

	(void)state;
	init_ok();
	for (unsigned i = 0; i <= LAN9118_RX_QUEUE; i++) {
		frame_fill(f, sizeof f, (uint8_t)i);
		fake_lan9118_rx_frame(f, sizeof f, 0);
	}
	lan9118_isr();
	assert_int_equal(ops->stats->rx_frames, LAN9118_RX_QUEUE);
	assert_int_equal(ops->stats->rx_dropped_queue, 1);
	assert_int_equal(fk.rxd_n, 0);
	assert_int_equal(lwip_stats.memp[MEMP_PBUF_POOL]->used,
	    pool_used_at_start + LAN9118_RX_QUEUE);
	for (unsigned i = 0; i < LAN9118_RX_QUEUE; i++) {
		struct pbuf *p = ops->rx();
		assert_non_null(p);
		frame_fill(f, sizeof f, (uint8_t)i);
		assert_int_equal(pbuf_memcmp(p, 0, f, sizeof f), 0);
		pbuf_free(p);
	}
	assert_null(ops->rx());
}

/* A status with the error summary bit (CRC, runt, too long...) is counted
 * and its data discarded; so are lengths no Ethernet frame has. */
static void test_rx_errors_are_counted_and_discarded(void **state)
{
	uint8_t f[1600];

	(void)state;
	init_ok();
	frame_fill(f, sizeof f, 0);
	fake_lan9118_rx_frame(f, 64, LAN9118_RXS_ES);
	fake_lan9118_rx_frame(f, 10, 0);      /* shorter than an Ethernet header */
	fake_lan9118_rx_frame(f, 1519, 0);    /* 1523 with FCS: longer than a VLAN frame */
	fake_lan9118_rx_frame(f, 60, 0);      /* the good one after them */
	lan9118_isr();
	assert_int_equal(ops->stats->rx_errors, 3);
	assert_int_equal(ops->stats->rx_frames, 1);
	assert_int_equal(fk.rxd_n, 0);
	assert_int_equal(fk.rx_underflows, 0);
	struct pbuf *p = ops->rx();
	assert_non_null(p);
	assert_int_equal(p->tot_len, 60);
	assert_int_equal(pbuf_memcmp(p, 0, f, 60), 0);
	pbuf_free(p);
}

/* The receiver-error interrupt and the chip's own drop counter feed
 * rx_errors. */
static void test_rx_error_interrupts_are_counted(void **state)
{
	(void)state;
	init_ok();
	fk.int_sts = LAN9118_INT_RXE | LAN9118_INT_RXDF;
	fk.rx_drop = 5;
	lan9118_isr();
	assert_int_equal(ops->stats->rx_errors, 6);
	assert_int_equal(fk.int_sts, 0);
	assert_int_equal(fk.rx_drop, 0);
}

/* An interrupt with nothing pending touches no FIFO. */
static void test_isr_with_nothing_pending(void **state)
{
	(void)state;
	init_ok();
	lan9118_isr();
	assert_int_equal(fk.rx_underflows, 0);
	assert_null(ops->rx());
	assert_int_equal(ops->stats->rx_errors, 0);
}

int main(void)
{
	lwip_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_resets_and_configures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_reads_mac_from_csrs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_rejects_unknown_chip_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_accepts_lan9220, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_fails_without_byte_test, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_fails_when_reset_never_clears, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_enables_board_irq_after_irq_cfg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_failure_leaves_irq_disabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_without_config_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_follows_phy_bsr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_reads_through_latched_low, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_two_pbuf_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_single_buffer_is_first_and_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_without_fifo_space_is_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_oversized_frame_is_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_frame_into_pbuf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_pending_follows_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_two_frames_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_with_pool_exhausted_is_counted_not_leaked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_with_queue_full_is_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_errors_are_counted_and_discarded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_error_interrupts_are_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_isr_with_nothing_pending, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
