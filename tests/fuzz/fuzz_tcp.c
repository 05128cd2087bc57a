/*
 * Fuzz target for the TCP engine: the input picks a starting
 * fixture (a TCB in LISTEN ... LAST_ACK, or a TIME_WAIT entry), then a
 * sequence of operations: segments with fuzzed header fields, options and
 * payload (malformed ones included: bad data offset, truncated options, bad
 * checksum), clock jumps, and application calls. After every step the
 * engine's invariants are checked; at the end the engine is run far into
 * the future, everything is aborted and every lwIP pool must be back where
 * it started.
 *
 * Built two ways: with clang -fsanitize=fuzzer (tests/fuzz/fuzz.mk, `make
 * fuzz`), and with gcc as the fuzz_replay unit suite, which replays the
 * committed corpus (tests/fuzz/corpus/) in `make test`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "fuzz_tcp.h"
#include "lwip/init.h"
#include "lwip/inet_chksum.h"
#include "lwip/ip4.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/prot/ip.h"
#include "lwip/stats.h"
#include "lwip/sys.h"
#include "rx.h"
#include "listen.h"
#include "tcb.h"
#include "fw_tcp.h"
#include "stats.h"
#include "timewait.h"

#define FZ_LPORT 7u
#define FZ_RPORT 40000u
#define FZ_PEER_ISS 1000u
#define FZ_MAX_OPS 64u
#define FZ_MAX_PAYLOAD 1400u
#define FZ_HDR_MAX 60u
#define FZ_SLOTS FW_TCB_COUNT
/* Long enough for every orphan to finish: FW_DATA_RETRIES backoffs capped at
 * FW_RTO_MAX_MS, the FIN_WAIT_2 timeout, 2MSL. */
#define FZ_DRAIN_MS (3600u * 1000u)
#define FZ_DRAIN_STEPS 100000u

/* An application handle: valid from accept/connect until close, abort or err_cb. */
struct fz_slot {
	struct fw_tcp_conn *tcb;
	bool refuse;        /* recv_cb returns ERR_MEM */
	bool keep;          /* recv_cb keeps the data (fz_kept) instead of freeing it */
	bool close_on_eof;
	bool established;   /* accept_cb or connected_cb ran */
	bool eof;           /* recv_cb(NULL) ran */
	uint32_t unrecved;  /* bytes taken, not yet fw_tcp_recved() */
};

static struct fz_slot fz_slots[FZ_SLOTS];
/* The right edge each TCB offered last (RCV.NXT + window), by slot and
 * generation: it may never move left (RFC 1122 4.2.2.16). */
static uint32_t fz_edge[FW_TCB_COUNT];
static uint8_t fz_edge_gen[FW_TCB_COUNT];
static bool fz_edge_set[FW_TCB_COUNT];
static struct fw_tcp_listener *fz_listener;
static uint32_t fz_now;
static uint32_t fz_latest;   /* the furthest fz_now has been (a 2MSL jump may wrap it back) */
static struct netif fz_netif;
static bool fz_lwip_up;
static ip4_addr_t fz_local, fz_remote;
static int fz_mem_start;
static int fz_memp_start[MEMP_MAX];
static bool fz_refuse_accept;
/* Data an application keeps (slot by slot, even after its connection is
 * gone): the views pin receive buffers until a later op frees them. */
static struct pbuf *fz_kept[FZ_SLOTS];

/* ------------------------------------------------------------ lwIP stubs */

u32_t sys_now(void) { return fz_now; }
static uint32_t fz_clock(void) { return fz_now; }

static struct fw_tcp_stats fz_stats(void)
{
	struct fw_tcp_stats s;
	fw_tcp_get_stats(&s);
	return s;
}
uint32_t fw_rand32(void) { return 0x2545F491u; }

void fw_assert_failed(const char *msg, const char *file, int line)
{
	fprintf(stderr, "lwIP assertion %s at %s:%d\n", msg, file, line);
	abort();
}

static void fz_fail(const char *what, unsigned id)
{
	fprintf(stderr, "fuzz invariant violated: %s (tcb %u)\n", what, id);
	abort();
}

static err_t fz_netif_output(struct netif *n, struct pbuf *p, const ip4_addr_t *ip)
{
	(void)n;
	(void)p;
	(void)ip;
	return ERR_OK;
}

static err_t fz_netif_init(struct netif *n)
{
	n->output = fz_netif_output;
	n->mtu = 1500;
	n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_LINK_UP;
	n->name[0] = 'f';
	n->name[1] = 'z';
	return ERR_OK;
}

