/*
 * The transmission control block and the engine's internal interface
 * between tcb.c (pool, states, timers, API), fw_tcp_input.c (RFC 9293
 * 3.10.7), tcp_output.c (segments out) and liveness.c (persist,
 * keepalive, user timeout, orphan limits).
 */
#ifndef TCB_H
#define TCB_H

#include <stdbool.h>
#include <stdint.h>
#include "lwip/pbuf.h"
#include "fw_tcp_config.h"
#include "fw_tcp.h"
#include "rx.h"
#include "tcp_types.h"

/* tcb.flags */
#define TCB_F_PASSIVE   0x01u  /* opened from a listener (RST in SYN_RCVD -> gone, RFC 9293 3.10.7.4) */
#define TCB_F_FIN_QUEUED 0x02u /* the app shut the write side: FIN follows the send queue */
#define TCB_F_RX_CLOSED 0x04u  /* the app will read no more: data -> RST */
#define TCB_F_ORPHAN    0x08u  /* the app closed it: no callbacks, FIN_WAIT_2 timeout, orphan limits */
#define TCB_F_ACCEPTED  0x10u  /* handed to the app (accept_cb or connected_cb) */
#define TCB_F_EOF_PENDING 0x20u /* peer's FIN seen, end of stream not yet delivered */
#define TCB_F_RTT_TIMING 0x40u /* rtt_seq is being timed (RFC 6298, Karn) */
#define TCB_F_FIN_ACKED 0x80u  /* our FIN was acknowledged */
#define TCB_F_HAVE_RTT  0x100u /* srtt/rttvar hold a sample (RFC 6298 2.2) */
#define TCB_F_DONE_PENDING 0x200u /* both FINs done; waits for a half-closed app to take its data */
/* Set only while an engine event runs (tcb_event_begin/end); the flush at
 * its end clears them (RFC 9293 3.8.6.3, RFC 1122 4.2.3.2: an ACK may wait
 * to ride on data, here never beyond the event that owes it). */
#define TCB_F_ACK_OWED  0x400u /* accepted data, a FIN or a window update wants an ACK */
#define TCB_F_TX_PENDING 0x800u /* the app queued data or a FIN: tcb_output() at the flush */
#define TCB_F_RECOVERY  0x1000u /* a loss was repaired at SND.UNA; until SND.UNA >= recover, a
                                 * partial ACK resends the next hole (RFC 6582) */
#define TCB_F_DELIVER_PENDING 0x2000u /* fw_tcp_recved()/fw_tcp_shutdown() made data or the end of
                                       * stream deliverable: offered at the end of the event, or by
                                       * the next fw_tcp_timers() (no API call calls back) */
#define TCB_F_KEEPALIVE 0x4000u /* fw_tcp_keepalive(on): probe an idle connection (RFC 9293 3.8.4) */

