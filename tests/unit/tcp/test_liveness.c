/*
 * How long a connection lives without progress: zero-window probing
 * (RFC 9293 3.8.6.1, RFC 1122 4.2.2.17), keepalive (RFC 9293 3.8.4,
 * RFC 1122 4.2.3.6), the user timeout (RFC 5482) and the orphans'
 * lifetime and count. Each test draws its exchange (< in, > out) above it.
 */
#include "harness.h"

#define MIN_MS (60u * 1000u)
#define HOUR_MS (60u * MIN_MS)

/* Runs the clock `ms` on while the peer's window stays closed: every
 * segment the engine sends is answered as a receiver without room answers
 * it (RFC 9293 3.10.7.4: an ACK of what it has, window 0). An RST fails
 * the test. The send times go to times[] (up to `cap`); returns how many
 * segments were answered. */
static unsigned zw_answer(uint32_t ms, uint32_t ack, uint32_t *times, unsigned cap)
{
	uint32_t target = h_now + ms, at;
	unsigned n = 0;

	while (fw_tcp_next_deadline(&at) && time_reached(target, at)) {
		h_advance(time_reached(at, h_now) ? at - h_now : 0u);
		for (const struct h_pkt *k; (k = h_peek_tx()) != NULL; h_tx_head_skip(), n++) {
			if (k->flags & F_R)
				h_fail(__FILE__, __LINE__, "RST at %u ms after %u answered probes", k->t, n);
			if (n < cap)
				times[n] = k->t;
			inject(.flags = F_A, .seq = g.rcv, .ack = ack, .zero_wnd = true);
		}
	}
	h_advance(target - h_now);
	return n;
}

/* Runs the clock to the engine's next deadline. */
static void next_deadline(void)
{
	uint32_t at;
	assert_true(fw_tcp_next_deadline(&at));
	h_advance(time_reached(at, h_now) ? at - h_now : 0u);
}

/* Skips everything sent until the clock reaches `ms` from now; no RST. */
static void drain_until(uint32_t ms)
{
	uint32_t target = h_now + ms, at;
	while (fw_tcp_next_deadline(&at) && time_reached(target, at)) {
		h_advance(time_reached(at, h_now) ? at - h_now : 0u);
		for (const struct h_pkt *k; (k = h_peek_tx()) != NULL; h_tx_head_skip())
			if (k->flags & F_R)
				h_fail(__FILE__, __LINE__, "RST at %u ms, expected none before %u", k->t, target);
	}
	h_advance(target - h_now);
}

static void write_n(uint16_t n)
{
	static const uint8_t buf[FW_TCP_SNDQ_PBUFS * FW_TCP_MSS];
	assert_int_equal(fw_tcp_write(g.tcb, buf, n), ERR_OK);
}

/* ------------------------------------------------------------ persist */

/*
 * RFC 9293 3.8.6.1 MUST-37 (RFC 1122 4.2.2.17): "As long as the receiving
 * TCP peer continues to send acknowledgments in response to the probe
 * segments, the sending TCP peer MUST allow the connection to stay open."
 * ESTABLISHED; the peer's window closes; the app writes 2000 bytes and
 * shuts its write side (the FIN waits behind them):
 * < .   ack snd win 0
 *                                > .P  snd len 1     (one RTO later: a probe)
 * < .   ack snd win 0            ... probes back off to persist-max, 5 minutes
 * < .   ack snd win 8192         (the window reopens)
 *                                > .P  snd len 1460  (from SND.UNA: the probe byte was not kept)
 *                                > FP. snd+1460 len 540
 * < .   ack snd+2001             FIN_WAIT_2; no RST anywhere
 */
