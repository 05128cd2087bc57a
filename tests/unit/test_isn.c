/*
 * Unit tests of the RFC 6528 ISN generator, its SipHash-2-4 and the SYN
 * cookies (RFC 4987 3.6) made with it (tcp/src/isn.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "isn.h"

#define TICKS_PER_MS 250u  /* RFC 793's 4 us clock from the ms time base */

/* The SipHash paper's key: bytes 00 01 02 ... 0f. */
static const uint8_t paper_key[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

static struct fw_tcp_tuple tup(uint16_t rport)
{
	/* 192.0.2.2:7 <- 192.0.2.1:rport, network byte order on any host */
	const uint8_t l[4] = { 192, 0, 2, 2 }, r[4] = { 192, 0, 2, 1 };
	struct fw_tcp_tuple t = { .laddr.family = FW_TCP_IPV4, .raddr.family = FW_TCP_IPV4, .lport = 7, .rport = rport };

	memcpy(&t.laddr.w[0], l, 4);
	memcpy(&t.raddr.w[0], r, 4);
	return t;
}

static int setup(void **state)
{
	(void)state;
	isn_init(paper_key);
	return 0;
}

/* SipHash paper, Appendix A and the reference vectors: message i is the
 * bytes 00 01 ... (i-1). Lengths cover the empty message, a partial last
 * word, exactly one word (8), a full word plus 7 bytes (15, the paper's
 * worked example) and two words (16); 4, 12 and 22 end on a 4-byte tail
 * word, with and without bytes after it (the engine hashes 8, 10, 12 and
 * 22 bytes). */
static void test_siphash24_paper_vectors(void **state)
{
	static const struct {
		uint32_t len;
		uint64_t want;
	} v[] = {
		{ 0, 0x726fdb47dd0e0e31ull },
		{ 1, 0x74f839c593dc67fdull },
		{ 7, 0xab0200f58b01d137ull },
		{ 8, 0x93f5f5799a932462ull },
		{ 15, 0xa129ca6149be45e5ull },
		{ 16, 0x3f2acc7f57c29bdbull },
		{ 4, 0xcf2794e0277187b7ull },
		{ 12, 0x751e8fbc860ee5fbull },
		{ 22, 0x93536795e3a33e88ull },
	};
	uint8_t msg[24];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		print_message("len %u\n", v[i].len);
		assert_int_equal(isn_siphash24(paper_key, msg, v[i].len), v[i].want);
	}
}

/* RFC 6528 section 3: same key, tuple and time -> same ISN; M enters as
 * 250 ticks per ms. */
static void test_isn_stable_and_clocked(void **state)
{
	struct fw_tcp_tuple t = tup(40000);
	uint32_t a = isn_generate(&t, 1000);

	(void)state;
	assert_int_equal(isn_generate(&t, 1000), a);
	assert_int_equal(isn_generate(&t, 1001), a + TICKS_PER_MS);
	assert_int_equal(isn_generate(&t, 5000), a + 4000u * TICKS_PER_MS);
	/* the clock wraps like sequence space: still advancing modulo 2^32 */
	assert_int_equal(isn_generate(&t, 1000u + 0x01000000u), a + 0x01000000u * TICKS_PER_MS);
}

/* RFC 6528 section 3: F separates connection-id spaces: each element of
 * the 4-tuple changes the ISN. */
static void test_isn_differs_per_tuple(void **state)
{
	struct fw_tcp_tuple t = tup(40000), u;
	uint32_t base = isn_generate(&t, 0);
	uint16_t p;

	(void)state;
	u = t;
	u.rport++;
	assert_int_not_equal(isn_generate(&u, 0), base);
	u = t;
	u.lport++;
	assert_int_not_equal(isn_generate(&u, 0), base);
	u = t;
	u.raddr.w[0] ^= 0x01000000u;
	assert_int_not_equal(isn_generate(&u, 0), base);
	u = t;
	u.laddr.w[0] ^= 0x01000000u;
	assert_int_not_equal(isn_generate(&u, 0), base);
	/* swapping the ports is a different connection too */
	u = t;
	u.lport = t.rport;
	u.rport = t.lport;
	assert_int_not_equal(isn_generate(&u, 0), base);
	/* neighbouring ports do not give neighbouring ISNs */
	for (p = 40001; p < 40065; p++) {
		u = tup(p);
		uint32_t d = isn_generate(&u, 0) - base;
		assert_true(d > 0x10000u && d < 0xFFFF0000u);
	}
}

