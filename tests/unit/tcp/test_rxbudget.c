/*
 * Receive memory against hostile and slow peers: what a connection holds
 * is counted in the PBUF_POOL buffers it really pins (queued, or lent to
 * the application), per connection and for TCP as a whole, and the window
 * offered never promises more than those buffers can hold (RFC 9293
 * 3.8.6: the window is "the number of data octets ... the receiver is
 * currently prepared to receive"; RFC 1122 4.2.2.16: a receiver SHOULD NOT
 * shrink the window, so an offer must be kept).
 */
#include <string.h>
#include "harness.h"
#include "lwip/memp.h"
#include "lwip/priv/memp_priv.h"
#include "lwip/stats.h"

#define RX_FLOOD_SEGS 200u
#define RX_CONNS FW_TCB_COUNT          /* every TCB (the listener takes none) */
#define RX_SPARSE_LEN 23u              /* leaves a full segment no room behind it */
#define RX_WALK_STEPS 400u
#define RX_STREAM_MAX (4u * FW_TCP_WND)

static uint8_t rx_stream[RX_STREAM_MAX];   /* what the peer sent, in order */
static uint8_t rx_got[RX_STREAM_MAX];      /* what the application got (app.rx_copy) */

/* The harness fills segment payloads with 'a' + i % 26 from each start. */
static void rx_expect_bytes(uint32_t at, uint16_t n)
{
	assert_true(at + n <= RX_STREAM_MAX);
	for (uint16_t i = 0; i < n; i++)
		rx_stream[at + i] = (uint8_t)('a' + i % 26);
}

/* The pool must keep `floor` buffers free; say when and how it did not. */
static void rx_expect_pool_floor(unsigned floor, const char *after, unsigned n)
{
	if (h_pool_free() < floor)
		h_fail(__FILE__, __LINE__, "PBUF_POOL: %u of %u free after %u %s (at least %u must stay free)",
		       h_pool_free(), (unsigned)PBUF_POOL_SIZE, n, after, floor);
}

/*
 * The zero-window 1-byte flood. The application keeps every buffer it is
 * given (an echo whose peer never opens its window: nothing can be
 * written back, so nothing is freed).
 * < .P rcv     len 1 win 0      > . ack rcv+1
 * < .P rcv+1   len 1 win 0      > . ack rcv+2     ... 200 times
 * Every byte is taken and ACKed, and the connection never pins more than
 * FW_TCP_RCVQ_PBUFS pool buffers: small segments are packed into the
 * buffer before them, so the pool keeps the rest for the MAC driver, ARP,
 * ICMP and other connections.
 */
static void rx_zero_window_one_byte_flood_leaves_pool(void **s)
{
	unsigned floor = PBUF_POOL_SIZE - FW_TCP_RCVQ_PBUFS;
	(void)s;
	fixture_established();
	app.hold_data = true;
	for (unsigned i = 0; i < RX_FLOOD_SEGS; i++) {
		inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 1, .zero_wnd = true);
		g.rcv++;
		expect_ack_by_delay(g.snd, g.rcv);
		rx_expect_pool_floor(floor, "one-byte segments", i + 1);
	}
	/* the application catches up: what waited is delivered, in order */
	h_release_held();
	h_advance(0);
	assert_int_equal(app.rx_bytes, RX_FLOOD_SEGS);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

struct rx_peer {
	struct fw_tcp_conn *tcb;
	uint16_t rport;
	uint32_t snd, rcv;     /* the engine's SND.NXT, the peer's next byte */
	uint32_t wnd;          /* the window the engine offered last */
};

