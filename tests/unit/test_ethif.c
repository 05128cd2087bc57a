/*
 * port/lwip/ethif.c over a fake MAC: what the bridge promises the main
 * loop (frames in order to netif->input, bounded per poll, nothing leaked
 * when input refuses one; the driver's poll() once per pass, before its
 * frames are taken; "frames waiting" from ops->rx_pending, never from a
 * counter; link followed at ETHIF_LINK_POLL_MS; a MAC that cannot send
 * turns into ERR_IF and a counted drop).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "eth_mac.h"
#include "ethif.h"

#include "lwip/ethip6.h"
#include "lwip/init.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/sys.h"

#define FAKE_RX_MAX (2 * FW_ETH_RX_QUEUE + 2)

/* ---------------------------------------------------------------- fake MAC */

static const uint8_t fake_mac_addr[6] = { 0x02, 0x00, 0x5e, 0x00, 0x53, 0x01 };
static struct eth_mac_stats fake_stats;
static int fake_init_result;
static int fake_tx_result;
static unsigned fake_tx_calls;
static bool fake_link;
static struct pbuf *fake_rxq[FAKE_RX_MAX];
static size_t fake_rx_head, fake_rx_n;
static char fake_calls[64];     /* 'P' poll, 'R' rx, in call order */
static size_t fake_calls_n;

static void fake_log(char op)
{
	if (fake_calls_n < sizeof fake_calls - 1)
		fake_calls[fake_calls_n++] = op;
}

static void fake_calls_clear(void)
{
	memset(fake_calls, 0, sizeof fake_calls);
	fake_calls_n = 0;
}

static int fake_init(uint8_t mac[6])
{
	memcpy(mac, fake_mac_addr, 6);
	return fake_init_result;
}

static int fake_tx(struct pbuf *p)
{
	(void)p;
	fake_tx_calls++;
	return fake_tx_result;
}

/* Counts a frame as it hands it over, as the STM32 driver does: a bridge
 * that compared counters would never see a frame waiting. */
static struct pbuf *fake_rx(void)
{
	fake_log('R');
	if (fake_rx_n == 0)
		return NULL;
	fake_rx_n--;
	fake_stats.rx_frames++;
	return fake_rxq[fake_rx_head++];
}

static bool fake_rx_pending(void)
{
	return fake_rx_n > 0;
}

static void fake_poll(void)
{
	fake_log('P');
}

static bool fake_link_up(void)
{
	return fake_link;
}

static const struct eth_mac_ops fake_ops = {
	.init = fake_init, .tx = fake_tx, .rx = fake_rx, .rx_pending = fake_rx_pending,
	.poll = fake_poll, .link_up = fake_link_up, .stats = &fake_stats,
};

/* A frame the "driver" received: a pool pbuf tagged with its number. */
static void fake_receive(uint8_t tag)
{
	struct pbuf *p = pbuf_alloc(PBUF_RAW, 60, PBUF_POOL);

	assert_non_null(p);
	memset(p->payload, tag, 60);
	assert_true(fake_rx_head + fake_rx_n < FAKE_RX_MAX);
	fake_rxq[fake_rx_head + fake_rx_n++] = p;
}

/* ---------------------------------------------------------------- host glue */

static uint32_t fake_now;

u32_t sys_now(void)
{
	return fake_now;
}

uint32_t fw_rand32(void)
{
	return 4;
}

void fw_assert_failed(const char *msg, const char *file, int line)
{
	fail_msg("lwIP assertion '%s' at %s:%d", msg, file, line);
}

/* netif->input stand-in: records the tags, refuses when told to (then
 * the pbuf stays the caller's, as with lwIP's input functions). */
static uint8_t input_tags[FAKE_RX_MAX];
static size_t input_n;
static err_t input_result;

static err_t fake_input(struct pbuf *p, struct netif *inp)
{
	(void)inp;
	if (input_result != ERR_OK)
		return input_result;
	input_tags[input_n++] = ((uint8_t *)p->payload)[0];
	pbuf_free(p);
	return ERR_OK;
}

/* ---------------------------------------------------------------- fixtures */

