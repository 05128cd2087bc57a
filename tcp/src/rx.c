/*
 * Receive buffers. What a peer can make the device hold is the PBUF_POOL
 * buffers its segments arrived in (PBUF_POOL_BUFSIZE each, however few
 * bytes they carry), so that is what is counted:
 *
 * - Packed: a segment is copied into the room left behind the data of the
 *   buffer before it (the queue's tail), as much as fits; only the rest
 *   keeps its own buffer, moved to the buffer's start when headers and
 *   the copied part left less than one MSS of room. Every buffer of a
 *   queue but the last then holds at least RX_UNIT (one MSS) bytes: one
 *   byte per segment costs one buffer per MSS, not per byte.
 * - Lent as views: recv_cb gets PBUF_REF custom pbufs pointing into the
 *   buffers, one per buffer, each holding a reference to its buffer; the
 *   buffer goes back to the pool when the engine and every view are done
 *   with it, and lwIP tells us when the application frees a view
 *   (custom_free_function). The tail stays writable behind its lent
 *   bytes, so an application that holds what it got loses no room.
 *   At most FW_TCP_RCV_VIEWS views are held per connection; beyond,
 *   data waits in the (packed) queue.
 * - Charged: tcb->rx_bufs counts the buffers a connection pins (queued,
 *   being delivered, or lent), stats rx_bufs all of TCP's; buffers its
 *   application still holds after the TCB is gone stay counted (orphans).
 * - Set aside: a window is a promise (RFC 1122 4.2.2.16: it SHOULD NOT
 *   shrink), so offering one sets buffers aside. tcb->rx_commit is the
 *   buffers a connection's offer may need; every control block slot has
 *   FW_TCP_RX_MIN_BUFS of its own, the rest of FW_TCP_RX_POOL_BUFS is
 *   shared and taken only by synchronized connections, up to
 *   FW_TCP_RCVQ_PBUFS each. An offer is what the set-aside buffers hold
 *   beyond RCV.NXT: the tail's room (up to RX_UNIT) and RX_UNIT per buffer
 *   not yet used, within FW_TCP_WND less the bytes queued or unrecved.
 *   Queueing, packing, lending and freeing never lower that capacity below
 *   an offer made, so the right edge never moves left; a later offer sets
 *   aside as many buffers as the last one still needs, or more.
 *
 * - Out of order (RFC 9293 3.10.7.4): a segment beyond RCV.NXT inside the
 *   window keeps one buffer of its own in tcb->ooq, charged in rx_bufs,
 *   borrowed only from the buffers already set aside for the
 *   connection's offer, so it never pins more than that share of the
 *   budget nor takes a buffer from anyone else. Borrowed buffers still
 *   back the offer: when in-order data needs a buffer and the set-aside
 *   ones are used, out-of-order data gives its up first, from the right.
 *   When the hole fills it is queued (packed) like in-order data.
 */
#include <string.h>
#include "fw_tcp_config.h"
#include "lwip/memp.h"
#include "rx.h"
#include "stats.h"
#include "tcb.h"

#if !LWIP_SUPPORT_CUSTOM_PBUF
#error "rx.c lends received data as custom pbufs: LWIP_SUPPORT_CUSTOM_PBUF in lwipopts.h"
#endif

/* The pool buffer as pbuf.c lays it out for PBUF_POOL: the struct pbuf,
 * then PBUF_POOL_BUFSIZE (aligned) of payload; a received frame starts at
 * its beginning. (test_rxbudget.c checks the layout.) */
#define RX_PBUF_HDR LWIP_MEM_ALIGN_SIZE(sizeof(struct pbuf))
#define RX_BUF_SIZE LWIP_MEM_ALIGN_SIZE(PBUF_POOL_BUFSIZE)
/* Bytes every queued buffer but the tail holds: one MSS. A full-sized
 * frame leaves RX_BUF_SIZE - MSS in front of and behind its payload, so a
 * stream of them packs without moving a byte. */
