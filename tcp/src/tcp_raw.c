/*
 * The seam to lwIP: a raw PCB for protocol 6 of IPADDR_TYPE_ANY hands
 * every TCP datagram of either family to fw_tcp_input() with its IP
 * header removed and its addresses in the engine's type (one PCB, so
 * both families take one path; lwIP's own tcp_input() is never reached),
 * and raw PCBs for ICMP and ICMPv6 show every message to the engine
 * first: errors that quote a TCP segment of ours go to tcb_icmp_error();
 * the message is never eaten, so lwIP's own ICMP (echo, ND) still runs.
 * The conversions between lwIP's ip_addr_t and struct fw_tcp_addr live
 * here too.
 */
#include <string.h>
#include "lwip/ip.h"
#include "lwip/ip4.h"
#include "lwip/prot/ip.h"
#include "lwip/prot/ip4.h"
#include "lwip/inet_chksum.h"
#include "lwip/icmp.h"
#include "lwip/prot/icmp.h"
#include "lwip/raw.h"
#if LWIP_IPV6
#include "lwip/ip6.h"
#include "lwip/prot/icmp6.h"
#include "lwip/prot/ip6.h"
#endif
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
#if LWIP_IPV6
static struct raw_pcb *tcp_raw_icmp6_pcb;
#endif

/* ------------------------------------------------------------ addresses: lwIP's and the engine's */

bool fw_tcp_addr_eq(const struct fw_tcp_addr *a, const struct fw_tcp_addr *b)
{
	return tcb_addr_eq(a, b);
}

void fw_tcp_addr_set_ip4(struct fw_tcp_addr *out, uint32_t addr)
{
	tcb_addr_set4(out, addr);
}

void fw_tcp_addr_from_ip(struct fw_tcp_addr *out, const ip_addr_t *in)
{
#if LWIP_IPV6
	if (IP_IS_V6(in)) {
		out->family = FW_TCP_IPV6;
		memcpy(out->w, ip_2_ip6(in)->addr, sizeof out->w);
		return;
	}
#endif
	fw_tcp_addr_set_ip4(out, ip4_addr_get_u32(ip_2_ip4(in)));
}

void fw_tcp_addr_to_ip(ip_addr_t *out, const struct fw_tcp_addr *in)
{
#if LWIP_IPV6
	if (in->family == FW_TCP_IPV6) {
		IP_ADDR6(out, in->w[0], in->w[1], in->w[2], in->w[3]);
		return;
	}
#endif
	ip_addr_set_ip4_u32_val(*out, in->w[0]);
}

/* RFC 1122 4.2.3.10: no TCP to broadcast or multicast addresses. IPv6
 * has no broadcast; a segment to or from a multicast, the unspecified or
 * an IPv4-mapped address (RFC 4291 2.5.2, 2.5.5.2, 2.7: none of them
 * names one host on the wire) is dropped as well. */
static bool tcp_raw_addr_ok(const struct fw_tcp_addr *src, const struct fw_tcp_addr *dst)
{
	ip4_addr_t d;

	if (dst->family == FW_TCP_IPV6)
		return fw_tcp_unicast(src) && fw_tcp_unicast(dst);
	ip4_addr_set_u32(&d, dst->w[0]);
	return !ip4_addr_isbroadcast(&d, ip_current_netif()) && !ip4_addr_ismulticast(&d);
}

/* Every TCP datagram of either family (the PCB is IPADDR_TYPE_ANY), with
 * the IP header (and IPv6's extension headers) in front. Returns 1: the
 * pbuf is ours (eaten), as raw_recv_fn requires, so lwIP's ip6_input()
 * never answers TCP with a parameter problem. */
static u8_t tcp_raw_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
	struct fw_tcp_addr src, dst;
	(void)arg;
	(void)pcb;

	fw_tcp_addr_from_ip(&src, addr);
	fw_tcp_addr_from_ip(&dst, ip_current_dest_addr());
	if (!tcp_raw_addr_ok(&src, &dst)) {
		STAT_INC(drop_addr);
		pbuf_free(p);
		return 1;
	}
	if (pbuf_remove_header(p, ip_current_header_tot_len()) != 0) {
		STAT_INC(drop_short);
		pbuf_free(p);
		return 1;
	}
	fw_tcp_input(p, &src, &dst, tcb_now());
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
	fw_tcp_addr_set_ip4(&t.laddr, 0);
	fw_tcp_addr_set_ip4(&t.raddr, 0);
	memcpy(&t.laddr.w[0], &m[RAW_ICMP_HLEN + 12], 4);
	memcpy(&t.raddr.w[0], &m[RAW_ICMP_HLEN + 16], 4);
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

#if LWIP_IPV6
#define RAW_IP6_HLEN 40u      /* the quoted IPv6 header (RFC 8200 3); we send no extension headers */

