/*
 * Segments out: headers built in PBUF_RAM pbufs at the PBUF_IP layer (lwIP
 * adds the IP header; PBUF_IP leaves room for the larger, IPv6's, when
 * IPv6 is built), checksummed over the tuple's family's pseudo-header
 * (inet_chksum_pseudo(), RFC 9293 3.1; ip6_chksum_pseudo(), RFC 8200 8.1),
 * sent with ip4_output() (routing picks the netif) or ip6_output_if() on
 * the interface that holds our address. A data segment that is one whole
 * send-queue pbuf goes from that pbuf's header room instead
 * (seg_in_place_begin; PBUF_TRANSPORT's room holds an IPv6 header too).
 * A failed allocation is counted
 * and left to the retransmission timer.
 */
#include <string.h>
#include "fw_tcp_config.h"
#include "lwip/def.h"
#include "lwip/inet_chksum.h"
#include "lwip/ip.h"
#include "lwip/ip4.h"
#include "lwip/ip6.h"
#include "lwip/mem.h"
#include "lwip/netif.h"
#include "lwip/prot/ip.h"
#include "lwip/stats.h"
#include "isn.h"
#include "rx.h"
#include "sack.h"
#include "tcb.h"
#include "tcp_out.h"
#include "stats.h"

#define SEG_HLEN 20u          /* RFC 9293 3.1, no options */
#define SEG_OPT_MSS_LEN 4u    /* kind 2, length 4, MSS (RFC 9293 3.7.1) */
#define SEG_OPT_MSS 2u
#define SEG_OPT_NOP 1u
#define SEG_OPT_SACK_PERM 4u  /* RFC 2018 2: kind 4, length 2, SYNs only */
#define SEG_OPT_SACK_PERM_LEN 2u
#define SEG_OPT_SACK 5u       /* RFC 2018 3: kind 5, length 2 + 8 per block */
#define SEG_SACK_HDR_LEN 4u   /* NOP, NOP, kind, length: the blocks start 4-byte aligned */
#define SEG_SACK_BLOCK_LEN 8u
#define SEG_SACK_OPT_MAX (SEG_SACK_HDR_LEN + SEG_SACK_BLOCKS * SEG_SACK_BLOCK_LEN)
#define SEG_DOFF_SHIFT 12u    /* data offset: top 4 bits of the 16-bit word */
#define SEG_TTL IP_DEFAULT_TTL
#define SEG_CA_PERIOD_MS 1000u  /* RFC 5961 7: the limit is per second */

/* A per-second allowance of challenge ACKs, drawn afresh each second. */
struct seg_allowance {
	uint32_t second;       /* now / SEG_CA_PERIOD_MS it was drawn for */
	uint32_t left;
	bool drawn;
};

static struct seg_allowance seg_ca_global;   /* the TCBs' */
static struct seg_allowance seg_ca_tw;       /* TIME_WAIT's */

static struct pbuf *seg_alloc(uint16_t optlen, uint16_t datalen)
{
	struct pbuf *p = pbuf_alloc(PBUF_IP, (u16_t)(SEG_HLEN + optlen + datalen), PBUF_RAM);
	if (!p)
		STAT_INC(pbuf_fail);
	return p;
}

/*
 * lwIP's heap (mem.c) is first fit over one region: send-queue copies
 * freed in the middle leave holes, and a hole a queued pbuf shorter than
 * an MSS left is short of the PBUF_IP segment that resends a full MSS
 * across two of them (a full-MSS queued pbuf, with its PBUF_TRANSPORT
 * header room, leaves a hole that fits one exactly). So the free total
 * says nothing of whether a full segment still fits; only an allocation
 * of one does. Not a failure anyone needs to see: lwIP's heap error count
 * is left as it was. The block is asked of mem_malloc() directly, of the
 * size pbuf_alloc(PBUF_IP, SEG_HLEN + FW_TCP_MSS, PBUF_RAM) asks for (its
 * pbuf header and header room, each aligned, then the segment;
 * SEG_HEAP_SEGMENT_BYTES): the same answer without initialising a pbuf
 * and freeing it again, on every write.
 */
bool seg_heap_has_segment(void)
{
	STAT_COUNTER err = lwip_stats.mem.err;
	void *block = mem_malloc((mem_size_t)SEG_HEAP_SEGMENT_BYTES);

	lwip_stats.mem.err = err;
	if (!block)
		return false;
	mem_free(block);
	return true;
}

static void seg_put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void seg_put32(uint8_t *b, uint32_t v)
{
	seg_put16(b, (uint16_t)(v >> 16));
	seg_put16(b + 2, (uint16_t)v);
}