#define RX_UNIT ((uint32_t)FW_TCP_MSS)
#define RX_FRONT_MAX (RX_BUF_SIZE - RX_UNIT)
#define RX_VIEW_COUNT (FW_TCB_COUNT * FW_TCP_RCV_VIEWS)

_Static_assert(FW_TCP_RX_POOL_BUFS + FW_TCP_RX_POOL_RESERVE <= PBUF_POOL_SIZE,
               "TCP's receive budget and the reserve for the MAC, ARP, ICMP and SYNs exceed PBUF_POOL_SIZE");
_Static_assert(FW_TCP_RX_MIN_BUFS >= 1 && FW_TCB_COUNT * FW_TCP_RX_MIN_BUFS <= FW_TCP_RX_POOL_BUFS,
               "every control block's own receive buffers must fit in FW_TCP_RX_POOL_BUFS");
_Static_assert(FW_TCP_RCVQ_PBUFS >= FW_TCP_RX_MIN_BUFS &&
               FW_TCP_RCVQ_PBUFS <= FW_TCP_RX_POOL_BUFS - (FW_TCB_COUNT - 1) * FW_TCP_RX_MIN_BUFS,
               "one connection must be able to reach FW_TCP_RCVQ_PBUFS");
_Static_assert(FW_TCP_RCVQ_PBUFS <= UINT8_MAX && FW_TCP_RCV_VIEWS >= 1 && FW_TCP_RCV_VIEWS <= UINT8_MAX,
               "per-connection counts are 8-bit");
_Static_assert(FW_TCP_MSS <= RX_BUF_SIZE, "a pool buffer must hold one MSS");

struct rx_view {
	struct pbuf_custom pc;   /* first: lwIP hands &pc.pbuf back to rx_view_free() */
	struct pbuf *buf;        /* the pool buffer it points into (one reference) */
	uint8_t tcb, gen;        /* owner; a slot reused since is someone else */
	bool quiet;              /* freed by the engine (refused): nothing to follow up */
	bool in_use;
};

static struct rx_view rx_views[RX_VIEW_COUNT];
static uint16_t rx_orphans;      /* buffers lent by connections that are gone */
static uint16_t rx_aside_extra;  /* set aside beyond FW_TCP_RX_MIN_BUFS, all slots together */
static bool rx_starved;          /* a delivery found no free view */

void rx_reset(void)
{
	memset(rx_views, 0, sizeof rx_views);
	rx_orphans = 0;
	rx_aside_extra = 0;
	rx_starved = false;
}

/* ------------------------------------------------------------ buffers */

static uint8_t *rx_buf_start(struct pbuf *q) { return (uint8_t *)q + RX_PBUF_HDR; }

/* A buffer of our own to pack into or keep: one PBUF_POOL pbuf nobody
 * else references. */
static bool rx_is_own_pool(const struct pbuf *p)
{
	return p->next == NULL && p->ref == 1 && !(p->flags & PBUF_FLAG_IS_CUSTOM) &&
	       pbuf_get_allocsrc(p) == PBUF_TYPE_ALLOC_SRC_MASK_STD_MEMP_PBUF_POOL;
}

static uint32_t rx_room(const struct fw_tcp_conn *tcb)
{
	struct pbuf *t = tcb->rx_tail;
	if (!t)
		return 0;
	return (uint32_t)(rx_buf_start(t) + RX_BUF_SIZE - ((uint8_t *)t->payload + t->len));
}

static void rx_charge(struct fw_tcp_conn *tcb)
{
	tcb->rx_bufs++;
	stats_tcp.rx_bufs++;
	if (stats_tcp.rx_bufs > stats_tcp.rx_bufs_peak)
		stats_tcp.rx_bufs_peak = stats_tcp.rx_bufs;
}

/* One reference to a buffer charged to `tcb` (NULL: a gone connection's)
 * is dropped; the charge goes with the last. A buffer still linked in a
 * queue has another reference, so pbuf_free() never follows its next. */
static void rx_put(struct fw_tcp_conn *tcb, struct pbuf *q)
{
	if (pbuf_free(q) == 0)
		return;
	stats_tcp.rx_bufs--;
	if (tcb)
		tcb->rx_bufs--;
	else
		rx_orphans--;
}