static void fz_lwip_init(void)
{
	ip4_addr_t mask;
	if (fz_lwip_up)
		return;
	lwip_init();
	ip4addr_aton("192.0.2.2", &fz_local);
	ip4addr_aton("192.0.2.1", &fz_remote);
	ip4addr_aton("255.255.255.0", &mask);
	netif_add(&fz_netif, &fz_local, &mask, &fz_remote, NULL, fz_netif_init, ip4_input);
	netif_set_default(&fz_netif);
	netif_set_up(&fz_netif);
	netif_set_link_up(&fz_netif);
	fz_lwip_up = true;
}

/* ------------------------------------------------------------ input reader */

struct fz_in {
	const uint8_t *b;
	size_t n, i;
};

static uint8_t fz_u8(struct fz_in *in) { return in->i < in->n ? in->b[in->i++] : 0u; }
static uint16_t fz_u16(struct fz_in *in) { return (uint16_t)(fz_u8(in) << 8 | fz_u8(in)); }
static uint32_t fz_u32(struct fz_in *in) { return (uint32_t)fz_u16(in) << 16 | fz_u16(in); }
static bool fz_more(const struct fz_in *in) { return in->i < in->n; }

/* ------------------------------------------------------------ the application */

static struct fz_slot *fz_slot_new(struct fw_tcp_conn *tcb)
{
	for (unsigned i = 0; i < FZ_SLOTS; i++) {
		if (!fz_slots[i].tcb) {
			memset(&fz_slots[i], 0, sizeof fz_slots[i]);
			fz_slots[i].tcb = tcb;
			return &fz_slots[i];
		}
	}
	return NULL;
}

static err_t fz_recv_cb(void *arg, struct fw_tcp_conn *tcb, struct pbuf *p)
{
	struct fz_slot *s = arg;
	if (!s || s->tcb != tcb)
		fz_fail("recv_cb on a handle the application does not hold", tcb_id(tcb));
	if (!p) {
		s->eof = true;
		if (s->close_on_eof) {
			s->tcb = NULL;
			fw_tcp_close(tcb);
		}
		return ERR_OK;
	}
	if (s->refuse)
		return ERR_MEM;
	s->unrecved += p->tot_len;
	if (s->keep) {
		unsigned i = (unsigned)(s - fz_slots);
		if (fz_kept[i])
			pbuf_cat(fz_kept[i], p);
		else
			fz_kept[i] = p;
		return ERR_OK;
	}
	pbuf_free(p);
	return ERR_OK;
}

static void fz_sent_cb(void *arg, struct fw_tcp_conn *tcb, uint16_t len)
{
	struct fz_slot *s = arg;
	(void)len;
	if (!s || s->tcb != tcb)
		fz_fail("sent_cb on a handle the application does not hold", tcb_id(tcb));
}

static void fz_err_cb(void *arg, err_t err)
{
	struct fz_slot *s = arg;
	if (!s || !s->tcb)
		fz_fail("err_cb on a handle the application does not hold", 0);
	/* An orderly end (ERR_CLSD after ESTABLISHED: TIME_WAIT or LAST_ACK
	 * done) must have given the application every byte and the EOF. */
	if (err == ERR_CLSD && s->established && !s->eof)
		fz_fail("connection closed without delivering data and end of stream", 0);
	s->tcb = NULL;
}

static void fz_hook(struct fw_tcp_conn *tcb, struct fz_slot *s)
{
	fw_tcp_arg(tcb, s);
	fw_tcp_recv(tcb, fz_recv_cb);
	fw_tcp_sent(tcb, fz_sent_cb);
	fw_tcp_err(tcb, fz_err_cb);
}

static err_t fz_accept_cb(void *arg, struct fw_tcp_conn *tcb)
{
	struct fz_slot *s;
	(void)arg;
	if (fz_refuse_accept)
		return ERR_VAL;
	s = fz_slot_new(tcb);
	if (!s)
		return ERR_MEM;
	fz_hook(tcb, s);
	s->established = true;
	return ERR_OK;
}

static void fz_connected_cb(void *arg, struct fw_tcp_conn *tcb)
{
	struct fz_slot *s = arg;
	if (!s || s->tcb != tcb)
		fz_fail("connected_cb on a handle the application does not hold", tcb_id(tcb));
	s->established = true;
}

/* ------------------------------------------------------------ segments */

/* A segment on tuple `t` (remote -> local) as the fuzzer describes it. */
struct fz_seg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint8_t opts[40];
	uint8_t optlen;
	int doff;            /* < 0: correct */
	bool bad_chksum;
	uint16_t len;
	uint8_t fill;
};

static void fz_put16(uint8_t *b, uint16_t v) { b[0] = (uint8_t)(v >> 8); b[1] = (uint8_t)v; }
static void fz_put32(uint8_t *b, uint32_t v) { fz_put16(b, (uint16_t)(v >> 16)); fz_put16(b + 2, (uint16_t)v); }

