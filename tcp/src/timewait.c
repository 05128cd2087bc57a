/*
 * The compact TIME_WAIT table (RFC 9293 3.6.1 and the TIME-WAIT parts of
 * 3.10.7.4, RFC 1122 4.2.2.13, RFC 1337, RFC 5961).
 *
 * Layout. One static array of FW_TW_ENTRIES entries, linked by 16-bit
 * indices (TW_NIL = none; 12 bits of them with IPv6, below), never
 * pointers, so an entry costs the same on the host and on Cortex-M:
 *  - a doubly-linked FIFO ordered by deadline (prev/next). Doubly linked,
 *    not a ring with tombstones, because a retransmitted FIN moves an entry
 *    from the middle to the tail: unlinking is O(1) and the slot keeps its
 *    identity, whereas a tombstone would hold a slot until its old deadline
 *    and shrink the table exactly when a peer retransmits.
 *  - hash chains (hnext) from bucket heads (tw_bucket, as many buckets as
 *    entries) on the 4-tuple, the hash keyed at boot so that no peer can
 *    pick ports that pile its entries into one chain.
 *  - one ring per address class (cnext, tw_cls), for fair recycling below.
 *  - a free list through `next`.
 * An entry is 28 bytes; with its share of the bucket heads (2) and of the
 * class records (4 per two entries) it costs 32 (tw_bytes_per_entry()).
 *
 * Fair recycling. The table is bounded, so when it is full a new entry
 * takes a live one's slot, and the connection that loses its entry loses
 * what TIME-WAIT protects (RFC 9293 3.6.1: late segments of the old
 * connection meeting a new incarnation, the peer's retransmitted FIN
 * finding an RST). Recycling the oldest entry, whoever's, let one client
 * closing connections fast (256 in about 60 ms over QEMU) evict every
 * other client's entries. Entries are therefore grouped by remote address
 * into TW_CLASSES classes (a hash of the address keyed at boot, so no peer
 * can aim its address at another's class); each class keeps its entries
 * in a ring in the order they entered (each links to the next newer one,
 * the newest back to the oldest) and a count. When the table is full and class X needs a slot, the
 * victim is the oldest entry of whichever of two candidates holds more:
 * the class tw_heavy (the largest count seen as counts grew) and the
 * class of the FIFO's head; if neither holds more entries than X, it is
 * X's own oldest. So a flooding address only ever recycles its own
 * entries, never those of an address holding fewer; a light address
 * arriving at a full table takes its slot from the heaviest it finds; and
 * one address alone may still fill an idle table (recycling stays
 * work-conserving). Both are counted (tw_recycled_own,
 * tw_recycled_heavier; tcp.tw recycled is their sum). Two addresses in
 * one class (for a given pair, 1 boot in TW_CLASSES) share its fate: they
 * recycle each other's entries, oldest first, as every address did before.
 *
 * Cost. Entering, expiring and recycling are O(1): a class's oldest entry
 * is the one after its newest, and since entries enter both the FIFO and
 * their ring at the end (and a restarted FIN moves them to both ends), an
 * expiring head is its class's oldest. Removing an entry from the middle
 * of its ring (a SYN reopening the 4-tuple, a 4-tuple entering again, a
 * restarted FIN) walks the ring from the oldest: O(entries of that class),
 * paid by a segment of that address. Lookup is by hash.
 *
 * The local address is not stored: toward any one remote address the
 * device uses one local address (its Ethernet address, or 127.0.0.1 toward
 * a loopback peer: lwIP's loopback netif is on, and IPv4 drops 127/8
 * arriving anywhere else), so the remote address and both ports identify
 * an entry. Replies go out on the tuple of the arriving segment;
 * tw_foreach() reports the loopback address for loopback peers and the
 * last other local address given to tw_enter() for the rest.
 *
 * IPv6. Entries of IPv6 connections live in a table of their own
 * (FW_TW6_ENTRIES), and both tables share one index space (IPv4 [0, N4),
 * IPv6 [N4, N4 + N6)); one timer serves both (the earlier of the two FIFO
 * heads), and entering, expiring and recycling stay O(1). Each table has
 * a FIFO of its own, where the design had one for both: fair recycling in
 * a full table needs that table's oldest entry, which one shared FIFO
 * gives in O(1) only when it is of that family (the other's may be
 * older); tw_foreach() merges the two, still oldest first.
 * An IPv6 entry is the remote address 16 + two sequence numbers 8 +
 * deadline 4 + ports 4 = 32 bytes of state, and its four links are 12-bit
 * indices packed in 6 bytes: 38 bytes of 16-bit fields (2-byte aligned,
 * the 32-bit ones read with memcpy: Cortex-M0 has no unaligned loads);
 * with one bucket head per two entries and one class record per four, 40
 * bytes an entry, asserted below. With IPv6 built in every link is 12 bits
 * (TW_NIL 0xFFF), so both tables together hold at most 4,094 entries,
 * asserted too. Hash chains, classes, free lists and the heavy class are
 * per family (the same boot key): a full table of one family recycles
 * within that family, its slots being the only ones that fit (the design
 * said the heavy class and the head "may be of either family": a slot of
 * the other table cannot take the entry).
 * IPv6 classes are keyed by the remote /64 (one host may use any address
 * of its /64, RFC 7707: per-address classes would let it look light
 * everywhere), but by the whole address for a peer on the connection's
 * own /64 or link-local (on the link, an address is a host, as an IPv4
 * one is). Which of its two classes an entry is in is decided once, when
 * it enters; afterwards the class is found from the address and the ring:
 * O(1) for a class's oldest entry (expiry, recycling), a walk of the ring
 * otherwise (a ring walk was already that removal's cost). The local
 * address is not stored for IPv6 either; tw_foreach() reports the last
 * link-local and the last other local IPv6 address given to tw_enter(),
 * by the peer's scope (::1 for a loopback peer).
 *
 * Ordering. Deadlines are entry time + 2MSL. While MSL stays put, every new
 * deadline is >= the tail's and tw_enter() appends in O(1). After MSL is
 * shortened at run time, a new deadline can be earlier than older entries'
 * deadlines; insertion then walks back from the tail past those entries, so
 * the FIFO stays sorted and the head's deadline is always the minimum
 * (which is what the one-shot timer is armed with). That walk is bounded by
 * the entries entered under the longer MSL and ends when they expire.
 */
