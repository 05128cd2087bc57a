/*
 * Teardown paths: RFC 9293 section 3.6
 * and the event-processing text of 3.10.7.4. Each test shows its exchange
 * (< in, > out) in the comment above it.
 */
#include "harness.h"

static void h_cleanup_established(void)
{
	fw_tcp_abort(g.tcb);
	expect_tx(F_R | F_A, g.snd, g.rcv, 0);
}

/* RFC 9293 3.6 case 1, active close, and 2MSL exactly at the deadline:
 * > F.  < .  (FIN_WAIT_2)  < F.  > .  (TIME_WAIT, TCB freed)
 * 2MSL - 1 ms: entry still there; 2MSL: gone. */
static void active_close_time_wait_exact_2msl(void **state)
{
	(void)state;
	fixture_fin_wait_2();
	assert_int_equal(h_stats().fin_wait_2_timeouts, 0);
	inject(.flags = F_F | F_A, .seq = g.rcv, .ack = g.snd);
	expect_tx(F_A, g.snd, g.rcv + 1, 0);
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(h_tw_in_use(), 1);
	assert_int_equal(h_stats().time_wait_entered, 1);
	h_advance(2u * FW_MSL_MS - 1u);
	assert_int_equal(h_tw_in_use(), 1);
	h_advance(1);
	assert_int_equal(h_tw_in_use(), 0);
	assert_int_equal(tw_get_stats()->expired, 1);
	expect_no_tx();
}

/* RFC 9293 3.10.7.4 FIN in FIN_WAIT_1 with our FIN acked: straight to TIME_WAIT.
 * > F.  < F. (acks our FIN)  > .  */
static void fin_ack_in_fin_wait_1_to_time_wait(void **state)
{
	(void)state;
	fixture_fin_wait_1();
	inject(.flags = F_F | F_A, .seq = g.rcv, .ack = g.snd);
	expect_tx(F_A, g.snd, g.rcv + 1, 0);
	expect_no_tx();
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(h_tw_in_use(), 1);
}

/* RFC 9293 3.6 case 2, passive close with half-close sending in CLOSE_WAIT:
 * < F.  > .  (CLOSE_WAIT, EOF to app)  app writes 5: > P. 5  < .
 * app closes: > F.  < .  (CLOSED, no TIME_WAIT) */
static void passive_close_send_in_close_wait(void **state)
{
	(void)state;
	fixture_close_wait();
	assert_int_equal(fw_tcp_write(g.tcb, "hello", 5), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, 5);
	g.snd += 5;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	assert_int_equal(app.sent_bytes, 5);
	fw_tcp_close(g.tcb);
	expect_tx(F_F | F_A, g.snd, g.rcv, 0);
	expect_state(g.tcb, FW_TCP_LAST_ACK);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 1);
	expect_no_tx();
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(h_tw_in_use(), 0);
	assert_int_equal(h_stats().closed, 1);
}

/* RFC 9293 3.6 case 2 (simultaneous close):
 * > F.  < F. (not acking ours)  > .  (CLOSING)  < . (acks our FIN)  (TIME_WAIT) */
static void simultaneous_close_closing_to_time_wait(void **state)
{
	(void)state;
	fixture_closing();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_no_tx();
	assert_int_equal(h_tw_in_use(), 1);
	assert_int_equal(h_tcbs_in_use(), 0);
}

/* Half-close: shutdown(write) keeps receiving in FIN_WAIT_1 and
 * FIN_WAIT_2 until the peer's FIN.
 * > F.  < P. 10 (FIN not acked) > .  < . (acks FIN) < P. 5 > .  < F. > .
 * app: 15 bytes, end of stream, then err_cb(ERR_CLSD): the TCB is gone.
 * (With delayed ACK the first ACK waits, RFC 9293 3.8.6.3, and rides on
 * the FIN's retransmission: the RTO is no later than the delay.) */
static void half_close_receive_in_fin_wait_1_and_2(void **state)
{
	(void)state;
	fixture_established();
	fw_tcp_shutdown(g.tcb, false, true);
	expect_tx(F_F | F_A, g.snd, g.rcv, 0);
	expect_state(g.tcb, FW_TCP_FIN_WAIT_1);
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 10);
	g.rcv += 10;
