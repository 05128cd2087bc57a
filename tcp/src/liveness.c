/*
 * How long a connection may live without progress, and how many the
 * application may leave to the engine:
 * - persist (RFC 9293 3.8.6.1, RFC 1122 4.2.2.17): zero-window probes on
 *   the retransmission timer's deadline, with their own backoff and their
 *   own count, never the retransmission count;
 * - keepalive (RFC 9293 3.8.4, RFC 1122 4.2.3.6): per connection, off
 *   unless the application turns it on;
 * - the user timeout (RFC 5482; RFC 9293 3.9.1's OPEN timeout);
 * - orphans, which nobody waits for: a shorter rope behind a closed
 *   window, a lifetime, a count.
 * Every expiry runs from fw_tcp_timers(), so no API call ends a connection
 * that still has callbacks; only the orphan count resets inside
 * fw_tcp_close(), an orphan, which has none.
 */
#include "fw_tcp_config.h"
#include "tcb.h"
#include "stats.h"

/* Deadlines stay within half the clock's range (time_reached()). */
#define LIVE_MS_MAX 0x3fffffffu
#define LIVE_COUNT_MAX 255u

static uint32_t live_persist_max = FW_PERSIST_MAX_MS;
static uint32_t live_ka_idle = FW_KEEPALIVE_IDLE_MS;
static uint32_t live_ka_intvl = FW_KEEPALIVE_INTVL_MS;
static uint32_t live_ka_count = FW_KEEPALIVE_COUNT;
static uint32_t live_uto_default = FW_USER_TIMEOUT_MS;
static uint32_t live_orphan_life = FW_ORPHAN_LIFETIME_MS;
static uint32_t live_orphan_max = FW_ORPHAN_MAX;

