/*
 * The TCB pool, the one writer of a TCB's state, the timers and the
 * teardown helpers (entering TIME_WAIT, reset, drop).
 */
#include <string.h>
#include "fw_tcp_config.h"
#include "isn.h"
#include "listen.h"
#include "rx.h"
#include "tcb.h"
#include "stats.h"
#include "timewait.h"

/* A new incarnation from TIME_WAIT starts this far beyond the old
 * connection's SND.NXT, more than any window (65535, no scaling) so no old
 * duplicate can fall into the new window (RFC 1122 4.2.2.13, RFC 6191). */
#define TCB_TW_ISN_GAP 0x20000u

_Static_assert(FW_TCP_ACK_DELAY_MS > 0 && FW_TCP_ACK_DELAY_MS < 500,
               "RFC 9293 3.8.6.3 (MUST-40): an ACK is delayed by less than 0.5 s");

/*
 * RAM per open connection of an lwIP application (bench row
 * ram_conn_app): this TCB + lwIP's struct altcp_pcb + altcp_fw.c's record
 * (struct afw, 12 B) is to stay within what the same application costs on
 * lwIP's own TCP built with the features finwait has: its struct tcp_pcb
 * with TCP_QUEUE_OOSEQ, LWIP_TCP_KEEPALIVE, dual stack (204 B on a 32-bit
 * target) and LWIP_TCP_SACK_OUT with LWIP_TCP_MAX_SACK_NUM =
 * FW_TCP_SACK_RANGES (8 B per block; 236 B with 4), + the same altcp_pcb.
 * No window scaling and no timestamps on either side.
 */
#define TCB_LWIP_PCB_BYTES (204u + (FW_TCP_SACK ? 8u * FW_TCP_SACK_RANGES : 0u))
#define TCB_AFW_RECORD_BYTES 12u
#if UINTPTR_MAX == 0xffffffffu
_Static_assert(sizeof(struct fw_tcp_conn) + TCB_AFW_RECORD_BYTES <= TCB_LWIP_PCB_BYTES,
               "a TCB and its altcp record must not cost more than lwIP's matching tcp_pcb");
#endif

static struct fw_tcp_conn tcb_pool[FW_TCB_COUNT];

static uint32_t tcb_fw2_ms = FW_FIN_WAIT_2_MS;
static uint32_t tcb_cw_ms = FW_CLOSE_WAIT_WARN_MS;
static bool tcb_cw_abort;
static bool tcb_log_on;
static fw_tcp_log_hook tcb_log_fn;
static uint8_t tcb_event_depth;   /* >0 while fw_tcp_input()/fw_tcp_timers() runs */
static uint32_t tcb_event_now;    /* the running event's time */
/* One bit per pool slot, set with TCB_F_ACK_OWED, TCB_F_TX_PENDING or
 * TCB_F_DELIVER_PENDING: the end of the event visits those slots only,
 * not the whole pool twice per pass. A bit may outlive its flags (the
 * flush clears flags, a freed slot keeps its bit until the next end of an
 * event): the flags decide, the bits only narrow the search. */
static uint32_t tcb_event_owed;
_Static_assert(FW_TCB_COUNT <= 32, "tcb_event_owed has a bit per TCB");
static fw_tcp_clock_fn tcb_clock;
static uint32_t tcb_syn_pressure_at;  /* last half-open recycled or SYN left without a TCB */
static bool tcb_syn_pressure_seen;

/* Passes of the end-of-event work: a delivery's callback may make more
 * deliverable (fw_tcp_recved() from recv_cb); an application that keeps
 * doing so gets the rest from the next fw_tcp_timers(). */
#define TCB_EVENT_PASSES 4u

