/*
 * The seam to lwIP (built with LWIP_TCP=0): a raw PCB for protocol 6 hands
 * every TCP datagram to fw_tcp_input() with its IP header removed, and a
 * raw PCB for protocol 1 shows every ICMP message to the engine first:
 * errors that quote a TCP segment of ours go to tcb_icmp_error(); the
 * message is never eaten, so lwIP's own ICMP (echo) still runs.
 */
#include <string.h>
#include "lwip/ip.h"
#include "lwip/ip4.h"
#include "lwip/prot/ip.h"
#include "lwip/prot/ip4.h"
#include "lwip/inet_chksum.h"
#include "lwip/prot/icmp.h"
#include "lwip/raw.h"
#include "isn.h"
#include "listen.h"
#include "tcb.h"
#include "stats.h"
#include "timewait.h"

#define RAW_ICMP_HLEN 8u      /* type, code, checksum, 4 bytes (RFC 792) */
#define RAW_QUOTE_TCP 8u      /* the quoted TCP bytes: ports and sequence number (RFC 792) */
#define RAW_IP_HLEN_MIN 20u

static struct raw_pcb *tcp_raw_pcb;
static struct raw_pcb *tcp_raw_icmp_pcb;

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

static uint16_t raw_get16(const uint8_t *b) { return (uint16_t)((b[0] << 8) | b[1]); }

/* ICMP error -> the quoted segment's 4-tuple and sequence number. `p`
 * starts at the IP header and is left as it came (lwIP goes on with it). */
static void tcp_raw_icmp(struct pbuf *p, uint16_t iphl)
{
	uint8_t m[RAW_ICMP_HLEN + IP_HLEN_MAX + RAW_QUOTE_TCP];
	uint16_t icmp_len = (uint16_t)(p->tot_len - iphl), n, qhl;
	struct fw_tcp_tuple t;
	uint32_t now = tcb_now();
	uint16_t sum;

	n = pbuf_copy_partial(p, m, sizeof m, iphl);
	if (n < RAW_ICMP_HLEN)
		return;
	if (m[0] != ICMP_DUR && m[0] != ICMP_SQ && m[0] != ICMP_TE && m[0] != ICMP_PP)
		return;                             /* not an error message */
	qhl = (uint16_t)((m[RAW_ICMP_HLEN] & 0x0fu) * 4u);
	if (n < RAW_ICMP_HLEN + RAW_IP_HLEN_MIN || qhl < RAW_IP_HLEN_MIN ||
	    n < RAW_ICMP_HLEN + qhl + RAW_QUOTE_TCP) {
		STAT_INC(icmp_bad);
		return;
	}
	if (m[RAW_ICMP_HLEN + 9] != IP_PROTO_TCP)
		return;                             /* about another protocol */
	/* The whole ICMP message's checksum (RFC 792), without touching p. */
	if (pbuf_remove_header(p, iphl) != 0)
		return;
	sum = inet_chksum_pbuf(p);
	pbuf_add_header_force(p, iphl);
	if (sum != 0 || icmp_len < RAW_ICMP_HLEN) {
		STAT_INC(icmp_bad);
		return;
	}
	/* The quoted datagram went from us (its source) to the peer. */
	memcpy(&t.laddr, &m[RAW_ICMP_HLEN + 12], 4);
	memcpy(&t.raddr, &m[RAW_ICMP_HLEN + 16], 4);
	t.lport = raw_get16(&m[RAW_ICMP_HLEN + qhl]);
	t.rport = raw_get16(&m[RAW_ICMP_HLEN + qhl + 2]);
	tcb_event_begin(now);
	tcb_icmp_error(&t, (uint32_t)raw_get16(&m[RAW_ICMP_HLEN + qhl + 4]) << 16 | raw_get16(&m[RAW_ICMP_HLEN + qhl + 6]),
	               m[0], m[1], raw_get16(&m[6]));
	tcb_event_end(now);
}

/* Returns 0: never eaten, lwIP's icmp_input() still sees the message. */
static u8_t tcp_raw_icmp_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
	(void)arg;
	(void)pcb;
	(void)addr;
	tcp_raw_icmp(p, (uint16_t)IPH_HL_BYTES(ip4_current_header()));
	return 0;
}

void fw_tcp_init(fw_tcp_clock_fn clock, const uint8_t key[16])
{
	tcb_set_clock(clock);
	isn_init(key);
	tw_init(isn_prf32(ISN_PRF_TW_HASH, 0));
	tcb_pool_reset();
	lsn_reset();
	tcb_tunables_reset();
	tcb_ports_reset();
	seg_output_reset();
	stats_reset();
	if (!tcp_raw_pcb) {
		tcp_raw_pcb = raw_new(IP_PROTO_TCP);
		if (tcp_raw_pcb)
			raw_recv(tcp_raw_pcb, tcp_raw_recv, NULL);
	}
	if (!tcp_raw_icmp_pcb) {
		tcp_raw_icmp_pcb = raw_new(IP_PROTO_ICMP);
		if (tcp_raw_icmp_pcb)
			raw_recv(tcp_raw_icmp_pcb, tcp_raw_icmp_recv, NULL);
	}
}