static void rx_put_chain(struct fw_tcp_conn *tcb, struct pbuf *q)
{
	while (q) {
		struct pbuf *next = q->next;
		q->next = NULL;
		rx_put(tcb, q);
		q = next;
	}
}

/* ------------------------------------------------------------ windows */

static unsigned rx_set_aside(const struct fw_tcp_conn *tcb)
{
	return tcb->rx_commit > FW_TCP_RX_MIN_BUFS ? tcb->rx_commit : FW_TCP_RX_MIN_BUFS;
}

static uint32_t rx_tail_credit(const struct fw_tcp_conn *tcb)
{
	uint32_t room = rx_room(tcb);
	return room < RX_UNIT ? room : RX_UNIT;
}

/* FW_TCP_WND less what is queued or not yet fw_tcp_recved(). */
static uint32_t rx_byte_window(const struct fw_tcp_conn *tcb)
{
	uint32_t held = (tcb->rcvq ? tcb->rcvq->tot_len : 0u) + tcb->unrecved;
	return held >= FW_TCP_WND ? 0u : FW_TCP_WND - held;
}

/* Buffers in-order data holds: out-of-order data only borrows set-aside
 * buffers, given up whenever in-order data needs one (rx_queue), so they
 * still back the offer. */
static unsigned rx_held(const struct fw_tcp_conn *tcb)
{
#if FW_TCP_OOQ_SEGS
	return (unsigned)(tcb->rx_bufs - tcb->ooq_n);
#else
	return tcb->rx_bufs;
#endif
}

static uint32_t rx_capacity(const struct fw_tcp_conn *tcb, unsigned aside)
{
	return rx_tail_credit(tcb) + (aside > rx_held(tcb) ? aside - rx_held(tcb) : 0u) * RX_UNIT;
}

/* Buffers beyond those held that `bytes` past RCV.NXT may need. */
static unsigned rx_bufs_for(const struct fw_tcp_conn *tcb, uint32_t bytes)
{
	uint32_t credit = rx_tail_credit(tcb);
	return bytes > credit ? (unsigned)((bytes - credit + RX_UNIT - 1u) / RX_UNIT) : 0u;
}

static uint32_t rx_promised(const struct fw_tcp_conn *tcb)
{
	return seq_gt(tcb->rcv_adv, tcb->rcv_nxt) ? tcb->rcv_adv - tcb->rcv_nxt : 0u;
}

static uint32_t rx_min32(uint32_t a, uint32_t b) { return a < b ? a : b; }

uint32_t rx_window(const struct fw_tcp_conn *tcb)
{
	return rx_min32(rx_byte_window(tcb), rx_capacity(tcb, rx_set_aside(tcb)));
}

/* Shared buffers nobody has set aside: the budget less every slot's own
 * (or what it set aside beyond) and the orphans. A free slot has
 * rx_commit 0 (rx_release), so it counts its own FW_TCP_RX_MIN_BUFS only. */
static int rx_shared_free(void)
{
	return FW_TCP_RX_POOL_BUFS - (int)rx_orphans - FW_TCB_COUNT * FW_TCP_RX_MIN_BUFS - (int)rx_aside_extra;
}

#ifdef FW_HOST_TEST
const char *rx_check(void)
{
	unsigned extra = 0;

	for (unsigned i = 0; i < FW_TCB_COUNT; i++) {
		const struct fw_tcp_conn *c = tcb_by_id(i);
		if (c)
			extra += rx_set_aside(c) - FW_TCP_RX_MIN_BUFS;
	}
	return extra == rx_aside_extra ? NULL : "set-aside total disagrees with the slots";
}
#endif

/* The one writer of rx_commit: keeps rx_aside_extra, what every slot sets
 * aside beyond its own, so that rx_shared_free() need not add it up. */