struct fw_tcp_conn {
	struct fw_tcp_tuple t;
	/* RFC 9293 3.3.1 send sequence variables (no SND.UP). ISS and IRS are
	 * only read before both SYNs are acknowledged: there ISS is SND.UNA and
	 * IRS is RCV.NXT - 1 (tcb_iss(), tcb_irs()), so neither is kept. */
	uint32_t snd_una, snd_nxt, snd_wl1, snd_wl2;
	/* receive sequence variables */
	uint32_t rcv_nxt;
	uint16_t snd_wnd;       /* peer's window (no scaling) */
	uint16_t mss;           /* effective send MSS */
	/* RFC 6298, in ms */
	uint16_t srtt, rttvar;  /* valid with TCB_F_HAVE_RTT */
	uint16_t rto;           /* at most FW_RTO_MAX_MS */
	/* RFC 5681 congestion control (cc.c), in bytes, at most 0xffff (no
	 * window is larger without scaling) */
	uint16_t cwnd, ssthresh;
	uint16_t cc_acked;      /* bytes acknowledged toward the next congestion avoidance step (RFC 3465) */
	uint32_t rtt_seq, rtt_start; /* RFC 6298: the byte timed and when it left (TCB_F_RTT_TIMING) */
	uint32_t rtx_at;        /* retransmission deadline, or the next zero-window probe's */
	uint32_t recover;       /* RFC 6582 "recover": SND.NXT at the loss; outside a recovery kept
	                         * just behind SND.UNA once passed (cc.c) */
	uint32_t last_tx;       /* when data last went out: restart after idle (RFC 5681 4.1) */
	uint32_t sws_at;        /* sender SWS override deadline (TCB_T_SWS, RFC 9293 3.8.6.2.1) */
	uint32_t aux_at;        /* FIN_WAIT_2 orphan timeout or CLOSE_WAIT watchdog */
	uint32_t oow_ack_at;    /* last rate-limited ACK: challenge, or to an unacceptable empty segment */
	uint32_t since;         /* when its SYN came (half-open) or the app closed it (orphan):
	                         * a full pool recycles the oldest first, the orphan limits
	                         * count from it */
	uint32_t ka_at;         /* next keepalive probe (TCB_T_KEEP) */
	uint32_t uto;           /* user timeout, ms (RFC 5482); 0: none */
	uint32_t uto_since;     /* what is in flight has waited for the peer since (while SND.NXT != SND.UNA) */
	uint32_t ack_at;        /* the delayed ACK's deadline (TCB_T_DACK): when the data it owes came + the delay */
	/* Bytes from snd_una(+SYN) on: unacked, then unsent. Only the first
	 * pbuf's tot_len is the queue's length: a write appends at sndq_tail
	 * without walking the chain to update every tot_len, and the ACK that
	 * frees the first pbufs gives the next its length (tcb_sndq_append,
	 * tcb_sndq_free_front). Read it with len and next only. */
	struct pbuf *sndq;
	struct pbuf *sndq_tail; /* sndq's last pbuf (NULL with sndq) */
	struct pbuf *rcvq;      /* in-order data the app has not taken, packed into pool buffers (rx.c) */
	struct pbuf *rx_tail;   /* the buffer new data is packed into: rcvq's last, or one whose data is all lent */
	struct pbuf *rx_lent;   /* buffers the delivery running now lends (back to rcvq if refused) */
	uint32_t rcv_adv;       /* RCV.NXT + the window last offered: the right edge rx.c keeps */
#if FW_TCP_OOQ_SEGS
	struct pbuf *ooq;       /* out-of-order data beyond RCV.NXT, by sequence, disjoint (rx.c):
	                         * pool buffers of ours, charged in rx_bufs, each holding its
	                         * sequence number and the next one in front of its data */
#endif
#if FW_TCP_SACK
	/* RFC 2018 (sack.c). Without window scaling everything in flight lies
	 * within 0xffff of SND.UNA (the send queue is smaller still), so the
	 * sender's sequence numbers are 16-bit offsets from SND.UNA, moved
	 * with it (sack_una_advanced). */
	struct tcb_sack {
		struct tcb_sack_range {
			uint16_t left, right;   /* offsets from SND.UNA */
		} sb[FW_TCP_SACK_RANGES]; /* sender's scoreboard: what the peer SACKed above SND.UNA,
		                           * by sequence, disjoint, not adjacent */
		uint16_t high_rxt;  /* RFC 6675 HighRxt, the end of the last hole resent in this recovery,
		                     * from SND.UNA: 0 once SND.UNA is past it */
		uint16_t ooo_seq;   /* receiver: where the latest out-of-order segment began, its low
		                     * 16 bits (inside the window: its block goes first, RFC 2018 4) */
		uint8_t sb_n;
		bool ok;            /* both SYNs carried SACK-permitted (RFC 2018 2) */
	} sack;
#endif
	uint16_t unrecved;      /* taken by the app, not yet fw_tcp_recved() */
	uint16_t ack_bytes;     /* in-order bytes the delayed ACK owes (saturates): two full segments -> ACK now */
	uint8_t rx_bufs;        /* pool buffers charged to this connection: queued or lent */
	uint8_t rx_commit;      /* pool buffers set aside for its offers (FW_TCP_RX_MIN_BUFS at least) */
#if FW_TCP_OOQ_SEGS
	uint8_t ooq_n;          /* buffers in ooq */
#endif
	uint8_t sndq_n;         /* pbufs in sndq (fw_tcp_sndbuf's limit, FW_TCP_SNDQ_PBUFS) */
	uint16_t flags;         /* TCB_F_* */
	uint16_t max_snd_wnd;   /* MAX.SND.WND, largest window the peer offered (RFC 5961 5.2) */
	/* Bit-fields where the ranges are small: the dual-stack tuple's 28
	 * bytes left none to spare within the RAM budget tcb.c asserts. */
	uint8_t state : 4;      /* enum fw_tcp_state; written by tcb_set_state() only */
	uint8_t rx_views : 4;   /* deliveries its application holds (views not yet freed, at most
	                         * FW_TCP_RCV_VIEWS) */
	uint8_t timers;         /* TCB_T_* armed */
	uint8_t retries;        /* RTO expiries since the last forward progress */
	uint8_t dupacks;        /* RFC 5681 duplicate ACKs since SND.UNA last advanced (saturates) */
	uint8_t probes;         /* zero-window probes the peer has not answered */
	uint8_t zwp;            /* zero-window probes since the window closed (saturates) */
	uint8_t ka_probes;      /* keepalive probes the peer has not answered */
	uint8_t cc_flags;       /* TCB_CC_* */
	uint8_t listener;       /* slot of the listener in its table (passive opens, listen.h) */
	uint8_t in_use : 1;
	uint8_t gen : 7;        /* bumped each time the slot is handed out: a callback that freed
	                         * this connection and opened another in the slot is detected
	                         * (modulo 128) */
	void *arg;
	fw_tcp_connected_cb connected_cb; /* active opens (SYN_SENT) */
	fw_tcp_recv_cb recv_cb;
	fw_tcp_sent_cb sent_cb;
	fw_tcp_err_cb err_cb;
};