#include <stddef.h>
#include <string.h>
#include "fw_tcp_config.h"
#include "stats.h"
#include "tcp_out.h"
#include "timewait.h"

#if LWIP_IPV6 && FW_TW6_ENTRIES
#define TW6_N FW_TW6_ENTRIES
#define TW_NIL 0x0FFFu   /* 12-bit links: the IPv6 entries pack theirs */
#else
#define TW6_N 0u
#define TW_NIL 0xFFFFu
#endif
#define TW4_N FW_TW_ENTRIES
#define TW_N (TW4_N + TW6_N)
/* time_reached() needs any two live deadlines within 2^31 ms of each other. */
#define TW_MSL_MAX_MS 0x3FFFFFFFu
/* The Cortex-M budget: an entry, lookup share included, within 32 bytes;
 * an IPv6 one within 40. */
#define TW_BYTES_BUDGET 32u
#define TW6_BYTES_BUDGET 40u
/* Address classes for fair recycling: one per two entries (IPv6: four). */
#define TW_CLASSES (FW_TW_ENTRIES >= 2u ? FW_TW_ENTRIES / 2u : 1u)
#define TW6_CLASSES (TW6_N >= 4u ? TW6_N / 4u : 1u)
#define TW6_BUCKETS (TW6_N >= 2u ? TW6_N / 2u : 1u)
#define TW6_LINK_BITS 12u

/*
 * RCV.WND in TIME-WAIT is 0, and that is what our ACKs advertise. The
 * peer's sequence space ended with its FIN at RCV.NXT - 1 (RFC 9293 3.6:
 * after a FIN no more data is sent), 3.10.7.4 says to ignore any segment
 * text in TIME-WAIT, and the receive buffer went back with the TCB: no
 * octet can ever be accepted, so a zero window is the truthful one. With
 * RCV.WND = 0 the acceptability table of 3.10.7.4 gives exactly the
 * behaviour wanted: only a zero-length segment at RCV.NXT is acceptable,
 * anything carrying data or a FIN elsewhere is answered with an ACK. The
 * right edge moving back (RFC 1122 4.2.2.16 "SHOULD NOT shrink") strands
 * nothing, since the peer has no data left to send into it.
 */
#define TW_RCV_WND 0u

/* Knuth's multiplicative constant and a second odd mixer (murmur3-style
 * finaliser): spreads ports and addresses over every bucket. */
#define TW_HASH_MUL1 0x9E3779B1u
#define TW_HASH_MUL2 0x85EBCA6Bu

_Static_assert(FW_TW_ENTRIES > 0 && TW_N < TW_NIL, "TIME_WAIT indices: 16-bit, 12-bit with IPv6 (4,094 entries)");

struct tw_entry {
	uint32_t raddr;       /* network byte order, as struct fw_tcp_addr's w[0] */
	uint32_t snd_nxt;
	uint32_t rcv_nxt;
	uint32_t deadline;
	uint16_t lport;
	uint16_t rport;
	uint16_t prev;        /* FIFO: toward the head (earlier deadline) */
	uint16_t next;        /* FIFO: toward the tail; free-list link when free */
	uint16_t hnext;       /* hash chain */
	uint16_t cnext;       /* class ring: the next newer entry of the class; after
	                       * its newest, its oldest */
};

/* A class of remote addresses (fair recycling, see top). */
struct tw_class {
	uint16_t newest;      /* TW_NIL when count == 0 */
	uint16_t count;
};

/* What a table of one family has of its own. */
struct tw_family {
	uint16_t base, n;         /* its entries: indices [base, base + n) */
	uint16_t *bucket;         /* hash chain heads */
	uint16_t nbuckets;
	struct tw_class *cls;
	uint16_t ncls;
	uint16_t head, tail;      /* its FIFO: earliest and latest deadline */
	uint16_t free;            /* free list through `next` */
	uint16_t heavy;           /* the class with the largest count as counts grew */
	uint32_t in_use;
};

static struct tw_entry tw_tab[FW_TW_ENTRIES];
static uint16_t tw_bucket[FW_TW_ENTRIES];  /* hash chain heads */
static struct tw_class tw_cls[TW_CLASSES];

_Static_assert(sizeof(void *) != 4 || sizeof(struct tw_entry) <= TW_BYTES_BUDGET,
	       "TIME_WAIT entry over its Cortex-M budget");
_Static_assert(sizeof(void *) != 4 || FW_TW_ENTRIES < 2 ||
	       sizeof(tw_tab) + sizeof(tw_bucket) + sizeof(tw_cls) <= (size_t)TW_BYTES_BUDGET * FW_TW_ENTRIES,
	       "TIME_WAIT entry with its lookup and class share over its Cortex-M budget");