static void rx_set_commit(struct fw_tcp_conn *tcb, unsigned commit)
{
	rx_aside_extra = (uint16_t)(rx_aside_extra - (rx_set_aside(tcb) - FW_TCP_RX_MIN_BUFS));
	tcb->rx_commit = (uint8_t)commit;
	rx_aside_extra = (uint16_t)(rx_aside_extra + (rx_set_aside(tcb) - FW_TCP_RX_MIN_BUFS));
}

struct rx_offer {
	uint32_t wnd;
	unsigned commit;
	bool limited;          /* the shared budget had less than the connection wanted */
};

/* RCV.BUFF of RFC 9293 3.8.6.2.2: the most one connection's offers can
 * reach (FW_TCP_WND within FW_TCP_RCVQ_PBUFS buffers of one MSS each). */
#define RX_BUFF (FW_TCP_WND < FW_TCP_RCVQ_PBUFS * RX_UNIT ? (uint32_t)FW_TCP_WND : FW_TCP_RCVQ_PBUFS * RX_UNIT)

/* The least the right edge moves by (RFC 9293 3.8.6.2.2, MUST-39):
 * min(Fr * RCV.BUFF, Eff.snd.MSS) with Fr = 1/2. */
static uint32_t rx_sws_step(const struct fw_tcp_conn *tcb)
{
	return rx_min32(RX_BUFF / 2u, tcb->mss);
}

static struct rx_offer rx_make_offer(const struct fw_tcp_conn *tcb)
{
	struct rx_offer o = { 0, 0, false };
	uint32_t bytes = rx_byte_window(tcb), promised = rx_promised(tcb);
	unsigned have = rx_set_aside(tcb);
	unsigned cap = tcb_synchronized(tcb) ? FW_TCP_RCVQ_PBUFS : FW_TCP_RX_MIN_BUFS;
	unsigned want = rx_held(tcb) + rx_bufs_for(tcb, bytes);
	/* After shut_rx new data is answered with RST (RFC 1122 4.2.2.13):
	 * the right edge stays where it was, with nothing set aside behind it. */
	unsigned floor = (tcb->flags & TCB_F_RX_CLOSED) ? 0u : rx_held(tcb) + rx_bufs_for(tcb, promised);

	if (want > cap)
		want = cap;
	o.commit = want > floor ? want : floor;
	if (o.commit > have) {
		int room = rx_shared_free();
		unsigned extra = o.commit - have;
		if (room < (int)extra) {
			extra = room > 0 ? (unsigned)room : 0u;
			o.limited = true;
		}
		o.commit = have + extra;
	}
	o.wnd = rx_min32(bytes, rx_capacity(tcb, o.commit > FW_TCP_RX_MIN_BUFS ? o.commit : FW_TCP_RX_MIN_BUFS));
	/* Never below the last offer (RFC 9293 3.8.6.2.2 SHLD-14: the right
	 * edge never moves left). The buffers behind it are there: the offer
	 * that placed the edge set aside enough for it (`floor` asks no more
	 * than that, so a short shared budget never takes them back: `have`
	 * already holds them), and queueing, packing, lending and freeing
	 * never lower that capacity; the fuzz target checks. Only after
	 * shut_rx does the edge stand with nothing behind it (data -> RST). */
	if (o.wnd < promised)
		o.wnd = promised;
	/* Receiver SWS avoidance (RFC 9293 3.8.6.2.2, MUST-39): RCV.NXT +
	 * RCV.WND stays where it is until it can move right by at least
	 * rx_sws_step(). The buffers set aside stay (out-of-order data may
	 * borrow them; the edge moves onto them once it can move a step).
	 * In SYN_SENT RCV.NXT is not known yet: nothing to hold. */
	if (tcb->state != FW_TCP_SYN_SENT && seq_gt(tcb->rcv_nxt + o.wnd, tcb->rcv_adv) &&
	    tcb->rcv_nxt + o.wnd - tcb->rcv_adv < rx_sws_step(tcb))
		o.wnd = promised;
	return o;
}

uint32_t rx_offer(const struct fw_tcp_conn *tcb)
{
	return rx_make_offer(tcb).wnd;
}

