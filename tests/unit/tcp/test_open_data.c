/*
 * Opening and data: passive/active open, MSS option, SYN retransmission,
 * data both ways, RFC 6298 retransmission (backoff, Karn), out-of-order
 * drop with duplicate ACK, malformed input, the raw-PCB path.
 */
#include <string.h>
#include "harness.h"

/* Passive open (RFC 9293 3.5): < S (mss 536)  > S. (mss FW_TCP_MSS)  < .  accept_cb.
 * A half-open connection is offered what its control block's own receive
 * buffers hold (FW_TCP_RX_MIN_BUFS); TCP's shared budget goes to
 * established connections. */
static void passive_open_mss(void **state)
{
	(void)state;
	fixture_listen();
	inject(.flags = F_S, .seq = H_PEER_ISS, .mss = 536);
	uint32_t iss = h_peek_tx()->seq;
	expect_tx(F_S | F_A, iss, H_PEER_ISS + 1, 0);
	assert_int_equal(h_last_tx()->mss, FW_TCP_MSS);
	assert_int_equal(h_last_tx()->wnd, FW_TCP_RX_MIN_BUFS * FW_TCP_MSS);
	inject(.flags = F_A, .seq = H_PEER_ISS + 1, .ack = iss + 1);
	assert_int_equal(app.accepts, 1);
	assert_int_equal(app.accepted->mss, 536);
	g.tcb = app.accepted;
	g.snd = iss + 1;
	g.rcv = H_PEER_ISS + 1;
	/* a 1000-byte write goes out in 536 + 464; Nagle (RFC 9293 3.7.4)
	 * holds the short second segment until the first is acknowledged */
	static const char buf[1000];
	assert_int_equal(fw_tcp_write(g.tcb, buf, sizeof buf), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, 536);
	expect_no_tx();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 536);
	expect_tx(F_P | F_A, g.snd + 536, g.rcv, 464);
	g.snd += 1000;
	fw_tcp_abort(g.tcb);
	expect_tx(F_R | F_A, g.snd, g.rcv, 0);
}

