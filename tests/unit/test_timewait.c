/*
 * Unit tests of the compact TIME_WAIT table (tcp/src/timewait.c).
 *
 * Each test scripts segments into tw_input() with a fake clock and checks
 * what went out through a recording seg_send_ctl(). On failure the
 * exchange is printed packetdrill-style:
 *   t=61000 < F. 4999:4999(0) ack 9001        (segment from the peer)
 *   t=61000 > .  9001:9001(0) ack 5000 win 0   (what TIME_WAIT sent)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "stats.h"
#include "tcp_out.h"
#include "timewait.h"

#define TWOMSL (2u * FW_MSL_MS)
#define LOCAL_PORT 7u
#define PEER_PORT0 40000u
#define SND0 9001u   /* our SND.NXT: after our FIN */
#define RCV0 5000u   /* our RCV.NXT: after the peer's FIN */
#define TW_KEY 0x5EEDu

_Static_assert(FW_TW_ENTRIES >= 5, "the scenarios below hold up to five entries at once");

/* ------------------------------------------------------------ fake output */

struct sent {
	struct fw_tcp_tuple t;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
};

#define TX_MAX 8
static struct sent tx[TX_MAX];
static int ntx;
static int tx_fail;           /* make seg_send_ctl() fail (no pbuf) */
static char xlog[4096];
static uint32_t clock_ms;

static void xlog_add(const char *fmt, ...)
{
	size_t used = strlen(xlog);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(xlog + used, sizeof(xlog) - used, fmt, ap);
	va_end(ap);
}

static void flags_str(uint8_t f, char *out)
{
	int n = 0;

	if (f & FW_TCP_SYN) out[n++] = 'S';
	if (f & FW_TCP_FIN) out[n++] = 'F';
	if (f & FW_TCP_RST) out[n++] = 'R';
	if (f & FW_TCP_PSH) out[n++] = 'P';
	if (f & FW_TCP_ACK) out[n++] = '.';
	out[n] = '\0';
}

int seg_send_ctl(const struct fw_tcp_tuple *t, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd)
{
	char fs[8];

	flags_str(flags, fs);
	xlog_add("t=%u > %-2s %u:%u(0) ack %u win %u%s\n", clock_ms, fs, seq, seq, ack, wnd,
		 tx_fail ? " [no pbuf]" : "");
	if (tx_fail)
		return -1;
	if (ntx < TX_MAX)
		tx[ntx] = (struct sent){ *t, seq, ack, flags, wnd };
	ntx++;
	return 0;
}

/* TIME_WAIT's RFC 5961 section 7 allowance (tcp_output.c): every call
 * allowed unless a test spends it; calls counted. */
static int ca_budget = -1;      /* < 0: unlimited */
static int ca_asked;

bool seg_tw_challenge_ack_allowed(uint32_t now)
{
	(void)now;
	ca_asked++;
	if (ca_budget < 0)
		return true;
	if (ca_budget == 0)
		return false;
	ca_budget--;
	return true;
}

/* stats.c reads the pool's orphan count for fw_tcp_get_stats(); this suite
 * links the table and the counters only, with no pool. */
unsigned tcb_orphan_count(void);
unsigned tcb_orphan_count(void)
{
	return 0;
}

/* ------------------------------------------------------------ helpers */

/* 192.0.2.x in network byte order, as lwIP's ip4_addr_t.addr. */
static uint32_t ip_net(uint8_t x)
{
	const uint8_t b[4] = { 192, 0, 2, x };
	uint32_t a;

	memcpy(&a, b, sizeof(a));
	return a;
}

static struct fw_tcp_addr addr4(uint32_t a)
{
	return (struct fw_tcp_addr){ .family = FW_TCP_IPV4, .w = { a, 0, 0, 0 } };
}

static struct fw_tcp_tuple tup(uint32_t n)
{
	return (struct fw_tcp_tuple){ .laddr = addr4(ip_net(2)), .raddr = addr4(ip_net((uint8_t)(1 + n / 20000u))),
				   .lport = LOCAL_PORT, .rport = (uint16_t)(PEER_PORT0 + n % 20000u) };
}

/* Connection n of the peer at 192.0.2.host. */
static struct fw_tcp_tuple tup_of(uint8_t host, uint32_t n)
{
	struct fw_tcp_tuple t = tup(n % 20000u);

	t.raddr = addr4(ip_net(host));
	return t;
}

/* Field by field: a tuple's addresses have padding. */
static bool tuple_eq(const struct fw_tcp_tuple *x, const struct fw_tcp_tuple *y)
{
	return tcb_addr_eq(&x->laddr, &y->laddr) && tcb_addr_eq(&x->raddr, &y->raddr) && x->lport == y->lport &&
	       x->rport == y->rport;
}

static bool no_listener;      /* tw_input()'s can_open, inverted */

static enum tw_verdict inject(const struct fw_tcp_tuple *t, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t len,
			      uint32_t *floor)
{
	struct fw_tcp_seg s = { .seq = seq, .ack = ack, .wnd = 1000, .flags = flags, .len = len };
	uint32_t dummy = 0;
	char fs[8];

	flags_str(flags, fs);
	xlog_add("t=%u < %-2s %u:%u(%u) ack %u  [port %u]\n", clock_ms, fs, seq, seq + len, len, ack, t->rport);
	ntx = 0;
	return tw_input(t, &s, clock_ms, !no_listener, floor ? floor : &dummy);
}

static void show_and_fail(const char *why)
{
	print_error("%s\nexchange:\n%s", why, xlog);
	fail();
}

static void expect_ack(uint32_t seq, uint32_t ack)
{
	char why[128];

	if (ntx != 1 || tx[0].seq != seq || tx[0].ack != ack || tx[0].flags != FW_TCP_ACK || tx[0].wnd != 0) {
		snprintf(why, sizeof(why), "expected exactly one ACK %u ack %u win 0, %d sent", seq, ack, ntx);
		show_and_fail(why);
	}
}

static void expect_no_tx(void)
{
	if (ntx != 0)
		show_and_fail("expected nothing sent");
}

static uint32_t next_deadline(void)
{
	uint32_t at = 0;

	assert_true(tw_next_deadline(&at));
	return at;
}

/* The entry for t is live with SND.NXT snd and RCV.NXT rcv: an old
 * duplicate (unacceptable) is answered with exactly those numbers. */
static void expect_entry(const struct fw_tcp_tuple *t, uint32_t snd, uint32_t rcv)
{
	assert_int_equal(inject(t, FW_TCP_ACK, rcv - 100u, snd, 10, NULL), TW_CONSUMED);
	expect_ack(snd, rcv);
}

static void expect_gone(const struct fw_tcp_tuple *t)
{
	assert_int_equal(inject(t, FW_TCP_ACK, RCV0, SND0, 0, NULL), TW_NO_MATCH);
	expect_no_tx();
}

struct visit {
	int n;
	uint16_t rport[FW_TW_ENTRIES];
	uint32_t deadline[FW_TW_ENTRIES];
	uint32_t laddr;
};

static void visit_cb(const struct fw_tcp_tuple *t, uint32_t snd, uint32_t rcv, uint32_t deadline, void *arg)
{
	struct visit *v = arg;

	(void)snd;
	(void)rcv;
	v->rport[v->n] = t->rport;
	v->deadline[v->n] = deadline;
	v->laddr = t->laddr.w[0];
	v->n++;
}