#if TW6_N
/* An IPv6 entry: 16-bit fields only (2-byte aligned, no padding). */
struct tw6_entry {
	uint16_t raddr[8];    /* network byte order, as struct fw_tcp_addr's w[] */
	uint16_t snd_nxt[2];  /* the 32-bit fields in host order, read and written with memcpy */
	uint16_t rcv_nxt[2];
	uint16_t deadline[2];
	uint16_t lport;
	uint16_t rport;
	uint16_t link[3];     /* prev, next, hnext, cnext: 12 bits each (enum tw_link) */
};

static struct tw6_entry tw6_tab[TW6_N];
static uint16_t tw6_bucket[TW6_BUCKETS];
static struct tw_class tw6_cls[TW6_CLASSES];

_Static_assert(sizeof(struct tw6_entry) == 38u, "IPv6 TIME_WAIT entry: 38 bytes of 16-bit fields");
_Static_assert(TW6_N % 4u == 0u, "FW_TW6_ENTRIES: a multiple of 4 (a bucket per two, a class per four)");
_Static_assert(sizeof(void *) != 4 ||
	       sizeof(tw6_tab) + sizeof(tw6_bucket) + sizeof(tw6_cls) <= (size_t)TW6_BYTES_BUDGET * TW6_N,
	       "IPv6 TIME_WAIT entry with its lookup and class share over 40 bytes");
#endif

static struct tw_family tw_fam[2];   /* IPv4, IPv6 */

static uint32_t tw_key;      /* hash key, from the boot secret */
static uint32_t tw_laddr;    /* the device's non-loopback address, for tw_foreach() */
#if TW6_N
static uint32_t tw6_laddr[4];    /* the device's last IPv6 address toward a global peer */
static uint32_t tw6_laddr_ll[4]; /* ... and toward a link-local one */
#endif

/* 127.0.0.0/8 (RFC 1122 3.2.1.3); addresses in network byte order. */
static bool tw_is_loopback(uint32_t addr)
{
	return ((const uint8_t *)&addr)[0] == 127u;
}
static uint32_t tw_msl_ms;
static struct fw_tcp_tw_stats tw_st;

/* ------------------------------------------------------------ entries of either family */

enum tw_link { TW_PREV, TW_NEXT, TW_HNEXT, TW_CNEXT };

static bool tw_is6(uint16_t i)
{
	return TW6_N != 0u && i >= TW4_N;
}

static struct tw_family *tw_family_of(uint16_t i)
{
	return &tw_fam[tw_is6(i) ? 1 : 0];
}

#if TW6_N
static struct tw6_entry *tw6(uint16_t i)
{
	return &tw6_tab[i - TW4_N];
}

static uint64_t tw6_links(const struct tw6_entry *e)
{
	return (uint64_t)e->link[0] | (uint64_t)e->link[1] << 16 | (uint64_t)e->link[2] << 32;
}

static uint32_t tw6_get32(const uint16_t f[2])
{
	uint32_t v;
	memcpy(&v, f, sizeof v);
	return v;
}

static void tw6_put32(uint16_t f[2], uint32_t v)
{
	memcpy(f, &v, sizeof v);
}
#endif

static uint16_t tw_link(uint16_t i, enum tw_link l)
{
#if TW6_N
	if (tw_is6(i))
		return (uint16_t)((tw6_links(tw6(i)) >> (TW6_LINK_BITS * l)) & TW_NIL);
#endif
	switch (l) {
	case TW_PREV:  return tw_tab[i].prev;
	case TW_NEXT:  return tw_tab[i].next;
	case TW_HNEXT: return tw_tab[i].hnext;
	case TW_CNEXT: return tw_tab[i].cnext;
	}
	return TW_NIL;
}

static void tw_set_link(uint16_t i, enum tw_link l, uint16_t v)
{
#if TW6_N
	if (tw_is6(i)) {
		struct tw6_entry *e = tw6(i);
		uint64_t m = (uint64_t)TW_NIL << (TW6_LINK_BITS * l);
		uint64_t x = (tw6_links(e) & ~m) | ((uint64_t)v << (TW6_LINK_BITS * l) & m);
		e->link[0] = (uint16_t)x;
		e->link[1] = (uint16_t)(x >> 16);
		e->link[2] = (uint16_t)(x >> 32);
		return;
	}
#endif
	switch (l) {
	case TW_PREV:  tw_tab[i].prev = v; break;
	case TW_NEXT:  tw_tab[i].next = v; break;
	case TW_HNEXT: tw_tab[i].hnext = v; break;
	case TW_CNEXT: tw_tab[i].cnext = v; break;
	}
}

static uint32_t tw_deadline(uint16_t i)
{
#if TW6_N
	if (tw_is6(i))
		return tw6_get32(tw6(i)->deadline);
#endif
	return tw_tab[i].deadline;
}

static void tw_set_deadline(uint16_t i, uint32_t d)
{
#if TW6_N
	if (tw_is6(i)) {
		tw6_put32(tw6(i)->deadline, d);
		return;
	}
#endif
	tw_tab[i].deadline = d;
}

/* An entry's state as one record (either family). */
struct tw_view {
	struct fw_tcp_tuple t;    /* remote address and both ports; local address any */
	uint32_t snd_nxt, rcv_nxt;
};