/* Active open (RFC 9293 3.5): > S  < S.  > .  connected_cb. */
static void active_open(void **state)
{
	(void)state;
	fixture_syn_sent();
	uint16_t lport = g.tcb->t.lport;
	assert_true(lport >= 49152u);
	inject(.flags = F_S | F_A, .seq = 5000, .ack = g.snd, .lport = lport, .mss = 1200);
	g.rcv = 5001;
	assert_non_null(h_peek_tx());
	assert_int_equal(h_peek_tx()->sport, lport);
	h_tx_head_skip();
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	assert_int_equal(app.connects, 1);
	assert_int_equal(g.tcb->mss, 1200);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/*
 * RFC 9293 3.10.2, SEND in SYN-SENT: "Queue the data for transmission
 * after entering ESTABLISHED state". The handshake's last ACK carries it.
 * app: write 5 bytes (SYN_SENT: nothing goes)
 * < S. 5000 ack iss+1        > P. iss+1 ack 5001 len 5
 */
static void write_in_syn_sent_goes_with_the_handshake_ack_rfc9293_3_10_2(void **state)
{
	(void)state;
	fixture_syn_sent();
	uint16_t lport = g.tcb->t.lport;
	assert_int_equal(fw_tcp_write(g.tcb, "early", 5), ERR_OK);
	expect_no_tx();
	inject(.flags = F_S | F_A, .seq = 5000, .ack = g.snd, .lport = lport, .mss = 1460);
	expect_tx(F_P | F_A, g.snd, 5001, 5);
	expect_no_tx();
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	assert_int_equal(app.connects, 1);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* SYN retransmission with backoff, then give up after FW_SYN_RETRIES
 * (err_cb ERR_CLSD): > S ... > S (1 + FW_SYN_RETRIES). */
static void syn_retransmit_then_timeout(void **state)
{
	(void)state;
	fixture_syn_sent();
	fw_tcp_err(g.tcb, NULL);
	uint32_t rto = FW_RTO_INITIAL_MS;
	for (unsigned i = 0; i < FW_SYN_RETRIES; i++) {
		h_advance(rto - 1);
		expect_no_tx();
		h_advance(1);
		expect_tx(F_S, g.iss, 0, 0);
		rto = rto * 2u > FW_RTO_MAX_MS ? FW_RTO_MAX_MS : rto * 2u;
	}
	h_advance(rto);
	expect_no_tx();
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(h_stats().syn_timeouts, 1);
}

/* SYN_RCVD: SYN-ACK lost, the peer's SYN again gets the SYN-ACK again. */
static void syn_rcvd_syn_again(void **state)
{
	(void)state;
	fixture_listen();
	inject(.flags = F_S, .seq = H_PEER_ISS);
	uint32_t iss = h_peek_tx()->seq;
	h_tx_drain();
	inject(.flags = F_S, .seq = H_PEER_ISS);
	expect_tx(F_S | F_A, iss, H_PEER_ISS + 1, 0);
	/* and the timer retransmits it too */
	h_advance(FW_RTO_INITIAL_MS);
	expect_tx(F_S | F_A, iss, H_PEER_ISS + 1, 0);
}

/* Data both ways with window accounting:
 * < P. 100  > . (win W-100)  app recved -> no update (still >= MSS);
 * app writes 10: > P. 10  < . acks  sent_cb(10) */
static void data_both_ways(void **state)
{
	(void)state;
	fixture_established();
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 100);
	g.rcv += 100;
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_last_tx()->wnd, FW_TCP_WND - 100);
	assert_int_equal(app.rx_bytes, 100);
	fw_tcp_recved(g.tcb, 100);
	expect_no_tx();
	assert_int_equal(fw_tcp_write(g.tcb, "0123456789", 10), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, 10);
	/* receiver SWS avoidance (RFC 9293 3.8.6.2.2): 100 bytes freed move
	 * the right edge less than min(RCV.BUFF / 2, MSS): it stays */
	assert_int_equal(h_last_tx()->wnd, FW_TCP_WND - 100);
	g.snd += 10;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	assert_int_equal(app.sent_bytes, 10);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* An application that calls fw_tcp_recved() inside recv_cb (as lwIP raw-API
 * applications do) gets its window back: RFC 9293 3.8.6.2.2 says RCV.WND
 * reopens as data is consumed; a window lost here would shrink for good.
 * The ACK goes out at the end of the event (or at the ACK delay), after
 * the application gave the bytes back; receiver SWS avoidance (RFC 9293
 * 3.8.6.2.2) holds the right edge until it can move by one MSS, so the
 * offer is W or W - 1000; a window that leaked would shrink by 1000 per
 * segment.
 * < P. 1000 x3 (app recved at once)  > . win W, W - 1000, W */
static void recved_inside_recv_cb_keeps_window(void **state)
{
	(void)state;
	fixture_established();
	app.recved_at_once = true;
	for (unsigned i = 0; i < 3; i++) {
		inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 1000);
		g.rcv += 1000;
		expect_ack_by_delay(g.snd, g.rcv);
		assert_int_equal(h_last_tx()->wnd, i == 1 ? FW_TCP_WND - 1000 : FW_TCP_WND);
	}
	assert_int_equal(app.rx_bytes, 3000);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* Echo written from inside recv_cb: one segment carries the ACK and the
 * echo (RFC 9293 3.8.6.3, RFC 1122 4.2.3.2: the ACK waits for the reply
 * data of the same event), and advertises the window with the bytes the
 * application still holds counted (RFC 9293 3.8.6.2.2: never offer more
 * than we can take).
 * < P. 100  > P. 100 ack +100 win W-100 */
static void write_inside_recv_cb_advertises_held_bytes(void **state)
{
	(void)state;
	fixture_established();
	app.echo_in_recv = true;
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 100);
	g.rcv += 100;
	expect_tx(F_P | F_A, g.snd, g.rcv, 100);
	assert_int_equal(h_last_tx()->wnd, FW_TCP_WND - 100);
	expect_no_tx();
	g.snd += 100;
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* Receive window closes when the app does not read, then reopens with a
 * window update (receiver SWS avoidance). */
static void window_closes_and_reopens(void **state)
{
	(void)state;
	fixture_established();
	app.refuse_data = false;
	for (unsigned sent = 0; sent < FW_TCP_WND; sent += 1000) {
		uint16_t n = (uint16_t)(FW_TCP_WND - sent < 1000 ? FW_TCP_WND - sent : 1000);
		inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = n);
		g.rcv += n;
		expect_ack_by_delay(g.snd, g.rcv);
	}
	assert_int_equal(h_last_tx()->wnd, 0);
	/* zero window: data at RCV.NXT is not taken, only ACKed */
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 10);
	expect_tx(F_A, g.snd, g.rcv, 0);
	fw_tcp_recved(g.tcb, FW_TCP_WND);
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_last_tx()->wnd, FW_TCP_WND);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* RFC 6298: retransmission with exponential backoff; Karn: the ACK of a
 * retransmitted segment gives no RTT sample (SRTT and RTTVAR unchanged).
 * The backoff itself ends with the forward progress (finwait's deliberate
 * choice, fw_tcp_input.c tcb_ack_advance: RTO recomputed from SRTT/RTTVAR);
 * this test used to expect 4 x RTO here until a fresh sample. */
