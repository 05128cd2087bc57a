/*
 * One event, few segments: what one fw_tcp_input()/fw_tcp_timers() call and the
 * application callbacks it makes produce for a TCB leaves in as few
 * segments as the RFC allows. RFC 9293 3.8.6.3 and RFC 1122 4.2.3.2 let an
 * ACK wait to be combined with data (by less than 0.5 s, every second
 * full-size segment ACKed); the ACK owed waits at least until the end of
 * the event (test_delack.c: for in-order data, up to FW_TCP_ACK_DELAY_MS).
 * Outside events the API sends at once.
 */
#include "harness.h"

/* Daytime (RFC 867): the application writes and closes in accept_cb; the
 * FIN rides on the data (RFC 9293 3.10.4, CLOSE: "queue this until all
 * preceding SENDs have been segmentized, then form a FIN segment").
 * < S  > S.  < .  (accept_cb: write 26, close)  > FP. 26  < F. acks all  > . */
static void daytime_data_and_fin_one_segment_rfc9293_3_10_4(void **state)
{
	(void)state;
	fixture_listen();
	app.accept_write = 26;
	inject(.flags = F_S, .seq = H_PEER_ISS, .mss = 1460);
	g.iss = h_peek_tx()->seq;
	expect_tx(F_S | F_A, g.iss, H_PEER_ISS + 1, 0);
	g.snd = g.iss + 1;
	g.rcv = H_PEER_ISS + 1;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_tx(F_F | F_P | F_A, g.snd, g.rcv, 26);
	expect_no_tx();
	g.tcb = app.accepted;
	expect_state(g.tcb, FW_TCP_FIN_WAIT_1);
	g.snd += 27;
	inject(.flags = F_F | F_A, .seq = g.rcv, .ack = g.snd);
	g.rcv++;
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_no_tx();
	assert_int_equal(h_tw_in_use(), 1);
}

/* Echo and close from recv_cb (a server that closes first): reply data,
 * FIN and the ACK of the request in one segment (RFC 1122 4.2.3.2).
 * < P. 100  > FP. 100 ack +100  < F. acks all  > . */
static void echo_then_close_in_recv_one_segment_rfc1122_4_2_3_2(void **state)
{
	(void)state;
	fixture_established();
	app.echo_in_recv = true;
	app.recved_at_once = true;
	app.close_after_echo = true;
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 100);
	g.rcv += 100;
	expect_tx(F_F | F_P | F_A, g.snd, g.rcv, 100);
	assert_int_equal(h_last_tx()->wnd, FW_TCP_WND);   /* recved: nothing held */
	expect_no_tx();
	g.snd += 101;
	expect_state(g.tcb, FW_TCP_FIN_WAIT_1);
	inject(.flags = F_F | F_A, .seq = g.rcv, .ack = g.snd);
	g.rcv++;
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_tw_in_use(), 1);
}

/* Passive close, the application closes on end of stream: CLOSE_WAIT ->
 * LAST_ACK inside the event, so the ACK of the peer's FIN and our FIN are
 * one segment (RFC 9293 3.10.7.4 eighth: "send an acknowledgment for the
 * FIN", delayed per 3.8.6.3 onto the FIN of CLOSE).
 * < F.  > F. ack +1  < . acks our FIN  (closed) */
static void close_on_eof_fin_ack_combined_rfc9293_3_8_6_3(void **state)
{
	(void)state;
	fixture_established();
	app.close_on_eof = true;
	inject(.flags = F_F | F_A, .seq = g.rcv, .ack = g.snd);
	g.rcv++;
	expect_tx(F_F | F_A, g.snd, g.rcv, 0);
	expect_no_tx();
	assert_int_equal(app.eofs, 1);
	expect_state(g.tcb, FW_TCP_LAST_ACK);
	g.snd++;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_no_tx();
	assert_int_equal(h_tcbs_in_use(), 0);   /* listeners take no TCB */
	assert_int_equal(h_tw_in_use(), 0);
}

/* The application does nothing in its callbacks: data and FIN are still
 * ACKed at the end of the event (RFC 9293 3.10.7.4 seventh and eighth),
 * the window counting the bytes it holds (RFC 9293 3.8.6.2.2).
 * < P. 100  > . win W-100  < F.  > . ack +1 */