static void persist_answered_probes_keep_connection_must_37(void **s)
{
	(void)s;
	fixture_established();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .zero_wnd = true);
	write_n(2000);
	fw_tcp_shutdown(g.tcb, false, true);
	expect_no_tx();
	expect_state(g.tcb, FW_TCP_FIN_WAIT_1);
	unsigned n = zw_answer(5u * MIN_MS, g.snd, NULL, 0);
	assert_true(n > FW_PERSIST_PROBES);
	assert_int_equal(app.errs, 0);
	expect_state(g.tcb, FW_TCP_FIN_WAIT_1);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_tx(F_P | F_A, g.snd, g.rcv, 1460);
	expect_tx(F_F | F_P | F_A, g.snd + 1460u, g.rcv, 540);
	expect_no_tx();
	g.snd += 2001u;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_state(g.tcb, FW_TCP_FIN_WAIT_2);
	assert_int_equal(app.sent_bytes, 2000);
	assert_int_equal(h_stats().rst_sent, 0);
	assert_int_equal(h_stats().persist_probes, n);
	assert_int_equal(h_stats().persist_aborts, 0);
	/* the peer closes: TIME_WAIT, err_cb(ERR_CLSD) */
	inject(.flags = F_F | F_A, .seq = g.rcv, .ack = g.snd);
	g.rcv++;
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(app.errs, 1);
	assert_int_equal(app.last_err, ERR_CLSD);
}

/*
 * The FIN alone behind a closed window falls under the same rule: it
 * goes out at once (no window needed), the peer answers each
 * retransmission with window 0 for 5 minutes, then reopens:
 * app: shutdown(tx)              > F.  snd
 * < .   ack snd win 0            > F.  snd  (probes, backing off) ...
 * < .   ack snd win 8192         > F.  snd  (at once)
 * < .   ack snd+1                FIN_WAIT_2
 */
static void persist_fin_alone_answered_probes_keep_connection(void **s)
{
	(void)s;
	fixture_established();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .zero_wnd = true);
	fw_tcp_shutdown(g.tcb, false, true);
	expect_tx(F_F | F_A, g.snd, g.rcv, 0);
	unsigned n = zw_answer(5u * MIN_MS, g.snd, NULL, 0);
	assert_true(n > FW_PERSIST_PROBES);
	assert_int_equal(app.errs, 0);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_tx(F_F | F_A, g.snd, g.rcv, 0);
	g.snd++;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_state(g.tcb, FW_TCP_FIN_WAIT_2);
	assert_int_equal(h_stats().rst_sent, 0);
	fw_tcp_abort(g.tcb);
	expect_tx(F_R | F_A, g.snd, g.rcv, 0);
}

/*
 * Probe intervals: one RTO (200 ms here), then doubling, capped at
 * persist-max (5 s for this test), every probe the same byte at SND.UNA:
 * > .P snd len 1 at +200, +600, +1400, +3000, +6200, +11200, +16200 ...
 */
static void persist_backoff_capped_at_persist_max(void **s)
{
	static const uint32_t gaps[] = { 400, 800, 1600, 3200, 5000, 5000, 5000 };
	uint32_t t[8], t0;
	(void)s;
	fw_tcp_set_persist_max(5000);
	assert_int_equal(fw_tcp_get_persist_max(), 5000);
	fixture_established();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .zero_wnd = true);
	t0 = h_now;
	write_n(10);
	for (unsigned i = 0; i < 8; i++) {
		next_deadline();
		t[i] = h_now;
		expect_tx(F_P | F_A, g.snd, g.rcv, 1);
		inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .zero_wnd = true);
	}
	assert_int_equal(t[0] - t0, 200);
	for (unsigned i = 0; i < 7; i++)
		if (t[i + 1] - t[i] != gaps[i])
			h_fail(__FILE__, __LINE__, "probe %u came %u ms after the one before, expected %u", i + 2,
			       t[i + 1] - t[i], gaps[i]);
	fw_tcp_abort(g.tcb);
	expect_tx(F_R | F_A, g.snd + 1u, g.rcv, 0);
}

/*
 * The window shrinks to zero with data in flight: the retransmissions
 * become probes (Linux does the same), and when the window opens what was
 * in flight is sent again from SND.UNA at once, not one RTO later:
 * > .P snd len 1460  > .P +1460 len 1460  > .P +2920 len 1460
 * < .  ack snd+1460 win 0
 *                           > .P snd+1460 len 1460   (probe)
 * < .  ack snd+1460 win 0
 * < .  ack snd+1460 win 8192
 *                           > .P snd+1460 len 1460  > .P snd+2920 len 1460
 */