/* ICMPv6 error (RFC 4443 2.1: types below 128) -> the ICMPv4 vocabulary
 * tcb_icmp_error() speaks. Destination unreachable: port unreachable
 * refuses as ICMPv4's does, every other code is a routing failure (RFC
 * 4443 3.1; hard in SYN_SENT as RFC 5461 4.1 says of codes 1-4); packet
 * too big is the path MTU news (RFC 8201 4); time exceeded and parameter
 * problem are soft. False: not an error we act on. */
static bool tcp_raw_icmp6_type(uint8_t type6, uint8_t code6, uint8_t *type, uint8_t *code)
{
	switch (type6) {
	case ICMP6_TYPE_DUR:
		*type = ICMP_DUR;
		*code = code6 == ICMP6_DUR_PORT ? ICMP_DUR_PORT : ICMP_DUR_HOST;
		return true;
	case ICMP6_TYPE_PTB:
		*type = ICMP_DUR;
		*code = ICMP_DUR_FRAG;
		return true;
	case ICMP6_TYPE_TE:
		*type = ICMP_TE;
		*code = code6;
		return true;
	case ICMP6_TYPE_PP:
		*type = ICMP_PP;
		*code = code6;
		return true;
	default:
		return false;
	}
}

/* An ICMPv6 error quoting a segment of ours: its tuple and sequence
 * number to tcb_icmp_error(), as for ICMPv4. `p` starts at the IPv6
 * header, `iphl` long, and is left as it came. */
static void tcp_raw_icmp6(struct pbuf *p, uint16_t iphl)
{
	uint8_t m[RAW_ICMP_HLEN + RAW_IP6_HLEN + RAW_QUOTE_TCP];
	uint16_t n = pbuf_copy_partial(p, m, sizeof m, iphl), sum;
	const uint8_t *q = &m[RAW_ICMP_HLEN], *tcp = &m[RAW_ICMP_HLEN + RAW_IP6_HLEN];
	uint32_t now = tcb_now(), mtu;
	struct fw_tcp_tuple t;
	uint8_t type, code;

	if (n < RAW_ICMP_HLEN || !tcp_raw_icmp6_type(m[0], m[1], &type, &code))
		return;
	if (n < sizeof m) {
		STAT_INC(icmp_bad);
		return;
	}
	if (q[6] != IP_PROTO_TCP)
		return;                             /* about another protocol */
	/* RFC 4443 2.3: the checksum covers the IPv6 pseudo-header. */
	if (pbuf_remove_header(p, iphl) != 0)
		return;
	sum = ip6_chksum_pseudo(p, IP6_NEXTH_ICMP6, p->tot_len, ip6_current_src_addr(), ip6_current_dest_addr());
	pbuf_add_header_force(p, iphl);
	if (sum != 0) {
		STAT_INC(icmp_bad);
		return;
	}
	/* The quoted datagram went from us (its source) to the peer. */
	t.laddr.family = t.raddr.family = FW_TCP_IPV6;
	memcpy(t.laddr.w, &q[8], 16);
	memcpy(t.raddr.w, &q[24], 16);
	t.lport = raw_get16(tcp);
	t.rport = raw_get16(tcp + 2);
	mtu = (uint32_t)raw_get16(&m[4]) << 16 | raw_get16(&m[6]);
	tcb_event_begin(now);
	tcb_icmp_error(&t, (uint32_t)raw_get16(tcp + 4) << 16 | raw_get16(tcp + 6), type, code,
	               (uint16_t)(mtu > 0xffffu ? 0xffffu : mtu));
	tcb_event_end(now);
}

/* Returns 0: never eaten, lwIP's icmp6_input() (ND, echo, its own PMTU
 * record) still sees the message. */
static u8_t tcp_raw_icmp6_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
	(void)arg;
	(void)pcb;
	(void)addr;
	tcp_raw_icmp6(p, (uint16_t)ip_current_header_tot_len());
	return 0;
}
#endif

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
		tcp_raw_pcb = raw_new_ip_type(IPADDR_TYPE_ANY, IP_PROTO_TCP);
		if (tcp_raw_pcb)
			raw_recv(tcp_raw_pcb, tcp_raw_recv, NULL);
	}
#if LWIP_IPV6
	if (!tcp_raw_icmp6_pcb) {
		tcp_raw_icmp6_pcb = raw_new_ip_type(IPADDR_TYPE_V6, IP6_NEXTH_ICMP6);
		if (tcp_raw_icmp6_pcb)
			raw_recv(tcp_raw_icmp6_pcb, tcp_raw_icmp6_recv, NULL);
	}
#endif
	if (!tcp_raw_icmp_pcb) {
		tcp_raw_icmp_pcb = raw_new(IP_PROTO_ICMP);
		if (tcp_raw_icmp_pcb)
			raw_recv(tcp_raw_icmp_pcb, tcp_raw_icmp_recv, NULL);
	}
}
