/*
 * Hardening found by the fuzz target:
 * RFC 5961 5.2 ACK validation and its RFC 5961 7 limit, ephemeral ports
 * that avoid TIME_WAIT tuples, and no data lost when a half-closed
 * application's connection ends.
 */
#include "harness.h"

/*
 * RFC 5961 5.2: acceptable iff (SND.UNA - MAX.SND.WND) =< SEG.ACK =< SND.NXT.
 * ESTABLISHED, peer window 8192:
 * < .  rcv ack snd-8192-1   (too old)  > . snd ack rcv (challenge ACK), dropped
 * < .P rcv ack snd-8192 len 5 (oldest acceptable): data taken, > . ACK
 * < .  rcv+5 ack snd+1      (not yet sent) > . challenge ACK, dropped
 */
static void ack_too_old_challenge_rfc5961_5_2(void **s)
{
	(void)s;
	fixture_established();
	inject(.flags = F_A | F_P, .seq = g.rcv, .ack = g.snd - H_PEER_WND - 1u, .len = 5);
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(app.rx_bytes, 0);
	assert_int_equal(h_stats().challenge_acks, 1);
	inject(.flags = F_A | F_P, .seq = g.rcv, .ack = g.snd - H_PEER_WND, .len = 5);
	g.rcv += 5;
	expect_delayed_ack(g.snd, g.rcv);
	assert_int_equal(app.rx_bytes, 5);
	h_advance(FW_OOW_ACK_INTERVAL_MS);    /* RFC 5961 7: one per interval */
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 1u);
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_stats().challenge_acks, 2);
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* RFC 5961 5.2 with 7: the ACKs for unacceptable SEG.ACK are challenge ACKs
 * and share their per-connection limit (one per FW_OOW_ACK_INTERVAL_MS),
 * then resume in the next interval. */
static void ack_challenge_rate_limited_rfc5961_7(void **s)
{
	(void)s;
	fixture_established();
	for (unsigned i = 0; i < 4u; i++)
		inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 100u);
	assert_int_equal(h_tx_pending(), 1);
	assert_int_equal(h_stats().challenge_limited, 3);
	h_tx_drain();
	h_advance(FW_OOW_ACK_INTERVAL_MS);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 100u);
	expect_tx(F_A, g.snd, g.rcv, 0);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* Ephemeral ports (RFC 6335 6, RFC 6056 2.1): a port whose 4-tuple is in
 * TIME_WAIT is skipped, or our SYN would meet our own entry (and the peer's
 * TIME_WAIT) as an old duplicate. */
static void ephemeral_port_skips_time_wait_tuple(void **s)
{
	struct fw_tcp_tuple t;
	uint16_t p;
	(void)s;
	fixture_syn_sent();
	t = g.tcb->t;
	p = t.lport;
	fw_tcp_abort(g.tcb);
	h_tx_drain();
	for (uint16_t k = 1; k <= 2; k++) {
		t.lport = (uint16_t)(p + k);
		tw_enter(&t, 1u, 1u, h_now);
	}
	fixture_syn_sent();
	assert_int_equal(g.tcb->t.lport, (uint16_t)(p + 3u));
	fw_tcp_abort(g.tcb);
	h_tx_drain();
	h_advance(2u * fw_tcp_get_msl());
}

/*
 * Half-close ending in TIME_WAIT while the application
 * refuses data: the TCB stays (FIN_WAIT_2) until the app took every byte
 * and the EOF, then enters TIME_WAIT and err_cb(ERR_CLSD) says so.
 * app: shutdown(tx)  > F.   < .  (FIN_WAIT_2)
 * < .P 30 bytes (refused)  > .    < F.  > .   (still FIN_WAIT_2, data kept)
 * app: recved; next timers -> data, EOF, TIME_WAIT
 */