static int setup(void **state)
{
	(void)state;
	tw_init(TW_KEY);
	ntx = 0;
	tx_fail = 0;
	xlog[0] = '\0';
	clock_ms = 0;
	ca_budget = -1;
	no_listener = false;
	stats_reset();
	return 0;
}

/* ------------------------------------------------------------ timing */

/* RFC 9293 3.6.1: 2MSL counted from entering TIME_WAIT,
 * expired exactly at the deadline, not a millisecond early. */
static void test_2msl_expires_exactly_at_deadline(void **state)
{
	struct fw_tcp_tuple a = tup(0);

	(void)state;
	tw_enter(&a, SND0, RCV0, 1000);
	assert_int_equal(next_deadline(), 1000 + TWOMSL);
	tw_expire(1000 + TWOMSL - 1);
	assert_int_equal(tw_get_stats()->in_use, 1);
	clock_ms = 1000 + TWOMSL - 1;
	expect_entry(&a, SND0, RCV0);
	tw_expire(1000 + TWOMSL);
	assert_int_equal(tw_get_stats()->in_use, 0);
	assert_int_equal(tw_get_stats()->expired, 1);
	assert_false(tw_next_deadline(&(uint32_t){ 0 }));
	expect_gone(&a);
}

/* A late timer must not keep an entry alive: a segment arriving at or
 * after the deadline finds the connection CLOSED (RFC 9293 3.6.1). */
static void test_segment_after_deadline_finds_closed(void **state)
{
	struct fw_tcp_tuple a = tup(0);

	(void)state;
	tw_enter(&a, SND0, RCV0, 0);
	clock_ms = TWOMSL;
	expect_gone(&a);
	assert_int_equal(tw_get_stats()->expired, 1);
}

/* Entries leave in deadline order, each at its own. */
static void test_fifo_order_many_entries(void **state)
{
	static struct visit v;
	const uint32_t n = FW_TW_ENTRIES < 100 ? FW_TW_ENTRIES : 100;  /* no recycling here */
	uint32_t i;

	(void)state;
	for (i = 0; i < n; i++) {
		struct fw_tcp_tuple t = tup(i);

		tw_enter(&t, SND0 + i, RCV0 + i, 7 * i);
	}
	v.n = 0;
	tw_foreach(visit_cb, &v);
	assert_int_equal(v.n, n);
	assert_int_equal(v.laddr, ip_net(2));
	for (i = 0; i < n; i++) {
		assert_int_equal(v.rport[i], PEER_PORT0 + i);
		assert_int_equal(v.deadline[i], 7 * i + TWOMSL);
	}
	for (i = 0; i < n; i++) {
		assert_int_equal(next_deadline(), 7 * i + TWOMSL);
		tw_expire(7 * i + TWOMSL - 1);
		assert_int_equal(tw_get_stats()->in_use, n - i);
		tw_expire(7 * i + TWOMSL);
		assert_int_equal(tw_get_stats()->in_use, n - i - 1);
	}
	assert_int_equal(tw_get_stats()->expired, n);
}

/* Clock wrap-around: deadlines across 2^32 ms still order and expire by
 * time_reached(), never by plain comparison. */
static void test_clock_wraparound(void **state)
{
	struct fw_tcp_tuple a = tup(0), b = tup(1);
	const uint32_t t0 = UINT32_MAX - 1000u;
	const uint32_t da = t0 + TWOMSL, db = 200u + TWOMSL;

	(void)state;
	tw_enter(&a, SND0, RCV0, t0);
	tw_enter(&b, SND0, RCV0, 200);  /* 1201 ms later, after the wrap */
	assert_true(da < t0);           /* the deadline really wrapped */
	assert_int_equal(next_deadline(), da);
	tw_expire(UINT32_MAX);
	tw_expire(da - 1);
	assert_int_equal(tw_get_stats()->in_use, 2);
	tw_expire(da);
	assert_int_equal(tw_get_stats()->in_use, 1);
	assert_int_equal(next_deadline(), db);
	tw_expire(db);
	assert_int_equal(tw_get_stats()->in_use, 0);
}

/* `set msl`: a new MSL applies to entries entered
 * afterwards; a shorter one must not leave a later deadline at the head. */
static void test_msl_changed_at_run_time(void **state)
{
	static struct visit v;
	struct fw_tcp_tuple a = tup(0), b = tup(1), c = tup(2), d = tup(3);
	int i;

	(void)state;
	assert_int_equal(tw_msl(), FW_MSL_MS);
	tw_enter(&a, SND0, RCV0, 0);                 /* deadline 2MSL */
	tw_enter(&b, SND0, RCV0, 10);                /* 2MSL + 10 */
	tw_set_msl(500);
	assert_int_equal(tw_msl(), 500);
	tw_enter(&c, SND0, RCV0, 20);                /* 1020: before a and b */
	tw_set_msl(FW_MSL_MS);
	tw_enter(&d, SND0, RCV0, 30);                /* 2MSL + 30: tail */
	v.n = 0;
	tw_foreach(visit_cb, &v);
	assert_int_equal(v.n, 4);
	assert_int_equal(v.rport[0], c.rport);
	assert_int_equal(v.rport[1], a.rport);
	assert_int_equal(v.rport[2], b.rport);
	assert_int_equal(v.rport[3], d.rport);
	for (i = 1; i < v.n; i++)
		assert_true(time_reached(v.deadline[i], v.deadline[i - 1]));
	assert_int_equal(next_deadline(), 1020);
	tw_expire(1019);
	assert_int_equal(tw_get_stats()->in_use, 4);
	tw_expire(1020);
	assert_int_equal(tw_get_stats()->in_use, 3);
	clock_ms = 1020;
	expect_gone(&c);
	expect_entry(&a, SND0, RCV0);
	assert_int_equal(next_deadline(), TWOMSL);
}

/* ------------------------------------------------------------ table */

/* A full table, every lookup hits its own entry (by
 * hash, not scan: the longest chain stays short). */
static void test_full_table_every_lookup_hits(void **state)
{
	static uint16_t chain[FW_TW_ENTRIES];
	uint32_t i, longest = 0;

	(void)state;
	for (i = 0; i < FW_TW_ENTRIES; i++) {
		struct fw_tcp_tuple t = tup(i * 37u);

		tw_enter(&t, SND0 + 3 * i, RCV0 + 5 * i, i);
		chain[tw_hash_bucket(&t)]++;
	}
	assert_int_equal(tw_get_stats()->in_use, FW_TW_ENTRIES);
	assert_int_equal(tw_get_stats()->recycled, 0);
	for (i = 0; i < FW_TW_ENTRIES; i++) {
		struct fw_tcp_tuple t = tup(i * 37u);

		expect_entry(&t, SND0 + 3 * i, RCV0 + 5 * i);
		if (chain[i] > longest)
			longest = chain[i];
	}
	print_message("longest hash chain with %u entries: %u\n", (unsigned)FW_TW_ENTRIES, longest);
	assert_true(longest <= 8);
}

/*
 * recycled_age_ms: a full table entered at a steady 3 ms per entry
 * recycles entries FW_TW_ENTRIES * 3 ms old; the running median starts at
 * the first age and stays on it. Then the rate doubles (1.5 ms, the ages
 * halve): it walks there in steps of 1/32 of itself, a few dozen recycles,
 * and settles within one step. A FIN that restarted 2MSL restarts the
 * age.
 */