#if FW_TCP_DELAYED_ACK
	expect_no_tx();
	h_advance(g.tcb->rto);
	expect_tx(F_F | F_A, g.snd, g.rcv, 0);
#else
	expect_tx(F_A, g.snd + 1, g.rcv, 0);
#endif
	g.snd++;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_state(g.tcb, FW_TCP_FIN_WAIT_2);
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 5);
	g.rcv += 5;
	expect_delayed_ack(g.snd, g.rcv);
	assert_int_equal(app.rx_bytes, 15);
	/* not orphaned: no FIN_WAIT_2 timeout however long it waits */
	h_advance(10u * FW_FIN_WAIT_2_MS);
	expect_state(g.tcb, FW_TCP_FIN_WAIT_2);
	inject(.flags = F_F | F_A, .seq = g.rcv, .ack = g.snd);
	expect_tx(F_A, g.snd, g.rcv + 1, 0);
	assert_int_equal(app.eofs, 1);
	assert_int_equal(app.errs, 1);
	assert_int_equal(app.last_err, ERR_CLSD);
	assert_int_equal(h_tw_in_use(), 1);
}

/* FIN retransmission with RTO backoff in FIN_WAIT_1, then abort:
 * > F.  (lost) RTO: > F. ... each RTO doubled, FW_DATA_RETRIES times, then > R. */
static void fin_retransmit_backoff_then_abort(void **state)
{
	(void)state;
	fixture_fin_wait_1();
	uint32_t rto = g.tcb->rto;
	for (unsigned i = 0; i < FW_DATA_RETRIES; i++) {
		h_advance(rto - 1u);
		expect_no_tx();
		h_advance(1);
		expect_tx(F_F | F_A, g.snd - 1, g.rcv, 0);
		rto = rto * 2u > FW_RTO_MAX_MS ? FW_RTO_MAX_MS : rto * 2u;
	}
	h_advance(rto);
	expect_tx(F_R | F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(h_stats().rtx_aborts, 1);
	assert_int_equal(h_stats().retransmits, FW_DATA_RETRIES);
}

/* FIN lost once, retransmitted, then acknowledged:
 * > F. (lost)  RTO > F.  < .  (FIN_WAIT_2) */
static void fin_lost_retransmitted(void **state)
{
	(void)state;
	fixture_fin_wait_1();
	h_advance(g.tcb->rto);
	expect_tx(F_F | F_A, g.snd - 1, g.rcv, 0);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_state(g.tcb, FW_TCP_FIN_WAIT_2);
	fw_tcp_abort(g.tcb);
	expect_tx(F_R | F_A, g.snd, g.rcv, 0);
}

/* LAST_ACK: the ACK of our FIN is lost.
 * > F.  RTO > F.  < .  (CLOSED) */
static void last_ack_fin_retransmitted(void **state)
{
	(void)state;
	fixture_last_ack();
	h_advance(g.tcb->rto);
	expect_tx(F_F | F_A, g.snd - 1, g.rcv, 0);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_no_tx();
	assert_int_equal(h_tcbs_in_use(), 0);
}

/* CLOSING: FIN retransmitted until acknowledged. */
static void closing_fin_retransmitted(void **state)
{
	(void)state;
	fixture_closing();
	h_advance(g.tcb->rto);
	expect_tx(F_F | F_A, g.snd - 1, g.rcv, 0);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	assert_int_equal(h_tw_in_use(), 1);
	assert_int_equal(h_tcbs_in_use(), 0);
}

/* FIN_WAIT_2 timeout for an orphan (settable):
 * closed by the app, FIN acked, the peer never sends its FIN: > R. */
static void fin_wait_2_orphan_timeout(void **state)
{
	(void)state;
	fw_tcp_set_fin_wait_2_timeout(3000);
	fixture_fin_wait_2();
	h_advance(2999);
	expect_no_tx();
	expect_state(g.tcb, FW_TCP_FIN_WAIT_2);
	h_advance(1);
	expect_tx(F_R | F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(h_stats().fin_wait_2_timeouts, 1);
}

/* RFC 1122 4.2.2.13 / RFC 2525 2.17: close() with unread data sends RST, not FIN.
 * < P. 10 (app refuses it)  > .   app closes:  > R. */
static void close_with_unread_data_rst(void **state)
{
	(void)state;
	fixture_established();
	app.refuse_data = true;
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 10);
	g.rcv += 10;
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_last_tx()->wnd, FW_TCP_WND - 10);
	fw_tcp_close(g.tcb);
	expect_tx(F_R | F_A, g.snd, g.rcv, 0);
	expect_no_tx();
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(h_stats().close_unread_rst, 1);
}