u16_t seg_chksum(struct pbuf *p, const struct fw_tcp_addr *src, const struct fw_tcp_addr *dst)
{
#if LWIP_IPV6
	if (src->family == FW_TCP_IPV6) {
		ip6_addr_t s6, d6;
		IP6_ADDR(&s6, src->w[0], src->w[1], src->w[2], src->w[3]);
		IP6_ADDR(&d6, dst->w[0], dst->w[1], dst->w[2], dst->w[3]);
		return ip6_chksum_pseudo(p, IP_PROTO_TCP, p->tot_len, &s6, &d6);
	}
#endif
	{
		ip4_addr_t s4, d4;
		ip4_addr_set_u32(&s4, src->w[0]);
		ip4_addr_set_u32(&d4, dst->w[0]);
		return inet_chksum_pseudo(p, IP_PROTO_TCP, p->tot_len, &s4, &d4);
	}
}

#if LWIP_IPV6
/* IPv6: from the interface that holds our address (a link-local peer is
 * reachable only there, RFC 4007 6), else where routing says. */
static err_t seg_output6(struct pbuf *p, const struct fw_tcp_tuple *t)
{
	ip6_addr_t src, dst;
	struct netif *n;

	IP6_ADDR(&src, t->laddr.w[0], t->laddr.w[1], t->laddr.w[2], t->laddr.w[3]);
	IP6_ADDR(&dst, t->raddr.w[0], t->raddr.w[1], t->raddr.w[2], t->raddr.w[3]);
	NETIF_FOREACH(n) {
		if (netif_get_ip6_addr_match(n, &src) >= 0)
			break;
	}
	if (n == NULL)
		n = ip6_route(&src, &dst);
	if (n == NULL)
		return ERR_RTE;
	ip6_addr_assign_zone(&src, IP6_UNICAST, n);
	ip6_addr_assign_zone(&dst, IP6_UNKNOWN, n);
	return ip6_output_if(p, &src, &dst, SEG_TTL, 0, IP_PROTO_TCP, n);
}
#endif

/* By the tuple's family. */
static err_t seg_output(struct pbuf *p, const struct fw_tcp_tuple *t)
{
	ip4_addr_t src, dst;

#if LWIP_IPV6
	if (t->laddr.family == FW_TCP_IPV6)
		return seg_output6(p, t);
#endif
	ip4_addr_set_u32(&src, t->laddr.w[0]);
	ip4_addr_set_u32(&dst, t->raddr.w[0]);
	return ip4_output(p, &src, &dst, SEG_TTL, 0, IP_PROTO_TCP);
}

/* Fill the header, checksum, send, free (unless sent in place). Returns 0 or -1. */
static int seg_send(struct pbuf *p, const struct fw_tcp_tuple *t, uint32_t seq, uint32_t ack,
                    uint8_t flags, uint16_t wnd, uint16_t optlen)
{
	uint8_t *h = p->payload;
	err_t err;

	seg_put16(h, t->lport);
	seg_put16(h + 2, t->rport);
	seg_put32(h + 4, seq);
	seg_put32(h + 8, ack);
	seg_put16(h + 12, (uint16_t)((((SEG_HLEN + optlen) / 4u) << SEG_DOFF_SHIFT) | flags));
	seg_put16(h + 14, wnd);
	seg_put16(h + 16, 0);
	seg_put16(h + 18, 0);   /* urgent pointer: no urgent data */
	{
		/* already in network order, as lwIP stores it */
		uint16_t sum = seg_chksum(p, &t->laddr, &t->raddr);
		memcpy(h + 16, &sum, sizeof sum);
	}
	err = seg_output(p, t);
	if (!PBUF_NEEDS_COPY(p))
		pbuf_free(p);   /* a send-queue pbuf sent in place stays the queue's */
	if (err != ERR_OK) {
		STAT_INC(output_fail);
		return -1;
	}
	STAT_INC(segs_out);
	if (t->laddr.family == FW_TCP_IPV6)
		STAT_INC(segs_out6);
	if (flags & FW_TCP_RST)
		STAT_INC(rst_sent);
	return 0;
}

int seg_send_ctl(const struct fw_tcp_tuple *t, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd)
{
	struct pbuf *p = seg_alloc(0, 0);
	if (!p)
		return -1;
	return seg_send(p, t, seq, ack, flags, wnd, 0);
}

/* ------------------------------------------------------------ per TCB */

/* Every segment a TCB sends offers its window: rx.c sets the buffers
 * behind the offer aside and keeps the right edge. Each also carries
 * ACK = RCV.NXT: a delayed ACK rides on it. */
