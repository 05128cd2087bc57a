/*
 * RST and SYN handling per state: RFC 9293 3.10.7 and
 * RFC 5961 (challenge ACKs, rate limit), and segments to no connection.
 */
#include "harness.h"

typedef void (*h_fixture)(void);

/* RFC 5961 3.2 / RFC 9293 3.10.7.4 second check: an exact RST
 * (SEG.SEQ == RCV.NXT) resets, in every synchronized state:
 * < R  (seq = RCV.NXT)  -> TCB gone, nothing sent. */
static void h_exact_rst(h_fixture f, bool app_told)
{
	f();
	inject(.flags = F_R, .seq = g.rcv);
	expect_no_tx();
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(app.errs, app_told ? 1 : 0);
	if (app_told)
		assert_int_equal(app.last_err, ERR_RST);
	assert_int_equal(h_stats().resets, 1);
}

static void exact_rst_established(void **s) { (void)s; h_exact_rst(fixture_established, true); }
static void exact_rst_fin_wait_1(void **s) { (void)s; h_exact_rst(fixture_fin_wait_1, false); }
static void exact_rst_fin_wait_2(void **s) { (void)s; h_exact_rst(fixture_fin_wait_2, false); }
static void exact_rst_close_wait(void **s) { (void)s; h_exact_rst(fixture_close_wait, true); }
static void exact_rst_closing(void **s) { (void)s; h_exact_rst(fixture_closing, false); }
static void exact_rst_last_ack(void **s) { (void)s; h_exact_rst(fixture_last_ack, false); }

/* SYN_RCVD (passive): exact RST -> the child goes, the listener stays. */
static void exact_rst_syn_rcvd_back_to_listen(void **state)
{
	(void)state;
	fixture_listen();
	inject(.flags = F_S, .seq = H_PEER_ISS);
	h_tx_drain();
	assert_int_equal(h_tcbs_in_use(), 1);
	inject(.flags = F_R, .seq = H_PEER_ISS + 1);
	expect_no_tx();
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_ptr_equal(lsn_find(H_LPORT), g.listener);   /* the listener stays */
}

/* SYN_SENT (RFC 9293 3.10.7.3): RST with acceptable ACK -> refused
 * (err_cb ERR_CLSD); RST without ACK is dropped. */
static void rst_in_syn_sent(void **state)
{
	(void)state;
	fixture_syn_sent();
	fw_tcp_err(g.tcb, NULL);
	inject(.flags = F_R, .seq = 0, .lport = g.tcb->t.lport);
	expect_state(g.tcb, FW_TCP_SYN_SENT);
	inject(.flags = F_R | F_A, .seq = 0, .ack = g.snd, .lport = g.tcb->t.lport);
	expect_no_tx();
	assert_int_equal(h_tcbs_in_use(), 0);
}

/* RFC 5961 3.2: in window but not exact -> challenge ACK, connection kept.
 * < R (seq = RCV.NXT + 100)  > .   */