static void persist_window_shrank_resends_from_una(void **s)
{
	(void)s;
	fixture_established();
	write_n(3 * 1460);
	for (unsigned i = 0; i < 3; i++)
		expect_tx(F_P | F_A, g.snd + i * 1460u, g.rcv, 1460);
	g.snd += 1460u;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .zero_wnd = true);
	expect_no_tx();
	next_deadline();
	expect_tx(F_P | F_A, g.snd, g.rcv, 1460);
	assert_int_equal(h_stats().persist_probes, 1);
	assert_int_equal(h_stats().retransmits, 0);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .zero_wnd = true);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_tx(F_P | F_A, g.snd, g.rcv, 1460);
	expect_tx(F_P | F_A, g.snd + 1460u, g.rcv, 1460);
	expect_no_tx();
	g.snd += 2920u;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	assert_int_equal(app.sent_bytes, 3 * 1460);
	fw_tcp_abort(g.tcb);
	expect_tx(F_R | F_A, g.snd, g.rcv, 0);
}

/*
 * A dead peer behind a closed window is still found: FW_PERSIST_PROBES
 * unanswered probes, then at the next one's time > R., err_cb(ERR_ABRT).
 * < .   ack snd win 0    app writes 10
 * > .P  snd len 1  x FW_PERSIST_PROBES (no answer)   > R.
 */
static void persist_unanswered_probes_abort(void **s)
{
	(void)s;
	fixture_established();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .zero_wnd = true);
	write_n(10);
	for (unsigned i = 0; i < FW_PERSIST_PROBES; i++) {
		next_deadline();
		expect_tx(F_P | F_A, g.snd, g.rcv, 1);
	}
	next_deadline();
	expect_tx(F_R | F_A, g.snd + 1u, g.rcv, 0);
	assert_int_equal(app.errs, 1);
	assert_int_equal(app.last_err, ERR_ABRT);
	assert_int_equal(h_stats().persist_aborts, 1);
	assert_int_equal(h_stats().persist_probes, FW_PERSIST_PROBES);
	assert_int_equal(h_tcbs_in_use(), 0);
}

/*
 * An answer resets the count of unanswered probes: a peer that answers
 * every few probes is alive (lwIP and Linux reset on any ACK too).
 * FW_PERSIST_PROBES - 1 unanswered, one answered, FW_PERSIST_PROBES - 1
 * unanswered again: still open (persist-max 1 s).
 */
static void persist_answer_resets_unanswered_count(void **s)
{
	(void)s;
	fw_tcp_set_persist_max(1000);   /* within the 5-minute user timeout */
	fixture_established();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .zero_wnd = true);
	write_n(10);
	for (unsigned round = 0; round < 2; round++) {
		for (unsigned i = 0; i + 1 < FW_PERSIST_PROBES; i++) {
			next_deadline();
			expect_tx(F_P | F_A, g.snd, g.rcv, 1);
		}
		inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .zero_wnd = true);
	}
	next_deadline();
	expect_tx(F_P | F_A, g.snd, g.rcv, 1);
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	assert_int_equal(app.errs, 0);
	fw_tcp_abort(g.tcb);
	expect_tx(F_R | F_A, g.snd + 1u, g.rcv, 0);
}

/*
 * Orphans get a shorter rope: the app wrote 10 bytes and closed (orphan,
 * FIN_WAIT_1, FIN behind the data), the peer answers every probe with
 * window 0 and would hold the TCB forever. After FW_ORPHAN_PROBES probes,
 * answered or not: > R.
 */
static void persist_orphan_limit_answered_probes(void **s)
{
	(void)s;
	fixture_established();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .zero_wnd = true);
	write_n(10);
	fw_tcp_close(g.tcb);
	expect_no_tx();
	for (unsigned i = 0; i < FW_ORPHAN_PROBES; i++) {
		next_deadline();
		expect_tx(F_P | F_A, g.snd, g.rcv, 1);
		inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .zero_wnd = true);
	}
	next_deadline();
	expect_tx(F_R | F_A, g.snd + 1u, g.rcv, 0);
	assert_int_equal(h_stats().orphan_persist_aborts, 1);
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(app.errs, 0);       /* an orphan has no callbacks */
}

/* ------------------------------------------------------------ keepalive */

