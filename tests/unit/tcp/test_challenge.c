/*
 * RFC 5961 section 7 rate limits against off-path and flooding peers:
 * one challenge ACK (or ACK to an unacceptable empty segment) per
 * FW_OOW_ACK_INTERVAL_MS per connection, a randomized global allowance per
 * second far above what the TCBs can spend, and a budget of TIME_WAIT's own.
 */
#include "harness.h"
#include "tcp_out.h"

#define ATT_PORT 40001u        /* the attacker's own connection */
#define PROBES 20u             /* the attacker's in-window RSTs per experiment */
#define PROBE_GAP_MS 50u       /* ... one every 50 ms: they span a second */

/* Consume what was sent; count the segments to `rport` (all must be ACKs). */
static unsigned h_acks_to(uint16_t rport)
{
	unsigned n = 0;
	const struct h_pkt *k;

	while ((k = h_peek_tx()) != NULL) {
		if (k->dport == rport) {
			if (k->flags != F_A)
				h_fail(__FILE__, __LINE__, "flags 0x%x to port %u, expected a bare ACK", k->flags, rport);
			n++;
		}
		h_tx_head_skip();
	}
	return n;
}

/* The attacker's measurement: PROBES in-window RSTs on its own connection
 * (not at RCV.NXT: challenge ACKs, RFC 5961 3.2), PROBE_GAP_MS apart; how
 * many challenge ACKs came back to it. */
static unsigned h_attacker_probe(uint32_t att_rcv)
{
	unsigned n = 0;

	for (unsigned i = 0; i < PROBES; i++) {
		inject(.flags = F_R, .seq = att_rcv + 1u, .rport = ATT_PORT);
		n += h_acks_to(ATT_PORT);
		h_advance(PROBE_GAP_MS);
	}
	return n;
}

/*
 * CVE-2016-5696 (Cao et al., "Off-Path TCP Exploits: Global Rate Limit
 * Considered Dangerous", USENIX Security 2016): an off-path attacker that
 * knows a victim connection's 4-tuple spoofs an RST with a guessed
 * sequence number into it, then counts the challenge ACKs its own
 * connection gets in the same second. With one global count, an in-window
 * guess (the victim sends a challenge ACK) shows as one ACK fewer for the
 * attacker. Per connection, the attacker's count cannot depend on the victim.
 *
 *   victim :40000 ESTABLISHED, attacker :40001 ESTABLISHED
 *   t      < R   :40000 seq rcv+100000 (guess out of window)   nothing
 *   t..    < R   :40001 seq att+1, x20 50 ms apart             > . x A0
 *   t+3 s  < R   :40000 seq rcv+100 (guess in window)          > . to the victim
 *   t+3 s  < R   :40001 seq att+1, x20 50 ms apart             > . x A1
 *   A0 == A1
 */
static void challenge_ack_count_independent_of_victim_rfc5961_7(void **s)
{
	uint32_t att_snd, victim_rcv;
	unsigned without, with;
	struct fw_tcp_conn *att;
	(void)s;
	fixture_established();
	victim_rcv = g.rcv;
	att = h_establish_from(ATT_PORT, &att_snd);
	h_advance(3000);

	inject(.flags = F_R, .seq = victim_rcv + 100000u);
	expect_no_tx();
	without = h_attacker_probe(H_PEER_ISS + 1u);
	h_advance(3000);

	inject(.flags = F_R, .seq = victim_rcv + 100u);
	expect_tx(F_A, g.snd, victim_rcv, 0);
	with = h_attacker_probe(H_PEER_ISS + 1u);

	print_message("attacker's challenge ACKs: %u without, %u with an in-window RST into the victim\n", without,
	              with);
	assert_int_equal(without, with);
	assert_true(without >= 1);
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	expect_state(att, FW_TCP_ESTABLISHED);
	fw_tcp_abort(att);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/*
 * RFC 5961 7, per connection (Linux: one per tcp_invalid_ratelimit, 500 ms,
 * per socket): in-window RSTs, SYNs and unacceptable ACKs on one connection
 * get one challenge ACK per FW_OOW_ACK_INTERVAL_MS between them.
 *   t        < R rcv+1 x20        > . once
 *   t+I-1    < S / < . ack snd+9  nothing
 *   t+I      < R rcv+1            > .
 */
static void challenge_ack_one_per_interval_per_connection_rfc5961_7(void **s)
{
	(void)s;
	fixture_established();
	for (unsigned i = 0; i < 20u; i++)
		inject(.flags = F_R, .seq = g.rcv + 1u);
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_no_tx();
	assert_int_equal(h_stats().challenge_limited_conn, 19);
	h_advance(FW_OOW_ACK_INTERVAL_MS - 1u);
	inject(.flags = F_S, .seq = g.rcv + 5u);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 9u);
	expect_no_tx();
	h_advance(1);
	inject(.flags = F_R, .seq = g.rcv + 1u);
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_stats().challenge_acks, 2);
	assert_int_equal(h_stats().challenge_limited_conn, 21);
	assert_int_equal(h_stats().challenge_limited, 21);
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/*
 * RFC 9293 3.10.7.4 first check: "If an incoming segment is not
 * acceptable, an acknowledgment should be sent in reply". Empty segments
 * (what two desynchronized ends bounce at each other: an ACK loop) get one
 * such ACK per FW_OOW_ACK_INTERVAL_MS per connection, as Linux rate-limits
 * them; segments with data or FIN are always answered (Linux's exception
 * too): a peer retransmitting after our ACK was lost learns RCV.NXT.
 *   t      < .  rcv+100000 x20   > . once
 *   t      < .P rcv-10 len 10 x3 > . each
 *   t+I    < .  rcv-1            > .
 */
