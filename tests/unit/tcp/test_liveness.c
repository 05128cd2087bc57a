/*
 * How long a connection lives without progress: zero-window probing
 * (RFC 9293 3.8.6.1, RFC 1122 4.2.2.17). Each test draws its exchange
 * (< in, > out) above it.
 */
#include "harness.h"

#define MIN_MS (60u * 1000u)

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
	assert_int_equal(h_tcbs_in_use(), 1);
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
	fw_tcp_set_persist_max(1000);   /* a short run */
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
	assert_int_equal(h_tcbs_in_use(), 1);
	assert_int_equal(app.errs, 0);       /* an orphan has no callbacks */
}

const struct CMUnitTest tcp_liveness_tests[] = {
	H_TEST(persist_answered_probes_keep_connection_must_37),
	H_TEST(persist_fin_alone_answered_probes_keep_connection),
	H_TEST(persist_backoff_capped_at_persist_max),
	H_TEST(persist_window_shrank_resends_from_una),
	H_TEST(persist_unanswered_probes_abort),
	H_TEST(persist_answer_resets_unanswered_count),
	H_TEST(persist_orphan_limit_answered_probes),
};
const size_t tcp_liveness_count = sizeof tcp_liveness_tests / sizeof tcp_liveness_tests[0];
