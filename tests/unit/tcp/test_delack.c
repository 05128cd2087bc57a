/*
 * Delayed ACK (RFC 9293 3.8.6.3, RFC 5681 4.2, RFC 1122 4.2.3.2): the ACK
 * for in-order data may wait, less than 0.5 s (FW_TCP_ACK_DELAY_MS here),
 * for reply data to carry it; at least every second full-sized segment
 * is ACKed at once, and so is everything the peer waits for: out-of-order
 * data, a hole filled, a FIN, the handshake, a zero-window probe.
 */
#include "harness.h"

#define D_SMALL 100u

/* ESTABLISHED, a discard-like application (gives every byte back at
 * once), and the SYN's one-buffer window grown to FW_TCP_WND:
 * < P. 100  > . win W (at once: it filled the SYN's window) */
static void dack_established(void)
{
	fixture_established();
	app.recved_at_once = true;
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = D_SMALL);
	g.rcv += D_SMALL;
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_last_tx()->wnd, FW_TCP_WND);
}

static void dack_data(uint16_t len)
{
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = len);
	g.rcv += len;
}

/* Out of order, hole filled, FIN, handshake: at once with or without the
 * delay (the tests below hold in both builds). */

/* RFC 5681 4.2: "an immediate duplicate ACK ... when an out-of-order
 * segment arrives".  < P. 100 at +100  > . ack RCV.NXT (at once) */