static struct tw_view tw_view_of(uint16_t i)
{
	struct tw_view v;

#if TW6_N
	if (tw_is6(i)) {
		const struct tw6_entry *e = tw6(i);
		v.t.laddr = (struct fw_tcp_addr){ .family = FW_TCP_IPV6 };
		v.t.raddr.family = FW_TCP_IPV6;
		memcpy(v.t.raddr.w, e->raddr, sizeof v.t.raddr.w);
		v.t.lport = e->lport;
		v.t.rport = e->rport;
		v.snd_nxt = tw6_get32(e->snd_nxt);
		v.rcv_nxt = tw6_get32(e->rcv_nxt);
		return v;
	}
#endif
	tcb_addr_set4(&v.t.laddr, 0);
	tcb_addr_set4(&v.t.raddr, tw_tab[i].raddr);
	v.t.lport = tw_tab[i].lport;
	v.t.rport = tw_tab[i].rport;
	v.snd_nxt = tw_tab[i].snd_nxt;
	v.rcv_nxt = tw_tab[i].rcv_nxt;
	return v;
}

/* ------------------------------------------------------------ hash */

static uint32_t tw_mix(uint32_t h)
{
	h ^= h >> 16;
	h *= TW_HASH_MUL2;
	h ^= h >> 13;
	return h;
}

#if TW6_N
/* The first `n` words of an IPv6 address, keyed. */
static uint32_t tw6_hash_words(const uint32_t *w, unsigned n)
{
	uint32_t h = tw_key;

	for (unsigned k = 0; k < n; k++)
		h = tw_mix((h ^ w[k]) * TW_HASH_MUL1);
	return h;
}

/* The two classes an IPv6 address may be in: by the whole address (a
 * peer on the link) or by its /64 (see top). */
static uint16_t tw6_class_full(const uint32_t w[4])
{
	return (uint16_t)(tw6_hash_words(w, 4) % TW6_CLASSES);
}

static uint16_t tw6_class_64(const uint32_t w[4])
{
	return (uint16_t)(tw6_hash_words(w, 2) % TW6_CLASSES);
}

/* fe80::/10 (RFC 4291 2.5.6). */
static bool tw6_link_local(const uint32_t w[4])
{
	const uint8_t *b = (const uint8_t *)w;

	return b[0] == 0xfeu && (b[1] & 0xc0u) == 0x80u;
}

/* ::1 (RFC 4291 2.5.3). */
static bool tw6_loopback(const uint32_t w[4])
{
	return w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == PP_HTONL(1UL);
}

/* A link-local peer, or one on the connection's own /64. */
static bool tw6_on_link(const struct fw_tcp_tuple *t)
{
	return tw6_link_local(t->raddr.w) || (t->raddr.w[0] == t->laddr.w[0] && t->raddr.w[1] == t->laddr.w[1]);
}
#endif

#ifndef FW_HOST_TEST
static
#endif
uint32_t tw_hash_bucket(const struct fw_tcp_tuple *t)
{
	uint32_t ports = ((uint32_t)t->lport << 16) | t->rport;

#if TW6_N
	if (t->raddr.family == FW_TCP_IPV6)
		return tw_mix(tw6_hash_words(t->raddr.w, 4) ^ ports) % TW6_BUCKETS;
#endif
	return tw_mix(((t->raddr.w[0] ^ tw_key) * TW_HASH_MUL1) ^ ports) % FW_TW_ENTRIES;
}

#ifndef FW_HOST_TEST
static
#endif
uint32_t tw_hash_class(uint32_t raddr)
{
	return tw_mix((raddr ^ tw_key) * TW_HASH_MUL1) % TW_CLASSES;
}

/* The class an entering tuple's entry goes to, in its family's records. */
static uint16_t tw_class_for(const struct fw_tcp_tuple *t)
{
#if TW6_N
	if (t->raddr.family == FW_TCP_IPV6)
		return tw6_on_link(t) ? tw6_class_full(t->raddr.w) : tw6_class_64(t->raddr.w);
#endif
	return (uint16_t)tw_hash_class(t->raddr.w[0]);
}

#ifdef FW_HOST_TEST
uint32_t tw_class_for_tuple(const struct fw_tcp_tuple *t)
{
	return tw_class_for(t);
}
#endif

static bool tw_matches(uint16_t i, const struct fw_tcp_tuple *t)
{
#if TW6_N
	if (tw_is6(i)) {
		const struct tw6_entry *e = tw6(i);
		return e->lport == t->lport && e->rport == t->rport && memcmp(e->raddr, t->raddr.w, 16) == 0;
	}
#endif
	return tw_tab[i].raddr == t->raddr.w[0] && tw_tab[i].lport == t->lport && tw_tab[i].rport == t->rport;
}

static struct tw_family *tw_family_for(const struct fw_tcp_tuple *t)
{
	return &tw_fam[t->raddr.family == FW_TCP_IPV6 ? 1 : 0];
}

static uint16_t tw_find(const struct fw_tcp_tuple *t)
{
	struct tw_family *f = tw_family_for(t);
	uint16_t i;

	if (f->n == 0)
		return TW_NIL;
	i = f->bucket[tw_hash_bucket(t)];
	while (i != TW_NIL && !tw_matches(i, t))
		i = tw_link(i, TW_HNEXT);
	return i;
}

static void tw_hash_link(uint16_t i)
{
	struct tw_view v = tw_view_of(i);
	uint16_t *b = &tw_family_of(i)->bucket[tw_hash_bucket(&v.t)];

	tw_set_link(i, TW_HNEXT, *b);
	*b = i;
}

/* O(chain): chains average one entry or so with one bucket per entry
 * (IPv6: two per bucket). */
static void tw_hash_unlink(uint16_t i)
{
	struct tw_view v = tw_view_of(i);
	uint16_t *b = &tw_family_of(i)->bucket[tw_hash_bucket(&v.t)];
	uint16_t p;

	if (*b == i) {
		*b = tw_link(i, TW_HNEXT);
		return;
	}
	for (p = *b; tw_link(p, TW_HNEXT) != i; p = tw_link(p, TW_HNEXT))
		;
	tw_set_link(p, TW_HNEXT, tw_link(i, TW_HNEXT));
}

