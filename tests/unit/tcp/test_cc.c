/*
 * Congestion control (RFC 5681) with NewReno (RFC 6582) and byte counting
 * (RFC 3465), seen on the wire: how many segments each ACK lets out, and
 * cwnd/ssthresh as netstat shows them. SMSS is 1460 (IW = 3 segments).
 * The peer's window is 65535 unless said otherwise, so cwnd is the limit.
 */
#include <string.h>
#include "harness.h"

#define C_SMSS FW_TCP_MSS
#define C_BIG_WND 65535u

static const uint8_t c_buf[FW_TCP_MSS];

/* ESTABLISHED, the peer's window opened to 64 KiB, `n` full segments
 * written (at most FW_TCP_SNDQ_PBUFS); the segments sent are checked by
 * the caller. */
static void c_established_write(unsigned n)
{
	fixture_established();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .wnd = C_BIG_WND);
	expect_no_tx();
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(fw_tcp_write(g.tcb, c_buf, C_SMSS), ERR_OK);
}

/* Segment `i` (0-based, full size) of what c_established_write queued. */
static uint32_t c_seg(unsigned i)
{
	return g.snd + i * C_SMSS;
}

/* The full segments from..to-1 went out, and nothing else. */
static void c_expect_segs(unsigned from, unsigned to)
{
	for (unsigned i = from; i < to; i++)
		expect_tx(F_P | F_A, c_seg(i), g.rcv, C_SMSS);
	expect_no_tx();
}

static void c_ack(uint32_t ack)
{
	inject(.flags = F_A, .seq = g.rcv, .ack = ack, .wnd = C_BIG_WND);
}

static void c_finish(void)
{
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/*
 * RFC 5681 3.1 equation (1): SMSS 1460 (> 1095, <= 2190) -> IW = 3*SMSS.
 * A 8-segment write into a 64 KiB window sends three segments, no more;
 * ssthresh starts "arbitrarily high".
 * write 8 x 1460   > P. x3   (nothing more)
 */
static void iw_bounds_first_flight_rfc5681_3_1(void **state)
{
	(void)state;
	c_established_write(8);
	c_expect_segs(0, 3);
	assert_int_equal(g.tcb->cwnd, 3u * C_SMSS);
	assert_int_equal(g.tcb->ssthresh, TCB_CC_SSTHRESH_INIT);
	c_finish();
}

/*
 * RFC 5681 3.1 equation (1): SMSS 536 (<= 1095) -> IW = 4*SMSS = 2144.
 * < S mss 536  > S.  < .   write 4000   > P. 536 x4   (nothing more)
 */
static void iw_four_segments_small_mss_rfc5681_3_1(void **state)
{
	static const uint8_t buf[4000];
	uint32_t iss;
	(void)state;
	fixture_listen();
	inject(.flags = F_S, .seq = H_PEER_ISS, .mss = 536, .wnd = C_BIG_WND);
	iss = h_peek_tx()->seq;
	expect_tx(F_S | F_A, iss, H_PEER_ISS + 1, 0);
	g.snd = iss + 1;
	g.rcv = H_PEER_ISS + 1;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .wnd = C_BIG_WND);
	g.tcb = app.accepted;
	assert_int_equal(g.tcb->cwnd, 4u * 536u);
	assert_int_equal(fw_tcp_write(g.tcb, buf, sizeof buf), ERR_OK);
	for (unsigned i = 0; i < 4; i++)
		expect_tx(F_P | F_A, g.snd + i * 536u, g.rcv, 536);
	expect_no_tx();
	c_finish();
}

/*
 * Slow start with appropriate byte counting (RFC 3465 2.2, L = 2*SMSS):
 * an ACK of one segment grows cwnd by one SMSS; a stretch ACK of three
 * grows it by two only (not three).
 * > P. 0..2   < . ack 1   > P. 3 4 (cwnd 4)
 * < . ack 5 (four at once)   cwnd 6, not 8   > P. 5..7 (all that is left)
 */
static void slow_start_abc_caps_growth_at_two_smss_rfc3465(void **state)
{
	(void)state;
	c_established_write(8);
	c_expect_segs(0, 3);
	c_ack(c_seg(1));
	assert_int_equal(g.tcb->cwnd, 4u * C_SMSS);
	c_expect_segs(3, 5);
	c_ack(c_seg(5));
	assert_int_equal(g.tcb->cwnd, 6u * C_SMSS);
	c_expect_segs(5, 8);
	c_finish();
}

