/*
 * Reopening a connection from TIME_WAIT (RFC 1122 4.2.2.13, RFC 9293
 * 3.6.1 MAY-2): the entry, and with it the ISN floor, stays until the new
 * incarnation is synchronized; a SYN nobody can take is answered as any
 * SYN in TIME-WAIT; a new incarnation that dies in SYN_RCVD (the SYN was an
 * old duplicate) leaves TIME_WAIT as it was.
 */
#include "harness.h"

#define BULK_BYTES (320u * 1024u)   /* more than 250 ISN ticks/ms x 1 s + a window */
#define BULK_WND 65535u
#define FIRST_PORT 41000u

/* Send `bytes` from the application, ACKing everything as it goes (the
 * engine's clock stands still): SND.NXT runs far ahead of the ISN clock,
 * as in any bulk transfer faster than 2 Mbit/s. */
static void h_send_bulk(uint32_t bytes)
{
	static const uint8_t buf[FW_TCP_MSS];
	uint32_t queued = 0;

	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .wnd = BULK_WND);
	for (;;) {
		while (queued < bytes && fw_tcp_write(g.tcb, buf, FW_TCP_MSS) == ERR_OK)
			queued += FW_TCP_MSS;
		if (!h_peek_tx())
			break;
		while (h_peek_tx()) {
			g.snd += h_peek_tx()->len;
			h_tx_head_skip();
		}
		inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .wnd = BULK_WND);
	}
	assert_true(queued >= bytes);
}

/*
 * RFC 1122 4.2.2.13 / RFC 9293 3.6.1 MAY-2 (1): the new incarnation's ISN
 * lies beyond the old SND.NXT. A SYN that finds no control block (the
 * pool full of connections the application holds: nothing to recycle,
 * and no SYN cookie can promise that ISN) is dropped (the peer retries);
 * the entry and its floor must survive that, or the retransmitted SYN gets
 * a clock ISN inside the old connection's sequence space.
 *   320 KiB sent, both FINs: TIME_WAIT, SND.NXT = ISS + 327682
 *   pool full (the listener and 7 ESTABLISHED connections)
 *   t       < S  rcv+100000         dropped, entry kept
 *   one connection ends
 *   t+1 s   < S  rcv+100000 again   > S. iss beyond the old SND.NXT + a window
 *   < .                             ESTABLISHED, entry gone
 */
static void time_wait_syn_dropped_on_full_pool_keeps_floor_rfc1122_4_2_2_13(void **s)
{
	uint32_t old_snd, seq, iss;
	(void)s;
	fixture_established();
	h_send_bulk(BULK_BYTES);
	fw_tcp_close(g.tcb);
	expect_tx(F_F | F_A, g.snd, g.rcv, 0);
	g.snd++;
	inject(.flags = F_F | F_A, .seq = g.rcv, .ack = g.snd);
	g.rcv++;
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_tw_in_use(), 1);
	old_snd = g.snd;
	seq = g.rcv + 100000u;

	struct fw_tcp_conn *held[FW_TCB_COUNT];
	unsigned n = 0;
	uint32_t snd;
	while (h_tcbs_in_use() < FW_TCB_COUNT) {
		held[n] = h_establish_from((uint16_t)(FIRST_PORT + n), &snd);
		n++;
	}
	inject(.flags = F_S, .seq = seq);
	expect_no_tx();
	assert_int_equal(h_stats().syn_no_tcb, 1);
	while (n > 0) {
		fw_tcp_abort(held[--n]);
		h_tx_drain();
	}
	h_advance(1000);
	inject(.flags = F_S, .seq = seq);
	assert_non_null(h_peek_tx());
	iss = h_peek_tx()->seq;
	expect_tx(F_S | F_A, iss, seq + 1u, 0);
	print_message("old SND.NXT %u, new ISS %u (%+d)\n", old_snd, iss, (int32_t)(iss - old_snd));
	assert_true(seq_gt(iss, old_snd + 65535u));
	assert_int_equal(h_tw_in_use(), 1);        /* until the new incarnation is synchronized */
	inject(.flags = F_A, .seq = seq + 1u, .ack = iss + 1u);
	expect_no_tx();
	expect_state(app.accepted, FW_TCP_ESTABLISHED);
	assert_int_equal(h_tw_in_use(), 0);
	assert_int_equal(tw_get_stats()->reused, 1);
	assert_int_equal(h_stats().tw_new_syn, 1);
	g.tcb = app.accepted;
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/*
 * A SYN beyond the old RCV.NXT that no listener can take (TIME_WAIT of our
 * own active open, on an ephemeral port): there is no new incarnation, so
 * it is a SYN in TIME-WAIT like any other (RFC 9293 3.10.7.4 fourth check,
 * RFC 5961 4.2): an ACK with the entry's numbers, and TIME_WAIT stays. An
 * RST would erase the entry, and with it the protection of the old
 * connection's late segments.
 *   active open, active close: TIME_WAIT on :lport
 *   < S rcv+100000 to :lport    > . snd ack rcv, entry kept
 */
