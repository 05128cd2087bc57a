/*
 * The compact TIME_WAIT table (RFC 9293 3.6.1 and the TIME-WAIT parts of
 * 3.10.7.4, RFC 1122 4.2.2.13, RFC 1337, RFC 5961).
 *
 * Layout. One static array of FW_TW_ENTRIES entries, linked by 16-bit
 * indices (TW_NIL = none), never pointers, so an entry costs the same on
 * the host and on Cortex-M:
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
 * Ordering. Deadlines are entry time + 2MSL. While MSL stays put, every new
 * deadline is >= the tail's and tw_enter() appends in O(1). After MSL is
 * shortened at run time, a new deadline can be earlier than older entries'
 * deadlines; insertion then walks back from the tail past those entries, so
 * the FIFO stays sorted and the head's deadline is always the minimum
 * (which is what the one-shot timer is armed with). That walk is bounded by
 * the entries entered under the longer MSL and ends when they expire.
 */
#include <stddef.h>
#include "fw_tcp_config.h"
#include "stats.h"
#include "tcp_out.h"
#include "timewait.h"

#define TW_NIL 0xFFFFu
/* time_reached() needs any two live deadlines within 2^31 ms of each other. */
#define TW_MSL_MAX_MS 0x3FFFFFFFu
/* The Cortex-M budget: an entry, lookup share included, within 32 bytes. */
#define TW_BYTES_BUDGET 32u
/* Address classes for fair recycling: one per two entries. */
#define TW_CLASSES (FW_TW_ENTRIES >= 2u ? FW_TW_ENTRIES / 2u : 1u)

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

_Static_assert(FW_TW_ENTRIES > 0 && FW_TW_ENTRIES < TW_NIL, "TIME_WAIT indices are 16-bit");