/* RFC 1122 4.2.3.6: "Keep-alive packets MUST only be sent when no data or
 * acknowledgement packets have been received for the connection within an
 * interval"; off by default (MUST default to off): 24 idle hours, nothing. */
static void keepalive_off_by_default(void **s)
{
	(void)s;
	fixture_established();
	h_advance(24u * HOUR_MS);
	expect_no_tx();
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	fw_tcp_abort(g.tcb);
	expect_tx(F_R | F_A, g.snd, g.rcv, 0);
}

/*
 * Keepalive on (RFC 9293 3.8.4); the peer vanishes while the connection
 * is idle. The probe is SEG.SEQ = SND.NXT - 1 with no data (RFC 1122
 * 4.2.3.6 allows one garbage byte; none here):
 * 2 h idle                   > .  snd-1 ack rcv len 0
 * every 75 s, 9 probes       > .  snd-1 ack rcv len 0
 * 75 s after the ninth       > R. snd ack rcv        err_cb(ERR_ABRT)
 * (without it the TCB was still held after 24 h)
 */
static void keepalive_dead_peer_established_reset(void **s)
{
	(void)s;
	fixture_established();
	fw_tcp_keepalive(g.tcb, true);
	h_advance(FW_KEEPALIVE_IDLE_MS - 1u);
	expect_no_tx();
	h_advance(1);
	expect_tx(F_A, g.snd - 1u, g.rcv, 0);
	for (unsigned i = 1; i < FW_KEEPALIVE_COUNT; i++) {
		h_advance(FW_KEEPALIVE_INTVL_MS - 1u);
		expect_no_tx();
		h_advance(1);
		expect_tx(F_A, g.snd - 1u, g.rcv, 0);
	}
	h_advance(FW_KEEPALIVE_INTVL_MS);
	expect_tx(F_R | F_A, g.snd, g.rcv, 0);
	assert_int_equal(app.errs, 1);
	assert_int_equal(app.last_err, ERR_ABRT);
	assert_int_equal(h_stats().keepalive_probes, FW_KEEPALIVE_COUNT);
	assert_int_equal(h_stats().keepalive_aborts, 1);
	assert_int_equal(h_tcbs_in_use(), 0);
}

/*
 * A live peer answers (RFC 9293 3.10.7.4: the old sequence number gets an
 * ACK): the connection stays, 24 hours, a probe every 2 idle hours; an
 * answer after some unanswered probes starts the count again.
 * 2 h       > .  snd-1          < .  rcv ack snd
 * ... 12 times
 * 2 h       > .  snd-1   75 s  > .  snd-1   < .  (answered late)
 */
static void keepalive_answered_keeps_connection(void **s)
{
	(void)s;
	fixture_established();
	fw_tcp_keepalive(g.tcb, true);
	for (unsigned i = 0; i < 12; i++) {
		h_advance(FW_KEEPALIVE_IDLE_MS);
		expect_tx(F_A, g.snd - 1u, g.rcv, 0);
		expect_no_tx();
		inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
		expect_no_tx();
	}
	h_advance(FW_KEEPALIVE_IDLE_MS + (FW_KEEPALIVE_COUNT - 1u) * FW_KEEPALIVE_INTVL_MS);
	assert_int_equal(h_tx_pending(), FW_KEEPALIVE_COUNT);
	h_tx_drain();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	h_advance(FW_KEEPALIVE_IDLE_MS);
	expect_tx(F_A, g.snd - 1u, g.rcv, 0);
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	assert_int_equal(app.errs, 0);
	assert_int_equal(h_stats().keepalive_aborts, 0);
	fw_tcp_keepalive(g.tcb, false);
	h_advance(24u * HOUR_MS);
	expect_no_tx();
	fw_tcp_abort(g.tcb);
	expect_tx(F_R | F_A, g.snd, g.rcv, 0);
}

/*
 * FIN_WAIT_2 of a half-closed application has no timeout of its own
 * (RFC 9293: the application may wait for the peer's data); with
 * keepalive on, a vanished peer is found there too:
 * app: shutdown(tx)  > F.   < .  (FIN_WAIT_2)
 * 2 h  > .  snd-1 (snd after our FIN) ...  > R.
 * Console-set idle 10 s, interval 1 s, 3 probes.
 */
