/*
 * Selective acknowledgment (RFC 2018): SACK-permitted on the SYNs, the
 * blocks our ACKs carry while out-of-order data is queued, the blocks we
 * take from the peer (malformed ones counted and ignored), and loss
 * recovery that resends the holes and never what the peer SACKed
 * (RFC 6675), with the scoreboard forgotten after a timeout (RFC 2018 5, 8).
 */
#include "harness.h"

#define S_SYN_OPTS_SACK 8u     /* MSS (4) + NOP, NOP, SACK-permitted (4) */
#define S_SYN_OPTS_PLAIN 4u    /* MSS only */
#define S_SPOOF_PORT0 2000u

static const uint8_t s_buf[FW_TCP_MSS];

/* fixture_established(), the peer's SYN offering SACK:
 * < S 1000 (mss 1460, sackOK)   > S. iss ack 1001 (mss 1460, sackOK)   < . */
static void fixture_sack_established(void)
{
	fixture_listen();
	inject(.flags = F_S, .seq = H_PEER_ISS, .mss = 1460, .sack_ok = true);
	assert_non_null(h_peek_tx());
	g.iss = h_peek_tx()->seq;
	expect_tx(F_S | F_A, g.iss, H_PEER_ISS + 1, 0);
	assert_int_equal(h_last_tx()->mss, FW_TCP_MSS);
	assert_true(h_last_tx()->sack_ok);
	g.snd = g.iss + 1;
	g.rcv = H_PEER_ISS + 1;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_no_tx();
	g.tcb = app.accepted;
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
}

static void finish(void)
{
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* The next segment sent carries exactly these blocks, in this order. */
static void h_expect_sack(const char *file, int line, unsigned n, const struct h_sack *b)
{
	const struct h_pkt *k = h_last_tx();

	if (k->opt_bad)
		h_fail(file, line, "malformed options on a sent segment");
	if (k->sack_n != n)
		h_fail(file, line, "%u SACK blocks sent, expected %u", k->sack_n, n);
	for (unsigned i = 0; i < n; i++)
		if (k->sack[i].left != b[i].left || k->sack[i].right != b[i].right)
			h_fail(file, line, "SACK block %u is %u:%u, expected %u:%u", i, k->sack[i].left, k->sack[i].right,
			       b[i].left, b[i].right);
	/* RFC 2018 3: 2 + 8n bytes after two NOPs: the header stays 4-byte aligned */
	if (k->optlen != (n ? 4u + 8u * n : 0u))
		h_fail(file, line, "%u option bytes for %u SACK blocks", k->optlen, n);
}
#define expect_sack(...) do { \
	const struct h_sack b_[] = { __VA_ARGS__ }; \
	h_expect_sack(__FILE__, __LINE__, sizeof b_ / sizeof b_[0], b_); } while (0)
#define expect_no_sack() h_expect_sack(__FILE__, __LINE__, 0, NULL)

/*
 * RFC 2018 2: a SYN,ACK answers SACK-permitted only when the SYN carried it.
 * < S sackOK       > S. mss 1460 sackOK (8 option bytes)
 * < S (other port) > S. mss 1460        (4 option bytes)
 */
