/*
 * Console commands for the network below TCP: interfaces, per-layer
 * counters and pool use, the MAC driver's own report, reboot. Output
 * follows the record format of console.h (`section: key=value ...`).
 */
#include "cmd_net.h"

#include "board.h"
#include "console.h"
#include "eth_mac.h"

#include <stdio.h>

#include "lwip/ip4_addr.h"
#include "lwip/ip6_addr.h"
#include "lwip/mem.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/stats.h"

#define CMD_NET_MAC_STR 18   /* "xx:xx:xx:xx:xx:xx" and NUL */

/* Pool names in memp_t order, from lwIP's own pool list, so a pool added by
 * an option change is listed without touching this file. */
static const char *const cmd_net_memp_names[MEMP_MAX] = {
#define LWIP_MEMPOOL(name, num, size, desc) #name,
#include "lwip/priv/memp_std.h"
};

static void cmd_net_mac_str(const struct netif *nif, char buf[CMD_NET_MAC_STR])
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < nif->hwaddr_len && i < NETIF_MAX_HWADDR_LEN; i++) {
		if (i > 0)
			buf[o++] = ':';
		buf[o++] = hex[nif->hwaddr[i] >> 4];
		buf[o++] = hex[nif->hwaddr[i] & 0xf];
	}
	buf[o] = '\0';
}

static void cmd_net_print_netif(const struct netif *nif)
{
	char addr[IP4ADDR_STRLEN_MAX], mask[IP4ADDR_STRLEN_MAX];
	char gw[IP4ADDR_STRLEN_MAX], mac[CMD_NET_MAC_STR];

	ip4addr_ntoa_r(netif_ip4_addr(nif), addr, sizeof addr);
	ip4addr_ntoa_r(netif_ip4_netmask(nif), mask, sizeof mask);
	ip4addr_ntoa_r(netif_ip4_gw(nif), gw, sizeof gw);
	cmd_net_mac_str(nif, mac);
	console_printf("%c%c%u: addr=%s netmask=%s gw=%s mac=%s link=%s up=%s mtu=%u\n",
	    nif->name[0], nif->name[1], (unsigned)nif->num, addr, mask, gw,
	    mac[0] != '\0' ? mac : "none",
	    netif_is_link_up(nif) ? "up" : "down",
	    netif_is_up(nif) ? "yes" : "no", (unsigned)nif->mtu);
}

#if LWIP_IPV6
static const char *cmd_net_ip6_state(u8_t st)
{
	if (ip6_addr_istentative(st))
		return "tentative";
	if (ip6_addr_isduplicated(st))
		return "duplicated";
	if (ip6_addr_ispreferred(st))
		return "preferred";
	if (ip6_addr_isdeprecated(st))
		return "deprecated";
	return "invalid";
}

/* A lifetime in seconds (RFC 4862 5.5.4), or "forever" for a static
 * address (lwIP's IP6_ADDR_LIFE_STATIC) and an infinite one. */
static void cmd_net_life_str(u32_t life, char buf[12])
{
	if (ip6_addr_life_isstatic(life) || ip6_addr_life_isinfinite(life))
		snprintf(buf, 12, "forever");
	else
		snprintf(buf, 12, "%lu", (unsigned long)life);
}

/* One line per IPv6 address slot in use, after the interface's line, in
 * sections of their own so the interface's record keeps its keys:
 * `en0.ip6.0: addr=fe80::... scope=link state=preferred valid_s=... pref_s=...`. */
static void cmd_net_print_netif_ip6(const struct netif *nif)
{
	char addr[IP6ADDR_STRLEN_MAX], valid[12], pref[12];

	for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
		u8_t st = netif_ip6_addr_state(nif, i);
		const ip6_addr_t *a = netif_ip6_addr(nif, i);

		if (ip6_addr_isinvalid(st))
			continue;
		ip6addr_ntoa_r(a, addr, sizeof addr);
		for (char *c = addr; *c != '\0'; c++)   /* RFC 5952 4.3: lowercase */
			if (*c >= 'A' && *c <= 'F')
				*c = (char)(*c - 'A' + 'a');
		cmd_net_life_str(netif_ip6_addr_valid_life(nif, i), valid);
		cmd_net_life_str(netif_ip6_addr_pref_life(nif, i), pref);
		console_printf("%c%c%u.ip6.%d: addr=%s scope=%s state=%s valid_s=%s pref_s=%s\n",
		    nif->name[0], nif->name[1], (unsigned)nif->num, i, addr,
		    ip6_addr_islinklocal(a) ? "link" : ip6_addr_isloopback(a) ? "host" : "global",
		    cmd_net_ip6_state(st), valid, pref);
	}
}
#endif

static int cmd_net_ifconfig(int argc, char **argv)
{
	struct netif *nif;

	(void)argv;
	if (argc != 1)
		return 1;
	NETIF_FOREACH(nif) {
		cmd_net_print_netif(nif);
#if LWIP_IPV6
		cmd_net_print_netif_ip6(nif);
#endif
	}
	return 0;
}