static void data_retransmit_backoff_karn(void **state)
{
	(void)state;
	fixture_established();
	uint32_t rto = g.tcb->rto;
	assert_int_equal(fw_tcp_write(g.tcb, "abcd", 4), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, 4);
	h_advance(rto);
	expect_tx(F_P | F_A, g.snd, g.rcv, 4);
	h_advance(2 * rto - 1);
	expect_no_tx();
	h_advance(1);
	expect_tx(F_P | F_A, g.snd, g.rcv, 4);
	assert_int_equal(g.tcb->rto, 4 * rto);
	uint16_t srtt = g.tcb->srtt, rttvar = g.tcb->rttvar;
	h_advance(10);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 4);
	g.snd += 4;
	assert_int_equal(g.tcb->srtt, srtt);       /* Karn: no sample */
	assert_int_equal(g.tcb->rttvar, rttvar);
	assert_int_equal(g.tcb->rto, 4 * rto);     /* RFC 6298 (5.5): backoff kept until a sample */
	assert_int_equal(h_stats().retransmits, 2);
	/* a fresh segment, acked after 190 ms (inside the 200 ms RTO), is
	 * sampled (RFC 6298 2.3; the handshake gave R = 0): RTTVAR = 190/4 =
	 * 47, SRTT = 190/8 = 23, RTO = 23 + 4 * 47 = 211 */
	assert_int_equal(fw_tcp_write(g.tcb, "e", 1), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, 1);
	h_advance(190);
	expect_no_tx();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 1);
	g.snd += 1;
	assert_int_equal(g.tcb->srtt, 23);
	assert_int_equal(g.tcb->rttvar, 47);
	assert_int_equal(g.tcb->rto, 211);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* RFC 9293 3.10.7.4 seventh check, RFC 5681 4.2: a segment beyond RCV.NXT
 * inside the window is kept; an ACK goes at once for it (a duplicate ACK
 * for RCV.NXT) and again at once when the hole fills, for all of it.
 *   -> seq=rcv+10 len=10        <- ACK rcv       (queued, nothing delivered)
 *   -> seq=rcv    len=10        <- ACK rcv+20    (hole filled, 20 delivered)
 */
static void out_of_order_queued_hole_fill_acks(void **state)
{
	(void)state;
	fixture_established();
	inject(.flags = F_P | F_A, .seq = g.rcv + 10, .ack = g.snd, .len = 10);
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(app.rx_bytes, 0);
	assert_int_equal(h_stats().ooo_queued, 1);
	assert_int_equal(h_stats().ooo_queued_bytes, 10);
	assert_int_equal(h_stats().drop_ooo, 0);
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 10);
	g.rcv += 20;
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(app.rx_bytes, 20);
	assert_int_equal(g.tcb->rcv_nxt, g.rcv);
	assert_int_equal(h_stats().ooo_holes_filled, 1);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* RFC 9293 3.10.7.4 seventh check: duplicates and overlaps of queued
 * out-of-order data are trimmed, each byte delivered once.
 *   -> seq=rcv+10 len=10  -> seq=rcv+10 len=10 (duplicate)
 *   -> seq=rcv+5  len=20 (overlaps both ends)   -> seq=rcv len=5
 *   <- ACK rcv+25, 25 bytes delivered
 */