/* RFC 9293 3.8.6.2.2 (receiver's SWS avoidance): a window update is worth
 * sending when the offer left is below the SWS step (the peer may be
 * waiting for room) and the right edge can move (by a step at least:
 * rx_make_offer holds it otherwise). A larger offer left rides on the
 * next ACK. */
bool rx_reopened(const struct fw_tcp_conn *tcb)
{
	return rx_filled(tcb) && rx_offer(tcb) > rx_promised(tcb);
}

bool rx_filled(const struct fw_tcp_conn *tcb)
{
	return rx_promised(tcb) < rx_sws_step(tcb);
}

uint16_t rx_advertise(struct fw_tcp_conn *tcb)
{
	struct rx_offer o = rx_make_offer(tcb);

	rx_set_commit(tcb, o.commit);
	if (o.limited)
		STAT_INC(rx_wnd_limited);
	/* In SYN_SENT RCV.NXT is not known yet: rx_synchronize() places the
	 * SYN's offer once the peer's SYN says where it starts. */
	if (tcb->state != FW_TCP_SYN_SENT && seq_gt(tcb->rcv_nxt + o.wnd, tcb->rcv_adv))
		tcb->rcv_adv = tcb->rcv_nxt + o.wnd;
	return o.wnd > 0xffffu ? 0xffffu : (uint16_t)o.wnd;
}

void rx_synchronize(struct fw_tcp_conn *tcb, uint32_t offered)
{
	tcb->rcv_adv = tcb->rcv_nxt + offered;
}

uint16_t rx_syn_window(void)
{
	return (uint16_t)rx_min32(FW_TCP_WND, (uint32_t)FW_TCP_RX_MIN_BUFS * RX_UNIT);
}

/* ------------------------------------------------------------ queueing */

/* `n` more bytes were written behind the tail's data. */
static void rx_grow_tail(struct fw_tcp_conn *tcb, uint16_t n)
{
	struct pbuf *t = tcb->rx_tail;

	if (!tcb->rcvq)
		tcb->rcvq = t;           /* all its data was lent: it queues again */
	else
		for (struct pbuf *q = tcb->rcvq; q != t; q = q->next)
			q->tot_len = (u16_t)(q->tot_len + n);
	t->len = (u16_t)(t->len + n);
	t->tot_len = (u16_t)(t->tot_len + n);
}

/* A pool buffer holding p's bytes from `skip` on: p itself when it is
 * one (its data moved to the start when too little room is left), else a
 * fresh one they are copied into (a chain, or a PBUF_RAM from the
 * loopback netif). Takes p; NULL when no buffer was to be had. */
static struct pbuf *rx_own(struct pbuf *p, uint16_t skip)
{
	struct pbuf *q;
	uint16_t n;

	if (rx_is_own_pool(p)) {
		pbuf_remove_header(p, skip);
		if ((uint32_t)((uint8_t *)p->payload - rx_buf_start(p)) > RX_FRONT_MAX) {
			memmove(rx_buf_start(p), p->payload, p->len);
			p->payload = rx_buf_start(p);
			STAT_INC(rx_moved);
		}
		return p;
	}
	n = (uint16_t)(p->tot_len - skip);
	q = n <= RX_BUF_SIZE ? pbuf_alloc(PBUF_RAW, PBUF_POOL_BUFSIZE, PBUF_POOL) : NULL;
	if (q && q->next) {
		pbuf_free(q);
		q = NULL;
	}
	if (q) {
		pbuf_copy_partial(p, q->payload, n, skip);
		q->len = q->tot_len = n;
	}
	pbuf_free(p);
	return q;
}

/* ------------------------------------------------------------ out of order */

#if FW_TCP_OOQ_SEGS
/* The most data an out-of-order buffer holds: its tag goes in front. */
#define RX_OOO_MAX (RX_BUF_SIZE - sizeof(struct rx_ooo_tag))
_Static_assert(FW_TCP_MSS <= RX_OOO_MAX, "an out-of-order buffer must hold one MSS and its tag");

static uint32_t rx_ooo_end(const struct pbuf *o) { return rx_ooo_tag(o)->seq + o->len; }

