/*
 * Staying alive and recovering under loss (both found by the e2e fault
 * tests): the PBUF_RAM heap reserve application data cannot take (two
 * stalled echo connections filled the heap and no ACK, retransmission or
 * ping reply could be sent again), and quicker repair than one segment per
 * backed-off RTO: fast retransmit (RFC 5681 3.2), partial ACKs (RFC 6582),
 * the RTO's backoff dropped on forward progress. What cwnd does meanwhile
 * is test_cc.c's.
 */
#include <string.h>
#include "harness.h"
#include "lwip/mem.h"
#include "lwip/stats.h"
#include "tcp_out.h"

#define R_CONNS 3u
#define R_RPORT0 41000u
#define R_ACK_LEN 20u          /* a bare TCP header */
#define R_ICMP_ECHO_LEN 84u    /* IP + ICMP echo of a 56-byte ping, as icmp_input() copies it */
#define R_ARP_LEN 28u          /* SIZEOF_ETHARP_HDR */

static uint32_t heap_free(void)
{
	return (uint32_t)(lwip_stats.mem.avail - lwip_stats.mem.used);
}

static const uint8_t r_buf[FW_TCP_MSS];

/* Three connections write `piece` bytes in turn until fw_tcp_write() says
 * ERR_MEM; each connection's first unacknowledged sequence number in snd[]. */
static unsigned fill_heap(struct fw_tcp_conn *c[R_CONNS], uint32_t snd[R_CONNS], uint16_t piece)
{
	unsigned writes = 0;
	err_t err = ERR_OK;

	fixture_listen();
	for (unsigned i = 0; i < R_CONNS; i++)
		c[i] = h_establish_from((uint16_t)(R_RPORT0 + i), &snd[i]);
	while (err == ERR_OK && writes < R_CONNS * FW_TCP_SNDQ_PBUFS) {
		err = fw_tcp_write(c[writes % R_CONNS], r_buf, piece);
		writes += err == ERR_OK;
	}
	assert_int_equal(err, ERR_MEM);
	h_tx_drain();
	return writes;
}

/* The RTO runs out on every connection: each resends a full segment. */
static void rto_resends_full_segments(uint32_t rto)
{
	h_advance(rto);
	for (unsigned i = 0; i < R_CONNS; i++) {
		assert_non_null(h_peek_tx());
		assert_int_equal(h_peek_tx()->len, FW_TCP_MSS);
		h_tx_head_skip();
	}
	expect_no_tx();
}

/*
 * The heap's reserve (FW_TCP_HEAP_RESERVE, config.h explains the number):
 * fw_tcp_write() x N on three connections   -> ERR_MEM, heap never below the reserve
 * < P. 10 bytes on conn 0, out of order  -> > . ACK at once (RFC 5681 4.2; in-order
 *                                           data's ACK could wait for the retransmission)
 * RTO                                    -> > P. 1460 retransmitted on each (RFC 6298 5.4)
 * < . to a closed port                   -> > R (RFC 9293 3.10.7.1)
 * and an ICMP echo reply plus an ARP packet still fit beside a full segment;
 * < . ACK of conn 0's first segment      -> sent_cb, fw_tcp_write() works again.
 */
