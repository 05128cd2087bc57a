/*
 * Listeners live in a table of their own (listen.h): they take no control
 * block, so FW_TCB_COUNT connections fit beside them, the table's bound
 * is its own, and closing a listener resets only what it still owns.
 */
#include "harness.h"

#define L_SECOND_PORT 9u
#define L_RPORT0 20000u

struct l_count {
	unsigned listeners;
	bool saw_second;
};

static void l_count_visit(const struct fw_tcp_info *info, void *arg)
{
	struct l_count *c = arg;
	if (info->state != FW_TCP_LISTEN)
		return;
	c->listeners++;
	if (info->tuple.lport == L_SECOND_PORT)
		c->saw_second = true;
}

/*
 * The pool full of connections the application holds; a second listener
 * still opens (it takes no TCB), and once one connection goes, a SYN to it
 * gets a TCB and is accepted:
 * < S / > S. / < .   x FW_TCB_COUNT on :7     (pool full)
 * listen :9                                   (not NULL)
 * app: abort c0                               > R.
 * < S :9    > S.    < .   ESTABLISHED, accept_cb
 */
static void listen_with_pool_full_of_connections(void **s)
{
	static uint32_t snd[FW_TCB_COUNT];
	static struct fw_tcp_conn *c[FW_TCB_COUNT];
	struct l_count count = { 0, false };
	(void)s;
	fixture_listen();
	for (unsigned i = 0; i < FW_TCB_COUNT; i++)
		c[i] = h_establish_from((uint16_t)(L_RPORT0 + i), &snd[i]);
	assert_int_equal(h_tcbs_in_use(), FW_TCB_COUNT);
	assert_non_null(h_listen(L_SECOND_PORT));
	fw_tcp_foreach(l_count_visit, &count);
	assert_int_equal(count.listeners, 2);
	assert_true(count.saw_second);
	fw_tcp_abort(c[0]);
	expect_tx(F_R | F_A, snd[0], H_PEER_ISS + 1, 0);
	c[0] = h_establish_on(L_SECOND_PORT, H_RPORT, &snd[0]);
	assert_int_equal(app.accepts, FW_TCB_COUNT + 1u);
	assert_int_equal(c[0]->t.lport, L_SECOND_PORT);
	assert_int_equal(h_stats().syncookies_sent + h_stats().evict_orphan + h_stats().evict_syn_rcvd, 0);
	for (unsigned i = 0; i < FW_TCB_COUNT; i++)
		fw_tcp_abort(c[i]);
	h_tx_drain();
}

/*
 * The table holds FW_TCP_LISTENERS: one more is refused and counted
 * (listen_full), a second listener on a taken port is refused without
 * being counted, and a closed listener's slot and port can be had again.
 */
static void listener_table_full_refused_counted(void **s)
{
	struct fw_tcp_listener *l[FW_TCP_LISTENERS];
	struct l_count count = { 0, false };
	(void)s;
	for (unsigned i = 0; i < FW_TCP_LISTENERS; i++) {
		l[i] = fw_tcp_listen((uint16_t)(100u + i), NULL, NULL);
		assert_non_null(l[i]);
	}
	assert_null(fw_tcp_listen(100u, NULL, NULL));           /* the port has one */
	assert_int_equal(h_stats().listen_full, 0);
	assert_null(fw_tcp_listen(200u, NULL, NULL));           /* the table is full */
	assert_int_equal(h_stats().listen_full, 1);
	fw_tcp_foreach(l_count_visit, &count);
	assert_int_equal(count.listeners, FW_TCP_LISTENERS);
	assert_int_equal(h_tcbs_in_use(), 0);                   /* none took a TCB */
	fw_tcp_listen_close(l[0]);
	assert_null(lsn_find(100u));
	l[0] = fw_tcp_listen(200u, NULL, NULL);
	assert_non_null(l[0]);
	for (unsigned i = 0; i < FW_TCP_LISTENERS; i++)
		fw_tcp_listen_close(l[i]);
	expect_no_tx();
}

/*
 * Closing a listener with two half-open connections and one it handed to
 * the application: the half-open ones are reset (they were the listener's,
 * RFC 9293 3.10.4 CLOSE in LISTEN: "any outstanding RECEIVEs are returned"),
 * the accepted one stays, and the port is closed (a SYN gets an RST):
 * < S / > S. / < .  :40000       ESTABLISHED, accepted
 * < S :2000  > S.   < S :2001  > S.   (SYN_RCVD)
 * app: close the listener        > R. to :2000, > R. to :2001
 * < S :3000                      > R. (no listener)
 * c0 still ESTABLISHED
 */
static void listen_close_resets_half_open_keeps_accepted(void **s)
{
	uint32_t snd;
	struct fw_tcp_conn *c;
	(void)s;
	fixture_listen();
	c = h_establish_from(H_RPORT, &snd);
	for (uint16_t i = 0; i < 2; i++) {
		inject(.flags = F_S, .seq = H_PEER_ISS, .rport = (uint16_t)(2000 + i));
		assert_int_equal(h_tx_pending(), 1);
		h_tx_drain();
	}
	assert_int_equal(h_tcbs_in_use(), 3);
	fw_tcp_listen_close(g.listener);
	g.listener = NULL;
	for (uint16_t i = 0; i < 2; i++) {
		assert_non_null(h_peek_tx());
		assert_int_equal(h_peek_tx()->flags, F_R | F_A);
		assert_int_equal(h_peek_tx()->dport, 2000 + i);
		h_tx_head_skip();
	}
	expect_no_tx();
	assert_int_equal(h_tcbs_in_use(), 1);
	expect_state(c, FW_TCP_ESTABLISHED);
	inject(.flags = F_S, .seq = H_PEER_ISS, .rport = 3000);
	expect_tx(F_R | F_A, 0, H_PEER_ISS + 1, 0);
	assert_null(lsn_find(H_LPORT));
	fw_tcp_abort(c);
	h_tx_drain();
}

const struct CMUnitTest tcp_listen_tests[] = {
	H_TEST(listen_with_pool_full_of_connections),
	H_TEST(listener_table_full_refused_counted),
	H_TEST(listen_close_resets_half_open_keeps_accepted),
};
const size_t tcp_listen_count = sizeof tcp_listen_tests / sizeof tcp_listen_tests[0];
