/*
 * finwait's main loop: bring up the board, lwIP and the TCP engine, then
 * serve interrupts' work forever. Interrupt handlers only queue frames,
 * buffer console bytes and set the deadline flag; everything else runs
 * here, in one thread, so lwIP and the engine need no locks.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "apps.h"
#include "board.h"
#include "cmd_net.h"
#include "cmd_tcp.h"
#include "config.h"
#include "console.h"
#include "eth_mac.h"
#include "ethif.h"
#include "fw_util.h"
#include "selftest.h"
#include "services.h"
#include "fw_tcp.h"

#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/ip6_addr.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#ifndef FW_VERSION
#define FW_VERSION "0.1"
#endif

#define MAIN_KEY_BYTES 16   /* fw_tcp_init()'s RFC 6528 key */

static struct netif main_eth_netif;
static struct ethif main_ethif;
static bool main_eth_ok;

static void main_print_ip(void)
{
	ip4_addr_t addr, mask, gw;
	char a[IP4ADDR_STRLEN_MAX], m[IP4ADDR_STRLEN_MAX], g[IP4ADDR_STRLEN_MAX];

	/* The banner shows the configured address even without a MAC. */
	if (!ip4addr_aton(FW_IP_ADDR, &addr) || !ip4addr_aton(FW_IP_NETMASK, &mask) ||
	    !ip4addr_aton(FW_IP_GATEWAY, &gw)) {
		console_printf("error: bad FW_IP_ADDR/FW_IP_NETMASK/FW_IP_GATEWAY\n");
		return;
	}
	ip4addr_ntoa_r(&addr, a, sizeof a);
	ip4addr_ntoa_r(&mask, m, sizeof m);
	ip4addr_ntoa_r(&gw, g, sizeof g);
	console_printf("ip %s netmask %s gw %s\n", a, m, g);
#if LWIP_IPV6
	console_printf("ip6 %s/64\n", FW_IP6_ADDR);
#endif
}

#if LWIP_IPV6
/* RFC 4862: the link-local address from the MAC (modified EUI-64, RFC
 * 4291 appendix A), the configured global one, and SLAAC for prefixes a
 * router advertises. All start tentative; ND6's DAD (nd6_tmr, from
 * sys_check_timeouts) makes them preferred once the link is up. */
static void main_ip6_init(struct netif *nif)
{
	ip6_addr_t a;

	netif_create_ip6_linklocal_address(nif, 1);
	netif_set_ip6_autoconfig_enabled(nif, 1);
	if (!ip6addr_aton(FW_IP6_ADDR, &a) || ip6_addr_islinklocal(&a) ||
	    netif_add_ip6_address(nif, &a, NULL) != ERR_OK)
		console_printf("error: bad FW_IP6_ADDR\n");
}
#endif

static void main_net_init(void)
{
	ip4_addr_t addr, mask, gw;

	lwip_init();   /* adds the loopback netif (LWIP_HAVE_LOOPIF) */
	if (!ip4addr_aton(FW_IP_ADDR, &addr) || !ip4addr_aton(FW_IP_NETMASK, &mask) ||
	    !ip4addr_aton(FW_IP_GATEWAY, &gw))
		return;
	main_ethif.ops = board_eth_mac();
	if (main_ethif.ops == NULL) {
		console_printf("no Ethernet MAC on this board: loopback only\n");
		return;
	}
	if (netif_add(&main_eth_netif, &addr, &mask, &gw, &main_ethif, ethif_init,
	        ethernet_input) == NULL) {
		console_printf("error: no Ethernet MAC answered; loopback only\n");
		return;
	}
	netif_set_default(&main_eth_netif);
#if LWIP_IPV6
	main_ip6_init(&main_eth_netif);
#endif
	netif_set_up(&main_eth_netif);
	main_eth_ok = true;
}

static void main_banner(void)
{
	const uint8_t *mac = main_eth_netif.hwaddr;

	console_printf("\nfinwait %s on %s\n", FW_VERSION, board_name());
	console_printf("build %s %s gcc %s\n", __DATE__, __TIME__, __VERSION__);
	if (main_eth_ok)
		console_printf("mac %02x:%02x:%02x:%02x:%02x:%02x\n",
		    mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	else
		console_printf("mac none\n");
	main_print_ip();
	console_printf("link %s\n",
	    main_eth_ok && netif_is_link_up(&main_eth_netif) ? "up" : "down");
}

/* The ISN key (RFC 6528) from boot entropy, stirred with the MAC so two
 * boards booting in lockstep still differ. */
static void main_tcp_key(uint8_t key[MAIN_KEY_BYTES])
{
	for (unsigned i = 0; i < MAIN_KEY_BYTES; i += 4) {
		uint32_t w = board_entropy32() ^ fw_rand32();
		fw_rand_seed(w);
		memcpy(&key[i], &w, 4);
	}
	for (unsigned i = 0; i < ETH_HWADDR_LEN; i++)
		key[i] ^= main_eth_netif.hwaddr[i];
}

/* Work the interrupts may have left since the loop last looked. */
static bool main_work_pending(void)
{
	return main_eth_ok && ethif_rx_pending(&main_eth_netif);
}

/* Run the engine's timers when the board's deadline fired (or fired
 * while the loop was deciding to sleep), then re-arm for its next one. */
static void main_deadline(bool fired)
{
	uint32_t at;

	if (fired || board_deadline_fired())
		fw_tcp_timers(board_now_ms());
	if (fw_tcp_next_deadline(&at))
		board_deadline_arm(at);
	else
		board_deadline_cancel();
}

int main(void)
{
	uint8_t key[MAIN_KEY_BYTES];

	board_init();
	fw_rand_seed(board_entropy32());
	main_net_init();
	main_banner();
	main_tcp_key(key);
	fw_tcp_init(board_now_ms, key);
	memset(key, 0, sizeof key);
	services_init();
	apps_init();
	cmd_net_register();
	cmd_tcp_register();
	console_init();
	selftest_start(board_now_ms());   /* FW_SELFTEST boards only */

	bool fired = false;
	for (;;) {
		selftest_poll(board_now_ms());   /* its segments go out just below */
		unsigned frames = main_eth_ok ? ethif_poll(&main_eth_netif) : 0;
		netif_poll_all();      /* loopback queue (LWIP_NETIF_LOOPBACK, NO_SYS) */
		sys_check_timeouts();  /* ARP */
		console_poll();
		main_deadline(fired);
		fired = false;
		if (frames > 0)
			continue;
		/* Mask, look again, sleep: an interrupt after the look still ends
		 * the WFI. The 1 ms SysTick bounds the wait for anything the look
		 * does not cover (console bytes, loopback, lwIP timeouts). */
		uint32_t s = board_irq_save();
		fired = board_deadline_fired();
		if (!fired && !main_work_pending())
			board_idle();
		board_irq_restore(s);
	}
}