#define TCB_T_RTX 0x01u   /* rtx_at: retransmission, or zero-window probe when SND.WND = 0 */
#define TCB_T_AUX 0x02u   /* aux_at */
#define TCB_T_KEEP 0x04u  /* ka_at */
#define TCB_T_DACK 0x08u  /* ack_at: an ACK for in-order data waits for data to ride on (RFC 9293
                           * 3.8.6.3); any segment the TCB sends pays it (tcb_ack_sent) */
#define TCB_T_SWS 0x10u   /* sws_at: queued data held by sender SWS avoidance goes anyway */

/* tcb.cc_flags */
#define TCB_CC_FAST     0x01u  /* in fast recovery (RFC 6582 3.2): cwnd inflated by duplicate ACKs */
#define TCB_CC_NODELAY  0x02u  /* fw_tcp_nagle(off): no Nagle (RFC 9293 3.7.4) */
#define TCB_CC_OVERRIDE 0x04u  /* set while the SWS override timer's output runs */
/* The last soft ICMP error (RFC 5927), what the application hears if the
 * connection times out: two bits here rather than an err_t byte of its
 * own (the dual-stack tuple's 28 bytes left no byte to spare within the
 * RAM budget tcb.c asserts). Neither set: none. */
#define TCB_CC_SOFT_CLSD 0x08u /* ERR_CLSD: port or protocol unreachable */
#define TCB_CC_SOFT_RTE  0x10u /* ERR_RTE: any other unreachable, time exceeded, parameter problem */
/* tcb.ssthresh before the first loss: RFC 5681 3.1's "arbitrarily high",
 * its example "the size of the largest possible advertised window"
 * (fw_tcp_info shows UINT32_MAX, as before) */
#define TCB_CC_SSTHRESH_INIT 0xffffu

_Static_assert(FW_TCP_STATE_COUNT <= 16 && FW_TCP_RCV_VIEWS <= 15, "tcb state and rx_views are 4-bit fields");

/* The soft error recorded (TCB_CC_SOFT_*), ERR_OK when none. */
static inline err_t tcb_soft_err(const struct fw_tcp_conn *tcb)
{
	return (tcb->cc_flags & TCB_CC_SOFT_CLSD) ? ERR_CLSD : (tcb->cc_flags & TCB_CC_SOFT_RTE) ? ERR_RTE : ERR_OK;
}