/* Unlink *at (its successor takes its place). */
static struct pbuf *rx_ooo_unlink(struct fw_tcp_conn *tcb, struct pbuf **at)
{
	struct pbuf *o = *at;

	*at = rx_ooo_tag(o)->next;
	tcb->ooq_n--;
	return o;
}
#endif

/* The rightmost out-of-order segment goes (in-order data needs its
 * buffer). False when none was queued. */
static bool rx_ooo_give_up(struct fw_tcp_conn *tcb)
{
#if FW_TCP_OOQ_SEGS
	struct pbuf **at = &tcb->ooq;

	if (!*at)
		return false;
	while (rx_ooo_tag(*at)->next)
		at = &rx_ooo_tag(*at)->next;
	rx_put(tcb, rx_ooo_unlink(tcb, at));
	STAT_INC(ooo_drop_budget);
	return true;
#else
	(void)tcb;
	return false;
#endif
}

void rx_ooo_drop(struct fw_tcp_conn *tcb)
{
#if FW_TCP_OOQ_SEGS
	while (tcb->ooq)
		rx_put(tcb, rx_ooo_unlink(tcb, &tcb->ooq));
#else
	(void)tcb;
#endif
}

#if FW_TCP_OOQ_SEGS
/* [*s, *e) less what the queue holds: entries inside it go (it holds
 * them again), an entry overlapping its left or right end trims it. */
static void rx_ooo_trim(struct fw_tcp_conn *tcb, uint32_t *s, uint32_t *e)
{
	for (struct pbuf **at = &tcb->ooq; *at;) {
		uint32_t os = rx_ooo_tag(*at)->seq, oe = rx_ooo_end(*at);

		if (seq_leq(os, *s) && seq_leq(*e, oe)) {
			*s = *e;             /* all of it queued already */
			return;
		}
		if (seq_leq(*s, os) && seq_leq(oe, *e) && seq_lt(*s, *e)) {
			rx_put(tcb, rx_ooo_unlink(tcb, at));
			continue;
		}
		if (seq_leq(os, *s) && seq_gt(oe, *s))
			*s = seq_lt(oe, *e) ? oe : *e;
		else if (seq_lt(*s, os) && seq_lt(os, *e))
			*e = os;
		at = &rx_ooo_tag(*at)->next;
	}
}
#endif

bool rx_ooo_queue(struct fw_tcp_conn *tcb, uint32_t seq, struct pbuf *p)
{
#if FW_TCP_OOQ_SEGS
	uint32_t s = seq, e = seq + p->tot_len, n;
	unsigned aside = rx_set_aside(tcb);
	struct pbuf *q, **at;
	uint8_t *start;

	rx_ooo_trim(tcb, &s, &e);
	if (!seq_lt(s, e)) {
		pbuf_free(p);            /* all of it is queued already */
		return true;
	}
	n = e - s;
	if (n > RX_OOO_MAX)
		n = RX_OOO_MAX;          /* the rest comes again (it is neither kept nor SACKed) */
	/* One more buffer, out of those set aside (borrowed: in-order data
	 * takes it back when it needs it). */
	if (tcb->ooq_n == FW_TCP_OOQ_SEGS || tcb->rx_bufs + 1u > aside) {
		pbuf_free(p);
		STAT_INC(drop_ooo);
		return false;
	}
	if (s - seq + n < p->tot_len)
		pbuf_realloc(p, (u16_t)(s - seq + n));
	q = rx_own(p, (uint16_t)(s - seq));
	if (!q) {
		STAT_INC(drop_ooo);
		return false;
	}
	rx_charge(tcb);
	start = rx_buf_start(q);
	if ((uint32_t)((uint8_t *)q->payload - start) < sizeof(struct rx_ooo_tag)) {
		memmove(start + sizeof(struct rx_ooo_tag), q->payload, q->len);
		q->payload = start + sizeof(struct rx_ooo_tag);   /* room for the tag */
	}
	for (at = &tcb->ooq; *at && !seq_gt(rx_ooo_tag(*at)->seq, s); at = &rx_ooo_tag(*at)->next)
		;
	rx_ooo_tag(q)->seq = s;
	rx_ooo_tag(q)->next = *at;
	*at = q;
	tcb->ooq_n++;
	STAT_INC(ooo_queued);
	stats_tcp.ooo_queued_bytes += n;
	return true;
#else
	(void)tcb;
	(void)seq;
	pbuf_free(p);
	STAT_INC(drop_ooo);
	return false;
#endif
}