static void syn_ack_answers_sack_permitted_rfc2018_2(void **state)
{
	(void)state;
	fixture_listen();
	inject(.flags = F_S, .seq = H_PEER_ISS, .mss = 1460, .sack_ok = true);
	assert_non_null(h_peek_tx());
	expect_tx(F_S | F_A, h_peek_tx()->seq, H_PEER_ISS + 1, 0);
	assert_true(h_last_tx()->sack_ok);
	assert_int_equal(h_last_tx()->optlen, S_SYN_OPTS_SACK);
	assert_int_equal(h_last_tx()->mss, FW_TCP_MSS);
	assert_false(h_last_tx()->opt_bad);
	inject(.flags = F_S, .seq = H_PEER_ISS, .mss = 1460, .rport = H_RPORT + 1);
	assert_non_null(h_peek_tx());
	expect_tx(F_S | F_A, h_peek_tx()->seq, H_PEER_ISS + 1, 0);
	assert_false(h_last_tx()->sack_ok);
	assert_int_equal(h_last_tx()->optlen, S_SYN_OPTS_PLAIN);
	assert_int_equal(h_stats().sack_conns, 1);
	/* its retransmission says the same */
	h_advance(FW_RTO_INITIAL_MS);
	assert_int_equal(h_tx_pending(), 2);
	for (unsigned i = 0; i < 2; i++) {
		assert_true(h_peek_tx()->flags == (F_S | F_A));
		assert_int_equal(h_peek_tx()->sack_ok, h_peek_tx()->dport == H_RPORT);
		h_tx_head_skip();
	}
}

/*
 * RFC 2018 2: our SYN offers SACK; the SYN,ACK's answer decides.
 * > S mss 1460 sackOK   < S. sackOK   < P. out of order   > . with a block
 */
static void active_open_offers_sack_permitted_rfc2018_2(void **state)
{
	(void)state;
	fixture_syn_sent();
	assert_true(h_last_tx()->sack_ok);
	assert_int_equal(h_last_tx()->optlen, S_SYN_OPTS_SACK);
	assert_int_equal(h_last_tx()->mss, FW_TCP_MSS);
	inject(.flags = F_S | F_A, .seq = H_PEER_ISS, .ack = g.snd, .mss = 1460, .sack_ok = true, .lport = g.tcb->t.lport);
	g.rcv = H_PEER_ISS + 1;
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	assert_int_equal(h_stats().sack_conns, 1);
	inject(.flags = F_P | F_A, .seq = g.rcv + 10, .ack = g.snd, .len = 10, .lport = g.tcb->t.lport);
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_sack({ g.rcv + 10, g.rcv + 20 });
	finish();
}

/* RFC 2018 2, 3: without agreement no block goes: the listener's peer
 * sent no SACK-permitted.
 * < S (no sackOK) ... < P. out of order   > . no SACK option */
static void no_sack_blocks_when_peer_did_not_offer_rfc2018_3(void **state)
{
	(void)state;
	fixture_established();
	inject(.flags = F_P | F_A, .seq = g.rcv + 10, .ack = g.snd, .len = 10);
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_no_sack();
	assert_int_equal(h_stats().sack_blocks_sent, 0);
	finish();
}

/* RFC 2018 2: a SYN,ACK without SACK-permitted turns our offer down.
 * > S sackOK   < S. (no sackOK)   < P. out of order   > . no SACK option */
static void no_sack_blocks_when_syn_ack_declines_rfc2018_2(void **state)
{
	(void)state;
	fixture_syn_sent();
	inject(.flags = F_S | F_A, .seq = H_PEER_ISS, .ack = g.snd, .mss = 1460, .lport = g.tcb->t.lport);
	g.rcv = H_PEER_ISS + 1;
	expect_tx(F_A, g.snd, g.rcv, 0);
	inject(.flags = F_P | F_A, .seq = g.rcv + 10, .ack = g.snd, .len = 10, .lport = g.tcb->t.lport);
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_no_sack();
	assert_int_equal(h_stats().sack_conns, 0);
	finish();
}

/*
 * RFC 2018 4: one hole, one block; once the hole fills, none.
 * < P. rcv+10 len 10   > . ack rcv  sack rcv+10:rcv+20
 * < P. rcv    len 10   > . ack rcv+20 (no SACK option)
 */
static void one_hole_one_block_gone_when_filled_rfc2018_4(void **state)
{
	(void)state;
	fixture_sack_established();
	inject(.flags = F_P | F_A, .seq = g.rcv + 10, .ack = g.snd, .len = 10);
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_sack({ g.rcv + 10, g.rcv + 20 });
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 10);
	g.rcv += 20;
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_no_sack();
	assert_int_equal(app.rx_bytes, 20);
	assert_int_equal(h_stats().sack_blocks_sent, 1);
	finish();
}