static void fz_send_seg(const struct fz_seg *s)
{
	unsigned optlen = (s->optlen + 3u) & ~3u, hlen = 20u + optlen;
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)(hlen + s->len), PBUF_POOL);
	uint8_t *b;
	uint16_t sum;

	if (!p)
		return;              /* pool exhausted: as a NIC dropping the frame */
	if (p->next) {
		pbuf_free(p);
		return;
	}
	b = p->payload;
	memset(b, 0, hlen);
	fz_put16(b, s->sport);
	fz_put16(b + 2, s->dport);
	fz_put32(b + 4, s->seq);
	fz_put32(b + 8, s->ack);
	b[12] = (uint8_t)((s->doff >= 0 ? (unsigned)s->doff : hlen / 4u) << 4);
	b[13] = s->flags;
	fz_put16(b + 14, s->wnd);
	memcpy(b + 20, s->opts, s->optlen);
	memset(b + hlen, s->fill, s->len);
	sum = inet_chksum_pseudo(p, IP_PROTO_TCP, p->tot_len, &fz_remote, &fz_local);
	if (s->bad_chksum)
		sum ^= 0x0101u;
	memcpy(b + 16, &sum, sizeof sum);
	{
		struct fw_tcp_addr src, dst;
		fw_tcp_addr_set_ip4(&src, ip4_addr_get_u32(&fz_remote));
		fw_tcp_addr_set_ip4(&dst, ip4_addr_get_u32(&fz_local));
		fw_tcp_input(p, &src, &dst, fz_now);
	}
}

/* Sequence numbers the peer would use, for the chosen target. */
struct fz_target {
	uint16_t rport, lport;
	uint32_t rcv_nxt, snd_una, snd_nxt;
};

struct fz_tw_pick {
	unsigned want, seen;
	struct fz_target *out;
	bool found;
};

static void fz_tw_visit(const struct fw_tcp_tuple *t, uint32_t snd_nxt, uint32_t rcv_nxt, uint32_t deadline, void *arg)
{
	struct fz_tw_pick *k = arg;
	(void)deadline;
	if (k->seen++ != k->want)
		return;
	k->out->rport = t->rport;
	k->out->lport = t->lport;
	k->out->rcv_nxt = rcv_nxt;
	k->out->snd_una = snd_nxt;
	k->out->snd_nxt = snd_nxt;
	k->found = true;
}

/* 0-7: TCB by id; 8-11: a TIME_WAIT entry; 12-15: a stranger. */
static void fz_pick_target(uint8_t sel, struct fz_target *t)
{
	struct fw_tcp_conn *tcb = tcb_by_id(sel % FW_TCB_COUNT);
	struct fz_tw_pick k = { (unsigned)(sel >> 4), 0, t, false };

	t->rport = (uint16_t)(FZ_RPORT + (sel >> 4));
	t->lport = FZ_LPORT;
	t->rcv_nxt = FZ_PEER_ISS + 1u;
	t->snd_una = t->snd_nxt = 0;
	switch ((sel >> 2) & 3u) {
	case 0:
	case 1:
		if (tcb && tcb->state != FW_TCP_LISTEN) {
			t->rport = tcb->t.rport;
			t->lport = tcb->t.lport;
			t->rcv_nxt = tcb->rcv_nxt;
			t->snd_una = tcb->snd_una;
			t->snd_nxt = tcb->snd_nxt;
		}
		break;
	case 2:
		tw_foreach(fz_tw_visit, &k);
		if (!k.found) {
			k.want = 0;
			k.seen = 0;
			tw_foreach(fz_tw_visit, &k);
		}
		break;
	case 3:
		break;
	}
}

static uint32_t fz_pick_seq(struct fz_in *in, const struct fz_target *t)
{
	uint8_t mode = fz_u8(in);
	switch (mode & 3u) {
	case 0: return t->rcv_nxt + (uint32_t)(int32_t)(int8_t)fz_u8(in);
	case 1: return t->rcv_nxt + (uint32_t)(int32_t)(int16_t)fz_u16(in);
	case 2: return t->rcv_nxt + (uint32_t)fz_u16(in) * 16u;
	default: return fz_u32(in);
	}
}

static uint32_t fz_pick_ack(struct fz_in *in, const struct fz_target *t)
{
	uint8_t mode = fz_u8(in);
	switch (mode & 3u) {
	case 0: return t->snd_nxt + (uint32_t)(int32_t)(int8_t)fz_u8(in);
	case 1: return t->snd_una + (uint32_t)(int32_t)(int8_t)fz_u8(in);
	case 2: return t->snd_una - (uint32_t)fz_u16(in) * 4u;
	default: return fz_u32(in);
	}
}