uint32_t rx_ooo_fill(struct fw_tcp_conn *tcb, uint32_t rcv_nxt)
{
	uint32_t got = 0;
#if FW_TCP_OOQ_SEGS
	while (tcb->ooq && seq_leq(rx_ooo_tag(tcb->ooq)->seq, rcv_nxt + got)) {
		uint32_t off = rcv_nxt + got - rx_ooo_tag(tcb->ooq)->seq, n, queued;
		struct pbuf *p = rx_ooo_unlink(tcb, &tcb->ooq);

		if (off >= p->len) {
			rx_put(tcb, p);      /* in-order data covered it */
			continue;
		}
		/* its charge moves to the in-order queue (rx_queue charges again
		 * when it keeps the buffer, frees it when it packs it) */
		tcb->rx_bufs--;
		stats_tcp.rx_bufs--;
		pbuf_remove_header(p, (u16_t)off);
		n = p->len;
		queued = rx_queue(tcb, p);
		got += queued;
		if (queued < n)
			break;
	}
#else
	(void)tcb;
	(void)rcv_nxt;
#endif
	return got;
}

uint32_t rx_queue(struct fw_tcp_conn *tcb, struct pbuf *p)
{
	uint16_t n = p->tot_len, room = (uint16_t)rx_min32(rx_room(tcb), 0xffffu);
	uint16_t packed = n < room ? n : room;
	struct pbuf *q;

	if (packed) {
		struct pbuf *t = tcb->rx_tail;
		pbuf_copy_partial(p, (uint8_t *)t->payload + t->len, packed, 0);
		rx_grow_tail(tcb, packed);
	}
	if (packed == n) {
		pbuf_free(p);
		STAT_INC(rx_packed);
		return n;
	}
	/* The rest needs a buffer: the offer set one aside (the check is a
	 * guard; the fuzz target holds the accounting to it). Out-of-order
	 * data gives its buffers up first. */
	while (tcb->rx_bufs >= rx_set_aside(tcb) && rx_ooo_give_up(tcb))
		;
	q = tcb->rx_bufs < rx_set_aside(tcb) ? rx_own(p, packed) : (pbuf_free(p), NULL);
	if (!q) {
		STAT_INC(drop_rx_nobuf);
		return packed;
	}
	rx_charge(tcb);
	if (tcb->rx_tail && !tcb->rcvq)
		rx_put(tcb, tcb->rx_tail);   /* an all-lent tail with no room left */
	if (tcb->rcvq)
		pbuf_cat(tcb->rcvq, q);
	else
		tcb->rcvq = q;
	tcb->rx_tail = q;
	return n;
}

/* ------------------------------------------------------------ lending */

static struct rx_view *rx_view_get(void)
{
	for (unsigned i = 0; i < RX_VIEW_COUNT; i++)
		if (!rx_views[i].in_use)
			return &rx_views[i];
	return NULL;
}

/* The tail whose data is all lent, once no view points into it, goes back
 * to the pool: its room is worth less than the buffer (RX_UNIT). */
static void rx_trim_tail(struct fw_tcp_conn *tcb)
{
	if (!tcb->rcvq && !tcb->rx_lent && tcb->rx_tail && tcb->rx_tail->ref == 1) {
		rx_put(tcb, tcb->rx_tail);
		tcb->rx_tail = NULL;
	}
}

/* lwIP: the last reference to a view is gone (the application freed it,
 * or the engine after a refusal). */