/* Data arriving after a full close: > F.  < P. 5  > R. */
static void data_after_full_close_rst(void **state)
{
	(void)state;
	fixture_fin_wait_1();
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 5);
	expect_tx(F_R | F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(h_stats().data_after_close_rst, 1);
	assert_int_equal(app.errs, 0);   /* orphaned: no callback */
}

/* Abortive close: > R.  and the TCB is free at once. */
static void abort_sends_rst_frees_at_once(void **state)
{
	(void)state;
	fixture_established();
	fw_tcp_abort(g.tcb);
	expect_tx(F_R | F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(app.errs, 0);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);  /* now a CLOSED port: RFC 9293 3.10.7.1 */
	expect_tx(F_R, g.snd, 0, 0);
}

/* CLOSE_WAIT watchdog: reported (log hook, counter) once the
 * threshold passes; the connection is kept by default. */
static unsigned h_hook_calls;
static enum fw_tcp_state h_hook_from, h_hook_to;
static void h_hook(unsigned id, const struct fw_tcp_tuple *t, enum fw_tcp_state from, enum fw_tcp_state to, const char *r)
{
	(void)id;
	(void)t;
	(void)r;
	h_hook_calls++;
	h_hook_from = from;
	h_hook_to = to;
}

static void close_wait_watchdog_reports(void **state)
{
	(void)state;
	h_hook_calls = 0;
	fw_tcp_set_log_hook(h_hook);
	fw_tcp_set_log(false);
	fw_tcp_set_close_wait_threshold(2000);
	fixture_close_wait();
	h_advance(1999);
	assert_int_equal(h_stats().close_wait_warnings, 0);
	h_advance(1);
	assert_int_equal(h_stats().close_wait_warnings, 1);
	assert_int_equal(h_hook_calls, 1);
	assert_int_equal(h_hook_from, FW_TCP_CLOSE_WAIT);
	assert_int_equal(h_hook_to, FW_TCP_CLOSE_WAIT);
	expect_no_tx();
	expect_state(g.tcb, FW_TCP_CLOSE_WAIT);
	fw_tcp_set_log_hook(NULL);
	h_cleanup_established();
}

/* The CLOSE_WAIT watchdog with the abort policy: > R., err_cb(ERR_ABRT). */
static void close_wait_watchdog_abort_policy(void **state)
{
	(void)state;
	fw_tcp_set_close_wait_threshold(2000);
	fw_tcp_set_close_wait_abort(true);
	fixture_close_wait();
	h_advance(2000);
	expect_tx(F_R | F_A, g.snd, g.rcv, 0);
	assert_int_equal(app.errs, 1);
	assert_int_equal(app.last_err, ERR_ABRT);
	assert_int_equal(h_stats().close_wait_aborts, 1);
}

/* Final ACK lost, the peer retransmits its FIN into TIME_WAIT:
 * < F.  > .  (ACK again, 2MSL restarted) */
static void time_wait_fin_again_reacked(void **state)
{
	(void)state;
	fixture_time_wait();
	h_advance(1000);
	inject(.flags = F_F | F_A, .seq = g.rcv - 1, .ack = g.snd);
	expect_tx(F_A, g.snd, g.rcv, 0);
	h_advance(2u * FW_MSL_MS - 1u);
	assert_int_equal(h_tw_in_use(), 1);
	h_advance(1);
	assert_int_equal(h_tw_in_use(), 0);
}

