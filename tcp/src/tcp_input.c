/*
 * Segments in: validation, demultiplexing (TCB, TIME_WAIT table, listener,
 * nobody) and RFC 9293 section 3.10.7 event processing, in the RFC's order.
 * The state machine runs to completion before any application callback,
 * which come last (a callback may close or abort the TCB). The ACK a
 * segment earns is owed, not sent: it leaves at the end of the event with
 * whatever the callbacks queued (tcb_event_end). Replies to unacceptable
 * segments, challenge ACKs and RSTs go at once.
 */
#include <stddef.h>
#include "fw_tcp_config.h"
#include "lwip/inet_chksum.h"
#include "lwip/prot/ip.h"
#include "isn.h"
#include "listen.h"
#include "rx.h"
#include "sack.h"
#include "tcb.h"
#include "tcp_out.h"
#include "stats.h"
#include "timewait.h"

#define SEG_HLEN 20u
#define SEG_OPT_END 0u
#define SEG_OPT_NOP 1u
#define SEG_OPT_MSS 2u
#define SEG_OPT_MSS_LEN 4u
#define SEG_OPT_SACK_PERM 4u  /* RFC 2018 2 */
#define SEG_OPT_SACK_PERM_LEN 2u
#define SEG_OPT_SACK 5u       /* RFC 2018 3 */
#define SEG_SACK_BLOCK_LEN 8u
#define SEG_MSS_MIN 64u       /* ignore absurd MSS values (RFC 9293 3.7.1 MUST accept >= 536 by default) */
#define SEG_MSS_DEFAULT 536u  /* RFC 9293 3.7.1: no option -> 536 */
#define SEG_MSS_DEFAULT6 1220u /* ... and 1220 over IPv6 (RFC 9293 3.7.1, RFC 8200 5) */
#define SEG_DUPTHRESH 3u      /* RFC 5681 2: DupThresh, the third duplicate ACK */

/* What the state machine leaves for the application, in order. */
struct seg_post {
	uint32_t acked;        /* data bytes newly acknowledged */
	bool established;      /* SYN_RCVD/SYN_SENT -> ESTABLISHED */
};

/* SND.WND, and MAX.SND.WND for RFC 5961 5.2's ACK check. */
static void tcb_set_snd_wnd(struct fw_tcp_conn *tcb, uint16_t wnd)
{
	tcb->snd_wnd = wnd;
	if (wnd > tcb->max_snd_wnd)
		tcb->max_snd_wnd = wnd;
}

static uint16_t seg_get16(const uint8_t *b) { return (uint16_t)((b[0] << 8) | b[1]); }
static uint32_t seg_get32(const uint8_t *b) { return ((uint32_t)seg_get16(b) << 16) | seg_get16(b + 2); }

#if FW_TCP_SACK
/* RFC 2018 2, 3: SACK-permitted (kind 4, length 2) and SACK (kind 5, 2 +
 * 8n: n blocks of left edge, right edge). A malformed one, or a block that
 * SACKs nothing (left >= right), is counted and ignored, not the segment:
 * its ACK, window and data are still good. The blocks are checked against
 * SND.UNA..SND.NXT where there is a TCB (sack_input). */
static void seg_sack_option(const uint8_t *o, unsigned olen, struct fw_tcp_seg *seg)
{
	if (o[0] == SEG_OPT_SACK_PERM) {
		if (olen == SEG_OPT_SACK_PERM_LEN)
			seg->sack_ok = true;
		else
			STAT_INC(sack_bad);
		return;
	}
	if (olen < 2u + SEG_SACK_BLOCK_LEN || (olen - 2u) % SEG_SACK_BLOCK_LEN != 0) {
		STAT_INC(sack_bad);
		return;
	}
	for (unsigned j = 2; j < olen && seg->sack_n < SEG_SACK_BLOCKS; j += SEG_SACK_BLOCK_LEN) {
		uint32_t left = seg_get32(o + j), right = seg_get32(o + j + 4u);

		if (!seq_lt(left, right)) {
			STAT_INC(sack_bad);
			continue;
		}
		seg->sack[seg->sack_n].left = left;
		seg->sack[seg->sack_n].right = right;
		seg->sack_n++;
	}
}
#endif