/* < S  > S. (window offered)  < .  accept_cb */
static void rx_open(struct rx_peer *p, uint16_t rport)
{
	p->rport = rport;
	inject(.flags = F_S, .seq = H_PEER_ISS, .mss = 1460, .rport = rport);
	assert_non_null(h_peek_tx());
	p->snd = h_peek_tx()->seq + 1u;
	p->wnd = h_peek_tx()->wnd;
	expect_tx(F_S | F_A, p->snd - 1u, H_PEER_ISS + 1, 0);
	p->rcv = H_PEER_ISS + 1;
	inject(.flags = F_A, .seq = p->rcv, .ack = p->snd, .rport = rport);
	expect_no_tx();
	p->tcb = app.accepted;
	assert_int_equal(p->tcb->t.rport, rport);
}

/* < .P rcv len n  > . ack rcv+n: every byte inside the offer is taken. */
static void rx_send(struct rx_peer *p, uint16_t n)
{
	inject(.flags = F_P | F_A, .seq = p->rcv, .ack = p->snd, .len = n, .rport = p->rport);
	p->rcv += n;
	expect_ack_by_delay(p->snd, p->rcv);
	p->wnd = h_last_tx()->wnd;
}

/*
 * Several connections together (RX_CONNS, every TCB), the application
 * keeping everything:
 *   each c:  < .P c.rcv len 1       > . win W(c)
 *   sum over c of (W(c) + 1) <= FW_TCP_RX_POOL_BUFS * PBUF_POOL_BUFSIZE:
 *   the offers together fit in TCP's share of the pool (a buffer holds
 *   more than an MSS, so the byte behind which a full segment is packed
 *   needs no buffer of its own);
 *   each c:  < .P  full segments up to W(c)   > . each taken
 * and TCP never holds more than FW_TCP_RX_POOL_BUFS buffers: the pool
 * keeps PBUF_POOL_SIZE - FW_TCP_RX_POOL_BUFS for everything else.
 */
static void rx_connections_together_stay_within_budget(void **s)
{
	static struct rx_peer c[RX_CONNS];
	unsigned floor = PBUF_POOL_SIZE - FW_TCP_RX_POOL_BUFS, sent = 0;
	uint32_t offered = 0;
	(void)s;
	fixture_listen();
	app.hold_data = true;
	for (unsigned i = 0; i < RX_CONNS; i++)
		rx_open(&c[i], (uint16_t)(41000u + i));
	for (unsigned i = 0; i < RX_CONNS; i++) {
		rx_send(&c[i], 1);
		offered += c[i].wnd + 1u;
		rx_expect_pool_floor(floor, "segments", ++sent);
	}
	if (offered > (uint32_t)FW_TCP_RX_POOL_BUFS * PBUF_POOL_BUFSIZE)
		h_fail(__FILE__, __LINE__, "windows offered to %u connections hold %u bytes, the budget %u",
		       (unsigned)RX_CONNS, (unsigned)offered, (unsigned)(FW_TCP_RX_POOL_BUFS * PBUF_POOL_BUFSIZE));
	for (unsigned i = 0; i < RX_CONNS; i++) {
		while (c[i].wnd > 0) {
			rx_send(&c[i], (uint16_t)(c[i].wnd < FW_TCP_MSS ? c[i].wnd : FW_TCP_MSS));
			rx_expect_pool_floor(floor, "segments", ++sent);
		}
	}
	for (unsigned i = 0; i < RX_CONNS; i++)
		fw_tcp_abort(c[i].tcb);
	h_tx_drain();
}

/*
 * Segments shaped to waste buffers, to an application that takes nothing
 * (recv_cb refuses, the data stays queued):
 * < .P len 23    > . win W
 * < .P len 23    > . ...         (three small ones)
 * < .P len 1460  > . win W'      (does not fit behind them)
 * ... repeated, each up to the window offered
 * Every byte inside each offer is taken until the window is 0: the queue
 * is packed, so an offer counted in free buffer space is kept.
 */