/* RFC 1122 4.2.2.13: a new SYN into TIME_WAIT with a higher sequence
 * number opens a new incarnation whose ISN lies beyond the old SND.NXT;
 * the entry goes when the new incarnation is ESTABLISHED (RFC 9293 3.6.1).
 * < S (seq > old RCV.NXT)  > S. (iss > old snd_nxt)  < .  ESTABLISHED */
static void time_wait_new_syn_isn_beyond_floor(void **state)
{
	(void)state;
	fixture_time_wait();
	uint32_t old_snd = g.snd, seq = g.rcv + 100000u;
	inject(.flags = F_S, .seq = seq, .mss = 1000);
	assert_non_null(h_peek_tx());
	uint32_t iss = h_peek_tx()->seq;
	expect_tx(F_S | F_A, iss, seq + 1, 0);
	assert_true(seq_gt(iss, old_snd + 65535u));
	assert_int_equal(h_tw_in_use(), 1);
	assert_int_equal(tw_get_stats()->reused, 0);
	assert_int_equal(h_stats().tw_new_syn, 1);
	g.snd = iss + 1;
	g.rcv = seq + 1;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_no_tx();
	assert_int_equal(h_tw_in_use(), 0);
	assert_int_equal(tw_get_stats()->reused, 1);
	assert_int_equal(app.accepts, 2);
	g.tcb = app.accepted;
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	h_cleanup_established();
}

/* FIN piggy-backed on queued data.
 * peer window 0: app writes 3 bytes and closes; window opens: > FP. 3 */
static void fin_piggybacked_on_data(void **state)
{
	(void)state;
	fixture_established();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .zero_wnd = true);
	assert_int_equal(fw_tcp_write(g.tcb, "abc", 3), ERR_OK);
	expect_no_tx();
	fw_tcp_close(g.tcb);
	expect_no_tx();
	expect_state(g.tcb, FW_TCP_FIN_WAIT_1);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_tx(F_F | F_P | F_A, g.snd, g.rcv, 3);
	g.snd += 4;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_state(g.tcb, FW_TCP_FIN_WAIT_2);
	assert_int_equal(app.sent_bytes, 0);   /* orphaned: no sent_cb */
	fw_tcp_abort(g.tcb);
	expect_tx(F_R | F_A, g.snd, g.rcv, 0);
}

/* FIN with data: < FP. 4  > .  (ack covers data and FIN), app gets 4 bytes then EOF. */
static void fin_with_data(void **state)
{
	(void)state;
	fixture_established();
	inject(.flags = F_F | F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 4);
	g.rcv += 5;
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(app.rx_bytes, 4);
	assert_int_equal(app.eofs, 1);
	expect_state(g.tcb, FW_TCP_CLOSE_WAIT);
	h_cleanup_established();
}

/* FIN out of window (beyond RCV.NXT + RCV.WND): > . and no state change. */
static void fin_out_of_window(void **state)
{
	(void)state;
	fixture_established();
	inject(.flags = F_F | F_A, .seq = g.rcv + FW_TCP_WND + 100u, .ack = g.snd);
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	assert_int_equal(app.eofs, 0);
	/* in window but beyond a gap: out of order, duplicate ACK */
	inject(.flags = F_F | F_A, .seq = g.rcv + 10u, .ack = g.snd);
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	h_cleanup_established();
}

/* Duplicate FIN in CLOSE_WAIT: < F. (again)  > . , still CLOSE_WAIT, one EOF. */
static void duplicate_fin_in_close_wait(void **state)
{
	(void)state;
	fixture_close_wait();
	inject(.flags = F_F | F_A, .seq = g.rcv - 1, .ack = g.snd);
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_state(g.tcb, FW_TCP_CLOSE_WAIT);
	assert_int_equal(app.eofs, 1);
	h_cleanup_established();
}

/* Zero window in FIN_WAIT_1 after close(): the FIN still goes out and the
 * peer answers every retransmission with window 0. An orphan stops after
 * FW_ORPHAN_PROBES such probes, answered or not (RFC 9293 3.8.6.1 keeps a
 * connection whose probes are answered; an orphan has nobody waiting):
 * > F.  < . win 0  (x FW_ORPHAN_PROBES: > F.  < . win 0)  > R. */
