/*
 * Congestion control: RFC 5681 (slow start, congestion avoidance, fast
 * retransmit and fast recovery) with NewReno's answer to partial ACKs
 * (RFC 6582), by byte counting (RFC 3465). Each connection keeps cwnd and
 * ssthresh; tcp_output.c sends at most min(cwnd, SND.WND) beyond SND.UNA
 * (cc_window). Retransmissions at SND.UNA stay tcp_output.c's
 * (tcb_resend_una): this file only says when, and what the window is.
 */
#include "fw_tcp_config.h"
#include "tcb.h"
#include "stats.h"

#define CC_ABC_L 2u                   /* RFC 3465 2.2: slow start grows at most L*SMSS per ACK */
/* No SND.WND is larger without window scaling (RFC 7323, which finwait
 * does not do): a cwnd beyond it lets nothing more out (cc_window), so
 * cwnd, ssthresh and cc_acked are kept in 16 bits. Fast recovery's
 * inflation stops there too; the deflation after it (cc_ack) then starts
 * lower, which a flight within the send queue (TCB_SNDBUF, 8 segments)
 * never reaches. */
#define CC_CWND_MAX 0xffffu

static uint32_t cc_min(uint32_t a, uint32_t b) { return a < b ? a : b; }
static uint32_t cc_max(uint32_t a, uint32_t b) { return a > b ? a : b; }

/* RFC 5681 3.1, equation (1): IW by SMSS. */
static uint32_t cc_iw(const struct fw_tcp_conn *tcb)
{
	uint32_t smss = tcb->mss;
	return smss > 2190u ? 2u * smss : smss > 1095u ? 3u * smss : 4u * smss;
}

/* RFC 5681 3.1, equation (4): FlightSize is what is outstanding. */
static uint32_t cc_half_flight(const struct fw_tcp_conn *tcb)
{
	return cc_max((tcb->snd_nxt - tcb->snd_una) / 2u, 2u * tcb->mss);
}

static void cc_set_cwnd(struct fw_tcp_conn *tcb, uint32_t cwnd)
{
	tcb->cwnd = (uint16_t)cc_min(cc_max(cwnd, tcb->mss), CC_CWND_MAX);
}

static void cc_set_ssthresh(struct fw_tcp_conn *tcb, uint32_t ssthresh)
{
	tcb->ssthresh = (uint16_t)cc_min(ssthresh, CC_CWND_MAX - 1u);   /* below TCB_CC_SSTHRESH_INIT */
}

/* RFC 5681 3.1: "If the SYN or SYN/ACK is lost, the initial window used
 * by a sender after a correctly transmitted SYN MUST be one segment". */
void cc_init(struct fw_tcp_conn *tcb, uint32_t now)
{
	cc_set_cwnd(tcb, tcb->retries ? tcb->mss : cc_iw(tcb));
	tcb->ssthresh = TCB_CC_SSTHRESH_INIT;
	tcb->cc_acked = 0;
	tcb->cc_flags &= (uint8_t)~TCB_CC_FAST;
	tcb->last_tx = now;
	/* RFC 6582 3.2 (1): "recover" starts at the ISS, behind SND.UNA. */
	tcb->recover = tcb->snd_una - 1u;
}

uint32_t cc_window(const struct fw_tcp_conn *tcb)
{
	return cc_min(tcb->cwnd, tcb->snd_wnd);
}

/* RFC 5681 4.1: "if the TCP has not sent data in an interval exceeding
 * the retransmission timeout ... cwnd is reduced to the value of the
 * restart window (RW = min(IW, cwnd))" before it sends again. */
void cc_before_send(struct fw_tcp_conn *tcb, uint32_t now)
{
	uint32_t rw;

	if (tcb->snd_nxt != tcb->snd_una || now - tcb->last_tx <= tcb->rto)
		return;
	rw = cc_min(cc_iw(tcb), tcb->cwnd);
	if (tcb->cwnd > rw) {
		tcb->cwnd = rw;
		STAT_INC(cc_idle_restart);
	}
}

/* Slow start while cwnd < ssthresh (RFC 5681 3.1): cwnd grows by the
 * bytes acknowledged, at most L*SMSS (RFC 3465 2.2, L = 2); then
 * congestion avoidance counts bytes (RFC 3465 2.1): one SMSS more each
 * time a whole cwnd was acknowledged. */
static void cc_grow(struct fw_tcp_conn *tcb, uint32_t acked)
{
	if (tcb->cwnd < tcb->ssthresh) {
		cc_set_cwnd(tcb, tcb->cwnd + cc_min(acked, CC_ABC_L * tcb->mss));
		return;
	}
	uint32_t sum = tcb->cc_acked + acked;

	if (sum >= tcb->cwnd) {
		sum -= tcb->cwnd;
		cc_set_cwnd(tcb, tcb->cwnd + tcb->mss);
	}
	tcb->cc_acked = (uint16_t)cc_min(sum, CC_CWND_MAX);
}