static void heap_reserve_keeps_acks_rtx_rst_alive(void **state)
{
	struct fw_tcp_conn *c[R_CONNS];
	uint32_t snd[R_CONNS], rcv = H_PEER_ISS + 1u;
	struct pbuf *p[7];
	(void)state;

	unsigned writes = fill_heap(c, snd, FW_TCP_MSS);
	assert_true(writes >= 2u);
	assert_true(heap_free() >= FW_TCP_HEAP_RESERVE);
	assert_true(heap_free() < FW_TCP_HEAP_RESERVE + 2u * FW_TCP_MSS);   /* it was filled */
	assert_int_equal(h_stats().sndq_heap_reserve, 1);
	assert_int_equal(h_stats().sndq_full, 0);

	inject(.flags = F_P | F_A, .seq = rcv + 1u, .ack = snd[0], .len = 10, .rport = R_RPORT0);
	expect_tx(F_A, c[0]->snd_nxt, rcv, 0);

	rto_resends_full_segments(c[0]->rto);
	assert_int_equal(h_stats().retransmits, R_CONNS);

	inject(.flags = F_A, .seq = 77, .ack = 1234, .lport = 9);
	expect_tx(F_R, 1234, 0, 0);
	assert_int_equal(h_stats().pbuf_fail, 0);

	/* What the rest of the stack needs at once fits too. */
	p[0] = pbuf_alloc(PBUF_IP, R_ACK_LEN + FW_TCP_MSS, PBUF_RAM);
	for (unsigned i = 1; i < 5; i++)
		p[i] = pbuf_alloc(PBUF_IP, R_ACK_LEN, PBUF_RAM);
	p[5] = pbuf_alloc(PBUF_LINK, R_ICMP_ECHO_LEN, PBUF_RAM);
	p[6] = pbuf_alloc(PBUF_LINK, R_ARP_LEN, PBUF_RAM);
	for (unsigned i = 0; i < 7; i++) {
		assert_non_null(p[i]);
		pbuf_free(p[i]);
	}

	/* The application waits for sent_cb and writes again. */
	assert_int_equal(fw_tcp_write(c[0], r_buf, FW_TCP_MSS), ERR_MEM);
	inject(.flags = F_A, .seq = rcv, .ack = snd[0] + FW_TCP_MSS, .rport = R_RPORT0);
	assert_int_equal(app.sent_bytes, FW_TCP_MSS);
	assert_int_equal(fw_tcp_write(c[0], r_buf, FW_TCP_MSS), ERR_OK);
	assert_true(heap_free() >= FW_TCP_HEAP_RESERVE);
	for (unsigned i = 0; i < R_CONNS; i++)
		fw_tcp_abort(c[i]);
	h_tx_drain();
}


/* fw_tcp_write()'s heap check (seg_heap_has_segment) asks mem_malloc()
 * for the block a full segment's pbuf takes, not for less: the same
 * bytes of the heap as pbuf_alloc(PBUF_IP, header + MSS, PBUF_RAM). */
static void heap_probe_is_a_full_segment_block(void **state)
{
	(void)state;
	mem_size_t before = lwip_stats.mem.used;
	struct pbuf *p = pbuf_alloc(PBUF_IP, TCP_HLEN + FW_TCP_MSS, PBUF_RAM);
	assert_non_null(p);
	mem_size_t by_pbuf = (mem_size_t)(lwip_stats.mem.used - before);
	pbuf_free(p);
	void *block = mem_malloc((mem_size_t)SEG_HEAP_SEGMENT_BYTES);
	assert_non_null(block);
	mem_size_t by_probe = (mem_size_t)(lwip_stats.mem.used - before);
	mem_free(block);
	assert_int_equal(by_probe, by_pbuf);
	assert_int_equal(lwip_stats.mem.used, before);
}
/*
 * The reserve as one block, not a sum (two stalled echo connections
 * fragmented the heap: 3,000 B free, no 1,540 B buffer, no resend for
 * 100 s, then the abort). lwIP's heap is first fit; a send-queue pbuf
 * shorter than an MSS, freed in the middle, leaves a hole short of the
 * PBUF_IP copy that resends a full MSS across two of them (a full-MSS
 * pbuf resends in place and its hole fits such a copy):
 * fw_tcp_write(1260) x N on three connections   -> ERR_MEM (the reserve); Nagle
 *                                                  sends 1460-byte segments across them
 * < . ACK of conn 0's first two writes          -> two holes, each short of a segment
 * fw_tcp_write(conn 0, tail - 1000)             -> ERR_MEM: it lands in the tail and
 *                                                  would leave no block for a segment,
 *                                                  though the free total is above the reserve
 * RTO                                           -> > P. 1460 retransmitted on each by copy
 *                                                  (RFC 6298 5.4)
 */
