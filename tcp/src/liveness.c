/*
 * How long a connection may live without progress:
 * - persist (RFC 9293 3.8.6.1, RFC 1122 4.2.2.17): zero-window probes on
 *   the retransmission timer's deadline, with their own backoff and their
 *   own count, never the retransmission count; orphans, which nobody
 *   waits for, get a shorter rope behind a closed window.
 * Every expiry runs from fw_tcp_timers(), so no API call ends a connection
 * that still has callbacks.
 */
#include "config.h"
#include "tcb.h"
#include "stats.h"

/* Deadlines stay within half the clock's range (time_reached()). */
#define LIVE_MS_MAX 0x3fffffffu

static uint32_t live_persist_max = FW_PERSIST_MAX_MS;

static uint32_t live_clamp(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
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
	tcb->probes++;
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
	}
	tcb_disarm(tcb, TCB_T_RTX);
}

void tcb_live_acked(struct fw_tcp_conn *tcb, uint32_t una, uint16_t wnd, uint32_t now)
{
	(void)una;
	(void)now;
	tcb->probes = 0;
	if (wnd == 0 && tcb->snd_wnd != 0)
		live_persist_end(tcb);
}

/* ------------------------------------------------------------ tunables */

void fw_tcp_set_persist_max(uint32_t ms) { live_persist_max = live_clamp(ms, FW_RTO_MIN_MS, LIVE_MS_MAX); }
uint32_t fw_tcp_get_persist_max(void) { return live_persist_max; }
void tcb_live_tunables_reset(void)
{
	live_persist_max = FW_PERSIST_MAX_MS;
}