/*
 * RFC 2018 4: several holes, the block holding the segment that triggered
 * the ACK first, then the others (highest first); data we send carries
 * them too; they go as the holes fill.
 * < P. +100  > . sack 100           < P. +50  > . sack 50, 100
 * < P. +200  > . sack 200, 100, 50  < P. +20  > . sack 20, 200, 100, 50 (36 bytes)
 * app writes 5: > P. 5 bytes sack 20, 200, 100, 50
 * < P. +0 len 50  > . sack 100 (the first holes filled, RCV.NXT +60; in-order
 *                  data took +200's buffer back: reneged, no longer reported)
 */
static void several_holes_most_recent_first_rfc2018_4(void **state)
{
	uint32_t r;
	(void)state;
	fixture_sack_established();
	r = g.rcv;
	inject(.flags = F_P | F_A, .seq = r + 100, .ack = g.snd, .len = 10);
	expect_tx(F_A, g.snd, r, 0);
	expect_sack({ r + 100, r + 110 });
	inject(.flags = F_P | F_A, .seq = r + 50, .ack = g.snd, .len = 10);
	expect_tx(F_A, g.snd, r, 0);
	expect_sack({ r + 50, r + 60 }, { r + 100, r + 110 });
	inject(.flags = F_P | F_A, .seq = r + 200, .ack = g.snd, .len = 10);
	expect_tx(F_A, g.snd, r, 0);
	expect_sack({ r + 200, r + 210 }, { r + 100, r + 110 }, { r + 50, r + 60 });
	inject(.flags = F_P | F_A, .seq = r + 20, .ack = g.snd, .len = 10);
	expect_tx(F_A, g.snd, r, 0);
	expect_sack({ r + 20, r + 30 }, { r + 200, r + 210 }, { r + 100, r + 110 }, { r + 50, r + 60 });
	assert_int_equal(fw_tcp_write(g.tcb, s_buf, 5), ERR_OK);
	expect_tx(F_P | F_A, g.snd, r, 5);
	expect_sack({ r + 20, r + 30 }, { r + 200, r + 210 }, { r + 100, r + 110 }, { r + 50, r + 60 });
	g.snd += 5;
	inject(.flags = F_P | F_A, .seq = r, .ack = g.snd, .len = 50);
	g.rcv = r + 60;
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_sack({ r + 100, r + 110 });
	assert_int_equal(h_stats().ooo_drop_budget, 1);
	assert_int_equal(h_stats().sack_blocks_sent, 1 + 2 + 3 + 4 + 4 + 1);
	finish();
}

/*
 * RFC 2018 4: queued segments that touch are one block, the one that
 * triggered the ACK inside it; a segment the full queue drops is not
 * reported (we SACK only what we hold).
 * < P. +10 len 10  < P. +20 len 10   > . sack 10:30
 * < P. +100, +200 (> . ...)  < P. +300 (dropped)  > . sack 200, 100, 10:30
 * < P. +20 (a duplicate)  > . sack 10:30, 200, 100
 */