static void keepalive_dead_peer_fin_wait_2_half_closed(void **s)
{
	(void)s;
	fw_tcp_set_keepalive_idle(10000);
	fw_tcp_set_keepalive_intvl(1000);
	fw_tcp_set_keepalive_count(3);
	assert_int_equal(fw_tcp_get_keepalive_idle(), 10000);
	assert_int_equal(fw_tcp_get_keepalive_intvl(), 1000);
	assert_int_equal(fw_tcp_get_keepalive_count(), 3);
	fixture_established();
	fw_tcp_keepalive(g.tcb, true);
	fw_tcp_shutdown(g.tcb, false, true);
	expect_tx(F_F | F_A, g.snd, g.rcv, 0);
	g.snd++;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_state(g.tcb, FW_TCP_FIN_WAIT_2);
	h_advance(10000);
	expect_tx(F_A, g.snd - 1u, g.rcv, 0);
	h_advance(1000);
	expect_tx(F_A, g.snd - 1u, g.rcv, 0);
	h_advance(1000);
	expect_tx(F_A, g.snd - 1u, g.rcv, 0);
	h_advance(1000);
	expect_tx(F_R | F_A, g.snd, g.rcv, 0);
	assert_int_equal(app.errs, 1);
	assert_int_equal(app.last_err, ERR_ABRT);
	assert_int_equal(h_stats().keepalive_aborts, 1);
}

/* Keepalive probes only an idle connection: with data outstanding the
 * retransmission timer (and the user timeout) decide. Idle 1 s; data
 * written at 0.9 s and never acknowledged: only retransmissions follow. */
static void keepalive_not_while_data_outstanding(void **s)
{
	(void)s;
	fw_tcp_set_keepalive_idle(1000);
	fixture_established();
	fw_tcp_keepalive(g.tcb, true);
	h_advance(900);
	write_n(10);
	expect_tx(F_P | F_A, g.snd, g.rcv, 10);
	h_advance(6500);
	assert_int_equal(h_tx_pending(), 5);
	for (unsigned i = 0; i < 5; i++)
		expect_tx(F_P | F_A, g.snd, g.rcv, 10);
	assert_int_equal(h_stats().keepalive_probes, 0);
	g.snd += 10u;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	h_advance(1000);
	expect_tx(F_A, g.snd - 1u, g.rcv, 0);
	fw_tcp_abort(g.tcb);
	expect_tx(F_R | F_A, g.snd, g.rcv, 0);
}

/* ------------------------------------------------------------ user timeout */

/* 100 bytes out now, acknowledged by nobody. */
static void send_100(void)
{
	write_n(100);
	expect_tx(F_P | F_A, g.snd, g.rcv, 100);
}

/* Nothing but retransmissions for `ms` - 1, then > R. (SEQ=SND.NXT). */
static void expect_reset_in(uint32_t ms, uint32_t snd_nxt)
{
	drain_until(ms - 1u);
	h_advance(1);
	expect_tx(F_R | F_A, snd_nxt, g.rcv, 0);
	assert_int_equal(h_stats().user_timeouts, 1);
}

/*
 * RFC 5482 user timeout, 10 s on this connection: 100 bytes sent, the
 * peer acknowledges nothing (FW_DATA_RETRIES alone: 102 s):
 * > .P snd len 100   (and RTO retransmissions)
 * 10 s after the send   > R.  err_cb(ERR_ABRT)
 */
static void user_timeout_unacked_data_reset_rfc5482(void **s)
{
	(void)s;
	fixture_established();
	assert_int_equal(fw_tcp_get_user_timeout(g.tcb), FW_USER_TIMEOUT_MS);
	fw_tcp_user_timeout(g.tcb, 10000);
	assert_int_equal(fw_tcp_get_user_timeout(g.tcb), 10000);
	send_100();
	expect_reset_in(10000, g.snd + 100u);
	assert_int_equal(app.errs, 1);
	assert_int_equal(app.last_err, ERR_ABRT);
	assert_int_equal(h_stats().rtx_aborts, 0);
}

/* The timeout counts from the last progress: an ACK of half the data at
 * 8 s moves it to 18 s. */