/* Options (RFC 9293 3.1): END, NOP, MSS, SACK understood; others skipped by length. */
static bool seg_options(const uint8_t *o, unsigned len, struct fw_tcp_seg *seg)
{
	unsigned i = 0;
	while (i < len) {
		unsigned kind = o[i], olen;
		if (kind == SEG_OPT_END)
			break;
		if (kind == SEG_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return false;
		olen = o[i + 1];
		if (olen < 2 || i + olen > len)
			return false;
		if (kind == SEG_OPT_MSS) {
			if (olen != SEG_OPT_MSS_LEN)
				return false;
			seg->mss = seg_get16(o + i + 2);
		}
#if FW_TCP_SACK
		if (kind == SEG_OPT_SACK_PERM || kind == SEG_OPT_SACK)
			seg_sack_option(o + i, olen, seg);
#endif
		i += olen;
	}
	return true;
}

/* Header checks; on success the header is removed from p. */
static bool seg_parse(struct pbuf *p, const struct fw_tcp_addr *src, const struct fw_tcp_addr *dst, struct fw_tcp_seg *seg,
                      struct fw_tcp_tuple *t)
{
	const uint8_t *h = p->payload;
	unsigned doff;

	if (p->tot_len < SEG_HLEN || p->len < SEG_HLEN) {
		STAT_INC(drop_short);
		return false;
	}
	doff = (h[12] >> 4) * 4u;
	if (doff < SEG_HLEN || doff > p->len) {
		STAT_INC(drop_hdrlen);
		return false;
	}
	if (seg_chksum(p, src, dst) != 0) {
		STAT_INC(drop_chksum);
		return false;
	}
	/* What the options may set is cleared first (the blocks are read only
	 * up to sack_n); every other field is written below. No memset: on the
	 * target it is a library call per segment. */
	seg->mss = 0;
#if FW_TCP_SACK
	seg->sack_ok = false;
	seg->sack_n = 0;
#endif
	if (!seg_options(h + SEG_HLEN, doff - SEG_HLEN, seg)) {
		STAT_INC(drop_opts);
		return false;
	}
	t->laddr = *dst;
	t->raddr = *src;
	t->lport = seg_get16(h + 2);
	t->rport = seg_get16(h);
	seg->seq = seg_get32(h + 4);
	seg->ack = seg_get32(h + 8);
	seg->flags = h[13] & (FW_TCP_FIN | FW_TCP_SYN | FW_TCP_RST | FW_TCP_PSH | FW_TCP_ACK | FW_TCP_URG);
	seg->wnd = seg_get16(h + 14);
	pbuf_remove_header(p, doff);
	seg->len = p->tot_len;
	seg->p = seg->len ? p : NULL;
	return true;
}

/* ------------------------------------------------------------ no TCB */

/* RFC 9293 3.10.7.1, CLOSED: an RST is discarded; otherwise RST, with
 * <SEQ=SEG.ACK> if ACK is on, else <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
static void seg_input_closed(const struct fw_tcp_tuple *t, const struct fw_tcp_seg *seg)
{
	if (seg->flags & FW_TCP_RST)
		return;
	STAT_INC(rst_closed);
	if (seg->flags & FW_TCP_ACK)
		seg_send_ctl(t, seg->ack, 0, FW_TCP_RST, 0);
	else
		seg_send_ctl(t, 0, seg->seq + seg_seqlen(seg), FW_TCP_RST | FW_TCP_ACK, 0);
}

/* SYN cookies (RFC 4987 3.6): the MSS a SYN asked for travels in the
 * cookie as an index into these, rounded down. */
static const uint16_t seg_cookie_mss[] = { SEG_MSS_MIN, SEG_MSS_DEFAULT, 1200, 1360, 1400, 1440, 1452, 1460 };
#define SEG_COOKIE_MSS_COUNT (sizeof seg_cookie_mss / sizeof seg_cookie_mss[0])
_Static_assert(SEG_COOKIE_MSS_COUNT == 8u, "a SYN cookie carries three bits of MSS index");

/* The MSS we send with: the peer's option, at most ours for the family,
 * 536 (IPv6: 1220) without one. */
static uint16_t seg_peer_mss(const struct fw_tcp_tuple *t, const struct fw_tcp_seg *seg)
{
	uint16_t max = tcb_mss_max(t);
	uint16_t dflt = t->laddr.family == FW_TCP_IPV6 ? SEG_MSS_DEFAULT6 : SEG_MSS_DEFAULT;
	uint16_t mss = seg->mss ? (seg->mss < max ? seg->mss : max) : dflt;
	return mss < SEG_MSS_MIN ? SEG_MSS_MIN : mss;
}

/* A power of two no larger than 2^16 ms: the step count, taken modulo 2^16
 * (isn.c), then runs on across the wrap of the 32-bit millisecond clock. */
_Static_assert((FW_SYNCOOKIE_MS & (FW_SYNCOOKIE_MS - 1u)) == 0 && FW_SYNCOOKIE_MS <= 65536u,
               "FW_SYNCOOKIE_MS: a power of two, at most 65536");

static uint32_t seg_cookie_step(uint32_t now)
{
	return now / FW_SYNCOOKIE_MS;
}

static uint32_t seg_cookie(const struct fw_tcp_tuple *t, const struct fw_tcp_seg *seg, uint32_t now)
{
	uint16_t mss = seg_peer_mss(t, seg);
	unsigned i = 0;

	while (i + 1u < SEG_COOKIE_MSS_COUNT && seg_cookie_mss[i + 1u] <= mss)
		i++;
	return isn_cookie(t, seg->seq, seg_cookie_step(now), i);
}

/* A control block for a passive open on `l`: the peer's ISN `irs`, ours `iss`. */
static void seg_passive_init(struct fw_tcp_conn *tcb, const struct fw_tcp_listener *l, const struct fw_tcp_tuple *t,
                             uint32_t irs, uint32_t iss, uint16_t mss, uint32_t now)
{
	tcb->t = *t;
	tcb->flags = TCB_F_PASSIVE;
	tcb->listener = (uint8_t)lsn_id(l);
	tcb->arg = l->arg;
	tcb->since = now;
	tcb->rcv_nxt = irs + 1u;
	tcb->snd_una = tcb->snd_nxt = iss;
	tcb->mss = mss;
}

static void seg_input_tcb(struct fw_tcp_conn *tcb, struct fw_tcp_seg *seg, uint32_t now);
static void tcb_ack_rtt(struct fw_tcp_conn *tcb, uint32_t ack, bool established, uint32_t now);

/* LISTEN and an ACK: <SEQ=SEG.ACK><CTL=RST> (RFC 9293 3.10.7.2), unless,
 * while SYNs have lately found no room (tcb_syn_pressure_recent), it
 * acknowledges one of our SYN cookies (RFC 4987 3.6): then the connection
 * opens as its SYN_RCVD control block would have let it, had that been
 * kept (recycled under pressure, or never made), and the segment is
 * processed there. */
static void seg_listen_ack(const struct fw_tcp_listener *l, const struct fw_tcp_tuple *t, struct fw_tcp_seg *seg, uint32_t now)
{
	struct fw_tcp_conn *tcb;
	unsigned i;

	if ((seg->flags & FW_TCP_SYN) || !tcb_syn_pressure_recent(now) ||
	    !isn_cookie_check(t, seg->seq - 1u, seg->ack - 1u, seg_cookie_step(now), &i)) {
		STAT_INC(drop_listen);
		seg_send_ctl(t, seg->ack, 0, FW_TCP_RST, 0);
		return;
	}
	tcb = tcb_alloc_evicting();
	if (!tcb) {
		STAT_INC(syncookies_no_tcb);
		return;
	}
	STAT_INC(syncookies_ok);
	seg_passive_init(tcb, l, t, seg->seq - 1u, seg->ack - 1u,
	                 seg_cookie_mss[i] < tcb_mss_max(t) ? seg_cookie_mss[i] : tcb_mss_max(t), now);
	/* The cookie holds no SACK-permitted (as Linux's without timestamps),
	 * so SACK stays off here (tcb_alloc cleared it) even when the recycled
	 * SYN_RCVD agreed to it: we send no blocks (RFC 2018 4 leaves that
	 * to us) and ignore the peer's; recovery is NewReno's. */
	tcb->snd_nxt = tcb_iss(tcb) + 1u;         /* our SYN,ACK went ... */
	rx_synchronize(tcb, rx_syn_window());     /* ... and offered this */
	tcb_set_state(tcb, FW_TCP_SYN_RCVD, "cookie");
	seg_input_tcb(tcb, seg, now);
}

/* A SYN and no control block to be had: a SYN,ACK with a SYN cookie, and
 * nothing kept (RFC 4987 3.6). Not for a new incarnation out of TIME_WAIT,
 * whose ISS must lie beyond the old connection's (RFC 1122 4.2.2.13),
 * which a cookie cannot promise: that SYN is dropped (syn_no_tcb), the
 * peer retries. */
static void seg_syn_stateless(const struct fw_tcp_tuple *t, const struct fw_tcp_seg *seg, const uint32_t *floor,
                              uint32_t now)
{
	if (floor) {
		STAT_INC(syn_no_tcb);
		return;
	}
	tcb_syn_pressure(now);
	STAT_INC(syncookies_sent);
	seg_send_synack(t, seg_cookie(t, seg, now), seg->seq + 1u, rx_syn_window(), false);   /* no SACK: see seg_listen_ack */
}

/* RFC 9293 3.10.7.2, LISTEN: RST ignored; ACK -> RST unless it brings a
 * SYN cookie back; SYN -> SYN_RCVD. The backlog and the pool are bounded:
 * when either is full the oldest half-open connection is recycled
 * (RFC 4987 3.5), else, in the pool, the oldest orphan; a SYN that still
 * finds none gets a stateless SYN cookie. Every passive ISS is a cookie,
 * so a recycled half-open connection still completes when its ACK comes.
 * `floor` is non-NULL for a new incarnation out of TIME_WAIT (whose entry
 * stays until the new one is ESTABLISHED, so a dropped SYN's
 * retransmission finds the floor again). */
static void seg_input_listen(const struct fw_tcp_listener *l, const struct fw_tcp_tuple *t, struct fw_tcp_seg *seg,
                             const uint32_t *floor, uint32_t now)
{
	struct fw_tcp_conn *tcb;

	if (seg->flags & FW_TCP_RST) {
		STAT_INC(drop_listen);
		return;
	}
	if (seg->flags & FW_TCP_ACK) {
		seg_listen_ack(l, t, seg, now);
		return;
	}
	if (!(seg->flags & FW_TCP_SYN)) {
		STAT_INC(drop_listen);
		return;
	}
	/* A backlog is made of TCBs in use: with fewer of those than its limit
	 * it cannot be full, and the pool need not be counted. */
	if (stats_tcp.tcb_in_use >= FW_LISTEN_BACKLOG && tcb_backlog(lsn_id(l)) >= FW_LISTEN_BACKLOG &&
	    !tcb_evict_half_open(lsn_id(l))) {
		/* every child is past its handshake, not yet accepted: nothing to recycle */
		STAT_INC(syn_backlog_full);
		return;
	}
	tcb = tcb_alloc_evicting();
	if (!tcb) {
		seg_syn_stateless(t, seg, floor, now);
		return;
	}
	STAT_INC(passive_opens);
	if (floor)
		STAT_INC(tw_new_syn);
	seg_passive_init(tcb, l, t, seg->seq, floor ? tcb_isn_beyond(t, now, *floor) : seg_cookie(t, seg, now),
	                 seg_peer_mss(t, seg), now);
	rx_synchronize(tcb, 0);
	sack_syn(tcb, seg);
	tcb_set_snd_wnd(tcb, seg->wnd);
	tcb->snd_wl1 = seg->seq;
	tcb_set_state(tcb, FW_TCP_SYN_RCVD, floor ? "syn-from-time-wait" : "syn");
	tcb_output(tcb, now);
}

/* ------------------------------------------------------------ SYN_SENT */

/* RFC 9293 3.10.7.3. */
static void seg_input_syn_sent(struct fw_tcp_conn *tcb, const struct fw_tcp_seg *seg, struct seg_post *post, uint32_t now)
{
	bool ack = (seg->flags & FW_TCP_ACK) != 0;

	/* first: "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless
	 * the RST bit is set, if so drop the segment and return)". */
	if (ack && (seq_leq(seg->ack, tcb_iss(tcb)) || seq_gt(seg->ack, tcb->snd_nxt))) {
		STAT_INC(drop_ack);
		if (!(seg->flags & FW_TCP_RST))
			seg_send_ctl(&tcb->t, seg->ack, 0, FW_TCP_RST, 0);
		return;
	}
	/* second: RST with an acceptable ACK -> "connection reset"; without ACK -> drop. */
	if (seg->flags & FW_TCP_RST) {
		if (ack) {
			STAT_INC(open_refused);
			tcb_drop(tcb, ERR_CLSD);
		}
		return;
	}
	/* fourth: SYN. */
	if (!(seg->flags & FW_TCP_SYN))
		return;
	tcb->rcv_nxt = seg->seq + 1u;
	rx_synchronize(tcb, rx_syn_window());   /* what our SYN offered */
	/* RFC 9293 3.7.1 MUST-15: no MSS option means 536 (SEG_MSS_DEFAULT). */
	tcb->mss = seg_peer_mss(&tcb->t, seg);
	sack_syn(tcb, seg);
	tcb_set_snd_wnd(tcb, seg->wnd);
	tcb->snd_wl1 = seg->seq;
	tcb->snd_wl2 = seg->ack;
	if (ack) {
		/* Our SYN is acknowledged: ESTABLISHED, <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
		 * ("data or controls that were queued for transmission MAY be
		 * included": owed, it rides on what connected_cb writes).
		 * Data or FIN on the SYN,ACK is not queued: the peer retransmits it. */
		tcb_ack_rtt(tcb, seg->ack, true, now);
		tcb->snd_una = seg->ack;
		cc_init(tcb, now);       /* the MSS is known; a lost SYN counts (retries) */
		tcb->retries = 0;
		tcb_disarm(tcb, TCB_T_RTX);
		tcb_set_state(tcb, FW_TCP_ESTABLISHED, "syn-ack");
		post->established = true;
		tcb_owe_ack(tcb);
	} else {
		/* Simultaneous open: SYN_RCVD, <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
		 * Our SYN goes out again in it: Karn, no RTT sample from it. */
		tcb->flags &= (uint16_t)~TCB_F_RTT_TIMING;
		tcb_set_state(tcb, FW_TCP_SYN_RCVD, "syn");
		tcb_send_syn(tcb);
	}
}

/* ------------------------------------------------------------ synchronized */

/* First check (RFC 9293 3.10.7.4), the four cases of SEG.LEN and RCV.WND.
 * With a zero window, a segment at RCV.NXT is still taken for its ACK
 * ("special allowance should be made to accept valid ACKs"); its text is
 * then trimmed away. */
static bool seg_acceptable(const struct fw_tcp_conn *tcb, const struct fw_tcp_seg *seg)
{
	uint32_t wnd = tcb_rcv_wnd(tcb), len = seg_seqlen(seg);
	uint32_t end = tcb->rcv_nxt + wnd;

	if (wnd == 0)
		return seg->seq == tcb->rcv_nxt;
	if (len == 0)
		return seq_in_window(seg->seq, tcb->rcv_nxt, end);
	return seq_in_window(seg->seq, tcb->rcv_nxt, end) || seq_in_window(seg->seq + len - 1u, tcb->rcv_nxt, end);
}

/* Second check: RST. RFC 5961 3.2: only SEG.SEQ == RCV.NXT resets; any
 * other (in-window: the first check passed) gets a challenge ACK. */
static void seg_rst(struct fw_tcp_conn *tcb, const struct fw_tcp_seg *seg, uint32_t now)
{
	if (seg->seq != tcb->rcv_nxt) {
		tcb_challenge_ack(tcb, now);
		return;
	}
	err_t err = ERR_RST;

	/* Each state says what the application hears; one place resets. */
	switch ((enum fw_tcp_state)tcb->state) {
	case FW_TCP_SYN_RCVD:
		/* Passive: "return this connection to LISTEN" (the listener still
		 * listens; the child just goes). Active: "connection refused". */
		err = (tcb->flags & TCB_F_PASSIVE) ? ERR_RST : ERR_CLSD;
		break;
	case FW_TCP_ESTABLISHED:
	case FW_TCP_FIN_WAIT_1:
	case FW_TCP_FIN_WAIT_2:
	case FW_TCP_CLOSE_WAIT:
		/* "any outstanding RECEIVEs and SEND should receive reset responses" */
		err = ERR_RST;
		break;
	case FW_TCP_CLOSING:
	case FW_TCP_LAST_ACK:
		/* "enter the CLOSED state, delete the TCB, and return" */
		err = ERR_RST;
		break;
	case FW_TCP_CLOSED:
	case FW_TCP_LISTEN:
	case FW_TCP_SYN_SENT:
	case FW_TCP_TIME_WAIT:
		return;
	}
	STAT_INC(resets);
	tcb_drop(tcb, err);
}

/* RFC 6298 (2.1) before the first sample, else (2.2, 2.3) with the
 * (2.4) floor (FW_RTO_MIN_MS) and (2.5) ceiling. */
static uint16_t tcb_rto_base(const struct fw_tcp_conn *tcb)
{
	uint32_t rto;
	if (!(tcb->flags & TCB_F_HAVE_RTT))
		return FW_RTO_INITIAL_MS;
	rto = tcb->srtt + 4u * tcb->rttvar;
	return (uint16_t)(rto < FW_RTO_MIN_MS ? FW_RTO_MIN_MS : rto > FW_RTO_MAX_MS ? FW_RTO_MAX_MS : rto);
}

/* RFC 6298 (2.2, 2.3) RTT sample R, in ms. */
static void tcb_rtt_sample(struct fw_tcp_conn *tcb, uint32_t r)
{
	if (r > UINT16_MAX)
		r = UINT16_MAX;
	if (!(tcb->flags & TCB_F_HAVE_RTT)) {
		tcb->srtt = (uint16_t)r;
		tcb->rttvar = (uint16_t)(r / 2u);
		tcb->flags |= TCB_F_HAVE_RTT;
	} else {
		uint32_t d = r > tcb->srtt ? r - tcb->srtt : tcb->srtt - r;
		tcb->rttvar = (uint16_t)((3u * tcb->rttvar + d) / 4u);
		tcb->srtt = (uint16_t)((7u * tcb->srtt + r) / 8u);
	}
}

/* RFC 6582 3.2 (3): an ACK of new data, `acked` bytes. Congestion control
 * takes it (cc_ack); an ACK short of "recover" (SND.NXT when the loss was
 * detected) means the next segment was lost too: "retransmit the first
 * unacknowledged segment" now; the timer restarts with every ACK of new
 * data (RFC 6298 5.3). */
static void tcb_ack_recovery(struct fw_tcp_conn *tcb, uint32_t acked)
{
	if (!cc_ack(tcb, acked))
		return;
	STAT_INC(partial_ack_rtx);
	tcb_resend_hole(tcb);
}

/*
 * RFC 6298 for an ACK that moves SND.UNA to `ack`, our SYN's included:
 * Karn (3): sample only a segment sent once, timed since it was sent
 * (the SYN's ACK is sampled or ends the timing here, so the first data
 * ACK is never timed against the SYN); (5.5) a backed-off RTO stays
 * until a valid sample gives a new one (2.2, 2.3); (5.7) when our SYN or
 * SYN,ACK timed out and nothing was sampled, the RTO for data starts at
 * FW_RTO_SYN_TIMEOUT_MS.
 */
static void tcb_ack_rtt(struct fw_tcp_conn *tcb, uint32_t ack, bool established, uint32_t now)
{
	if ((tcb->flags & TCB_F_RTT_TIMING) && seq_gt(ack, tcb->rtt_seq)) {
		tcb->flags &= (uint16_t)~TCB_F_RTT_TIMING;
		tcb_rtt_sample(tcb, now - tcb->rtt_start);
		tcb->rto = tcb_rto_base(tcb);
	} else if (established) {
		tcb->flags &= (uint16_t)~TCB_F_RTT_TIMING;
		if (tcb->retries > 0 && !(tcb->flags & TCB_F_HAVE_RTT))
			tcb->rto = FW_RTO_SYN_TIMEOUT_MS;
	}
}

/* The first `n` bytes of the send queue are acknowledged (n at most its
 * length): free the pbufs they fill, trim the next, which now carries the
 * queue's length in its tot_len (tcb.h). */
static void tcb_sndq_free_front(struct fw_tcp_conn *tcb, uint32_t n)
{
	struct pbuf *q = tcb->sndq;
	u16_t rest = (u16_t)(q->tot_len - n);

	while (q && n && n >= q->len) {
		struct pbuf *next = q->next;

		n -= q->len;
		q->next = NULL;
		pbuf_free(q);
		tcb->sndq_n--;
		q = next;
	}
	tcb->sndq = q;
	if (!q) {
		tcb->sndq_tail = NULL;
		return;
	}
	q->tot_len = (u16_t)(rest + n);
	if (n)
		pbuf_remove_header(q, (size_t)n);
}

/* SND.UNA < SEG.ACK =< SND.NXT: drop acknowledged bytes (and SYN/FIN). */
static void tcb_ack_advance(struct fw_tcp_conn *tcb, uint32_t ack, struct seg_post *post, uint32_t now)
{
	uint32_t n = ack - tcb->snd_una, len = tcb_sndq_len(tcb);

	/* Our SYN takes one sequence number, acknowledged by the ACK that took
	 * the connection out of SYN_RCVD (RFC 9293 3.10.7.4). Not "SND.UNA ==
	 * ISS": after 2^32 - 1 bytes SND.UNA is back at ISS and the ACK is of
	 * data (RFC 9293 3.4, sequence numbers modulo 2^32). */
	if (post->established)
		n--;
	if (n > len) {
		n = len;                 /* the rest is our FIN */
		tcb->flags |= TCB_F_FIN_ACKED;
	}
	if (n)
		tcb_sndq_free_front(tcb, n);
	post->acked += n;
	tcb_ack_rtt(tcb, ack, post->established, now);
	sack_una_advanced(tcb, ack - tcb->snd_una);
	tcb->snd_una = ack;
	tcb->retries = 0;
	tcb->dupacks = 0;
	tcb_ack_recovery(tcb, n);
	/* RFC 6298 (5.2, 5.3): stop when all is acknowledged, else restart. */
	tcb_disarm(tcb, TCB_T_RTX);
	if (tcb->snd_una != tcb->snd_nxt)
		tcb_arm_rtx(tcb, now);
}

/* Data bytes sent and not acknowledged (SYN and FIN not counted). */
static uint32_t tcb_data_inflight(const struct fw_tcp_conn *tcb)
{
	uint32_t inflight = tcb->snd_nxt - tcb->snd_una, len = tcb_sndq_len(tcb);
	return inflight < len ? inflight : len;
}

/* RFC 5681 2, DUPLICATE ACKNOWLEDGMENT: "(a) the receiver of the ACK has
 * outstanding data, (b) the incoming acknowledgment carries no data, (c)
 * the SYN and FIN bits are both off, (d) the acknowledgment number is equal
 * to the greatest acknowledgment received on the given connection
 * (TCP.UNA from [RFC793]) and (e) the advertised window in the incoming
 * acknowledgment equals the advertised window in the last incoming
 * acknowledgment." A zero window is left out: the ACKs of window probes
 * would count. */
static bool seg_dupack(const struct fw_tcp_conn *tcb, const struct fw_tcp_seg *seg)
{
	return tcb_data_inflight(tcb) > 0 && seg->len == 0 && !(seg->flags & (FW_TCP_SYN | FW_TCP_FIN)) &&
	       seg->ack == tcb->snd_una && seg->wnd == tcb->snd_wnd && tcb->snd_wnd != 0;
}

/*
 * RFC 5681 3.2 (fast retransmit): "The TCP sender SHOULD use the 'fast
 * retransmit' algorithm to detect and repair loss, based on incoming
 * duplicate ACKs ... after receiving 3 duplicate ACKs ... the TCP
 * performs a retransmission of what appears to be the missing segment".
 * Only the third, and not during a recovery (RFC 6582 3.2 (1)); later
 * ones inflate cwnd in fast recovery (cc_dupack), and the output at the
 * end of the event sends new data if cwnd allows. The resent segment gets
 * a full RTO (RFC 6298 5.3).
 */
static void tcb_dupack(struct fw_tcp_conn *tcb, uint32_t now)
{
	if (tcb->dupacks < UINT8_MAX)
		tcb->dupacks++;
	/* RFC 6675 5 (C): in a recovery each further duplicate ACK lets one
	 * segment out: the next hole the peer's SACKs show; with none (no
	 * SACK, or every hole resent) cwnd inflates and new data may follow
	 * (RFC 6582, cc_dupack). */
	if ((tcb->flags & TCB_F_RECOVERY) && sack_any(tcb) && tcb_resend_hole(tcb))
		return;
	if (!cc_dupack(tcb, tcb->dupacks == SEG_DUPTHRESH))
		return;
	STAT_INC(fast_retransmits);
	tcb_resend_hole(tcb);
	tcb_arm_rtx(tcb, now);
}

/* Fifth check, the ACK field, for the synchronized states. Returns false
 * when the segment is done with (dropped, or the TCB is gone). */
static bool seg_ack(struct fw_tcp_conn *tcb, const struct fw_tcp_seg *seg, struct seg_post *post, uint32_t now)
{
	uint32_t una = tcb->snd_una;
	uint16_t wnd = tcb->snd_wnd;

	/* RFC 5961 5.2 (ACK-injection): "the ACK value is considered acceptable
	 * only if it is in the range of ((SND.UNA - MAX.SND.WND) =< SEG.ACK =<
	 * SND.NXT). All incoming segments whose acknowledgment value doesn't
	 * satisfy the above condition MUST be discarded and an ACK sent back",
	 * rate-limited as every challenge ACK (RFC 5961 7). SEG.ACK > SND.NXT
	 * is also RFC 9293 3.10.7.4's "acks something not yet sent". */
	if (seq_gt(seg->ack, tcb->snd_nxt) || seq_lt(seg->ack, tcb->snd_una - tcb->max_snd_wnd)) {
		STAT_INC(drop_ack);
		tcb_challenge_ack(tcb, now);
		return false;
	}
	/* RFC 2018: the scoreboard first, so the retransmissions below go around what it SACKs */
	sack_input(tcb, seg);
	if (seq_lt(tcb->snd_una, seg->ack))
		tcb_ack_advance(tcb, seg->ack, post, now);
	else if (seg_dupack(tcb, seg))
		tcb_dupack(tcb, now);
	/* Window update, "SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)". */
	if (seq_lt(tcb->snd_wl1, seg->seq) || (tcb->snd_wl1 == seg->seq && seq_leq(tcb->snd_wl2, seg->ack))) {
		tcb_set_snd_wnd(tcb, seg->wnd);
		tcb->snd_wl1 = seg->seq;
		tcb->snd_wl2 = seg->ack;
	}
	/* Zero-window probes answered, the window reopened, the user timeout. */
	tcb_live_acked(tcb, una, wnd, now);
	switch ((enum fw_tcp_state)tcb->state) {
	case FW_TCP_FIN_WAIT_1:
		/* "if the FIN segment is now acknowledged, enter FIN-WAIT-2" */
		if (tcb_fin_acked(tcb)) {
			tcb_set_state(tcb, FW_TCP_FIN_WAIT_2, "ack");
			tcb_state_timer(tcb, now);
		}
		return true;
	case FW_TCP_CLOSING:
		/* "if the ACK acknowledges our FIN, enter TIME-WAIT" */
	case FW_TCP_LAST_ACK:
		/* "If our FIN is now acknowledged, delete the TCB, enter CLOSED"
		 * (both once a half-closed application has its data: tcb_finish) */
		return !(tcb_fin_acked(tcb) && tcb_finish(tcb, now));
	case FW_TCP_ESTABLISHED:
	case FW_TCP_FIN_WAIT_2:
	case FW_TCP_CLOSE_WAIT:
		return true;
	case FW_TCP_CLOSED:
	case FW_TCP_LISTEN:
	case FW_TCP_SYN_SENT:
	case FW_TCP_SYN_RCVD:
	case FW_TCP_TIME_WAIT:
		return true;
	}
	return true;
}

/* SYN_RCVD and the ACK bit: "If SND.UNA < SEG.ACK =< SND.NXT, enter
 * ESTABLISHED and continue processing ... else <SEQ=SEG.ACK><CTL=RST>". */
static bool seg_ack_syn_rcvd(struct fw_tcp_conn *tcb, const struct fw_tcp_seg *seg, struct seg_post *post,
                             uint32_t now)
{
	if (!(seq_lt(tcb->snd_una, seg->ack) && seq_leq(seg->ack, tcb->snd_nxt))) {
		STAT_INC(drop_ack);
		seg_send_ctl(&tcb->t, seg->ack, 0, FW_TCP_RST, 0);
		return false;
	}
	tcb_set_snd_wnd(tcb, seg->wnd);
	tcb->snd_wl1 = seg->seq;
	tcb->snd_wl2 = seg->ack;
	cc_init(tcb, now);           /* the MSS is known; a lost SYN,ACK counts (retries) */
	tcb_set_state(tcb, FW_TCP_ESTABLISHED, "ack");
	/* RFC 9293 3.6.1 MAY-2: a new incarnation opened from TIME-WAIT is no
	 * old duplicate now; its TIME_WAIT entry goes. */
	if (tcb->flags & TCB_F_PASSIVE)
		tw_reopened(&tcb->t);
	post->established = true;
	return true;
}

/* Out-of-order data waits beyond RCV.NXT: in-order text now fills all or
 * part of the hole before it. */
static bool seg_hole_open(const struct fw_tcp_conn *tcb)
{
#if FW_TCP_OOQ_SEGS
	return tcb->ooq_n != 0;
#else
	(void)tcb;
	return false;
#endif
}

/* Seventh: segment text, in order only. *may_wait: the bytes of in-order
 * text whose ACK may be delayed (0: it goes at once). Returns false when
 * the TCB is gone. */
static bool seg_text(struct fw_tcp_conn *tcb, struct fw_tcp_seg *seg, bool *need_ack, uint32_t *may_wait,
                     bool *fin_ok)
{
	uint32_t off, take, wnd, queued;
	struct pbuf *p;
	bool ack_now;

	*fin_ok = seg->seq + seg->len == tcb->rcv_nxt;
	if (seg->len == 0)
		return true;
	*need_ack = true;
	off = seq_gt(seg->seq, tcb->rcv_nxt) ? 0u : tcb->rcv_nxt - seg->seq;
	if (off >= seg->len)
		return true;             /* all old (only the FIN, if any, is new) */
	if (tcb->flags & TCB_F_RX_CLOSED) {
		/* RFC 1122 4.2.2.13, RFC 2525 2.17: new data nobody will read. */
		STAT_INC(data_after_close_rst);
		tcb_reset(tcb, ERR_ABRT);
		return false;
	}
	*fin_ok = false;
	if (seq_gt(seg->seq, tcb->rcv_nxt)) {
		/* Out of order, inside the window (the first check): kept until the
		 * hole fills; the ACK at once (RFC 5681 4.2) asks for RCV.NXT again. */
		wnd = tcb_rcv_wnd(tcb);
		off = seg->seq - tcb->rcv_nxt;
		take = off >= wnd ? 0u : (seg->len < wnd - off ? seg->len : wnd - off);
		if (take == 0) {
			STAT_INC(drop_ooo);
			return true;
		}
		p = seg->p;
		seg->p = NULL;
		if (take < p->tot_len)
			pbuf_realloc(p, (u16_t)take);
		sack_ooo_rcvd(tcb, seg->seq);
		rx_ooo_queue(tcb, seg->seq, p);
		return true;
	}
	wnd = tcb_rcv_wnd(tcb);
	take = seg->len - off < wnd ? seg->len - off : wnd;
	if (take == 0) {
		STAT_INC(drop_rcvq_full);
		return true;
	}
	/* RFC 5681 4.2, RFC 9293 3.8.6.3: the ACK goes at once for text that
	 * fills all or part of a hole, for a zero-window probe (the last
	 * offer was none: the peer waits for our answer), for text cut at
	 * the window (the peer overran the offer) and for text that fills
	 * the window (nothing worth sending is left to the peer: delaying
	 * only idles it); else it may wait. */
	ack_now = seg_hole_open(tcb) || !seq_gt(tcb->rcv_adv, tcb->rcv_nxt);
	p = seg->p;
	seg->p = NULL;
	if (off)
		p = pbuf_free_header(p, (u16_t)off);
	if (take < p->tot_len)
		pbuf_realloc(p, (u16_t)take);
	queued = rx_queue(tcb, p);
	tcb->rcv_nxt += queued;
	stats_tcp.bytes_in += queued;
	*fin_ok = off + queued == seg->len;
	if (!ack_now && *fin_ok && !rx_filled(tcb))
		*may_wait = queued;
	/* The hole before queued out-of-order data filled: it follows, and
	 * the ACK owed goes at once for all of it (RFC 5681 4.2). */
	if (*fin_ok) {
		uint32_t more = rx_ooo_fill(tcb, tcb->rcv_nxt);
		if (more) {
			tcb->rcv_nxt += more;
			stats_tcp.bytes_in += more;
			STAT_INC(ooo_holes_filled);
			*fin_ok = false;     /* a FIN on this segment lies inside the data now */
		}
	}
	return true;
}

/* Eighth: FIN (in order: it sits at RCV.NXT after the text). Returns false
 * when the TCB is gone. */
static bool seg_fin(struct fw_tcp_conn *tcb, uint32_t now)
{
	tcb->rcv_nxt++;
	tcb->flags |= TCB_F_EOF_PENDING;
	switch ((enum fw_tcp_state)tcb->state) {
	case FW_TCP_SYN_RCVD:
	case FW_TCP_ESTABLISHED:
		tcb_set_state(tcb, FW_TCP_CLOSE_WAIT, "fin");
		tcb_state_timer(tcb, now);
		return true;
	case FW_TCP_FIN_WAIT_1:
		/* "If our FIN has been ACKed ... enter TIME-WAIT; otherwise CLOSING." */
		if (!tcb_fin_acked(tcb)) {
			tcb_set_state(tcb, FW_TCP_CLOSING, "fin");
			return true;
		}
		break;
	case FW_TCP_FIN_WAIT_2:
		break;
	case FW_TCP_CLOSE_WAIT:
	case FW_TCP_CLOSING:
	case FW_TCP_LAST_ACK:
		return true;             /* "Remain in the ... state" */
	case FW_TCP_CLOSED:
	case FW_TCP_LISTEN:
	case FW_TCP_SYN_SENT:
	case FW_TCP_TIME_WAIT:
		return true;
	}
	/* TIME-WAIT. An orphan goes at once (ACK first: the TCB is gone after).
	 * A half-closed application first gets its data and end of stream
	 * (seg_post_run -> tcb_deliver -> tcb_finish); the caller owes the
	 * ACK, which tcb_enter_time_wait() pays before the TCB goes. */
	if (tcb->flags & TCB_F_ORPHAN) {
		tcb_send_ack(tcb);
		tcb_enter_time_wait(tcb, now);
		return false;
	}
	tcb->flags |= TCB_F_DONE_PENDING;
	return true;
}

/* RFC 5961 4.2 and RFC 9293 3.10.7.4 fourth check: a SYN in a synchronized
 * state, whatever its sequence number, gets a challenge ACK and is dropped. */
static bool seg_syn_synchronized(struct fw_tcp_conn *tcb, const struct fw_tcp_seg *seg, uint32_t now)
{
	if (!(seg->flags & FW_TCP_SYN) || !tcb_synchronized(tcb))
		return false;
	tcb_challenge_ack(tcb, now);
	return true;
}

/* SYN_RCVD and the peer's SYN again (our SYN,ACK was lost): answer it now
 * rather than with a bare ACK (first check) the peer cannot use. */
static bool seg_syn_again(struct fw_tcp_conn *tcb, const struct fw_tcp_seg *seg)
{
	if (tcb->state != FW_TCP_SYN_RCVD || (seg->flags & (FW_TCP_SYN | FW_TCP_ACK | FW_TCP_RST)) != FW_TCP_SYN ||
	    seg->seq != tcb_irs(tcb))
		return false;
	tcb_send_syn(tcb);
	return true;
}

/*
 * Simultaneous open (RFC 9293 figure 8, line 5): in SYN_RCVD the peer's
 * SYN,ACK repeats its SYN (SEG.SEQ = IRS) and acknowledges ours. Its SYN
 * is the one already taken; the rest of the segment (the ACK, any text
 * from IRS + 1) is new and goes through the checks as if the SYN were not
 * there, so the ACK completes the handshake. Without this the whole
 * segment fails the first check (it starts before RCV.NXT) and the
 * handshake waits for a retransmission that never comes.
 */
static void seg_simultaneous_syn_ack(const struct fw_tcp_conn *tcb, struct fw_tcp_seg *seg)
{
	if (tcb->state != FW_TCP_SYN_RCVD || (tcb->flags & TCB_F_PASSIVE) ||
	    (seg->flags & (FW_TCP_SYN | FW_TCP_ACK | FW_TCP_RST)) != (FW_TCP_SYN | FW_TCP_ACK) || seg->seq != tcb_irs(tcb))
		return;
	seg->flags &= (uint8_t)~FW_TCP_SYN;
	seg->seq = tcb->rcv_nxt;             /* IRS + 1 */
}

static void seg_input_sync(struct fw_tcp_conn *tcb, struct fw_tcp_seg *seg, struct seg_post *post, uint32_t now)
{
	bool need_ack = false, fin_ok = false, opening = tcb->state == FW_TCP_SYN_RCVD;
	uint32_t may_wait = 0;

	seg_simultaneous_syn_ack(tcb, seg);
	if (seg_syn_again(tcb, seg) || seg_syn_synchronized(tcb, seg, now))
		return;
	/* first */
	if (!seg_acceptable(tcb, seg)) {
		STAT_INC(drop_seq);
		if (!(seg->flags & FW_TCP_RST))
			tcb_unacceptable_ack(tcb, seg, now);
		return;
	}
	/* second */
	if (seg->flags & FW_TCP_RST) {
		seg_rst(tcb, seg, now);
		return;
	}
	/* The peer is there: keepalive starts its idle time again. */
	tcb_live_heard(tcb, now);
	/* fourth (SYN_RCVD only here): passive -> back to LISTEN; active -> challenge ACK. */
	if (seg->flags & FW_TCP_SYN) {
		if (tcb->flags & TCB_F_PASSIVE)
			tcb_drop(tcb, ERR_RST);
		else
			tcb_challenge_ack(tcb, now);
		return;
	}
	/* fifth */
	if (!(seg->flags & FW_TCP_ACK)) {
		STAT_INC(drop_ack);
		return;
	}
	if (tcb->state == FW_TCP_SYN_RCVD && !seg_ack_syn_rcvd(tcb, seg, post, now))
		return;
	if (!seg_ack(tcb, seg, post, now))
		return;
	/* sixth: URG ignored. seventh: text, in ESTABLISHED, FIN_WAIT_1/2 only. */
	if (tcb->state == FW_TCP_ESTABLISHED || tcb->state == FW_TCP_FIN_WAIT_1 || tcb->state == FW_TCP_FIN_WAIT_2) {
		if (!seg_text(tcb, seg, &need_ack, &may_wait, &fin_ok))
			return;
	} else {
		fin_ok = seg->seq + seg->len == tcb->rcv_nxt;
	}
	/* eighth; a FIN beyond a gap is out of order: duplicate ACK */
	if ((seg->flags & FW_TCP_FIN) && !fin_ok)
		need_ack = true;
	if ((seg->flags & FW_TCP_FIN) && fin_ok) {
		if (!seg_fin(tcb, now))
			return;
		need_ack = true;
	}
	/* RFC 9293 3.10.7.4 seventh/eighth: "Send an acknowledgment" -- at the
	 * end of this event, on the data or FIN the application answers with
	 * (RFC 9293 3.8.6.3, RFC 1122 4.2.3.2); for in-order text alone, not
	 * on the segment that completed the handshake, up to the ACK delay.
	 * The ACK may also have opened the window for queued data. */
	if (need_ack && may_wait && !(seg->flags & FW_TCP_FIN) && !opening)
		tcb_owe_ack_delayed(tcb, may_wait);
	else if (need_ack)
		tcb_owe_ack(tcb);
	tcb_kick(tcb, now);
}

/* Callbacks last: each may close or abort the TCB, and an err_cb may
 * open another connection in the same slot, which must not get this
 * one's callbacks (the generation tells). */
static void seg_post_run(struct fw_tcp_conn *tcb, uint8_t gen, const struct seg_post *post, uint32_t now)
{
	if (tcb_alive(tcb, gen) && post->established)
		tcb_notify_established(tcb);
	if (tcb_alive(tcb, gen) && post->acked)
		tcb_notify_sent(tcb, (uint16_t)post->acked);
	if (tcb_alive(tcb, gen))
		tcb_deliver(tcb, now);
}

static void seg_input_tcb(struct fw_tcp_conn *tcb, struct fw_tcp_seg *seg, uint32_t now)
{
	struct seg_post post = { 0, false };
	uint8_t gen = tcb->gen;

	switch ((enum fw_tcp_state)tcb->state) {
	case FW_TCP_SYN_SENT:
		seg_input_syn_sent(tcb, seg, &post, now);
		break;
	case FW_TCP_SYN_RCVD:
	case FW_TCP_ESTABLISHED:
	case FW_TCP_FIN_WAIT_1:
	case FW_TCP_FIN_WAIT_2:
	case FW_TCP_CLOSE_WAIT:
	case FW_TCP_CLOSING:
	case FW_TCP_LAST_ACK:
		seg_input_sync(tcb, seg, &post, now);
		break;
	case FW_TCP_CLOSED:
	case FW_TCP_LISTEN:
	case FW_TCP_TIME_WAIT:
		return;
	}
	seg_post_run(tcb, gen, &post, now);
}

void fw_tcp_input(struct pbuf *p, const struct fw_tcp_addr *src, const struct fw_tcp_addr *dst, uint32_t now)
{
	struct fw_tcp_seg seg;
	struct fw_tcp_tuple t;
	struct fw_tcp_conn *tcb;
	const struct fw_tcp_listener *l;
	uint32_t floor;

	if (!seg_parse(p, src, dst, &seg, &t)) {
		pbuf_free(p);
		return;
	}
	STAT_INC(segs_in);
	if (t.laddr.family == FW_TCP_IPV6)
		STAT_INC(segs_in6);
	tcb_event_begin(now);
	tcb = tcb_lookup(&t);
	if (tcb) {
		seg_input_tcb(tcb, &seg, now);
	} else {
		/* TIME_WAIT can let a SYN open a new incarnation only when a
		 * listener is there to take it. */
		l = lsn_find(t.lport);
		switch (tw_input(&t, &seg, now, l != NULL, &floor)) {
		case TW_CONSUMED:
			break;
		case TW_NEW_SYN:
			seg_input_listen(l, &t, &seg, &floor, now);
			break;
		case TW_NO_MATCH:
			if (l)
				seg_input_listen(l, &t, &seg, NULL, now);
			else
				seg_input_closed(&t, &seg);
			break;
		}
	}
	tcb_event_end(now);
	/* seg.p is NULL when the text was queued (or there was none). */
	if (seg.len == 0)
		pbuf_free(p);
	else if (seg.p)
		pbuf_free(seg.p);
}