static void adjacent_segments_one_block_rfc2018_4(void **state)
{
	uint32_t r;
	(void)state;
	fixture_sack_established();
	r = g.rcv;
	inject(.flags = F_P | F_A, .seq = r + 10, .ack = g.snd, .len = 10);
	h_tx_drain();
	inject(.flags = F_P | F_A, .seq = r + 20, .ack = g.snd, .len = 10);
	expect_tx(F_A, g.snd, r, 0);
	expect_sack({ r + 10, r + 30 });
	inject(.flags = F_P | F_A, .seq = r + 100, .ack = g.snd, .len = 10);
	inject(.flags = F_P | F_A, .seq = r + 200, .ack = g.snd, .len = 10);
	h_tx_drain();
	/* the queue is full (FW_TCP_OOQ_SEGS segments): a fifth is dropped, its
	 * ACK reports the three blocks the four held make */
	inject(.flags = F_P | F_A, .seq = r + 300, .ack = g.snd, .len = 10);
	expect_tx(F_A, g.snd, r, 0);
	if (FW_TCP_OOQ_SEGS == 4)
		expect_sack({ r + 200, r + 210 }, { r + 100, r + 110 }, { r + 10, r + 30 });
	inject(.flags = F_P | F_A, .seq = r + 20, .ack = g.snd, .len = 10);   /* a duplicate */
	expect_tx(F_A, g.snd, r, 0);
	expect_sack({ r + 10, r + 30 }, { r + 200, r + 210 }, { r + 100, r + 110 });
	finish();
}

/*
 * RFC 9293 3.7.1, RFC 6691: the MSS counts data only; segments that carry
 * SACK blocks hold that much less data, so none exceeds MSS + 20.
 * < P. rcv+10 len 10 (> . sack)   app writes 2 x MSS
 * > P. MSS - 12 bytes sack 10:20   > P. the rest
 * < P. rcv+100 len 10   > . sack 100, 10
 */
static void full_segment_leaves_room_for_sack_rfc6691(void **state)
{
	(void)state;
	fixture_sack_established();
	inject(.flags = F_P | F_A, .seq = g.rcv + 10, .ack = g.snd, .len = 10);
	expect_tx(F_A, g.snd, g.rcv, 0);
	fw_tcp_nagle(g.tcb, false);   /* the short rest goes at once, in flight or not */
	assert_int_equal(fw_tcp_write(g.tcb, s_buf, FW_TCP_MSS), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, FW_TCP_MSS - 12);
	expect_sack({ g.rcv + 10, g.rcv + 20 });
	expect_tx(F_P | F_A, g.snd + FW_TCP_MSS - 12, g.rcv, 12);
	expect_sack({ g.rcv + 10, g.rcv + 20 });
	expect_no_tx();
	/* another hole: the bare ACK carries both blocks */
	inject(.flags = F_P | F_A, .seq = g.rcv + 100, .ack = g.snd, .len = 10);
	expect_tx(F_A, g.snd + FW_TCP_MSS, g.rcv, 0);
	expect_sack({ g.rcv + 100, g.rcv + 110 }, { g.rcv + 10, g.rcv + 20 });
	finish();
}

/*
 * RFC 6691 for a retransmission too: a segment sent before the holes
 * opened goes again a little shorter, with the blocks.
 * > P. MSS   < P. rcv+10   > . sack 10   < P. rcv+100   > . sack 100, 10
 * RTO > P. MSS - 20 sack 100, 10
 */
static void retransmission_leaves_room_for_sack_rfc6691(void **state)
{
	(void)state;
	fixture_sack_established();
	assert_int_equal(fw_tcp_write(g.tcb, s_buf, FW_TCP_MSS), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, FW_TCP_MSS);
	expect_no_sack();
	inject(.flags = F_P | F_A, .seq = g.rcv + 10, .ack = g.snd, .len = 10);
	expect_tx(F_A, g.snd + FW_TCP_MSS, g.rcv, 0);
	expect_sack({ g.rcv + 10, g.rcv + 20 });
	inject(.flags = F_P | F_A, .seq = g.rcv + 100, .ack = g.snd, .len = 10);
	expect_tx(F_A, g.snd + FW_TCP_MSS, g.rcv, 0);
	expect_sack({ g.rcv + 100, g.rcv + 110 }, { g.rcv + 10, g.rcv + 20 });
	h_advance(g.tcb->rto);
	expect_tx(F_P | F_A, g.snd, g.rcv, FW_TCP_MSS - 20);
	expect_sack({ g.rcv + 100, g.rcv + 110 }, { g.rcv + 10, g.rcv + 20 });
	finish();
}