static void test_recycled_age_tracks_median(void **state)
{
	const uint32_t slow = 3u * FW_TW_ENTRIES;
	uint32_t i, n = 0, now = 0;

	(void)state;
	for (i = 0; i < FW_TW_ENTRIES; i++, now += 3u) {
		struct fw_tcp_tuple t = tup(n++);
		tw_enter(&t, SND0, RCV0, now);
	}
	for (i = 0; i < 100; i++, now += 3u) {
		struct fw_tcp_tuple t = tup(n++);
		tw_enter(&t, SND0, RCV0, now);
	}
	assert_int_equal(tw_get_stats()->recycled, 100);
	assert_int_equal(tw_get_stats()->recycled_age_ms, slow);
	/* twice the rate: every 3 ms two entries (the ages halve once the
	 * table turned over) */
	for (i = 0; i < 4u * FW_TW_ENTRIES; i++) {
		struct fw_tcp_tuple t = tup(n++);
		tw_enter(&t, SND0, RCV0, now);
		if (i & 1u)
			now += 3u;
	}
	assert_true(tw_get_stats()->recycled_age_ms >= slow / 2u - slow / 64u);
	assert_true(tw_get_stats()->recycled_age_ms <= slow / 2u + slow / 64u);
}

/* Full table, one address: its own oldest entry is recycled, counted. */
static void test_full_table_recycles_oldest(void **state)
{
	struct fw_tcp_tuple extra = tup(FW_TW_ENTRIES), first, second;
	uint32_t i;

	(void)state;
	for (i = 0; i < FW_TW_ENTRIES; i++) {
		struct fw_tcp_tuple t = tup(i);

		tw_enter(&t, SND0, RCV0, i);
	}
	tw_enter(&extra, SND0 + 1, RCV0 + 1, FW_TW_ENTRIES);
	assert_int_equal(tw_get_stats()->recycled, 1);
	assert_int_equal(stats_tcp.tw_recycled_own, 1);
	assert_int_equal(tw_get_stats()->in_use, FW_TW_ENTRIES);
	assert_int_equal(tw_get_stats()->peak, FW_TW_ENTRIES);
	assert_int_equal(tw_get_stats()->expired, 0);
	first = tup(0);
	second = tup(1);
	expect_gone(&first);
	expect_entry(&second, SND0, RCV0);
	expect_entry(&extra, SND0 + 1, RCV0 + 1);
	assert_int_equal(next_deadline(), 1 + TWOMSL);
}

/* host's connections 0..n-1 enter TIME_WAIT at `now`, connection i with
 * SND.NXT SND0 + i and RCV.NXT RCV0 + i. */
static void enter_numbered(uint8_t host, uint32_t n, uint32_t now)
{
	for (uint32_t i = 0; i < n; i++) {
		struct fw_tcp_tuple t = tup_of(host, i);

		tw_enter(&t, SND0 + i, RCV0 + i, now);
	}
}

/* ... and every one of them is still there, with its own numbers. */
static void expect_all_numbered(uint8_t host, uint32_t n, const char *after)
{
	unsigned alive = 0;

	for (uint32_t i = 0; i < n; i++) {
		struct fw_tcp_tuple t = tup_of(host, i);

		alive += tw_contains(&t);
	}
	print_message("192.0.2.%u's entries left after %s: %u of %u\n", host, after, alive, n);
	assert_int_equal(alive, n);
	for (uint32_t i = 0; i < n; i++) {
		struct fw_tcp_tuple t = tup_of(host, i);

		expect_entry(&t, SND0 + i, RCV0 + i);
	}
}

/*
 * Fair recycling. RFC 9293 3.6.1 gives every actively closed connection
 * 2MSL of TIME-WAIT; a bounded table cannot, and one peer closing
 * connections fast (256 in about 60 ms over QEMU) must not take it from
 * the others. A (192.0.2.1) fills the table, B (192.0.2.9) closes 10
 * connections, then A closes 1000 more: A recycles its own entries; every
 * one of B's is still there.
 */
static void test_full_table_flooder_recycles_its_own(void **state)
{
	uint32_t i;

	(void)state;
	assert_int_not_equal(tw_hash_class(ip_net(1)), tw_hash_class(ip_net(9)));
	for (i = 0; i < FW_TW_ENTRIES; i++) {
		struct fw_tcp_tuple t = tup_of(1, i);

		tw_enter(&t, SND0, RCV0, i / 16u);
	}
	enter_numbered(9, 10, 20);
	for (i = 0; i < 1000u; i++) {
		struct fw_tcp_tuple t = tup_of(1, FW_TW_ENTRIES + i);

		tw_enter(&t, SND0, RCV0, 30 + i / 16u);
	}
	clock_ms = 100;
	expect_all_numbered(9, 10, "192.0.2.1's flood");
	assert_int_equal(tw_get_stats()->in_use, FW_TW_ENTRIES);
	assert_int_equal(tw_get_stats()->recycled, 1010);
	assert_int_equal(stats_tcp.tw_recycled_heavier, 10);
	assert_int_equal(stats_tcp.tw_recycled_own, 1000);
}

/* A newcomer at a full table takes its slot from the address holding the
 * most entries, even when another address's entry is the oldest: B's 10
 * entries are the oldest, A holds the rest, C (192.0.2.5) closes one: one
 * of A's goes, none of B's. */
static void test_full_table_newcomer_takes_from_heaviest(void **state)
{
	struct fw_tcp_tuple c = tup_of(5, 0);
	uint32_t i;

	(void)state;
	assert_int_not_equal(tw_hash_class(ip_net(1)), tw_hash_class(ip_net(9)));
	assert_int_not_equal(tw_hash_class(ip_net(5)), tw_hash_class(ip_net(9)));
	assert_int_not_equal(tw_hash_class(ip_net(5)), tw_hash_class(ip_net(1)));
	enter_numbered(9, 10, 0);
	for (i = 10; i < FW_TW_ENTRIES; i++) {
		struct fw_tcp_tuple t = tup_of(1, i);

		tw_enter(&t, SND0, RCV0, 1);
	}
	tw_enter(&c, SND0, RCV0, 2);
	clock_ms = 3;
	expect_all_numbered(9, 10, "192.0.2.5's one");
	expect_entry(&c, SND0, RCV0);
	assert_int_equal(stats_tcp.tw_recycled_heavier, 1);
	assert_int_equal(next_deadline(), TWOMSL);   /* B's oldest still heads the FIFO */
}

/* The table's structures (FIFO, free list, hash chains, class rings and
 * counts) stay consistent through a long random mix of entering (the
 * table overflowing, tuples entering again), retransmitted FINs, SYNs that
 * reopen, expiry and MSL changes, from a few addresses of unequal weight. */
/* Random operations from a xorshift seed: FIN again, SYN (reopened or
 * not), time passing, MSL changes, entering; tw_check() after each.
 * `tuple` picks the 4-tuple from the random word. */
