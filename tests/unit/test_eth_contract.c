/*
 * The MAC contract (drivers/eth/eth_mac.h), one set of scenarios run
 * against every driver over the fake hardware its own suite uses: the
 * LAN9118 over fake_lan9118.c, the STM32F4 ETH over model_stm32_eth.c,
 * the Stellaris Ethernet Controller over fake_stellaris_enet.c, each
 * through a small adapter (eth_contract.h). The template driver has
 * no hardware to fake; it runs the part of the contract that needs none.
 *
 * Every scenario starts from a driver that has not been initialised and
 * ends with the driver's state forgotten and every lwIP pool and the heap
 * back where they were before init.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "eth_contract.h"
#include "eth_mac.h"
#include "eth_template.h"
#include "ethif.h"

#include "lwip/init.h"
#include "lwip/memp.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/sys.h"

#define CONTRACT_FRAME_MAX   1514u   /* the largest frame the netif sends */
#define CONTRACT_TOO_LONG    1519u   /* beyond any MAC's limit, 802.1Q tag included */

/* ---------------------------------------------------------------- host glue */

uint32_t eth_contract_now_ms;
unsigned eth_contract_irq_enables;

void eth_contract_irq_enable(void)
{
	eth_contract_irq_enables++;
}

uint32_t board_now_ms(void);
uint32_t board_now_ms(void)
{
	return eth_contract_now_ms;
}

u32_t sys_now(void)
{
	return eth_contract_now_ms;
}

uint32_t fw_rand32(void)
{
	return 4;
}

void fw_assert_failed(const char *msg, const char *file, int line)
{
	fail_msg("lwIP assertion '%s' at %s:%d", msg, file, line);
}

/* ---------------------------------------------------------------- fixture */

static const struct eth_contract_drv *drv;
static const struct eth_mac_ops *ops;
static u16_t pool_at_start, pbuf_at_start;
static mem_size_t heap_at_start;
static uint8_t mac[6];