static struct netif nif;
static struct ethif eif;
static uint16_t pool_used_at_start;

static int setup(void **state)
{
	(void)state;
	memset(&fake_stats, 0, sizeof fake_stats);
	fake_init_result = 0;
	fake_tx_result = 0;
	fake_tx_calls = 0;
	fake_link = true;
	fake_rx_head = fake_rx_n = 0;
	fake_calls_clear();
	input_n = 0;
	input_result = ERR_OK;
	fake_now = 1000;
	memset(&lwip_stats.link, 0, sizeof lwip_stats.link);
	pool_used_at_start = lwip_stats.memp[MEMP_PBUF_POOL]->used;
	eif = (struct ethif){ .ops = &fake_ops };
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	netif_remove(&nif);
	assert_int_equal(lwip_stats.memp[MEMP_PBUF_POOL]->used, pool_used_at_start);
	return 0;
}

static void add(void)
{
	ip4_addr_t a, m, g;

	IP4_ADDR(&a, 192, 0, 2, 2);
	IP4_ADDR(&m, 255, 255, 255, 0);
	IP4_ADDR(&g, 192, 0, 2, 1);
	assert_non_null(netif_add(&nif, &a, &m, &g, &eif, ethif_init, fake_input));
	netif_set_up(&nif);
}

/* ---------------------------------------------------------------- tests */

static void test_init_takes_mac_and_sets_ethernet_netif(void **state)
{
	(void)state;
	add();
	assert_int_equal(nif.hwaddr_len, 6);
	assert_memory_equal(nif.hwaddr, fake_mac_addr, 6);
	assert_int_equal(nif.mtu, 1500);
	assert_true(nif.flags & NETIF_FLAG_ETHARP);
	assert_true(nif.flags & NETIF_FLAG_BROADCAST);
	assert_true(netif_is_link_up(&nif));
	assert_non_null(nif.linkoutput);
#if LWIP_IPV6
	/* RFC 4861 7.2.1: ND needs the solicited-node groups, MLD reports them */
	assert_true(nif.flags & NETIF_FLAG_MLD6);
	assert_ptr_equal(nif.output_ip6, ethip6_output);
#endif
}

/* An ops table without one of the operations is refused before init
 * touches any hardware. */
static void test_init_refuses_incomplete_ops(void **state)
{
	ip4_addr_t a;
	struct eth_mac_ops partial = fake_ops;

	(void)state;
	partial.poll = NULL;
	eif.ops = &partial;
	IP4_ADDR(&a, 192, 0, 2, 2);
	assert_null(netif_add(&nif, &a, &a, &a, &eif, ethif_init, fake_input));
	partial = fake_ops;
	partial.rx_pending = NULL;
	assert_null(netif_add(&nif, &a, &a, &a, &eif, ethif_init, fake_input));
	netif_add_noaddr(&nif, NULL, NULL, NULL);   /* so teardown's remove has a netif */
}

/* A MAC that does not answer leaves no netif behind. */
static void test_init_failure_fails_netif_add(void **state)
{
	ip4_addr_t a;

	(void)state;
	fake_init_result = -1;
	IP4_ADDR(&a, 192, 0, 2, 2);
	assert_null(netif_add(&nif, &a, &a, &a, &eif, ethif_init, fake_input));
	netif_add_noaddr(&nif, NULL, NULL, NULL);   /* so teardown's remove has a netif */
}

static void test_poll_hands_frames_to_input_in_order(void **state)
{
	(void)state;
	add();
	for (uint8_t i = 1; i <= 3; i++)
		fake_receive(i);
	assert_true(ethif_rx_pending(&nif));
	assert_int_equal(ethif_poll(&nif), 3);
	assert_false(ethif_rx_pending(&nif));
	assert_int_equal(input_n, 3);
	assert_int_equal(input_tags[0], 1);
	assert_int_equal(input_tags[2], 3);
	assert_int_equal(lwip_stats.link.recv, 3);
}

/* The driver's counters say nothing to the bridge: a frame waiting with
 * rx_frames unchanged is pending, a counter that moved with nothing
 * waiting is not. */