static void out_of_order_overlaps_trimmed(void **state)
{
	(void)state;
	fixture_established();
	inject(.flags = F_P | F_A, .seq = g.rcv + 10, .ack = g.snd, .len = 10);
	inject(.flags = F_P | F_A, .seq = g.rcv + 10, .ack = g.snd, .len = 10);
	inject(.flags = F_P | F_A, .seq = g.rcv + 5, .ack = g.snd, .len = 20);
	h_tx_drain();
	/* the duplicate queues nothing; the overlap replaces what it covers */
	assert_int_equal(h_stats().ooo_queued, 2);
	assert_int_equal(h_stats().ooo_queued_bytes, 30);
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 5);
	g.rcv += 25;
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(app.rx_bytes, 25);
	/* partially old data: the new part is taken */
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 10);
	inject(.flags = F_P | F_A, .seq = g.rcv + 5, .ack = g.snd, .len = 10);
	g.rcv += 15;
	h_tx_drain();
	assert_int_equal(app.rx_bytes, 40);
	assert_int_equal(g.tcb->rcv_nxt, g.rcv);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* rx.c: out-of-order data only borrows the buffers set aside for the
 * offer; in-order data inside the window takes one back, rightmost out-of-
 * order segment first, so the offer made stays backed (RFC 9293 3.8.6.2.2:
 * the right edge never moves left; RFC 9293 3.10.7.4: the queue is the
 * first thing given up).
 *   -> seq=rcv+3*MSS+{0,100,200} len=10 (three buffers borrowed)
 *   -> seq=rcv, rcv+MSS, rcv+2*MSS, rcv+3*MSS len=MSS (the window offered)
 *   <- ACKs; all 4*MSS taken, none dropped for want of a buffer
 */
static void out_of_order_gives_buffers_back_first(void **state)
{
	(void)state;
	app.refuse_data = true;
	fixture_established();
	inject(.flags = F_P | F_A, .seq = g.rcv + 3 * FW_TCP_MSS, .ack = g.snd, .len = 10);
	inject(.flags = F_P | F_A, .seq = g.rcv + 3 * FW_TCP_MSS + 100, .ack = g.snd, .len = 10);
	inject(.flags = F_P | F_A, .seq = g.rcv + 3 * FW_TCP_MSS + 200, .ack = g.snd, .len = 10);
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = FW_TCP_MSS);
	inject(.flags = F_P | F_A, .seq = g.rcv + FW_TCP_MSS, .ack = g.snd, .len = FW_TCP_MSS);
	inject(.flags = F_P | F_A, .seq = g.rcv + 2 * FW_TCP_MSS, .ack = g.snd, .len = FW_TCP_MSS);
	inject(.flags = F_P | F_A, .seq = g.rcv + 3 * FW_TCP_MSS, .ack = g.snd, .len = FW_TCP_MSS);
	h_tx_drain();
	/* the whole window offered was taken: nothing dropped for want of a buffer */
	assert_int_equal(g.tcb->rcv_nxt, g.rcv + 4 * FW_TCP_MSS);
	assert_int_equal(h_stats().drop_rx_nobuf, 0);
	assert_true(g.tcb->rx_bufs <= FW_TCP_RCVQ_PBUFS);
	/* two of the three borrowed buffers went back to in-order data */
	assert_int_equal(h_stats().ooo_drop_budget, 2);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* Malformed segments are counted by reason and dropped, nothing sent. */
static void malformed_dropped_counted(void **state)
{
	(void)state;
	static const uint8_t bad_opt[4] = { 2, 9, 0, 0 };   /* MSS with length 9 */
	fixture_established();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .bad_chksum = true);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .doff_override = 3);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .doff_override = 15);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd, .raw_opts = bad_opt, .raw_optlen = 4);
	expect_no_tx();
	struct fw_tcp_stats st = h_stats();
	assert_int_equal(st.drop_chksum, 1);
	assert_int_equal(st.drop_hdrlen, 2);
	assert_int_equal(st.drop_opts, 1);
	/* too short */
	struct pbuf *p = pbuf_alloc(PBUF_RAW, 10, PBUF_POOL);
	memset(p->payload, 0, 10);
	struct fw_tcp_addr a = h_addr(H_REMOTE_IP), b = h_addr(H_LOCAL_IP);
	fw_tcp_input(p, &a, &b, h_now);
	assert_int_equal(h_stats().drop_short, 1);
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* The whole path: IP datagram -> ip4_input -> raw PCB -> tcp_raw.c. */
static void raw_pcb_path(void **state)
{
	(void)state;
	fixture_listen();
	h_inject_ip((struct h_seg){ .flags = F_S, .seq = H_PEER_ISS });
	uint32_t iss = h_peek_tx() ? h_peek_tx()->seq : 0;
	expect_tx(F_S | F_A, iss, H_PEER_ISS + 1, 0);
	h_inject_ip((struct h_seg){ .flags = F_A, .seq = H_PEER_ISS + 1, .ack = iss + 1 });
	assert_int_equal(app.accepts, 1);
	fw_tcp_abort(app.accepted);
	h_tx_drain();
}