static void zero_window_fin_wait_1_bounded(void **state)
{
	uint32_t at;
	(void)state;
	fixture_established();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .zero_wnd = true);
	fw_tcp_close(g.tcb);
	expect_tx(F_F | F_A, g.snd, g.rcv, 0);
	for (unsigned i = 0; i < FW_ORPHAN_PROBES; i++) {
		assert_true(fw_tcp_next_deadline(&at));
		h_advance(at - h_now);
		expect_tx(F_F | F_A, g.snd, g.rcv, 0);
		inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .zero_wnd = true);
	}
	assert_true(fw_tcp_next_deadline(&at));
	h_advance(at - h_now);
	expect_tx(F_R | F_A, g.snd + 1, g.rcv, 0);
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(h_stats().orphan_persist_aborts, 1);
}

/* Sequence numbers wrap during close: peer ISS 2^32 - 16, 40 bytes cross
 * zero, then its FIN; passive close through LAST_ACK. */
static void seq_wraparound_during_close(void **state)
{
	(void)state;
	fixture_listen();
	uint32_t peer = 0xfffffff0u;
	inject(.flags = F_S, .seq = peer);
	assert_non_null(h_peek_tx());
	g.iss = h_peek_tx()->seq;
	expect_tx(F_S | F_A, g.iss, peer + 1, 0);
	g.snd = g.iss + 1;
	g.rcv = peer + 1;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	g.tcb = app.accepted;
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 40);
	g.rcv += 40;
	expect_delayed_ack(g.snd, g.rcv);
	assert_true(g.rcv < 0x100u);
	inject(.flags = F_F | F_A, .seq = g.rcv, .ack = g.snd);
	g.rcv++;
	expect_tx(F_A, g.snd, g.rcv, 0);
	fw_tcp_close(g.tcb);
	expect_tx(F_F | F_A, g.snd, g.rcv, 0);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 1);
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(app.rx_bytes, 40);
}

/* TCBs exhausted by connections the application holds: none is taken
 * from it; a SYN that finds no TCB is answered with a SYN cookie and keeps
 * nothing (RFC 4987 3.6), counted as such, not as dropped. */
static void pool_tcb_exhausted_syn_gets_cookie(void **state)
{
	(void)state;
	fixture_listen();
	/* FW_TCB_COUNT accepted connections (the listener takes no TCB) */
	for (uint16_t port = 1000; h_tcbs_in_use() < FW_TCB_COUNT; port++) {
		inject(.flags = F_S, .seq = H_PEER_ISS, .rport = port);
		assert_non_null(h_peek_tx());
		uint32_t iss = h_peek_tx()->seq;
		expect_tx(F_S | F_A, iss, H_PEER_ISS + 1, 0);
		inject(.flags = F_A, .seq = H_PEER_ISS + 1, .ack = iss + 1, .rport = port);
		expect_no_tx();
	}
	assert_int_equal(app.accepts, FW_TCB_COUNT);
	inject(.flags = F_S, .seq = H_PEER_ISS, .rport = 5000);
	assert_non_null(h_peek_tx());
	expect_tx(F_S | F_A, h_peek_tx()->seq, H_PEER_ISS + 1, 0);
	expect_no_tx();
	assert_int_equal(h_stats().syn_no_tcb, 0);        /* not dropped */
	assert_int_equal(h_stats().syncookies_sent, 1);
	assert_int_equal(h_stats().tcb_peak, FW_TCB_COUNT);
	for (unsigned i = 0; i < FW_TCB_COUNT; i++) {
		struct fw_tcp_conn *t = tcb_by_id(i);
		if (t)
			fw_tcp_abort(t);
	}
	assert_int_equal(h_tx_pending(), FW_TCB_COUNT);
	h_tx_drain();
}

/* Backlog: a SYN beyond FW_LISTEN_BACKLOG recycles the oldest child (no
 * RST: RFC 4987 3.5) and gets its SYN,ACK; closing the listener resets
 * the children (> R. each). */