static void rx_sparse_segments_keep_the_offer(void **s)
{
	struct rx_peer p;
	uint32_t taken = 0;
	(void)s;
	fixture_listen();
	app.refuse_data = true;
	app.rx_copy = rx_got;
	app.rx_copy_len = sizeof rx_got;
	rx_open(&p, 42000);
	for (unsigned i = 0; p.wnd > 0; i++) {
		uint32_t want = i % 4u == 3u ? FW_TCP_MSS : RX_SPARSE_LEN;
		uint16_t n = (uint16_t)(want < p.wnd ? want : p.wnd);
		rx_expect_bytes(taken, n);
		rx_send(&p, n);
		taken += n;
		assert_true(taken <= FW_TCP_WND);
	}
	assert_int_equal(taken, FW_TCP_WND);
	assert_true(h_stats().rx_packed > 0 && h_stats().rx_moved > 0);
	assert_true(p.tcb->rx_bufs <= FW_TCP_RCVQ_PBUFS);
	/* the application reads at last: every byte, in order */
	app.refuse_data = false;
	fw_tcp_recved(p.tcb, 0);
	h_advance(0);
	assert_int_equal(app.rx_bytes, taken);
	assert_memory_equal(rx_got, rx_stream, taken);
	fw_tcp_abort(p.tcb);
	h_tx_drain();
}

/*
 * The pool buffer layout rx.c packs into, as lwIP 2.1.3's pbuf.c makes
 * it: a PBUF_POOL pbuf's payload starts right after the struct pbuf, and
 * PBUF_POOL_BUFSIZE (aligned) of it fits in the pool's element.
 */
static void rx_pool_buffer_layout(void **s)
{
	struct pbuf *p = pbuf_alloc(PBUF_RAW, PBUF_POOL_BUFSIZE, PBUF_POOL);
	(void)s;
	assert_non_null(p);
	assert_null(p->next);
	assert_ptr_equal(p->payload, (uint8_t *)p + LWIP_MEM_ALIGN_SIZE(sizeof(struct pbuf)));
	assert_true(memp_pools[MEMP_PBUF_POOL]->size >=
	            LWIP_MEM_ALIGN_SIZE(sizeof(struct pbuf)) + LWIP_MEM_ALIGN_SIZE(PBUF_POOL_BUFSIZE));
	pbuf_free(p);
}

/*
 * An application that holds what it gets but gives the bytes back at once
 * (recved inside recv_cb): the window is then limited by the buffers it
 * pins, not by bytes. Once it holds FW_TCP_RCV_VIEWS views (one per buffer
 * a delivery spans: the second segment is packed behind the first, so its
 * delivery starts in the first's buffer) the next data waits in the
 * queue; when the application frees them, what waited is delivered and
 * the window reopened is offered:
 * < .P 1460       app holds its view           > .
 * < .P 1460       56 bytes (packed in the first buffer) lent, the rest queued  > .
 * < .P 1460 x2    queued (deliveries deferred) > . win < MSS
 * app frees what it held (and holds no more)
 * next timers:    the rest delivered           > . win FW_TCP_WND
 */
static void rx_held_deliveries_wait_then_window_reopens(void **s)
{
	(void)s;
	fixture_established();
	app.hold_data = true;
	app.recved_at_once = true;
	for (unsigned i = 0; i < 4; i++) {
		inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = FW_TCP_MSS);
		g.rcv += FW_TCP_MSS;
		expect_ack_by_delay(g.snd, g.rcv);
	}
	assert_int_equal(g.tcb->rx_views, FW_TCP_RCV_VIEWS);
	assert_true(app.rx_bytes < 4u * FW_TCP_MSS);
	assert_true(h_last_tx()->wnd < FW_TCP_MSS);
	assert_true(h_stats().rx_lend_deferred > 0);
	assert_int_equal(g.tcb->rx_bufs, 4);
	h_release_held();
	app.hold_data = false;
	expect_no_tx();                 /* nothing from inside pbuf_free() */
	h_advance(0);
	assert_int_equal(app.rx_bytes, 4u * FW_TCP_MSS);
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_last_tx()->wnd, FW_TCP_WND);
	assert_int_equal(g.tcb->rx_bufs, 0);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/*
 * Buffers the application still holds when its connection is gone stay
 * counted against TCP's budget until it frees them:
 * < .P 100 x2 (held)   app: abort      rx_bufs stays 1 (both packed in one)
 * app frees them                       rx_bufs 0
 */