static void ack_sent_when_app_does_nothing_rfc9293_3_10_7_4(void **state)
{
	(void)state;
	fixture_established();
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 100);
	g.rcv += 100;
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_last_tx()->wnd, FW_TCP_WND - 100);
	expect_no_tx();
	inject(.flags = F_F | F_A, .seq = g.rcv, .ack = g.snd);
	g.rcv++;
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_no_tx();
	expect_state(g.tcb, FW_TCP_CLOSE_WAIT);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* Outside an event (main loop, console) the API sends at once: each call
 * its own segment, in call order (RFC 9293 3.10.2 SEND, 3.10.4 CLOSE),
 * and a window update when fw_tcp_recved() reopens the window (3.8.6.2.2). */
static void api_outside_event_sends_at_once_rfc9293_3_10_2(void **state)
{
	(void)state;
	fixture_established();
	for (unsigned got = 0; got < FW_TCP_WND; got += FW_TCP_MSS) {
		inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = FW_TCP_MSS);
		g.rcv += FW_TCP_MSS;
		expect_ack_by_delay(g.snd, g.rcv);
	}
	assert_int_equal(h_last_tx()->wnd, 0);
	fw_tcp_recved(g.tcb, FW_TCP_WND);
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_last_tx()->wnd, FW_TCP_WND);
	assert_int_equal(fw_tcp_write(g.tcb, "abc", 3), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, 3);
	expect_no_tx();
	g.snd += 3;
	fw_tcp_close(g.tcb);
	expect_tx(F_F | F_A, g.snd, g.rcv, 0);
	expect_no_tx();
	g.snd++;
	inject(.flags = F_F | F_A, .seq = g.rcv, .ack = g.snd);
	g.rcv++;
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_tw_in_use(), 1);
}

/* fw_tcp_abort() inside recv_cb: the RST (RFC 9293 3.10.5 ABORT) is all that
 * goes out, the ACK the data earned goes with the TCB; the slot, taken by
 * the next connection, carries nothing of it over. */
static void abort_in_recv_leaves_no_owed_ack_rfc9293_3_10_5(void **state)
{
	(void)state;
	fixture_established();
	app.abort_in_recv = true;
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 100);
	expect_tx(F_R | F_A, g.snd, g.rcv + 100, 0);
	expect_no_tx();
	assert_int_equal(h_tcbs_in_use(), 0);   /* listeners take no TCB */
	/* a new connection gets the freed slot: only its SYN,ACK goes out */
	inject(.flags = F_S, .seq = 7000, .rport = H_RPORT + 1);
	assert_non_null(h_peek_tx());
	assert_int_equal(h_peek_tx()->flags, F_S | F_A);
	h_tx_head_skip();
	expect_no_tx();
	h_advance(FW_RTO_INITIAL_MS * 100u);   /* SYN,ACK retries run out */
	h_tx_drain();
	assert_int_equal(h_tcbs_in_use(), 0);
}

/* Half-closed application (shutdown of the write side) in FIN_WAIT_2:
 * the peer's FIN moves it to TIME_WAIT within the event, which frees the
 * TCB; the ACK of the FIN (RFC 9293 3.10.7.4 eighth) still goes out,
 * before the TCB is released. */
static void fin_wait_2_fin_acked_before_time_wait_rfc9293_3_10_7_4(void **state)
{
	(void)state;
	fixture_established();
	fw_tcp_shutdown(g.tcb, false, true);
	expect_tx(F_F | F_A, g.snd, g.rcv, 0);
	g.snd++;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_state(g.tcb, FW_TCP_FIN_WAIT_2);
	inject(.flags = F_F | F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 10);
	g.rcv += 11;
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_no_tx();
	assert_int_equal(app.rx_bytes, 10);
	assert_int_equal(app.eofs, 1);
	assert_int_equal(app.errs, 1);
	assert_int_equal(app.last_err, ERR_CLSD);
	assert_int_equal(h_tw_in_use(), 1);
}