/* ------------------------------------------------------------ FIFO */

static void tw_fifo_unlink(uint16_t i)
{
	struct tw_family *f = tw_family_of(i);
	uint16_t prev = tw_link(i, TW_PREV), next = tw_link(i, TW_NEXT);

	if (prev != TW_NIL)
		tw_set_link(prev, TW_NEXT, next);
	else
		f->head = next;
	if (next != TW_NIL)
		tw_set_link(next, TW_PREV, prev);
	else
		f->tail = prev;
}

/* Append at the tail, or further back after MSL was shortened (see top). */
static void tw_fifo_insert(uint16_t i)
{
	struct tw_family *f = tw_family_of(i);
	uint32_t d = tw_deadline(i);
	uint16_t after = f->tail, next;

	while (after != TW_NIL && !time_reached(d, tw_deadline(after)))
		after = tw_link(after, TW_PREV);
	next = (after == TW_NIL) ? f->head : tw_link(after, TW_NEXT);
	tw_set_link(i, TW_PREV, after);
	tw_set_link(i, TW_NEXT, next);
	if (after == TW_NIL)
		f->head = i;
	else
		tw_set_link(after, TW_NEXT, i);
	if (next == TW_NIL)
		f->tail = i;
	else
		tw_set_link(next, TW_PREV, i);
}

/* The entry whose deadline comes first, of either family, or TW_NIL. */
static uint16_t tw_first(void)
{
	uint16_t a = tw_fam[0].head, b = tw_fam[1].head;

	if (a == TW_NIL)
		return b;
	if (b == TW_NIL)
		return a;
	return time_reached(tw_deadline(b), tw_deadline(a)) ? a : b;
}

/* ------------------------------------------------------------ classes */

/* The class's oldest entry (count > 0). */
static uint16_t tw_class_oldest(const struct tw_class *c)
{
	return tw_link(c->newest, TW_CNEXT);
}

#if TW6_N
/* Which of its address's two classes IPv6 entry i is in: the one whose
 * ring holds it. O(1) when i is a class's newest or oldest. */
static uint16_t tw6_class_index(uint16_t i)
{
	struct tw_view v = tw_view_of(i);
	uint16_t a = tw6_class_full(v.t.raddr.w), b = tw6_class_64(v.t.raddr.w), p;
	const struct tw_class *ca = &tw6_cls[a];

	if (a == b || (ca->count && (ca->newest == i || tw_class_oldest(ca) == i)))
		return a;
	if (tw6_cls[b].count && (tw6_cls[b].newest == i || tw_class_oldest(&tw6_cls[b]) == i))
		return b;
	for (p = tw_link(i, TW_CNEXT); p != i; p = tw_link(p, TW_CNEXT))
		if (ca->count && p == ca->newest)
			return a;
	return b;
}
#endif

/* The index of entry i's class in its family's records. */
static uint16_t tw_class_index(uint16_t i)
{
#if TW6_N
	if (tw_is6(i))
		return tw6_class_index(i);
#endif
	return (uint16_t)tw_hash_class(tw_tab[i].raddr);
}

/* Entry i becomes class k's newest. */
static void tw_class_link(uint16_t i, uint16_t k)
{
	struct tw_family *f = tw_family_of(i);
	struct tw_class *c = &f->cls[k];

	if (c->count == 0) {
		tw_set_link(i, TW_CNEXT, i);
	} else {
		tw_set_link(i, TW_CNEXT, tw_class_oldest(c));
		tw_set_link(c->newest, TW_CNEXT, i);
	}
	c->newest = i;
	c->count++;
	if (c->count > f->cls[f->heavy].count)
		f->heavy = k;
}

/* O(1) for the class's oldest entry (expiry, recycling), else a walk from
 * the oldest (see top). Returns the class it was in. */
static uint16_t tw_class_unlink(uint16_t i)
{
	uint16_t k = tw_class_index(i);
	struct tw_class *c = &tw_family_of(i)->cls[k];
	uint16_t p = c->newest;

	while (tw_link(p, TW_CNEXT) != i)
		p = tw_link(p, TW_CNEXT);
	if (p == i) {
		c->newest = TW_NIL;
	} else {
		tw_set_link(p, TW_CNEXT, tw_link(i, TW_CNEXT));
		if (c->newest == i)
			c->newest = p;
	}
	c->count--;
	return k;
}

/* The table of family f is full and its class k needs a slot: the oldest
 * entry of the heavier of f's heavy class and the class of f's FIFO head
 * if it holds more than k, else k's own oldest (see top). k holds at
 * least one entry in the second case: as many as the head's class, whose
 * count is at least 1. */
static uint16_t tw_victim(struct tw_family *f, uint16_t k)
{
	uint16_t h = tw_class_index(f->head);

	if (f->cls[h].count > f->cls[f->heavy].count)
		f->heavy = h;
	if (f->ncls > 1u && f->heavy != k && f->cls[f->heavy].count > f->cls[k].count) {
		STAT_INC(tw_recycled_heavier);
		return tw_class_oldest(&f->cls[f->heavy]);
	}
	STAT_INC(tw_recycled_own);
	return tw_class_oldest(&f->cls[k]);
}

/* ------------------------------------------------------------ slots */

static void tw_release(uint16_t i)
{
	struct tw_family *f = tw_family_of(i);

	tw_hash_unlink(i);
	tw_fifo_unlink(i);
	tw_class_unlink(i);
	tw_set_link(i, TW_NEXT, f->free);
	f->free = i;
	f->in_use--;
	tw_st.in_use--;
	if (f == &tw_fam[1])
		tw_st.in_use6--;
}

