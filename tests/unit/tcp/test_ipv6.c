/*
 * The engine over IPv6 beside IPv4 (RFC 8200, RFC 9293 over either
 * family): the tuple carries the family, a listener takes both, segments
 * and ICMPv6 errors take lwIP's ip6_input() and the engine's raw PCBs
 * (h_inject_ip, h_inject_icmp6), and what goes out is checked on the
 * fake netif as an IPv6 packet (addresses, checksum over the RFC 8200
 * 8.1 pseudo-header, MSS = MTU - 60).
 */
#include <string.h>
#include "harness.h"
#include "lwip/prot/icmp6.h"

static const uint8_t t6_peer[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t t6_dev[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };

/* The next packet went over IPv6 from the device to the peer. */
static void t6_expect_ip6(void)
{
	const struct h_pkt *k = h_peek_tx();

	assert_non_null(k);
	assert_true(k->ip6);
	assert_memory_equal(k->src, t6_dev, 16);
	assert_memory_equal(k->dst, t6_peer, 16);
	assert_true(k->chksum_ok);
}

/*
 * RFC 9293 3.5 over IPv6, through ip6_input() and the raw PCB: the
 * listener on "any" answers, with MSS 1440 = 1500 - 60 (RFC 8200 5) and a
 * checksum over the IPv6 pseudo-header (RFC 8200 8.1); ip6_input() never
 * answers with a parameter problem.
 * < S   1000 (mss 1460)      > S. iss ack 1001 (mss 1440)     < . 1001 ack iss+1
 */
static void ipv6_handshake_through_ip6_input_mss_1440_rfc8200_5(void **s)
{
	(void)s;
	fixture_listen();
	h_inject_ip((struct h_seg){ .flags = F_S, .seq = H_PEER_ISS, .mss = 1460 });
	t6_expect_ip6();
	assert_int_equal(h_peek_tx()->mss, 1440);
	g.iss = h_peek_tx()->seq;
	expect_tx(F_S | F_A, g.iss, H_PEER_ISS + 1, 0);
	h_inject_ip((struct h_seg){ .flags = F_A, .seq = H_PEER_ISS + 1, .ack = g.iss + 1 });
	expect_no_tx();
	assert_int_equal(app.accepts, 1);
	g.tcb = app.accepted;
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	assert_int_equal(g.tcb->t.laddr.family, FW_TCP_IPV6);
	assert_int_equal(fw_tcp_mss(g.tcb), 1440);
	assert_int_equal(h_stats().segs_in6, 2);
	assert_int_equal(h_stats().segs_out6, 1);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* RFC 8200 8.1: a segment whose checksum is wrong over the IPv6
 * pseudo-header is dropped and counted; nothing answers it. */
static void ipv6_bad_checksum_dropped_rfc8200_8_1(void **s)
{
	(void)s;
	fixture_listen();
	h_inject_ip((struct h_seg){ .flags = F_S, .seq = H_PEER_ISS, .bad_chksum = true });
	expect_no_tx();
	assert_int_equal(h_stats().drop_chksum, 1);
	assert_int_equal(h_tcbs_in_use(), 0);
}

/* RFC 9293 3.10.7.1 over IPv6: a segment for no connection and no
 * listener gets <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> (no ACK bit),
 * or <SEQ=SEG.ACK><CTL=RST>, back to its source over IPv6.
 * < S 1000 to port 7     > R. 0 ack 1001      < . 5 ack 77     > R 77 */
static void ipv6_rst_for_closed_port_rfc9293_3_10_7_1(void **s)
{
	(void)s;
	h_inject_ip((struct h_seg){ .flags = F_S, .seq = H_PEER_ISS });
	t6_expect_ip6();
	expect_tx(F_R | F_A, 0, H_PEER_ISS + 1, 0);
	h_inject_ip((struct h_seg){ .flags = F_A, .seq = 5, .ack = 77 });
	t6_expect_ip6();
	expect_tx(F_R, 77, 0, 0);
	assert_int_equal(h_stats().rst_closed, 2);
}

/* RFC 1122 4.2.3.10 for IPv6: no TCP to a multicast address; the segment
 * to ff02::1 (a group every node is in, so ip6_input() takes it) is
 * dropped and counted, no RST goes to the group's members. */
static void ipv6_segment_to_multicast_dropped_rfc1122_4_2_3_10(void **s)
{
	(void)s;
	fixture_listen();
	h_inject_ip((struct h_seg){ .flags = F_S, .seq = H_PEER_ISS, .dst_multicast = true });
	expect_no_tx();
	assert_int_equal(h_stats().drop_addr, 1);
	assert_int_equal(h_tcbs_in_use(), 0);
}

/*
 * Demux by the whole tuple, family included: the same ports from
 * 192.0.2.1 and from 2001:db8::1 are two connections on one listener
 * ("any" takes both), each answering in its own family; data on one is
 * not the other's.
 */
static void ipv6_and_ipv4_same_ports_two_connections_listener_any(void **s)
{
	struct fw_tcp_conn *c4, *c6;
	uint32_t snd4, snd6;

	(void)s;
	fixture_listen();
	h_ip6 = false;
	c4 = h_establish_from(H_RPORT, &snd4);
	h_ip6 = true;
	c6 = h_establish_from(H_RPORT, &snd6);
	assert_ptr_not_equal(c4, c6);
	assert_int_equal(c4->t.laddr.family, FW_TCP_IPV4);
	assert_int_equal(c6->t.laddr.family, FW_TCP_IPV6);
	assert_int_equal(app.accepts, 2);
	/* 10 bytes over IPv6: only c6 advances, its ACK over IPv6 */
	inject(.flags = F_A | F_P, .seq = H_PEER_ISS + 1, .ack = snd6, .len = 10);
	expect_ack_by_delay(snd6, H_PEER_ISS + 11);
	assert_int_equal(c6->rcv_nxt, H_PEER_ISS + 11);
	assert_int_equal(c4->rcv_nxt, H_PEER_ISS + 1);
	/* an RST over IPv4 ends only c4 */
	h_ip6 = false;
	inject(.flags = F_R, .seq = H_PEER_ISS + 1);
	assert_int_equal(h_tcbs_in_use(), 1);
	expect_state(c6, FW_TCP_ESTABLISHED);
	fw_tcp_abort(c6);
	h_tx_drain();
}

/* An active open over IPv6: SYN from the device's IPv6 address, MSS
 * 1440; a peer without the option gets the IPv6 default 1220 (RFC 9293
 * 3.7.1), not IPv4's 536. */
static void ipv6_active_open_default_mss_1220_rfc9293_3_7_1(void **s)
{
	(void)s;
	fixture_syn_sent();
	assert_int_equal(h_last_tx()->mss, 1440);
	assert_true(h_last_tx()->ip6);
	inject(.flags = F_S | F_A, .seq = H_PEER_ISS, .ack = g.snd, .lport = g.tcb->t.lport);
	expect_tx(F_A, g.snd, H_PEER_ISS + 1, 0);
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	assert_int_equal(fw_tcp_mss(g.tcb), 1220);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* RFC 1122 4.2.3.10, RFC 4291 2.5.2, 2.5.5.2, 2.7: no open toward ::, a
 * multicast group or an IPv4-mapped address, nor from an address of the
 * other family; nothing taken, nothing sent. */
static void ipv6_connect_refuses_unspecified_multicast_mapped_rfc4291(void **s)
{
	static const char *const bad[] = { "::", "ff02::1", "ff05::2", "::ffff:192.0.2.1" };
	struct fw_tcp_addr l = h_local(), r, l4 = h_addr(H_LOCAL_IP);

	(void)s;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r = h_addr(bad[i]);
		assert_false(fw_tcp_unicast(&r));
		assert_null(fw_tcp_connect(&l, &r, 80, NULL, NULL));
	}
	r = h_remote();
	assert_true(fw_tcp_unicast(&r));
	assert_null(fw_tcp_connect(&l4, &r, 80, NULL, NULL));
	expect_no_tx();
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(h_stats().connect_bad_addr, 5);
}

/*
 * RFC 8201 4, 5: ICMPv6 packet too big for our 1440-byte segment lowers
 * the MSS to MTU - 60 and the segment at SND.UNA goes again at once at
 * the new size; a claim below 1280 lowers it to 1220 and no further.
 * > P. snd (1440)    < ICMPv6 PTB mtu 1400    > P. snd (1340)
 * < ICMPv6 PTB mtu 600                         > P. snd (1220)
 */
static void ipv6_packet_too_big_lowers_mss_floor_1220_rfc8201(void **s)
{
	static uint8_t big[1440];

	(void)s;
	fixture_established();
	assert_int_equal(fw_tcp_write(g.tcb, big, sizeof big), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, 1440);
	h_inject_icmp6(ICMP6_TYPE_PTB, 0, 1400, g.snd, false);
	assert_int_equal(fw_tcp_mss(g.tcb), 1340);
	assert_int_equal(h_stats().icmp6_pmtu, 1);
	t6_expect_ip6();
	expect_tx(F_P | F_A, g.snd, g.rcv, 1340);
	h_inject_icmp6(ICMP6_TYPE_PTB, 0, 600, g.snd, false);
	assert_int_equal(fw_tcp_mss(g.tcb), 1220);
	expect_tx(F_P | F_A, g.snd, g.rcv, 1220);
	h_inject_icmp6(ICMP6_TYPE_PTB, 0, 100, g.snd, false);
	assert_int_equal(fw_tcp_mss(g.tcb), 1220);   /* the floor: nothing lowered, nothing resent */
	expect_no_tx();
	assert_int_equal(h_stats().icmp6_pmtu, 2);
	assert_int_equal(h_stats().icmp_pmtu, 0);
	/* a forged one with a bad checksum, or quoting data never sent, does nothing */
	h_inject_icmp6(ICMP6_TYPE_PTB, 0, 1300, g.snd, true);
	h_inject_icmp6(ICMP6_TYPE_PTB, 0, 1300, g.snd + 5000u, false);
	assert_int_equal(fw_tcp_mss(g.tcb), 1220);
	assert_int_equal(h_stats().icmp_bad, 1);
	assert_int_equal(h_stats().icmp_bad_seq, 1);
	expect_no_tx();
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* RFC 4443 3.1 (port unreachable) for our SYN ends the open at once, as
 * ICMPv4's does (RFC 1122 4.2.3.9); address unreachable is a routing
 * error the application hears as such. */
static void ipv6_dest_unreachable_ends_syn_sent_rfc4443_3_1(void **s)
{
	(void)s;
	fixture_syn_sent();
	h_inject_icmp6(ICMP6_TYPE_DUR, ICMP6_DUR_PORT, 0, g.iss, false);
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(app.last_err, ERR_CLSD);
	fixture_syn_sent();
	h_inject_icmp6(ICMP6_TYPE_DUR, ICMP6_DUR_ADDRESS, 0, g.iss, false);
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(app.last_err, ERR_RTE);
	assert_int_equal(h_stats().icmp_open_aborts, 2);
	expect_no_tx();
}

/*
 * TIME_WAIT over IPv6 through the engine (RFC 9293 3.10.7.4, RFC 1337,
 * RFC 1122 4.2.2.13): the connection's TCB goes back, an IPv6 entry
 * holds the tuple; the peer's FIN again is ACKed over IPv6 and 2MSL
 * restarts, an RST is ignored, a SYN beyond RCV.NXT opens a new
 * incarnation with an ISN beyond the old SND.NXT, and 2MSL after the
 * last restart the entry is gone.
 * ... > F. snd   < .   < F. rcv   > . snd ack rcv+1   (TIME_WAIT)
 * < F. rcv (again)   > . snd ack rcv+1     < R   (nothing)
 * < S rcv+1000       > S. iss' > snd ack rcv+1001
 */
static void ipv6_time_wait_fin_again_rst_ignored_syn_reopens(void **s)
{
	struct fw_tcp_tw_stats w;
	uint32_t iss;

	(void)s;
	fixture_time_wait();
	fw_tcp_get_tw_stats(&w);
	assert_int_equal(w.in_use6, 1);
	assert_int_equal(w.entered6, 1);
	h_advance(1000);
	inject(.flags = F_F | F_A, .seq = g.rcv - 1, .ack = g.snd);
	t6_expect_ip6();
	expect_tx(F_A, g.snd, g.rcv, 0);
	inject(.flags = F_R, .seq = g.rcv);
	expect_no_tx();
	assert_int_equal(h_tw_in_use(), 1);
	inject(.flags = F_S, .seq = g.rcv + 1000, .mss = 1440);
	t6_expect_ip6();
	iss = h_peek_tx()->seq;
	assert_true(iss - g.snd < 0x80000000u && iss != g.snd);   /* beyond the old SND.NXT */
	expect_tx(F_S | F_A, iss, g.rcv + 1001, 0);
	inject(.flags = F_A, .seq = g.rcv + 1001, .ack = iss + 1);
	expect_no_tx();
	fw_tcp_get_tw_stats(&w);
	assert_int_equal(w.fin_reacked, 1);
	assert_int_equal(w.rst_ignored, 1);
	assert_int_equal(w.reused, 1);
	assert_int_equal(w.in_use6, 0);
	assert_int_equal(h_stats().tw_new_syn, 1);
	expect_state(app.accepted, FW_TCP_ESTABLISHED);
	fw_tcp_abort(app.accepted);
	h_tx_drain();
}

/* RFC 5961 3.2, 4.2 over IPv6: an in-window RST that is not exact and a
 * SYN in ESTABLISHED get a challenge ACK back over IPv6; the exact RST
 * ends the connection.
 * < R rcv+10    > . snd ack rcv      < S rcv    (limited: one per 500 ms)
 * < R rcv       connection reset */
static void ipv6_challenge_ack_then_exact_rst_rfc5961_3_2(void **s)
{
	(void)s;
	fixture_established();
	inject(.flags = F_R, .seq = g.rcv + 10);
	t6_expect_ip6();
	expect_tx(F_A, g.snd, g.rcv, 0);
	h_advance(FW_OOW_ACK_INTERVAL_MS);
	inject(.flags = F_S, .seq = g.rcv + 5);
	t6_expect_ip6();
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_stats().challenge_acks, 2);
	inject(.flags = F_R, .seq = g.rcv);
	expect_no_tx();
	assert_int_equal(app.last_err, ERR_RST);
	assert_int_equal(h_tcbs_in_use(), 0);
}

const struct CMUnitTest tcp_ipv6_tests[] = {
	H_TEST6(ipv6_handshake_through_ip6_input_mss_1440_rfc8200_5),
	H_TEST6(ipv6_bad_checksum_dropped_rfc8200_8_1),
	H_TEST6(ipv6_rst_for_closed_port_rfc9293_3_10_7_1),
	H_TEST6(ipv6_segment_to_multicast_dropped_rfc1122_4_2_3_10),
	H_TEST6(ipv6_and_ipv4_same_ports_two_connections_listener_any),
	H_TEST6(ipv6_active_open_default_mss_1220_rfc9293_3_7_1),
	H_TEST6(ipv6_connect_refuses_unspecified_multicast_mapped_rfc4291),
	H_TEST6(ipv6_packet_too_big_lowers_mss_floor_1220_rfc8201),
	H_TEST6(ipv6_dest_unreachable_ends_syn_sent_rfc4443_3_1),
	H_TEST6(ipv6_time_wait_fin_again_rst_ignored_syn_reopens),
	H_TEST6(ipv6_challenge_ack_then_exact_rst_rfc5961_3_2),
};
const size_t tcp_ipv6_count = sizeof tcp_ipv6_tests / sizeof tcp_ipv6_tests[0];