static void fz_op_segment(struct fz_in *in)
{
	struct fz_target t;
	struct fz_seg s;
	uint8_t ctl;

	memset(&s, 0, sizeof s);
	fz_pick_target(fz_u8(in), &t);
	s.sport = t.rport;
	s.dport = t.lport;
	s.flags = fz_u8(in);
	s.seq = fz_pick_seq(in, &t);
	s.ack = fz_pick_ack(in, &t);
	s.wnd = fz_u16(in);
	ctl = fz_u8(in);
	s.doff = (ctl & 0x80u) ? (int)(fz_u8(in) & 0xfu) : -1;
	s.bad_chksum = (ctl & 0x40u) != 0;
	s.optlen = (uint8_t)((ctl & 0x3fu) % (sizeof s.opts + 1u));
	for (unsigned i = 0; i < s.optlen; i++)
		s.opts[i] = fz_u8(in);
	s.len = fz_u8(in);
	if (s.len & 0x80u)
		s.len = (uint16_t)((s.len & 0x7fu) * 11u);  /* up to 1397 bytes */
	if (s.len > FZ_MAX_PAYLOAD)
		s.len = FZ_MAX_PAYLOAD;
	s.fill = (uint8_t)in->i;
	fz_send_seg(&s);
}

/* ------------------------------------------------------------ clock */

static void fz_run_timers_until(uint32_t target, unsigned max_steps)
{
	uint32_t at;
	while (max_steps-- && fw_tcp_next_deadline(&at) && time_reached(target, at)) {
		if (!time_reached(at, fz_now))
			at = fz_now;
		fz_now = at;
		fw_tcp_timers(fz_now);
	}
	fz_now = target;
}

static void fz_op_clock(struct fz_in *in)
{
	uint8_t mode = fz_u8(in);
	uint32_t ms = fz_u8(in);
	switch (mode & 3u) {
	case 0: break;                        /* ms */
	case 1: ms *= 100u; break;            /* RTOs */
	case 2: ms *= 1000u; break;           /* FIN_WAIT_2, 2MSL */
	default: ms = 2u * fw_tcp_get_msl() + (uint32_t)(int32_t)(int8_t)ms; break;
	}
	/* Either exact timer service, or a late timer (the main loop was busy). */
	if (mode & 4u) {
		fz_now += ms;
		fw_tcp_timers(fz_now);
	} else {
		fz_run_timers_until(fz_now + ms, 10000u);
	}
}

/* ------------------------------------------------------------ API calls */

static struct fz_slot *fz_pick_slot(uint8_t sel)
{
	struct fz_slot *s = &fz_slots[sel % FZ_SLOTS];
	return s->tcb ? s : NULL;
}

static void fz_op_api(struct fz_in *in, uint8_t op)
{
	uint8_t sel = fz_u8(in), arg = fz_u8(in);
	struct fz_slot *s = fz_pick_slot(sel);
	static const uint8_t data[FZ_MAX_PAYLOAD];
	struct fw_tcp_conn *tcb;

	if (!s)
		return;
	tcb = s->tcb;
	switch (op) {
	case 0:
		fw_tcp_write(tcb, data, (uint16_t)((arg & 0x80u) ? (arg & 0x7fu) * 11u : arg));
		break;
	case 1:
		s->tcb = NULL;
		fw_tcp_close(tcb);
		break;
	case 2:
		if ((arg & 3u) == 3u)
			s->tcb = NULL;
		fw_tcp_shutdown(tcb, arg & 1u, (arg & 2u) != 0);
		break;
	case 3:
		s->tcb = NULL;
		fw_tcp_abort(tcb);
		break;
	case 4: {
		uint32_t n = arg & 0x80u ? s->unrecved : arg;
		if (n > s->unrecved)
			n = s->unrecved;
		s->unrecved -= n;
		fw_tcp_recved(tcb, (uint16_t)n);
		break;
	}
	default:
		s->refuse = arg & 1u;
		s->close_on_eof = (arg & 2u) != 0;
		s->keep = (arg & 8u) != 0;
		if ((arg & 16u) && fz_kept[sel % FZ_SLOTS]) {
			uint32_t at;
			pbuf_free(fz_kept[sel % FZ_SLOTS]);
			fz_kept[sel % FZ_SLOTS] = NULL;
			/* as the main loop: what the release made due runs now */
			if (fw_tcp_next_deadline(&at) && time_reached(fz_now, at))
				fw_tcp_timers(fz_now);
		}
		if (arg & 4u)
			fw_tcp_recved(tcb, 0);   /* offer refused data again */
		if (arg & 8u) {
			/* keepalive at the fuzzer's pace: idle 1-8 s, probes 0.5 s apart */
			fw_tcp_set_keepalive_idle(1000u + (uint32_t)(arg >> 5) * 1000u);
			fw_tcp_set_keepalive_intvl(500u);
			fw_tcp_keepalive(tcb, (arg & 16u) != 0);
		}
		if ((arg & 0xe0u) == 0xe0u)
			fw_tcp_user_timeout(tcb, 2000u);
		break;
	}
}