static void heap_keeps_a_block_for_full_rtx_rfc6298_5_4(void **state)
{
	struct fw_tcp_conn *c[R_CONNS];
	uint32_t snd[R_CONNS], rcv = H_PEER_ISS + 1u;
	static const uint8_t big[4u * FW_TCP_MSS];
	const uint16_t piece = FW_TCP_MSS - 200u;
	(void)state;

	unsigned writes = fill_heap(c, snd, piece);
	assert_true(writes >= 2u * R_CONNS);
	uint32_t tail = heap_free();
	inject(.flags = F_A, .seq = rcv, .ack = snd[0] + 2u * piece, .rport = R_RPORT0);
	h_tx_drain();
	snd[0] += 2u * piece;
	assert_true(tail > 1000u + FW_TCP_MSS);
	uint16_t len = (uint16_t)(tail - 1000u);
	assert_true(len > FW_TCP_MSS && len <= sizeof big);

	err_t err = fw_tcp_write(c[0], big, len);
	assert_true(heap_free() >= FW_TCP_HEAP_RESERVE);   /* the sum is not the reason */

	rto_resends_full_segments(c[0]->rto);
	assert_int_equal(h_stats().pbuf_fail, 0);
	assert_int_equal(err, ERR_MEM);
	assert_int_equal(h_stats().sndq_heap_frag, 1);
	assert_int_equal(h_stats().sndq_heap_reserve, 1);   /* fill_heap's */
	for (unsigned i = 0; i < R_CONNS; i++)
		fw_tcp_abort(c[i]);
	h_tx_drain();
}

/* ESTABLISHED (peer window 8192), n full segments written and sent. */
static void send_segments(unsigned n)
{
	fixture_established();
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(fw_tcp_write(g.tcb, r_buf, FW_TCP_MSS), ERR_OK);
	for (unsigned i = 0; i < n; i++)
		expect_tx(F_P | F_A, g.snd + i * FW_TCP_MSS, g.rcv, FW_TCP_MSS);
	expect_no_tx();
}

static void dupack(uint32_t una)
{
	inject(.flags = F_A, .seq = g.rcv, .ack = una);
}

static void finish(void)
{
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/*
 * RFC 5681 3.2: the third duplicate ACK retransmits the first
 * unacknowledged segment at once, the fourth nothing more; RFC 6582 3.2
 * (5): the ACK that follows, short of "recover", resends the next hole.
 * > P. x3 (IW, 1460 each)   < . ack +1460  > P. the fourth (slow start)
 * < . ack +1460 x2 (nothing)
 * < . ack +1460 (third dup)  > P. +1460   < . ack +1460 (fourth: nothing)
 * < . ack +2920 (partial)    > P. +2920   < . ack +5840 (all): nothing
 */
static void third_dupack_fast_retransmit_once_rfc5681_3_2(void **state)
{
	uint32_t una;
	(void)state;
	fixture_established();
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(fw_tcp_write(g.tcb, r_buf, FW_TCP_MSS), ERR_OK);
	for (unsigned i = 0; i < 3; i++)
		expect_tx(F_P | F_A, g.snd + i * FW_TCP_MSS, g.rcv, FW_TCP_MSS);
	expect_no_tx();
	una = g.snd + FW_TCP_MSS;
	inject(.flags = F_A, .seq = g.rcv, .ack = una);
	expect_tx(F_P | F_A, g.snd + 3u * FW_TCP_MSS, g.rcv, FW_TCP_MSS);
	dupack(una);
	dupack(una);
	expect_no_tx();
	dupack(una);
	expect_tx(F_P | F_A, una, g.rcv, FW_TCP_MSS);
	assert_int_equal(g.tcb->rtx_at, h_now + g.tcb->rto);   /* RFC 6298 5.3: a full RTO */
	dupack(una);
	dupack(una);
	expect_no_tx();
	assert_int_equal(h_stats().fast_retransmits, 1);
	assert_int_equal(h_stats().retransmits, 0);
	inject(.flags = F_A, .seq = g.rcv, .ack = una + FW_TCP_MSS);
	expect_tx(F_P | F_A, una + FW_TCP_MSS, g.rcv, FW_TCP_MSS);
	assert_int_equal(h_stats().partial_ack_rtx, 1);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 4u * FW_TCP_MSS);
	expect_no_tx();
	assert_false(g.tcb->flags & TCB_F_RECOVERY);
	assert_false(g.tcb->timers & TCB_T_RTX);
	g.snd += 4u * FW_TCP_MSS;
	finish();
}