static uint32_t live_clamp(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void tcb_live_init(struct fw_tcp_conn *tcb)
{
	tcb->uto = live_uto_default;
}

/* ------------------------------------------------------------ persist */

bool tcb_persisting(const struct fw_tcp_conn *tcb)
{
	return tcb->snd_wnd == 0 && tcb_synchronized(tcb);
}

/* The next probe's interval: one RTO after the window closed, doubling
 * with every probe since (RFC 1122 4.2.2.17: "exponentially increased"),
 * at most persist-max. */
static uint32_t live_persist_interval(const struct fw_tcp_conn *tcb)
{
	uint32_t ivl = tcb->rto;
	for (unsigned i = 0; i < tcb->zwp && ivl < live_persist_max; i++)
		ivl *= 2u;
	return ivl < live_persist_max ? ivl : live_persist_max;
}

/*
 * RFC 9293 3.8.6.1: "The sending TCP peer must regularly transmit at least
 * one octet of new data (if available), or retransmit to the receiving TCP
 * peer even if the send window is zero" and, MUST-37, "As long as the
 * receiving TCP peer continues to send acknowledgments in response to the
 * probe segments, the sending TCP peer MUST allow the connection to stay
 * open". So only probes in a row that nobody answers count against the
 * connection (FW_PERSIST_PROBES; any acceptable ACK answers,
 * tcb_live_acked()), and the retransmission count and RTO are left alone.
 * An orphan may not be kept that way: nobody reads what it holds, so it
 * gets FW_ORPHAN_PROBES probes since the window closed, answered or not.
 */
void tcb_persist_timeout(struct fw_tcp_conn *tcb, uint32_t now)
{
	if (tcb->probes >= FW_PERSIST_PROBES) {
		STAT_INC(persist_aborts);
		tcb_reset(tcb, ERR_ABRT);
		return;
	}
	if ((tcb->flags & TCB_F_ORPHAN) && tcb->zwp >= FW_ORPHAN_PROBES) {
		STAT_INC(orphan_persist_aborts);
		tcb_reset(tcb, ERR_ABRT);
		return;
	}
	if (tcb->probes++ == 0)
		tcb->uto_since = now;    /* the first unanswered probe: the user timeout runs */
	if (tcb->zwp < UINT8_MAX)
		tcb->zwp++;
	tcb_send_probe(tcb, now);
	tcb_arm_rtx_in(tcb, now, live_persist_interval(tcb));
}

/*
 * The window opened again: probing is over. What is still in flight went
 * out beyond a zero window (the probe byte, a FIN, or data the window
 * shrank over) and a receiver keeps nothing beyond its window (RFC 9293
 * 3.10.7.4), so sending resumes at SND.UNA, at once, under a fresh RTO
 * (RFC 6298 5.3), as BSD pulls SND.NXT back when the window closes.
 */
static void live_persist_end(struct fw_tcp_conn *tcb)
{
	tcb->zwp = 0;
	if (tcb->snd_nxt != tcb->snd_una && !tcb_fin_acked(tcb)) {
		tcb->snd_nxt = tcb->snd_una;
		tcb->flags &= (uint16_t)~(TCB_F_RECOVERY | TCB_F_RTT_TIMING);
		tcb->dupacks = 0;
		cc_abandon(tcb);
	}
	tcb_disarm(tcb, TCB_T_RTX);
}

void tcb_live_acked(struct fw_tcp_conn *tcb, uint32_t una, uint16_t wnd, uint32_t now)
{
	tcb->probes = 0;
	if (tcb->snd_una != una)
		tcb->uto_since = now;    /* progress: what is left waits anew */
	if (wnd == 0 && tcb->snd_wnd != 0)
		live_persist_end(tcb);
}

/* ------------------------------------------------------------ keepalive */

static void live_arm_keepalive(struct fw_tcp_conn *tcb, uint32_t now, uint32_t after)
{
	tcb->ka_at = now + after;
	tcb->timers |= TCB_T_KEEP;
}

void tcb_live_heard(struct fw_tcp_conn *tcb, uint32_t now)
{
	tcb->ka_probes = 0;
	if (tcb->flags & TCB_F_KEEPALIVE)
		live_arm_keepalive(tcb, now, live_ka_idle);
}

/* Nothing in flight, nothing queued: what RFC 1122 4.2.3.6 calls idle. */
static bool live_idle(const struct fw_tcp_conn *tcb)
{
	return tcb_synchronized(tcb) && tcb->snd_nxt == tcb->snd_una && tcb_sndq_len(tcb) == 0 &&
	       (!(tcb->flags & TCB_F_FIN_QUEUED) || tcb_fin_acked(tcb));
}

/* While something is in flight the retransmission timer and the user
 * timeout watch the peer; the keepalive looks again one idle time later. */
static void live_keepalive_timeout(struct fw_tcp_conn *tcb, uint32_t now)
{
	tcb_disarm(tcb, TCB_T_KEEP);
	if (!live_idle(tcb)) {
		tcb->ka_probes = 0;
		live_arm_keepalive(tcb, now, live_ka_idle);
		return;
	}
	if (tcb->ka_probes >= live_ka_count) {
		STAT_INC(keepalive_aborts);
		tcb_reset(tcb, ERR_ABRT);
		return;
	}
	tcb->ka_probes++;
	STAT_INC(keepalive_probes);
	tcb_send_keepalive(tcb);
	live_arm_keepalive(tcb, now, live_ka_intvl);
}

void fw_tcp_keepalive(struct fw_tcp_conn *tcb, bool on)
{
	if (tcb->state == FW_TCP_LISTEN)
		return;                  /* a listener has no peer to probe */
	tcb->ka_probes = 0;
	if (on) {
		tcb->flags |= TCB_F_KEEPALIVE;
		live_arm_keepalive(tcb, tcb_now(), live_ka_idle);
	} else {
		tcb->flags &= (uint16_t)~TCB_F_KEEPALIVE;
		tcb_disarm(tcb, TCB_T_KEEP);
	}
}

/* ------------------------------------------------------------ user timeout, orphans */

/* Runs while something we sent waits for the peer; behind a closed window
 * only while a probe is unanswered (as Linux does since 5.11): a peer that
 * answers probes keeps the connection (RFC 9293 3.8.6.1, MUST-37). */
static bool live_uto_deadline(const struct fw_tcp_conn *tcb, uint32_t *at)
{
	if (!tcb->uto || tcb->snd_nxt == tcb->snd_una || !tcb_synchronized(tcb) ||
	    (tcb->snd_wnd == 0 && tcb->probes == 0))
		return false;
	*at = tcb->uto_since + tcb->uto;
	return true;
}

static bool live_orphan_deadline(const struct fw_tcp_conn *tcb, uint32_t *at)
{
	if (!(tcb->flags & TCB_F_ORPHAN) || !live_orphan_life)
		return false;
	*at = tcb->since + live_orphan_life;
	return true;
}

void fw_tcp_user_timeout(struct fw_tcp_conn *tcb, uint32_t ms)
{
	tcb->uto = ms > LIVE_MS_MAX ? LIVE_MS_MAX : ms;
}

uint32_t fw_tcp_get_user_timeout(const struct fw_tcp_conn *tcb)
{
	return tcb->uto;
}

unsigned tcb_orphan_count(void)
{
	return tcb_count_flagged(TCB_F_ORPHAN);
}

/* The orphan closed first (the first in pool order among equals), `newest`
 * only when it is the only one. */
static struct fw_tcp_conn *live_oldest_orphan(const struct fw_tcp_conn *newest)
{
	struct fw_tcp_conn *old = NULL;
	for (unsigned i = 0; i < FW_TCB_COUNT; i++) {
		struct fw_tcp_conn *c = tcb_by_id(i);
		if (c && c != newest && (c->flags & TCB_F_ORPHAN) &&
		    (!old || !time_reached(c->since, old->since)))
			old = c;
	}
	return old ? old : (struct fw_tcp_conn *)newest;
}

void tcb_orphaned(struct fw_tcp_conn *tcb)
{
	/* Orphans are TCBs in use: with no more of those than the limit there
	 * is nothing to count (the pool's scan is for the crowded case). */
	while (stats_tcp.tcb_in_use > live_orphan_max && tcb_orphan_count() > live_orphan_max) {
		STAT_INC(orphan_limit_resets);
		tcb_reset(live_oldest_orphan(tcb), ERR_ABRT);
	}
}

/* ------------------------------------------------------------ timers */

static void live_earliest(bool *any, uint32_t *at, uint32_t d)
{
	if (!*any || time_reached(*at, d))
		*at = d;
	*any = true;
}

bool tcb_live_deadline(const struct fw_tcp_conn *tcb, uint32_t *at)
{
	bool any = false;
	uint32_t d;

	if (tcb->timers & TCB_T_KEEP)
		live_earliest(&any, at, tcb->ka_at);
	if (live_uto_deadline(tcb, &d))
		live_earliest(&any, at, d);
	if (live_orphan_deadline(tcb, &d))
		live_earliest(&any, at, d);
	return any;
}

/* The limits first: a connection past them sends nothing more. */
void tcb_live_timers(struct fw_tcp_conn *tcb, uint32_t now)
{
	uint32_t at;

	if (live_orphan_deadline(tcb, &at) && time_reached(now, at)) {
		STAT_INC(orphan_lifetime_resets);
		tcb_reset(tcb, ERR_ABRT);
		return;
	}
	if (live_uto_deadline(tcb, &at) && time_reached(now, at)) {
		STAT_INC(user_timeouts);
		tcb_reset(tcb, ERR_ABRT);
		return;
	}
	if ((tcb->timers & TCB_T_KEEP) && time_reached(now, tcb->ka_at))
		live_keepalive_timeout(tcb, now);
}

/* ------------------------------------------------------------ tunables */

void fw_tcp_set_persist_max(uint32_t ms) { live_persist_max = live_clamp(ms, FW_RTO_MIN_MS, LIVE_MS_MAX); }
uint32_t fw_tcp_get_persist_max(void) { return live_persist_max; }
void fw_tcp_set_keepalive_idle(uint32_t ms) { live_ka_idle = live_clamp(ms, 1u, LIVE_MS_MAX); }
uint32_t fw_tcp_get_keepalive_idle(void) { return live_ka_idle; }
void fw_tcp_set_keepalive_intvl(uint32_t ms) { live_ka_intvl = live_clamp(ms, 1u, LIVE_MS_MAX); }
uint32_t fw_tcp_get_keepalive_intvl(void) { return live_ka_intvl; }
void fw_tcp_set_keepalive_count(uint32_t n) { live_ka_count = live_clamp(n, 1u, LIVE_COUNT_MAX); }
uint32_t fw_tcp_get_keepalive_count(void) { return live_ka_count; }
void fw_tcp_set_user_timeout_default(uint32_t ms) { live_uto_default = ms > LIVE_MS_MAX ? LIVE_MS_MAX : ms; }
uint32_t fw_tcp_get_user_timeout_default(void) { return live_uto_default; }
void fw_tcp_set_orphan_lifetime(uint32_t ms) { live_orphan_life = ms > LIVE_MS_MAX ? LIVE_MS_MAX : ms; }
uint32_t fw_tcp_get_orphan_lifetime(void) { return live_orphan_life; }
void fw_tcp_set_orphan_max(uint32_t n) { live_orphan_max = n > FW_TCB_COUNT ? FW_TCB_COUNT : n; }
uint32_t fw_tcp_get_orphan_max(void) { return live_orphan_max; }

void tcb_live_tunables_reset(void)
{
	live_persist_max = FW_PERSIST_MAX_MS;
	live_ka_idle = FW_KEEPALIVE_IDLE_MS;
	live_ka_intvl = FW_KEEPALIVE_INTVL_MS;
	live_ka_count = FW_KEEPALIVE_COUNT;
	live_uto_default = FW_USER_TIMEOUT_MS;
	live_orphan_life = FW_ORPHAN_LIFETIME_MS;
	live_orphan_max = FW_ORPHAN_MAX;
}