/*
 * Congestion avoidance by byte counting (RFC 5681 3.1, RFC 3465 2.1):
 * with cwnd >= ssthresh, cwnd grows by one SMSS once a whole cwnd of bytes
 * is acknowledged, whatever the ACKs' sizes. ssthresh set to the IW (as a
 * loss would have left it):
 * > P. 0..2   < . ack 1 > P. 3   < . ack 2 > P. 4   (cwnd 3: one for one)
 * < . ack 3 (3*SMSS acked)  cwnd 4   > P. 5 6
 */
static void congestion_avoidance_counts_bytes_rfc5681_3_1(void **state)
{
	(void)state;
	c_established_write(8);
	g.tcb->ssthresh = g.tcb->cwnd;
	c_expect_segs(0, 3);
	c_ack(c_seg(1));
	c_expect_segs(3, 4);
	c_ack(c_seg(2));
	c_expect_segs(4, 5);
	assert_int_equal(g.tcb->cwnd, 3u * C_SMSS);
	assert_int_equal(g.tcb->cc_acked, 2u * C_SMSS);
	c_ack(c_seg(3));
	assert_int_equal(g.tcb->cwnd, 4u * C_SMSS);
	assert_int_equal(g.tcb->cc_acked, 0);
	c_expect_segs(5, 7);
	c_finish();
}

/* Five segments in flight (2..6, cwnd 5 after two ACKs in slow start),
 * segment 7 still queued, then three duplicate ACKs of segment 2:
 * > P. 0..2  < . ack 1 > P. 3 4  < . ack 2 > P. 5 6  < . ack 2 x3 > P. 2 */
static void c_fast_retransmit(void)
{
	c_established_write(8);
	c_expect_segs(0, 3);
	c_ack(c_seg(1));
	c_expect_segs(3, 5);
	c_ack(c_seg(2));
	c_expect_segs(5, 7);
	assert_int_equal(g.tcb->cwnd, 5u * C_SMSS);
	for (unsigned i = 0; i < 2; i++)
		c_ack(c_seg(2));
	expect_no_tx();
	c_ack(c_seg(2));
	expect_tx(F_P | F_A, c_seg(2), g.rcv, C_SMSS);
	expect_no_tx();
}

/*
 * RFC 5681 3.2 (2), (3): the third duplicate ACK halves: ssthresh =
 * max(FlightSize / 2, 2*SMSS) = 5*SMSS/2, cwnd = ssthresh + 3*SMSS;
 * (4) each further duplicate inflates cwnd by SMSS, and (5) new data goes
 * when the inflated cwnd allows: the fourth lets segment 7 out.
 * ... < . ack 2 x3  > P. 2 (cwnd 5.5 < 5 in flight + 1)   < . ack 2  > P. 7
 */
static void fast_retransmit_halves_then_inflates_rfc5681_3_2(void **state)
{
	(void)state;
	c_fast_retransmit();
	assert_int_equal(g.tcb->ssthresh, 5u * C_SMSS / 2u);
	assert_int_equal(g.tcb->cwnd, 5u * C_SMSS / 2u + 3u * C_SMSS);
	assert_true(g.tcb->flags & TCB_F_RECOVERY);
	assert_int_equal(g.tcb->recover, c_seg(7));
	assert_int_equal(h_stats().cc_fast_retransmit, 1);
	assert_int_equal(h_stats().fast_retransmits, 1);
	c_ack(c_seg(2));
	assert_int_equal(g.tcb->cwnd, 5u * C_SMSS / 2u + 4u * C_SMSS);
	c_expect_segs(7, 8);
	c_finish();
}

/*
 * RFC 6582 3.2 (3), partial ACK: "retransmit the first unacknowledged
 * segment", deflate cwnd by the bytes acknowledged and add SMSS back
 * (at least one SMSS was acknowledged); recovery goes on.
 * ... fast retransmit of 2, < . ack 2 (> P. 7)
 * < . ack 4 (partial: 2 and 3)   > P. 4   cwnd -= 2*SMSS, += SMSS
 */