static void fz_op_connect(struct fz_in *in)
{
	uint16_t port = (uint16_t)(FZ_RPORT + (fz_u8(in) & 3u));
	struct fz_slot *s = fz_slot_new(NULL);
	struct fw_tcp_conn *tcb;
	struct fw_tcp_addr l, r;

	if (!s)
		return;
	fw_tcp_addr_set_ip4(&l, ip4_addr_get_u32(&fz_local));
	fw_tcp_addr_set_ip4(&r, ip4_addr_get_u32(&fz_remote));
	tcb = fw_tcp_connect(&l, &r, port, fz_connected_cb, s);
	if (!tcb)
		return;
	s->tcb = tcb;
	fz_hook(tcb, s);
}

/* ------------------------------------------------------------ invariants */

static void fz_check_chain(const struct pbuf *p, unsigned id)
{
	for (; p; p = p->next) {
		if (p->tot_len != p->len + (p->next ? p->next->tot_len : 0u))
			fz_fail("pbuf chain tot_len inconsistent", id);
		if (p->ref == 0)
			fz_fail("pbuf in a queue with ref 0", id);
	}
}

static bool fz_state_is_tcb_state(uint8_t s)
{
	switch ((enum fw_tcp_state)s) {
	case FW_TCP_LISTEN:
	case FW_TCP_SYN_SENT:
	case FW_TCP_SYN_RCVD:
	case FW_TCP_ESTABLISHED:
	case FW_TCP_FIN_WAIT_1:
	case FW_TCP_FIN_WAIT_2:
	case FW_TCP_CLOSE_WAIT:
	case FW_TCP_CLOSING:
	case FW_TCP_LAST_ACK:
		return true;
	case FW_TCP_CLOSED:
	case FW_TCP_TIME_WAIT:
		return false;
	}
	return false;
}

/* Receive buffers (rx.c): bounded per connection; every offer made is
 * still backed by buffers set aside; the right edge never moves left. */
static void fz_check_rx(const struct fw_tcp_conn *tcb, unsigned id)
{
	uint32_t promised;

	if (tcb->rx_bufs > FW_TCP_RCVQ_PBUFS)
		fz_fail("connection holds more than FW_TCP_RCVQ_PBUFS receive buffers", id);
	if (tcb->rx_views > FW_TCP_RCV_VIEWS)
		fz_fail("application holds more than FW_TCP_RCV_VIEWS views", id);
	if (tcb->rx_lent)
		fz_fail("a delivery still lending after the event", id);
	if (tcb->state == FW_TCP_SYN_SENT)
		return;
	promised = seq_gt(tcb->rcv_adv, tcb->rcv_nxt) ? tcb->rcv_adv - tcb->rcv_nxt : 0u;
	/* after shut_rx, data is answered with RST: nothing to hold */
	if (!(tcb->flags & TCB_F_RX_CLOSED) && rx_window(tcb) < promised)
		fz_fail("window offered is no longer backed by receive buffers", id);
	if (fz_edge_set[id] && fz_edge_gen[id] == tcb->gen && seq_lt(tcb->rcv_adv, fz_edge[id]))
		fz_fail("right edge of the window moved left", id);
	fz_edge[id] = tcb->rcv_adv;
	fz_edge_gen[id] = tcb->gen;
	fz_edge_set[id] = true;
}

static bool fz_held(const struct fw_tcp_conn *tcb)
{
	for (unsigned i = 0; i < FZ_SLOTS; i++)
		if (fz_slots[i].tcb == tcb)
			return true;
	return false;
}