static void time_wait_syn_without_listener_acked_entry_kept_rfc9293_3_10_7_4(void **s)
{
	uint16_t lport;
	(void)s;
	fixture_syn_sent();
	lport = g.tcb->t.lport;
	inject(.flags = F_S | F_A, .seq = H_PEER_ISS, .ack = g.snd, .lport = lport);
	g.rcv = H_PEER_ISS + 1u;
	expect_tx(F_A, g.snd, g.rcv, 0);
	fw_tcp_close(g.tcb);
	expect_tx(F_F | F_A, g.snd, g.rcv, 0);
	g.snd++;
	inject(.flags = F_F | F_A, .seq = g.rcv, .ack = g.snd, .lport = lport);
	g.rcv++;
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_tw_in_use(), 1);
	assert_int_equal(h_tcbs_in_use(), 0);

	inject(.flags = F_S, .seq = g.rcv + 100000u, .lport = lport);
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_tw_in_use(), 1);
	assert_int_equal(h_stats().rst_closed, 0);
	assert_int_equal(tw_get_stats()->reused, 0);
	/* still TIME_WAIT: the old connection's numbers answer an old duplicate */
	inject(.flags = F_A | F_P, .seq = g.rcv - 50u, .ack = g.snd, .len = 10, .lport = lport);
	expect_tx(F_A, g.snd, g.rcv, 0);
	h_advance(2u * fw_tcp_get_msl());
	assert_int_equal(h_tw_in_use(), 0);
}

/*
 * RFC 9293 3.6.1 MAY-2 (2): reopening from TIME-WAIT is allowed if the
 * connection "returns to TIME-WAIT state if the SYN turns out to be an old
 * duplicate". The peer answers our SYN,ACK to an old duplicate SYN with an
 * RST; the child goes and TIME_WAIT goes on, with its old numbers and its
 * old deadline.
 *   TIME_WAIT (entered at t)
 *   t+1 s  < S rcv+100000 (old duplicate)  > S.
 *   t+1 s  < R seq+1                       child gone, TIME_WAIT as it was
 *   t+2MSL-1 entry there; t+2MSL gone
 */
static void time_wait_old_duplicate_syn_returns_to_time_wait_rfc9293_3_6_1(void **s)
{
	uint32_t seq, entered;
	(void)s;
	fixture_time_wait();
	entered = h_now;
	h_advance(1000);
	seq = g.rcv + 100000u;
	inject(.flags = F_S, .seq = seq);
	assert_non_null(h_peek_tx());
	expect_tx(F_S | F_A, h_peek_tx()->seq, seq + 1u, 0);
	assert_int_equal(h_tcbs_in_use(), 1);
	inject(.flags = F_R, .seq = seq + 1u);
	expect_no_tx();
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(h_tw_in_use(), 1);
	assert_int_equal(h_stats().tw_reopen_resumed, 1);
	assert_int_equal(app.accepts, 1);
	/* TIME_WAIT again: an old duplicate gets the old numbers */
	inject(.flags = F_A | F_P, .seq = g.rcv - 50u, .ack = g.snd, .len = 10);
	expect_tx(F_A, g.snd, g.rcv, 0);
	h_advance(entered + 2u * fw_tcp_get_msl() - 1u - h_now);
	assert_int_equal(h_tw_in_use(), 1);
	h_advance(1);
	assert_int_equal(h_tw_in_use(), 0);
}

const struct CMUnitTest tcp_tw_reopen_tests[] = {
	H_TEST(time_wait_syn_dropped_on_full_pool_keeps_floor_rfc1122_4_2_2_13),
	H_TEST(time_wait_syn_without_listener_acked_entry_kept_rfc9293_3_10_7_4),
	H_TEST(time_wait_old_duplicate_syn_returns_to_time_wait_rfc9293_3_6_1),
};
const size_t tcp_tw_reopen_count = sizeof tcp_tw_reopen_tests / sizeof tcp_tw_reopen_tests[0];
