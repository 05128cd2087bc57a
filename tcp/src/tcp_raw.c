/*
 * The seam to lwIP (built with LWIP_TCP=0): a raw PCB for protocol 6 hands
 * every TCP datagram to fw_tcp_input() with its IP header removed.
 */
#include "lwip/ip.h"
#include "lwip/ip4.h"
#include "lwip/prot/ip.h"
#include "lwip/prot/ip4.h"
#include "lwip/raw.h"
#include "isn.h"
#include "tcb.h"
#include "stats.h"
#include "timewait.h"

static struct raw_pcb *tcp_raw_pcb;

/* Returns 1: the pbuf is ours (eaten), as raw_recv_fn requires. */
static u8_t tcp_raw_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
	const struct ip_hdr *iph = ip4_current_header();
	const ip4_addr_t *dst = ip4_current_dest_addr();
	(void)arg;
	(void)pcb;

	/* RFC 1122 4.2.3.10: no TCP to broadcast or multicast addresses. */
	if (ip4_addr_isbroadcast(dst, ip_current_netif()) || ip4_addr_ismulticast(dst)) {
		STAT_INC(drop_addr);
		pbuf_free(p);
		return 1;
	}
	if (pbuf_remove_header(p, IPH_HL_BYTES(iph)) != 0) {
		STAT_INC(drop_short);
		pbuf_free(p);
		return 1;
	}
	fw_tcp_input(p, ip_2_ip4(addr), dst, tcb_now());
	return 1;
}

void fw_tcp_init(fw_tcp_clock_fn clock, const uint8_t key[16])
{
	tcb_set_clock(clock);
	isn_init(key);
	tw_init(isn_prf32(ISN_PRF_TW_HASH, 0));
	tcb_pool_reset();
	tcb_tunables_reset();
	seg_output_reset();
	stats_reset();
	if (!tcp_raw_pcb) {
		tcp_raw_pcb = raw_new(IP_PROTO_TCP);
		if (tcp_raw_pcb)
			raw_recv(tcp_raw_pcb, tcp_raw_recv, NULL);
	}
}