static void fz_check_tcb(const struct fw_tcp_conn *tcb, unsigned id)
{
	uint32_t inflight, room;
	bool syn_unacked;

	if (!fz_state_is_tcb_state(tcb->state))
		fz_fail("TCB in a state a TCB cannot have", id);
	fz_check_chain(tcb->sndq, id);
	fz_check_chain(tcb->rcvq, id);
	/* Between events nothing is owed: tcb_event_end() flushed every TCB. */
	if (tcb->flags & (TCB_F_ACK_OWED | TCB_F_TX_PENDING))
		fz_fail("ACK or output still pending after the event", id);
	/* RFC 9293 3.8.6.3 MUST-40: a delayed ACK waits FW_TCP_ACK_DELAY_MS at most
	 * from when it was armed (no later than the furthest time seen). */
	if ((tcb->timers & TCB_T_DACK) && (int32_t)(tcb->ack_at - fz_latest) > (int32_t)FW_TCP_ACK_DELAY_MS)
		fz_fail("delayed ACK due beyond FW_TCP_ACK_DELAY_MS", id);
	if (tcb->state == FW_TCP_LISTEN)
		return;
	fz_check_rx(tcb, id);
	if (seq_gt(tcb->snd_una, tcb->snd_nxt))
		fz_fail("SND.UNA > SND.NXT", id);
	/* In flight: SYN (until the connection leaves SYN_SENT/SYN_RCVD: not
	 * "SND.UNA == ISS", which holds again after 2^32 - 1 bytes), queued
	 * bytes, FIN. */
	inflight = tcb->snd_nxt - tcb->snd_una;
	syn_unacked = tcb->state == FW_TCP_SYN_SENT || tcb->state == FW_TCP_SYN_RCVD;
	room = tcb_sndq_len(tcb) + (syn_unacked ? 1u : 0u) + ((tcb->flags & TCB_F_FIN_QUEUED) ? 1u : 0u);
	if (inflight > room)
		fz_fail("SND.NXT - SND.UNA exceeds what was queued", id);
	if (tcb->rcvq && tcb->rcvq->tot_len > FW_TCP_WND)
		fz_fail("receive queue beyond the window", id);
	if ((tcb->flags & TCB_F_FIN_ACKED) && !(tcb->flags & TCB_F_FIN_QUEUED))
		fz_fail("FIN acked but never queued", id);
	if ((tcb->state == FW_TCP_FIN_WAIT_1 || tcb->state == FW_TCP_CLOSING || tcb->state == FW_TCP_LAST_ACK ||
	     tcb->state == FW_TCP_FIN_WAIT_2) && !(tcb->flags & TCB_F_FIN_QUEUED))
		fz_fail("closing state without a FIN queued", id);
	if (tcb->state == FW_TCP_FIN_WAIT_2 && !(tcb->flags & TCB_F_FIN_ACKED))
		fz_fail("FIN_WAIT_2 with our FIN not acked", id);
	/* RFC 6582 "recover": set at a loss to SND.NXT, left once SND.UNA reaches it. */
	if ((tcb->flags & TCB_F_RECOVERY) && !(seq_lt(tcb->snd_una, tcb->recover) && seq_leq(tcb->recover, tcb->snd_nxt)))
		fz_fail("recovery with recover outside (SND.UNA, SND.NXT]", id);
	if ((tcb->flags & TCB_F_RECOVERY) && !tcb_synchronized(tcb))
		fz_fail("loss recovery in an unsynchronized state", id);
	/* RFC 6298 (5.1): a timer runs while anything is outstanding. */
	if (inflight && !(tcb->timers & TCB_T_RTX))
		fz_fail("data outstanding, no retransmission timer", id);
	/* RFC 9293 3.8.6.1: probes are bounded by the unanswered count; the
	 * keepalive by its count. */
	if (tcb->probes > FW_PERSIST_PROBES)
		fz_fail("more unanswered zero-window probes than FW_PERSIST_PROBES", id);
	if (tcb->ka_probes > fw_tcp_get_keepalive_count())
		fz_fail("more unanswered keepalive probes than keepalive-count", id);
	/* What a peer can make one connection hold: its receive buffers. */
	if (tcb->rx_bufs > FW_TCP_RCVQ_PBUFS)
		fz_fail("one connection holds more than FW_TCP_RCVQ_PBUFS receive buffers", id);
	if ((tcb->flags & TCB_F_ACCEPTED) && !(tcb->flags & TCB_F_ORPHAN) && !fz_held(tcb))
		fz_fail("application TCB the application does not hold", id);
}

static void fz_check(void)
{
	unsigned n = 0;

	if (time_reached(fz_now, fz_latest))
		fz_latest = fz_now;

	for (unsigned i = 0; i < FW_TCB_COUNT; i++) {
		struct fw_tcp_conn *tcb = tcb_by_id(i);
		if (tcb) {
			n++;
			fz_check_tcb(tcb, i);
		}
	}
	if (n != fz_stats().tcb_in_use)
		fz_fail("tcb_in_use counter disagrees with the pool", n);
	if (fz_stats().rx_bufs > FW_TCP_RX_POOL_BUFS)
		fz_fail("TCP holds more than FW_TCP_RX_POOL_BUFS receive buffers", fz_stats().rx_bufs);
	if (fz_stats().orphans > fw_tcp_get_orphan_max())
		fz_fail("more orphans than orphan-max", fz_stats().orphans);
	/* Half-open connections a listener holds (RFC 4987: the backlog). */
	for (unsigned i = 0; i < FW_TCP_LISTENERS; i++) {
		if (lsn_by_id(i) && tcb_backlog(i) > FW_LISTEN_BACKLOG)
			fz_fail("listener holds more half-open connections than FW_LISTEN_BACKLOG", i);
	}
	for (unsigned i = 0; i < FZ_SLOTS; i++) {
		const struct fw_tcp_conn *tcb = fz_slots[i].tcb;
		if (tcb && (!tcb->in_use || tcb->arg != &fz_slots[i]))
			fz_fail("TCB freed behind the application's back (no err_cb)", i);
	}
	if (tw_get_stats()->in_use > FW_TW_ENTRIES)
		fz_fail("TIME_WAIT table over its bound", tw_get_stats()->in_use);
	if (tw_check())
		fz_fail(tw_check(), tw_get_stats()->in_use);
	if (rx_check())
		fz_fail(rx_check(), fz_stats().rx_bufs);
}