static inline void tcb_set_soft_err(struct fw_tcp_conn *tcb, err_t err)
{
	tcb->cc_flags = (uint8_t)((tcb->cc_flags & ~(TCB_CC_SOFT_CLSD | TCB_CC_SOFT_RTE)) |
	                          (err == ERR_CLSD ? TCB_CC_SOFT_CLSD : TCB_CC_SOFT_RTE));
}
_Static_assert(FW_RTO_MAX_MS <= 0xffffu && FW_RTO_SYN_TIMEOUT_MS <= FW_RTO_MAX_MS &&
               FW_RTO_INITIAL_MS <= FW_RTO_MAX_MS, "tcb.rto is 16-bit");

/* ---- tcb.c ---- */
/** The slot still holds the connection it held when `gen` was read. */
static inline bool tcb_alive(const struct fw_tcp_conn *tcb, uint8_t gen)
{
	return tcb->in_use && tcb->gen == gen;
}
struct fw_tcp_conn *tcb_alloc(void);
#ifdef FW_HOST_TEST
/** tcb_alloc() takes a free slot as it is: each must be all zero but its
 *  generation (anything written to a TCB after tcb_free() breaks that).
 *  The index of the first that is not, else -1. */
int tcb_check_free_slots(void);
#endif
/** tcb_alloc(); with the pool full, make room first (RFC 4987 3.5): the
 *  oldest half-open connection is recycled (no RST: its peer never
 *  answered; its cookie still completes it), else the oldest orphan is
 *  reset; never a connection the application holds. NULL when none. */
struct fw_tcp_conn *tcb_alloc_evicting(void);
/** Recycle the oldest half-open connection of listener `lid` (its backlog
 *  is full). False when it has none. */
bool tcb_evict_half_open(unsigned lid);
/** A half-open connection was recycled or a SYN got no control block at
 *  `now`; SYN cookies are honoured for two FW_SYNCOOKIE_MS after that. */
void tcb_syn_pressure(uint32_t now);
bool tcb_syn_pressure_recent(uint32_t now);
void tcb_free(struct fw_tcp_conn *tcb);
unsigned tcb_id(const struct fw_tcp_conn *tcb);
struct fw_tcp_conn *tcb_by_id(unsigned id);
void tcb_set_state(struct fw_tcp_conn *tcb, enum fw_tcp_state s, const char *reason);
void tcb_enter_time_wait(struct fw_tcp_conn *tcb, uint32_t now);
/** Both FINs are done (TIME_WAIT next, or CLOSED from LAST_ACK): finish,
 *  or wait while a half-closed app has data or EOF to take. True when the
 *  TCB is gone. */
bool tcb_finish(struct fw_tcp_conn *tcb, uint32_t now);
/** Free the TCB, telling the app (err_cb) unless it is orphaned. */
void tcb_drop(struct fw_tcp_conn *tcb, err_t err);
/** RST (synchronized states), count `why`, tcb_drop(err). */
void tcb_reset(struct fw_tcp_conn *tcb, err_t err);
struct fw_tcp_conn *tcb_lookup(const struct fw_tcp_tuple *t);
/** Children of listener `lid` not yet handed to the application. */
unsigned tcb_backlog(unsigned lid);
/** Reset those children: their listener closes (fw_tcp_listen_close). */
void tcb_close_children(unsigned lid);
/** TCBs in use with any of TCB_F_* `flag` set. */
unsigned tcb_count_flagged(uint16_t flag);
/** ISS, while our SYN is unacknowledged (SYN_SENT, SYN_RCVD): SND.UNA. */
static inline uint32_t tcb_iss(const struct fw_tcp_conn *tcb)
{
	return tcb->snd_una;
}
/** IRS, in SYN_RCVD: RCV.NXT - 1 (no text is taken before ESTABLISHED). */
static inline uint32_t tcb_irs(const struct fw_tcp_conn *tcb)
{
	return tcb->rcv_nxt - 1u;
}
/* The accessors below run on every segment, from every file: inline. */
static inline bool tcb_synchronized(const struct fw_tcp_conn *tcb)
{
	switch ((enum fw_tcp_state)tcb->state) {
	case FW_TCP_CLOSED:
	case FW_TCP_LISTEN:
	case FW_TCP_SYN_SENT:
	case FW_TCP_SYN_RCVD:
	case FW_TCP_TIME_WAIT:
		return false;
	case FW_TCP_ESTABLISHED:
	case FW_TCP_FIN_WAIT_1:
	case FW_TCP_FIN_WAIT_2:
	case FW_TCP_CLOSE_WAIT:
	case FW_TCP_CLOSING:
	case FW_TCP_LAST_ACK:
		return true;
	}
	return false;
}
/** RCV.WND: what the receive buffers set aside for the connection hold
 *  beyond RCV.NXT, within FW_TCP_WND less what is queued or unconsumed
 *  (rx.c). */