/*
 * How young recycled entries are: a running median of their time in
 * TIME_WAIT (since entering it, or since a retransmitted FIN restarted
 * 2MSL; counted back from the deadline with the MSL in force now). A
 * frugal streaming median (Ma, Muthukrishnan, Sandler 2013): the first
 * age sets it, each later one moves it 1/32 of itself (at least 1 ms)
 * toward that age, so it needs four bytes and no samples, and settles
 * within a few percent of the median after some dozens of recycles. A
 * table that recycles entries much younger than 2MSL is too small for
 * the rate at which its peers close. Entries of both families count.
 */
static void tw_recycle_age(uint16_t i, uint32_t now)
{
	uint32_t deadline = tw_deadline(i);
	uint32_t left = time_reached(now, deadline) ? 0u : deadline - now;
	uint32_t age = left > 2u * tw_msl_ms ? 0u : 2u * tw_msl_ms - left;
	uint32_t m = tw_st.recycled_age_ms, step = m / 32u ? m / 32u : 1u;

	if (tw_st.recycled == 0)
		m = age;
	else if (age > m)
		m = age - m < step ? age : m + step;
	else if (age < m)
		m = m - age < step ? age : m - step;
	tw_st.recycled_age_ms = m;
}

/* A free slot of family f, or when its table is full one recycled fairly
 * for an entry of class k. */
static uint16_t tw_alloc(struct tw_family *f, uint16_t k, uint32_t now)
{
	uint16_t i;

	if (f->free == TW_NIL) {
		uint16_t v = tw_victim(f, k);
		tw_recycle_age(v, now);
		tw_release(v);
		tw_st.recycled++;
	}
	i = f->free;
	f->free = tw_link(i, TW_NEXT);
	f->in_use++;
	tw_st.in_use++;
	if (f == &tw_fam[1])
		tw_st.in_use6++;
	if (tw_st.in_use > tw_st.peak)
		tw_st.peak = tw_st.in_use;
	return i;
}

/* ------------------------------------------------------------ API */

static void tw_family_init(struct tw_family *f, uint16_t base, uint16_t n, uint16_t *bucket, uint16_t nbuckets,
                           struct tw_class *cls, uint16_t ncls)
{
	*f = (struct tw_family){ base, n, bucket, nbuckets, cls, ncls, TW_NIL, TW_NIL, n ? base : TW_NIL, 0, 0 };
	for (uint16_t i = 0; i < n; i++)
		tw_set_link((uint16_t)(base + i), TW_NEXT, (uint16_t)(i + 1u < n ? base + i + 1u : TW_NIL));
	for (uint16_t b = 0; b < nbuckets; b++)
		bucket[b] = TW_NIL;
	for (uint16_t c = 0; c < ncls; c++)
		cls[c] = (struct tw_class){ TW_NIL, 0 };
}

void tw_init(uint32_t key)
{
	tw_family_init(&tw_fam[0], 0, TW4_N, tw_bucket, TW4_N, tw_cls, TW_CLASSES);
#if TW6_N
	tw_family_init(&tw_fam[1], TW4_N, TW6_N, tw6_bucket, TW6_BUCKETS, tw6_cls, TW6_CLASSES);
	memset(tw6_laddr, 0, sizeof tw6_laddr);
	memset(tw6_laddr_ll, 0, sizeof tw6_laddr_ll);
#else
	tw_fam[1] = (struct tw_family){ .head = TW_NIL, .tail = TW_NIL, .free = TW_NIL };
#endif
	tw_key = key;
	tw_laddr = 0;
	tw_msl_ms = FW_MSL_MS;
	tw_st = (struct fw_tcp_tw_stats){ 0 };
}

void tw_set_msl(uint32_t msl_ms)
{
	tw_msl_ms = msl_ms > TW_MSL_MAX_MS ? TW_MSL_MAX_MS : msl_ms;
}

uint32_t tw_msl(void)
{
	return tw_msl_ms;
}

void tw_expire(uint32_t now)
{
	uint16_t i;

	while ((i = tw_first()) != TW_NIL && time_reached(now, tw_deadline(i))) {
		tw_release(i);
		tw_st.expired++;
	}
}

/* The entry's state, written into slot i. */
static void tw_store(uint16_t i, const struct fw_tcp_tuple *t, uint32_t snd_nxt, uint32_t rcv_nxt)
{
#if TW6_N
	if (tw_is6(i)) {
		struct tw6_entry *e = tw6(i);
		memcpy(e->raddr, t->raddr.w, sizeof e->raddr);
		e->lport = t->lport;
		e->rport = t->rport;
		tw6_put32(e->snd_nxt, snd_nxt);
		tw6_put32(e->rcv_nxt, rcv_nxt);
		if (tw6_link_local(t->laddr.w))
			memcpy(tw6_laddr_ll, t->laddr.w, sizeof tw6_laddr_ll);
		else if (!tw6_loopback(t->laddr.w))
			memcpy(tw6_laddr, t->laddr.w, sizeof tw6_laddr);
		return;
	}
#endif
	tw_tab[i].raddr = t->raddr.w[0];
	tw_tab[i].lport = t->lport;
	tw_tab[i].rport = t->rport;
	tw_tab[i].snd_nxt = snd_nxt;
	tw_tab[i].rcv_nxt = rcv_nxt;
	if (!tw_is_loopback(t->raddr.w[0]))
		tw_laddr = t->laddr.w[0];
}

/* 2MSL counts from entering TIME_WAIT, not from the last segment received
 * before it (lwIP's behaviour). */