/* fw_tcp_next_deadline: earliest of TCB timers and the TIME_WAIT head. */
static void next_deadline_minimum(void **state)
{
	(void)state;
	uint32_t at;
	assert_false(fw_tcp_next_deadline(&at));
	fixture_time_wait();
	assert_true(fw_tcp_next_deadline(&at));
	assert_int_equal(at, h_now + 2u * FW_MSL_MS);
	h_advance(1000);
	/* a SYN_RCVD child's retransmission timer is earlier */
	inject(.flags = F_S, .seq = 1, .rport = 999);
	h_tx_drain();
	assert_true(fw_tcp_next_deadline(&at));
	assert_int_equal(at, h_now + FW_RTO_INITIAL_MS);
}

/*
 * RFC 9293 3.4: sequence numbers are modulo 2^32, so after 2^32 - 1 bytes
 * SND.UNA comes back to ISS. An ACK landing exactly on ISS then
 * acknowledges data, not the SYN (the SYN was acknowledged when the
 * connection left SYN_RCVD). A real 4 GiB transfer is too slow for a unit
 * test: the connection's send sequence is placed 10 bytes short of ISS
 * (white-box), as if 2^32 - 11 bytes had been sent and acknowledged.
 * app: write 10     > P. seq ISS-10 len 10
 * < . ack ISS       (all 10 acknowledged: SND.UNA = ISS)
 * app: write 10     > P. seq ISS len 10
 * < . ack ISS+10    all 10 acknowledged, none taken for a SYN
 * app: write 10     > P. seq ISS+10 len 10: exactly the new bytes
 */
static void ack_onto_iss_after_wrap_is_data(void **state)
{
	static const uint8_t ten[10] = { 0 };
	struct fw_tcp_conn *tcb;
	uint32_t start;

	(void)state;
	fixture_established();
	tcb = g.tcb;
	start = g.iss - 10u;
	tcb->snd_una = tcb->snd_nxt = tcb->snd_wl2 = start;
	assert_int_equal(fw_tcp_write(tcb, ten, sizeof ten), ERR_OK);
	expect_tx(F_P | F_A, start, g.rcv, 10);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.iss);
	assert_int_equal(tcb_sndq_len(tcb), 0);
	assert_int_equal(app.sent_bytes, 10);
	assert_int_equal(fw_tcp_write(tcb, ten, sizeof ten), ERR_OK);
	expect_tx(F_P | F_A, g.iss, g.rcv, 10);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.iss + 10u);
	assert_int_equal(tcb_sndq_len(tcb), 0);
	assert_int_equal(app.sent_bytes, 20);
	assert_int_equal(fw_tcp_write(tcb, ten, sizeof ten), ERR_OK);
	expect_tx(F_P | F_A, g.iss + 10u, g.rcv, 10);
	expect_no_tx();
	fw_tcp_abort(tcb);
	h_tx_drain();
}

/* RFC 9293 3.8.3 MUST-23: an active open retransmits its SYN for at least
 * 3 minutes before it gives up.  > S  (1 s) > S  (2 s) > S ... >= 180 s > S */
static void syn_retries_span_three_minutes_rfc9293_must_23(void **state)
{
	(void)state;
	uint32_t start = h_now, last = h_now;
	fixture_syn_sent();
	fw_tcp_err(g.tcb, NULL);
	while (h_tcbs_in_use() > 0) {
		h_advance(1000);
		if (h_tx_pending()) {
			expect_tx(F_S, g.iss, 0, 0);
			last = h_now;
		}
	}
	assert_true(last - start >= 180000u);
	assert_int_equal(h_stats().syn_timeouts, 1);
}

/* RFC 6298 (2.2) and Karn: the SYN,ACK gives the first sample; the first
 * data ACK after 10 s of idle is timed from the data, not from the SYN.
 * > S  (5 ms) < S.  > .  (10 s)  > P. 4  (5 ms) < .  => SRTT 5, RTO 200 */
static void syn_ack_gives_rtt_sample_rfc6298_2_2(void **state)
{
	(void)state;
	fixture_syn_sent();
	h_advance(5);
	inject(.flags = F_S | F_A, .seq = 5000, .ack = g.snd, .lport = g.tcb->t.lport, .mss = 1460);
	g.rcv = 5001;
	h_tx_drain();
	assert_true(g.tcb->flags & TCB_F_HAVE_RTT);
	assert_int_equal(g.tcb->srtt, 5);
	h_advance(10000);
	assert_int_equal(fw_tcp_write(g.tcb, "abcd", 4), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, 4);
	h_advance(5);
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 4, .lport = g.tcb->t.lport);
	g.snd += 4;
	assert_int_equal(g.tcb->srtt, 5);
	assert_int_equal(g.tcb->rto, FW_RTO_MIN_MS);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* RFC 6298 (5.7): the SYN timed out once, so no sample (Karn); data then
 * starts with a 3 s RTO.  > S  (1 s) > S  < S.  > .  > P. 4  (3 s) > P. 4 */
