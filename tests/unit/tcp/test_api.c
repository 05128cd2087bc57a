/*
 * The application API's contract (tcp/include/fw_tcp.h): callbacks run only
 * from fw_tcp_input() and fw_tcp_timers(), never from inside an API call;
 * a slot freed and reused inside a callback never gets the old
 * connection's callbacks; callbacks see the event's time.
 */
#include "harness.h"

/*
 * fw_tcp_recved() inside recv_cb, on a segment that also carries the FIN:
 * the end of stream is delivered after recv_cb(data) has returned (at the
 * end of the event), not nested inside it.
 * < P.F 20 bytes   app: recv_cb(data) { recved(20) }, then recv_cb(EOF)
 * > .   ack of data and FIN, window whole
 */
static void recved_in_callback_delivers_eof_after_it_returns(void **s)
{
	(void)s;
	fixture_established();
	app.recved_at_once = true;
	inject(.flags = F_P | F_A | F_F, .seq = g.rcv, .ack = g.snd, .len = 20);
	g.rcv += 21;
	assert_int_equal(app.rx_bytes, 20);
	assert_int_equal(app.eofs, 1);
	assert_int_equal(app.nested, 0);
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_last_tx()->wnd, FW_TCP_WND);
	expect_no_tx();
	expect_state(g.tcb, FW_TCP_CLOSE_WAIT);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/*
 * fw_tcp_recved() outside any event offers refused data again from the
 * next fw_tcp_timers(), which fw_tcp_next_deadline() asks for at once:
 * nothing is called back before fw_tcp_recved() returns.
 */
static void recved_outside_event_delivers_from_next_timers(void **s)
{
	uint32_t at;

	(void)s;
	fixture_established();
	app.refuse_data = true;
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 10);
	g.rcv += 10;
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(app.rx_bytes, 0);
	assert_false(fw_tcp_next_deadline(&at) && at == h_now);
	app.refuse_data = false;
	fw_tcp_recved(g.tcb, 0);
	assert_int_equal(app.rx_bytes, 0);          /* not from inside the call */
	assert_true(fw_tcp_next_deadline(&at));
	assert_int_equal(at, h_now);
	h_advance(0);
	assert_int_equal(app.rx_bytes, 10);
	assert_false(fw_tcp_next_deadline(&at) && at == h_now);
	expect_no_tx();
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/*
 * fw_tcp_shutdown(shut_rx) while the peer's FIN waits
 * behind refused data: the data is dropped, the end of stream comes after
 * the call returned (from the next timers).
 */
static void shutdown_rx_outside_event_defers_eof(void **s)
{
	(void)s;
	fixture_established();
	app.refuse_data = true;
	inject(.flags = F_P | F_A | F_F, .seq = g.rcv, .ack = g.snd, .len = 8);
	g.rcv += 9;
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(app.eofs, 0);
	/* now from outside: the EOF comes from the timers, not this call */
	fw_tcp_shutdown(g.tcb, true, false);
	assert_int_equal(app.eofs, 0);
	h_advance(0);
	assert_int_equal(app.eofs, 1);
	assert_int_equal(app.nested, 0);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

/*
 * A half-closed application whose err_cb(ERR_CLSD) opens a new connection
 * that takes the freed slot: the ACK that ended the old connection also
 * acknowledged 5 bytes, and its sent_cb(5) must not reach the new
 * connection, which has sent nothing but its SYN.
 * app: write 5  > P. 5          < F. (ack 0 of it)  (CLOSE_WAIT)
 * app: shutdown(tx)  > F.       < . acks data and FIN: LAST_ACK -> CLOSED
 *   err_cb(ERR_CLSD) { connect } > S  (new connection, same slot)
 */
static void reused_slot_gets_no_callback_of_the_old_connection(void **s)
{
	static const uint8_t five[5] = { 1, 2, 3, 4, 5 };

	(void)s;
	fixture_established();
	assert_int_equal(fw_tcp_write(g.tcb, five, sizeof five), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, 5);
	inject(.flags = F_F | F_A, .seq = g.rcv, .ack = g.snd);
	g.rcv++;
	expect_tx(F_A, g.snd + 5, g.rcv, 0);
	assert_int_equal(app.eofs, 1);
	fw_tcp_shutdown(g.tcb, false, true);
	expect_tx(F_F | F_A, g.snd + 5, g.rcv, 0);
	app.connect_on_err = true;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd + 6);
	assert_int_equal(app.errs, 1);
	assert_int_equal(app.last_err, ERR_CLSD);
	assert_non_null(app.reopened);
	assert_ptr_equal(app.reopened, g.tcb);       /* the same slot */
	expect_state(app.reopened, FW_TCP_SYN_SENT);
	assert_int_equal(app.sent_bytes, 0);
	assert_null(app.sent_to);
	assert_non_null(h_peek_tx());
	assert_int_equal(h_peek_tx()->flags, F_S);
	h_tx_drain();
	fw_tcp_abort(app.reopened);
}

static uint32_t seen_now;