static int setup(void **state)
{
	drv = *state;
	eth_contract_now_ms = 1000;
	eth_contract_irq_enables = 0;
	ops = drv->setup();
	pool_at_start = lwip_stats.memp[MEMP_PBUF_POOL]->used;
	pbuf_at_start = lwip_stats.memp[MEMP_PBUF]->used;
	heap_at_start = lwip_stats.mem.used;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	drv->teardown();
	assert_int_equal(lwip_stats.memp[MEMP_PBUF_POOL]->used, pool_at_start);
	assert_int_equal(lwip_stats.memp[MEMP_PBUF]->used, pbuf_at_start);
	assert_int_equal(lwip_stats.mem.used, heap_at_start);
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

/* Every pbuf of the chain comes from PBUF_POOL, as eth_mac.h promises. */
static void assert_pool_chain(const struct pbuf *p)
{
	for (const struct pbuf *q = p; q != NULL; q = q->next)
		assert_int_equal(pbuf_get_allocsrc(q), PBUF_TYPE_ALLOC_SRC_MASK_STD_MEMP_PBUF_POOL);
}

/* The next frame rx() hands over is `len` bytes from frame_fill(seed). */
static void expect_rx(size_t len, uint8_t seed)
{
	static uint8_t want[CONTRACT_FRAME_MAX];

	frame_fill(want, len, seed);
	struct pbuf *p = ops->rx();
	assert_non_null(p);
	assert_int_equal(p->tot_len, len);
	assert_int_equal(pbuf_memcmp(p, 0, want, (u16_t)len), 0);
	assert_pool_chain(p);
	pbuf_free(p);
}

static void deliver(size_t len, uint8_t seed)
{
	static uint8_t f[CONTRACT_FRAME_MAX];

	frame_fill(f, len, seed);
	drv->deliver(f, len);
}

/* ---------------------------------------------------------------- init */

/* init reports the station address the device (or its board) holds, and
 * enables the interrupt through the board's hook, once; the constructor
 * alone touches nothing. */
static void test_init_reports_station_address(void **state)
{
	static const uint8_t want[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };

	(void)state;
	drv->set_station_address(want);
	assert_int_equal(eth_contract_irq_enables, 0);
	init_ok();
	assert_memory_equal(mac, want, 6);
	assert_int_equal(eth_contract_irq_enables, 1);
}

/* No device: init fails and leaves the interrupt off. A driver that
 * defers its bring-up (eth_mac.h, init) succeeds instead, with the
 * interrupt off, nothing sent or received and the link down, until a
 * poll() after its retry interval finds the device back. */
static void test_init_without_device(void **state)
{
	(void)state;
	drv->remove_device();
	if (!drv->init_retries) {
		assert_int_equal(ops->init(mac), -1);
		assert_int_equal(eth_contract_irq_enables, 0);
		return;
	}
	init_ok();
	ops->poll();
	assert_int_equal(eth_contract_irq_enables, 0);
	assert_false(ops->rx_pending());
	assert_null(ops->rx());
	eth_contract_now_ms += ETHIF_LINK_POLL_MS;
	assert_false(ops->link_up());
	struct pbuf *p = pbuf_alloc(PBUF_RAW, 60, PBUF_RAM);
	assert_non_null(p);
	frame_fill(p->payload, 60, 1);
	assert_int_equal(ops->tx(p), -1);
	assert_int_equal(p->ref, 1);
	pbuf_free(p);
	uint8_t got[8];
	assert_int_equal(drv->sent(0, got, sizeof got), 0);

	drv->restore_device();
	eth_contract_now_ms += drv->retry_ms;
	ops->poll();
	assert_int_equal(eth_contract_irq_enables, 1);
	eth_contract_now_ms += ETHIF_LINK_POLL_MS;
	assert_true(ops->link_up());
	deliver(60, 5);
	assert_true(ops->rx_pending());
	expect_rx(60, 5);
}

/* ---------------------------------------------------------------- RX */

/* deliver 61 bytes -> rx_pending() before any rx(); rx() -> the frame in
 * pool pbufs, FCS gone; then nothing pending, rx() -> NULL. */
static void test_rx_pending_before_rx_then_frame(void **state)
{
	(void)state;
	init_ok();
	assert_false(ops->rx_pending());
	assert_null(ops->rx());
	deliver(61, 3);   /* odd: the last word is part frame, part FCS */
	assert_true(ops->rx_pending());
	expect_rx(61, 3);
	assert_false(ops->rx_pending());
	assert_null(ops->rx());
	assert_int_equal(ops->stats->rx_frames, 1);
	assert_int_equal(ops->stats->rx_bytes, 61);
	assert_int_equal(ops->stats->rx_errors, 0);
}

/* deliver a full frame, a minimum one and a middling one -> rx() hands
 * them over in order; pending until the last is taken. */
static void test_rx_frames_in_order(void **state)
{
	(void)state;
	init_ok();
	deliver(CONTRACT_FRAME_MAX, 9);
	deliver(60, 200);
	deliver(333, 77);
	expect_rx(CONTRACT_FRAME_MAX, 9);
	assert_true(ops->rx_pending());
	expect_rx(60, 200);
	assert_true(ops->rx_pending());
	expect_rx(333, 77);
	assert_false(ops->rx_pending());
	assert_int_equal(ops->stats->rx_frames, 3);
}

/* Pool empty: frames are taken (and held) until the device has nowhere
 * to put one; that frame, and only it, is counted rx_dropped_nopbuf.
 * Every frame taken is intact, and once pbufs come back the next frame
 * gets through. */
static void test_rx_pool_exhausted_drops_and_counts(void **state)
{
	struct pbuf *hold[PBUF_POOL_SIZE + 1];
	unsigned n = 0, taken = 0;

	(void)state;
	init_ok();
	while (n < PBUF_POOL_SIZE + 1 &&
	    (hold[n] = pbuf_alloc(PBUF_RAW, PBUF_POOL_BUFSIZE, PBUF_POOL)) != NULL)
		n++;
	for (;;) {
		assert_true(n < PBUF_POOL_SIZE + 1);
		deliver(100, (uint8_t)taken);
		ops->poll();
		struct pbuf *p = ops->rx();
		if (p == NULL)
			break;
		assert_int_equal(p->tot_len, 100);
		assert_pool_chain(p);
		hold[n++] = p;
		taken++;
	}
	assert_false(ops->rx_pending());
	assert_int_equal(ops->stats->rx_dropped_nopbuf, 1);
	assert_int_equal(ops->stats->rx_frames, taken);
	assert_int_equal(ops->stats->rx_errors, 0);
	assert_int_equal(ops->stats->rx_dropped_queue, 0);

	while (n > 0)
		pbuf_free(hold[--n]);
	ops->poll();
	deliver(100, 42);
	assert_true(ops->rx_pending());
	expect_rx(100, 42);
	assert_int_equal(ops->stats->rx_dropped_nopbuf, 1);
	assert_int_equal(ops->stats->rx_frames, taken + 1);
}

/* ---------------------------------------------------------------- TX */

/* A chain: a 14-byte header in the heap, an empty pbuf, 333 bytes by
 * reference, a 3-byte tail -> the device sends the 350 bytes in order,
 * and the caller's pbufs are untouched. */
static void test_tx_chain_reaches_the_wire(void **state)
{
	static uint8_t body[333];
	uint8_t hdr[14], tail[3], want[350], got[CONTRACT_FRAME_MAX];

	(void)state;
	init_ok();
	frame_fill(hdr, sizeof hdr, 1);
	frame_fill(body, sizeof body, 2);
	frame_fill(tail, sizeof tail, 3);
	memcpy(want, hdr, sizeof hdr);
	memcpy(want + sizeof hdr, body, sizeof body);
	memcpy(want + sizeof hdr + sizeof body, tail, sizeof tail);
	struct pbuf *p = pbuf_alloc(PBUF_RAW, sizeof hdr, PBUF_RAM);
	struct pbuf *empty = pbuf_alloc(PBUF_RAW, 0, PBUF_RAM);
	struct pbuf *ref = pbuf_alloc(PBUF_RAW, sizeof body, PBUF_REF);
	struct pbuf *t = pbuf_alloc(PBUF_RAW, sizeof tail, PBUF_RAM);
	assert_non_null(p);
	assert_non_null(empty);
	assert_non_null(ref);
	assert_non_null(t);
	memcpy(p->payload, hdr, sizeof hdr);
	ref->payload = body;
	memcpy(t->payload, tail, sizeof tail);
	pbuf_cat(p, empty);
	pbuf_cat(p, ref);
	pbuf_cat(p, t);

	assert_int_equal(ops->tx(p), 0);
	assert_int_equal(drv->sent(0, got, sizeof got), sizeof want);
	assert_memory_equal(got, want, sizeof want);
	assert_int_equal(drv->sent(1, got, sizeof got), 0);
	assert_int_equal(p->tot_len, sizeof want);
	assert_memory_equal(p->payload, hdr, sizeof hdr);
	pbuf_free(p);
	ops->poll();
	assert_int_equal(ops->stats->tx_frames, 1);
	assert_int_equal(ops->stats->tx_bytes, sizeof want);
	assert_int_equal(ops->stats->tx_errors, 0);
}

/* tx 3 frames, the caller frees its pbufs, the device sends them; after
 * poll() the driver holds none of them and has counted them sent. */
static void test_poll_reclaims_tx(void **state)
{
	(void)state;
	init_ok();
	for (uint8_t i = 0; i < 3; i++) {
		struct pbuf *p = pbuf_alloc(PBUF_RAW, 60, PBUF_RAM);
		assert_non_null(p);
		frame_fill(p->payload, 60, i);
		assert_int_equal(ops->tx(p), 0);
		pbuf_free(p);
	}
	ops->poll();
	assert_int_equal(lwip_stats.mem.used, heap_at_start);
	assert_int_equal(lwip_stats.memp[MEMP_PBUF]->used, pbuf_at_start);
	assert_int_equal(ops->stats->tx_frames, 3);
	assert_int_equal(ops->stats->tx_bytes, 180);
	uint8_t got[60], want[60];
	frame_fill(want, sizeof want, 2);
	assert_int_equal(drv->sent(2, got, sizeof got), 60);
	assert_memory_equal(got, want, sizeof want);
}

/* A frame longer than any MAC sends is refused (-1) and counted, nothing
 * reaches the wire, and the caller keeps its pbuf. */
static void test_tx_too_long_refused(void **state)
{
	uint8_t got[8];

	(void)state;
	init_ok();
	struct pbuf *p = pbuf_alloc(PBUF_RAW, CONTRACT_TOO_LONG, PBUF_RAM);
	assert_non_null(p);
	memset(p->payload, 0x5A, CONTRACT_TOO_LONG);
	assert_int_equal(ops->tx(p), -1);
	assert_int_equal(ops->stats->tx_errors, 1);
	assert_int_equal(ops->stats->tx_frames, 0);
	assert_int_equal(drv->sent(0, got, sizeof got), 0);
	assert_int_equal(p->ref, 1);
	pbuf_free(p);
}

/* ---------------------------------------------------------------- link */

/* Asked as the bridge asks, every ETHIF_LINK_POLL_MS: up, down, up again,
 * each change counted once. */
static void test_link_follows_phy(void **state)
{
	(void)state;
	init_ok();
	eth_contract_now_ms += ETHIF_LINK_POLL_MS;
	assert_true(ops->link_up());
	eth_contract_now_ms += ETHIF_LINK_POLL_MS;
	assert_true(ops->link_up());
	assert_int_equal(ops->stats->link_changes, 1);
	drv->set_link(false);
	eth_contract_now_ms += ETHIF_LINK_POLL_MS;
	assert_false(ops->link_up());
	drv->set_link(true);
	eth_contract_now_ms += ETHIF_LINK_POLL_MS;
	assert_true(ops->link_up());
	assert_int_equal(ops->stats->link_changes, 3);
}

/* ---------------------------------------------------------------- the template */

static const struct eth_template_config template_cfg = {
	.base = 0,
	.mac = { 0x02, 0x00, 0x5e, 0x00, 0x53, 0x07 },
	.irq_enable = eth_contract_irq_enable,
};

static int tmpl_setup(void **state)
{
	(void)state;
	eth_contract_irq_enables = 0;
	eth_template_test_reset();
	ops = eth_template_ops(&template_cfg);
	pool_at_start = lwip_stats.memp[MEMP_PBUF_POOL]->used;
	heap_at_start = lwip_stats.mem.used;
	return 0;
}

static int tmpl_teardown(void **state)
{
	(void)state;
	eth_template_test_reset();
	assert_int_equal(lwip_stats.memp[MEMP_PBUF_POOL]->used, pool_at_start);
	assert_int_equal(lwip_stats.mem.used, heap_at_start);
	return 0;
}

/* Every operation is there (the bridge refuses a table without one). */
static void test_template_has_every_op(void **state)
{
	(void)state;
	assert_non_null(ops->init);
	assert_non_null(ops->tx);
	assert_non_null(ops->rx);
	assert_non_null(ops->rx_pending);
	assert_non_null(ops->poll);
	assert_non_null(ops->link_up);
	assert_non_null(ops->stats);
}

/* init: the board's address (no EEPROM), the interrupt enabled once. */
static void test_template_init_takes_board_config(void **state)
{
	(void)state;
	assert_int_equal(eth_contract_irq_enables, 0);
	assert_int_equal(ops->init(mac), 0);
	assert_memory_equal(mac, template_cfg.mac, 6);
	assert_int_equal(eth_contract_irq_enables, 1);
}

/* Nothing on the wire: an interrupt queues nothing, nothing is pending,
 * poll() is harmless, the link is down and no change is counted. */
static void test_template_quiet_wire(void **state)
{
	(void)state;
	assert_int_equal(ops->init(mac), 0);
	eth_template_isr();
	assert_false(ops->rx_pending());
	assert_null(ops->rx());
	ops->poll();
	assert_false(ops->link_up());
	assert_int_equal(ops->stats->link_changes, 0);
	assert_int_equal(ops->stats->rx_frames, 0);
	assert_int_equal(ops->stats->rx_errors, 0);
}

/* No room to send: refused and counted, the caller keeps its pbuf. */
static void test_template_tx_without_room_refused(void **state)
{
	(void)state;
	assert_int_equal(ops->init(mac), 0);
	struct pbuf *p = pbuf_alloc(PBUF_RAW, 60, PBUF_RAM);
	assert_non_null(p);
	assert_int_equal(ops->tx(p), -1);
	assert_int_equal(ops->stats->tx_errors, 1);
	assert_int_equal(p->ref, 1);
	pbuf_free(p);
}

/* Without a configuration there is no device to talk to. */
static void test_template_init_without_config_fails(void **state)
{
	(void)state;
	eth_template_test_reset();
	assert_int_equal(ops->init(mac), -1);
	assert_int_equal(eth_contract_irq_enables, 0);
}

/* ---------------------------------------------------------------- main */

#define CONTRACT_TEST(f, d) cmocka_unit_test_prestate_setup_teardown(f, setup, teardown, &(d))
#define CONTRACT_TESTS(d) { \
	CONTRACT_TEST(test_init_reports_station_address, d), \
	CONTRACT_TEST(test_init_without_device, d), \
	CONTRACT_TEST(test_rx_pending_before_rx_then_frame, d), \
	CONTRACT_TEST(test_rx_frames_in_order, d), \
	CONTRACT_TEST(test_rx_pool_exhausted_drops_and_counts, d), \
	CONTRACT_TEST(test_tx_chain_reaches_the_wire, d), \
	CONTRACT_TEST(test_poll_reclaims_tx, d), \
	CONTRACT_TEST(test_tx_too_long_refused, d), \
	CONTRACT_TEST(test_link_follows_phy, d), \
}
#define T(f) cmocka_unit_test_setup_teardown(f, tmpl_setup, tmpl_teardown)