static void dack_out_of_order_acked_at_once_rfc5681_4_2(void **s)
{
	(void)s;
	dack_established();
	inject(.flags = F_P | F_A, .seq = g.rcv + D_SMALL, .ack = g.snd, .len = D_SMALL);
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_no_tx();
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* RFC 5681 4.2: "an immediate ACK ... when a segment arrives that fills
 * in all or part of a gap".
 * < P. 100 at +200 (> . dup)  < P. 100 at +0 (part)  > . ack +100 at once
 * < P. 100 at +100 (the rest)  > . ack +300 at once */
static void dack_hole_fill_in_part_and_whole_acked_at_once_rfc5681_4_2(void **s)
{
	(void)s;
	dack_established();
	inject(.flags = F_P | F_A, .seq = g.rcv + 2u * D_SMALL, .ack = g.snd, .len = D_SMALL);
	expect_tx(F_A, g.snd, g.rcv, 0);
	dack_data(D_SMALL);
	expect_tx(F_A, g.snd, g.rcv, 0);
	dack_data(D_SMALL);
	g.rcv += D_SMALL;              /* the queued segment follows */
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_no_tx();
	assert_int_equal(h_stats().delayed_acks, 0);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* RFC 9293 3.10.7.4 eighth: the FIN is ACKed at once, with the data before
 * it whose ACK was waiting.  < P. 100 (waits)  < F.  > . ack +101 at once */
static void dack_fin_acked_at_once_with_waiting_data_rfc9293_3_10_7_4(void **s)
{
	(void)s;
	dack_established();
	dack_data(D_SMALL);
#if FW_TCP_DELAYED_ACK
	expect_no_tx();
#else
	expect_tx(F_A, g.snd, g.rcv, 0);
#endif
	inject(.flags = F_F | F_A, .seq = g.rcv, .ack = g.snd);
	g.rcv++;
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_state(g.tcb, FW_TCP_CLOSE_WAIT);
	h_advance(FW_TCP_ACK_DELAY_MS);
	expect_no_tx();
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* Data on the ACK that completes the handshake (SYN_RCVD) is ACKed at
 * once.  < S  > S.  < . P. 100  > . ack +100 */
static void dack_handshake_data_acked_at_once(void **s)
{
	(void)s;
	fixture_listen();
	inject(.flags = F_S, .seq = H_PEER_ISS, .mss = 1460);
	g.iss = h_peek_tx()->seq;
	expect_tx(F_S | F_A, g.iss, H_PEER_ISS + 1, 0);
	g.snd = g.iss + 1;
	g.rcv = H_PEER_ISS + 1;
	dack_data(D_SMALL);
	expect_tx(F_A, g.snd, g.rcv, 0);
	g.tcb = app.accepted;
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* Echo inside the event (RFC 1122 4.2.3.2): the reply carries the ACK, one
 * segment on the wire, and nothing follows at the delay.
 * < P. 100  > P. 100 ack +100   (delay: nothing) */
static void dack_echo_in_event_one_segment_rfc1122_4_2_3_2(void **s)
{
	(void)s;
	dack_established();
	app.echo_in_recv = true;
	dack_data(D_SMALL);
	expect_tx(F_P | F_A, g.snd, g.rcv, D_SMALL);
	g.snd += D_SMALL;
	expect_no_tx();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	h_advance(2u * FW_TCP_ACK_DELAY_MS);
	expect_no_tx();
	assert_int_equal(h_stats().delayed_acks, 0);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

#if FW_TCP_DELAYED_ACK
/* RFC 9293 3.8.6.3: one full segment's ACK waits, and goes at the delay
 * when no data came to carry it (counted in delayed_acks).
 * < P. 1460  (nothing for FW_TCP_ACK_DELAY_MS - 1)  > . ack +1460 */
static void dack_one_full_segment_acked_at_the_delay_rfc9293_3_8_6_3(void **s)
{
	uint32_t at;
	(void)s;
	dack_established();
	dack_data(FW_TCP_MSS);
	expect_no_tx();
	assert_true(fw_tcp_next_deadline(&at));
	assert_int_equal(at, h_now + FW_TCP_ACK_DELAY_MS);
	h_advance(FW_TCP_ACK_DELAY_MS - 1u);
	expect_no_tx();
	h_advance(1);
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_last_tx()->wnd, FW_TCP_WND);
	expect_no_tx();
	assert_int_equal(h_stats().delayed_acks, 1);
	assert_int_equal(h_stats().acks_two_full, 0);
	assert_false(g.tcb->timers & TCB_T_DACK);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* RFC 5681 4.2, RFC 9293 3.8.6.3 SHLD-19: "an ACK ... for at least every
 * second full-sized segment".  < P. 1460 (waits)  < P. 1460 (50 ms on)  > . at once */
static void dack_second_full_segment_acked_at_once_rfc5681_4_2(void **s)
{
	(void)s;
	dack_established();
	dack_data(FW_TCP_MSS);
	expect_no_tx();
	h_advance(50);
	dack_data(FW_TCP_MSS);
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_no_tx();
	assert_int_equal(h_stats().acks_two_full, 1);
	h_advance(FW_TCP_ACK_DELAY_MS);
	expect_no_tx();                /* the timer went with the ACK */
	assert_int_equal(h_stats().delayed_acks, 0);
	/* the count starts again: the third waits */
	dack_data(FW_TCP_MSS);
	expect_delayed_ack(g.snd, g.rcv);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* The delay runs from the first byte owed and is never pushed back, so no
 * ACK waits longer than FW_TCP_ACK_DELAY_MS.
 * t0 < P. 100   t0+150 < P. 100   t0+200 > . ack +200 */
static void dack_delay_never_exceeds_the_maximum_rfc9293_3_8_6_3(void **s)
{
	uint32_t t0, at;
	(void)s;
	dack_established();
	t0 = h_now;
	dack_data(D_SMALL);
	h_advance(150);
	dack_data(D_SMALL);
	expect_no_tx();
	assert_true(fw_tcp_next_deadline(&at));
	assert_int_equal(at, t0 + FW_TCP_ACK_DELAY_MS);
	h_advance(FW_TCP_ACK_DELAY_MS - 150u - 1u);
	expect_no_tx();
	h_advance(1);
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_last_tx()->t, t0 + FW_TCP_ACK_DELAY_MS);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* A reply the application sends after the event, within the delay,
 * carries the ACK: no bare ACK before or after it.
 * < P. 100   (+100 ms, outside any event: write 10)  > P. 10 ack +100 */
static void dack_reply_after_the_event_carries_the_ack(void **s)
{
	(void)s;
	dack_established();
	dack_data(D_SMALL);
	expect_no_tx();
	h_advance(FW_TCP_ACK_DELAY_MS / 2u);
	expect_no_tx();
	assert_int_equal(fw_tcp_write(g.tcb, "0123456789", 10), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, 10);
	g.snd += 10;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	h_advance(FW_TCP_ACK_DELAY_MS);
	expect_no_tx();
	assert_int_equal(h_stats().delayed_acks, 0);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* A zero-window probe is answered at once (the peer waits for the window).
 * The application gives back only a few bytes: receiver SWS avoidance
 * keeps the offer at zero, so the peer probes; the probe byte fits now
 * and its ACK does not wait.
 * < P. x4 (window full, app keeps the bytes)  > . win 0
 * app: recved(100) (no update)   < P. 1 (probe)  > . ack +1 at once */
static void dack_zero_window_probe_acked_at_once_rfc9293_3_8_6_1(void **s)
{
	uint32_t delayed;
	(void)s;
	dack_established();
	app.recved_at_once = false;
	for (unsigned got = 0; got < FW_TCP_WND; got += FW_TCP_MSS) {
		dack_data(FW_TCP_MSS);
		expect_ack_by_delay(g.snd, g.rcv);
	}
	assert_int_equal(h_last_tx()->wnd, 0);
	delayed = h_stats().delayed_acks;
	fw_tcp_recved(g.tcb, D_SMALL);
	h_advance(0);
	expect_no_tx();
	dack_data(1);
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_stats().delayed_acks, delayed);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}
#else
/* Without delayed ACK, the ACK leaves at the end of the event that owes
 * it, as before.  < P. 100  > . at once */
static void dack_off_acks_at_the_end_of_the_event(void **s)
{
	(void)s;
	dack_established();
	dack_data(D_SMALL);
	expect_tx(F_A, g.snd, g.rcv, 0);
	dack_data(FW_TCP_MSS);
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_stats().delayed_acks, 0);
	assert_int_equal(h_stats().acks_two_full, 0);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}
#endif

const struct CMUnitTest tcp_delack_tests[] = {
	H_TEST(dack_out_of_order_acked_at_once_rfc5681_4_2),
	H_TEST(dack_hole_fill_in_part_and_whole_acked_at_once_rfc5681_4_2),
	H_TEST(dack_fin_acked_at_once_with_waiting_data_rfc9293_3_10_7_4),
	H_TEST(dack_handshake_data_acked_at_once),
	H_TEST(dack_echo_in_event_one_segment_rfc1122_4_2_3_2),
#if FW_TCP_DELAYED_ACK
	H_TEST(dack_one_full_segment_acked_at_the_delay_rfc9293_3_8_6_3),
	H_TEST(dack_second_full_segment_acked_at_once_rfc5681_4_2),
	H_TEST(dack_delay_never_exceeds_the_maximum_rfc9293_3_8_6_3),
	H_TEST(dack_reply_after_the_event_carries_the_ack),
	H_TEST(dack_zero_window_probe_acked_at_once_rfc9293_3_8_6_1),
#else
	H_TEST(dack_off_acks_at_the_end_of_the_event),
#endif
};
const size_t tcp_delack_count = sizeof tcp_delack_tests / sizeof tcp_delack_tests[0];
