/*
 * What lwIP's core calls into its TCP when built with LWIP_TCP=1
 * (init.c, ip4.c, netif.c, timeouts.c), for the build where finwait's
 * engine stands in for lwIP's tcp.c, tcp_in.c and tcp_out.c (lwipopts.h).
 * lwIP's own TCP objects define these in the baseline (make FW_TCP=lwip),
 * so this file is in the finwait build only.
 */
#include "lwip/opt.h"
#include "lwip/ip.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/priv/tcp_priv.h"

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

/* ip4_input() and ip6_input() offer every datagram to the raw PCBs
 * before their protocol switch, and the engine's raw PCB for protocol 6
 * (IPADDR_TYPE_ANY, tcp_raw.c) eats every TCP datagram of both families,
 * so this is reached only if that PCB could not be made: dropped, and
 * counted as a datagram nobody took. */
void tcp_input(struct pbuf *p, struct netif *inp)
{
	(void)inp;
	if (ip_current_is_v6())
		IP6_STATS_INC(ip6.drop);
	else
		IP_STATS_INC(ip.drop);
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