/* ------------------------------------------------------------ fixtures */

static void fz_peer(uint16_t rport, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t len)
{
	struct fz_seg s;
	memset(&s, 0, sizeof s);
	s.sport = rport;
	s.dport = FZ_LPORT;
	s.flags = flags;
	s.seq = seq;
	s.ack = ack;
	s.wnd = 8192;
	s.doff = -1;
	s.len = len;
	s.fill = 'x';
	if (flags & FW_TCP_SYN) {
		s.opts[0] = 2;
		s.opts[1] = 4;
		fz_put16(s.opts + 2, 1460);
		s.optlen = 4;
	}
	fz_send_seg(&s);
}

static struct fz_slot *fz_find(uint16_t rport)
{
	for (unsigned i = 0; i < FZ_SLOTS; i++)
		if (fz_slots[i].tcb && fz_slots[i].tcb->t.rport == rport)
			return &fz_slots[i];
	return NULL;
}

enum fz_fixture {
	FZ_LISTEN, FZ_SYN_SENT, FZ_SYN_RCVD, FZ_ESTABLISHED, FZ_FIN_WAIT_1, FZ_FIN_WAIT_2,
	FZ_CLOSE_WAIT, FZ_CLOSING, FZ_LAST_ACK, FZ_TIME_WAIT, FZ_FIXTURES
};

/* One connection from FZ_RPORT into ESTABLISHED; NULL if the engine refused. */
static struct fz_slot *fz_establish(uint8_t variant)
{
	struct fw_tcp_conn *tcb;
	struct fz_slot *s;
	static const uint8_t data[64];

	fz_peer(FZ_RPORT, FW_TCP_SYN, FZ_PEER_ISS, 0, 0);
	tcb = NULL;
	for (unsigned i = 0; i < FW_TCB_COUNT; i++) {
		struct fw_tcp_conn *c = tcb_by_id(i);
		if (c && c->state == FW_TCP_SYN_RCVD)
			tcb = c;
	}
	if (!tcb)
		return NULL;
	fz_peer(FZ_RPORT, FW_TCP_ACK, FZ_PEER_ISS + 1u, tcb->snd_nxt, 0);
	s = fz_find(FZ_RPORT);
	if (s && (variant & 1u))
		fw_tcp_write(s->tcb, data, sizeof data);     /* data in flight */
	if (s && (variant & 2u))
		fz_peer(FZ_RPORT, FW_TCP_ACK | FW_TCP_PSH, s->tcb->rcv_nxt, s->tcb->snd_una, 10);
	return s;
}

/* Our FIN: close (orphan) or shutdown of the write side (half-close). */
static void fz_our_fin(struct fz_slot *s, uint8_t variant)
{
	struct fw_tcp_conn *tcb = s->tcb;
	if (variant & 4u) {
		fw_tcp_shutdown(tcb, false, true);
	} else {
		s->tcb = NULL;
		fw_tcp_close(tcb);
	}
}

static void fz_fixture(uint8_t which, uint8_t variant)
{
	struct fz_slot *s;
	struct fw_tcp_conn *tcb;

	fz_listener = fw_tcp_listen(FZ_LPORT, fz_accept_cb, NULL);
	switch ((enum fz_fixture)(which % FZ_FIXTURES)) {
	case FZ_LISTEN:
		return;
	case FZ_SYN_SENT:
		fz_op_connect(&(struct fz_in){ &variant, 1, 0 });
		return;
	case FZ_SYN_RCVD:
		fz_peer(FZ_RPORT, FW_TCP_SYN, FZ_PEER_ISS, 0, 0);
		return;
	case FZ_ESTABLISHED:
		fz_establish(variant);
		return;
	case FZ_FIN_WAIT_1:
	case FZ_FIN_WAIT_2:
	case FZ_CLOSING:
	case FZ_TIME_WAIT:
		s = fz_establish(variant & 1u);
		if (!s)
			return;
		tcb = s->tcb;
		fz_our_fin(s, variant);
		if (which % FZ_FIXTURES == FZ_FIN_WAIT_1 || !tcb->in_use)
			return;
		if (which % FZ_FIXTURES == FZ_CLOSING) {
			fz_peer(FZ_RPORT, FW_TCP_FIN | FW_TCP_ACK, tcb->rcv_nxt, tcb->snd_una, 0);
			return;
		}
		fz_peer(FZ_RPORT, FW_TCP_ACK, tcb->rcv_nxt, tcb->snd_nxt, 0);
		if (which % FZ_FIXTURES == FZ_TIME_WAIT && tcb->in_use)
			fz_peer(FZ_RPORT, FW_TCP_FIN | FW_TCP_ACK, tcb->rcv_nxt, tcb->snd_nxt, (variant & 8u) ? 5u : 0u);
		return;
	case FZ_CLOSE_WAIT:
	case FZ_LAST_ACK:
		s = fz_establish(variant & 1u);
		if (!s)
			return;
		tcb = s->tcb;
		fz_peer(FZ_RPORT, FW_TCP_FIN | FW_TCP_ACK, tcb->rcv_nxt, tcb->snd_una, (variant & 8u) ? 5u : 0u);
		if (which % FZ_FIXTURES == FZ_LAST_ACK && s->tcb)
			fz_our_fin(s, variant);
		return;
	case FZ_FIXTURES:
		return;
	}
}