/*
 * RFC 5681 2: two duplicates are not enough, and an ACK that changes the
 * window (e) or carries data (b) is no duplicate, so four such ACKs in a
 * row retransmit nothing; the RTO still does (RFC 6298 5.4).
 * > P. x2   < . x2 (dup)   < . win 4096   < P. 10 (> . ACK only)   RTO > P.
 * (With delayed ACK the ACK for the 10 bytes waits, RFC 9293 3.8.6.3, and
 * rides on the retransmission: the RTO is no later than the delay.)
 */
static void two_dupacks_and_non_duplicates_do_not_retransmit_rfc5681_2(void **state)
{
	(void)state;
	send_segments(2);
	dupack(g.snd);
	dupack(g.snd);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .wnd = 4096);
	expect_no_tx();
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .wnd = 4096, .len = 10);
	g.rcv += 10;
#if !FW_TCP_DELAYED_ACK
	expect_tx(F_A, g.snd + 2u * FW_TCP_MSS, g.rcv, 0);
#endif
	expect_no_tx();
	assert_int_equal(h_stats().fast_retransmits, 0);
	h_advance(g.tcb->rto);
	expect_tx(F_P | F_A, g.snd, g.rcv, FW_TCP_MSS);
	g.snd += 2u * FW_TCP_MSS;
	finish();
}

/*
 * RFC 6582 3.2 (5) after a timeout (cwnd: test_cc.c): "recover" is SND.NXT
 * when the timer fired; each ACK short of it resends the next segment at
 * once, with the timer restarted at the backed-off RTO (RFC 6298 5.5:
 * no valid sample yet); duplicates
 * meanwhile trigger no fast retransmit (3.2 (1)).
 * > P. x3   RTO > P. +0   < . dup x3 (nothing)
 * < . ack +1460 > P. +1460   < . ack +2920 > P. +2920   < . ack all
 */
static void partial_ack_after_rto_resends_next_rfc6582_3_2(void **state)
{
	uint32_t base;
	(void)state;
	send_segments(3);
	base = g.tcb->rto;
	h_advance(base);
	expect_tx(F_P | F_A, g.snd, g.rcv, FW_TCP_MSS);
	assert_int_equal(g.tcb->rto, 2u * base);
	for (unsigned i = 0; i < 3; i++)
		dupack(g.snd);
	expect_no_tx();
	for (unsigned k = 1; k < 3; k++) {
		inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + k * FW_TCP_MSS);
		expect_tx(F_P | F_A, g.snd + k * FW_TCP_MSS, g.rcv, FW_TCP_MSS);
		assert_int_equal(g.tcb->rtx_at, h_now + 2u * base);
	}
	assert_int_equal(h_stats().partial_ack_rtx, 2);
	assert_int_equal(h_stats().fast_retransmits, 0);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 3u * FW_TCP_MSS);
	expect_no_tx();
	assert_false(g.tcb->flags & TCB_F_RECOVERY);
	g.snd += 3u * FW_TCP_MSS;
	finish();
}

/*
 * RFC 6298 (5.5) with Karn: a backed-off RTO stays until a valid sample.
 * Two timeouts take the RTO to 4 x; the ACK of the first (twice-sent)
 * segment gives no sample, so the next timeout also waits 4 x.
 * > P. x2   RTO > P.   2 RTO > P.   < . ack +1460 > P. +1460 (partial)
 * 4 RTO > P. +1460
 */
static void backoff_kept_until_karn_sample_rfc6298_5_5(void **state)
{
	uint32_t base;
	(void)state;
	send_segments(2);
	base = g.tcb->rto;
	h_advance(base);
	expect_tx(F_P | F_A, g.snd, g.rcv, FW_TCP_MSS);
	h_advance(2u * base);
	expect_tx(F_P | F_A, g.snd, g.rcv, FW_TCP_MSS);
	assert_int_equal(g.tcb->rto, 4u * base);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + FW_TCP_MSS);
	expect_tx(F_P | F_A, g.snd + FW_TCP_MSS, g.rcv, FW_TCP_MSS);
	assert_int_equal(g.tcb->rto, 4u * base);
	assert_int_equal(g.tcb->retries, 0);
	h_advance(4u * base - 1u);
	expect_no_tx();
	h_advance(1);
	expect_tx(F_P | F_A, g.snd + FW_TCP_MSS, g.rcv, FW_TCP_MSS);
	g.snd += 2u * FW_TCP_MSS;
	finish();
}