static void record_now_sent_cb(void *arg, struct fw_tcp_conn *tcb, uint16_t len)
{
	(void)arg;
	(void)tcb;
	(void)len;
	seen_now = fw_tcp_now();
}

/* Inside a callback fw_tcp_now() is the event's time (the `now` given to
 * fw_tcp_input()); outside, the clock given to fw_tcp_init(). */
static void callbacks_see_the_event_time(void **s)
{
	static const uint8_t one[1] = { 7 };

	(void)s;
	fixture_established();
	fw_tcp_sent(g.tcb, record_now_sent_cb);
	assert_int_equal(fw_tcp_write(g.tcb, one, 1), ERR_OK);
	expect_tx(F_P | F_A, g.snd, g.rcv, 1);
	g.snd++;
	h_now += 250;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	assert_int_equal(seen_now, h_now);
	h_now += 10;
	assert_int_equal(fw_tcp_now(), h_now);
	fw_tcp_abort(g.tcb);
	h_tx_drain();
}

static uint16_t h_first_port(uint8_t key0, const char *raddr, uint16_t rport)
{
	uint8_t key[16] = { key0, 1, 2, 3 };
	struct fw_tcp_addr l = h_addr(H_LOCAL_IP), r = h_addr(raddr);
	struct fw_tcp_conn *c;
	uint16_t port;

	h_reinit(key);
	c = fw_tcp_connect(&l, &r, rport, NULL, NULL);
	assert_non_null(c);
	assert_non_null(h_peek_tx());
	port = h_peek_tx()->sport;
	h_tx_drain();
	fw_tcp_abort(c);
	assert_true(port >= 49152u);
	return port;
}

/*
 * RFC 6056 3.3.3 (algorithm 3, "simple hash-based port selection"): the
 * ephemeral port is min + (next + F(local, remote, remote port, secret))
 * mod range, F keyed like the ISNs. An off-path attacker cannot guess a
 * fresh boot's first port (a counter from 49152 made it 49152 every boot),
 * and destinations do not share one sequence of ports.
 */
static void ephemeral_port_keyed_hash_rfc6056(void **s)
{
	uint16_t a, b, c;

	(void)s;
	a = h_first_port(1, H_REMOTE_IP, 80);
	b = h_first_port(2, H_REMOTE_IP, 80);
	c = h_first_port(1, "192.0.2.9", 80);
	assert_int_not_equal(a, b);              /* another boot, another key */
	assert_int_not_equal(a, c);              /* another destination, another offset */
	assert_int_equal(a, h_first_port(1, H_REMOTE_IP, 80));   /* the same key and tuple: the same */
}

/* RFC 1122 4.2.3.10: "A TCP implementation MUST reject as an error a
 * local OPEN call for an invalid remote IP address (e.g., a broadcast or
 * multicast address)". No control block is taken, no SYN goes out. */
static void connect_refuses_broadcast_multicast_rfc1122(void **s)
{
	static const char *const bad[] = { "255.255.255.255", "192.0.2.255", "224.0.0.1", "239.1.2.3",
	                                   "0.0.0.0" };
	struct fw_tcp_addr l = h_addr(H_LOCAL_IP), r;

	(void)s;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r = h_addr(bad[i]);
		assert_null(fw_tcp_connect(&l, &r, 80, NULL, NULL));
		expect_no_tx();
	}
	assert_int_equal(h_tcbs_in_use(), 0);
	assert_int_equal(h_stats().connect_bad_addr, 5);
	assert_int_equal(h_stats().active_opens, 0);
}

/*
 * recv_cb aborts the connection and refuses the data (ERR_MEM, not the
 * ERR_ABRT lwIP's rule asks for): the connection is gone, nobody else can
 * take the pbuf, so the engine frees it (the teardown's pool check fails
 * on a leak). ERR_ABRT keeps lwIP's rule: the callee has freed it.
 */
static void recv_cb_abort_then_refuse_frees_data(void **s)
{
	(void)s;
	fixture_established();
	app.refuse_data = true;
	app.abort_on_refuse = true;
	inject(.flags = F_P | F_A, .seq = g.rcv, .ack = g.snd, .len = 40);
	h_tx_head_skip();                      /* the RST of the abort */
	expect_no_tx();
	assert_int_equal(h_tcbs_in_use(), 0);  /* listeners take no TCB */
}

const struct CMUnitTest tcp_api_tests[] = {
	H_TEST(recv_cb_abort_then_refuse_frees_data),
	H_TEST(connect_refuses_broadcast_multicast_rfc1122),
	H_TEST(ephemeral_port_keyed_hash_rfc6056),
	H_TEST(recved_in_callback_delivers_eof_after_it_returns),
	H_TEST(recved_outside_event_delivers_from_next_timers),
	H_TEST(shutdown_rx_outside_event_defers_eof),
	H_TEST(reused_slot_gets_no_callback_of_the_old_connection),
	H_TEST(callbacks_see_the_event_time),
};
const size_t tcp_api_count = sizeof tcp_api_tests / sizeof tcp_api_tests[0];