static void pool_backlog_full_recycles_oldest_child(void **state)
{
	(void)state;
	fixture_listen();
	for (uint16_t i = 0; i < FW_LISTEN_BACKLOG; i++) {
		inject(.flags = F_S, .seq = H_PEER_ISS, .rport = (uint16_t)(2000 + i));
		assert_int_equal(h_tx_pending(), 1);
		h_tx_drain();
	}
	inject(.flags = F_S, .seq = H_PEER_ISS, .rport = 3000);
	assert_non_null(h_peek_tx());
	assert_int_equal(h_peek_tx()->dport, 3000);
	expect_tx(F_S | F_A, h_peek_tx()->seq, H_PEER_ISS + 1, 0);
	expect_no_tx();
	assert_int_equal(h_stats().syn_backlog_full, 0);  /* not dropped */
	assert_int_equal(h_stats().evict_syn_rcvd, 1);
	assert_int_equal(h_tcbs_in_use(), FW_LISTEN_BACKLOG);
	fw_tcp_listen_close(g.listener);
	g.listener = NULL;
	for (unsigned i = 0; i < FW_LISTEN_BACKLOG; i++) {
		assert_non_null(h_peek_tx());
		assert_int_equal(h_peek_tx()->flags, F_R | F_A);
		assert_int_equal(h_peek_tx()->ack, H_PEER_ISS + 1);
		h_tx_head_skip();
	}
	expect_no_tx();
	assert_int_equal(h_tcbs_in_use(), 0);
}

/* Send queue: fw_tcp_write() fails with ERR_MEM once
 * FW_TCP_SNDQ_PBUFS pbufs are queued (peer window zero, nothing leaves). */
static void pool_sndq_full_write_fails(void **state)
{
	(void)state;
	fixture_established();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .zero_wnd = true);
	for (unsigned i = 0; i < FW_TCP_SNDQ_PBUFS; i++)
		assert_int_equal(fw_tcp_write(g.tcb, "x", 1), ERR_OK);
	assert_int_equal(fw_tcp_write(g.tcb, "x", 1), ERR_MEM);
	assert_int_equal(h_stats().sndq_full, 1);
	expect_no_tx();
	h_cleanup_established();
}

/* The send queue's pbuf count follows the ACKs: one that frees a whole
 * pbuf and part of the next makes room for exactly one more write; once
 * all is acknowledged the queue is empty and a write starts it again
 * (the queue's tail and length are kept, not walked: tcb.h). */
static void pool_sndq_count_follows_acks(void **state)
{
	(void)state;
	fixture_established();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .zero_wnd = true);
	for (unsigned i = 0; i < FW_TCP_SNDQ_PBUFS; i++)
		assert_int_equal(fw_tcp_write(g.tcb, "xy", 2), ERR_OK);
	assert_int_equal(fw_tcp_sndbuf(g.tcb), 0);
	expect_no_tx();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);   /* the window opens */
	assert_non_null(h_peek_tx());
	assert_int_equal(h_peek_tx()->seq, g.snd);
	assert_int_equal(h_peek_tx()->len, 2u * FW_TCP_SNDQ_PBUFS);
	h_tx_drain();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 3);   /* one pbuf and a byte of the next */
	assert_int_equal(tcb_sndq_len(g.tcb), 2u * FW_TCP_SNDQ_PBUFS - 3u);
	assert_int_equal(fw_tcp_write(g.tcb, "z", 1), ERR_OK);
	assert_int_equal(fw_tcp_write(g.tcb, "z", 1), ERR_MEM);
	assert_int_equal(h_stats().sndq_full, 1);
	assert_int_equal(tcb_sndq_len(g.tcb), 2u * FW_TCP_SNDQ_PBUFS - 2u);
	h_tx_drain();   /* "z" waits for what is in flight (Nagle) */
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 2u * FW_TCP_SNDQ_PBUFS);
	assert_non_null(h_peek_tx());
	assert_int_equal(h_peek_tx()->seq, g.snd + 2u * FW_TCP_SNDQ_PBUFS);
	assert_int_equal(h_peek_tx()->len, 1);
	h_tx_drain();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 2u * FW_TCP_SNDQ_PBUFS + 1u);
	assert_int_equal(tcb_sndq_len(g.tcb), 0);
	assert_null(g.tcb->sndq);
	assert_int_equal(fw_tcp_write(g.tcb, "abc", 3), ERR_OK);
	assert_non_null(h_peek_tx());
	assert_int_equal(h_peek_tx()->seq, g.snd + 2u * FW_TCP_SNDQ_PBUFS + 1u);
	assert_int_equal(h_peek_tx()->len, 3);
	h_tx_drain();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 2u * FW_TCP_SNDQ_PBUFS + 4u);
	assert_null(g.tcb->sndq);
	g.snd += 2u * FW_TCP_SNDQ_PBUFS + 4u;
	h_cleanup_established();
}