/*
 * Karn (RFC 6298 3): a segment sent twice gives no RTT sample, also when
 * the second copy came from fast retransmit: SRTT/RTTVAR stay as the
 * handshake left them although the ACK comes 150 ms after the first send.
 * > P. x2   < . dup x3   > P. +0   (150 ms)  < . ack all
 */
static void karn_no_sample_after_fast_retransmit_rfc6298_3(void **state)
{
	uint16_t srtt, rttvar;
	(void)state;
	send_segments(2);
	srtt = g.tcb->srtt;
	rttvar = g.tcb->rttvar;
	for (unsigned i = 0; i < 3; i++)
		dupack(g.snd);
	expect_tx(F_P | F_A, g.snd, g.rcv, FW_TCP_MSS);
	h_advance(150);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 2u * FW_TCP_MSS);
	expect_no_tx();
	assert_int_equal(g.tcb->srtt, srtt);
	assert_int_equal(g.tcb->rttvar, rttvar);
	g.snd += 2u * FW_TCP_MSS;
	finish();
}

/*
 * A FIN alone in flight (FIN_WAIT_1, no data) is not "outstanding data"
 * (RFC 5681 2 (a)): duplicate ACKs resend nothing; the timer resends the
 * FIN with its backoff as before (RFC 9293 3.10.4, RFC 6298 5.5), and its
 * ACK ends the recovery that timeout started.
 * > F.   < . dup x3 (nothing)   RTO > F.   2 RTO > F.   < . ack FIN: FIN_WAIT_2
 */
static void fin_only_retransmission_unaffected(void **state)
{
	uint32_t base;
	(void)state;
	fixture_fin_wait_1();
	base = g.tcb->rto;
	for (unsigned i = 0; i < 3; i++)
		dupack(g.snd - 1u);
	expect_no_tx();
	h_advance(base - 1u);
	expect_no_tx();
	h_advance(1);
	expect_tx(F_F | F_A, g.snd - 1u, g.rcv, 0);
	h_advance(2u * base - 1u);
	expect_no_tx();
	h_advance(1);
	expect_tx(F_F | F_A, g.snd - 1u, g.rcv, 0);
	assert_int_equal(h_stats().fast_retransmits, 0);
	assert_int_equal(h_stats().partial_ack_rtx, 0);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_no_tx();
	expect_state(g.tcb, FW_TCP_FIN_WAIT_2);
	assert_false(g.tcb->flags & TCB_F_RECOVERY);
	finish();
}

/* ---------------------------------------------------------------- sending in place */

#define R_IP_HLEN 20u

static uint8_t r_data[FW_TCP_MSS];

/* ESTABLISHED, one full segment of r_data written and sent (kept by the
 * fake DMA when `dma`); the packet it went out as in pkt (IP header first). */
static unsigned r_send_one(uint8_t pkt[R_IP_HLEN + 20u + FW_TCP_MSS], bool dma)
{
	unsigned len;
	const uint8_t *b;

	for (unsigned i = 0; i < sizeof r_data; i++)
		r_data[i] = (uint8_t)(i * 7u + 3u);
	fixture_established();
	h_dma_hold(dma);
	assert_int_equal(fw_tcp_write(g.tcb, r_data, FW_TCP_MSS), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, FW_TCP_MSS);
	h_dma_hold(false);
	b = h_last_tx_bytes(&len);
	assert_int_equal(len, R_IP_HLEN + 20u + FW_TCP_MSS);
	assert_memory_equal(b + R_IP_HLEN + 20u, r_data, FW_TCP_MSS);
	memcpy(pkt, b, len);
	return len;
}

/* The queue's pbuf as fw_tcp_write() left it: payload at the data, alone. */
static void r_sndq_at_data(void)
{
	assert_non_null(g.tcb->sndq);
	assert_int_equal(g.tcb->sndq->len, FW_TCP_MSS);
	assert_int_equal(g.tcb->sndq->tot_len, FW_TCP_MSS);
	assert_null(g.tcb->sndq->next);
	assert_memory_equal(g.tcb->sndq->payload, r_data, FW_TCP_MSS);
}