static inline uint32_t tcb_rcv_wnd(const struct fw_tcp_conn *tcb)
{
	return rx_window(tcb);
}
static inline uint32_t tcb_sndq_len(const struct fw_tcp_conn *tcb)
{
	return tcb->sndq ? tcb->sndq->tot_len : 0u;
}
/** Append `n` pbufs (`p` .. `last`, linked by next) to the send queue. */
static inline void tcb_sndq_append(struct fw_tcp_conn *tcb, struct pbuf *p, struct pbuf *last, uint8_t n)
{
	if (tcb->sndq) {
		tcb->sndq->tot_len = (u16_t)(tcb->sndq->tot_len + p->tot_len);
		tcb->sndq_tail->next = p;
	} else {
		tcb->sndq = p;
	}
	tcb->sndq_tail = last;
	tcb->sndq_n = (uint8_t)(tcb->sndq_n + n);
}
/** The retransmission timer's deadline `after` ms from now (persist). */
static inline void tcb_arm_rtx_in(struct fw_tcp_conn *tcb, uint32_t now, uint32_t after)
{
	tcb->rtx_at = now + after;
	tcb->timers |= TCB_T_RTX;
}
static inline void tcb_arm_rtx(struct fw_tcp_conn *tcb, uint32_t now)
{
	tcb_arm_rtx_in(tcb, now, tcb->rto);
}
void tcb_arm_aux(struct fw_tcp_conn *tcb, uint32_t now, uint32_t after);
static inline void tcb_disarm(struct fw_tcp_conn *tcb, uint8_t timer)
{
	tcb->timers &= (uint8_t)~timer;
}
/** The TCB sits in FIN_WAIT_2 or CLOSE_WAIT: start its state's timer. */
void tcb_state_timer(struct fw_tcp_conn *tcb, uint32_t now);
/** Deliver queued data and a pending end of stream to the app, then
 *  finish a connection that was only waiting for that (TCB_F_DONE_PENDING).
 *  Only from inside an event (callbacks). */
void tcb_deliver(struct fw_tcp_conn *tcb, uint32_t now);
/** Delivery became possible from an API call: at the end of the event, or
 *  from the next fw_tcp_timers() outside one. */
void tcb_deliver_later(struct fw_tcp_conn *tcb);
/** rx.c: the application freed a view of `tcb`'s data. What waited for
 *  it is delivered, and a window it reopened offered, at the end of the
 *  event (or from the next fw_tcp_timers()): never from inside pbuf_free(). */
void tcb_rx_released(struct fw_tcp_conn *tcb);
/** Application callbacks, none after an orphaning close. */
void tcb_notify_sent(struct fw_tcp_conn *tcb, uint16_t len);
void tcb_notify_established(struct fw_tcp_conn *tcb);
uint32_t tcb_isn(const struct fw_tcp_tuple *t, uint32_t now);
/** ISN for a new incarnation out of TIME_WAIT, beyond the old SND.NXT. */
uint32_t tcb_isn_beyond(const struct fw_tcp_tuple *t, uint32_t now, uint32_t floor);
/** Free every TCB (fw_tcp_init) and restore the tunables' defaults. */
void tcb_pool_reset(void);
void tcb_tunables_reset(void);
/** Restart RFC 6056's next_ephemeral (tcp_api.c). */
void tcb_ports_reset(void);
/** An engine event (one fw_tcp_input() or fw_tcp_timers()) starts at
 *  `now`; API calls made meanwhile (from callbacks) only queue. */