/* 10,000 open/close cycles (passive close and active close through
 * TIME_WAIT, the table recycling when full) with every pool back to its
 * starting level (checked by the teardown). */
static void ten_thousand_cycles(void **state)
{
	(void)state;
	fixture_listen();
	for (unsigned i = 0; i < 10000u; i++) {
		uint16_t port = (uint16_t)(1024u + i % 60000u);
		uint32_t peer = 7u * i;
		inject(.flags = F_S, .seq = peer, .rport = port, .mss = 1460);
		assert_int_equal(h_tx_pending(), 1);
		uint32_t iss = h_peek_tx()->seq;
		h_tx_drain();
		inject(.flags = F_A | F_P, .seq = peer + 1, .ack = iss + 1, .rport = port, .len = 20);
		struct fw_tcp_conn *t = app.accepted;
		assert_non_null(t);
		assert_int_equal(app.rx_bytes, 20u * (i + 1));
		if (i % 2) {
			/* passive close */
			inject(.flags = F_F | F_A, .seq = peer + 21, .ack = iss + 1, .rport = port);
			fw_tcp_close(t);
			inject(.flags = F_A, .seq = peer + 22, .ack = iss + 2, .rport = port);
		} else {
			/* active close */
			fw_tcp_close(t);
			inject(.flags = F_F | F_A, .seq = peer + 21, .ack = iss + 2, .rport = port);
		}
		h_tx_drain();
		assert_int_equal(h_tcbs_in_use(), 0);
		h_now += 10;
	}
	assert_int_equal(h_stats().tcb_in_use, 0);   /* the listener takes none */
	assert_true(tw_get_stats()->recycled > 0);
}

const struct CMUnitTest tcp_teardown_tests[] = {
	H_TEST(active_close_time_wait_exact_2msl),
	H_TEST(fin_ack_in_fin_wait_1_to_time_wait),
	H_TEST(passive_close_send_in_close_wait),
	H_TEST(simultaneous_close_closing_to_time_wait),
	H_TEST(half_close_receive_in_fin_wait_1_and_2),
	H_TEST(fin_retransmit_backoff_then_abort),
	H_TEST(fin_lost_retransmitted),
	H_TEST(last_ack_fin_retransmitted),
	H_TEST(closing_fin_retransmitted),
	H_TEST(fin_wait_2_orphan_timeout),
	H_TEST(close_with_unread_data_rst),
	H_TEST(data_after_full_close_rst),
	H_TEST(abort_sends_rst_frees_at_once),
	H_TEST(close_wait_watchdog_reports),
	H_TEST(close_wait_watchdog_abort_policy),
	H_TEST(time_wait_fin_again_reacked),
	H_TEST(time_wait_new_syn_isn_beyond_floor),
	H_TEST(fin_piggybacked_on_data),
	H_TEST(fin_with_data),
	H_TEST(fin_out_of_window),
	H_TEST(duplicate_fin_in_close_wait),
	H_TEST(zero_window_fin_wait_1_bounded),
	H_TEST(seq_wraparound_during_close),
	H_TEST(pool_tcb_exhausted_syn_gets_cookie),
	H_TEST(pool_backlog_full_recycles_oldest_child),
	H_TEST(pool_sndq_full_write_fails),
	H_TEST(pool_sndq_count_follows_acks),
	H_TEST(ten_thousand_cycles),
};
const size_t tcp_teardown_count = sizeof tcp_teardown_tests / sizeof tcp_teardown_tests[0];