static void unacceptable_empty_segment_ack_limited_rfc9293_3_10_7_4(void **s)
{
	(void)s;
	fixture_established();
	for (unsigned i = 0; i < 20u; i++)
		inject(.flags = F_A, .seq = g.rcv + 100000u, .ack = g.snd);
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_no_tx();
	assert_int_equal(h_stats().oow_ack_limited, 19);
	for (unsigned i = 0; i < 3u; i++) {
		inject(.flags = F_A | F_P, .seq = g.rcv - 10u, .ack = g.snd, .len = 10);
		expect_tx(F_A, g.snd, g.rcv, 0);
	}
	h_advance(FW_OOW_ACK_INTERVAL_MS);
	inject(.flags = F_A, .seq = g.rcv - 1u, .ack = g.snd);
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_stats().oow_ack_limited, 19);
	assert_int_equal(h_stats().drop_seq, 24);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/*
 * RFC 5961 7's global limit, randomized per second as Linux did after
 * CVE-2016-5696: each second's allowance is drawn from [N/2, 3N/2) with a
 * keyed PRF, so a prober cannot know what is left. When it is spent, a
 * connection's challenge ACK (allowed by its own limit) is suppressed,
 * counted, and goes again the next second.
 */
static void challenge_ack_global_allowance_randomized_rfc5961_7(void **s)
{
	const uint32_t lo = (FW_CHALLENGE_ACK_PER_S + 1u) / 2u, hi = lo + FW_CHALLENGE_ACK_PER_S - 1u;
	uint32_t min = UINT32_MAX, max = 0;
	(void)s;
	for (uint32_t sec = 0; sec < 8u; sec++) {
		uint32_t n = 0, t = 100000u + 1000u * sec;
		while (n <= 2u * FW_CHALLENGE_ACK_PER_S && seg_challenge_ack_allowed(t))
			n++;
		print_message("second %u: %u challenge ACKs allowed\n", sec, n);
		assert_in_range(n, lo, hi);
		min = n < min ? n : min;
		max = n > max ? n : max;
	}
	assert_true(min != max);

	fixture_established();
	while (seg_challenge_ack_allowed(h_now))
		;
	inject(.flags = F_R, .seq = g.rcv + 1u);
	expect_no_tx();
	assert_int_equal(h_stats().challenge_limited_global, 1);
	h_advance(1000);
	inject(.flags = F_R, .seq = g.rcv + 1u);
	expect_tx(F_A, g.snd, g.rcv, 0);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/*
 * RFC 5961 4 recovery while another connection is flooded: a client that
 * restarted sends a SYN on its old 4-tuple; the stale TCB's challenge ACK
 * makes it send <SEQ=SEG.ACK><CTL=RST> (RFC 9293 3.10.7.3), which resets
 * the stale TCB, and its next SYN opens. An attacker spending challenge
 * ACKs on its own connection every 10 ms must not starve that ACK.
 *   :40001 < R att+1 every 10 ms (from t)
 *   t+300  :40000 < S 777000 (new ISN)       > . snd ack rcv
 *   t+301  :40000 < R rcv                    (stale TCB reset)
 *   t+1300 :40000 < S 777000                 > S. (the new connection)
 */
static void restarted_client_gets_challenge_ack_during_flood_rfc5961_4(void **s)
{
	uint32_t att_snd;
	struct fw_tcp_conn *att;
	unsigned flood_acks = 0;
	(void)s;
	fixture_established();
	att = h_establish_from(ATT_PORT, &att_snd);
	for (unsigned i = 0; i < 30u; i++) {
		inject(.flags = F_R, .seq = H_PEER_ISS + 2u, .rport = ATT_PORT);
		flood_acks += h_acks_to(ATT_PORT);
		h_advance(10);
	}
	inject(.flags = F_S, .seq = 777000u);
	expect_tx(F_A, g.snd, g.rcv, 0);
	h_advance(1);
	inject(.flags = F_R, .seq = g.rcv);
	expect_no_tx();
	assert_int_equal(app.errs, 1);
	assert_int_equal(app.last_err, ERR_RST);
	h_advance(999);
	inject(.flags = F_S, .seq = 777000u);
	assert_non_null(h_peek_tx());
	expect_tx(F_S | F_A, h_peek_tx()->seq, 777001u, 0);
	print_message("the flooding connection got %u challenge ACKs for 30 RSTs in 300 ms\n", flood_acks);
	assert_true(flood_acks <= 300u / FW_OOW_ACK_INTERVAL_MS + 1u);
	inject(.flags = F_R, .seq = 777001u);    /* the new child goes again */
	fw_tcp_abort(att);
	h_tx_drain();
}

/*
 * TIME_WAIT's SYN challenge ACKs (RFC 5961 4.2 in TIME-WAIT) come from a
 * budget of their own, randomized per second like the global one: SYNs
 * flooded into TIME_WAIT spend only it (the TCBs' challenge ACKs still go),
 * and TCBs that spent theirs leave TIME_WAIT's intact.
 *   t     < S x50 into TIME_WAIT (seq below RCV.NXT)  > . x [N/2, 3N/2)
 *   t     :40001 < R att+1                             > .   (TCB unaffected)
 *   t+1s  global allowance spent; < S into TIME_WAIT   > .
 */
static void time_wait_challenge_budget_of_its_own_rfc5961_7(void **s)
{
	const uint32_t lo = (FW_TW_CHALLENGE_ACK_PER_S + 1u) / 2u, hi = lo + FW_TW_CHALLENGE_ACK_PER_S - 1u;
	uint32_t tw_snd, tw_rcv, att_snd;
	struct fw_tcp_conn *att;
	unsigned n;
	(void)s;
	fixture_time_wait();
	tw_snd = g.snd;
	tw_rcv = g.rcv;
	att = h_establish_from(ATT_PORT, &att_snd);
	for (unsigned i = 0; i < 50u; i++)
		inject(.flags = F_S, .seq = tw_rcv - 100u);
	n = h_acks_to(H_RPORT);
	assert_in_range(n, lo, hi);
	assert_int_equal(h_stats().challenge_limited_tw, 50u - n);
	inject(.flags = F_R, .seq = H_PEER_ISS + 2u, .rport = ATT_PORT);
	expect_tx(F_A, att_snd, H_PEER_ISS + 1u, 0);
	h_advance(1000);
	while (seg_challenge_ack_allowed(h_now))
		;
	inject(.flags = F_S, .seq = tw_rcv - 100u);
	expect_tx(F_A, tw_snd, tw_rcv, 0);
	assert_int_equal(h_tw_in_use(), 1);
	fw_tcp_abort(att);
	h_tx_drain();
	h_advance(2u * fw_tcp_get_msl());
}

const struct CMUnitTest tcp_challenge_tests[] = {
	H_TEST(challenge_ack_count_independent_of_victim_rfc5961_7),
	H_TEST(challenge_ack_one_per_interval_per_connection_rfc5961_7),
	H_TEST(unacceptable_empty_segment_ack_limited_rfc9293_3_10_7_4),
	H_TEST(challenge_ack_global_allowance_randomized_rfc5961_7),
	H_TEST(restarted_client_gets_challenge_ack_during_flood_rfc5961_4),
	H_TEST(time_wait_challenge_budget_of_its_own_rfc5961_7),
};
const size_t tcp_challenge_count = sizeof tcp_challenge_tests / sizeof tcp_challenge_tests[0];