static void rx_buffers_held_after_the_connection_stay_counted(void **s)
{
	(void)s;
	fixture_established();
	app.hold_data = true;
	for (unsigned i = 0; i < 2; i++) {
		inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 100);
		g.rcv += 100;
		expect_ack_by_delay(g.snd, g.rcv);
	}
	fw_tcp_abort(g.tcb);
	h_tx_drain();
	assert_int_equal(h_stats().rx_bufs, 1);
	h_release_held();
	assert_int_equal(h_stats().rx_bufs, 0);
	assert_int_equal(h_pool_free(), PBUF_POOL_SIZE);
}

/*
 * Segments that do not come in a pool buffer of their own (the loopback
 * netif copies into PBUF_RAM) are copied into one: the accounting stays
 * in pool buffers and the data arrives intact.
 * < .P 700 (PBUF_RAM)  < .P 700 (PBUF_RAM)  > . each; the app gets 1400 bytes
 */
static void rx_ram_segments_copied_into_pool_buffers(void **s)
{
	(void)s;
	fixture_established();
	app.rx_copy = rx_got;
	app.rx_copy_len = sizeof rx_got;
	for (unsigned i = 0; i < 2; i++) {
		rx_expect_bytes(700u * i, 700);
		inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 700, .ram = true);
		g.rcv += 700;
		expect_ack_by_delay(g.snd, g.rcv);
	}
	assert_int_equal(app.rx_bytes, 1400);
	assert_memory_equal(rx_got, rx_stream, 1400);
	assert_int_equal(h_stats().rx_bufs, 0);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/*
 * Out-of-order data keeps its sequence number in its buffer, in front of
 * the data: a segment copied into a fresh pool buffer (its data at the
 * buffer's start) is moved to make room, and arrives intact once the hole
 * fills.
 * < .P +700 700 (PBUF_RAM)  > . ack +0   < .P +0 700 (PBUF_RAM)  > . ack +1400
 */
static void rx_ooo_segment_copied_keeps_its_data(void **s)
{
	(void)s;
	fixture_established();
	app.rx_copy = rx_got;
	app.rx_copy_len = sizeof rx_got;
	rx_expect_bytes(0, 700);
	rx_expect_bytes(700, 700);
	inject(.flags = F_P | F_A, .seq = g.rcv + 700, .ack = g.snd, .len = 700, .ram = true);
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_stats().ooo_queued, 1);
	assert_int_equal(app.rx_bytes, 0);
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 700, .ram = true);
	g.rcv += 1400;
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(app.rx_bytes, 1400);
	assert_memory_equal(rx_got, rx_stream, 1400);
	assert_int_equal(h_stats().rx_bufs, 0);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

static uint32_t rx_lcg(uint32_t *x)
{
	*x = *x * 1103515245u + 12345u;
	return *x >> 8;
}

/*
 * A walk through what peers and applications do, checked against RFC 1122
 * 4.2.2.16 (the right edge never moves left) and the offer (every byte
 * inside it is taken): segments of any length up to the window, an
 * application that holds, refuses, frees and gives bytes back at random;
 * every byte delivered intact and in order; at most FW_TCP_RCVQ_PBUFS
 * buffers held.
 */