void tw_enter(const struct fw_tcp_tuple *t, uint32_t snd_nxt, uint32_t rcv_nxt, uint32_t now)
{
	struct tw_family *f = tw_family_for(t);
	uint16_t i, k;

	if (f->n == 0)
		return;         /* a family without a table (FW_TW6_ENTRIES 0): the connection just closes */
	tw_expire(now);  /* free what is due before recycling a live entry */
	i = tw_find(t);
	if (i != TW_NIL)
		tw_release(i);  /* one entry per 4-tuple: the newer incarnation wins */
	k = tw_class_for(t);
	i = tw_alloc(f, k, now);
	tw_store(i, t, snd_nxt, rcv_nxt);
	tw_set_deadline(i, now + 2u * tw_msl_ms);
	tw_hash_link(i);
	tw_fifo_insert(i);
	tw_class_link(i, k);
	tw_st.entered++;
	if (f == &tw_fam[1])
		tw_st.entered6++;
}

/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, the only segment TIME-WAIT sends. */
static void tw_send_ack(const struct fw_tcp_tuple *t, const struct tw_view *e)
{
	if (seg_send_ctl(t, e->snd_nxt, e->rcv_nxt, FW_TCP_ACK, TW_RCV_WND) == 0)
		tw_st.acks_sent++;
}

/* RFC 1122 4.2.2.13: a SYN may reopen from TIME-WAIT when its sequence
 * number lies beyond the old connection's (no timestamps here, so RFC
 * 6191's timestamp test does not apply). Only a plain SYN opens. */
static bool tw_is_new_syn(const struct tw_view *e, const struct fw_tcp_seg *s)
{
	return (s->flags & (FW_TCP_SYN | FW_TCP_ACK | FW_TCP_FIN | FW_TCP_RST)) == FW_TCP_SYN && seq_gt(s->seq, e->rcv_nxt);
}

/* The peer's FIN again: it occupies RCV.NXT - 1, so SEG.SEQ + payload
 * length == RCV.NXT - 1 (our final ACK was lost). */
static bool tw_is_fin_again(const struct tw_view *e, const struct fw_tcp_seg *s)
{
	return (s->flags & FW_TCP_FIN) && (s->seq + s->len) == e->rcv_nxt - 1u;
}

/*
 * Segments that are neither RST, SYN nor the FIN again (RFC 9293 3.10.7.4).
 * First check, with RCV.WND = 0: acceptable only if SEG.LEN = 0 and
 * SEG.SEQ = RCV.NXT; "if an incoming segment is not acceptable, an
 * acknowledgment should be sent in reply" (old duplicates, any data).
 * Fifth check, for acceptable ones: ACK bit off -> drop; an ACK of
 * something not yet sent (SEG.ACK > SND.NXT) -> ACK; otherwise it is a
 * duplicate of the final ACK (simultaneous close) and needs nothing.
 */
static void tw_other(const struct fw_tcp_tuple *t, const struct tw_view *e, const struct fw_tcp_seg *s)
{
	bool acceptable = seg_seqlen(s) == 0 && s->seq == e->rcv_nxt;

	if (!acceptable)
		tw_send_ack(t, e);
	else if ((s->flags & FW_TCP_ACK) && seq_gt(s->ack, e->snd_nxt))
		tw_send_ack(t, e);
}

enum tw_verdict tw_input(const struct fw_tcp_tuple *t, const struct fw_tcp_seg *seg, uint32_t now, bool can_open,
                         uint32_t *isn_floor)
{
	uint16_t i, k;
	struct tw_view e;

	tw_expire(now);  /* an entry past its deadline is CLOSED even if the timer is late */
	i = tw_find(t);
	if (i == TW_NIL)
		return TW_NO_MATCH;
	e = tw_view_of(i);
	if (seg->flags & FW_TCP_RST) {
		/* RFC 1337 fix (F1): ignore RST in TIME-WAIT (TIME-WAIT
		 * assassination); RFC 9293 3.10.7.4: never answer an RST. */
		tw_st.rst_ignored++;
	} else if (can_open && tw_is_new_syn(&e, seg)) {
		/* RFC 9293 3.6.1 MAY-2: reopen "if it: (1) assigns its initial
		 * sequence number for the new connection to be larger than the
		 * largest sequence number it used on the previous connection
		 * incarnation, and (2) returns to TIME-WAIT state if the SYN
		 * turns out to be an old duplicate". So the entry stays until
		 * the new incarnation is synchronized (tw_reopened): a SYN the
		 * listener has to drop (backlog full) leaves the floor for its
		 * retransmission, and a new incarnation that dies in SYN_RCVD
		 * leaves TIME-WAIT as it was, deadline included. */
		*isn_floor = e.snd_nxt;
		return TW_NEW_SYN;
	} else if (seg->flags & FW_TCP_SYN) {
		/* RFC 9293 3.10.7.4 fourth check / RFC 5961 4.2: any other SYN
		 * in a synchronized state, and a new one that nobody listens
		 * for (no new incarnation: TIME-WAIT stays, an RST would end
		 * it), gets a challenge ACK, within TIME_WAIT's own RFC 5961
		 * section 7 allowance. */
		if (seg_tw_challenge_ack_allowed(now))
			tw_send_ack(t, &e);
	} else if (tw_is_fin_again(&e, seg)) {
		/* RFC 9293 3.10.7.4 (ACK field and FIN bit, TIME-WAIT):
		 * acknowledge it and restart the 2 MSL timeout. */
		tw_send_ack(t, &e);
		tw_fifo_unlink(i);
		k = tw_class_unlink(i);
		tw_set_deadline(i, now + 2u * tw_msl_ms);
		tw_fifo_insert(i);
		tw_class_link(i, k);
		tw_st.fin_reacked++;
	} else {
		tw_other(t, &e, seg);
	}
	return TW_CONSUMED;
}