static uint16_t tcb_wnd_field(struct fw_tcp_conn *tcb)
{
	tcb_ack_sent(tcb);
	return rx_advertise(tcb);
}

uint32_t tcb_fin_seq(const struct fw_tcp_conn *tcb)
{
	return tcb->snd_una + tcb_sndq_len(tcb);
}

bool tcb_fin_acked(const struct fw_tcp_conn *tcb)
{
	return (tcb->flags & TCB_F_FIN_ACKED) != 0;
}

bool tcb_fin_sent(const struct fw_tcp_conn *tcb)
{
	if (tcb_fin_acked(tcb))
		return true;
	return (tcb->flags & TCB_F_FIN_QUEUED) && seq_gt(tcb->snd_nxt, tcb_fin_seq(tcb));
}

static int tcb_send_data(struct fw_tcp_conn *tcb, uint32_t seq, uint16_t off, uint16_t n, bool fin);

/* A bare ACK is a data segment without data: it carries SACK blocks too. */
void tcb_send_ack(struct fw_tcp_conn *tcb)
{
	tcb_send_data(tcb, tcb->snd_nxt, 0, 0, false);
}

void tcb_send_rst(struct fw_tcp_conn *tcb)
{
	seg_send_ctl(&tcb->t, tcb->snd_nxt, tcb->rcv_nxt, FW_TCP_RST | FW_TCP_ACK, 0);
}

/*
 * RFC 5961 section 7 asks for a limit on challenge ACKs. One global count
 * per second is what CVE-2016-5696 exploited (Cao et al., USENIX Security
 * 2016): whoever can spend the count and see what is left learns whether
 * another connection just sent one, that is, whether a spoofed RST or SYN
 * guessed inside that connection's window; and whoever spends it every
 * second starves everyone's RFC 5961 recovery. So, as Linux does now:
 *  - the limit is per connection (tcb_oow_ack_allowed: one challenge ACK
 *    or ACK to an unacceptable empty segment per FW_OOW_ACK_INTERVAL_MS);
 *    the attacker's own connection shows it nothing about the others;
 *  - a global allowance stays as a ceiling on output, drawn per second
 *    from [N/2, 3N/2) with a keyed PRF (as Linux did from 2016) and set
 *    far above what FW_TCB_COUNT connections at one per interval can send
 *    (16/s against 50 at the least, by default), so no connection's
 *    challenge ACK ever depends on another's;
 *  - TIME_WAIT entries keep no timestamp (an entry's 32-byte budget goes
 *    to the table's own lookup and recycling, timewait.c), so TIME_WAIT's
 *    SYN challenge ACKs draw on an allowance of their own, drawn the same
 *    way: a SYN flood into TIME_WAIT cannot starve the TCBs' recovery, nor
 *    the TCBs TIME_WAIT's.
 */
static bool seg_allowance_take(struct seg_allowance *a, uint32_t now, uint32_t mean, enum isn_prf_domain d)
{
	uint32_t second = now / SEG_CA_PERIOD_MS;

	if (!a->drawn || a->second != second) {
		a->second = second;
		a->drawn = true;
		a->left = mean ? (mean + 1u) / 2u + isn_prf32(d, second) % mean : 0u;
	}
	if (a->left == 0)
		return false;
	a->left--;
	return true;
}

/* RFC 1122 4.2.3.6: "SEG.SEQ = SND.NXT-1 and may or may not contain one
 * garbage octet of data"; none here: the old sequence number alone makes
 * the peer answer with an ACK (RFC 9293 3.10.7.4, first check). */
void tcb_send_keepalive(struct fw_tcp_conn *tcb)
{
	tcb_send_data(tcb, tcb->snd_nxt - 1u, 0, 0, false);
}

bool seg_challenge_ack_allowed(uint32_t now)
{
	return seg_allowance_take(&seg_ca_global, now, FW_CHALLENGE_ACK_PER_S, ISN_PRF_CHALLENGE);
}

bool seg_tw_challenge_ack_allowed(uint32_t now)
{
	if (!seg_allowance_take(&seg_ca_tw, now, FW_TW_CHALLENGE_ACK_PER_S, ISN_PRF_TW_CHALLENGE)) {
		STAT_INC(challenge_limited_tw);
		return false;
	}
	STAT_INC(challenge_acks);
	return true;
}

/* One rate-limited ACK per FW_OOW_ACK_INTERVAL_MS per connection (Linux's
 * tcp_oow_rate_limited, with tcp_invalid_ratelimit = 500 ms); tcb_alloc()
 * starts oow_ack_at one interval back. */