static void rx_walk_right_edge_never_moves_left_rfc1122_4_2_2_16(void **s)
{
	uint32_t x = 12345u, sent = 0, edge, wnd;
	(void)s;
	fixture_established();
	app.rx_copy = rx_got;
	app.rx_copy_len = sizeof rx_got;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);   /* nothing: the SYN,ACK's offer stands */
	wnd = FW_TCP_RX_MIN_BUFS * FW_TCP_MSS;
	edge = g.rcv + wnd;
	for (unsigned step = 0; step < RX_WALK_STEPS && sent < RX_STREAM_MAX - FW_TCP_MSS; step++) {
		uint32_t r = rx_lcg(&x);
		switch (r % 8u) {
		case 0:
			app.hold_data = !app.hold_data;
			break;
		case 1:
			app.refuse_data = (r & 0x100u) != 0;
			break;
		case 2:
			app.recved_at_once = !app.recved_at_once;
			break;
		case 3:
			h_release_held();
			fw_tcp_recved(g.tcb, (uint16_t)(g.tcb->unrecved));
			h_advance(0);
			break;
		default: {
			uint32_t room = edge - g.rcv, n = 1u + (r >> 4) % FW_TCP_MSS;
			if (n > room)
				n = room;
			if (n == 0)
				break;
			rx_expect_bytes(sent, (uint16_t)n);
			inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = (uint16_t)n);
			g.rcv += n;
			sent += n;
			h_advance(FW_TCP_ACK_DELAY_MS);   /* every segment's ACK is checked, delayed or not */
			break;
		}
		}
		for (const struct h_pkt *k = h_peek_tx(); k; k = h_peek_tx()) {
			if (k->ack != g.rcv)
				h_fail(__FILE__, __LINE__, "step %u: ACK %u, the peer sent up to %u inside the offer",
				       step, k->ack, g.rcv);
			if (seq_lt(k->ack + k->wnd, edge))
				h_fail(__FILE__, __LINE__, "step %u: right edge moved left: %u, was %u", step,
				       k->ack + k->wnd, edge);
			edge = k->ack + k->wnd;
			h_tx_head_skip();
		}
		assert_true(g.tcb->rx_bufs <= FW_TCP_RCVQ_PBUFS);
		assert_true(h_stats().rx_bufs <= FW_TCP_RX_POOL_BUFS);
	}
	app.hold_data = app.refuse_data = false;
	h_release_held();
	fw_tcp_recved(g.tcb, 0);
	h_advance(0);
	assert_int_equal(app.rx_bytes, sent);
	assert_memory_equal(rx_got, rx_stream, sent);
	assert_int_equal(h_stats().drop_rx_nobuf, 0);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/*
 * shut_rx while the application holds a view (found by the fuzz target):
 * the queue and the tail kept for its room go, the held buffer stays
 * charged until freed, and the right edge does not move left; new data is
 * answered with RST (RFC 1122 4.2.2.13), nothing is set aside for it.
 * < .P 100 (app holds it)   > . win W
 * app: shutdown(rx); a write makes a segment   > P. win >= the old edge
 * < .P 10                   > R.
 */
static void rx_shut_rx_with_a_view_held_keeps_the_edge(void **s)
{
	uint32_t edge;
	(void)s;
	fixture_established();
	app.hold_data = true;
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 100);
	g.rcv += 100;
	expect_tx(F_A, g.snd, g.rcv, 0);
	edge = g.rcv + h_last_tx()->wnd;
	fw_tcp_shutdown(g.tcb, true, false);
	assert_int_equal(g.tcb->rx_bufs, 1);          /* the held view's buffer */
	assert_int_equal(fw_tcp_write(g.tcb, "x", 1), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, 1);
	g.snd++;
	assert_true(seq_geq(g.rcv + h_last_tx()->wnd, edge));
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 10);
	expect_tx(F_R | F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_stats().rx_bufs, 1);
	h_release_held();
	assert_int_equal(h_stats().rx_bufs, 0);
}

/* Every packet sent to the peer at H_RPORT so far: the right edge
 * (SEG.ACK + SEG.WND) never moves left (RFC 9293 3.8.6.2.2 SHLD-14,
 * RFC 1122 4.2.2.16); other connections' packets are skipped. */