/*
 * RFC 6582 3.2 (3), an ACK of new data during a recovery:
 * - partial (short of "recover"): the next segment was lost too;
 *   "retransmit the first unacknowledged segment", and in fast recovery
 *   "deflate the congestion window by the amount of new data
 *   acknowledged ... If the partial ACK acknowledges at least one SMSS of
 *   new data, then add back SMSS bytes". After a timeout cwnd is the
 *   slow start's (RFC 6582 4: the sender is out of fast recovery) and
 *   grows as any ACK makes it; the one resent segment always fits it.
 *   The timer restarts with every such ACK (RFC 6298 5.3; RFC 6582's
 *   "Slow-but-Steady" variant).
 * - full: the recovery ends; out of fast recovery cwnd is option (1),
 *   min(ssthresh, max(FlightSize, SMSS) + SMSS), so no burst follows
 *   when little is left in flight.
 */
bool cc_ack(struct fw_tcp_conn *tcb, uint32_t acked)
{
	bool fast = (tcb->cc_flags & TCB_CC_FAST) != 0;

	if (!(tcb->flags & TCB_F_RECOVERY)) {
		cc_grow(tcb, acked);
		/* Kept just behind SND.UNA once passed: the check of RFC 6582 3.2
		 * (1) holds from then on, whatever the sequence space wraps to. */
		if (seq_gt(tcb->snd_una, tcb->recover))
			tcb->recover = tcb->snd_una - 1u;
		return false;
	}
	if (seq_lt(tcb->snd_una, tcb->recover)) {
		if (fast)
			cc_set_cwnd(tcb, (tcb->cwnd > acked ? tcb->cwnd - acked : 0u) + (acked >= tcb->mss ? tcb->mss : 0u));
		else
			cc_grow(tcb, acked);
		return true;
	}
	tcb->flags &= (uint16_t)~TCB_F_RECOVERY;
	if (fast) {
		tcb->cc_flags &= (uint8_t)~TCB_CC_FAST;
		cc_set_cwnd(tcb, cc_min(tcb->ssthresh, cc_max(tcb->snd_nxt - tcb->snd_una, tcb->mss) + tcb->mss));
		tcb->cc_acked = 0;
	} else {
		cc_grow(tcb, acked);
	}
	return false;
}

/*
 * RFC 5681 3.2 with RFC 6582 3.2:
 * (1) the third duplicate ACK starts a fast retransmit only when "the
 *     Cumulative Acknowledgment field covers more than recover" (the
 *     duplicates of a recovery just ended are no new loss), and never
 *     during a recovery;
 * (2) ssthresh = max(FlightSize / 2, 2*SMSS), recover = SND.NXT;
 * (3) the caller retransmits the lost segment, cwnd = ssthresh + 3*SMSS
 *     (the three segments that left the network);
 * (4) each further duplicate in fast recovery inflates cwnd by SMSS;
 *     tcb_output() then sends new data if cwnd and SND.WND allow (5).
 */
bool cc_dupack(struct fw_tcp_conn *tcb, bool third)
{
	if ((tcb->flags & TCB_F_RECOVERY) && (tcb->cc_flags & TCB_CC_FAST)) {
		cc_set_cwnd(tcb, tcb->cwnd + tcb->mss);
		return false;
	}
	if (!third || (tcb->flags & TCB_F_RECOVERY) || !seq_gt(tcb->snd_una, tcb->recover))
		return false;
	cc_set_ssthresh(tcb, cc_half_flight(tcb));
	cc_set_cwnd(tcb, tcb->ssthresh + 3u * tcb->mss);
	tcb->cc_acked = 0;
	tcb->cc_flags |= TCB_CC_FAST;
	tcb_enter_recovery(tcb);
	STAT_INC(cc_fast_retransmit);
	return true;
}

/*
 * RFC 5681 3.1: on a timeout "the value of ssthresh MUST be set to no
 * more than the value given in equation (4)" when the segment "has not
 * yet been resent by way of the retransmission timer" (a second timeout
 * of it keeps ssthresh), and cwnd "MUST be set to no more than the loss
 * window, LW, which equals 1 full-sized segment". RFC 6582 4: "record the
 * highest sequence number transmitted in the variable recover, and exit
 * the fast recovery procedure". RFC 3465 2.1: the byte count restarts.
 */
void cc_rto(struct fw_tcp_conn *tcb)
{
	if (tcb->retries <= 1u)
		cc_set_ssthresh(tcb, cc_half_flight(tcb));
	tcb->cwnd = tcb->mss;
	tcb->cc_acked = 0;
	tcb->cc_flags &= (uint8_t)~TCB_CC_FAST;
	tcb_enter_recovery(tcb);
	STAT_INC(cc_rto);
}

void cc_abandon(struct fw_tcp_conn *tcb)
{
	if (tcb->cc_flags & TCB_CC_FAST)
		cc_set_cwnd(tcb, cc_min(tcb->cwnd, tcb->ssthresh));
	tcb->cc_flags &= (uint8_t)~TCB_CC_FAST;
}