/* The TCP segment of the packet just sent equals `pkt`'s. */
static void r_same_segment(const uint8_t *pkt, unsigned len)
{
	unsigned n;
	const uint8_t *b = h_last_tx_bytes(&n);

	assert_int_equal(n, len);
	assert_memory_equal(b + R_IP_HLEN, pkt + R_IP_HLEN, len - R_IP_HLEN);
}

/*
 * A full segment goes out of the send queue's own pbuf, and the pbuf is
 * back as it was queued after each send: the retransmissions (RFC 6298
 * 5.4) are the first transmission's TCP segment byte for byte.
 * fw_tcp_write(1460)  -> > P. 1460 (in place)
 * RTO                 -> > P. 1460, the same bytes
 * RTO (backed off)    -> > P. 1460, the same bytes
 * < . ACK of it       -> the queue empty, the heap back
 */
static void in_place_retransmissions_are_byte_identical_rfc6298_5_4(void **state)
{
	uint8_t pkt[R_IP_HLEN + 20u + FW_TCP_MSS];
	(void)state;

	unsigned len = r_send_one(pkt, false);
	r_sndq_at_data();
	assert_int_equal(g.tcb->sndq->ref, 1);
	for (unsigned i = 0; i < 2; i++) {
		h_advance(g.tcb->rto);
		expect_tx(F_P | F_A, g.snd, g.rcv, FW_TCP_MSS);
		r_same_segment(pkt, len);
		r_sndq_at_data();
	}
	assert_int_equal(h_stats().retransmits, 2);
	assert_int_equal(h_stats().pbuf_fail, 0);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + FW_TCP_MSS);
	assert_null(g.tcb->sndq);
	g.snd += FW_TCP_MSS;
	finish();
}

/*
 * A zero-copy DMA driver still holds the frame (a reference of its own,
 * eth_mac.h) when the segment is retransmitted with a new ACK field:
 * rewriting the header in place would change the frame under the DMA, so
 * the retransmission goes as a copy. Once the driver lets go, in place
 * again, byte for byte what the copy was.
 * fw_tcp_write(1460)           -> > P. 1460, the driver keeps it
 * < P. 10                      -> (the ACK we owe moves RCV.NXT)
 * RTO                          -> > P. 1460 ack +10, by copy; the held frame intact
 * driver done; RTO (backed off) -> > P. 1460 ack +10 in place, the same bytes
 */
static void segment_held_by_driver_is_resent_by_copy(void **state)
{
	uint8_t pkt[R_IP_HLEN + 20u + FW_TCP_MSS], rtx[sizeof pkt];
	unsigned len, n;
	(void)state;

	len = r_send_one(pkt, true);
	assert_int_equal(h_dma_held(), 1);
	assert_int_equal(g.tcb->sndq->ref, 2);   /* the queue's and the driver's */
	r_sndq_at_data();

	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 10);
	g.rcv += 10u;
	h_advance(g.tcb->rto);
	while (h_peek_tx() && h_peek_tx()->len == 0)
		h_tx_head_skip();   /* the delayed ACK, when it fires first */
	expect_tx(F_P | F_A, g.snd, g.rcv, FW_TCP_MSS);
	assert_true(h_dma_frame_intact(0, pkt, len));
	const uint8_t *b = h_last_tx_bytes(&n);
	assert_int_equal(n, len);
	memcpy(rtx, b, n);
	assert_memory_equal(rtx + R_IP_HLEN + 20u, r_data, FW_TCP_MSS);
	r_sndq_at_data();

	h_dma_release();
	assert_int_equal(g.tcb->sndq->ref, 1);
	h_advance(g.tcb->rto);
	expect_tx(F_P | F_A, g.snd, g.rcv, FW_TCP_MSS);
	r_same_segment(rtx, len);
	r_sndq_at_data();
	assert_int_equal(h_stats().pbuf_fail, 0);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + FW_TCP_MSS);
	g.snd += FW_TCP_MSS;
	finish();
}