static void newreno_partial_ack_resends_and_deflates_rfc6582_3_2(void **state)
{
	uint32_t cwnd;
	(void)state;
	c_fast_retransmit();
	c_ack(c_seg(2));
	c_expect_segs(7, 8);
	cwnd = g.tcb->cwnd;
	c_ack(c_seg(4));
	expect_tx(F_P | F_A, c_seg(4), g.rcv, C_SMSS);
	expect_no_tx();
	assert_int_equal(g.tcb->cwnd, cwnd - 2u * C_SMSS + C_SMSS);
	assert_true(g.tcb->flags & TCB_F_RECOVERY);
	assert_int_equal(h_stats().partial_ack_rtx, 1);
	c_finish();
}

/*
 * RFC 6582 3.2 (3), full ACK (SND.UNA reaches "recover"): recovery ends,
 * cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS), option (1): with
 * segment 7 still in flight, 2*SMSS; nothing is resent.
 * ... < . ack 2 (> P. 7)   < . ack 7   (nothing)   cwnd 2*SMSS
 */
static void newreno_full_ack_ends_recovery_rfc6582_3_2(void **state)
{
	(void)state;
	c_fast_retransmit();
	c_ack(c_seg(2));
	c_expect_segs(7, 8);
	c_ack(c_seg(7));
	expect_no_tx();
	assert_false(g.tcb->flags & TCB_F_RECOVERY);
	assert_false(g.tcb->cc_flags & TCB_CC_FAST);
	assert_int_equal(g.tcb->cwnd, 2u * C_SMSS);
	assert_int_equal(h_stats().partial_ack_rtx, 0);
	c_finish();
}

/*
 * RFC 5681 3.1: a timeout sets ssthresh = max(FlightSize / 2, 2*SMSS) and
 * cwnd to the loss window, one SMSS; RFC 6582 4: recover = SND.NXT. Then
 * slow start as ACKs come: the partial ACKs resend the next hole (one
 * segment, within cwnd), and new data waits until what is in flight is
 * below cwnd.
 * > P. 0..2   RTO > P. 0 (cwnd 1, ssthresh 2)
 * < . ack 1  > P. 1 (cwnd 2: 1, 2 in flight)
 * < . ack 2  > P. 2  > P. 3 (cwnd 2, congestion avoidance)
 * < . ack 3 (full: 2*SMSS counted since)  cwnd 3   > P. 4 5
 */
static void rto_collapses_cwnd_then_slow_start_rfc5681_3_1(void **state)
{
	(void)state;
	c_established_write(8);
	c_expect_segs(0, 3);
	h_advance(g.tcb->rto);
	expect_tx(F_P | F_A, c_seg(0), g.rcv, C_SMSS);
	expect_no_tx();
	assert_int_equal(g.tcb->cwnd, C_SMSS);
	assert_int_equal(g.tcb->ssthresh, 2u * C_SMSS);
	assert_int_equal(g.tcb->recover, c_seg(3));
	assert_int_equal(h_stats().cc_rto, 1);
	c_ack(c_seg(1));
	assert_int_equal(g.tcb->cwnd, 2u * C_SMSS);
	expect_tx(F_P | F_A, c_seg(1), g.rcv, C_SMSS);
	expect_no_tx();
	c_ack(c_seg(2));
	assert_int_equal(g.tcb->cwnd, 2u * C_SMSS);
	expect_tx(F_P | F_A, c_seg(2), g.rcv, C_SMSS);
	c_expect_segs(3, 4);
	c_ack(c_seg(3));
	assert_false(g.tcb->flags & TCB_F_RECOVERY);
	assert_int_equal(g.tcb->cwnd, 3u * C_SMSS);
	c_expect_segs(4, 6);
	c_finish();
}

/*
 * RFC 5681 4.1: nothing sent for more than an RTO -> cwnd = min(RW, cwnd),
 * RW = min(IW, cwnd). cwnd grew to 5*SMSS; after the idle time the next
 * write leaves as three segments again, not five.
 * > P. 0..2  < . ack 3 (cwnd 5)  ... idle RTO + 1 ...  write 8  > P. x3
 */
/* The IW sent and acknowledged (cwnd 5*SMSS), an RTO and `beyond` ms
 * with nothing sent, then 8 segments written. */
static void c_idle_then_write(uint32_t beyond)
{
	c_established_write(3);
	c_expect_segs(0, 3);
	c_ack(c_seg(3));
	assert_int_equal(g.tcb->cwnd, 5u * C_SMSS);
	g.snd = c_seg(3);
	h_advance(g.tcb->rto + beyond);
	expect_no_tx();
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(fw_tcp_write(g.tcb, c_buf, C_SMSS), ERR_OK);
}

