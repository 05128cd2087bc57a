/*
 * SYN floods and a full control-block pool (RFC 4987): half-open
 * connections are the cheapest thing to take from the pool, so they are
 * recycled oldest first; then connections the application has closed and
 * only the teardown keeps (orphans); never a connection the application
 * holds. Spoofed sources never answer, so their SYN,ACKs are retried only
 * FW_SYNACK_RETRIES times. Every passive open's ISS is a SYN cookie
 * (RFC 4987 3.6), so a half-open connection recycled under pressure, or
 * never given a TCB, still completes when its ACK comes.
 *
 * Sources here are ports of the harness peer; what matters to the engine is
 * the 4-tuple.
 */
#include "harness.h"

#define SF_SPOOF_PORT0 2000u
#define SF_HONEST_PORT 4000u
#define SF_LATE_PORT 5000u
#define SF_DISCARD_PORT 9u
#define SF_DAYTIME_PORT 13u
#define SF_WATCH_MS (200u * 1000u)   /* longer than any half-open lifetime */
#define SF_STEP_MS 100u

/* < S from `rport` to `lport`; the SYN,ACK it got (its ISS), or fail. */
static uint32_t sf_syn(uint16_t rport, uint16_t lport, const char *what)
{
	uint32_t iss;

	inject(.flags = F_S, .seq = H_PEER_ISS, .mss = 1460, .rport = rport, .lport = lport);
	if (!h_peek_tx())
		h_fail(__FILE__, __LINE__, "no SYN,ACK for %s (:%u -> :%u): the SYN was dropped (%u TCBs in use)",
		       what, rport, lport, h_tcbs_in_use());
	iss = h_peek_tx()->seq;
	expect_tx(F_S | F_A, iss, H_PEER_ISS + 1, 0);
	return iss;
}

/*
 * RFC 4987 3.4, 3.5 (recycling the oldest half-open TCB): the listener's
 * backlog full of spoofed SYNs that will never be answered; an honest SYN
 * still gets its SYN,ACK:
 * < S  :2000 .. :2003      > S. each     (FW_LISTEN_BACKLOG half-open)
 * < S  :4000               > S.          (the oldest, :2000, recycled)
 * < .  :4000               accept_cb, ESTABLISHED
 */
static void syn_backlog_full_recycles_oldest_half_open_rfc4987(void **s)
{
	uint32_t iss;
	(void)s;
	fixture_listen();
	for (uint16_t i = 0; i < FW_LISTEN_BACKLOG; i++) {
		sf_syn((uint16_t)(SF_SPOOF_PORT0 + i), H_LPORT, "a spoofed SYN");
		h_advance(10);
	}
	iss = sf_syn(SF_HONEST_PORT, H_LPORT, "the honest SYN");
	inject(.flags = F_A, .seq = H_PEER_ISS + 1, .ack = iss + 1, .rport = SF_HONEST_PORT);
	expect_no_tx();
	assert_int_equal(app.accepts, 1);
	expect_state(app.accepted, FW_TCP_ESTABLISHED);
	assert_int_equal(h_tcbs_in_use(), FW_LISTEN_BACKLOG);
	fw_tcp_abort(app.accepted);
	h_tx_drain();
}

/*
 * A flood spread over the listeners fills the whole pool with half-open
 * TCBs; the application's own active open still gets one:
 * < S  :2000 ... to :7, :9, :13     > S. each, until all FW_TCB_COUNT are in use
 * app: fw_tcp_connect()             > S    (the oldest half-open recycled)
 */