static void random_operations(uint32_t x, uint32_t ops, struct fw_tcp_tuple (*tuple)(uint32_t x))
{
	uint32_t now = 0;
	const char *bad;

	for (uint32_t op = 0; op < ops; op++) {
		struct fw_tcp_tuple t;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		t = tuple(x);
		clock_ms = now;
		switch ((x >> 20) % 8u) {
		case 0:
			inject(&t, FW_TCP_FIN | FW_TCP_ACK, RCV0 - 1, SND0, 0, NULL);
			break;
		case 1:
			if (inject(&t, FW_TCP_SYN, RCV0 + 77, 0, 0, NULL) == TW_NEW_SYN && (x & 1u))
				tw_reopened(&t);
			break;
		case 2:
			now += (x >> 24) % 128u;
			tw_expire(now);
			break;
		case 3:
			if ((x >> 24) < 32u)
				tw_set_msl(200u + (x >> 10) % 3000u);
			break;
		default:
			tw_enter(&t, SND0, RCV0, now);
			break;
		}
		bad = tw_check();
		if (bad) {
			print_error("operation %u: %s\n", op, bad);
			fail();
		}
	}
}

/* hosts 1..6, host 1 five times as busy; ports from a small range */
static struct fw_tcp_tuple random_tuple4(uint32_t x)
{
	return tup_of((uint8_t)(x % 10u < 5u ? 1u : 2u + x % 5u), (x >> 8) % 600u);
}

static void test_random_operations_keep_structures_consistent(void **state)
{
	(void)state;
	random_operations(0x2545F491u, 30000u, random_tuple4);
	print_message("after 30000 operations: %u live, %u recycled (%u own, %u from heavier), %u expired\n",
		      tw_get_stats()->in_use, tw_get_stats()->recycled, stats_tcp.tw_recycled_own,
		      stats_tcp.tw_recycled_heavier, tw_get_stats()->expired);
	assert_int_equal(tw_get_stats()->recycled, stats_tcp.tw_recycled_own + stats_tcp.tw_recycled_heavier);
	assert_true(stats_tcp.tw_recycled_heavier > 0 && stats_tcp.tw_recycled_own > 0);
	assert_true(tw_get_stats()->expired > 0);
}

/* Expired entries are freed before a live one is recycled. */
static void test_full_table_prefers_expired(void **state)
{
	uint32_t i;

	(void)state;
	struct fw_tcp_tuple t;

	for (i = 0; i < FW_TW_ENTRIES; i++) {
		t = tup(i);
		tw_enter(&t, SND0, RCV0, 0);
	}
	t = tup(FW_TW_ENTRIES);
	tw_enter(&t, SND0, RCV0, TWOMSL);
	assert_int_equal(tw_get_stats()->recycled, 0);
	assert_int_equal(tw_get_stats()->expired, FW_TW_ENTRIES);
	assert_int_equal(tw_get_stats()->in_use, 1);
}

/* Hash collisions: tuples forced into one bucket, then removal from the
 * middle, the head and the tail of the chain. */
static void test_hash_collisions_remove_from_chain(void **state)
{
	struct fw_tcp_tuple t[5];
	uint32_t n = 0, k, want;
	uint32_t floor = 0;

	(void)state;
	t[0] = tup(0);
	want = tw_hash_bucket(&t[0]);
	for (k = 1; n < 4 && k < 200000u; k++) {
		struct fw_tcp_tuple c = tup(k);

		if (tw_hash_bucket(&c) == want)
			t[++n] = c;
	}
	assert_int_equal(n, 4);
	for (k = 0; k < 5; k++)
		tw_enter(&t[k], SND0 + k, RCV0 + k, k);
	/* chain is 4 3 2 1 0 (pushed at the head): take out 2, the middle */
	assert_int_equal(inject(&t[2], FW_TCP_SYN, RCV0 + 2 + 1000, 0, 0, &floor), TW_NEW_SYN);
	assert_int_equal(floor, SND0 + 2);
	assert_true(tw_reopened(&t[2]));
	expect_gone(&t[2]);
	for (k = 0; k < 5; k++)
		if (k != 2)
			expect_entry(&t[k], SND0 + k, RCV0 + k);
	tw_expire(TWOMSL);  /* t[0]: chain tail */
	expect_gone(&t[0]);
	assert_true(tw_reopened(&t[4]));  /* chain head */
	expect_gone(&t[4]);
	expect_entry(&t[1], SND0 + 1, RCV0 + 1);
	expect_entry(&t[3], SND0 + 3, RCV0 + 3);
	assert_int_equal(tw_get_stats()->in_use, 2);
}

/* One entry per 4-tuple: entering again replaces the old one. */
static void test_reenter_same_tuple_replaces(void **state)
{
	struct fw_tcp_tuple a = tup(0);

	(void)state;
	tw_enter(&a, SND0, RCV0, 0);
	tw_enter(&a, SND0 + 7, RCV0 + 7, 100);
	assert_int_equal(tw_get_stats()->in_use, 1);
	assert_int_equal(next_deadline(), 100 + TWOMSL);
	expect_entry(&a, SND0 + 7, RCV0 + 7);
}

/* Within 32 bytes per entry, lookup share included. */
static void test_bytes_per_entry_within_budget(void **state)
{
	(void)state;
	print_message("TIME_WAIT: %u bytes per entry\n", tw_bytes_per_entry());
	assert_true(tw_bytes_per_entry() <= 32);
	assert_true(tw_bytes_per_entry() >= 4 * 4 + 2 * 2);  /* 3 numbers + deadline + ports */
}

/* ------------------------------------------------------------ tw_input */

/* RFC 9293 3.10.7.4 TIME-WAIT (ACK field, FIN bit): the peer's FIN again
 * (our final ACK was lost) is ACKed and restarts 2MSL; the entry now
 * expires 2MSL after that FIN, after entries that were behind it.
 *   t=5000 < F. 4999:4999(0) ack 9001
 *   t=5000 > .  9001:9001(0) ack 5000 win 0 */
static void test_fin_again_acked_and_2msl_restarted(void **state)
{
	static struct visit v;
	struct fw_tcp_tuple a = tup(0), b = tup(1), c = tup(2);

	(void)state;
	tw_enter(&a, SND0, RCV0, 0);
	tw_enter(&b, SND0, RCV0, 10);
	tw_enter(&c, SND0, RCV0, 20);
	clock_ms = 5000;
	assert_int_equal(inject(&a, FW_TCP_FIN | FW_TCP_ACK, RCV0 - 1, SND0, 0, NULL), TW_CONSUMED);
	expect_ack(SND0, RCV0);
	assert_true(tuple_eq(&tx[0].t, &a));
	assert_int_equal(tw_get_stats()->fin_reacked, 1);
	v.n = 0;
	tw_foreach(visit_cb, &v);
	assert_int_equal(v.rport[0], b.rport);
	assert_int_equal(v.rport[1], c.rport);
	assert_int_equal(v.rport[2], a.rport);
	assert_int_equal(next_deadline(), 10 + TWOMSL);
	tw_expire(20 + TWOMSL);
	assert_int_equal(tw_get_stats()->in_use, 1);
	tw_expire(5000 + TWOMSL - 1);
	assert_int_equal(tw_get_stats()->in_use, 1);
	tw_expire(5000 + TWOMSL);
	assert_int_equal(tw_get_stats()->in_use, 0);
}