static void user_timeout_restarts_on_progress(void **s)
{
	(void)s;
	fixture_established();
	fw_tcp_user_timeout(g.tcb, 10000);
	send_100();
	drain_until(8000);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 50u);
	expect_reset_in(10000, g.snd + 100u);
}

/* New connections take the global default (console `set user-timeout`). */
static void user_timeout_default_for_new_connections(void **s)
{
	(void)s;
	assert_int_equal(fw_tcp_get_user_timeout_default(), FW_USER_TIMEOUT_MS);
	fw_tcp_set_user_timeout_default(3000);
	fixture_established();
	assert_int_equal(fw_tcp_get_user_timeout(g.tcb), 3000);
	send_100();
	expect_reset_in(3000, g.snd + 100u);
}

/*
 * Answered zero-window probes are answers (RFC 9293 3.8.6.1 MUST-37): a
 * 10 s user timeout does not end a connection whose probes are answered
 * for a minute, though the probes come 12.8 s and more apart; once one
 * goes unanswered, the connection ends 10 s after it:
 * < . win 0   (> .P len 1  < . win 0) for 60 s   > .P len 1 (no answer)
 * 10 s later  > R.
 */
static void user_timeout_counts_from_first_unanswered_probe(void **s)
{
	uint32_t probe;
	(void)s;
	fixture_established();
	fw_tcp_user_timeout(g.tcb, 10000);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .zero_wnd = true);
	write_n(10);
	zw_answer(MIN_MS, g.snd, NULL, 0);
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	next_deadline();
	probe = h_now;
	expect_tx(F_P | F_A, g.snd, g.rcv, 1);
	expect_reset_in(10000, g.snd + 1u);
	assert_int_equal(h_now - probe, 10000);
}

/* ------------------------------------------------------------ orphans */

/*
 * A peer drip-feeds an orphan: a 1-byte window, one byte acknowledged
 * every 50 s, so the retransmission count never reaches its limit. The
 * app wrote 4000 bytes and closed (FIN_WAIT_1, orphan):
 * < .  ack snd win 1            > .P snd len 1 (and retransmissions)
 * every 50 s: < . ack +1 win 1  > .P the next byte
 * FW_ORPHAN_LIFETIME_MS after the close   > R.
 * (before: still held after an hour)
 */
static void orphan_drip_feed_reset_after_lifetime(void **s)
{
	uint32_t closed, acked, rst_at = 0;
	(void)s;
	fixture_established();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .wnd = 1);
	write_n(4000);
	/* sender SWS avoidance (RFC 9293 3.8.6.2.1): a 1-byte window takes a
	 * byte only when the override timer expires */
	expect_no_tx();
	h_advance(FW_TCP_SWS_OVERRIDE_MS);
	expect_tx(F_P | F_A, g.snd, g.rcv, 1);
	fw_tcp_close(g.tcb);
	closed = h_now;
	acked = g.snd;
	while (!rst_at && h_now - closed < HOUR_MS) {
		h_advance(50000);
		for (const struct h_pkt *k; (k = h_peek_tx()) != NULL; h_tx_head_skip())
			if (k->flags & F_R)
				rst_at = k->t;
		if (!rst_at)
			inject(.flags = F_A, .seq = g.rcv, .ack = ++acked, .wnd = 1);
	}
	if (!rst_at)
		h_fail(__FILE__, __LINE__, "orphan still held %u s after the close (%s, %u bytes acked)",
		       (h_now - closed) / 1000u, fw_tcp_state_name(fw_tcp_get_state(g.tcb)), acked - g.snd);
	assert_int_equal(rst_at - closed, FW_ORPHAN_LIFETIME_MS);
	assert_int_equal(h_stats().orphan_lifetime_resets, 1);
	assert_int_equal(h_tcbs_in_use(), 0);
}

/* The lifetime holds whatever the orphan's state; console-set to 5 s.
 * Each fixture leaves an orphan closed now; 5 s later > R., nothing
 * before but the state's own retransmissions. */