static void restart_after_idle_rfc5681_4_1(void **state)
{
	(void)state;
	c_idle_then_write(1);
	c_expect_segs(0, 3);
	assert_int_equal(g.tcb->cwnd, 3u * C_SMSS);
	assert_int_equal(h_stats().cc_idle_restart, 1);
	c_finish();
}

/* The same within one RTO: cwnd is kept (five segments go at once). */
static void no_restart_within_rto_rfc5681_4_1(void **state)
{
	(void)state;
	c_idle_then_write(0);
	c_expect_segs(0, 5);
	assert_int_equal(h_stats().cc_idle_restart, 0);
	c_finish();
}

/*
 * RFC 6582 3.2 (1): three duplicates of an ACK that does not cover more
 * than "recover" start no fast retransmit (they may answer what the
 * recovery resent); once SND.UNA passes "recover", three do.
 * > P. 0..2   RTO > P. 0   < . ack 3 (= recover; cwnd 3)  > P. 3 4 5
 * < . ack 3 x3 (nothing)   < . ack 4   > P. 6
 * < . ack 4 x3   > P. 4 (fast retransmit)
 */
static void no_fast_retransmit_at_recover_rfc6582_3_2(void **state)
{
	(void)state;
	c_established_write(8);
	c_expect_segs(0, 3);
	h_advance(g.tcb->rto);
	expect_tx(F_P | F_A, c_seg(0), g.rcv, C_SMSS);
	c_ack(c_seg(3));
	assert_false(g.tcb->flags & TCB_F_RECOVERY);
	c_expect_segs(3, 6);
	for (unsigned i = 0; i < 3; i++)
		c_ack(c_seg(3));
	expect_no_tx();
	assert_int_equal(h_stats().fast_retransmits, 0);
	c_ack(c_seg(4));
	c_expect_segs(6, 7);
	for (unsigned i = 0; i < 3; i++)
		c_ack(c_seg(4));
	expect_tx(F_P | F_A, c_seg(4), g.rcv, C_SMSS);
	assert_int_equal(h_stats().fast_retransmits, 1);
	c_finish();
}

/*
 * RFC 5681 3.1: "If the SYN or SYN/ACK is lost, the initial window used
 * by a sender after a correctly transmitted SYN MUST be one segment".
 * < S  > S.  (lost)  RTO > S.  < .   write 3 x 1460   > P. 0 only
 */
static void iw_one_segment_after_lost_syn_ack_rfc5681_3_1(void **state)
{
	uint32_t iss;
	(void)state;
	fixture_listen();
	inject(.flags = F_S, .seq = H_PEER_ISS, .mss = 1460, .wnd = C_BIG_WND);
	iss = h_peek_tx()->seq;
	expect_tx(F_S | F_A, iss, H_PEER_ISS + 1, 0);
	h_advance(FW_RTO_INITIAL_MS);
	expect_tx(F_S | F_A, iss, H_PEER_ISS + 1, 0);
	g.snd = iss + 1;
	g.rcv = H_PEER_ISS + 1;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .wnd = C_BIG_WND);
	g.tcb = app.accepted;
	assert_int_equal(g.tcb->cwnd, C_SMSS);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(fw_tcp_write(g.tcb, c_buf, C_SMSS), ERR_OK);
	c_expect_segs(0, 1);
	c_finish();
}

const struct CMUnitTest tcp_cc_tests[] = {
	H_TEST(iw_bounds_first_flight_rfc5681_3_1),
	H_TEST(iw_four_segments_small_mss_rfc5681_3_1),
	H_TEST(slow_start_abc_caps_growth_at_two_smss_rfc3465),
	H_TEST(congestion_avoidance_counts_bytes_rfc5681_3_1),
	H_TEST(fast_retransmit_halves_then_inflates_rfc5681_3_2),
	H_TEST(newreno_partial_ack_resends_and_deflates_rfc6582_3_2),
	H_TEST(newreno_full_ack_ends_recovery_rfc6582_3_2),
	H_TEST(rto_collapses_cwnd_then_slow_start_rfc5681_3_1),
	H_TEST(restart_after_idle_rfc5681_4_1),
	H_TEST(no_restart_within_rto_rfc5681_4_1),
	H_TEST(no_fast_retransmit_at_recover_rfc6582_3_2),
	H_TEST(iw_one_segment_after_lost_syn_ack_rfc5681_3_1),
};
const size_t tcp_cc_count = sizeof tcp_cc_tests / sizeof tcp_cc_tests[0];