static const char *const tcb_state_names[FW_TCP_STATE_COUNT] = {
	[FW_TCP_CLOSED] = "CLOSED",         [FW_TCP_LISTEN] = "LISTEN",
	[FW_TCP_SYN_SENT] = "SYN_SENT",     [FW_TCP_SYN_RCVD] = "SYN_RCVD",
	[FW_TCP_ESTABLISHED] = "ESTABLISHED", [FW_TCP_FIN_WAIT_1] = "FIN_WAIT_1",
	[FW_TCP_FIN_WAIT_2] = "FIN_WAIT_2", [FW_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[FW_TCP_CLOSING] = "CLOSING",       [FW_TCP_LAST_ACK] = "LAST_ACK",
	[FW_TCP_TIME_WAIT] = "TIME_WAIT",
};

const char *fw_tcp_state_name(enum fw_tcp_state s)
{
	return (unsigned)s < FW_TCP_STATE_COUNT ? tcb_state_names[s] : "?";
}

/* ------------------------------------------------------------ pool */

static void pbuf_free_chain_or_null(struct pbuf *p)
{
	if (p)
		pbuf_free(p);
}

void tcb_pool_reset(void)
{
	for (unsigned i = 0; i < FW_TCB_COUNT; i++) {
		struct fw_tcp_conn *tcb = &tcb_pool[i];
		if (tcb->in_use) {
			pbuf_free_chain_or_null(tcb->sndq);
			rx_release(tcb);
		}
	}
	memset(tcb_pool, 0, sizeof tcb_pool);
	rx_reset();
	tcb_syn_pressure_seen = false;
	tcb_event_depth = 0;
	tcb_event_owed = 0;
}

struct fw_tcp_conn *tcb_alloc(void)
{
	for (unsigned i = 0; i < FW_TCB_COUNT; i++) {
		struct fw_tcp_conn *tcb = &tcb_pool[i];
		if (!tcb->in_use) {
			/* A free slot is all zero but its generation (tcb_pool_reset,
			 * tcb_release): no second memset here. */
			tcb->in_use = 1;
			tcb->gen = (uint8_t)(tcb->gen + 1u);
			tcb->rto = FW_RTO_INITIAL_MS;
			tcb->mss = FW_TCP_MSS;
			tcb->oow_ack_at = tcb_now() - FW_OOW_ACK_INTERVAL_MS;
			cc_init(tcb, tcb_now());   /* again once ESTABLISHED, with the peer's MSS */
			tcb_live_init(tcb);
			STAT_INC(tcb_in_use);
			if (stats_tcp.tcb_in_use > stats_tcp.tcb_peak)
				stats_tcp.tcb_peak = stats_tcp.tcb_in_use;
			return tcb;
		}
	}
	return NULL;
}

#ifdef FW_HOST_TEST
int tcb_check_free_slots(void)
{
	static const struct fw_tcp_conn zero;

	for (unsigned i = 0; i < FW_TCB_COUNT; i++) {
		struct fw_tcp_conn c = tcb_pool[i];
		if (c.in_use)
			continue;
		c.gen = 0;
		if (memcmp(&c, &zero, sizeof c) != 0)
			return (int)i;
	}
	return -1;
}
#endif

/* A passive open still in SYN_RCVD that the application has not seen. */
static bool tcb_half_open(const struct fw_tcp_conn *c)
{
	return c->in_use && c->state == FW_TCP_SYN_RCVD && (c->flags & TCB_F_PASSIVE) && !(c->flags & TCB_F_ACCEPTED);
}

/* Closed by the application, finishing its teardown on its own. */
static bool tcb_orphan(const struct fw_tcp_conn *c)
{
	return c->in_use && (c->flags & TCB_F_ORPHAN) && tcb_synchronized(c);
}

/* Any listener, for tcb_oldest(). */
#define TCB_ANY_LISTENER UINT32_MAX

/* The oldest (smallest `since`, on the wrapping clock) TCB `pick` accepts,
 * of listener `lid` unless TCB_ANY_LISTENER. */
static struct fw_tcp_conn *tcb_oldest(bool (*pick)(const struct fw_tcp_conn *), unsigned lid)
{
	struct fw_tcp_conn *best = NULL;

	for (unsigned i = 0; i < FW_TCB_COUNT; i++) {
		struct fw_tcp_conn *c = &tcb_pool[i];
		if (!pick(c) || (lid != TCB_ANY_LISTENER && c->listener != lid))
			continue;
		if (!best || (int32_t)(c->since - best->since) < 0)
			best = c;
	}
	return best;
}

/* SYN cookies are honoured only while half-open connections have lately
 * been recycled or not kept (as Linux does, tcp_synq_no_recent_overflow):
 * otherwise a late duplicate of an old handshake's ACK would open a
 * connection no SYN asked for now. */
void tcb_syn_pressure(uint32_t now)
{
	tcb_syn_pressure_at = now;
	tcb_syn_pressure_seen = true;
}

bool tcb_syn_pressure_recent(uint32_t now)
{
	return tcb_syn_pressure_seen && now - tcb_syn_pressure_at < 2u * FW_SYNCOOKIE_MS;
}

/* RFC 4987 3.5: no RST, the source is most likely spoofed; a real peer's
 * ACK still finds its SYN cookie. */
static void tcb_recycle_half_open(struct fw_tcp_conn *c)
{
	tcb_syn_pressure(tcb_now());
	STAT_INC(evict_syn_rcvd);
	c->flags |= TCB_F_ORPHAN;
	tcb_drop(c, ERR_ABRT);
}

bool tcb_evict_half_open(unsigned lid)
{
	struct fw_tcp_conn *c = tcb_oldest(tcb_half_open, lid);

	if (!c)
		return false;
	tcb_recycle_half_open(c);
	return true;
}

struct fw_tcp_conn *tcb_alloc_evicting(void)
{
	struct fw_tcp_conn *tcb = tcb_alloc(), *victim;

	if (tcb)
		return tcb;
	victim = tcb_oldest(tcb_half_open, TCB_ANY_LISTENER);
	if (victim) {
		tcb_recycle_half_open(victim);
		return tcb_alloc();
	}
	victim = tcb_oldest(tcb_orphan, TCB_ANY_LISTENER);
	if (victim) {
		STAT_INC(evict_orphan);
		tcb_reset(victim, ERR_ABRT);
		return tcb_alloc();
	}
	return NULL;
}

static void tcb_release(struct fw_tcp_conn *tcb, const char *reason)
{
	/* RFC 9293 3.6.1 MAY-2 (2): a new incarnation opened from TIME-WAIT
	 * that dies before it is synchronized (the SYN was an old duplicate)
	 * "returns to TIME-WAIT": its entry was kept for that (tw_input). */
	if (tcb->state == FW_TCP_SYN_RCVD && (tcb->flags & TCB_F_PASSIVE) && tw_contains(&tcb->t))
		STAT_INC(tw_reopen_resumed);
	if (tcb->state != FW_TCP_TIME_WAIT)
		tcb_set_state(tcb, FW_TCP_CLOSED, reason);
	uint8_t gen = tcb->gen;
	pbuf_free_chain_or_null(tcb->sndq);
	rx_release(tcb);
	memset(tcb, 0, sizeof *tcb);
	tcb->gen = gen;
	stats_tcp.tcb_in_use--;
}

void tcb_free(struct fw_tcp_conn *tcb)
{
	tcb_release(tcb, "free");
}

unsigned tcb_id(const struct fw_tcp_conn *tcb)
{
	return (unsigned)(tcb - tcb_pool);
}

struct fw_tcp_conn *tcb_by_id(unsigned id)
{
	return id < FW_TCB_COUNT && tcb_pool[id].in_use ? &tcb_pool[id] : NULL;
}

struct fw_tcp_conn *tcb_lookup(const struct fw_tcp_tuple *t)
{
	/* Segments come in runs on one connection: the last one found is
	 * tried first. It is only a hint, checked like any slot (a slot freed
	 * or reused since fails the check), and no two slots hold one 4-tuple,
	 * so the answer is the scan's. */
	static struct fw_tcp_conn *last = tcb_pool;
	struct fw_tcp_conn *tcb = last;

	/* One check for the hint, then one per slot: no second copy of it. */
	for (unsigned i = 0; i <= FW_TCB_COUNT; tcb = &tcb_pool[i++]) {
		if (tcb->in_use && tcb->t.lport == t->lport &&
		    tcb->t.rport == t->rport && tcb_addr_eq(&tcb->t.raddr, &t->raddr) &&
		    tcb_addr_eq(&tcb->t.laddr, &t->laddr)) {
			last = tcb;
			return tcb;
		}
	}
	return NULL;
}

unsigned tcb_count_flagged(uint16_t flag)
{
	unsigned n = 0;
	for (unsigned i = 0; i < FW_TCB_COUNT; i++)
		n += tcb_pool[i].in_use && (tcb_pool[i].flags & flag);
	return n;
}

/* A child of listener `lid` not yet handed to the application. */
static bool tcb_unaccepted_child(const struct fw_tcp_conn *c, unsigned lid)
{
	return c->in_use && (c->flags & TCB_F_PASSIVE) && !(c->flags & TCB_F_ACCEPTED) && c->listener == lid;
}

unsigned tcb_backlog(unsigned lid)
{
	unsigned n = 0;
	for (unsigned i = 0; i < FW_TCB_COUNT; i++)
		n += tcb_unaccepted_child(&tcb_pool[i], lid);
	return n;
}

void tcb_close_children(unsigned lid)
{
	for (unsigned i = 0; i < FW_TCB_COUNT; i++) {
		struct fw_tcp_conn *c = &tcb_pool[i];
		if (tcb_unaccepted_child(c, lid)) {
			c->flags |= TCB_F_ORPHAN;
			tcb_reset(c, ERR_ABRT);
		}
	}
}

/* ------------------------------------------------------------ states */

void tcb_set_state(struct fw_tcp_conn *tcb, enum fw_tcp_state s, const char *reason)
{
	enum fw_tcp_state from = (enum fw_tcp_state)tcb->state;
	if (from == s)
		return;
	tcb->state = (uint8_t)s;
	STAT_INC(state_changes);
	if (tcb_log_on && tcb_log_fn)
		tcb_log_fn(tcb_id(tcb), &tcb->t, from, s, reason);
}

/* Free the TCB; the application, unless it closed the TCB, learns why. */
void tcb_drop(struct fw_tcp_conn *tcb, err_t err)
{
	fw_tcp_err_cb cb = (tcb->flags & TCB_F_ORPHAN) ? NULL : tcb->err_cb;
	void *arg = tcb->arg;
	const char *why = err == ERR_RST ? "rst" : err == ERR_CLSD ? "closed" : "abort";
	tcb_release(tcb, why);
	if (cb)
		cb(arg, err);
}

void tcb_reset(struct fw_tcp_conn *tcb, err_t err)
{
	if (tcb_synchronized(tcb) || tcb->state == FW_TCP_SYN_RCVD)
		tcb_send_rst(tcb);
	tcb_drop(tcb, err);
}

/* The TCB goes before its event ends: an ACK it owes (the FIN or data
 * that made it finish) goes now, the flush will not find it. */
static void tcb_pay_ack(struct fw_tcp_conn *tcb)
{
	if ((tcb->flags & TCB_F_ACK_OWED) || (tcb->timers & TCB_T_DACK)) {
		tcb->flags &= (uint16_t)~TCB_F_ACK_OWED;
		tcb_send_ack(tcb);
	}
}

/*
 * The one way into TIME_WAIT (RFC 9293 3.10.7.4, from FIN_WAIT_1 on FIN
 * with our FIN acked, FIN_WAIT_2 on FIN, CLOSING on the ACK of our FIN):
 * the full TCB and its buffers go back to the pool; the compact table
 * keeps the 4-tuple and both sequence numbers for 2MSL.
 */
/* A normal close is over: LAST_ACK -> CLOSED, or into TIME_WAIT. */
static void tcb_closed(struct fw_tcp_conn *tcb)
{
	STAT_INC(closed);
	tcb_drop(tcb, ERR_CLSD);
}

void tcb_enter_time_wait(struct fw_tcp_conn *tcb, uint32_t now)
{
	tcb_pay_ack(tcb);
	tcb_set_state(tcb, FW_TCP_TIME_WAIT, "fin");
	tw_enter(&tcb->t, tcb->snd_nxt, tcb->rcv_nxt, now);
	tcb_closed(tcb);
}

/*
 * The end of a connection whose application only shut its write side:
 * every byte the engine ACKed must reach the application, then the end of
 * stream, and only then does the TCB go (TIME_WAIT or, from LAST_ACK,
 * CLOSED) with err_cb(ERR_CLSD). The compact TIME_WAIT entry holds no
 * data, so while the application refuses data (recv_cb != ERR_OK) the TCB
 * stays in its state with TCB_F_DONE_PENDING and 2MSL starts when it goes.
 */
bool tcb_finish(struct fw_tcp_conn *tcb, uint32_t now)
{
	if (!(tcb->flags & TCB_F_ORPHAN) && (tcb->rcvq || (tcb->flags & TCB_F_EOF_PENDING))) {
		tcb->flags |= TCB_F_DONE_PENDING;
		return false;
	}
	if (tcb->state == FW_TCP_LAST_ACK) {
		tcb_pay_ack(tcb);
		tcb_closed(tcb);
	} else {
		tcb_enter_time_wait(tcb, now);
	}
	return true;
}

/* ------------------------------------------------------------ windows and queues */

/* ------------------------------------------------------------ timers */

void tcb_arm_aux(struct fw_tcp_conn *tcb, uint32_t now, uint32_t after)
{
	tcb->aux_at = now + after;
	tcb->timers |= TCB_T_AUX;
}

void tcb_state_timer(struct fw_tcp_conn *tcb, uint32_t now)
{
	switch ((enum fw_tcp_state)tcb->state) {
	case FW_TCP_FIN_WAIT_2:
		/* Only orphans time out: a half-closed app may wait forever (RFC 9293). */
		if (tcb->flags & TCB_F_ORPHAN)
			tcb_arm_aux(tcb, now, tcb_fw2_ms);
		break;
	case FW_TCP_CLOSE_WAIT:
		tcb_arm_aux(tcb, now, tcb_cw_ms);
		break;
	case FW_TCP_CLOSED:
	case FW_TCP_LISTEN:
	case FW_TCP_SYN_SENT:
	case FW_TCP_SYN_RCVD:
	case FW_TCP_ESTABLISHED:
	case FW_TCP_FIN_WAIT_1:
	case FW_TCP_CLOSING:
	case FW_TCP_LAST_ACK:
	case FW_TCP_TIME_WAIT:
		tcb_disarm(tcb, TCB_T_AUX);
		break;
	}
}

/* SYN,ACKs of a passive open are retried FW_SYNACK_RETRIES times (a
 * spoofed source never answers: each costs a frame and, on-link, an ARP
 * query); an active open, FW_SYN_RETRIES. */
static unsigned tcb_retry_limit(const struct fw_tcp_conn *tcb)
{
	if (tcb->state == FW_TCP_SYN_RCVD && (tcb->flags & TCB_F_PASSIVE))
		return FW_SYNACK_RETRIES;
	if (tcb->state == FW_TCP_SYN_SENT || tcb->state == FW_TCP_SYN_RCVD)
		return FW_SYN_RETRIES;
	return FW_DATA_RETRIES;
}

static void tcb_rtx_timeout(struct fw_tcp_conn *tcb, uint32_t now)
{
	bool opening = tcb->state == FW_TCP_SYN_SENT || tcb->state == FW_TCP_SYN_RCVD;

	tcb_disarm(tcb, TCB_T_RTX);
	if (tcb_persisting(tcb)) {
		tcb_persist_timeout(tcb, now);
		return;
	}
	if (tcb->retries >= tcb_retry_limit(tcb)) {
		/* RFC 5927 5.2: a soft ICMP error seen meanwhile is the reason. */
		if (opening) {
			STAT_INC(syn_timeouts);
			if (tcb_half_open(tcb)) {
				/* Nobody answered: gone without an RST to the
				 * (likely spoofed) source. */
				tcb->flags |= TCB_F_ORPHAN;
				tcb_drop(tcb, ERR_CLSD);
			} else {
				tcb_reset(tcb, tcb_soft_err(tcb) != ERR_OK ? tcb_soft_err(tcb) : ERR_CLSD);
			}
		} else {
			STAT_INC(rtx_aborts);
			tcb_reset(tcb, tcb_soft_err(tcb) != ERR_OK ? tcb_soft_err(tcb) : ERR_ABRT);
		}
		return;
	}
	tcb->retries++;
	/* RFC 6298 (5.5): back off the timer. */
	tcb->rto = (uint16_t)(tcb->rto * 2u > FW_RTO_MAX_MS ? FW_RTO_MAX_MS : tcb->rto * 2u);
	tcb_retransmit(tcb, now);
}

static void tcb_aux_timeout(struct fw_tcp_conn *tcb, uint32_t now)
{
	(void)now;
	tcb_disarm(tcb, TCB_T_AUX);
	if (tcb->state == FW_TCP_FIN_WAIT_2) {
		/* Orphan: nobody will read the peer's FIN; free it (RST so the peer knows). */
		STAT_INC(fin_wait_2_timeouts);
		tcb_reset(tcb, ERR_ABRT);
	} else if (tcb->state == FW_TCP_CLOSE_WAIT) {
		/* The application forgot to close (the classic server bug). */
		STAT_INC(close_wait_warnings);
		if (tcb_log_fn)
			tcb_log_fn(tcb_id(tcb), &tcb->t, FW_TCP_CLOSE_WAIT, FW_TCP_CLOSE_WAIT, "close-wait watchdog");
		if (tcb_cw_abort) {
			STAT_INC(close_wait_aborts);
			tcb_reset(tcb, ERR_ABRT);
		}
	}
}

/* ------------------------------------------------------------ events */

/*
 * One engine event is one fw_tcp_input() or fw_tcp_timers() call, with the
 * application callbacks it makes. What the event and the application
 * produce for a TCB leaves in as few segments as possible: the ACK owed
 * for data or a FIN rides on the reply data or the FIN the application
 * queued from its callback (RFC 9293 3.8.6.3, RFC 1122 4.2.3.2: an ACK
 * may be delayed to combine with data, by less than 0.5 s, and every
 * second full-size segment ACKed). An ACK for in-order data may wait
 * beyond the event, up to FW_TCP_ACK_DELAY_MS (tcb_owe_ack_delayed);
 * every other ACK leaves when its event ends. Outside events the API
 * sends at once.
 */
void tcb_set_clock(fw_tcp_clock_fn clock)
{
	tcb_clock = clock;
}

uint32_t tcb_now(void)
{
	if (tcb_event_depth)
		return tcb_event_now;
	return tcb_clock ? tcb_clock() : 0u;
}

uint32_t fw_tcp_now(void)
{
	return tcb_now();
}

void tcb_event_begin(uint32_t now)
{
	if (tcb_event_depth++ == 0)
		tcb_event_now = now;
}

static void tcb_owed_mark(const struct fw_tcp_conn *tcb)
{
	tcb_event_owed |= 1u << tcb_id(tcb);
}

/* The first slot from `from` on whose bit is in `done` or owed now (a
 * callback run from the loop may mark one further on, which the same
 * loop then visits, as a scan of the whole pool would); FW_TCB_COUNT when
 * none. */
static unsigned tcb_owed_next(uint32_t done, unsigned from)
{
	uint32_t rest = from < 32u ? (done | tcb_event_owed) >> from : 0u;

	return rest ? from + (unsigned)__builtin_ctz(rest) : FW_TCB_COUNT;
}

void tcb_deliver_later(struct fw_tcp_conn *tcb)
{
	tcb->flags |= TCB_F_DELIVER_PENDING;
	tcb_owed_mark(tcb);
}

void tcb_kick(struct fw_tcp_conn *tcb, uint32_t now)
{
	if (!tcb_event_depth) {
		(void)tcb_output(tcb, now);
		return;
	}
	tcb->flags |= TCB_F_TX_PENDING;
	tcb_owed_mark(tcb);
}

void tcb_rx_released(struct fw_tcp_conn *tcb)
{
	if (tcb->rcvq && !(tcb->flags & TCB_F_ORPHAN))
		tcb_deliver_later(tcb);
	if (tcb_synchronized(tcb) && rx_reopened(tcb)) {
		tcb->flags |= TCB_F_ACK_OWED;
		tcb_owed_mark(tcb);
	}
}

void tcb_owe_ack(struct fw_tcp_conn *tcb)
{
	if (!tcb_event_depth) {
		tcb_send_ack(tcb);
		return;
	}
	tcb->flags |= TCB_F_ACK_OWED;
	tcb_owed_mark(tcb);
}

/*
 * RFC 9293 3.8.6.3 (SHLD-18, MUST-40) and RFC 5681 4.2: the ACK for
 * in-order data may wait, less than 0.5 s, for reply data to carry it;
 * "an ACK SHOULD be generated for at least every second full-sized
 * segment or 2*RMSS bytes of new data" (SHLD-19). In-order bytes are
 * counted against twice the smaller of our MSS (RMSS) and the peer's: a
 * peer whose path sends smaller segments still gets an ACK for every
 * second one, never fewer ACKs than SHLD-19 asks. The deadline runs from
 * the first byte owed and is never pushed back. tcp_input.c asks for
 * this only for in-order text that needs nothing else; everything else
 * (out of order, hole filled, FIN, window update, handshake, zero-window
 * probe, a window filled) goes through tcb_owe_ack().
 */
void tcb_owe_ack_delayed(struct fw_tcp_conn *tcb, uint32_t len)
{
#if FW_TCP_DELAYED_ACK
	uint32_t full = tcb->mss < tcb_mss_max(&tcb->t) ? tcb->mss : (uint32_t)tcb_mss_max(&tcb->t);
	uint32_t owed = tcb->ack_bytes + len;

	tcb->ack_bytes = (uint16_t)(owed > 0xffffu ? 0xffffu : owed);
	if (owed >= 2u * full) {
		STAT_INC(acks_two_full);
		tcb_owe_ack(tcb);
		return;
	}
	if (!(tcb->timers & TCB_T_DACK)) {
		tcb->ack_at = tcb_now() + FW_TCP_ACK_DELAY_MS;
		tcb->timers |= TCB_T_DACK;
	}
#else
	(void)len;
	tcb_owe_ack(tcb);
#endif
}

/* Nothing carried the delayed ACK in time: a bare one (or data the same
 * timer event queued) at the end of this event. */
static void tcb_dack_timeout(struct fw_tcp_conn *tcb)
{
	tcb_disarm(tcb, TCB_T_DACK);
	STAT_INC(delayed_acks);
	tcb_owe_ack(tcb);
}

/* Data and FIN carry the ACK and the window as they are now, after the
 * callbacks (bytes the application holds are counted: tcb_rcv_wnd). */
static void tcb_flush(struct fw_tcp_conn *tcb, uint32_t now)
{
	bool owed = (tcb->flags & TCB_F_ACK_OWED) != 0;

	tcb->flags &= (uint16_t)~(TCB_F_ACK_OWED | TCB_F_TX_PENDING);
	if (!tcb_output(tcb, now) && owed)
		tcb_send_ack(tcb);
}

/* Deliveries first, still inside the event (their callbacks only queue),
 * then the output they and the event produced. A TCB freed during the
 * event took its flags with it (tcb_release); one allocated since in the
 * same slot starts clean. */
void tcb_event_end(uint32_t now)
{
	if (tcb_event_depth > 1) {
		tcb_event_depth--;
		return;
	}
	for (unsigned pass = 0; tcb_event_owed && pass < TCB_EVENT_PASSES; pass++) {
		uint32_t owed = tcb_event_owed;

		tcb_event_owed = 0;
		for (unsigned i = tcb_owed_next(owed, 0); i < FW_TCB_COUNT; i = tcb_owed_next(owed, i + 1u)) {
			struct fw_tcp_conn *tcb = &tcb_pool[i];
			if (tcb->in_use && (tcb->flags & TCB_F_DELIVER_PENDING)) {
				tcb->flags &= (uint16_t)~TCB_F_DELIVER_PENDING;
				tcb_deliver(tcb, now);
			}
		}
		for (unsigned i = tcb_owed_next(owed, 0); i < FW_TCB_COUNT; i = tcb_owed_next(owed, i + 1u)) {
			struct fw_tcp_conn *tcb = &tcb_pool[i];
			if (tcb->in_use && (tcb->flags & (TCB_F_ACK_OWED | TCB_F_TX_PENDING)))
				tcb_flush(tcb, now);
		}
	}
	tcb_event_depth = 0;
}

/* One TCB's due timers; each may free it, and an err_cb may have given
 * the slot to another connection (the generation tells). */
static void tcb_timers_run(struct fw_tcp_conn *tcb, uint32_t now)
{
	uint8_t gen = tcb->gen;

	tcb_live_timers(tcb, now);
	if (tcb_alive(tcb, gen) && (tcb->timers & TCB_T_RTX) && time_reached(now, tcb->rtx_at))
		tcb_rtx_timeout(tcb, now);
	if (tcb_alive(tcb, gen) && (tcb->timers & TCB_T_AUX) && time_reached(now, tcb->aux_at))
		tcb_aux_timeout(tcb, now);
	if (tcb_alive(tcb, gen) && (tcb->timers & TCB_T_SWS) && time_reached(now, tcb->sws_at))
		tcb_sws_timeout(tcb, now);
	if (tcb_alive(tcb, gen) && (tcb->timers & TCB_T_DACK) && time_reached(now, tcb->ack_at))
		tcb_dack_timeout(tcb);
}

void fw_tcp_timers(uint32_t now)
{
	tcb_event_begin(now);
	for (unsigned i = 0; i < FW_TCB_COUNT; i++)
		if (tcb_pool[i].in_use)
			tcb_timers_run(&tcb_pool[i], now);
	tw_expire(now);
	tcb_event_end(now);
}

static bool tcb_deadline(const struct fw_tcp_conn *tcb, uint32_t *at)
{
	bool any = tcb_live_deadline(tcb, at);
	if ((tcb->timers & TCB_T_RTX) && (!any || time_reached(*at, tcb->rtx_at))) {
		*at = tcb->rtx_at;
		any = true;
	}
	if ((tcb->timers & TCB_T_AUX) && (!any || time_reached(*at, tcb->aux_at))) {
		*at = tcb->aux_at;
		any = true;
	}
	if ((tcb->timers & TCB_T_SWS) && (!any || time_reached(*at, tcb->sws_at))) {
		*at = tcb->sws_at;
		any = true;
	}
	if ((tcb->timers & TCB_T_DACK) && (!any || time_reached(*at, tcb->ack_at))) {
		*at = tcb->ack_at;
		any = true;
	}
	return any;
}

bool fw_tcp_next_deadline(uint32_t *at)
{
	uint32_t best = 0, d;
	bool any;

	if (tcb_event_owed) {
		*at = tcb_now();          /* deliveries an API call made possible */
		return true;
	}
	any = tw_next_deadline(&best);
	for (unsigned i = 0; i < FW_TCB_COUNT; i++) {
		if (tcb_pool[i].in_use && tcb_deadline(&tcb_pool[i], &d) && (!any || time_reached(best, d))) {
			best = d;
			any = true;
		}
	}
	if (any)
		*at = best;
	return any;
}

/* ------------------------------------------------------------ ISN */

uint32_t tcb_isn(const struct fw_tcp_tuple *t, uint32_t now)
{
	return isn_generate(t, now);
}

uint32_t tcb_isn_beyond(const struct fw_tcp_tuple *t, uint32_t now, uint32_t floor)
{
	uint32_t iss = isn_generate(t, now);
	if (seq_leq(iss, floor + TCB_TW_ISN_GAP))
		iss = floor + TCB_TW_ISN_GAP;
	return iss;
}

/* ------------------------------------------------------------ observation and tunables */

void fw_tcp_get_info(const struct fw_tcp_conn *tcb, struct fw_tcp_info *info)
{
	info->id = tcb_id(tcb);
	info->state = (enum fw_tcp_state)tcb->state;
	info->tuple = tcb->t;
	info->sndq_bytes = tcb_sndq_len(tcb);
	info->rcvq_bytes = tcb->rcvq ? tcb->rcvq->tot_len : 0u;
	info->rx_bufs = tcb->rx_bufs;
	info->timer_armed = tcb_deadline(tcb, &info->timer_at);
	info->orphan = (tcb->flags & TCB_F_ORPHAN) != 0;
	info->cwnd = tcb->cwnd;
	info->ssthresh = tcb->ssthresh == TCB_CC_SSTHRESH_INIT ? UINT32_MAX : tcb->ssthresh;
}

void fw_tcp_foreach(fw_tcp_visit_cb cb, void *arg)
{
	struct fw_tcp_info info;

	lsn_foreach(cb, arg);
	for (unsigned i = 0; i < FW_TCB_COUNT; i++) {
		if (tcb_pool[i].in_use) {
			fw_tcp_get_info(&tcb_pool[i], &info);
			cb(&info, arg);
		}
	}
}

enum fw_tcp_state fw_tcp_get_state(const struct fw_tcp_conn *tcb)
{
	return tcb->in_use ? (enum fw_tcp_state)tcb->state : FW_TCP_CLOSED;
}

void fw_tcp_set_msl(uint32_t ms) { tw_set_msl(ms); }
uint32_t fw_tcp_get_msl(void) { return tw_msl(); }
void fw_tcp_set_fin_wait_2_timeout(uint32_t ms) { tcb_fw2_ms = ms; }
uint32_t fw_tcp_get_fin_wait_2_timeout(void) { return tcb_fw2_ms; }
void fw_tcp_set_close_wait_threshold(uint32_t ms) { tcb_cw_ms = ms; }
uint32_t fw_tcp_get_close_wait_threshold(void) { return tcb_cw_ms; }
void fw_tcp_set_close_wait_abort(bool on) { tcb_cw_abort = on; }
bool fw_tcp_get_close_wait_abort(void) { return tcb_cw_abort; }
void fw_tcp_set_log_hook(fw_tcp_log_hook hook) { tcb_log_fn = hook; }
fw_tcp_log_hook fw_tcp_get_log_hook(void) { return tcb_log_fn; }
void fw_tcp_set_log(bool on) { tcb_log_on = on; }
bool fw_tcp_get_log(void) { return tcb_log_on; }

void tcb_tunables_reset(void)
{
	tcb_fw2_ms = FW_FIN_WAIT_2_MS;
	tcb_cw_ms = FW_CLOSE_WAIT_WARN_MS;
	tcb_cw_abort = false;
	tcb_live_tunables_reset();
}