static bool tcb_oow_ack_allowed(struct fw_tcp_conn *tcb, uint32_t now)
{
	if (now - tcb->oow_ack_at < FW_OOW_ACK_INTERVAL_MS)
		return false;
	tcb->oow_ack_at = now;
	return true;
}

void tcb_challenge_ack(struct fw_tcp_conn *tcb, uint32_t now)
{
	if (!tcb_oow_ack_allowed(tcb, now)) {
		STAT_INC(challenge_limited_conn);
		return;
	}
	if (!seg_challenge_ack_allowed(now)) {
		STAT_INC(challenge_limited_global);
		return;
	}
	STAT_INC(challenge_acks);
	tcb_send_ack(tcb);
}

/*
 * RFC 9293 3.10.7.4 first check: "If an incoming segment is not
 * acceptable, an acknowledgment should be sent in reply (unless the RST
 * bit is set...)". RFC 9293 says nothing of a limit; RFC 5961 7 and Linux
 * apply the per-connection one to these ACKs too: two ends that each find
 * the other's segments unacceptable (or a middlebox rewriting them) would
 * otherwise bounce empty ACKs at each other for ever. Segments with data
 * or FIN are answered every time, as Linux answers them: they are never
 * such a loop, and their ACK is how a peer whose ACK from us was lost
 * learns RCV.NXT.
 */
void tcb_unacceptable_ack(struct fw_tcp_conn *tcb, const struct fw_tcp_seg *seg, uint32_t now)
{
	if (seg_seqlen(seg) == 0 && !tcb_oow_ack_allowed(tcb, now)) {
		STAT_INC(oow_ack_limited);
		return;
	}
	tcb_send_ack(tcb);
}

void seg_output_reset(void)
{
	seg_ca_global.drawn = false;
	seg_ca_tw.drawn = false;
}

/* SYN or SYN,ACK with our MSS (RFC 9293 3.7.1) and, when `sack`,
 * SACK-permitted after two NOPs (RFC 2018 2), as Linux without timestamps
 * sends it: the option block stays a multiple of 4 bytes. */
static void seg_send_syn(const struct fw_tcp_tuple *t, uint32_t iss, uint32_t ack, uint8_t flags, uint16_t wnd,
                         bool sack)
{
	uint16_t optlen = SEG_OPT_MSS_LEN + (sack ? 2u + SEG_OPT_SACK_PERM_LEN : 0u);
	struct pbuf *p = seg_alloc(optlen, 0);
	uint8_t *o;

	if (!p)
		return;
	o = (uint8_t *)p->payload + SEG_HLEN;
	o[0] = SEG_OPT_MSS;
	o[1] = SEG_OPT_MSS_LEN;
	seg_put16(o + 2, tcb_mss_max(t));
	if (sack) {
		o[4] = SEG_OPT_NOP;
		o[5] = SEG_OPT_NOP;
		o[6] = SEG_OPT_SACK_PERM;
		o[7] = SEG_OPT_SACK_PERM_LEN;
	}
	seg_send(p, t, iss, ack, flags, wnd, optlen);
}

void seg_send_synack(const struct fw_tcp_tuple *t, uint32_t iss, uint32_t ack, uint16_t wnd, bool sack)
{
	seg_send_syn(t, iss, ack, FW_TCP_SYN | FW_TCP_ACK, wnd, sack);
}

/* SYN (SYN_SENT), offering SACK whenever it is built in, or SYN,ACK
 * (SYN_RCVD), answering the peer's offer. */
void tcb_send_syn(struct fw_tcp_conn *tcb)
{
	if (tcb->state == FW_TCP_SYN_RCVD)
		seg_send_synack(&tcb->t, tcb_iss(tcb), tcb->rcv_nxt, tcb_wnd_field(tcb), sack_agreed(tcb));
	else
		seg_send_syn(&tcb->t, tcb_iss(tcb), 0, FW_TCP_SYN, tcb_wnd_field(tcb), FW_TCP_SACK != 0);
}

/* RFC 2018 4: the SACK option, in `o`, for a segment `tcb` sends now
 * (NOP, NOP, kind 5, 2 + 8n, n blocks), in at most `room` bytes: its
 * length, 0 for none. */