static void test_rx_pending_asks_the_driver_not_its_counters(void **state)
{
	(void)state;
	add();
	assert_false(ethif_rx_pending(&nif));
	fake_receive(1);
	assert_int_equal(fake_stats.rx_frames, 0);
	assert_true(ethif_rx_pending(&nif));
	assert_int_equal(ethif_poll(&nif), 1);
	assert_false(ethif_rx_pending(&nif));
	fake_stats.rx_frames += 5;
	assert_false(ethif_rx_pending(&nif));
	assert_int_equal(ethif_poll(&nif), 0);
}

/* Each pass runs the driver's housekeeping once, before it takes frames,
 * so TX reclaim has freed room for the replies; then rx() until NULL. */
static void test_poll_runs_driver_poll_first(void **state)
{
	(void)state;
	add();
	fake_receive(1);
	fake_receive(2);
	fake_calls_clear();
	assert_int_equal(ethif_poll(&nif), 2);
	assert_string_equal(fake_calls, "PRRR");
	fake_calls_clear();
	assert_int_equal(ethif_poll(&nif), 0);
	assert_string_equal(fake_calls, "PR");
}

/* One poll takes at most FW_ETH_RX_QUEUE frames so the loop's other work
 * (timers, console) runs under a flood; the rest wait for the next poll. */
static void test_poll_is_bounded(void **state)
{
	(void)state;
	add();
	for (unsigned i = 0; i < FW_ETH_RX_QUEUE + 2; i++)
		fake_receive((uint8_t)i);
	assert_int_equal(ethif_poll(&nif), FW_ETH_RX_QUEUE);
	assert_true(ethif_rx_pending(&nif));
	assert_int_equal(ethif_poll(&nif), 2);
	assert_false(ethif_rx_pending(&nif));
}

/* A frame input refuses is freed here and counted as a link drop. */
static void test_refused_frame_is_freed(void **state)
{
	(void)state;
	add();
	fake_receive(7);
	input_result = ERR_MEM;
	assert_int_equal(ethif_poll(&nif), 1);
	assert_int_equal(lwip_stats.link.drop, 1);
	/* teardown checks the pool is back where it started */
}

/* The PHY is asked at most every ETHIF_LINK_POLL_MS; changes reach the
 * netif through netif_set_link_down/up. */
static void test_link_followed_at_poll_interval(void **state)
{
	(void)state;
	add();
	fake_link = false;
	fake_now += ETHIF_LINK_POLL_MS - 1;
	ethif_poll(&nif);
	assert_true(netif_is_link_up(&nif));
	fake_now += 1;
	ethif_poll(&nif);
	assert_false(netif_is_link_up(&nif));
	fake_link = true;
	fake_now += ETHIF_LINK_POLL_MS;
	ethif_poll(&nif);
	assert_true(netif_is_link_up(&nif));
}

/* A MAC that cannot send (FIFO full, too long) is ERR_IF and a drop. */
static void test_linkoutput_maps_mac_errors(void **state)
{
	(void)state;
	add();
	/* (netif_set_up sent a gratuitous ARP already: count from here) */
	uint32_t xmit = lwip_stats.link.xmit, drop = lwip_stats.link.drop, calls = fake_tx_calls;
	struct pbuf *p = pbuf_alloc(PBUF_RAW, 60, PBUF_RAM);
	assert_non_null(p);
	assert_int_equal(nif.linkoutput(&nif, p), ERR_OK);
	assert_int_equal(lwip_stats.link.xmit, xmit + 1);
	fake_tx_result = -1;
	assert_int_equal(nif.linkoutput(&nif, p), ERR_IF);
	assert_int_equal(lwip_stats.link.drop, drop + 1);
	assert_int_equal(lwip_stats.link.xmit, xmit + 1);
	assert_int_equal(fake_tx_calls, calls + 2);
	pbuf_free(p);
}

int main(void)
{
	lwip_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_takes_mac_and_sets_ethernet_netif, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_failure_fails_netif_add, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_refuses_incomplete_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_hands_frames_to_input_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_pending_asks_the_driver_not_its_counters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_runs_driver_poll_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_is_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_frame_is_freed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_followed_at_poll_interval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linkoutput_maps_mac_errors, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