/* The same with data on the FIN: SEG.SEQ + payload = RCV.NXT - 1. */
static void test_fin_with_data_again_acked(void **state)
{
	struct fw_tcp_tuple a = tup(0);

	(void)state;
	tw_enter(&a, SND0, RCV0, 0);
	clock_ms = 300;
	assert_int_equal(inject(&a, FW_TCP_FIN | FW_TCP_ACK | FW_TCP_PSH, RCV0 - 1 - 100, SND0, 100, NULL), TW_CONSUMED);
	expect_ack(SND0, RCV0);
	assert_int_equal(tw_get_stats()->fin_reacked, 1);
	assert_int_equal(next_deadline(), 300 + TWOMSL);
}

/* A FIN that is not the peer's FIN again: unacceptable -> ACK, no restart. */
static void test_fin_elsewhere_acked_not_restarted(void **state)
{
	struct fw_tcp_tuple a = tup(0);

	(void)state;
	tw_enter(&a, SND0, RCV0, 0);
	clock_ms = 300;
	assert_int_equal(inject(&a, FW_TCP_FIN | FW_TCP_ACK, RCV0, SND0, 0, NULL), TW_CONSUMED);
	expect_ack(SND0, RCV0);
	assert_int_equal(tw_get_stats()->fin_reacked, 0);
	assert_int_equal(next_deadline(), TWOMSL);
}

/* RFC 1337 (fix F1): an RST in TIME-WAIT is ignored, never answered. */
static void test_rst_ignored_rfc1337(void **state)
{
	struct fw_tcp_tuple a = tup(0);

	(void)state;
	tw_enter(&a, SND0, RCV0, 0);
	assert_int_equal(inject(&a, FW_TCP_RST, RCV0, 0, 0, NULL), TW_CONSUMED);
	expect_no_tx();
	assert_int_equal(inject(&a, FW_TCP_RST | FW_TCP_ACK, RCV0 - 100000u, SND0, 0, NULL), TW_CONSUMED);
	expect_no_tx();
	assert_int_equal(inject(&a, FW_TCP_RST | FW_TCP_SYN, RCV0 + 1000, 0, 0, NULL), TW_CONSUMED);
	expect_no_tx();
	assert_int_equal(tw_get_stats()->rst_ignored, 3);
	assert_int_equal(tw_get_stats()->in_use, 1);
	assert_int_equal(next_deadline(), TWOMSL);
}

/* RFC 1122 4.2.2.13: a SYN beyond the old RCV.NXT reopens, the new ISN
 * beyond the old SND.NXT; the entry stays (RFC 9293 3.6.1 MAY-2: the SYN
 * may be an old duplicate) until the new incarnation is synchronized. */
static void test_syn_beyond_rcv_nxt_reopens_rfc1122(void **state)
{
	struct fw_tcp_tuple a = tup(0);
	uint32_t floor = 0;

	(void)state;
	tw_enter(&a, SND0, RCV0, 0);
	clock_ms = 2000;
	assert_int_equal(inject(&a, FW_TCP_SYN, RCV0 + 1, 0, 0, &floor), TW_NEW_SYN);
	expect_no_tx();
	assert_int_equal(floor, SND0);
	assert_int_equal(tw_get_stats()->reused, 0);
	assert_int_equal(tw_get_stats()->in_use, 1);
	assert_true(tw_reopened(&a));
	assert_int_equal(tw_get_stats()->reused, 1);
	assert_int_equal(tw_get_stats()->in_use, 0);
	assert_false(tw_next_deadline(&(uint32_t){ 0 }));
	assert_false(tw_reopened(&a));
	expect_gone(&a);
}

/* The same SYN with no listener for the port: no new incarnation, so a SYN
 * in TIME-WAIT like any other (RFC 9293 3.10.7.4 fourth check, RFC 5961
 * 4.2): a challenge ACK, and the entry stays. */
static void test_syn_beyond_rcv_nxt_without_listener_acked(void **state)
{
	struct fw_tcp_tuple a = tup(0);

	(void)state;
	tw_enter(&a, SND0, RCV0, 0);
	no_listener = true;
	assert_int_equal(inject(&a, FW_TCP_SYN, RCV0 + 1000, 0, 0, NULL), TW_CONSUMED);
	expect_ack(SND0, RCV0);
	assert_int_equal(tw_get_stats()->in_use, 1);
	assert_int_equal(next_deadline(), TWOMSL);
}

/* RFC 9293 3.10.7.4 fourth check / RFC 5961 4.2: a SYN at or below the old
 * RCV.NXT (or a SYN with ACK) gets a challenge ACK and changes nothing. */
static void test_syn_at_or_below_rcv_nxt_challenge_ack(void **state)
{
	struct fw_tcp_tuple a = tup(0);

	(void)state;
	tw_enter(&a, SND0, RCV0, 0);
	clock_ms = 10;
	assert_int_equal(inject(&a, FW_TCP_SYN, RCV0, 0, 0, NULL), TW_CONSUMED);
	expect_ack(SND0, RCV0);
	assert_int_equal(inject(&a, FW_TCP_SYN, RCV0 - 4000, 0, 0, NULL), TW_CONSUMED);
	expect_ack(SND0, RCV0);
	assert_int_equal(inject(&a, FW_TCP_SYN | FW_TCP_ACK, RCV0 + 500, SND0, 0, NULL), TW_CONSUMED);
	expect_ack(SND0, RCV0);
	assert_int_equal(tw_get_stats()->reused, 0);
	assert_int_equal(tw_get_stats()->in_use, 1);
	assert_int_equal(next_deadline(), TWOMSL);
}

/* RFC 5961 section 7: the SYN challenge ACK from TIME_WAIT draws on
 * TIME_WAIT's allowance (seg_tw_challenge_ack_allowed): once spent, the
 * SYN is still consumed but nothing is sent. */
static void test_syn_challenge_ack_rate_limited_rfc5961_7(void **state)
{
	struct fw_tcp_tuple a = tup(0);

	(void)state;
	tw_enter(&a, SND0, RCV0, 0);
	ca_budget = 1;
	ca_asked = 0;
	assert_int_equal(inject(&a, FW_TCP_SYN, RCV0, 0, 0, NULL), TW_CONSUMED);
	expect_ack(SND0, RCV0);
	assert_int_equal(inject(&a, FW_TCP_SYN, RCV0 - 10, 0, 0, NULL), TW_CONSUMED);
	expect_no_tx();
	assert_int_equal(ca_asked, 2);
	assert_int_equal(tw_get_stats()->in_use, 1);
	ca_budget = -1;
}

/* RFC 9293 3.10.7.4 first check (RCV.WND = 0): old duplicate data, or
 * data at RCV.NXT, is not acceptable -> ACK. */
static void test_old_duplicate_data_acked(void **state)
{
	struct fw_tcp_tuple a = tup(0);

	(void)state;
	tw_enter(&a, SND0, RCV0, 0);
	assert_int_equal(inject(&a, FW_TCP_ACK | FW_TCP_PSH, RCV0 - 1 - 500, SND0 - 200, 500, NULL), TW_CONSUMED);
	expect_ack(SND0, RCV0);
	assert_int_equal(inject(&a, FW_TCP_ACK | FW_TCP_PSH, RCV0, SND0, 10, NULL), TW_CONSUMED);
	expect_ack(SND0, RCV0);
	assert_int_equal(next_deadline(), TWOMSL);
}

