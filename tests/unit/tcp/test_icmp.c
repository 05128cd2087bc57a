/*
 * ICMP errors reaching TCP (RFC 1122 4.2.3.9, RFC 5927, RFC 1191): the
 * whole path, an IP datagram with an ICMP message quoting one of our
 * segments into the netif (lwIP's ip4_input, the engine's ICMP raw PCB).
 */
#include "harness.h"

#define ICMP_DEST_UNREACH 3u
#define ICMP_SOURCE_QUENCH 4u
#define ICMP_TIME_EXCEEDED 11u
#define ICMP_CODE_HOST 1u
#define ICMP_CODE_PORT 3u
#define ICMP_CODE_FRAG_NEEDED 4u

/*
 * RFC 1122 4.2.3.9 / RFC 5927 5.2: port unreachable for our SYN (quoting
 * ISS) ends the open at once, instead of FW_SYN_RETRIES retransmissions.
 * > S   iss            < ICMP 3/3 quoting iss   err_cb(refused), no TCB
 */
static void port_unreachable_ends_syn_sent(void **s)
{
	(void)s;
	fixture_syn_sent();
	h_inject_icmp(ICMP_DEST_UNREACH, ICMP_CODE_PORT, 0, g.iss, false);
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(app.errs, 1);
	assert_int_equal(app.last_err, ERR_CLSD);
	assert_int_equal(h_stats().icmp_open_aborts, 1);
	expect_no_tx();
	h_advance(10000);
	expect_no_tx();                    /* no SYN retransmission */
}

/* The application learns why: refused (port/protocol unreachable, as an
 * RST would say) or a routing problem (net/host unreachable). */
static void host_unreachable_reports_route_error(void **s)
{
	(void)s;
	fixture_syn_sent();
	h_inject_icmp(ICMP_DEST_UNREACH, ICMP_CODE_HOST, 0, g.iss, false);
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(app.errs, 1);
	assert_int_equal(app.last_err, ERR_RTE);
}

/*
 * RFC 5927 4.1: an ICMP error whose quoted sequence number is not in
 * SND.UNA..SND.NXT-1 is not about anything we sent: a blind attacker's
 * guess. It is counted and ignored.
 */
static void icmp_with_wrong_seq_ignored_rfc5927(void **s)
{
	(void)s;
	fixture_syn_sent();
	h_inject_icmp(ICMP_DEST_UNREACH, ICMP_CODE_PORT, 0, g.iss + 12345u, false);
	expect_state(g.tcb, FW_TCP_SYN_SENT);
	assert_int_equal(h_stats().icmp_bad_seq, 1);
	h_inject_icmp(ICMP_DEST_UNREACH, ICMP_CODE_PORT, 0, g.iss, true);   /* bad checksum */
	expect_state(g.tcb, FW_TCP_SYN_SENT);
	assert_int_equal(h_stats().icmp_bad, 1);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/*
 * RFC 5927 5.2 (as Linux does): in a synchronized state even a "hard"
 * error is soft: counted and kept, the connection goes on; if it later
 * times out, the application hears that error rather than a bare abort.
 */
static void unreachable_in_established_is_soft(void **s)
{
	static const uint8_t data[10] = { 0 };

	(void)s;
	fixture_established();
	assert_int_equal(fw_tcp_write(g.tcb, data, sizeof data), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, 10);
	h_inject_icmp(ICMP_DEST_UNREACH, ICMP_CODE_HOST, 0, g.snd, false);
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	assert_int_equal(h_stats().icmp_soft, 1);
	h_inject_icmp(ICMP_TIME_EXCEEDED, 0, 0, g.snd, false);
	assert_int_equal(h_stats().icmp_soft, 2);
	h_advance(600000);                  /* every retransmission unanswered */
	assert_int_equal(app.errs, 1);
	assert_int_equal(app.last_err, ERR_RTE);
	h_tx_drain();
}

/* RFC 6633: source quench is ignored. */
static void source_quench_ignored_rfc6633(void **s)
{
	(void)s;
	fixture_established();
	h_inject_icmp(ICMP_SOURCE_QUENCH, 0, 0, g.snd - 1u, false);
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	assert_int_equal(h_stats().icmp_soft, 0);
	expect_no_tx();
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/*
 * RFC 1191 path MTU discovery: "fragmentation needed" with a next-hop MTU
 * lowers the connection's MSS to MTU - 40, never below 536 (RFC 1122
 * 3.3.3: every host must accept 576-byte datagrams), so a forged message
 * cannot shrink segments to nothing.
 */
static void frag_needed_lowers_mss_rfc1191(void **s)
{
	static const uint8_t big[1200] = { 0 };

	(void)s;
	fixture_established();
	assert_int_equal(fw_tcp_write(g.tcb, big, sizeof big), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, 1200);
	h_inject_icmp(ICMP_DEST_UNREACH, ICMP_CODE_FRAG_NEEDED, 1040, g.snd, false);
	assert_int_equal(h_stats().icmp_pmtu, 1);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 1200u);
	g.snd += 1200;
	assert_int_equal(fw_tcp_write(g.tcb, big, sizeof big), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, 1000);
	expect_no_tx();                 /* Nagle: the short rest waits for the ACK */
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 1000u);
	expect_tx(F_P | F_A, g.snd + 1000u, g.rcv, 200);
	h_inject_icmp(ICMP_DEST_UNREACH, ICMP_CODE_FRAG_NEEDED, 68, g.snd + 1000u, false);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 1200u);
	g.snd += 1200;
	assert_int_equal(fw_tcp_write(g.tcb, big, 600), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, 536);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 536u);
	expect_tx(F_P | F_A, g.snd + 536u, g.rcv, 64);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

const struct CMUnitTest tcp_icmp_tests[] = {
	H_TEST(port_unreachable_ends_syn_sent),
	H_TEST(host_unreachable_reports_route_error),
	H_TEST(icmp_with_wrong_seq_ignored_rfc5927),
	H_TEST(unreachable_in_established_is_soft),
	H_TEST(source_quench_ignored_rfc6633),
	H_TEST(frag_needed_lowers_mss_rfc1191),
};
const size_t tcp_icmp_count = sizeof tcp_icmp_tests / sizeof tcp_icmp_tests[0];