static void half_close_data_kept_until_taken_before_time_wait(void **s)
{
	(void)s;
	fixture_established();
	fw_tcp_shutdown(g.tcb, false, true);
	expect_tx(F_F | F_A, g.snd, g.rcv, 0);
	g.snd++;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_state(g.tcb, FW_TCP_FIN_WAIT_2);
	app.refuse_data = true;
	inject(.flags = F_A | F_P, .seq = g.rcv, .ack = g.snd, .len = 30);
	g.rcv += 30;
	expect_delayed_ack(g.snd, g.rcv);
	inject(.flags = F_F | F_A, .seq = g.rcv, .ack = g.snd);
	g.rcv++;
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_no_tx();
	expect_state(g.tcb, FW_TCP_FIN_WAIT_2);
	assert_int_equal(h_tw_in_use(), 0);
	assert_int_equal(app.errs, 0);
	/* the peer's FIN again (our ACK lost): ACKed, nothing else changes */
	inject(.flags = F_F | F_A, .seq = g.rcv - 1u, .ack = g.snd);
	expect_tx(F_A, g.snd, g.rcv, 0);
	app.refuse_data = false;
	fw_tcp_recved(g.tcb, 0);
	assert_int_equal(app.rx_bytes, 0);   /* no callback from inside the call */
	h_advance(0);                        /* the next timers deliver */
	assert_int_equal(app.rx_bytes, 30);
	assert_int_equal(app.eofs, 1);
	assert_int_equal(app.errs, 1);
	assert_int_equal(app.last_err, ERR_CLSD);
	assert_int_equal(h_tw_in_use(), 1);
	expect_no_tx();
	h_advance(2u * fw_tcp_get_msl());
	assert_int_equal(h_tw_in_use(), 0);
}

/* Same in the passive direction: CLOSE_WAIT with refused data, app shuts
 * its write side (LAST_ACK), the ACK of our FIN does not free the TCB
 * until the data is taken. */
static void last_ack_data_kept_until_taken(void **s)
{
	(void)s;
	fixture_established();
	app.refuse_data = true;
	inject(.flags = F_F | F_A | F_P, .seq = g.rcv, .ack = g.snd, .len = 12);
	g.rcv += 13;
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_state(g.tcb, FW_TCP_CLOSE_WAIT);
	fw_tcp_shutdown(g.tcb, false, true);
	expect_tx(F_F | F_A, g.snd, g.rcv, 0);
	g.snd++;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_no_tx();
	expect_state(g.tcb, FW_TCP_LAST_ACK);
	assert_int_equal(app.errs, 0);
	app.refuse_data = false;
	fw_tcp_recved(g.tcb, 0);
	assert_int_equal(app.rx_bytes, 0);   /* no callback from inside the call */
	h_advance(0);                        /* the next timers deliver */
	assert_int_equal(app.rx_bytes, 12);
	assert_int_equal(app.eofs, 1);
	assert_int_equal(app.errs, 1);
	assert_int_equal(app.last_err, ERR_CLSD);
	assert_int_equal(h_tcbs_in_use(), 0);   /* listeners take no TCB */
}

/* The waiting application closes instead of reading: unread data -> RST
 * (RFC 1122 4.2.2.13, RFC 2525 2.17), TCB gone, no TIME_WAIT entry. */
static void half_close_pending_then_close_with_unread_rsts(void **s)
{
	(void)s;
	fixture_established();
	fw_tcp_shutdown(g.tcb, false, true);
	expect_tx(F_F | F_A, g.snd, g.rcv, 0);
	g.snd++;
	app.refuse_data = true;
	inject(.flags = F_F | F_A | F_P, .seq = g.rcv, .ack = g.snd, .len = 8);
	g.rcv += 9;
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_state(g.tcb, FW_TCP_FIN_WAIT_2);
	fw_tcp_close(g.tcb);
	expect_tx(F_R | F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_tw_in_use(), 0);
	assert_int_equal(h_tcbs_in_use(), 0);
}

const struct CMUnitTest tcp_hardening_tests[] = {
	H_TEST(ack_too_old_challenge_rfc5961_5_2),
	H_TEST(ack_challenge_rate_limited_rfc5961_7),
	H_TEST(ephemeral_port_skips_time_wait_tuple),
	H_TEST(half_close_data_kept_until_taken_before_time_wait),
	H_TEST(last_ack_data_kept_until_taken),
	H_TEST(half_close_pending_then_close_with_unread_rsts),
};
const size_t tcp_hardening_count = sizeof tcp_hardening_tests / sizeof tcp_hardening_tests[0];