static uint16_t tcb_sack_option(const struct fw_tcp_conn *tcb, uint8_t o[SEG_SACK_OPT_MAX], uint32_t room)
{
#if FW_TCP_SACK
	struct seg_sack_block b[SEG_SACK_BLOCKS];
	unsigned n;

	if (!sack_has_blocks(tcb) || room < SEG_SACK_HDR_LEN + SEG_SACK_BLOCK_LEN)
		return 0;
	n = sack_blocks(tcb, b);
	if (n > (room - SEG_SACK_HDR_LEN) / SEG_SACK_BLOCK_LEN)
		n = (room - SEG_SACK_HDR_LEN) / SEG_SACK_BLOCK_LEN;   /* the first blocks matter most */
	if (!n)
		return 0;
	o[0] = SEG_OPT_NOP;
	o[1] = SEG_OPT_NOP;
	o[2] = SEG_OPT_SACK;
	o[3] = (uint8_t)(2u + n * SEG_SACK_BLOCK_LEN);
	for (unsigned i = 0; i < n; i++) {
		seg_put32(o + SEG_SACK_HDR_LEN + i * SEG_SACK_BLOCK_LEN, b[i].left);
		seg_put32(o + SEG_SACK_HDR_LEN + i * SEG_SACK_BLOCK_LEN + 4u, b[i].right);
	}
	return (uint16_t)(SEG_SACK_HDR_LEN + n * SEG_SACK_BLOCK_LEN);
#else
	(void)tcb;
	(void)o;
	(void)room;
	return 0;
#endif
}

/* RFC 9293 3.7.1, RFC 6691: the MSS counts data only, so the options a
 * segment carries come out of it: while SACK blocks go (RFC 2018 4), a
 * full segment holds that much less data. */
static uint32_t tcb_mss_now(const struct fw_tcp_conn *tcb)
{
	uint8_t opt[SEG_SACK_OPT_MAX];

	return tcb->mss - tcb_sack_option(tcb, opt, tcb->mss);
}

/*
 * A data segment that is exactly one queued pbuf is sent from it, not
 * from a copy: fw_tcp_write() leaves PBUF_TRANSPORT header room in front
 * of the data, the TCP header goes there, lwIP's IP and link layers add
 * theirs in front of it, and afterwards the headers come off again. For
 * the call the pbuf stands alone (next cut, tot_len its own length) and
 * is marked volatile (PBUF_NEEDS_COPY): whatever keeps a packet past the
 * call on lwIP's side (etharp_query and nd6 hold one per neighbour being
 * resolved, ARP_QUEUEING 0) keeps a copy, never this pbuf, whose fields
 * change as soon as the call returns. A MAC driver may keep a reference
 * until its DMA is done (eth_mac.h): it reads the pbuf's fields inside
 * tx() only, and the bytes stay as they were sent, since a pbuf still
 * referenced (ref > 1) is resent by copy, never rewritten in place.
 */
struct seg_in_place {
	struct pbuf *q;        /* NULL: the segment is a copy */
	struct pbuf *next;     /* the queue after q */
	void *data;            /* q's payload when queued */
	u16_t tot_len;
};

/* The pbuf holding exactly sndq bytes [off, off + n), when nobody else
 * holds it; else NULL. */
static struct pbuf *tcb_sndq_whole(const struct fw_tcp_conn *tcb, uint32_t off, uint16_t n)
{
	struct pbuf *q = tcb->sndq;

	while (q && off >= q->len) {
		off -= q->len;
		q = q->next;
	}
	return q && off == 0 && q->len == n && q->ref == 1 ? q : NULL;
}

/* q, alone and with room for the TCP header in front, or NULL to copy. */
static struct pbuf *seg_in_place_begin(struct seg_in_place *s, struct pbuf *q)
{
	void *data = q ? q->payload : NULL;

	if (!q || pbuf_add_header(q, SEG_HLEN))
		return NULL;
	s->q = q;
	s->next = q->next;
	s->data = data;
	s->tot_len = (u16_t)(q->tot_len - SEG_HLEN);
	q->next = NULL;
	q->tot_len = q->len;
	q->type_internal = (u8_t)(q->type_internal | PBUF_TYPE_FLAG_DATA_VOLATILE);
	return q;
}

/* Back into the queue as it was: payload at the data, chain restored. */
static void seg_in_place_end(const struct seg_in_place *s)
{
	struct pbuf *q = s->q;

	if (!q)
		return;
	q->type_internal = (u8_t)(q->type_internal & ~PBUF_TYPE_FLAG_DATA_VOLATILE);
	pbuf_remove_header(q, (size_t)((uint8_t *)s->data - (uint8_t *)q->payload));
	q->next = s->next;
	q->tot_len = s->tot_len;
}

/* `n` bytes from sndq offset `off`, with FIN when `fin`, and the SACK
 * blocks the out-of-order queue holds. 0 or -1. */