/*
 * Behind lwIP's ARP: the next hop unresolved, etharp_query() keeps the
 * segment until the reply comes (ARP_QUEUEING 0: one packet per entry).
 * It must keep a copy, not the send queue's pbuf, whose header comes off
 * again as soon as ip4_output() returns.
 * fw_tcp_write(1460)       -> ARP request; the segment waits in ARP
 * < ARP reply              -> > P. 1460, the data intact
 */
static void segment_waiting_for_arp_is_a_copy(void **state)
{
	static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 1 };
	unsigned len;
	(void)state;

	for (unsigned i = 0; i < sizeof r_data; i++)
		r_data[i] = (uint8_t)(i * 5u + 1u);
	fixture_established();
	h_ethernet(true);
	assert_int_equal(fw_tcp_write(g.tcb, r_data, FW_TCP_MSS), ERR_OK);
	expect_no_tx();
	assert_int_equal(h_arp_requests_sent(), 1);
	assert_int_equal(g.tcb->sndq->ref, 1);   /* ARP's is a copy */
	r_sndq_at_data();

	h_inject_arp_reply(H_REMOTE_IP, peer_mac);
	expect_tx(F_P | F_A, g.snd, g.rcv, FW_TCP_MSS);
	const uint8_t *b = h_last_tx_bytes(&len);
	assert_int_equal(len, R_IP_HLEN + 20u + FW_TCP_MSS);
	assert_memory_equal(b + R_IP_HLEN + 20u, r_data, FW_TCP_MSS);
	h_ethernet(false);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + FW_TCP_MSS);
	g.snd += FW_TCP_MSS;
	finish();
}

/*
 * The send queue is cut at our MSS, never the peer's: a peer announcing
 * a tiny MSS (64, the least the engine takes) cannot make one write into
 * dozens of pbufs, each with its headers' room. Its segments go as
 * copies, the bytes as written.
 * < S mss 64   > S.   < .
 * fw_tcp_write(3 * 1460)   -> 3 pbufs queued; > P. 64 ..., the data in order
 */
static void tiny_peer_mss_does_not_multiply_the_queue(void **state)
{
	static uint8_t big[3u * FW_TCP_MSS];
	unsigned len, segs = 0;
	(void)state;

	for (unsigned i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i * 3u + 7u);
	fixture_listen();
	inject(.flags = F_S, .seq = H_PEER_ISS, .mss = 64);
	g.iss = h_peek_tx()->seq;
	expect_tx(F_S | F_A, g.iss, H_PEER_ISS + 1, 0);
	g.snd = g.iss + 1;
	g.rcv = H_PEER_ISS + 1;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	g.tcb = app.accepted;
	assert_non_null(g.tcb);
	assert_int_equal(fw_tcp_mss(g.tcb), 64);

	assert_int_equal(fw_tcp_write(g.tcb, big, sizeof big), ERR_OK);
	assert_int_equal(pbuf_clen(g.tcb->sndq), 3);
	while (h_peek_tx()) {
		const struct h_pkt *k = h_peek_tx();
		assert_int_equal(k->seq, g.snd + segs * 64u);
		assert_int_equal(k->len, 64);
		h_tx_head_skip();
		segs++;
	}
	assert_true(segs >= 2u);
	const uint8_t *b = h_last_tx_bytes(&len);
	assert_int_equal(len, R_IP_HLEN + 20u + 64u);
	assert_memory_equal(b + R_IP_HLEN + 20u, big + (segs - 1u) * 64u, 64);
	assert_int_equal(h_stats().pbuf_fail, 0);
	finish();
}

/* ---------------------------------------------------------------- writes by reference */

/*
 * lwIP's tcp_write() without TCP_WRITE_FLAG_COPY (fw_tcp_write_ref): the
 * queue points at the caller's bytes with one PBUF_ROM header and takes
 * no heap; the segment on the wire carries those bytes (built by copy:
 * the header has no room in front); the ACK frees the header.
 * write_ref(1000)   -> > P. 1000 (the caller's bytes), heap as before
 * < . ack +1000     -> PBUF_ROM headers back to the baseline
 */