/* ------------------------------------------------------------ run */

static void fz_pools_snapshot(void)
{
	fz_mem_start = (int)lwip_stats.mem.used;
	for (int i = 0; i < MEMP_MAX; i++)
		fz_memp_start[i] = (int)lwip_stats.memp[i]->used;
}

/* Everything the application holds is aborted, orphans run to their end,
 * TIME_WAIT expires: no TCB, no entry, no pbuf may remain. */
static void fz_teardown(void)
{
	uint32_t msl2;

	for (unsigned i = 0; i < FZ_SLOTS; i++) {
		fz_slots[i].keep = false;
		if (fz_kept[i])
			pbuf_free(fz_kept[i]);
		fz_kept[i] = NULL;
	}
	fw_tcp_timers(fz_now);
	fz_run_timers_until(fz_now + FZ_DRAIN_MS, FZ_DRAIN_STEPS);
	fz_check();
	for (unsigned i = 0; i < FW_TCB_COUNT; i++) {
		struct fw_tcp_conn *tcb = tcb_by_id(i);
		if (tcb && (tcb->flags & TCB_F_ORPHAN))
			fz_fail("orphaned TCB still alive an hour later", i);
	}
	for (unsigned i = 0; i < FZ_SLOTS; i++) {
		struct fw_tcp_conn *tcb = fz_slots[i].tcb;
		if (tcb) {
			fz_slots[i].tcb = NULL;
			fw_tcp_abort(tcb);
		}
	}
	if (fz_listener)
		fw_tcp_listen_close(fz_listener);
	fz_listener = NULL;
	if (fz_stats().tcb_in_use != 0)
		fz_fail("TCB leaked: in use after every handle was aborted", fz_stats().tcb_in_use);
	msl2 = 2u * fw_tcp_get_msl();
	fz_now += msl2;
	fw_tcp_timers(fz_now);
	if (tw_get_stats()->in_use != 0)
		fz_fail("TIME_WAIT entry alive after 2MSL", tw_get_stats()->in_use);
	if ((int)lwip_stats.mem.used != fz_mem_start)
		fz_fail("PBUF_RAM heap not back to its start", (unsigned)lwip_stats.mem.used);
	for (int i = 0; i < MEMP_MAX; i++)
		if ((int)lwip_stats.memp[i]->used != fz_memp_start[i])
			fz_fail("memp pool not back to its start", (unsigned)i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[16] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6 };
	struct fz_in in = { data, size, 0 };
	uint8_t which, variant;

	fz_lwip_init();
	fz_now = fz_latest = 5000u;
	fw_tcp_init(fz_clock, key);
	memset(fz_slots, 0, sizeof fz_slots);
	memset(fz_edge_set, 0, sizeof fz_edge_set);
	fz_listener = NULL;
	fz_refuse_accept = false;
	fz_pools_snapshot();

	which = fz_u8(&in);
	variant = fz_u8(&in);
	fz_fixture(which, variant);
	fz_check();
	for (unsigned n = 0; n < FZ_MAX_OPS && fz_more(&in); n++) {
		uint8_t op = fz_u8(&in);
		switch (op & 7u) {
		case 0:
		case 1:
		case 2:
			fz_op_segment(&in);
			break;
		case 3:
			fz_op_clock(&in);
			break;
		case 4:
		case 5:
			fz_op_api(&in, (uint8_t)((op >> 3) % 6u));
			break;
		case 6:
			fz_op_connect(&in);
			break;
		default:
			fz_refuse_accept = (op & 8u) != 0;
			if (op & 16u)
				fw_tcp_set_msl((uint32_t)fz_u8(&in) * 100u + 1u);
			break;
		}
		fz_check();
	}
	fz_teardown();
	return 0;
}