/* n full segments written and sent (peer window 8192: up to 5), on a
 * connection past slow start (cwnd opened beyond the peer's window). */
static void send_segments(unsigned n)
{
	g.tcb->cwnd = 8u * FW_TCP_MSS;
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(fw_tcp_write(g.tcb, s_buf, FW_TCP_MSS), ERR_OK);
	for (unsigned i = 0; i < n; i++)
		expect_tx(F_P | F_A, g.snd + i * FW_TCP_MSS, g.rcv, FW_TCP_MSS);
	expect_no_tx();
}

#define SEG(i) (g.snd + (i) * FW_TCP_MSS)

/*
 * RFC 2018 3: malformed SACK options and blocks are counted and ignored,
 * the segment is not: its ACK still counts.
 * > P. x2
 * < . SACK option of length 11              (sack_bad, the ACK of seg 0 taken)
 * < . blocks 5:5, beyond SND.NXT, below SND.UNA, one good  (bad 2, old 1, rcvd 1)
 */
static void malformed_sack_counted_and_ignored_rfc2018_3(void **state)
{
	static const uint8_t bad_len[12] = { 5, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	uint32_t una;
	(void)state;
	fixture_sack_established();
	send_segments(3);
	inject(.flags = F_A, .seq = g.rcv, .ack = SEG(1), .raw_opts = bad_len, .raw_optlen = sizeof bad_len);
	expect_no_tx();
	assert_int_equal(app.sent_bytes, FW_TCP_MSS);
	assert_int_equal(h_stats().sack_bad, 1);
	assert_int_equal(h_stats().drop_opts, 0);
	una = SEG(1);
	inject(.flags = F_A, .seq = g.rcv, .ack = una, .sack_n = 4,
	       .sack = { { SEG(2), SEG(2) }, { SEG(2), SEG(9) }, { g.snd, una }, { SEG(2), SEG(3) } });
	expect_no_tx();
	assert_int_equal(h_stats().sack_bad, 3);
	assert_int_equal(h_stats().sack_old, 1);
	assert_int_equal(h_stats().sack_blocks_rcvd, 1);
	finish();

	/* on a connection that never agreed, blocks are ignored and counted */
	{
		uint32_t snd;
		struct fw_tcp_conn *c = h_establish_from(H_RPORT + 1, &snd);
		inject(.flags = F_A, .seq = H_PEER_ISS + 1, .ack = snd, .rport = H_RPORT + 1, .sack_n = 1,
		       .sack = { { snd, snd + 1 } });
		assert_int_equal(h_stats().sack_bad, 4);
		fw_tcp_abort(c);
		h_tx_drain();
	}
}

/* Segments 0 and 2 of five lost: three duplicate ACKs SACK 1 and 3:5,
 * and seg 0 goes again (fast retransmit).
 * > P. 0..4
 * < . ack 0 sack 1   < . ack 0 sack 3,1   < . ack 0 sack 3:5,1   > P. seg 0 */
static void lose_segments_0_and_2(void)
{
	fixture_sack_established();
	send_segments(5);
	inject(.flags = F_A, .seq = g.rcv, .ack = SEG(0), .sack_n = 1, .sack = { { SEG(1), SEG(2) } });
	inject(.flags = F_A, .seq = g.rcv, .ack = SEG(0), .sack_n = 2, .sack = { { SEG(3), SEG(4) }, { SEG(1), SEG(2) } });
	expect_no_tx();
	inject(.flags = F_A, .seq = g.rcv, .ack = SEG(0), .sack_n = 2, .sack = { { SEG(3), SEG(5) }, { SEG(1), SEG(2) } });
	expect_tx(F_P | F_A, SEG(0), g.rcv, FW_TCP_MSS);
	assert_int_equal(h_stats().fast_retransmits, 1);
}

/*
 * RFC 6675 (NextSeg) with RFC 5681 3.2: segments 0 and 2 of five are lost.
 * > P. 0..4
 * < . ack 0 sack 1   < . ack 0 sack 3,1   < . ack 0 sack 3:5,1 (third dup)
 *                                         > P. seg 0 (the hole at SND.UNA)
 * < . ack 0 sack 3:5,1 (fourth)           > P. seg 2 (the next hole; seg 1 skipped)
 * < . ack 0 (fifth)                       nothing: no hole left below 5
 * < . ack 2 sack 3:5 (partial)            nothing: seg 2 is already resent
 * < . ack 5
 */
static void recovery_resends_holes_never_sacked_rfc6675(void **state)
{
	(void)state;
	lose_segments_0_and_2();
	inject(.flags = F_A, .seq = g.rcv, .ack = SEG(0), .sack_n = 2, .sack = { { SEG(3), SEG(5) }, { SEG(1), SEG(2) } });
	expect_tx(F_P | F_A, SEG(2), g.rcv, FW_TCP_MSS);
	assert_int_equal(h_stats().sack_rexmit_skipped, FW_TCP_MSS);
	inject(.flags = F_A, .seq = g.rcv, .ack = SEG(0), .sack_n = 2, .sack = { { SEG(3), SEG(5) }, { SEG(1), SEG(2) } });
	expect_no_tx();
	inject(.flags = F_A, .seq = g.rcv, .ack = SEG(2), .sack_n = 1, .sack = { { SEG(3), SEG(5) } });
	expect_no_tx();
	assert_int_equal(app.sent_bytes, 2 * FW_TCP_MSS);
	inject(.flags = F_A, .seq = g.rcv, .ack = SEG(5));
	expect_no_tx();
	assert_false(g.tcb->flags & TCB_F_RECOVERY);
	assert_int_equal(h_stats().sack_blocks_rcvd, 1 + 2 + 2 + 2 + 2 + 1);
	g.snd = SEG(5);
	finish();
}

/*
 * The scoreboard and HighRxt are kept from SND.UNA: when a partial ACK
 * moves it, what the peer SACKed and what was resent move with it.
 * Segments 0 and 2 of five are lost.
 * > P. 0..4
 * < . ack 0 sack 1   < . ack 0 sack 3,1   < . ack 0 sack 3:5,1 (third dup)
 *                                         > P. seg 0
 * < . ack 1 sack 3:5,1 (partial: seg 0 came) > P. seg 2 (seg 1 SACKed, skipped)
 * < . ack 1 sack 3:5,1                    nothing: no hole left below 5
 * < . ack 3 sack 3:5 (partial)            nothing: seg 2 is already resent
 * < . ack 5
 */
static void partial_ack_moves_scoreboard_with_snd_una_rfc6675(void **state)
{
	(void)state;
	lose_segments_0_and_2();
	inject(.flags = F_A, .seq = g.rcv, .ack = SEG(1), .sack_n = 2, .sack = { { SEG(3), SEG(5) }, { SEG(1), SEG(2) } });
	expect_tx(F_P | F_A, SEG(2), g.rcv, FW_TCP_MSS);
	assert_int_equal(h_stats().sack_rexmit_skipped, FW_TCP_MSS);
	inject(.flags = F_A, .seq = g.rcv, .ack = SEG(1), .sack_n = 2, .sack = { { SEG(3), SEG(5) }, { SEG(1), SEG(2) } });
	expect_no_tx();
	inject(.flags = F_A, .seq = g.rcv, .ack = SEG(3), .sack_n = 1, .sack = { { SEG(3), SEG(5) } });
	expect_no_tx();
#if FW_TCP_SACK
	assert_int_equal(g.tcb->sack.sb_n, 1);
	assert_int_equal(g.tcb->sack.sb[0].left, 0);
	assert_int_equal(g.tcb->sack.sb[0].right, 2 * FW_TCP_MSS);
#endif
	inject(.flags = F_A, .seq = g.rcv, .ack = SEG(5));
	expect_no_tx();
	assert_false(g.tcb->flags & TCB_F_RECOVERY);
	assert_int_equal(app.sent_bytes, 5 * FW_TCP_MSS);
	g.snd = SEG(5);
	finish();
}

/*
 * RFC 6675 NextSeg never resends SACKed bytes: a hole shorter than a
 * segment is resent as it is.
 * > P. 0..2   < . ack 0 sack 0+500:3 (x3)   > P. seg 0, 500 bytes only
 */
static void hole_shorter_than_mss_resent_alone_rfc6675(void **state)
{
	(void)state;
	fixture_sack_established();
	send_segments(3);
	for (unsigned i = 0; i < 3; i++)
		inject(.flags = F_A, .seq = g.rcv, .ack = SEG(0), .sack_n = 1, .sack = { { SEG(0) + 500, SEG(3) } });
	expect_tx(F_P | F_A, SEG(0), g.rcv, 500);
	inject(.flags = F_A, .seq = g.rcv, .ack = SEG(0), .sack_n = 1, .sack = { { SEG(0) + 500, SEG(3) } });
	expect_no_tx();
	finish();
}

/*
 * RFC 2018 5, 8: after a timeout nothing SACKed is trusted (the receiver
 * may have reneged): SND.UNA goes again, and every partial ACK resends
 * the next segment even though it had been SACKed.
 * > P. 0..3   < . ack 0 sack 1:4 (x2: no fast retransmit)
 * RTO > P. seg 0   < . ack 1 (reneged: no SACK)   > P. seg 1
 */
static void rto_forgets_scoreboard_rfc2018_8(void **state)
{
	(void)state;
	fixture_sack_established();
	send_segments(4);
	for (unsigned i = 0; i < 2; i++)
		inject(.flags = F_A, .seq = g.rcv, .ack = SEG(0), .sack_n = 1, .sack = { { SEG(1), SEG(4) } });
	expect_no_tx();
	h_advance(g.tcb->rto);
	expect_tx(F_P | F_A, SEG(0), g.rcv, FW_TCP_MSS);
	assert_int_equal(h_stats().retransmits, 1);
	inject(.flags = F_A, .seq = g.rcv, .ack = SEG(1));
	expect_tx(F_P | F_A, SEG(1), g.rcv, FW_TCP_MSS);
	inject(.flags = F_A, .seq = g.rcv, .ack = SEG(2));
	expect_tx(F_P | F_A, SEG(2), g.rcv, FW_TCP_MSS);
	assert_int_equal(h_stats().sack_rexmit_skipped, 0);
	g.snd = SEG(4);
	finish();
}

/*
 * Bounds: a peer SACKing many scattered ranges makes us hold no more than
 * FW_TCP_SACK_RANGES of them; recovery still resends only holes, and
 * nothing beyond what was sent is ever believed.
 * > P. 0..4   < . ack 0, 4 blocks of 100 bytes each, x2 (8 ranges)
 */
static void scattered_sacks_bounded_scoreboard(void **state)
{
	(void)state;
	fixture_sack_established();
	send_segments(5);
	for (unsigned k = 0; k < 3; k++) {
		uint32_t base = SEG(1) + (k & 1u) * 200u;
		inject(.flags = F_A, .seq = g.rcv, .ack = SEG(0), .sack_n = 4,
		       .sack = { { base, base + 100 }, { base + 1000, base + 1100 }, { base + 2000, base + 2100 },
		                 { base + 3000, base + 3100 } });
	}
#if FW_TCP_SACK
	assert_true(g.tcb->sack.sb_n <= FW_TCP_SACK_RANGES);
#endif
	/* the third duplicate: the hole at SND.UNA, never into SACKed data */
	expect_tx(F_P | F_A, SEG(0), g.rcv, FW_TCP_MSS);
	for (unsigned i = 0; i < 8; i++)
		inject(.flags = F_A, .seq = g.rcv, .ack = SEG(0));
	while (h_peek_tx()) {
		const struct h_pkt *k = h_peek_tx();
		assert_true(k->seq + k->len <= SEG(5));
		h_tx_head_skip();
	}
	g.snd = SEG(5);
	finish();
}

/*
 * RFC 4987 3.6: a SYN cookie keeps no SACK-permitted, so a connection it
 * completes runs without SACK, even one whose SYN,ACK had agreed (recycled
 * under pressure): no blocks from us, the peer's ignored.
 * < S :2000 sackOK  > S. sackOK   < S :2001..  (the backlog recycles :2000)
 * < . :2000 (cookie) ESTABLISHED  < P. out of order   > . no SACK option
 */
static void syn_cookie_connection_runs_without_sack(void **state)
{
	uint32_t iss, rcv = H_PEER_ISS + 1;
	(void)state;
	fixture_listen();
	inject(.flags = F_S, .seq = H_PEER_ISS, .mss = 1460, .sack_ok = true, .rport = S_SPOOF_PORT0);
	assert_non_null(h_peek_tx());
	iss = h_peek_tx()->seq;
	expect_tx(F_S | F_A, iss, H_PEER_ISS + 1, 0);
	assert_true(h_last_tx()->sack_ok);
	for (uint16_t i = 1; i <= FW_LISTEN_BACKLOG; i++) {
		h_advance(10);
		inject(.flags = F_S, .seq = H_PEER_ISS, .mss = 1460, .sack_ok = true, .rport = (uint16_t)(S_SPOOF_PORT0 + i));
	}
	h_tx_drain();
	assert_int_equal(h_stats().evict_syn_rcvd, 1);
	inject(.flags = F_A, .seq = rcv, .ack = iss + 1, .rport = S_SPOOF_PORT0);
	expect_no_tx();
	assert_int_equal(h_stats().syncookies_ok, 1);
	g.tcb = app.accepted;
	assert_int_equal(g.tcb->t.rport, S_SPOOF_PORT0);
	inject(.flags = F_P | F_A, .seq = rcv + 10, .ack = iss + 1, .len = 10, .rport = S_SPOOF_PORT0);
	expect_tx(F_A, iss + 1, rcv, 0);
	expect_no_sack();
	finish();
	for (unsigned i = 0; i < FW_TCB_COUNT; i++) {
		struct fw_tcp_conn *c = tcb_by_id(i);
		if (c)
			fw_tcp_abort(c);
	}
	h_tx_drain();
}

const struct CMUnitTest tcp_sack_tests[] = {
	H_TEST(syn_ack_answers_sack_permitted_rfc2018_2),
	H_TEST(active_open_offers_sack_permitted_rfc2018_2),
	H_TEST(no_sack_blocks_when_peer_did_not_offer_rfc2018_3),
	H_TEST(no_sack_blocks_when_syn_ack_declines_rfc2018_2),
	H_TEST(one_hole_one_block_gone_when_filled_rfc2018_4),
	H_TEST(several_holes_most_recent_first_rfc2018_4),
	H_TEST(adjacent_segments_one_block_rfc2018_4),
	H_TEST(full_segment_leaves_room_for_sack_rfc6691),
	H_TEST(retransmission_leaves_room_for_sack_rfc6691),
	H_TEST(malformed_sack_counted_and_ignored_rfc2018_3),
	H_TEST(recovery_resends_holes_never_sacked_rfc6675),
	H_TEST(partial_ack_moves_scoreboard_with_snd_una_rfc6675),
	H_TEST(hole_shorter_than_mss_resent_alone_rfc6675),
	H_TEST(rto_forgets_scoreboard_rfc2018_8),
	H_TEST(scattered_sacks_bounded_scoreboard),
	H_TEST(syn_cookie_connection_runs_without_sack),
};
const size_t tcp_sack_count = sizeof tcp_sack_tests / sizeof tcp_sack_tests[0];