static void cmd_net_print_mac_stats(void)
{
	const struct eth_mac_ops *mac = board_eth_mac();

	if (mac == NULL || mac->stats == NULL) {
		console_printf("mac: present=no\n");
		return;
	}
	const struct eth_mac_stats *s = mac->stats;
	console_printf("mac: rx_frames=%lu rx_bytes=%lu rx_dropped_nopbuf=%lu "
	    "rx_dropped_queue=%lu rx_errors=%lu\n",
	    (unsigned long)s->rx_frames, (unsigned long)s->rx_bytes,
	    (unsigned long)s->rx_dropped_nopbuf, (unsigned long)s->rx_dropped_queue,
	    (unsigned long)s->rx_errors);
	console_printf("mac: tx_frames=%lu tx_bytes=%lu tx_errors=%lu link_changes=%lu\n",
	    (unsigned long)s->tx_frames, (unsigned long)s->tx_bytes,
	    (unsigned long)s->tx_errors, (unsigned long)s->link_changes);
	console_printf("mac: rx_missed=%lu\n", (unsigned long)s->rx_missed);
}

static void cmd_net_print_proto(const char *name, const struct stats_proto *p)
{
	console_printf("%s: xmit=%u recv=%u fw=%u drop=%u chkerr=%u lenerr=%u "
	    "memerr=%u rterr=%u proterr=%u opterr=%u err=%u\n", name,
	    (unsigned)p->xmit, (unsigned)p->recv, (unsigned)p->fw, (unsigned)p->drop,
	    (unsigned)p->chkerr, (unsigned)p->lenerr, (unsigned)p->memerr,
	    (unsigned)p->rterr, (unsigned)p->proterr, (unsigned)p->opterr,
	    (unsigned)p->err);
}

#if LWIP_IPV6
/* MLD keeps IGMP's counters (lwIP's struct stats_igmp). */
static void cmd_net_print_mld6(const struct stats_igmp *g)
{
	console_printf("mld6: xmit=%u recv=%u drop=%u chkerr=%u lenerr=%u memerr=%u "
	    "proterr=%u rx_group=%u rx_general=%u rx_report=%u tx_join=%u tx_leave=%u "
	    "tx_report=%u\n",
	    (unsigned)g->xmit, (unsigned)g->recv, (unsigned)g->drop, (unsigned)g->chkerr,
	    (unsigned)g->lenerr, (unsigned)g->memerr, (unsigned)g->proterr,
	    (unsigned)g->rx_group, (unsigned)g->rx_general, (unsigned)g->rx_report,
	    (unsigned)g->tx_join, (unsigned)g->tx_leave, (unsigned)g->tx_report);
}
#endif

static void cmd_net_print_mem(const char *name, const struct stats_mem *m)
{
	console_printf("%s: avail=%u used=%u max=%u err=%u illegal=%u\n", name,
	    (unsigned)m->avail, (unsigned)m->used, (unsigned)m->max,
	    (unsigned)m->err, (unsigned)m->illegal);
}

static void cmd_net_print_pools(void)
{
	char name[32];

	cmd_net_print_mem("heap", &lwip_stats.mem);
	for (size_t i = 0; i < MEMP_MAX; i++) {
		if (lwip_stats.memp[i] == NULL)
			continue;
		snprintf(name, sizeof name, "memp.%s", cmd_net_memp_names[i]);
		cmd_net_print_mem(name, lwip_stats.memp[i]);
	}
}

static int cmd_net_stats(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return 1;
	console_printf("uptime_ms=%lu\n", (unsigned long)board_now_ms());
	cmd_net_print_mac_stats();
	cmd_net_print_proto("link", &lwip_stats.link);
	cmd_net_print_proto("etharp", &lwip_stats.etharp);
	cmd_net_print_proto("ip", &lwip_stats.ip);
	cmd_net_print_proto("icmp", &lwip_stats.icmp);
#if LWIP_IPV6
	cmd_net_print_proto("ip6", &lwip_stats.ip6);
	cmd_net_print_proto("icmp6", &lwip_stats.icmp6);
	cmd_net_print_proto("nd6", &lwip_stats.nd6);
	cmd_net_print_mld6(&lwip_stats.mld6);
#endif
	cmd_net_print_pools();
	console_print_stats();
	return 0;
}

/* The driver's own lines (eth_mac.h, diag), then its counters as `stats`
 * prints them, so a bring-up can be followed from this one command. */
static int cmd_net_eth(int argc, char **argv)
{
	const struct eth_mac_ops *mac = board_eth_mac();

	(void)argv;
	if (argc != 1)
		return 1;
	if (mac == NULL) {
		console_printf("eth: none\n");
		return 0;
	}
	if (mac->diag != NULL)
		mac->diag(console_printf);
	else
		console_printf("eth: diag=none\n");
	cmd_net_print_mac_stats();
	return 0;
}

static int cmd_net_reboot(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return 1;
	console_printf("rebooting\n");
	board_reboot();
}

static const struct console_cmd cmd_net_cmds[] = {
	{ "ifconfig", "", "address, netmask, gateway, MAC, link and MTU of each interface; "
	  "its IPv6 addresses and their states",
	  cmd_net_ifconfig },
	{ "stats", "", "counters per layer, pool and heap use", cmd_net_stats },
	{ "eth", "", "the Ethernet MAC driver's state, PHY, registers and counters", cmd_net_eth },
	{ "reboot", "", "reset the board", cmd_net_reboot },
};

void cmd_net_register(void)
{
	console_register(cmd_net_cmds, sizeof cmd_net_cmds / sizeof cmd_net_cmds[0]);
}