static void syn_flood_fills_pool_connect_still_opens_rfc4987(void **s)
{
	static const uint16_t ports[] = { H_LPORT, SF_DISCARD_PORT, SF_DAYTIME_PORT };
	uint16_t rport = SF_SPOOF_PORT0;
	(void)s;
	fixture_listen();
	h_listen(SF_DISCARD_PORT);
	h_listen(SF_DAYTIME_PORT);
	for (unsigned p = 0; p < 3 && h_tcbs_in_use() < FW_TCB_COUNT; p++) {
		for (unsigned i = 0; i < FW_LISTEN_BACKLOG && h_tcbs_in_use() < FW_TCB_COUNT; i++) {
			sf_syn(rport++, ports[p], "a spoofed SYN");
			h_advance(10);
		}
	}
	assert_int_equal(h_tcbs_in_use(), FW_TCB_COUNT);
	fixture_syn_sent();
	assert_int_equal(h_stats().evict_syn_rcvd, 1);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/*
 * A spoofed SYN (the source never answers) costs at most
 * 1 + FW_SYNACK_RETRIES SYN,ACKs, then its half-open TCB is freed; active
 * opens keep FW_SYN_RETRIES:
 * < S :2000    > S. at 0, 1, 3, ... s (RTO backoff), FW_SYNACK_RETRIES times, then nothing
 */
static void synack_retransmissions_bounded_rfc4987(void **s)
{
	unsigned synacks = 0;
	(void)s;
	fixture_listen();
	inject(.flags = F_S, .seq = H_PEER_ISS, .rport = SF_SPOOF_PORT0);
	for (uint32_t t = 0; t < SF_WATCH_MS; t += SF_STEP_MS) {
		for (const struct h_pkt *k = h_peek_tx(); k; k = h_peek_tx()) {
			synacks += (k->flags & (F_S | F_A)) == (F_S | F_A);
			h_tx_head_skip();
		}
		h_advance(SF_STEP_MS);
	}
	if (synacks != 1u + FW_SYNACK_RETRIES)
		h_fail(__FILE__, __LINE__, "%u SYN,ACKs for one spoofed SYN, expected 1 + FW_SYNACK_RETRIES = %u",
		       synacks, 1u + FW_SYNACK_RETRIES);
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(h_stats().syn_timeouts, 1);
}

/* Fill the pool with connections the application holds. */
static void sf_fill_with_established(uint32_t snd[FW_TCB_COUNT], struct fw_tcp_conn *c[FW_TCB_COUNT])
{
	for (unsigned i = 0; h_tcbs_in_use() < FW_TCB_COUNT; i++)
		c[i] = h_establish_from((uint16_t)(SF_SPOOF_PORT0 + i), &snd[i]);
}

/*
 * Pool full of connections; the application has closed two, whose
 * teardown waits for peers that went quiet (orphans in FIN_WAIT_2):
 * app: close c0        > F.   < .   (FIN_WAIT_2, orphan)
 * app: close c1        > F.   < .   (FIN_WAIT_2, orphan)
 * < S :5000            > R. to c0 (the oldest orphan), > S. for :5000
 */
static void pool_full_recycles_oldest_orphan(void **s)
{
	static uint32_t snd[FW_TCB_COUNT];
	static struct fw_tcp_conn *c[FW_TCB_COUNT];
	(void)s;
	fixture_listen();
	sf_fill_with_established(snd, c);
	for (unsigned i = 0; i < 2; i++) {
		uint16_t rport = (uint16_t)(SF_SPOOF_PORT0 + i);
		fw_tcp_close(c[i]);
		expect_tx(F_F | F_A, snd[i], H_PEER_ISS + 1, 0);
		inject(.flags = F_A, .seq = H_PEER_ISS + 1, .ack = snd[i] + 1, .rport = rport);
		expect_state(c[i], FW_TCP_FIN_WAIT_2);
		h_advance(1000);
	}
	inject(.flags = F_S, .seq = H_PEER_ISS, .rport = SF_LATE_PORT);
	if (!h_peek_tx())
		h_fail(__FILE__, __LINE__, "SYN dropped with the pool full and two orphans in it");
	expect_tx(F_R | F_A, snd[0] + 1, H_PEER_ISS + 1, 0);
	assert_int_equal(h_peek_tx()->dport, SF_LATE_PORT);
	expect_tx(F_S | F_A, h_peek_tx()->seq, H_PEER_ISS + 1, 0);
	expect_state(c[1], FW_TCP_FIN_WAIT_2);
	assert_int_equal(h_stats().evict_orphan, 1);
	assert_int_equal(h_stats().evict_syn_rcvd, 0);
	for (unsigned i = 2; i < FW_TCB_COUNT; i++)
		fw_tcp_abort(c[i]);
	h_advance(fw_tcp_get_fin_wait_2_timeout() + SF_WATCH_MS);   /* c1 times out, :5000 gives up */
	h_tx_drain();
}

/*
 * Pool full of connections the application holds: none is taken from it.
 * A new SYN is answered with a SYN cookie and no TCB (RFC 4987 3.6); when
 * a control block is free again, the ACK carrying the cookie opens the
 * connection:
 * < S :5000           > S. cookie C (no TCB taken, none reset)
 * app: abort c0       > R.
 * < . :5000 ack C+1   ESTABLISHED, accept_cb
 * And the application's own active open gets NULL rather than a
 * connection taken from it.
 */
static void pool_full_of_app_connections_answers_with_cookie_rfc4987(void **s)
{
	static uint32_t snd[FW_TCB_COUNT];
	static struct fw_tcp_conn *c[FW_TCB_COUNT];
	struct fw_tcp_addr l = h_local(), r = h_remote();
	uint32_t cookie;
	(void)s;
	fixture_listen();
	sf_fill_with_established(snd, c);
	assert_null(fw_tcp_connect(&l, &r, H_RPORT, NULL, NULL));
	expect_no_tx();
	cookie = sf_syn(SF_LATE_PORT, H_LPORT, "a SYN with the pool full of held connections");
	expect_no_tx();
	assert_int_equal(h_tcbs_in_use(), FW_TCB_COUNT);
	assert_int_equal(h_stats().syncookies_sent, 1);
	assert_int_equal(h_stats().evict_syn_rcvd + h_stats().evict_orphan, 0);
	fw_tcp_abort(c[0]);
	h_tx_drain();
	inject(.flags = F_A, .seq = H_PEER_ISS + 1, .ack = cookie + 1, .rport = SF_LATE_PORT);
	expect_no_tx();
	expect_state(app.accepted, FW_TCP_ESTABLISHED);
	assert_int_equal(app.accepted->t.rport, SF_LATE_PORT);
	assert_int_equal(h_stats().syncookies_ok, 1);
	for (unsigned i = 0; i < FW_TCB_COUNT; i++) {
		struct fw_tcp_conn *t = tcb_by_id(i);
		if (t)
			fw_tcp_abort(t);
	}
	h_tx_drain();
}

/*
 * The half-open connection a flood recycled still completes: its SYN,ACK
 * carried a cookie, which its ACK (here with data) brings back:
 * < S :4000 (honest)            > S. C
 * < S :2000 .. :2003 (spoofed)  > S. each; the last recycles :4000's TCB
 * < .P :4000 ack C+1 len 5      ESTABLISHED from the cookie, accept_cb, > . ack +5
 */
static void recycled_half_open_completes_from_its_cookie_rfc4987(void **s)
{
	uint32_t iss;
	(void)s;
	fixture_listen();
	iss = sf_syn(SF_HONEST_PORT, H_LPORT, "the honest SYN");
	for (uint16_t i = 0; i < FW_LISTEN_BACKLOG; i++) {
		h_advance(10);
		sf_syn((uint16_t)(SF_SPOOF_PORT0 + i), H_LPORT, "a spoofed SYN");
	}
	assert_int_equal(h_stats().evict_syn_rcvd, 1);
	inject(.flags = F_A | F_P, .seq = H_PEER_ISS + 1, .ack = iss + 1, .rport = SF_HONEST_PORT, .len = 5);
	expect_tx(F_A, iss + 1, H_PEER_ISS + 6, 0);
	assert_int_equal(app.accepts, 1);
	assert_int_equal(app.rx_bytes, 5);
	assert_int_equal(app.accepted->t.rport, SF_HONEST_PORT);
	assert_int_equal(app.accepted->mss, H_MSS_MAX);
	assert_int_equal(h_stats().syncookies_ok, 1);
	fw_tcp_abort(app.accepted);
	h_tx_drain();
}

/* The same two over IPv6 (H_TEST6): the cookie is the MAC of the IPv6
 * tuple with its family (isn.c), the stateless SYN,ACK goes over IPv6
 * with MSS 1440, and the ACK that brings it back opens the connection. */
static void ipv6_pool_full_of_app_connections_answers_with_cookie_rfc4987(void **s)
{
	pool_full_of_app_connections_answers_with_cookie_rfc4987(s);
	assert_int_equal(h_stats().segs_in6, h_stats().segs_in);
}

static void ipv6_recycled_half_open_completes_from_its_cookie_rfc4987(void **s)
{
	recycled_half_open_completes_from_its_cookie_rfc4987(s);
	assert_int_equal(h_stats().segs_out6, h_stats().segs_out);
}

/*
 * The cookie's time step keeps counting across the wrap of the 32-bit
 * millisecond clock (49.7 days): a cookie made in the last step before the
 * wrap, ACKed in the first step after it, is one step old, not 67,108.
 * < S :4000 at 2^32 - 5 s      > S. C
 * < S :2000 .. :2003           > S. each; :4000's TCB recycled
 * ...10 s later, the clock has wrapped
 * < . :4000 ack C+1            ESTABLISHED from the cookie
 */
static void cookie_made_before_clock_wrap_completes_after_it_rfc4987(void **s)
{
	uint32_t iss;
	(void)s;
	h_now = 0xffffffffu - 5000u;
	fixture_listen();
	iss = sf_syn(SF_HONEST_PORT, H_LPORT, "the honest SYN");
	for (uint16_t i = 0; i < FW_LISTEN_BACKLOG; i++)
		sf_syn((uint16_t)(SF_SPOOF_PORT0 + i), H_LPORT, "a spoofed SYN");
	assert_int_equal(h_stats().evict_syn_rcvd, 1);
	h_advance(10000);
	h_tx_drain();
	assert_true(h_now < 10000u);
	inject(.flags = F_A, .seq = H_PEER_ISS + 1, .ack = iss + 1, .rport = SF_HONEST_PORT);
	expect_no_tx();
	assert_int_equal(app.accepts, 1);
	assert_int_equal(h_stats().syncookies_ok, 1);
	fw_tcp_abort(app.accepted);
	h_tx_drain();
}

/*
 * Without pressure (no half-open recycled, no SYN left without a TCB for
 * two cookie periods) a cookie is not honoured: a late duplicate of a
 * handshake's last ACK, after its connection is gone, is answered as RFC
 * 9293 3.10.7.2 says for LISTEN, <SEQ=SEG.ACK><CTL=RST>, and opens nothing.
 * < S :4000  > S. C   < . ack C+1  (ESTABLISHED)   app: abort  > R.
 * < . :4000 ack C+1 (again)         > R seq C+1
 */
static void cookie_ignored_without_pressure_rfc9293_3_10_7_2(void **s)
{
	uint32_t snd;
	(void)s;
	fixture_listen();
	g.tcb = h_establish_from(SF_HONEST_PORT, &snd);
	fw_tcp_abort(g.tcb);
	expect_tx(F_R | F_A, snd, H_PEER_ISS + 1, 0);
	inject(.flags = F_A, .seq = H_PEER_ISS + 1, .ack = snd, .rport = SF_HONEST_PORT);
	expect_tx(F_R, snd, 0, 0);
	assert_int_equal(app.accepts, 1);
	assert_int_equal(h_stats().syncookies_ok, 0);
}

/*
 * Under pressure, an ACK whose acknowledgment number is no cookie of ours
 * (forged), or one from more than two cookie periods ago, still gets the
 * RST of RFC 9293 3.10.7.2:
 * < S :4000   > S. C      ...three cookie periods later, a flood recycles:
 * < S :2000 .. :2004      > S. each
 * < . :4000 ack C+1       > R seq C+1      (too old)
 * < . :4001 ack 12345     > R seq 12345    (forged)
 */
static void stale_or_forged_cookie_ack_is_reset_rfc9293_3_10_7_2(void **s)
{
	uint32_t iss;
	(void)s;
	fixture_listen();
	iss = sf_syn(SF_HONEST_PORT, H_LPORT, "a SYN");
	h_advance(3u * FW_SYNCOOKIE_MS);     /* its half-open TCB gave up long ago */
	h_tx_drain();
	for (uint16_t i = 0; i <= FW_LISTEN_BACKLOG; i++)
		sf_syn((uint16_t)(SF_SPOOF_PORT0 + i), H_LPORT, "a spoofed SYN");
	assert_true(h_stats().evict_syn_rcvd > 0);
	inject(.flags = F_A, .seq = H_PEER_ISS + 1, .ack = iss + 1, .rport = SF_HONEST_PORT);
	expect_tx(F_R, iss + 1, 0, 0);
	inject(.flags = F_A, .seq = H_PEER_ISS + 1, .ack = 12345, .rport = SF_HONEST_PORT + 1);
	expect_tx(F_R, 12345, 0, 0);
	assert_int_equal(app.accepts, 0);
	assert_int_equal(h_stats().syncookies_ok, 0);
}

const struct CMUnitTest tcp_synflood_tests[] = {
	H_TEST(syn_backlog_full_recycles_oldest_half_open_rfc4987),
	H_TEST(syn_flood_fills_pool_connect_still_opens_rfc4987),
	H_TEST(synack_retransmissions_bounded_rfc4987),
	H_TEST(pool_full_recycles_oldest_orphan),
	H_TEST(pool_full_of_app_connections_answers_with_cookie_rfc4987),
	H_TEST(recycled_half_open_completes_from_its_cookie_rfc4987),
	H_TEST(cookie_made_before_clock_wrap_completes_after_it_rfc4987),
	H_TEST(cookie_ignored_without_pressure_rfc9293_3_10_7_2),
	H_TEST(stale_or_forged_cookie_ack_is_reset_rfc9293_3_10_7_2),
	H_TEST6(ipv6_pool_full_of_app_connections_answers_with_cookie_rfc4987),
	H_TEST6(ipv6_recycled_half_open_completes_from_its_cookie_rfc4987),
};
const size_t tcp_synflood_count = sizeof tcp_synflood_tests / sizeof tcp_synflood_tests[0];