/* RFC 9293 3.10.7.4: a bare ACK at RCV.NXT acking SND.NXT (the peer's ACK
 * of our FIN in a simultaneous close) is acceptable: nothing sent. An old
 * bare ACK is not acceptable -> ACK; one acking unsent data -> ACK (fifth
 * check); one without the ACK bit is dropped (fifth check). */
static void test_bare_ack_cases(void **state)
{
	struct fw_tcp_tuple a = tup(0);

	(void)state;
	tw_enter(&a, SND0, RCV0, 0);
	assert_int_equal(inject(&a, FW_TCP_ACK, RCV0, SND0, 0, NULL), TW_CONSUMED);
	expect_no_tx();
	assert_int_equal(inject(&a, FW_TCP_ACK, RCV0 - 1, SND0, 0, NULL), TW_CONSUMED);
	expect_ack(SND0, RCV0);
	assert_int_equal(inject(&a, FW_TCP_ACK, RCV0, SND0 + 1, 0, NULL), TW_CONSUMED);
	expect_ack(SND0, RCV0);
	assert_int_equal(inject(&a, 0, RCV0, 0, 0, NULL), TW_CONSUMED);
	expect_no_tx();
	assert_int_equal(tw_get_stats()->acks_sent, 2);
}

/* No entry for the 4-tuple: the engine goes on. */
static void test_no_match(void **state)
{
	struct fw_tcp_tuple a = tup(0), other_port = tup(1), other_addr = tup(0);

	(void)state;
	expect_gone(&a);
	tw_enter(&a, SND0, RCV0, 0);
	expect_gone(&other_port);
	other_addr.raddr = addr4(ip_net(99));
	expect_gone(&other_addr);
	other_addr = a;
	other_addr.lport = LOCAL_PORT + 1;
	expect_gone(&other_addr);
	assert_int_equal(tw_get_stats()->in_use, 1);
}

/* Sequence numbers wrapping past 2^32 (RFC 9293 3.4: modulo 2^32). */
static void test_sequence_wraparound(void **state)
{
	struct fw_tcp_tuple a = tup(0), b = tup(1);
	uint32_t floor = 0;

	(void)state;
	/* RCV.NXT = 0: the FIN sat at 2^32 - 1 */
	tw_enter(&a, 0xFFFFFFF0u, 0, 0);
	assert_int_equal(inject(&a, FW_TCP_FIN | FW_TCP_ACK, 0xFFFFFFFFu, 0xFFFFFFF0u, 0, NULL), TW_CONSUMED);
	expect_ack(0xFFFFFFF0u, 0);
	assert_int_equal(tw_get_stats()->fin_reacked, 1);
	assert_int_equal(inject(&a, FW_TCP_SYN, 0xFFFFFF00u, 0, 0, NULL), TW_CONSUMED);  /* below */
	expect_ack(0xFFFFFFF0u, 0);
	assert_int_equal(inject(&a, FW_TCP_SYN, 0x10u, 0, 0, &floor), TW_NEW_SYN);        /* beyond */
	assert_int_equal(floor, 0xFFFFFFF0u);
	/* RCV.NXT just under 2^32: a SYN past the wrap is beyond it */
	tw_enter(&b, 0x7u, 0xFFFFFFF0u, 0);
	assert_int_equal(inject(&b, FW_TCP_ACK, 0xFFFFFFF0u, 0x7u, 0, NULL), TW_CONSUMED);
	expect_no_tx();
	assert_int_equal(inject(&b, FW_TCP_SYN, 0x20u, 0, 0, &floor), TW_NEW_SYN);
	assert_int_equal(floor, 0x7u);
}

/* ------------------------------------------------------------ counters */

/* Every stats counter has one increment site; this script hits each. */
static void test_stats_counters(void **state)
{
	struct fw_tcp_tuple a = tup(0), b = tup(1), c = tup(2);
	struct fw_tcp_tw_stats want = { 0 };

	(void)state;
	tw_enter(&a, SND0, RCV0, 0);
	tw_enter(&b, SND0, RCV0, 1);
	tw_enter(&c, SND0, RCV0, 2);
	clock_ms = 100;                                          /* a now lives past c */
	inject(&a, FW_TCP_FIN | FW_TCP_ACK, RCV0 - 1, SND0, 0, NULL);  /* fin_reacked, ack */
	inject(&a, FW_TCP_RST, RCV0, 0, 0, NULL);                   /* rst_ignored */
	inject(&a, FW_TCP_ACK, RCV0 - 5, SND0, 3, NULL);            /* ack */
	tx_fail = 1;
	inject(&a, FW_TCP_ACK, RCV0 - 5, SND0, 3, NULL);            /* no pbuf: not sent */
	tx_fail = 0;
	inject(&b, FW_TCP_SYN, RCV0 + 9, 0, 0, NULL);               /* a new incarnation ... */
	tw_reopened(&b);                                         /* ... synchronized: reused */
	tw_expire(2 + TWOMSL);                                   /* c expired */
	want.entered = 3;
	want.expired = 1;
	want.reused = 1;
	want.fin_reacked = 1;
	want.rst_ignored = 1;
	want.acks_sent = 2;
	want.in_use = 1;
	want.peak = 3;
	assert_memory_equal(tw_get_stats(), &want, sizeof(want));
	tw_init(TW_KEY);
	assert_int_equal(tw_get_stats()->peak, 0);
}


/* ------------------------------------------------------------ IPv6 entries */

#if FW_IPV6
_Static_assert(FW_TW6_ENTRIES >= 8, "the IPv6 scenarios hold up to eight entries at once");

/* 2001:db8:<net>::<host> in network byte order. */
static struct fw_tcp_addr addr6(uint16_t net, uint32_t host)
{
	const uint8_t b[16] = { 0x20, 0x01, 0x0d, 0xb8, (uint8_t)(net >> 8), (uint8_t)net, 0, 0,
	                        0, 0, 0, 0, (uint8_t)(host >> 24), (uint8_t)(host >> 16), (uint8_t)(host >> 8),
	                        (uint8_t)host };
	struct fw_tcp_addr a = { .family = FW_TCP_IPV6 };

	memcpy(a.w, b, sizeof b);
	return a;
}

/* Connection n of the IPv6 peer 2001:db8:<net>::<host> to 2001:db8::2. */
static struct fw_tcp_tuple tup6(uint16_t net, uint32_t host, uint32_t n)
{
	return (struct fw_tcp_tuple){ .laddr = addr6(0, 2), .raddr = addr6(net, host), .lport = LOCAL_PORT,
				   .rport = (uint16_t)(PEER_PORT0 + n % 20000u) };
}

static void expect_consistent(void)
{
	const char *bad = tw_check();

	if (bad)
		show_and_fail(bad);
}

/*
 * RFC 9293 3.10.7.4 over IPv6: the peer's FIN again (our last ACK lost)
 * is ACKed on the entry's own tuple and 2MSL restarts from it; 2MSL
 * counts from entering, not from the last segment.
 *   t=0     enter [2001:db8::1]:40000
 *   t=5000  < F. 4999 ack 9001       > . 9001 ack 5000 win 0   (deadline 5000 + 2MSL)
 */
