/*
 * Nagle (RFC 9293 3.7.4, SHLD-7) and the sender's silly window syndrome
 * avoidance (RFC 9293 3.8.6.2.1, MUST-38): which short segments wait, for
 * what, and what lets them go (the ACK, a full segment, fw_tcp_nagle(off),
 * the FIN, half the peer's largest window, the override timer).
 */
#include <string.h>
#include "harness.h"

static const uint8_t n_buf[FW_TCP_MSS];

static void n_write(uint16_t len)
{
	assert_int_equal(fw_tcp_write(g.tcb, n_buf, len), ERR_OK);
}

static void n_finish(void)
{
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* ESTABLISHED, 100 bytes written and in flight: > P. 100. */
static void n_in_flight(void)
{
	fixture_established();
	n_write(100);
	expect_tx(F_P | F_A, g.snd, g.rcv, 100);
}

/*
 * Nagle: with data in flight a short segment waits for its ACK, and what
 * the application writes meanwhile leaves with it, as one segment.
 * write 100  > P. 100   write 100, write 100 (nothing)   < . ack +100  > P. 200
 */
static void nagle_holds_small_segment_until_ack_rfc9293_3_7_4(void **state)
{
	(void)state;
	n_in_flight();
	n_write(100);
	n_write(100);
	expect_no_tx();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 100u);
	expect_tx(F_P | F_A, g.snd + 100u, g.rcv, 200);
	expect_no_tx();
	n_finish();
}

/* Nagle holds only short segments: a full one goes with data in flight.
 * write 100  > P. 100   write 1460  > P. 1460 */
static void nagle_sends_full_segment_in_flight_rfc9293_3_7_4(void **state)
{
	(void)state;
	n_in_flight();
	n_write(FW_TCP_MSS);
	expect_tx(F_P | F_A, g.snd + 100u, g.rcv, FW_TCP_MSS);
	expect_no_tx();
	n_finish();
}

/* fw_tcp_nagle(off): every write leaves at once, in flight or not.
 * nagle off   write 100  > P. 100   write 100  > P. 100 */
static void nodelay_sends_at_once(void **state)
{
	(void)state;
	fixture_established();
	fw_tcp_nagle(g.tcb, false);
	n_write(100);
	expect_tx(F_P | F_A, g.snd, g.rcv, 100);
	n_write(100);
	expect_tx(F_P | F_A, g.snd + 100u, g.rcv, 100);
	expect_no_tx();
	n_finish();
}

/* Turning Nagle off sends what it held, at once; on again, it holds again.
 * write 100 > P. 100  write 50 (held)  nagle off  > P. 50  nagle on  write 10 (held) */
static void nagle_off_releases_held_data(void **state)
{
	(void)state;
	n_in_flight();
	n_write(50);
	expect_no_tx();
	fw_tcp_nagle(g.tcb, false);
	expect_tx(F_P | F_A, g.snd + 100u, g.rcv, 50);
	fw_tcp_nagle(g.tcb, true);
	n_write(10);
	expect_no_tx();
	n_finish();
}

/* The application closes: nothing more will come, so the held tail goes
 * with the FIN.
 * write 100 > P. 100   write 50 (held)   shutdown(tx)   > FP. 50 */
static void fin_pushes_held_tail(void **state)
{
	(void)state;
	n_in_flight();
	n_write(50);
	expect_no_tx();
	fw_tcp_shutdown(g.tcb, false, true);
	expect_tx(F_F | F_P | F_A, g.snd + 100u, g.rcv, 50);
	expect_state(g.tcb, FW_TCP_FIN_WAIT_1);
	n_finish();
}

/* Echo-style exchanges stay one segment each way: the reply finds nothing
 * in flight (the request carried the ACK of the last reply).
 * < P. 10  > P. 10 ack +10   < P. 10 ack (reply)  > P. 10 ack +10 */
static void echo_reply_leaves_at_once(void **state)
{
	(void)state;
	fixture_established();
	app.echo_in_recv = true;
	app.recved_at_once = true;
	for (unsigned i = 0; i < 2; i++) {
		inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 10);
		g.rcv += 10;
		expect_tx(F_P | F_A, g.snd, g.rcv, 10);
		expect_no_tx();
		g.snd += 10;
	}
	n_finish();
}

/*
 * Sender SWS avoidance: the peer offers 500 bytes (its window was 8192),
 * less than a segment, the queue and half its largest window: nothing
 * goes, until the override timer (FW_TCP_SWS_OVERRIDE_MS, nothing in
 * flight) sends what fits.
 * < . win 500   write 3000 (nothing)   +override  > P. 500
 */
static void sws_override_timer_sends_small_segment_rfc9293_3_8_6_2_1(void **state)
{
	(void)state;
	fixture_established();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .wnd = 500);
	n_write(FW_TCP_MSS);
	n_write(FW_TCP_MSS);
	expect_no_tx();
	assert_true(g.tcb->timers & TCB_T_SWS);
	h_advance(FW_TCP_SWS_OVERRIDE_MS - 1u);
	expect_no_tx();
	h_advance(1);
	expect_tx(F_P | F_A, g.snd, g.rcv, 500);
	expect_no_tx();
	assert_int_equal(h_stats().sws_override, 1);
	assert_int_equal(h_stats().retransmits, 0);   /* held data is no loss */
	assert_int_equal(g.tcb->retries, 0);
	n_finish();
}

/*
 * A peer whose window is never a full segment (1000 here) still gets
 * data: a segment of at least half its largest window goes at once
 * ("Fs * Max(SND.WND)", Fs = 1/2); less waits.
 * < S win 1000  > S.  < . win 1000   write 3000  > P. 1000
 * < . ack +1000 win 600  > P. 600   < . ack +600 win 400  (nothing)
 */
static void sws_half_max_window_sends_rfc9293_3_8_6_2_1(void **state)
{
	uint32_t iss;
	(void)state;
	fixture_listen();
	inject(.flags = F_S, .seq = H_PEER_ISS, .mss = 1460, .wnd = 1000);
	iss = h_peek_tx()->seq;
	expect_tx(F_S | F_A, iss, H_PEER_ISS + 1, 0);
	g.snd = iss + 1;
	g.rcv = H_PEER_ISS + 1;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .wnd = 1000);
	g.tcb = app.accepted;
	n_write(FW_TCP_MSS);
	n_write(FW_TCP_MSS);
	expect_tx(F_P | F_A, g.snd, g.rcv, 1000);
	expect_no_tx();
	g.snd += 1000;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .wnd = 600);
	expect_tx(F_P | F_A, g.snd, g.rcv, 600);
	g.snd += 600;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .wnd = 400);
	expect_no_tx();
	n_finish();
}

const struct CMUnitTest tcp_nagle_tests[] = {
	H_TEST(nagle_holds_small_segment_until_ack_rfc9293_3_7_4),
	H_TEST(nagle_sends_full_segment_in_flight_rfc9293_3_7_4),
	H_TEST(nodelay_sends_at_once),
	H_TEST(nagle_off_releases_held_data),
	H_TEST(fin_pushes_held_tail),
	H_TEST(echo_reply_leaves_at_once),
	H_TEST(sws_override_timer_sends_small_segment_rfc9293_3_8_6_2_1),
	H_TEST(sws_half_max_window_sends_rfc9293_3_8_6_2_1),
};
const size_t tcp_nagle_count = sizeof tcp_nagle_tests / sizeof tcp_nagle_tests[0];