static void rx_check_edges(uint32_t *edge, unsigned seg)
{
	for (const struct h_pkt *k = h_peek_tx(); k; k = h_peek_tx()) {
		if (k->dport == H_RPORT && (k->flags & F_A) && !(k->flags & F_R)) {
			if (seq_lt(k->ack + k->wnd, *edge))
				h_fail(__FILE__, __LINE__, "after segment %u: right edge moved left: %u, was %u", seg,
				       k->ack + k->wnd, *edge);
			*edge = k->ack + k->wnd;
		}
		h_tx_head_skip();
	}
}

/*
 * The right edge never moves left (RFC 9293 3.8.6.2.2 SHLD-14), with
 * small segments, an application that holds what it gets, and the shared
 * budget taken by three other connections half-way (their offers shrink
 * what this one could be offered, never what it was):
 *   < P. 300 x4 (held)   three others fill their windows (held)
 *   < P. 300 x4 (held)   the application lets go   > . window update
 * SEG.ACK + SEG.WND of every ACK sent never decreases.
 */
static void rx_small_segments_right_edge_never_decreases_rfc9293_3_8_6_2_2(void **s)
{
	uint32_t edge = 0, snd[3];
	struct fw_tcp_conn *other[3];
	(void)s;
	fixture_established();
	app.hold_data = true;
	edge = g.rcv + FW_TCP_RX_MIN_BUFS * FW_TCP_MSS;   /* the SYN,ACK's offer */
	for (unsigned i = 0; i < 8; i++) {
		if (i == 4) {
			for (unsigned c = 0; c < 3; c++) {
				uint32_t rcv = H_PEER_ISS + 1u;
				other[c] = h_establish_from((uint16_t)(42000u + c), &snd[c]);
				for (unsigned k = 0; k < FW_TCP_RCVQ_PBUFS; k++) {
					inject(.flags = F_P | F_A, .seq = rcv, .ack = snd[c], .len = FW_TCP_MSS,
					       .rport = (uint16_t)(42000u + c));
					rcv += FW_TCP_MSS;
					h_advance(FW_TCP_ACK_DELAY_MS);
				}
				rx_check_edges(&edge, i);
			}
		}
		inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 300);
		g.rcv += 300;
		h_advance(FW_TCP_ACK_DELAY_MS);
		assert_non_null(h_peek_tx());
		rx_check_edges(&edge, i);
	}
	assert_int_equal(g.tcb->rcv_nxt, g.rcv);       /* every byte inside the offer taken */
	assert_true(h_stats().rx_wnd_limited > 0);      /* the shared budget did run short */
	h_release_held();
	h_advance(0);
	rx_check_edges(&edge, 8);
	for (unsigned c = 0; c < 3; c++)
		fw_tcp_abort(other[c]);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/*
 * Receiver SWS avoidance (RFC 9293 3.8.6.2.2, MUST-39): with the window
 * full, the application giving bytes back moves the right edge only once
 * min(RCV.BUFF / 2, Eff.snd.MSS) (one MSS here) is free; until then every
 * segment sent offers no more than before (zero), and no update goes out.
 *   < P. 1460 x4 (app takes, gives nothing back)   > . win 0
 *   recved(100)    (no update)   write 10   > P. 10 win 0
 *   recved(1359)   (no update)
 *   recved(1)      > . win 1460 at once (the window reopens)
 */