int main(void)
{
	const struct CMUnitTest lan9118[] = CONTRACT_TESTS(eth_contract_lan9118);
	const struct CMUnitTest stm32[] = CONTRACT_TESTS(eth_contract_stm32);
	const struct CMUnitTest stellaris[] = CONTRACT_TESTS(eth_contract_stellaris);
	const struct CMUnitTest tmpl[] = {
		T(test_template_has_every_op),
		T(test_template_init_takes_board_config),
		T(test_template_quiet_wire),
		T(test_template_tx_without_room_refused),
		T(test_template_init_without_config_fails),
	};
	int failed = 0;

	lwip_init();
	/* cmocka's default output names no group: say which driver a
	 * failure below belongs to. */
	print_message("[ DRIVER   ] %s\n", eth_contract_lan9118.name);
	failed += cmocka_run_group_tests_name(eth_contract_lan9118.name, lan9118, NULL, NULL);
	print_message("[ DRIVER   ] %s\n", eth_contract_stm32.name);
	failed += cmocka_run_group_tests_name(eth_contract_stm32.name, stm32, NULL, NULL);
	print_message("[ DRIVER   ] %s\n", eth_contract_stellaris.name);
	failed += cmocka_run_group_tests_name(eth_contract_stellaris.name, stellaris, NULL, NULL);
	print_message("[ DRIVER   ] eth_template\n");
	failed += cmocka_run_group_tests_name("eth_template", tmpl, NULL, NULL);
	return failed;
}