/* RFC 6528 section 3: the secret key matters; an attacker who knows the
 * algorithm but not the key cannot predict the ISN. */
static void test_isn_differs_across_keys(void **state)
{
	struct fw_tcp_tuple t = tup(40000);
	uint8_t other[16];
	uint32_t a = isn_generate(&t, 77);

	(void)state;
	memcpy(other, paper_key, sizeof(other));
	other[15] ^= 0x80;
	isn_init(other);
	assert_int_not_equal(isn_generate(&t, 77), a);
	isn_init(paper_key);
	assert_int_equal(isn_generate(&t, 77), a);
}

/* RFC 4987 3.6: a cookie made in time step c checks in steps c and c + 1
 * (its MSS index back), not c + 2, nor for another 4-tuple, another peer
 * ISN, or with a bit changed. */
static void test_cookie_round_trip_and_rejections(void **state)
{
	struct fw_tcp_tuple t = tup(40000), u = tup(40001);
	unsigned idx = 99;
	uint32_t c;

	(void)state;
	for (unsigned m = 0; m < 8; m++) {
		c = isn_cookie(&t, 1000u, 41u, m);
		assert_true(isn_cookie_check(&t, 1000u, c, 41u, &idx));
		assert_int_equal(idx, m);
		assert_true(isn_cookie_check(&t, 1000u, c, 42u, &idx));
		assert_false(isn_cookie_check(&t, 1000u, c, 43u, &idx));
		assert_false(isn_cookie_check(&t, 1000u, c, 40u, &idx));
		assert_false(isn_cookie_check(&u, 1000u, c, 41u, &idx));
		assert_false(isn_cookie_check(&t, 1001u, c, 41u, &idx));
		for (unsigned bit = 0; bit < 32; bit++)
			assert_false(isn_cookie_check(&t, 1000u, c ^ (1u << bit), 41u, &idx));
	}
	/* the step counter wraps mod 32 in the top bits: step 31 -> 32 still checks */
	c = isn_cookie(&t, 7u, 31u, 3);
	assert_true(isn_cookie_check(&t, 7u, c, 32u, &idx));
	assert_int_equal(idx, 3);
}

/* RFC 6528 3 / RFC 6056 3.3.3 over the whole connection-id, family
 * included: an IPv6 tuple whose first address words are an IPv4 tuple's
 * addresses (rest zero) is another connection, with another ISN, cookie
 * and port offset; IPv4 tuples keep their old messages (the vectors
 * above). */
static void test_isn_family_is_part_of_the_tuple(void **state)
{
	struct fw_tcp_tuple t = tup(40000), u = t, v;

	(void)state;
	u.laddr.family = u.raddr.family = FW_TCP_IPV6;
	assert_int_not_equal(isn_generate(&u, 0), isn_generate(&t, 0));
	assert_int_not_equal(isn_port_offset(&u), isn_port_offset(&t));
	assert_int_not_equal(isn_cookie(&u, 1000, 7, 3), isn_cookie(&t, 1000, 7, 3));
	v = u;
	v.raddr.w[3] ^= 0x01000000u;   /* the last word counts too */
	assert_int_not_equal(isn_generate(&v, 0), isn_generate(&u, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_siphash24_paper_vectors, setup),
		cmocka_unit_test_setup(test_isn_stable_and_clocked, setup),
		cmocka_unit_test_setup(test_isn_differs_per_tuple, setup),
		cmocka_unit_test_setup(test_isn_differs_across_keys, setup),
		cmocka_unit_test_setup(test_cookie_round_trip_and_rejections, setup),
		cmocka_unit_test_setup(test_isn_family_is_part_of_the_tuple, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