void tcb_event_begin(uint32_t now);
/** The engine's time: the event's inside one, else the clock's. */
uint32_t tcb_now(void);
void tcb_set_clock(fw_tcp_clock_fn clock);
/** The event ends: pending deliveries are made (their callbacks still
 *  inside the event), then every TCB with something pending sends it, data
 *  and FIN carrying the ACK, else a bare ACK if one is owed. */
void tcb_event_end(uint32_t now);
/** The app queued data or a FIN: send now, or at the end of the event. */
void tcb_kick(struct fw_tcp_conn *tcb, uint32_t now);
/** An ACK (or window update) is owed: send now, or at the end of the event. */
void tcb_owe_ack(struct fw_tcp_conn *tcb);
/** In-order data of `len` bytes wants an ACK that may wait (RFC 9293
 *  3.8.6.3, RFC 5681 4.2): for data to ride on, up to FW_TCP_ACK_DELAY_MS
 *  from the first byte it owes, or until it owes two full-sized segments
 *  (then at the end of the event). Without FW_TCP_DELAYED_ACK: tcb_owe_ack(). */
void tcb_owe_ack_delayed(struct fw_tcp_conn *tcb, uint32_t len);
/** tcp_output.c: a segment carrying ACK = RCV.NXT leaves; a delayed ACK is paid. */
static inline void tcb_ack_sent(struct fw_tcp_conn *tcb)
{
	tcb->ack_bytes = 0;
	tcb_disarm(tcb, TCB_T_DACK);
}

/* ---- tcp_icmp.c ---- */
/** An ICMP error of `type`/`code` quoting our segment on `t` at `seq`
 *  (`mtu`: the next-hop MTU of "fragmentation needed", else 0). Inside an
 *  event: it may end the connection. */
void tcb_icmp_error(const struct fw_tcp_tuple *t, uint32_t seq, uint8_t type, uint8_t code, uint16_t mtu);

/* ---- tcp_output.c ---- */
/** Send what the queue and the window allow (SYN, data, FIN). True when
 *  a segment went out (it carried the ACK and the window). */
bool tcb_output(struct fw_tcp_conn *tcb, uint32_t now);
/** RTO expired: retransmit the oldest unacknowledged segment. */
void tcb_retransmit(struct fw_tcp_conn *tcb, uint32_t now);
/** Send the segment at SND.UNA again (up to one MSS, FIN when it fits),
 *  now, outside the timer: fast retransmit and partial ACKs. No RTT sample
 *  from it (Karn). */
void tcb_resend_una(struct fw_tcp_conn *tcb);
/** Loss recovery's retransmission (RFC 6675 NextSeg): the next hole the
 *  peer's SACKs show, from SND.UNA or past the last one resent, one MSS at
 *  most, never SACKed data; nothing when every hole below the highest
 *  SACKed byte was resent (false then). With no scoreboard, tcb_resend_una(). */
bool tcb_resend_hole(struct fw_tcp_conn *tcb);
/** Start loss recovery up to SND.NXT (RFC 6582 "recover"). */
void tcb_enter_recovery(struct fw_tcp_conn *tcb);
void tcb_send_ack(struct fw_tcp_conn *tcb);
/** SYN (SYN_SENT) or SYN,ACK (SYN_RCVD) with the MSS option. */
void tcb_send_syn(struct fw_tcp_conn *tcb);
/** RFC 5961 challenge ACK (suspicious RST, SYN, unacceptable SEG.ACK):
 *  one per FW_OOW_ACK_INTERVAL_MS per connection, within the global
 *  allowance (section 7). */
void tcb_challenge_ack(struct fw_tcp_conn *tcb, uint32_t now);
/** RFC 9293 3.10.7.4 first check: the ACK for an unacceptable segment;
 *  for an empty one, within the same per-connection limit. */
