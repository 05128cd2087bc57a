/*
 * Initial sequence numbers, RFC 6528 section 3:
 *     ISN = M + F(localip, localport, remoteip, remoteport, secretkey)
 * F is SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input
 * PRF", 2012) keyed with a 128-bit secret from board entropy; M is the
 * RFC 793 clock of one tick per 4 microseconds, derived from the engine's
 * millisecond time base as now_ms * 250 (so it advances in steps of 250
 * once per ms, and wraps every 2^32 * 4 us = 4.77 hours, as RFC 793's
 * clock does).
 *
 * SYN cookies (RFC 4987 3.6) are the ISNs of passive opens: the top five
 * bits a slowly moving counter t (mod 32), three bits an index into the
 * MSS table the caller keeps, 24 bits a MAC of the 4-tuple, the peer's ISN,
 * t and the index, with the same key. An ACK of ISS + 1 proves the SYN,ACK
 * reached the peer, with no state kept for it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include "isn.h"

/* "somepseudorandomlygeneratedbytes", the paper's initial state. */
#define SIP_INIT0 0x736f6d6570736575ull
#define SIP_INIT1 0x646f72616e646f6dull
#define SIP_INIT2 0x6c7967656e657261ull
#define SIP_INIT3 0x7465646279746573ull
#define SIP_C_ROUNDS 2  /* SipHash-c-d with c = 2 compression rounds ... */
#define SIP_D_ROUNDS 4  /* ... and d = 4 finalization rounds */
#define SIP_FINAL_XOR 0xffu

#define ISN_TICKS_PER_MS 250u  /* 4 us ticks per millisecond (RFC 793 3.3) */
/* localip(4) localport(2) remoteip(4) remoteport(2) */
#define ISN_PORT_MSG_LEN 10u /* local IP, remote IP, remote port */
#define ISN_MSG_LEN 12u
/* domain(4) x(4): never the length of an ISN message, so never its value */
#define ISN_PRF_MSG_LEN 8u
/* ... then the peer's ISN(4), t(4), the MSS index(1) and a tag byte that
 * keeps cookie MACs apart from the plain ISNs' F */
#define ISN_COOKIE_MSG_LEN (ISN_MSG_LEN + 10u)
/* An IPv6 tuple's messages: 16-byte addresses and the family byte, so no
 * length meets an IPv4 one (ISN 37, cookie 47, ports 35) and IPv4 tuples
 * keep the messages they always had. */
#define ISN_MSG6_LEN 37u
#define ISN_PORT_MSG6_LEN 35u
#define ISN_MSG_MAX ISN_MSG6_LEN
#define ISN_COOKIE_MSG_MAX (ISN_MSG_MAX + 10u)
#define ISN_COOKIE_TAG 0xc5u
#define ISN_COOKIE_T_SHIFT 27u
#define ISN_COOKIE_T_MASK 0x1fu
#define ISN_COOKIE_MSS_SHIFT 24u
#define ISN_COOKIE_MSS_MASK 0x7u
#define ISN_COOKIE_MAC_MASK 0xffffffu
/* The step count as the MAC sees it: modulo 2^16, so that a step of a
 * power of two ms at most 2^16 counts on without a jump when the 32-bit
 * millisecond clock wraps (2^32 / 64,000 would jump from 67,108 to 0). */
#define ISN_COOKIE_COUNT_MASK 0xffffu

/* The boot secret as SipHash's two key words (k0, k1), loaded once. */
static uint64_t isn_k[2];

static uint64_t sip_rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64u - b));
}

/* SipHash reads its input as little-endian words. A little-endian host
 * loads the 8 bytes as one (memcpy: no alignment assumed, a word load
 * where the target allows unaligned access); any other host assembles
 * them byte by byte. */
static uint64_t sip_load64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return v;
#else
	uint64_t v = 0;

	for (unsigned i = 0; i < 8u; i++)
		v |= (uint64_t)p[i] << (8u * i);
	return v;
#endif
}

/* The last 0..7 bytes, little-endian: a 4-byte word first when there is
 * one, then single bytes. */