static void write_ref_takes_no_heap_and_acks_free_it(void **state)
{
	static uint8_t page[1000];
	const struct stats_mem *rom = lwip_stats.memp[MEMP_PBUF];
	unsigned len;
	(void)state;

	for (unsigned i = 0; i < sizeof page; i++)
		page[i] = (uint8_t)(i * 5u + 1u);
	fixture_established();
	mem_size_t heap_before = lwip_stats.mem.used;
	u16_t rom_before = rom->used;
	assert_int_equal(fw_tcp_write_ref(g.tcb, page, sizeof page), ERR_OK);
	assert_int_equal(rom->used, rom_before + 1u);
	expect_tx(F_P | F_A, g.snd, g.rcv, sizeof page);
	const uint8_t *b = h_last_tx_bytes(&len);
	assert_int_equal(len, R_IP_HLEN + 20u + sizeof page);
	assert_memory_equal(b + R_IP_HLEN + 20u, page, sizeof page);
	assert_int_equal(lwip_stats.mem.used, heap_before);   /* the segment's copy is already freed */
	assert_int_equal(h_stats().sndq_ref, 1);
	g.snd += sizeof page;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	assert_null(g.tcb->sndq);
	assert_int_equal(rom->used, rom_before);
	finish();
}

/*
 * The PBUF_ROM headers are lwIP's, shared with IP fragmentation and other
 * protocols: writes by reference stop short of the last
 * FW_TCP_PBUF_RESERVE, each refusal counted, the connection unharmed; a
 * copying write still goes.
 */
static void write_ref_leaves_lwip_its_pbuf_reserve(void **state)
{
	static const uint8_t word[4] = { 'f', 'w', '\r', '\n' };
	struct pbuf *held[MEMP_NUM_PBUF];
	const struct stats_mem *rom = lwip_stats.memp[MEMP_PBUF];
	unsigned n = 0;
	(void)state;

	fixture_established();
	while ((unsigned)(rom->avail - rom->used) > FW_TCP_PBUF_RESERVE + 1u)
		held[n++] = pbuf_alloc(PBUF_RAW, 1, PBUF_ROM);
	assert_int_equal(fw_tcp_write_ref(g.tcb, word, sizeof word), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, sizeof word);
	g.snd += sizeof word;
	assert_int_equal(fw_tcp_write_ref(g.tcb, word, sizeof word), ERR_MEM);
	assert_int_equal(h_stats().sndq_ref_reserve, 1);
	assert_int_equal(rom->avail - rom->used, FW_TCP_PBUF_RESERVE);
	assert_int_equal(fw_tcp_write(g.tcb, word, sizeof word), ERR_OK);
	assert_int_equal(fw_tcp_get_state(g.tcb), FW_TCP_ESTABLISHED);
	while (n)
		pbuf_free(held[--n]);
	finish();
}

const struct CMUnitTest tcp_recovery_tests[] = {
	H_TEST(heap_reserve_keeps_acks_rtx_rst_alive),
	H_TEST(heap_probe_is_a_full_segment_block),
	H_TEST(heap_keeps_a_block_for_full_rtx_rfc6298_5_4),
	H_TEST(third_dupack_fast_retransmit_once_rfc5681_3_2),
	H_TEST(two_dupacks_and_non_duplicates_do_not_retransmit_rfc5681_2),
	H_TEST(partial_ack_after_rto_resends_next_rfc6582_3_2),
	H_TEST(backoff_kept_until_karn_sample_rfc6298_5_5),
	H_TEST(karn_no_sample_after_fast_retransmit_rfc6298_3),
	H_TEST(fin_only_retransmission_unaffected),
	H_TEST(in_place_retransmissions_are_byte_identical_rfc6298_5_4),
	H_TEST(segment_held_by_driver_is_resent_by_copy),
	H_TEST(segment_waiting_for_arp_is_a_copy),
	H_TEST(tiny_peer_mss_does_not_multiply_the_queue),
	H_TEST(write_ref_takes_no_heap_and_acks_free_it),
	H_TEST(write_ref_leaves_lwip_its_pbuf_reserve),
};
const size_t tcp_recovery_count = sizeof tcp_recovery_tests / sizeof tcp_recovery_tests[0];