bool tw_reopened(const struct fw_tcp_tuple *t)
{
	uint16_t i = tw_find(t);

	if (i == TW_NIL)
		return false;
	tw_release(i);
	tw_st.reused++;
	return true;
}

bool tw_contains(const struct fw_tcp_tuple *t)
{
	return tw_find(t) != TW_NIL;
}

bool tw_next_deadline(uint32_t *at)
{
	uint16_t i = tw_first();

	if (i == TW_NIL)
		return false;
	*at = tw_deadline(i);
	return true;
}

/* The local address netstat shows for an entry (not stored, see top). */
static void tw_local_of(struct tw_view *v)
{
#if TW6_N
	if (v->t.raddr.family == FW_TCP_IPV6) {
		if (tw6_loopback(v->t.raddr.w))
			memcpy(v->t.laddr.w, v->t.raddr.w, sizeof v->t.laddr.w);
		else
			memcpy(v->t.laddr.w, tw6_link_local(v->t.raddr.w) ? tw6_laddr_ll : tw6_laddr,
			       sizeof v->t.laddr.w);
		return;
	}
#endif
	v->t.laddr.w[0] = tw_is_loopback(v->t.raddr.w[0]) ? v->t.raddr.w[0] : tw_laddr;
}

/* Both FIFOs merged, earliest deadline first. */
void tw_foreach(tw_visit_cb cb, void *arg)
{
	uint16_t a = tw_fam[0].head, b = tw_fam[1].head, i;

	while (a != TW_NIL || b != TW_NIL) {
		struct tw_view v;

		if (b == TW_NIL || (a != TW_NIL && time_reached(tw_deadline(b), tw_deadline(a)))) {
			i = a;
			a = tw_link(a, TW_NEXT);
		} else {
			i = b;
			b = tw_link(b, TW_NEXT);
		}
		v = tw_view_of(i);
		tw_local_of(&v);
		cb(&v.t, v.snd_nxt, v.rcv_nxt, tw_deadline(i), arg);
	}
}

const struct fw_tcp_tw_stats *tw_get_stats(void)
{
	return &tw_st;
}

#ifdef FW_HOST_TEST
/* Family f's free list, and its class rings and counts: NULL, or what is wrong. */
static const char *tw_check_family(const struct tw_family *f, uint32_t *sum)
{
	uint32_t n = 0;
	uint16_t i;

	for (i = f->free; i != TW_NIL && n <= f->n; i = tw_link(i, TW_NEXT))
		n++;
	if (n + f->in_use != f->n)
		return "free list and in_use do not add up to the table";
	for (uint32_t k = 0; k < f->ncls; k++) {
		const struct tw_class *c = &f->cls[k];
		uint32_t len = 0;

		if ((c->count == 0) != (c->newest == TW_NIL))
			return "class count and ring disagree";
		if (c->count == 0)
			continue;
		i = c->newest;
		do {
			if (tw_family_of(i) != f || tw_class_index(i) != k)
				return "entry in another class's ring";
			i = tw_link(i, TW_CNEXT);
			len++;
		} while (i != c->newest && len <= f->n);
		if (len != c->count)
			return "class ring length is not its count";
		*sum += c->count;
	}
	return NULL;
}

/* Every structure agrees with every other; the first disagreement, or NULL. */
const char *tw_check(void)
{
	uint32_t n = 0, sum = 0;
	uint16_t i, prev = TW_NIL;
	const char *why;

	for (unsigned fi = 0; fi < 2; fi++)
		if ((why = tw_check_family(&tw_fam[fi], &sum)) != NULL)
			return why;
	if (tw_fam[0].in_use + tw_fam[1].in_use != tw_st.in_use || tw_fam[1].in_use != tw_st.in_use6)
		return "family counts do not add up to in_use";
	for (unsigned fi = 0; fi < 2; fi++) {
		prev = TW_NIL;
		for (i = tw_fam[fi].head; i != TW_NIL && n <= TW_N; prev = i, i = tw_link(i, TW_NEXT), n++) {
			struct tw_view v = tw_view_of(i);

			if (tw_family_of(i) != &tw_fam[fi])
				return "entry in the other family's FIFO";
			if (tw_link(i, TW_PREV) != prev)
				return "FIFO prev link broken";
			if (prev != TW_NIL && !time_reached(tw_deadline(i), tw_deadline(prev)))
				return "FIFO not ordered by deadline";
			if (tw_find(&v.t) != i)
				return "live entry not found by its hash";
		}
		if (prev != tw_fam[fi].tail)
			return "FIFO tail wrong";
	}
	if (n != tw_st.in_use)
		return "FIFO length wrong";
	if (sum != tw_st.in_use)
		return "class counts do not add up to in_use";
	return NULL;
}
#endif

/* Entries, bucket heads and class records, rounded up. */
uint32_t tw_bytes_per_entry(void)
{
	uint32_t lookup = (uint32_t)(sizeof(tw_tab) + sizeof(tw_bucket) + sizeof(tw_cls));

	return (lookup + FW_TW_ENTRIES - 1u) / FW_TW_ENTRIES;
}

uint32_t tw_bytes_per_entry6(void)
{
#if TW6_N
	uint32_t lookup = (uint32_t)(sizeof(tw6_tab) + sizeof(tw6_bucket) + sizeof(tw6_cls));

	return (lookup + TW6_N - 1u) / TW6_N;
#else
	return 0;
#endif
}