static void rx_sws_edge_held_until_a_step_is_free_rfc9293_3_8_6_2_2(void **s)
{
	(void)s;
	fixture_established();
	for (unsigned got = 0; got < FW_TCP_WND; got += FW_TCP_MSS) {
		inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = FW_TCP_MSS);
		g.rcv += FW_TCP_MSS;
		expect_ack_by_delay(g.snd, g.rcv);
	}
	assert_int_equal(h_last_tx()->wnd, 0);
	fw_tcp_recved(g.tcb, 100);
	h_advance(0);
	expect_no_tx();
	assert_int_equal(fw_tcp_write(g.tcb, "0123456789", 10), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, 10);
	assert_int_equal(h_last_tx()->wnd, 0);
	g.snd += 10;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_no_tx();
	fw_tcp_recved(g.tcb, FW_TCP_MSS - 101u);
	h_advance(0);
	expect_no_tx();
	fw_tcp_recved(g.tcb, 1);
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_last_tx()->wnd, FW_TCP_MSS);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/*
 * The SWS step is min(Fr * RCV.BUFF, Eff.snd.MSS) (RFC 9293 3.8.6.2.2):
 * with a peer whose MSS is 536 the window reopens once 536 bytes are free,
 * not one of our MSS; and every second 536-byte segment is a full one
 * (RFC 5681 4.2).
 *   < S mss 536   < P. 536   < P. 536 x2   > . at once (two full ones)
 *   < P. 536 ... until the window is full   > . win 0
 *   recved(535)  (no update)   recved(1)  > . win 536 at once
 */
static void rx_sws_step_is_the_peers_mss_when_smaller_rfc9293_3_8_6_2_2(void **s)
{
	uint32_t edge;
	(void)s;
	fixture_listen();
	inject(.flags = F_S, .seq = H_PEER_ISS, .mss = 536);
	g.iss = h_peek_tx()->seq;
	expect_tx(F_S | F_A, g.iss, H_PEER_ISS + 1, 0);
	g.snd = g.iss + 1;
	g.rcv = H_PEER_ISS + 1;
	edge = g.rcv + h_last_tx()->wnd;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	g.tcb = app.accepted;
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 536);
	g.rcv += 536;
	expect_ack_by_delay(g.snd, g.rcv);   /* the offer grows past the SYN's */
	for (unsigned i = 0; i < 2; i++) {
		inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 536);
		g.rcv += 536;
		if (i == 1 || !FW_TCP_DELAYED_ACK)
			expect_tx(F_A, g.snd, g.rcv, 0);     /* the second full one: at once */
	}
	expect_no_tx();
	assert_int_equal(h_stats().acks_two_full, FW_TCP_DELAYED_ACK ? 1 : 0);
	edge = g.rcv + h_last_tx()->wnd;
	while (edge != g.rcv) {
		uint16_t n = (uint16_t)(edge - g.rcv < 536u ? edge - g.rcv : 536u);
		inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = n);
		g.rcv += n;
		expect_ack_by_delay(g.snd, g.rcv);
		edge = g.rcv + h_last_tx()->wnd;
	}
	fw_tcp_recved(g.tcb, 535);
	h_advance(0);
	expect_no_tx();
	fw_tcp_recved(g.tcb, 1);
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_last_tx()->wnd, 536);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

const struct CMUnitTest tcp_rxbudget_tests[] = {
	H_TEST(rx_zero_window_one_byte_flood_leaves_pool),
	H_TEST(rx_connections_together_stay_within_budget),
	H_TEST(rx_sparse_segments_keep_the_offer),
	H_TEST(rx_pool_buffer_layout),
	H_TEST(rx_held_deliveries_wait_then_window_reopens),
	H_TEST(rx_buffers_held_after_the_connection_stay_counted),
	H_TEST(rx_ram_segments_copied_into_pool_buffers),
	H_TEST(rx_ooo_segment_copied_keeps_its_data),
	H_TEST(rx_walk_right_edge_never_moves_left_rfc1122_4_2_2_16),
	H_TEST(rx_shut_rx_with_a_view_held_keeps_the_edge),
	H_TEST(rx_small_segments_right_edge_never_decreases_rfc9293_3_8_6_2_2),
	H_TEST(rx_sws_edge_held_until_a_step_is_free_rfc9293_3_8_6_2_2),
	H_TEST(rx_sws_step_is_the_peers_mss_when_smaller_rfc9293_3_8_6_2_2),
};
const size_t tcp_rxbudget_count = sizeof tcp_rxbudget_tests / sizeof tcp_rxbudget_tests[0];