static void test_tw6_fin_again_acked_2msl_restarted_rfc9293_3_10_7_4(void **state)
{
	struct fw_tcp_tuple a = tup6(0, 1, 0);

	(void)state;
	tw_enter(&a, SND0, RCV0, 0);
	assert_int_equal(next_deadline(), TWOMSL);
	assert_int_equal(tw_get_stats()->in_use6, 1);
	assert_int_equal(tw_get_stats()->entered6, 1);
	clock_ms = 5000;
	assert_int_equal(inject(&a, FW_TCP_FIN | FW_TCP_ACK, RCV0 - 1, SND0, 0, NULL), TW_CONSUMED);
	expect_ack(SND0, RCV0);
	assert_true(tuple_eq(&tx[0].t, &a));
	assert_int_equal(tw_get_stats()->fin_reacked, 1);
	assert_int_equal(next_deadline(), 5000 + TWOMSL);
	tw_expire(5000 + TWOMSL - 1);
	expect_entry(&a, SND0, RCV0);
	tw_expire(5000 + TWOMSL);
	expect_gone(&a);
	assert_int_equal(tw_get_stats()->in_use6, 0);
	expect_consistent();
}

/* RFC 1337 over IPv6: an RST in TIME_WAIT is ignored, never answered,
 * and the entry stays. */
static void test_tw6_rst_ignored_rfc1337(void **state)
{
	struct fw_tcp_tuple a = tup6(0, 1, 0);

	(void)state;
	tw_enter(&a, SND0, RCV0, 0);
	assert_int_equal(inject(&a, FW_TCP_RST, RCV0, 0, 0, NULL), TW_CONSUMED);
	expect_no_tx();
	assert_int_equal(tw_get_stats()->rst_ignored, 1);
	expect_entry(&a, SND0, RCV0);
}

/* RFC 1122 4.2.2.13, RFC 9293 3.6.1 over IPv6: a SYN beyond RCV.NXT may
 * open a new incarnation with an ISN above SND.NXT (the entry stays until
 * it is synchronized); one at or below RCV.NXT gets a challenge ACK (RFC
 * 5961 4.2). */
static void test_tw6_syn_above_reopens_below_challenged_rfc1122_4_2_2_13(void **state)
{
	struct fw_tcp_tuple a = tup6(0, 1, 0);
	uint32_t floor = 0;

	(void)state;
	tw_enter(&a, SND0, RCV0, 0);
	assert_int_equal(inject(&a, FW_TCP_SYN, RCV0 + 100, 0, 0, &floor), TW_NEW_SYN);
	assert_int_equal(floor, SND0);
	expect_no_tx();
	assert_int_equal(inject(&a, FW_TCP_SYN, RCV0 - 1, 0, 0, NULL), TW_CONSUMED);
	expect_ack(SND0, RCV0);
	assert_true(tw_reopened(&a));
	expect_gone(&a);
	assert_int_equal(tw_get_stats()->reused, 1);
	expect_consistent();
}

/*
 * Both families, one timer: 192.0.2.1:40000 and [2001:db8::1]:40000 (and
 * an IPv4 address that is the IPv6 one's first word) are three entries;
 * the deadline armed is the earliest of both tables, netstat lists them
 * oldest first with the device's address of each family.
 */
static void test_tw_both_families_one_timer_listed_oldest_first(void **state)
{
	static struct visit v;
	struct fw_tcp_tuple a4 = tup(0), a6 = tup6(0, 1, 0), c4 = tup(0);

	(void)state;
	c4.raddr = addr4(a6.raddr.w[0]);
	tw_enter(&a4, SND0, RCV0, 10);
	tw_enter(&a6, SND0 + 1, RCV0 + 1, 5);
	tw_enter(&c4, SND0 + 2, RCV0 + 2, 20);
	assert_int_equal(tw_get_stats()->in_use, 3);
	assert_int_equal(tw_get_stats()->in_use6, 1);
	assert_int_equal(next_deadline(), 5 + TWOMSL);
	expect_entry(&a4, SND0, RCV0);
	expect_entry(&a6, SND0 + 1, RCV0 + 1);
	expect_entry(&c4, SND0 + 2, RCV0 + 2);
	v.n = 0;
	tw_foreach(visit_cb, &v);
	assert_int_equal(v.n, 3);
	assert_int_equal(v.deadline[0], 5 + TWOMSL);
	assert_int_equal(v.deadline[1], 10 + TWOMSL);
	assert_int_equal(v.deadline[2], 20 + TWOMSL);
	tw_expire(5 + TWOMSL);
	expect_gone(&a6);
	assert_int_equal(next_deadline(), 10 + TWOMSL);
	expect_consistent();
}

/*
 * Fair recycling over IPv6 (RFC 7707: a host may use any address of its
 * /64): an off-link flooder closing from ever new addresses of
 * 2001:db8:99::/64 fills the IPv6 table, a victim 2001:db8:7::1 closes 3,
 * the flood goes on for 1000 more: every one of the victim's entries
 * stays, the flooder recycled its own; the IPv4 table is not touched.
 */
static void test_tw6_full_table_off_link_flooder_recycles_its_own_64(void **state)
{
	struct fw_tcp_tuple v6 = tup6(7, 1, 0), f6 = tup6(0x99, 1, 0), four = tup(0);
	uint32_t i;

	(void)state;
	assert_int_not_equal(tw_class_for_tuple(&v6), tw_class_for_tuple(&f6));
	tw_enter(&four, SND0, RCV0, 0);
	for (i = 0; i < FW_TW6_ENTRIES; i++) {
		struct fw_tcp_tuple t = tup6(0x99, 1000u + i, i);
		tw_enter(&t, SND0, RCV0, 1 + i / 16u);
	}
	for (i = 0; i < 3; i++) {
		struct fw_tcp_tuple t = tup6(7, 1, i);
		tw_enter(&t, SND0 + i, RCV0 + i, 20);
	}
	for (i = 0; i < 1000u; i++) {
		struct fw_tcp_tuple t = tup6(0x99, 5000u + i, i);
		tw_enter(&t, SND0, RCV0, 30 + i / 16u);
		if (i % 100u == 0)
			expect_consistent();
	}
	clock_ms = 100;
	for (i = 0; i < 3; i++) {
		struct fw_tcp_tuple t = tup6(7, 1, i);
		expect_entry(&t, SND0 + i, RCV0 + i);
	}
	expect_entry(&four, SND0, RCV0);
	assert_int_equal(tw_get_stats()->in_use6, FW_TW6_ENTRIES);
	assert_int_equal(tw_get_stats()->in_use, FW_TW6_ENTRIES + 1);
	assert_int_equal(tw_get_stats()->recycled, 1003);
	expect_consistent();
}

/*
 * Peers on the device's own /64 are classed by address (on the link an
 * address is a host, as an IPv4 one is): 2001:db8::a flooding does not
 * take 2001:db8::b's entries, though both share the /64. Classed by the
 * /64 they would share one class and ::b's would go first.
 */