static void h_inwindow_rst(h_fixture f)
{
	f();
	inject(.flags = F_R, .seq = g.rcv + 100);
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_true(fw_tcp_get_state(g.tcb) != FW_TCP_CLOSED);
	assert_int_equal(h_stats().challenge_acks, 1);
	/* out of window: dropped silently (never answer an RST) */
	inject(.flags = F_R, .seq = g.rcv + 100000u);
	expect_no_tx();
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

static void inwindow_rst_challenge_established(void **s) { (void)s; h_inwindow_rst(fixture_established); }
static void inwindow_rst_challenge_fin_wait_1(void **s) { (void)s; h_inwindow_rst(fixture_fin_wait_1); }
static void inwindow_rst_challenge_fin_wait_2(void **s) { (void)s; h_inwindow_rst(fixture_fin_wait_2); }
static void inwindow_rst_challenge_close_wait(void **s) { (void)s; h_inwindow_rst(fixture_close_wait); }
static void inwindow_rst_challenge_closing(void **s) { (void)s; h_inwindow_rst(fixture_closing); }
static void inwindow_rst_challenge_last_ack(void **s) { (void)s; h_inwindow_rst(fixture_last_ack); }

/* RFC 5961 4.2: a SYN in a synchronized state, in window or not, gets a
 * challenge ACK (one per FW_OOW_ACK_INTERVAL_MS, section 7); the
 * connection is kept.  < S  > .  */
static void h_syn_challenge(h_fixture f)
{
	f();
	inject(.flags = F_S, .seq = g.rcv + 5);
	expect_tx(F_A, g.snd, g.rcv, 0);
	h_advance(FW_OOW_ACK_INTERVAL_MS);
	h_tx_drain();                  /* a FIN retransmitted meanwhile */
	inject(.flags = F_S, .seq = g.rcv - 100000u);
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_true(fw_tcp_get_state(g.tcb) != FW_TCP_CLOSED);
	assert_int_equal(h_stats().challenge_acks, 2);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

static void syn_challenge_established(void **s) { (void)s; h_syn_challenge(fixture_established); }
static void syn_challenge_fin_wait_1(void **s) { (void)s; h_syn_challenge(fixture_fin_wait_1); }
static void syn_challenge_fin_wait_2(void **s) { (void)s; h_syn_challenge(fixture_fin_wait_2); }
static void syn_challenge_close_wait(void **s) { (void)s; h_syn_challenge(fixture_close_wait); }
static void syn_challenge_closing(void **s) { (void)s; h_syn_challenge(fixture_closing); }
static void syn_challenge_last_ack(void **s) { (void)s; h_syn_challenge(fixture_last_ack); }

/* RFC 5961 7: one challenge ACK per FW_OOW_ACK_INTERVAL_MS per
 * connection; the next interval allows another. lwIP answers every one. */
static void challenge_ack_rate_limit(void **state)
{
	(void)state;
	fixture_established();
	for (unsigned i = 0; i < 6u; i++)
		inject(.flags = F_R, .seq = g.rcv + 1);
	assert_int_equal(h_tx_pending(), 1);
	h_tx_drain();
	assert_int_equal(h_stats().challenge_limited, 5);
	h_advance(FW_OOW_ACK_INTERVAL_MS);
	inject(.flags = F_R, .seq = g.rcv + 1);
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* RFC 1337: RST in TIME_WAIT ignored (no reply, entry kept). */
static void rst_in_time_wait_ignored(void **state)
{
	(void)state;
	fixture_time_wait();
	inject(.flags = F_R, .seq = g.rcv);
	expect_no_tx();
	assert_int_equal(h_tw_in_use(), 1);
}

/* RFC 9293 3.10.7.1, no connection: < .  > R (SEQ=SEG.ACK);
 * < S  > R. (ACK=SEG.SEQ+SEG.LEN); < R  nothing. */
static void closed_port_rst(void **state)
{
	(void)state;
	inject(.flags = F_A, .seq = 10, .ack = 777, .lport = 9);
	expect_tx(F_R, 777, 0, 0);
	inject(.flags = F_S, .seq = 10, .lport = 9);
	expect_tx(F_R | F_A, 0, 11, 0);
	inject(.flags = F_P | F_A, .seq = 10, .ack = 5, .len = 7, .lport = 9);
	expect_tx(F_R, 5, 0, 0);
	inject(.flags = F_R, .seq = 10, .lport = 9);
	expect_no_tx();
	assert_int_equal(h_stats().rst_closed, 3);
}

/* RFC 9293 3.10.7.2: LISTEN answers an ACK with RST, ignores RST. */
static void listen_ack_rst(void **state)
{
	(void)state;
	fixture_listen();
	inject(.flags = F_A, .seq = 10, .ack = 99);
	expect_tx(F_R, 99, 0, 0);
	inject(.flags = F_R, .seq = 10);
	expect_no_tx();
}

/* SYN_RCVD: an unacceptable ACK gets <SEQ=SEG.ACK><CTL=RST>. */
static void syn_rcvd_bad_ack_rst(void **state)
{
	(void)state;
	fixture_listen();
	inject(.flags = F_S, .seq = H_PEER_ISS);
	uint32_t iss = h_peek_tx()->seq;
	h_tx_drain();
	inject(.flags = F_A, .seq = H_PEER_ISS + 1, .ack = iss + 50);
	expect_tx(F_R, iss + 50, 0, 0);
	assert_int_equal(h_tcbs_in_use(), 1);   /* the child stays in SYN_RCVD */
}

const struct CMUnitTest tcp_rst_tests[] = {
	H_TEST(exact_rst_established),
	H_TEST(exact_rst_fin_wait_1),
	H_TEST(exact_rst_fin_wait_2),
	H_TEST(exact_rst_close_wait),
	H_TEST(exact_rst_closing),
	H_TEST(exact_rst_last_ack),
	H_TEST(exact_rst_syn_rcvd_back_to_listen),
	H_TEST(rst_in_syn_sent),
	H_TEST(inwindow_rst_challenge_established),
	H_TEST(inwindow_rst_challenge_fin_wait_1),
	H_TEST(inwindow_rst_challenge_fin_wait_2),
	H_TEST(inwindow_rst_challenge_close_wait),
	H_TEST(inwindow_rst_challenge_closing),
	H_TEST(inwindow_rst_challenge_last_ack),
	H_TEST(syn_challenge_established),
	H_TEST(syn_challenge_fin_wait_1),
	H_TEST(syn_challenge_fin_wait_2),
	H_TEST(syn_challenge_close_wait),
	H_TEST(syn_challenge_closing),
	H_TEST(syn_challenge_last_ack),
	H_TEST(challenge_ack_rate_limit),
	H_TEST(rst_in_time_wait_ignored),
	H_TEST(closed_port_rst),
	H_TEST(listen_ack_rst),
	H_TEST(syn_rcvd_bad_ack_rst),
};
const size_t tcp_rst_count = sizeof tcp_rst_tests / sizeof tcp_rst_tests[0];