void tcb_unacceptable_ack(struct fw_tcp_conn *tcb, const struct fw_tcp_seg *seg, uint32_t now);
/** <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>, counted. */
void tcb_send_rst(struct fw_tcp_conn *tcb);
/** Sequence number of our FIN, valid when TCB_F_FIN_QUEUED. */
uint32_t tcb_fin_seq(const struct fw_tcp_conn *tcb);
bool tcb_fin_sent(const struct fw_tcp_conn *tcb);
bool tcb_fin_acked(const struct fw_tcp_conn *tcb);
/** A zero-window probe (RFC 9293 3.8.6.1): one byte beyond the window, or
 *  what is in flight at SND.UNA (the probe byte, the FIN) again. */
void tcb_send_probe(struct fw_tcp_conn *tcb, uint32_t now);
/** A keepalive probe: <SEQ=SND.NXT-1><ACK=RCV.NXT><CTL=ACK>, no data. */
void tcb_send_keepalive(struct fw_tcp_conn *tcb);
/** The sender SWS override timer expired (TCB_T_SWS): send what the
 *  window takes, small or not. */
void tcb_sws_timeout(struct fw_tcp_conn *tcb, uint32_t now);
void seg_output_reset(void);

/* ---- cc.c: RFC 5681 congestion control with NewReno (RFC 6582) ---- */
/** A new TCB, or one that just became ESTABLISHED (its MSS known): the
 *  initial window (RFC 5681 3.1), ssthresh arbitrarily high. */
void cc_init(struct fw_tcp_conn *tcb, uint32_t now);
/** What may be in flight: min(cwnd, SND.WND). */
uint32_t cc_window(const struct fw_tcp_conn *tcb);
/** New data is about to go with nothing in flight at `now`: restart
 *  after idle (RFC 5681 4.1). */
void cc_before_send(struct fw_tcp_conn *tcb, uint32_t now);
/** SND.UNA advanced by `acked` bytes (SND.UNA already moved): slow start
 *  or congestion avoidance, or NewReno's partial/full ACK. True when the
 *  first unacknowledged segment is to be resent (a partial ACK). */
bool cc_ack(struct fw_tcp_conn *tcb, uint32_t acked);
/** A duplicate ACK (RFC 5681 2); `third`: it is the third in a row. True
 *  when it starts a fast retransmit (the caller resends). */
bool cc_dupack(struct fw_tcp_conn *tcb, bool third);
/** The retransmission timer expired with data in flight (RFC 5681 3.1
 *  eq. 4, RFC 6582 4): loss window, recovery up to SND.NXT. */
void cc_rto(struct fw_tcp_conn *tcb);
/** A recovery was abandoned (the window closed and sending restarts at
 *  SND.UNA): an inflated cwnd comes back to ssthresh. */
void cc_abandon(struct fw_tcp_conn *tcb);

/* ---- liveness.c ---- */
/** A new TCB: the default user timeout. */
void tcb_live_init(struct fw_tcp_conn *tcb);
/** The retransmission timer fired on a synchronized TCB the peer's window
 *  holds shut: a zero-window probe, not a retransmission. */
bool tcb_persisting(const struct fw_tcp_conn *tcb);
void tcb_persist_timeout(struct fw_tcp_conn *tcb, uint32_t now);
/** An acceptable segment arrived (RFC 9293 3.10.7.4 first check passed). */
void tcb_live_heard(struct fw_tcp_conn *tcb, uint32_t now);
/** An acceptable ACK was processed; `una` and `wnd` are SND.UNA and
 *  SND.WND from before it. */
void tcb_live_acked(struct fw_tcp_conn *tcb, uint32_t una, uint16_t wnd, uint32_t now);
/** The application closed `tcb` and it lives on as an orphan: its
 *  lifetime starts; with more than orphan-max orphans the oldest goes. */
void tcb_orphaned(struct fw_tcp_conn *tcb);
/** Orphans now. */
unsigned tcb_orphan_count(void);
/** Earliest deadline of keepalive, user timeout and orphan lifetime. */
bool tcb_live_deadline(const struct fw_tcp_conn *tcb, uint32_t *at);
/** Run those that are due; the TCB may be gone afterwards. */
void tcb_live_timers(struct fw_tcp_conn *tcb, uint32_t now);
void tcb_live_tunables_reset(void);

#endif