static int tcb_send_data(struct fw_tcp_conn *tcb, uint32_t seq, uint16_t off, uint16_t n, bool fin)
{
	uint8_t opt[SEG_SACK_OPT_MAX];
	uint16_t optlen = tcb_sack_option(tcb, opt, n < tcb->mss ? (uint32_t)tcb->mss - n : 0u);
	struct seg_in_place in_place = { 0 };
	struct pbuf *p = n && !optlen ? seg_in_place_begin(&in_place, tcb_sndq_whole(tcb, off, n)) : NULL;
	uint8_t flags = FW_TCP_ACK;
	int rc;

	if (!p) {
		p = seg_alloc(optlen, n);
		if (!p)
			return -1;
		memcpy((uint8_t *)p->payload + SEG_HLEN, opt, optlen);
		if (n)
			pbuf_copy_partial(tcb->sndq, (uint8_t *)p->payload + SEG_HLEN + optlen, n, off);
	}
	if (n)
		flags |= FW_TCP_PSH;
	if (fin)
		flags |= FW_TCP_FIN;
	stats_tcp.bytes_out += n;
	tcb->last_tx = tcb_now();
	rc = seg_send(p, &tcb->t, seq, tcb->rcv_nxt, flags, tcb_wnd_field(tcb), optlen);
	seg_in_place_end(&in_place);
#if FW_TCP_SACK
	if (rc == 0 && optlen)
		stats_tcp.sack_blocks_sent += (optlen - SEG_SACK_HDR_LEN) / SEG_SACK_BLOCK_LEN;
#endif
	return rc;
}

static bool tcb_can_send_data(const struct fw_tcp_conn *tcb)
{
	switch ((enum fw_tcp_state)tcb->state) {
	case FW_TCP_ESTABLISHED:
	case FW_TCP_CLOSE_WAIT:
	case FW_TCP_FIN_WAIT_1:
	case FW_TCP_CLOSING:
	case FW_TCP_LAST_ACK:
		return true;
	case FW_TCP_CLOSED:
	case FW_TCP_LISTEN:
	case FW_TCP_SYN_SENT:
	case FW_TCP_SYN_RCVD:
	case FW_TCP_FIN_WAIT_2:
	case FW_TCP_TIME_WAIT:
		return false;
	}
	return false;
}

/*
 * RFC 9293 3.8.6.2.1 (MUST-38), the sender's SWS avoidance, with Nagle
 * (3.7.4, SHLD-7) in its brackets. A segment shorter than SMSS (`n` of
 * `unsent` queued bytes) goes only when:
 *  - it is all that is queued and nothing is in flight, or Nagle is off
 *    ("[SND.NXT = SND.UNA and] PUSHed and D <= U"; every write is pushed);
 *  - it is at least half the largest window the peer offered ("Fs *
 *    Max(SND.WND)", Fs = 1/2), in flight or not: a peer whose window is
 *    never a full segment still gets segments of half of it, as Linux
 *    bounds its segments to half the window;
 *  - our FIN follows it: the application closed, nothing more will come;
 *  - the override timer expired (tcb_sws_timeout).
 */
static bool tcb_sws_ok(const struct fw_tcp_conn *tcb, uint32_t n, uint32_t unsent, bool fin)
{
	if (n >= tcb_mss_now(tcb) || fin || (tcb->cc_flags & TCB_CC_OVERRIDE))
		return true;
	if (n == unsent && (tcb->snd_nxt == tcb->snd_una || (tcb->cc_flags & TCB_CC_NODELAY)))
		return true;
	return 2u * n >= tcb->max_snd_wnd;
}

/* Send one new segment if there is one to send. Returns true if sent;
 * *held when SWS avoidance or Nagle keeps data back that the window takes. */
static bool tcb_output_one(struct fw_tcp_conn *tcb, bool *held)
{
	uint32_t len = tcb_sndq_len(tcb), off = tcb->snd_nxt - tcb->snd_una;
	uint32_t unsent = len > off ? len - off : 0u;
	/* RFC 5681 3.1: at most min(cwnd, rwnd) beyond SND.UNA. */
	uint32_t edge = tcb->snd_una + cc_window(tcb), avail = seq_gt(edge, tcb->snd_nxt) ? edge - tcb->snd_nxt : 0u;
	uint32_t mss = tcb_mss_now(tcb), n = unsent < mss ? unsent : mss;
	bool fin;

	if (n > avail)
		n = avail;
	/* The FIN needs no window: sent at once after the data; behind a zero
	 * window its retransmissions are zero-window probes (tcb_send_probe). */
	fin = (tcb->flags & TCB_F_FIN_QUEUED) && !tcb_fin_sent(tcb) && n == unsent;
	if (n == 0 && !fin)
		return false;
	if (!tcb_sws_ok(tcb, n, unsent, fin)) {
		*held = true;
		return false;
	}
	if (tcb_send_data(tcb, tcb->snd_nxt, (uint16_t)off, (uint16_t)n, fin) != 0)
		return false;
	if (!(tcb->flags & TCB_F_RTT_TIMING)) {
		tcb->flags |= TCB_F_RTT_TIMING;
		tcb->rtt_seq = tcb->snd_nxt;
	}
	tcb->snd_nxt += n + (fin ? 1u : 0u);
	return true;
}