static void test_tw6_on_link_peers_classed_per_address(void **state)
{
	struct fw_tcp_tuple a = tup6(0, 0xa, 0), b = tup6(0, 0xb, 0);
	uint32_t i;

	(void)state;
	assert_int_not_equal(tw_class_for_tuple(&a), tw_class_for_tuple(&b));
	enter_numbered(1, 3, 0);               /* some IPv4 entries beside */
	for (i = 0; i < FW_TW6_ENTRIES - 2u; i++) {
		struct fw_tcp_tuple t = tup6(0, 0xa, i);
		tw_enter(&t, SND0, RCV0, 1);
	}
	for (i = 0; i < 2; i++) {
		struct fw_tcp_tuple t = tup6(0, 0xb, i);
		tw_enter(&t, SND0 + i, RCV0 + i, 2);
	}
	for (i = 0; i < 300u; i++) {
		struct fw_tcp_tuple t = tup6(0, 0xa, 1000u + i);
		tw_enter(&t, SND0, RCV0, 3 + i / 64u);
	}
	clock_ms = 50;
	for (i = 0; i < 2; i++) {
		struct fw_tcp_tuple t = tup6(0, 0xb, i);
		expect_entry(&t, SND0 + i, RCV0 + i);
	}
	expect_all_numbered(1, 3, "2001:db8::a's flood");
	assert_int_equal(stats_tcp.tw_recycled_heavier, 0);
	expect_consistent();
}

/*
 * Mixed tables: each family recycles within its own table, whichever
 * family's entries are older. IPv6 entries entered first; the IPv4 table
 * fills and overflows by 10: the ten oldest IPv4 entries go, every IPv6
 * one stays (and the other way round).
 */
static void test_tw_mixed_full_tables_recycle_within_family(void **state)
{
	uint32_t i;

	(void)state;
	for (i = 0; i < 8; i++) {
		struct fw_tcp_tuple t = tup6(0, 1, i);
		tw_enter(&t, SND0 + i, RCV0 + i, 0);
	}
	for (i = 0; i < FW_TW_ENTRIES + 10u; i++) {
		struct fw_tcp_tuple t = tup(i);
		tw_enter(&t, SND0, RCV0, 1 + i / 64u);
	}
	expect_consistent();
	for (i = 0; i < 8; i++) {
		struct fw_tcp_tuple t = tup6(0, 1, i);
		expect_entry(&t, SND0 + i, RCV0 + i);
	}
	for (i = 0; i < 10; i++) {
		struct fw_tcp_tuple t = tup(i);
		expect_gone(&t);
	}
	assert_int_equal(tw_get_stats()->in_use, FW_TW_ENTRIES + 8u);
	for (i = 0; i < FW_TW6_ENTRIES + 5u; i++) {
		struct fw_tcp_tuple t = tup6(0, 1, 100u + i);
		tw_enter(&t, SND0, RCV0, 100);
	}
	expect_consistent();
	assert_int_equal(tw_get_stats()->in_use, FW_TW_ENTRIES + FW_TW6_ENTRIES);
	for (i = 10; i < 20; i++) {
		struct fw_tcp_tuple t = tup(i);
		expect_entry(&t, SND0, RCV0);
	}
	assert_int_equal(tw_get_stats()->recycled, 10u + 8u + 5u);
}

/* Random operations over both families keep every structure consistent
 * (FIFOs, free lists, hash chains, class rings of both tables). */
static struct fw_tcp_tuple random_tuple46(uint32_t x)
{
	if (x & 0x10u)
		return tup6((uint16_t)((x >> 4) % 3u), 1u + (x >> 6) % 5u, (x >> 8) % 300u);
	return tup_of((uint8_t)(1u + x % 5u), (x >> 8) % 600u);
}

static void test_tw6_random_operations_both_families_consistent(void **state)
{
	(void)state;
	random_operations(0x1234567u, 20000u, random_tuple46);
	assert_true(tw_get_stats()->in_use6 > 0);
}

/* The design's budget (README, timewait.c): an IPv6 entry with its share
 * of bucket heads and class records costs 40 bytes (a static assertion
 * holds it on 32-bit targets); IPv4's stays at 32. */
static void test_tw6_entry_40_bytes_with_lookup_share(void **state)
{
	(void)state;
	assert_int_equal(tw_bytes_per_entry6(), 40);
	assert_true(tw_bytes_per_entry() <= 32 || sizeof(void *) != 4);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_2msl_expires_exactly_at_deadline, setup),
		cmocka_unit_test_setup(test_segment_after_deadline_finds_closed, setup),
		cmocka_unit_test_setup(test_fifo_order_many_entries, setup),
		cmocka_unit_test_setup(test_clock_wraparound, setup),
		cmocka_unit_test_setup(test_msl_changed_at_run_time, setup),
		cmocka_unit_test_setup(test_full_table_every_lookup_hits, setup),
		cmocka_unit_test_setup(test_full_table_recycles_oldest, setup),
		cmocka_unit_test_setup(test_recycled_age_tracks_median, setup),
		cmocka_unit_test_setup(test_full_table_prefers_expired, setup),
		cmocka_unit_test_setup(test_full_table_flooder_recycles_its_own, setup),
		cmocka_unit_test_setup(test_full_table_newcomer_takes_from_heaviest, setup),
		cmocka_unit_test_setup(test_random_operations_keep_structures_consistent, setup),
		cmocka_unit_test_setup(test_hash_collisions_remove_from_chain, setup),
		cmocka_unit_test_setup(test_reenter_same_tuple_replaces, setup),
		cmocka_unit_test_setup(test_bytes_per_entry_within_budget, setup),
		cmocka_unit_test_setup(test_fin_again_acked_and_2msl_restarted, setup),
		cmocka_unit_test_setup(test_fin_with_data_again_acked, setup),
		cmocka_unit_test_setup(test_fin_elsewhere_acked_not_restarted, setup),
		cmocka_unit_test_setup(test_rst_ignored_rfc1337, setup),
		cmocka_unit_test_setup(test_syn_beyond_rcv_nxt_reopens_rfc1122, setup),
		cmocka_unit_test_setup(test_syn_beyond_rcv_nxt_without_listener_acked, setup),
		cmocka_unit_test_setup(test_syn_at_or_below_rcv_nxt_challenge_ack, setup),
		cmocka_unit_test_setup(test_old_duplicate_data_acked, setup),
		cmocka_unit_test_setup(test_bare_ack_cases, setup),
		cmocka_unit_test_setup(test_no_match, setup),
		cmocka_unit_test_setup(test_sequence_wraparound, setup),
		cmocka_unit_test_setup(test_stats_counters, setup),
		cmocka_unit_test_setup(test_syn_challenge_ack_rate_limited_rfc5961_7, setup),
#if FW_IPV6
		cmocka_unit_test_setup(test_tw6_fin_again_acked_2msl_restarted_rfc9293_3_10_7_4, setup),
		cmocka_unit_test_setup(test_tw6_rst_ignored_rfc1337, setup),
		cmocka_unit_test_setup(test_tw6_syn_above_reopens_below_challenged_rfc1122_4_2_2_13, setup),
		cmocka_unit_test_setup(test_tw_both_families_one_timer_listed_oldest_first, setup),
		cmocka_unit_test_setup(test_tw6_full_table_off_link_flooder_recycles_its_own_64, setup),
		cmocka_unit_test_setup(test_tw6_on_link_peers_classed_per_address, setup),
		cmocka_unit_test_setup(test_tw_mixed_full_tables_recycle_within_family, setup),
		cmocka_unit_test_setup(test_tw6_random_operations_both_families_consistent, setup),
		cmocka_unit_test_setup(test_tw6_entry_40_bytes_with_lookup_share, setup),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