static uint64_t sip_load_tail(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	unsigned i = 0;

	if (n >= 4u) {
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		uint32_t w;

		memcpy(&w, p, sizeof w);
		v = w;
#else
		v = (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
#endif
		i = 4u;
	}
	for (; i < n; i++)
		v |= (uint64_t)p[i] << (8u * i);
	return v;
}

struct sip_state {
	uint64_t v0, v1, v2, v3;
};

static void sip_round(struct sip_state *s)
{
	s->v0 += s->v1;
	s->v1 = sip_rotl(s->v1, 13) ^ s->v0;
	s->v0 = sip_rotl(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = sip_rotl(s->v3, 16) ^ s->v2;
	s->v0 += s->v3;
	s->v3 = sip_rotl(s->v3, 21) ^ s->v0;
	s->v2 += s->v1;
	s->v1 = sip_rotl(s->v1, 17) ^ s->v2;
	s->v2 = sip_rotl(s->v2, 32);
}

static void sip_compress(struct sip_state *s, uint64_t m)
{
	int r;

	s->v3 ^= m;
	for (r = 0; r < SIP_C_ROUNDS; r++)
		sip_round(s);
	s->v0 ^= m;
}

static uint64_t sip_hash(const uint64_t k[2], const void *data, uint32_t len)
{
	const uint8_t *in = data;
	struct sip_state s = { k[0] ^ SIP_INIT0, k[1] ^ SIP_INIT1, k[0] ^ SIP_INIT2, k[1] ^ SIP_INIT3 };
	uint64_t tail;
	uint32_t off;
	int r;

	for (off = 0; len - off >= 8u; off += 8u)
		sip_compress(&s, sip_load64(in + off));
	/* Last word: the 0..7 bytes left, and len mod 256 in the top byte.
	 * (No pointer arithmetic when nothing is left: data may be NULL.) */
	tail = (len > off) ? sip_load_tail(in + off, len - off) : 0;
	sip_compress(&s, tail | ((uint64_t)(len & 0xffu) << 56));
	s.v2 ^= SIP_FINAL_XOR;
	for (r = 0; r < SIP_D_ROUNDS; r++)
		sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

uint64_t isn_siphash24(const uint8_t key[16], const void *data, uint32_t len)
{
	uint64_t k[2] = { sip_load64(key), sip_load64(key + 8) };

	return sip_hash(k, data, len);
}

void isn_init(const uint8_t key[16])
{
	isn_k[0] = sip_load64(key);
	isn_k[1] = sip_load64(key + 8);
}

static void isn_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static unsigned isn_put_addr(uint8_t *p, const struct fw_tcp_addr *a)
{
	unsigned n = a->family == FW_TCP_IPV6 ? 4u : 1u;

	for (unsigned i = 0; i < n; i++)
		isn_put32(&p[4u * i], a->w[i]);
	return 4u * n;
}

static void isn_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* The 4-tuple, and for IPv6 the family (RFC 6528 3: F() over the whole
 * connection-id); returns the message's length. */
static unsigned isn_put_tuple(uint8_t msg[ISN_MSG_MAX], const struct fw_tcp_tuple *t)
{
	unsigned n = isn_put_addr(msg, &t->laddr);

	isn_put16(&msg[n], t->lport);
	n += 2u;
	n += isn_put_addr(&msg[n], &t->raddr);
	isn_put16(&msg[n], t->rport);
	n += 2u;
	if (t->laddr.family == FW_TCP_IPV6)
		msg[n++] = FW_TCP_IPV6;
	return n;
}

uint32_t isn_generate(const struct fw_tcp_tuple *t, uint32_t now_ms)
{
	uint8_t msg[ISN_MSG_MAX];
	unsigned n = isn_put_tuple(msg, t);

	/* RFC 6528 section 3: M is the clock, F the keyed hash; 32 bits of F. */
	return now_ms * ISN_TICKS_PER_MS + (uint32_t)sip_hash(isn_k, msg, n);
}

/* RFC 6056 3.3.3: F(local IP, remote IP, remote port, secret key). The
 * 10-byte message (no local port; 35 for IPv6) keeps it apart from the
 * ISN's F, whose message is 12 bytes (37): SipHash mixes the length into
 * its last block. */
uint32_t isn_port_offset(const struct fw_tcp_tuple *t)
{
	uint8_t msg[ISN_PORT_MSG6_LEN];
	unsigned n = isn_put_addr(msg, &t->laddr);

	n += isn_put_addr(&msg[n], &t->raddr);
	isn_put16(&msg[n], t->rport);
	n += 2u;
	if (t->laddr.family == FW_TCP_IPV6)
		msg[n++] = FW_TCP_IPV6;
	return (uint32_t)sip_hash(isn_k, msg, n);
}

/* Every message length here is distinct (ISN 12, SYN cookie 22, ports 10, PRF 8 bytes;
 * IPv6 tuples' ISN 37, cookie 47, ports 35):
 * SipHash mixes the length into its last block, so the uses never meet. */
uint32_t isn_prf32(enum isn_prf_domain domain, uint32_t x)
{
	uint8_t msg[ISN_PRF_MSG_LEN];

	isn_put32(&msg[0], (uint32_t)domain);
	isn_put32(&msg[4], x);
	return (uint32_t)sip_hash(isn_k, msg, sizeof(msg));
}

static uint32_t isn_cookie_mac(const struct fw_tcp_tuple *t, uint32_t peer_isn, uint32_t count, unsigned mss_idx)
{
	uint8_t msg[ISN_COOKIE_MSG_MAX];
	unsigned n = isn_put_tuple(msg, t);

	isn_put32(&msg[n], peer_isn);
	isn_put32(&msg[n + 4u], count & ISN_COOKIE_COUNT_MASK);
	msg[n + 8u] = (uint8_t)mss_idx;
	msg[n + 9u] = ISN_COOKIE_TAG;
	return (uint32_t)sip_hash(isn_k, msg, n + 10u) & ISN_COOKIE_MAC_MASK;
}

uint32_t isn_cookie(const struct fw_tcp_tuple *t, uint32_t peer_isn, uint32_t count, unsigned mss_idx)
{
	mss_idx &= ISN_COOKIE_MSS_MASK;
	return ((count & ISN_COOKIE_T_MASK) << ISN_COOKIE_T_SHIFT) | ((uint32_t)mss_idx << ISN_COOKIE_MSS_SHIFT) |
	       isn_cookie_mac(t, peer_isn, count, mss_idx);
}

bool isn_cookie_check(const struct fw_tcp_tuple *t, uint32_t peer_isn, uint32_t cookie, uint32_t count,
                      unsigned *mss_idx)
{
	unsigned idx = (cookie >> ISN_COOKIE_MSS_SHIFT) & ISN_COOKIE_MSS_MASK;

	/* made in this step or the one before */
	for (uint32_t age = 0; age < 2u; age++) {
		uint32_t c = (count - age) & ISN_COOKIE_COUNT_MASK;
		if (((cookie >> ISN_COOKIE_T_SHIFT) & ISN_COOKIE_T_MASK) != (c & ISN_COOKIE_T_MASK))
			continue;
		if (isn_cookie_mac(t, peer_isn, c, idx) == (cookie & ISN_COOKIE_MAC_MASK)) {
			*mss_idx = idx;
			return true;
		}
	}
	return false;
}