/* RFC 9293 3.8.6.2.1 (4): held data goes when the override timer
 * expires. Only needed with nothing in flight: otherwise its ACK (or the
 * retransmission timer) looks at the queue again. */
static void tcb_sws_arm(struct fw_tcp_conn *tcb, uint32_t now, bool held)
{
	if (!held || tcb->snd_nxt != tcb->snd_una) {
		tcb_disarm(tcb, TCB_T_SWS);
	} else if (!(tcb->timers & TCB_T_SWS)) {
		tcb->sws_at = now + FW_TCP_SWS_OVERRIDE_MS;
		tcb->timers |= TCB_T_SWS;
	}
}

void tcb_sws_timeout(struct fw_tcp_conn *tcb, uint32_t now)
{
	uint32_t nxt = tcb->snd_nxt;

	tcb_disarm(tcb, TCB_T_SWS);
	tcb->cc_flags |= TCB_CC_OVERRIDE;
	(void)tcb_output(tcb, now);
	tcb->cc_flags &= (uint8_t)~TCB_CC_OVERRIDE;
	if (tcb->snd_nxt != nxt)
		STAT_INC(sws_override);
}

bool tcb_output(struct fw_tcp_conn *tcb, uint32_t now)
{
	bool sent = false;

	if ((tcb->state == FW_TCP_SYN_SENT || tcb->state == FW_TCP_SYN_RCVD) && tcb->snd_nxt == tcb_iss(tcb)) {
		tcb_send_syn(tcb);
		tcb->snd_nxt = tcb_iss(tcb) + 1u;
		tcb->flags |= TCB_F_RTT_TIMING;
		tcb->rtt_seq = tcb_iss(tcb);
		tcb->rtt_start = now;
		tcb_arm_rtx(tcb, now);
		return true;
	}
	if (!tcb_can_send_data(tcb))
		return false;
	bool was_timing = (tcb->flags & TCB_F_RTT_TIMING) != 0, was_idle = tcb->snd_nxt == tcb->snd_una;
	bool held = false;
	if (tcb_sndq_len(tcb) > tcb->snd_nxt - tcb->snd_una)
		cc_before_send(tcb, now);
	while (tcb_output_one(tcb, &held))
		sent = true;
	tcb_sws_arm(tcb, now, held);
	if (!was_timing && (tcb->flags & TCB_F_RTT_TIMING))
		tcb->rtt_start = now;
	if (was_idle && tcb->snd_nxt != tcb->snd_una)
		tcb->uto_since = now;    /* the user timeout watches it from now (RFC 5482) */
	/* RFC 6298 (5.1): run the timer while data is outstanding; also as the
	 * persist timer when a zero window holds back queued data, and to
	 * retry after a failed allocation. Data SWS avoidance holds with
	 * nothing in flight has the override timer instead. */
	if (!(tcb->timers & (TCB_T_RTX | TCB_T_SWS)) &&
	    (tcb->snd_nxt != tcb->snd_una || tcb_sndq_len(tcb) > 0 ||
	     ((tcb->flags & TCB_F_FIN_QUEUED) && !tcb_fin_sent(tcb))))
		tcb_arm_rtx(tcb, now);
	return sent;
}

/*
 * RTO expired (RFC 6298 5.4): retransmit the earliest unacknowledged
 * segment with cwnd down to one segment (cc_rto), and resend the
 * segments after it as partial ACKs show them missing (cc_ack). With
 * nothing outstanding, a retry after a failed allocation. (Behind a zero window the timer probes instead:
 * tcb_send_probe.)
 */
void tcb_retransmit(struct fw_tcp_conn *tcb, uint32_t now)
{
	uint32_t inflight = tcb->snd_nxt - tcb->snd_una;

	/* Karn: a retransmitted segment gives no RTT sample. */
	tcb->flags &= (uint16_t)~TCB_F_RTT_TIMING;
	STAT_INC(retransmits);
	if (tcb->state == FW_TCP_SYN_SENT || tcb->state == FW_TCP_SYN_RCVD) {
		tcb_send_syn(tcb);
	} else if (inflight == 0) {
		tcb_output(tcb, now);
	} else {
		sack_forget(tcb);
		cc_rto(tcb);
		tcb_resend_una(tcb);
	}
	tcb_arm_rtx(tcb, now);
}