static void h_orphan_lifetime(void (*fixture)(void), uint32_t rst_seq_off)
{
	fw_tcp_set_orphan_lifetime(5000);
	assert_int_equal(fw_tcp_get_orphan_lifetime(), 5000);
	fixture();
	drain_until(4999);
	assert_int_equal(h_tcbs_in_use(), 1);
	h_advance(1);
	expect_tx(F_R | F_A, g.snd + rst_seq_off, g.rcv, 0);
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(h_stats().orphan_lifetime_resets, 1);
}

static void orphan_lifetime_fin_wait_1(void **s) { (void)s; h_orphan_lifetime(fixture_fin_wait_1, 0); }
static void orphan_lifetime_fin_wait_2(void **s) { (void)s; h_orphan_lifetime(fixture_fin_wait_2, 0); }
static void orphan_lifetime_closing(void **s) { (void)s; h_orphan_lifetime(fixture_closing, 0); }
static void orphan_lifetime_last_ack(void **s) { (void)s; h_orphan_lifetime(fixture_last_ack, 0); }

/*
 * FW_ORPHAN_MAX orphans at most: FW_ORPHAN_MAX + 1 connections closed one
 * after the other, their FINs unanswered; the last close resets the
 * oldest orphan (the first closed):
 * close 1..FW_ORPHAN_MAX   > F. each
 * close FW_ORPHAN_MAX + 1  > F.   > R. (to connection 1)
 */
static void orphan_max_oldest_reset(void **s)
{
	struct fw_tcp_conn *c[FW_ORPHAN_MAX + 1];
	uint32_t snd[FW_ORPHAN_MAX + 1];
	(void)s;
	assert_int_equal(fw_tcp_get_orphan_max(), FW_ORPHAN_MAX);
	fixture_listen();
	for (unsigned i = 0; i <= FW_ORPHAN_MAX; i++)
		c[i] = h_establish_from((uint16_t)(1001u + i), &snd[i]);
	for (unsigned i = 0; i <= FW_ORPHAN_MAX; i++) {
		h_advance(1);
		fw_tcp_close(c[i]);
		expect_tx(F_F | F_A, snd[i], H_PEER_ISS + 1u, 0);
	}
	assert_non_null(h_peek_tx());
	assert_int_equal(h_peek_tx()->dport, 1001);
	expect_tx(F_R | F_A, snd[0] + 1u, H_PEER_ISS + 1u, 0);
	expect_no_tx();
	assert_int_equal(h_stats().orphan_limit_resets, 1);
	assert_int_equal(h_stats().orphans, FW_ORPHAN_MAX);
	assert_int_equal(h_tcbs_in_use(), FW_ORPHAN_MAX);
	/* the rest reach their lifetime (or their retransmission limit) */
	h_advance(FW_ORPHAN_LIFETIME_MS);
	h_tx_drain();
	assert_int_equal(h_stats().orphans, 0);
}

const struct CMUnitTest tcp_liveness_tests[] = {
	H_TEST(persist_answered_probes_keep_connection_must_37),
	H_TEST(persist_fin_alone_answered_probes_keep_connection),
	H_TEST(persist_backoff_capped_at_persist_max),
	H_TEST(persist_window_shrank_resends_from_una),
	H_TEST(persist_unanswered_probes_abort),
	H_TEST(persist_answer_resets_unanswered_count),
	H_TEST(persist_orphan_limit_answered_probes),
	H_TEST(keepalive_off_by_default),
	H_TEST(keepalive_dead_peer_established_reset),
	H_TEST(keepalive_answered_keeps_connection),
	H_TEST(keepalive_dead_peer_fin_wait_2_half_closed),
	H_TEST(keepalive_not_while_data_outstanding),
	H_TEST(user_timeout_unacked_data_reset_rfc5482),
	H_TEST(user_timeout_restarts_on_progress),
	H_TEST(user_timeout_default_for_new_connections),
	H_TEST(user_timeout_counts_from_first_unanswered_probe),
	H_TEST(orphan_drip_feed_reset_after_lifetime),
	H_TEST(orphan_lifetime_fin_wait_1),
	H_TEST(orphan_lifetime_fin_wait_2),
	H_TEST(orphan_lifetime_closing),
	H_TEST(orphan_lifetime_last_ack),
	H_TEST(orphan_max_oldest_reset),
};
const size_t tcp_liveness_count = sizeof tcp_liveness_tests / sizeof tcp_liveness_tests[0];