/* Active open, connected_cb writes: the ACK of the SYN,ACK rides on the
 * data (RFC 9293 3.10.7.3: "Data or controls that were queued for
 * transmission MAY be included").
 * > S  < S.  > P. 20 ack +1 */
static void connect_write_carries_syn_ack_ack_rfc9293_3_10_7_3(void **state)
{
	(void)state;
	fixture_syn_sent();
	app.connect_write = 20;
	uint16_t lport = g.tcb->t.lport;
	inject(.flags = F_S | F_A, .seq = 5000, .ack = g.snd, .lport = lport);
	g.rcv = 5001;
	expect_tx(F_P | F_A, g.snd, g.rcv, 20);
	expect_no_tx();
	assert_int_equal(app.connects, 1);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* The unacceptable segment's ACK (RFC 9293 3.10.7.4 first check) is not
 * held for the event's end: it goes at once, and no second ACK follows. */
static void unacceptable_segment_acked_once_rfc9293_3_10_7_4(void **state)
{
	(void)state;
	fixture_established();
	inject(.flags = F_P | F_A, .seq = g.rcv + FW_TCP_WND + 10, .ack = g.snd, .len = 10);
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_no_tx();
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* A relay: what arrives on one connection is echoed on it and written to
 * another, from recv_cb. */
static struct fw_tcp_conn *relay_to;

static err_t relay_recv_cb(void *arg, struct fw_tcp_conn *conn, struct pbuf *p)
{
	uint8_t buf[128];
	uint16_t n;

	(void)arg;
	if (!p)
		return ERR_OK;
	n = pbuf_copy_partial(p, buf, sizeof buf, 0);
	assert_int_equal(fw_tcp_write(conn, buf, n), ERR_OK);
	assert_int_equal(fw_tcp_write(relay_to, buf, n), ERR_OK);
	fw_tcp_recved(conn, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

/* One event queues output on two connections (recv_cb of the first writes
 * on both): each sends when the event ends (RFC 1122 4.2.3.2: the ACK owed
 * rides on the echo; nothing waits for another event), in pool order.
 * < P. 100 on A  > P. 100 on A (ack +100)  > P. 100 on B */
static void output_of_one_event_on_two_connections_both_leave_rfc1122_4_2_3_2(void **state)
{
	uint32_t b_snd;

	(void)state;
	fixture_established();
	relay_to = h_establish_from(H_RPORT + 1u, &b_snd);
	fw_tcp_recv(g.tcb, relay_recv_cb);
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 100);
	g.rcv += 100;
	assert_non_null(h_peek_tx());
	assert_int_equal(h_peek_tx()->dport, H_RPORT);
	expect_tx(F_P | F_A, g.snd, g.rcv, 100);
	assert_non_null(h_peek_tx());
	assert_int_equal(h_peek_tx()->dport, H_RPORT + 1u);
	expect_tx(F_P | F_A, b_snd, H_PEER_ISS + 1u, 100);
	expect_no_tx();
	fw_tcp_abort(relay_to);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

const struct CMUnitTest tcp_coalesce_tests[] = {
	H_TEST(daytime_data_and_fin_one_segment_rfc9293_3_10_4),
	H_TEST(echo_then_close_in_recv_one_segment_rfc1122_4_2_3_2),
	H_TEST(close_on_eof_fin_ack_combined_rfc9293_3_8_6_3),
	H_TEST(ack_sent_when_app_does_nothing_rfc9293_3_10_7_4),
	H_TEST(api_outside_event_sends_at_once_rfc9293_3_10_2),
	H_TEST(abort_in_recv_leaves_no_owed_ack_rfc9293_3_10_5),
	H_TEST(fin_wait_2_fin_acked_before_time_wait_rfc9293_3_10_7_4),
	H_TEST(connect_write_carries_syn_ack_ack_rfc9293_3_10_7_3),
	H_TEST(unacceptable_segment_acked_once_rfc9293_3_10_7_4),
	H_TEST(output_of_one_event_on_two_connections_both_leave_rfc1122_4_2_3_2),
};
const size_t tcp_coalesce_count = sizeof tcp_coalesce_tests / sizeof tcp_coalesce_tests[0];