static void rto_three_seconds_after_syn_timeout_rfc6298_5_7(void **state)
{
	(void)state;
	fixture_syn_sent();
	h_advance(FW_RTO_INITIAL_MS);
	expect_tx(F_S, g.iss, 0, 0);
	h_advance(10);
	inject(.flags = F_S | F_A, .seq = 5000, .ack = g.snd, .lport = g.tcb->t.lport, .mss = 1460);
	g.rcv = 5001;
	h_tx_drain();
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	assert_false(g.tcb->flags & TCB_F_HAVE_RTT);
	assert_int_equal(g.tcb->rto, FW_RTO_SYN_TIMEOUT_MS);
	assert_int_equal(fw_tcp_write(g.tcb, "abcd", 4), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, 4);
	h_advance(FW_RTO_SYN_TIMEOUT_MS - 1u);
	expect_no_tx();
	h_advance(1);
	expect_tx(F_P | F_A, g.snd, g.rcv, 4);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* RFC 9293 3.7.1 MUST-15: a SYN,ACK without an MSS option means 536.
 * > S <mss 1460>  < S. (no MSS)  > .   => MSS 536 */
static void active_open_without_mss_option_uses_536_rfc9293_must_15(void **state)
{
	(void)state;
	fixture_syn_sent();
	inject(.flags = F_S | F_A, .seq = 5000, .ack = g.snd, .lport = g.tcb->t.lport);
	h_tx_drain();
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	assert_int_equal(g.tcb->mss, 536);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/* Simultaneous open, RFC 9293 figure 8: the peer's SYN,ACK arriving in
 * SYN_RCVD completes the handshake.
 * > S iss  < S 5000  > S. iss ack 5001  < S. 5000 ack iss+1  => ESTABLISHED */
static void simultaneous_open_syn_ack_in_syn_rcvd_rfc9293_figure_8(void **state)
{
	(void)state;
	fixture_syn_sent();
	uint16_t lport = g.tcb->t.lport;
	inject(.flags = F_S, .seq = 5000, .lport = lport, .mss = 1460);
	expect_tx(F_S | F_A, g.iss, 5001, 0);
	expect_state(g.tcb, FW_TCP_SYN_RCVD);
	inject(.flags = F_S | F_A, .seq = 5000, .ack = g.snd, .lport = lport, .mss = 1460);
	h_tx_drain();
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
	assert_int_equal(app.connects, 1);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

const struct CMUnitTest tcp_open_tests[] = {
	H_TEST(syn_retries_span_three_minutes_rfc9293_must_23),
	H_TEST(syn_ack_gives_rtt_sample_rfc6298_2_2),
	H_TEST(rto_three_seconds_after_syn_timeout_rfc6298_5_7),
	H_TEST(active_open_without_mss_option_uses_536_rfc9293_must_15),
	H_TEST(simultaneous_open_syn_ack_in_syn_rcvd_rfc9293_figure_8),
	H_TEST(ack_onto_iss_after_wrap_is_data),
	H_TEST(passive_open_mss),
	H_TEST(active_open),
	H_TEST(write_in_syn_sent_goes_with_the_handshake_ack_rfc9293_3_10_2),
	H_TEST(syn_retransmit_then_timeout),
	H_TEST(syn_rcvd_syn_again),
	H_TEST(data_both_ways),
	H_TEST(recved_inside_recv_cb_keeps_window),
	H_TEST(write_inside_recv_cb_advertises_held_bytes),
	H_TEST(window_closes_and_reopens),
	H_TEST(data_retransmit_backoff_karn),
	H_TEST(out_of_order_queued_hole_fill_acks),
	H_TEST(out_of_order_overlaps_trimmed),
	H_TEST(out_of_order_gives_buffers_back_first),
	H_TEST(malformed_dropped_counted),
	H_TEST(raw_pcb_path),
	H_TEST(next_deadline_minimum),
};
const size_t tcp_open_count = sizeof tcp_open_tests / sizeof tcp_open_tests[0];