struct tw_entry {
	uint32_t raddr;       /* network byte order, as struct fw_tcp_tuple */
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

static struct tw_entry tw_tab[FW_TW_ENTRIES];
static uint16_t tw_bucket[FW_TW_ENTRIES];  /* hash chain heads */
static struct tw_class tw_cls[TW_CLASSES];

_Static_assert(sizeof(void *) != 4 || sizeof(struct tw_entry) <= TW_BYTES_BUDGET,
	       "TIME_WAIT entry over its Cortex-M budget");
_Static_assert(sizeof(void *) != 4 || FW_TW_ENTRIES < 2 ||
	       sizeof(tw_tab) + sizeof(tw_bucket) + sizeof(tw_cls) <= (size_t)TW_BYTES_BUDGET * FW_TW_ENTRIES,
	       "TIME_WAIT entry with its lookup and class share over its Cortex-M budget");

static uint16_t tw_head;     /* earliest deadline */
static uint16_t tw_tail;     /* latest deadline */
static uint16_t tw_free;
static uint16_t tw_heavy;    /* the class with the largest count as counts grew */
static uint32_t tw_key;      /* hash key, from the boot secret */
static uint32_t tw_laddr;    /* the device's non-loopback address, for tw_foreach() */

/* 127.0.0.0/8 (RFC 1122 3.2.1.3); addresses in network byte order. */
static bool tw_is_loopback(uint32_t addr)
{
	return ((const uint8_t *)&addr)[0] == 127u;
}
static uint32_t tw_msl_ms;
static struct fw_tcp_tw_stats tw_st;

/* ------------------------------------------------------------ hash */

static uint32_t tw_mix(uint32_t h)
{
	h ^= h >> 16;
	h *= TW_HASH_MUL2;
	h ^= h >> 13;
	return h;
}

#ifndef FW_HOST_TEST
static
#endif
uint32_t tw_hash_bucket(const struct fw_tcp_tuple *t)
{
	uint32_t h = (t->raddr ^ tw_key) * TW_HASH_MUL1;

	h ^= ((uint32_t)t->lport << 16) | t->rport;
	return tw_mix(h) % FW_TW_ENTRIES;
}

#ifndef FW_HOST_TEST
static
#endif
uint32_t tw_hash_class(uint32_t raddr)
{
	return tw_mix((raddr ^ tw_key) * TW_HASH_MUL1) % TW_CLASSES;
}

static bool tw_matches(const struct tw_entry *e, const struct fw_tcp_tuple *t)
{
	return e->raddr == t->raddr && e->lport == t->lport && e->rport == t->rport;
}

static uint16_t tw_find(const struct fw_tcp_tuple *t)
{
	uint16_t i = tw_bucket[tw_hash_bucket(t)];

	while (i != TW_NIL && !tw_matches(&tw_tab[i], t))
		i = tw_tab[i].hnext;
	return i;
}

static void tw_hash_link(uint16_t i)
{
	struct fw_tcp_tuple t = { .raddr = tw_tab[i].raddr, .lport = tw_tab[i].lport, .rport = tw_tab[i].rport };
	uint16_t *b = &tw_bucket[tw_hash_bucket(&t)];

	tw_tab[i].hnext = *b;
	*b = i;
}

/* O(chain): chains average one entry or so with one bucket per entry. */
static void tw_hash_unlink(uint16_t i)
{
	struct fw_tcp_tuple t = { .raddr = tw_tab[i].raddr, .lport = tw_tab[i].lport, .rport = tw_tab[i].rport };
	uint16_t *link = &tw_bucket[tw_hash_bucket(&t)];

	while (*link != i)
		link = &tw_tab[*link].hnext;
	*link = tw_tab[i].hnext;
}

/* ------------------------------------------------------------ FIFO */

static void tw_fifo_unlink(uint16_t i)
{
	struct tw_entry *e = &tw_tab[i];

	if (e->prev != TW_NIL)
		tw_tab[e->prev].next = e->next;
	else
		tw_head = e->next;
	if (e->next != TW_NIL)
		tw_tab[e->next].prev = e->prev;
	else
		tw_tail = e->prev;
}

/* Append at the tail, or further back after MSL was shortened (see top). */
static void tw_fifo_insert(uint16_t i)
{
	struct tw_entry *e = &tw_tab[i];
	uint16_t after = tw_tail;

	while (after != TW_NIL && !time_reached(e->deadline, tw_tab[after].deadline))
		after = tw_tab[after].prev;
	e->prev = after;
	e->next = (after == TW_NIL) ? tw_head : tw_tab[after].next;
	if (after == TW_NIL)
		tw_head = i;
	else
		tw_tab[after].next = i;
	if (e->next == TW_NIL)
		tw_tail = i;
	else
		tw_tab[e->next].prev = i;
}

/* ------------------------------------------------------------ classes */

static struct tw_class *tw_class_of(uint16_t i)
{
	return &tw_cls[tw_hash_class(tw_tab[i].raddr)];
}

/* The class's oldest entry (count > 0). */
static uint16_t tw_class_oldest(const struct tw_class *c)
{
	return tw_tab[c->newest].cnext;
}

/* Entry i becomes its class's newest. */
static void tw_class_link(uint16_t i)
{
	uint16_t k = (uint16_t)tw_hash_class(tw_tab[i].raddr);
	struct tw_class *c = &tw_cls[k];

	if (c->count == 0) {
		tw_tab[i].cnext = i;
	} else {
		tw_tab[i].cnext = tw_class_oldest(c);
		tw_tab[c->newest].cnext = i;
	}
	c->newest = i;
	c->count++;
	if (c->count > tw_cls[tw_heavy].count)
		tw_heavy = k;
}

/* O(1) for the class's oldest entry (expiry, recycling), else a walk from
 * the oldest (see top). */
static void tw_class_unlink(uint16_t i)
{
	struct tw_class *c = tw_class_of(i);
	uint16_t p = c->newest;

	while (tw_tab[p].cnext != i)
		p = tw_tab[p].cnext;
	if (p == i) {
		c->newest = TW_NIL;
	} else {
		tw_tab[p].cnext = tw_tab[i].cnext;
		if (c->newest == i)
			c->newest = p;
	}
	c->count--;
}

/* The table is full and class k needs a slot: the oldest entry of the
 * heavier of tw_heavy and the head's class if it holds more than k, else
 * k's own oldest (see top). k holds at least one entry in the second case:
 * as many as the head's class, whose count is at least 1. */
static uint16_t tw_victim(uint16_t k)
{
	uint16_t h = (uint16_t)tw_hash_class(tw_tab[tw_head].raddr);

	if (tw_cls[h].count > tw_cls[tw_heavy].count)
		tw_heavy = h;
	if (TW_CLASSES > 1u && tw_heavy != k && tw_cls[tw_heavy].count > tw_cls[k].count) {
		STAT_INC(tw_recycled_heavier);
		return tw_class_oldest(&tw_cls[tw_heavy]);
	}
	STAT_INC(tw_recycled_own);
	return tw_class_oldest(&tw_cls[k]);
}

/* ------------------------------------------------------------ slots */

static void tw_release(uint16_t i)
{
	tw_hash_unlink(i);
	tw_fifo_unlink(i);
	tw_class_unlink(i);
	tw_tab[i].next = tw_free;
	tw_free = i;
	tw_st.in_use--;
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
 * the rate at which its peers close.
 */
static void tw_recycle_age(const struct tw_entry *e, uint32_t now)
{
	uint32_t left = time_reached(now, e->deadline) ? 0u : e->deadline - now;
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

/* A free slot, or when the table is full one recycled fairly for an entry
 * from `raddr`. */
static uint16_t tw_alloc(uint32_t raddr, uint32_t now)
{
	uint16_t i;

	if (tw_free == TW_NIL) {
		uint16_t v = tw_victim((uint16_t)tw_hash_class(raddr));
		tw_recycle_age(&tw_tab[v], now);
		tw_release(v);
		tw_st.recycled++;
	}
	i = tw_free;
	tw_free = tw_tab[i].next;
	tw_st.in_use++;
	if (tw_st.in_use > tw_st.peak)
		tw_st.peak = tw_st.in_use;
	return i;
}

/* ------------------------------------------------------------ API */

void tw_init(uint32_t key)
{
	uint16_t i;

	for (i = 0; i < FW_TW_ENTRIES; i++) {
		tw_tab[i].next = (uint16_t)(i + 1u < FW_TW_ENTRIES ? i + 1u : TW_NIL);
		tw_bucket[i] = TW_NIL;
	}
	for (i = 0; i < TW_CLASSES; i++)
		tw_cls[i] = (struct tw_class){ TW_NIL, 0 };
	tw_heavy = 0;
	tw_key = key;
	tw_free = 0;
	tw_head = TW_NIL;
	tw_tail = TW_NIL;
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
	while (tw_head != TW_NIL && time_reached(now, tw_tab[tw_head].deadline)) {
		tw_release(tw_head);
		tw_st.expired++;
	}
}

/* 2MSL counts from entering TIME_WAIT, not from the last segment received
 * before it (lwIP's behaviour). */
void tw_enter(const struct fw_tcp_tuple *t, uint32_t snd_nxt, uint32_t rcv_nxt, uint32_t now)
{
	uint16_t i;
	struct tw_entry *e;

	tw_expire(now);  /* free what is due before recycling a live entry */
	i = tw_find(t);
	if (i != TW_NIL)
		tw_release(i);  /* one entry per 4-tuple: the newer incarnation wins */
	i = tw_alloc(t->raddr, now);
	e = &tw_tab[i];
	e->raddr = t->raddr;
	e->lport = t->lport;
	e->rport = t->rport;
	e->snd_nxt = snd_nxt;
	e->rcv_nxt = rcv_nxt;
	e->deadline = now + 2u * tw_msl_ms;
	if (!tw_is_loopback(t->raddr))
		tw_laddr = t->laddr;
	tw_hash_link(i);
	tw_fifo_insert(i);
	tw_class_link(i);
	tw_st.entered++;
}

/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, the only segment TIME-WAIT sends. */
static void tw_send_ack(const struct fw_tcp_tuple *t, const struct tw_entry *e)
{
	if (seg_send_ctl(t, e->snd_nxt, e->rcv_nxt, FW_TCP_ACK, TW_RCV_WND) == 0)
		tw_st.acks_sent++;
}

/* RFC 1122 4.2.2.13: a SYN may reopen from TIME-WAIT when its sequence
 * number lies beyond the old connection's (no timestamps here, so RFC
 * 6191's timestamp test does not apply). Only a plain SYN opens. */
static bool tw_is_new_syn(const struct tw_entry *e, const struct fw_tcp_seg *s)
{
	return (s->flags & (FW_TCP_SYN | FW_TCP_ACK | FW_TCP_FIN | FW_TCP_RST)) == FW_TCP_SYN && seq_gt(s->seq, e->rcv_nxt);
}

/* The peer's FIN again: it occupies RCV.NXT - 1, so SEG.SEQ + payload
 * length == RCV.NXT - 1 (our final ACK was lost). */
static bool tw_is_fin_again(const struct tw_entry *e, const struct fw_tcp_seg *s)
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
static void tw_other(const struct fw_tcp_tuple *t, const struct tw_entry *e, const struct fw_tcp_seg *s)
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
	uint16_t i;
	struct tw_entry *e;

	tw_expire(now);  /* an entry past its deadline is CLOSED even if the timer is late */
	i = tw_find(t);
	if (i == TW_NIL)
		return TW_NO_MATCH;
	e = &tw_tab[i];
	if (seg->flags & FW_TCP_RST) {
		/* RFC 1337 fix (F1): ignore RST in TIME-WAIT (TIME-WAIT
		 * assassination); RFC 9293 3.10.7.4: never answer an RST. */
		tw_st.rst_ignored++;
	} else if (can_open && tw_is_new_syn(e, seg)) {
		/* RFC 9293 3.6.1 MAY-2: reopen "if it: (1) assigns its initial
		 * sequence number for the new connection to be larger than the
		 * largest sequence number it used on the previous connection
		 * incarnation, and (2) returns to TIME-WAIT state if the SYN
		 * turns out to be an old duplicate". So the entry stays until
		 * the new incarnation is synchronized (tw_reopened): a SYN the
		 * listener has to drop (backlog full) leaves the floor for its
		 * retransmission, and a new incarnation that dies in SYN_RCVD
		 * leaves TIME-WAIT as it was, deadline included. */
		*isn_floor = e->snd_nxt;
		return TW_NEW_SYN;
	} else if (seg->flags & FW_TCP_SYN) {
		/* RFC 9293 3.10.7.4 fourth check / RFC 5961 4.2: any other SYN
		 * in a synchronized state, and a new one that nobody listens
		 * for (no new incarnation: TIME-WAIT stays, an RST would end
		 * it), gets a challenge ACK, within TIME_WAIT's own RFC 5961
		 * section 7 allowance. */
		if (seg_tw_challenge_ack_allowed(now))
			tw_send_ack(t, e);
	} else if (tw_is_fin_again(e, seg)) {
		/* RFC 9293 3.10.7.4 (ACK field and FIN bit, TIME-WAIT):
		 * acknowledge it and restart the 2 MSL timeout. */
		tw_send_ack(t, e);
		tw_fifo_unlink(i);
		tw_class_unlink(i);
		e->deadline = now + 2u * tw_msl_ms;
		tw_fifo_insert(i);
		tw_class_link(i);
		tw_st.fin_reacked++;
	} else {
		tw_other(t, e, seg);
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
	if (tw_head == TW_NIL)
		return false;
	*at = tw_tab[tw_head].deadline;
	return true;
}

void tw_foreach(tw_visit_cb cb, void *arg)
{
	uint16_t i;

	for (i = tw_head; i != TW_NIL; i = tw_tab[i].next) {
		const struct tw_entry *e = &tw_tab[i];
		struct fw_tcp_tuple t = { .laddr = tw_is_loopback(e->raddr) ? e->raddr : tw_laddr, .raddr = e->raddr,
		                          .lport = e->lport, .rport = e->rport };

		cb(&t, e->snd_nxt, e->rcv_nxt, e->deadline, arg);
	}
}

const struct fw_tcp_tw_stats *tw_get_stats(void)
{
	return &tw_st;
}

#ifdef FW_HOST_TEST
/* Every structure agrees with every other; the first disagreement, or NULL. */
const char *tw_check(void)
{
	uint32_t n = 0, sum = 0;
	uint16_t i, prev = TW_NIL;

	for (i = tw_free; i != TW_NIL && n <= FW_TW_ENTRIES; i = tw_tab[i].next)
		n++;
	if (n + tw_st.in_use != FW_TW_ENTRIES)
		return "free list and in_use do not add up to the table";
	n = 0;
	for (i = tw_head; i != TW_NIL && n <= FW_TW_ENTRIES; prev = i, i = tw_tab[i].next, n++) {
		struct fw_tcp_tuple t = { .raddr = tw_tab[i].raddr, .lport = tw_tab[i].lport, .rport = tw_tab[i].rport };

		if (tw_tab[i].prev != prev)
			return "FIFO prev link broken";
		if (prev != TW_NIL && !time_reached(tw_tab[i].deadline, tw_tab[prev].deadline))
			return "FIFO not ordered by deadline";
		if (tw_find(&t) != i)
			return "live entry not found by its hash";
	}
	if (n != tw_st.in_use || prev != tw_tail)
		return "FIFO length or tail wrong";
	for (uint32_t k = 0; k < TW_CLASSES; k++) {
		const struct tw_class *c = &tw_cls[k];
		uint32_t len = 0;

		if ((c->count == 0) != (c->newest == TW_NIL))
			return "class count and ring disagree";
		if (c->count == 0)
			continue;
		i = c->newest;
		do {
			if (tw_hash_class(tw_tab[i].raddr) != k)
				return "entry in another class's ring";
			i = tw_tab[i].cnext;
			len++;
		} while (i != c->newest && len <= FW_TW_ENTRIES);
		if (len != c->count)
			return "class ring length is not its count";
		sum += c->count;
	}
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
