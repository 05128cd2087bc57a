/*
 * What lwIP's core calls into its TCP when built with LWIP_TCP=1
 * (init.c, ip4.c, netif.c, timeouts.c), for the build where finwait's
 * engine stands in for lwIP's tcp.c, tcp_in.c and tcp_out.c (lwipopts.h).
 * lwIP's own TCP objects define these in the baseline (make FW_TCP=lwip),
 * so this file is in the finwait build only.
 */
#include "lwip/opt.h"
#include "lwip/icmp6.h"
#include "lwip/ip.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/ip6.h"

#if LWIP_TCP && !defined(FW_LWIP_TCP)

/* No lwIP pcb ever exists: timeouts.c keeps lwIP's TCP timer only while
 * these lists are non-empty, and tcp_timer_needed() (its only starter) is
 * called from lwIP's tcp.c alone, so tcp_tmr() never runs. */
struct tcp_pcb *tcp_active_pcbs;
struct tcp_pcb *tcp_tw_pcbs;

/* lwip_init(): the engine starts with fw_tcp_init(), after lwip_init(),
 * because it needs the clock and the ISN key; the altcp layer's records
 * start empty. */
void tcp_init(void)
{
}

void tcp_tmr(void)
{
}

/* ip4_input() offers every datagram to the raw PCBs before its protocol
 * switch, and the engine's raw PCB for protocol 6 eats every IPv4 TCP
 * datagram (tcp_raw.c), so for IPv4 this is reached only if that PCB could
 * not be made. ip6_input() calls it for TCP over IPv6, which the engine
 * does not carry yet: the answer is what a host without a handler for the
 * protocol gives, and lwIP's ip6_input() gives without LWIP_TCP, ICMPv6
 * "unrecognized Next Header" pointing at the IPv6 header's Next Header
 * field (RFC 8200 4, RFC 4443 3.4); never to a multicast destination, and
 * only with no extension headers (the pointer would be theirs), counted
 * in ip6 proterr and drop. */
void tcp_input(struct pbuf *p, struct netif *inp)
{
	(void)inp;
#if LWIP_IPV6 && LWIP_ICMP6
	if (ip_current_is_v6()) {
		IP6_STATS_INC(ip6.proterr);
		IP6_STATS_INC(ip6.drop);
		if (ip_current_header_tot_len() == IP6_HLEN && !ip6_addr_ismulticast(ip6_current_dest_addr()) &&
		    pbuf_add_header_force(p, IP6_HLEN) == 0)
			icmp6_param_problem(p, ICMP6_PP_HEADER, &ip6_current_header()->_nexth);
	}
#endif
	pbuf_free(p);
}

/* lwIP aborts pcbs bound to an address that went away. The engine's
 * connections carry their local address in their tuple; segments for an
 * old address simply stop arriving, and retransmission limits end them. */
void tcp_netif_ip_addr_changed(const ip_addr_t *old_addr, const ip_addr_t *new_addr)
{
	(void)old_addr;
	(void)new_addr;
}

#endif