/*
 * RFC 9293 3.8.6.1 (RFC 1122 4.2.2.17): "at least one octet of new data
 * (if available)" beyond the zero window; once that byte (or our FIN, or
 * data the window shrank over) is in flight, it again from SND.UNA. The
 * probe consumes sequence space, so a peer with room after all ACKs it;
 * one without room ACKs SND.UNA and its window. Karn: no RTT sample.
 */
void tcb_send_probe(struct fw_tcp_conn *tcb, uint32_t now)
{
	uint32_t inflight = tcb->snd_nxt - tcb->snd_una;

	tcb->flags &= (uint16_t)~TCB_F_RTT_TIMING;
	STAT_INC(persist_probes);
	if (inflight == 0 && tcb_sndq_len(tcb) > 0) {
		if (tcb_send_data(tcb, tcb->snd_nxt, 0, 1, false) == 0)
			tcb->snd_nxt++;
	} else if (inflight == 0) {
		tcb_output(tcb, now);    /* the FIN, after a failed allocation */
	} else {
		tcb_resend_una(tcb);
	}
}

void tcb_resend_una(struct fw_tcp_conn *tcb)
{
	uint32_t len = tcb_sndq_len(tcb), inflight = tcb->snd_nxt - tcb->snd_una;
	uint32_t data = inflight < len ? inflight : len;
	uint32_t mss = tcb_mss_now(tcb), n = data < mss ? data : mss;
	bool fin = tcb_fin_sent(tcb) && !tcb_fin_acked(tcb) && n == len;

	/* Karn: an ACK covering a segment sent twice times neither copy. */
	tcb->flags &= (uint16_t)~TCB_F_RTT_TIMING;
	tcb_send_data(tcb, tcb->snd_una, 0, (uint16_t)n, fin);
	sack_resent(tcb, tcb->snd_una + n);
}

/*
 * RFC 6675 4 NextSeg, rules (1) and (3) (this engine's new data, rule
 * (2), goes from tcb_output() by the window): the first byte from
 * max(SND.UNA, HighRxt) that no SACK covers and that lies below the
 * highest SACKed byte, up to one MSS and never into SACKed data. (1)'s
 * IsLost() is not asked: a hole below SACKed data qualifies under (3) and
 * is resent once per ACK either way. The hole at SND.UNA itself is the
 * one a partial ACK or the third duplicate reports lost.
 */
bool tcb_resend_hole(struct fw_tcp_conn *tcb)
{
#if FW_TCP_SACK
	uint32_t len = tcb_sndq_len(tcb), seq, hole, skipped, off, data, n;
	bool fin;

	if (!sack_any(tcb)) {
		tcb_resend_una(tcb);
		return true;
	}
	seq = sack_high_rxt(tcb);
	if (!sack_next_hole(tcb, &seq, &hole, &skipped))
		return false;
	stats_tcp.sack_rexmit_skipped += skipped;
	off = seq - tcb->snd_una;
	data = off < len ? len - off : 0u;
	n = tcb_mss_now(tcb);
	n = data < n ? data : n;
	if (n > hole)
		n = hole;
	fin = tcb_fin_sent(tcb) && !tcb_fin_acked(tcb) && off + n == len && n < hole;
	if (n == 0 && !fin)
		return false;
	tcb->flags &= (uint16_t)~TCB_F_RTT_TIMING;   /* Karn */
	tcb_send_data(tcb, seq, (uint16_t)off, (uint16_t)n, fin);
	sack_resent(tcb, seq + n + (fin ? 1u : 0u));
	return true;
#else
	tcb_resend_una(tcb);
	return true;
#endif
}

/*
 * RFC 6582 3.2 and 4: after a timeout (and a fast retransmit) the sender
 * remembers "recover", the highest sequence number sent. Segments after
 * the one just resent were sent once and may be lost too; the peer
 * (which keeps out-of-order data) then ACKs only up to the next hole: "a
 * partial acknowledgment", answered by resending the first unacknowledged
 * segment at once instead of waiting for another, backed-off, RTO per
 * hole (cc.c decides when).
 */
void tcb_enter_recovery(struct fw_tcp_conn *tcb)
{
	tcb->recover = tcb->snd_nxt;
	tcb->flags |= TCB_F_RECOVERY;
	sack_recovery_start(tcb);
}