static void rx_view_free(struct pbuf *p)
{
	struct rx_view *v = (struct rx_view *)(void *)p;
	struct fw_tcp_conn *tcb = tcb_by_id(v->tcb);
	bool quiet = v->quiet;

	if (tcb && tcb->gen != v->gen)
		tcb = NULL;
	v->in_use = false;
	if (tcb)
		tcb->rx_views--;
	rx_put(tcb, v->buf);
	if (rx_starved) {
		rx_starved = false;
		for (unsigned i = 0; i < FW_TCB_COUNT; i++) {
			struct fw_tcp_conn *c = tcb_by_id(i);
			if (c && c != tcb && c->rcvq)
				tcb_rx_released(c);
		}
	}
	if (!tcb)
		return;
	rx_trim_tail(tcb);
	if (!quiet)
		tcb_rx_released(tcb);
}

struct pbuf *rx_lend(struct fw_tcp_conn *tcb)
{
	struct pbuf *views = NULL;

	while (tcb->rcvq && tcb->rx_views < FW_TCP_RCV_VIEWS) {
		struct rx_view *v = rx_view_get();
		struct pbuf *q = tcb->rcvq, *vp;

		if (!v) {
			rx_starved = true;
			break;
		}
		v->in_use = true;
		v->quiet = false;
		v->buf = q;
		v->tcb = (uint8_t)tcb_id(tcb);
		v->gen = tcb->gen;
		v->pc.custom_free_function = rx_view_free;
		vp = pbuf_alloced_custom(PBUF_RAW, q->len, PBUF_REF, &v->pc, q->payload, q->len);
		pbuf_ref(q);
		tcb->rx_views++;
		/* the buffer moves from the queue to the delivery in progress */
		tcb->rcvq = q->next;
		q->next = NULL;
		q->tot_len = q->len;
		if (tcb->rx_lent)
			pbuf_cat(tcb->rx_lent, q);
		else
			tcb->rx_lent = q;
		if (views)
			pbuf_cat(views, vp);
		else
			views = vp;
	}
	if (!views && tcb->rcvq)
		STAT_INC(rx_lend_deferred);
	return views;
}

void rx_lend_end(struct fw_tcp_conn *tcb, struct pbuf *views, bool taken)
{
	struct pbuf *q = tcb->rx_lent, *next;

	tcb->rx_lent = NULL;
	if (!taken) {
		/* back to the head of the queue, as they were */
		for (struct pbuf *v = views; v; v = v->next)
			((struct rx_view *)(void *)v)->quiet = true;
		if (q && tcb->rcvq)
			pbuf_cat(q, tcb->rcvq);
		if (q)
			tcb->rcvq = q;
		pbuf_free(views);
		return;
	}
	for (; q; q = next) {
		next = q->next;
		q->next = NULL;
		if (q == tcb->rx_tail && rx_room(tcb) > 0) {
			/* stays writable behind what was lent */
			pbuf_remove_header(q, q->len);
		} else {
			if (q == tcb->rx_tail)
				tcb->rx_tail = NULL;
			rx_put(tcb, q);           /* its view keeps it */
		}
	}
	rx_trim_tail(tcb);
}

/* ------------------------------------------------------------ freeing */

void rx_drop_queue(struct fw_tcp_conn *tcb)
{
	rx_ooo_drop(tcb);
	/* With nothing queued while a delivery runs, the tail is in it. */
	bool tail_lending = !tcb->rcvq && tcb->rx_lent;

	if (tcb->rx_tail && !tcb->rcvq && !tcb->rx_lent)
		rx_put(tcb, tcb->rx_tail);   /* all lent, kept for its room */
	rx_put_chain(tcb, tcb->rcvq);
	tcb->rcvq = NULL;
	if (!tail_lending)
		tcb->rx_tail = NULL;
}

void rx_release(struct fw_tcp_conn *tcb)
{
	rx_drop_queue(tcb);
	rx_put_chain(tcb, tcb->rx_lent);
	tcb->rx_lent = NULL;
	tcb->rx_tail = NULL;
	/* what the application still holds stays charged until its views go */
	rx_orphans = (uint16_t)(rx_orphans + tcb->rx_bufs);
	tcb->rx_bufs = 0;
	rx_set_commit(tcb, 0);
	tcb->rx_views = 0;
}
