/*
 * The application API (fw_tcp.h): open, write, read window, close,
 * shutdown, abort, and the callbacks the engine makes into the
 * application. No API call calls the application back: what one makes
 * deliverable is delivered at the end of the event (tcb_deliver_later).
 */
#include <stdint.h>
#include <string.h>
#include "fw_tcp_config.h"
#include "isn.h"
#include "listen.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/stats.h"
#include "rx.h"
#include "tcb.h"
#include "tcp_out.h"
#include "stats.h"
#include "timewait.h"

#if !LWIP_STATS || !MEM_STATS
#error "fw_tcp_write()'s heap reserve reads lwIP's MEM_STATS (lwipopts.h)"
#endif

/* What fw_tcp_write() may hold per TCB, in bytes and in pbufs. */
#define TCB_SNDBUF ((uint32_t)FW_TCP_SNDQ_PBUFS * FW_TCP_MSS)
/* IANA dynamic ports (RFC 6335 6), RFC 6056's min_ephemeral..max_ephemeral. */
#define TCB_EPHEMERAL_FIRST 49152u
#define TCB_EPHEMERAL_LAST 65535u

#define TCB_EPHEMERAL_COUNT (TCB_EPHEMERAL_LAST - TCB_EPHEMERAL_FIRST + 1u)

static uint32_t tcb_next_ephemeral;   /* RFC 6056 3.3.3 next_ephemeral */

/* ------------------------------------------------------------ callbacks into the application */

void tcb_notify_established(struct fw_tcp_conn *tcb)
{
	const struct fw_tcp_listener *l;
	uint8_t gen = tcb->gen;
	err_t err;

	tcb->flags |= TCB_F_ACCEPTED;
	if (!(tcb->flags & TCB_F_PASSIVE)) {
		if (tcb->connected_cb)
			tcb->connected_cb(tcb->arg, tcb);
		return;
	}
	l = lsn_by_id(tcb->listener);   /* its close reset every child not yet accepted */
	err = ERR_CONN;
	if (l && l->accept)
		err = l->accept(l->arg, tcb);
	if (err == ERR_ABRT || !tcb_alive(tcb, gen))
		return;                  /* the application aborted it inside accept_cb */
	if (err != ERR_OK) {
		STAT_INC(accept_refused);
		tcb->flags |= TCB_F_ORPHAN;
		tcb_reset(tcb, ERR_ABRT);
	}
}

void tcb_notify_sent(struct fw_tcp_conn *tcb, uint16_t len)
{
	if (!(tcb->flags & TCB_F_ORPHAN) && tcb->sent_cb)
		tcb->sent_cb(tcb->arg, tcb, len);
}

/* Queued data first, then end of stream; a refusal keeps the data queued.
 * The data goes as views of the receive buffers (rx.c); while the
 * application holds FW_TCP_RCV_VIEWS views it waits in the queue, and
 * the release of one brings it (tcb_rx_released). */
static void tcb_deliver_data(struct fw_tcp_conn *tcb)
{
	uint8_t gen = tcb->gen;

	while (tcb->rcvq && tcb->recv_cb && !(tcb->flags & TCB_F_ORPHAN)) {
		struct pbuf *p = rx_lend(tcb);
		uint16_t len;
		err_t err;

		if (!p)
			return;
		/* The bytes count against the window from the moment the
		 * application holds them, so a fw_tcp_recved() or a fw_tcp_write()
		 * (whose segment carries our window) inside the callback sees
		 * the right RCV.WND: lwIP-style applications do both there. */
		len = p->tot_len;
		tcb->unrecved = (uint16_t)(tcb->unrecved + len);
		err = tcb->recv_cb(tcb->arg, tcb, p);
		if (!tcb_alive(tcb, gen)) {
			/* Closed or aborted inside the callback. ERR_OK and ERR_ABRT
			 * (lwIP's rule for a callback that aborted) leave p with the
			 * application; a refusal leaves it here, with nobody to
			 * offer it to. */
			if (err != ERR_OK && err != ERR_ABRT)
				pbuf_free(p);
			return;
		}
		if (err != ERR_OK) {
			tcb->unrecved = len > tcb->unrecved ? 0 : (uint16_t)(tcb->unrecved - len);
			rx_lend_end(tcb, p, false);
			return;
		}
		rx_lend_end(tcb, p, true);
	}
	if (!tcb->rcvq && (tcb->flags & TCB_F_EOF_PENDING) && tcb->recv_cb && !(tcb->flags & TCB_F_ORPHAN)) {
		tcb->flags &= (uint16_t)~TCB_F_EOF_PENDING;
		tcb->recv_cb(tcb->arg, tcb, NULL);
	}
}

void tcb_deliver(struct fw_tcp_conn *tcb, uint32_t now)
{
	uint8_t gen = tcb->gen;

	tcb_deliver_data(tcb);
	if (tcb_alive(tcb, gen) && (tcb->flags & TCB_F_DONE_PENDING))
		tcb_finish(tcb, now);
}

/* ------------------------------------------------------------ open */

void tcb_ports_reset(void)
{
	tcb_next_ephemeral = 0;
}

/*
 * RFC 6056 3.3.3, algorithm 3 (simple hash-based port selection):
 * port = min + (next_ephemeral + F(local IP, remote IP, remote port,
 * secret)) mod range, next_ephemeral counting every port tried. An
 * off-path attacker who does not know the key cannot guess the port, and
 * each destination walks the range from its own offset.
 */
static uint16_t tcb_ephemeral(struct fw_tcp_tuple *t)
{
	uint32_t offset = isn_port_offset(t);

	for (uint32_t tries = 0; tries < TCB_EPHEMERAL_COUNT; tries++) {
		t->lport = (uint16_t)(TCB_EPHEMERAL_FIRST + (tcb_next_ephemeral++ + offset) % TCB_EPHEMERAL_COUNT);
		/* A 4-tuple still in TIME_WAIT here would make our SYN meet
		 * our own entry (and the peer's) as an old duplicate. */
		if (!tcb_lookup(t) && !lsn_find(t->lport) && !tw_contains(t))
			return t->lport;
	}
	return 0;
}

/* IPv4: not any, multicast, or the limited or a directed broadcast of
 * any of our interfaces. */
static bool tcb_unicast4(uint32_t a)
{
	struct netif *n;
	ip4_addr_t addr;

	ip4_addr_set_u32(&addr, a);
	if (ip4_addr_isany_val(addr) || ip4_addr_ismulticast(&addr) || a == IPADDR_BROADCAST)
		return false;
	NETIF_FOREACH(n) {
		if (ip4_addr_isbroadcast(&addr, n))
			return false;
	}
	return true;
}

/* IPv6: not ::, not multicast (ff00::/8, RFC 4291 2.7), not IPv4-mapped
 * (::ffff:0:0/96, RFC 4291 2.5.5.2: a host-internal form, never a
 * destination on the wire). IPv6 has no broadcast. */
static bool tcb_unicast6(const uint32_t w[4])
{
	if ((w[0] | w[1] | w[2] | w[3]) == 0)
		return false;
	if ((lwip_ntohl(w[0]) >> 24) == 0xffu)
		return false;
	return !(w[0] == 0 && w[1] == 0 && w[2] == PP_HTONL(0x0000ffffUL));
}

bool fw_tcp_unicast(const struct fw_tcp_addr *addr)
{
	switch (addr->family) {
	case FW_TCP_IPV4:
		return tcb_unicast4(addr->w[0]);
	case FW_TCP_IPV6:
		return LWIP_IPV6 && tcb_unicast6(addr->w);   /* no IPv6 below: nowhere to send it */
	}
	return false;
}

struct fw_tcp_conn *fw_tcp_connect(const struct fw_tcp_addr *local, const struct fw_tcp_addr *addr, uint16_t port,
                                   fw_tcp_connected_cb connected_cb, void *arg)
{
	struct fw_tcp_tuple t = { .laddr = *local, .raddr = *addr, .lport = 0, .rport = port };
	uint32_t now = tcb_now();
	struct fw_tcp_conn *tcb;

	/* RFC 1122 4.2.3.10: an OPEN to a broadcast or multicast address
	 * MUST be rejected as an error. */
	if (!fw_tcp_unicast(addr) || local->family != addr->family) {
		STAT_INC(connect_bad_addr);
		return NULL;
	}

	if (!tcb_ephemeral(&t))
		return NULL;
	tcb = tcb_alloc_evicting();      /* a half-open or orphan TCB makes room, never one the app holds */
	if (!tcb)
		return NULL;
	STAT_INC(active_opens);
	tcb->t = t;
	tcb->mss = tcb_mss_max(&t);
	tcb->connected_cb = connected_cb;
	tcb->arg = arg;
	tcb->snd_una = tcb->snd_nxt = tcb_isn(&t, now);   /* ISS */
	tcb_set_state(tcb, FW_TCP_SYN_SENT, "connect");
	tcb_output(tcb, now);
	return tcb;
}

void fw_tcp_arg(struct fw_tcp_conn *tcb, void *arg) { tcb->arg = arg; }
void fw_tcp_recv(struct fw_tcp_conn *tcb, fw_tcp_recv_cb cb) { tcb->recv_cb = cb; }
void fw_tcp_sent(struct fw_tcp_conn *tcb, fw_tcp_sent_cb cb) { tcb->sent_cb = cb; }
void fw_tcp_err(struct fw_tcp_conn *tcb, fw_tcp_err_cb cb) { tcb->err_cb = cb; }

/* ------------------------------------------------------------ data */

uint32_t fw_tcp_sndbuf(const struct fw_tcp_conn *tcb)
{
	uint32_t used = tcb_sndq_len(tcb);
	if (tcb->sndq_n >= FW_TCP_SNDQ_PBUFS)
		return 0;
	return used >= TCB_SNDBUF ? 0u : TCB_SNDBUF - used;
}

uint16_t fw_tcp_mss(const struct fw_tcp_conn *tcb)
{
	return tcb->mss ? tcb->mss : tcb_mss_max(&tcb->t);
}

const struct fw_tcp_tuple *fw_tcp_get_tuple(const struct fw_tcp_conn *tcb)
{
	return &tcb->t;
}

/* PBUF_RAM heap left, as lwIP's own accounting (MEM_STATS) sees it. */
static uint32_t tcb_heap_free(void)
{
	return lwip_stats.mem.avail > lwip_stats.mem.used ? (uint32_t)(lwip_stats.mem.avail - lwip_stats.mem.used) : 0u;
}

/*
 * `len` bytes of `data` as a chain of pbufs of at most FW_TCP_MSS bytes,
 * each with PBUF_TRANSPORT header room in front: a segment that is one of
 * them goes out in place (tcp_output.c, seg_in_place_begin), as every
 * full segment does when the peer's MSS is ours. Cut at our MSS, not the
 * peer's: a peer announcing a tiny MSS would otherwise have every write
 * cut into many pbufs, each with its headers' room, and make the same
 * bytes take several times the heap; its segments go as copies instead.
 * A write thus adds at most one pbuf shorter than FW_TCP_MSS, so a queue
 * holds at most 2 * FW_TCP_SNDQ_PBUFS pbufs (fw_tcp_sndbuf). NULL when
 * the heap has no room for them all; else the chain (its first pbuf's
 * tot_len is `len`, as the queue keeps it), its last pbuf in `*last`
 * and their count in `*count`.
 */
static struct pbuf *tcb_sndq_copy(const uint8_t *data, uint16_t len, struct pbuf **last, uint8_t *count)
{
	struct pbuf *chain = NULL, *tail = NULL;
	uint16_t total = len;
	uint8_t n_pbufs = 0;

	while (len) {
		uint16_t n = len < FW_TCP_MSS ? len : (uint16_t)FW_TCP_MSS;
		struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, n, PBUF_RAM);

		if (!p) {
			if (chain)
				pbuf_free(chain);
			return NULL;
		}
		memcpy(p->payload, data, n);
		if (tail)
			tail->next = p;
		else
			chain = p;
		tail = p;
		n_pbufs++;
		data += n;
		len = (uint16_t)(len - n);
	}
	chain->tot_len = total;
	*last = tail;
	*count = n_pbufs;
	return chain;
}

/*
 * Application data never takes the last FW_TCP_HEAP_RESERVE bytes of the
 * PBUF_RAM heap: with send queues full and the peer losing segments, ACKs,
 * retransmissions (those that are not one whole queued pbuf, or whose
 * pbuf a driver still holds, are copied into a fresh pbuf), RSTs, ICMP
 * echo replies and ARP must still find a buffer, or nothing ever
 * recovers. The copy is made first and measured, so the check is exact
 * whatever lwIP's per-allocation overhead. Free bytes are not enough: in
 * a heap the send queues fragmented, the holes between queued copies can
 * add up to the reserve while none takes a full segment, and then every
 * connection's copied retransmissions and probes fail together until the
 * abort. So the copy is also refused unless one full segment still fits
 * in one block (seg_heap_has_segment): between events the heap holds queued copies
 * (and a packet ARP keeps per unresolved neighbour), and each
 * transmission frees its buffer before the next is built, so that one
 * block serves every connection in turn. fw_tcp_sndbuf() does not count
 * the heap: a connection with nothing in flight gets no sent_cb, so an
 * application told "0 bytes" would wait forever; ERR_MEM says "try again
 * later".
 */
/* What both writes check first: ERR_OK to go on (with len > 0). */
static err_t tcb_write_allowed(const struct fw_tcp_conn *tcb, uint16_t len)
{
	/* RFC 9293 3.10.2: in SYN-SENT and SYN-RECEIVED "queue the data for
	 * transmission after entering ESTABLISHED state" (tcb_output sends
	 * none before). */
	switch ((enum fw_tcp_state)tcb->state) {
	case FW_TCP_SYN_SENT:
	case FW_TCP_SYN_RCVD:
	case FW_TCP_ESTABLISHED:
	case FW_TCP_CLOSE_WAIT:
		break;
	case FW_TCP_CLOSED:
	case FW_TCP_LISTEN:
	case FW_TCP_FIN_WAIT_1:
	case FW_TCP_FIN_WAIT_2:
	case FW_TCP_CLOSING:
	case FW_TCP_LAST_ACK:
	case FW_TCP_TIME_WAIT:
		return ERR_CONN;
	}
	if (tcb->flags & TCB_F_FIN_QUEUED)
		return ERR_CONN;
	if (len > fw_tcp_sndbuf(tcb)) {
		STAT_INC(sndq_full);
		return ERR_MEM;
	}
	return ERR_OK;
}

err_t fw_tcp_write(struct fw_tcp_conn *tcb, const void *data, uint16_t len)
{
	struct pbuf *p, *last;
	uint8_t n;
	err_t err = tcb_write_allowed(tcb, len);

	if (err != ERR_OK || len == 0)
		return err;
	p = tcb_sndq_copy(data, len, &last, &n);
	if (!p) {
		STAT_INC(sndq_heap_frag);   /* pbuf_fail is for segments going out */
		return ERR_MEM;
	}
	if (tcb_heap_free() < FW_TCP_HEAP_RESERVE) {
		pbuf_free(p);
		STAT_INC(sndq_heap_reserve);
		return ERR_MEM;
	}
	if (!seg_heap_has_segment()) {
		pbuf_free(p);
		STAT_INC(sndq_heap_frag);
		return ERR_MEM;
	}
	tcb_sndq_append(tcb, p, last, n);
	tcb_kick(tcb, tcb_now());   /* from a callback: at the end of the event, with its ACK */
	return ERR_OK;
}

/*
 * By reference: one PBUF_ROM header from lwIP's MEMP_PBUF pool points at
 * the application's bytes. It has no header room, so its segments are
 * built by copy (tcp_output.c), as lwIP builds its own from such a pbuf;
 * what it saves is the heap a copy would hold until the peer's ACK, which
 * for a server sending flash-resident pages to many clients at once is
 * most of the heap. The pool is lwIP's, shared: the last
 * FW_TCP_PBUF_RESERVE headers stay with lwIP.
 */
err_t fw_tcp_write_ref(struct fw_tcp_conn *tcb, const void *data, uint16_t len)
{
	const struct stats_mem *pool = lwip_stats.memp[MEMP_PBUF];
	struct pbuf *p;
	err_t err = tcb_write_allowed(tcb, len);

	if (err != ERR_OK || len == 0)
		return err;
	if (pool->avail < pool->used + FW_TCP_PBUF_RESERVE + 1u) {
		STAT_INC(sndq_ref_reserve);
		return ERR_MEM;
	}
	p = pbuf_alloc(PBUF_RAW, len, PBUF_ROM);
	if (!p) {
		STAT_INC(sndq_ref_reserve);
		return ERR_MEM;
	}
	p->payload = (void *)(uintptr_t)data;   /* read, never written: PBUF_ROM */
	tcb_sndq_append(tcb, p, p, 1);
	STAT_INC(sndq_ref);
	tcb_kick(tcb, tcb_now());
	return ERR_OK;
}

/* Off: data Nagle held goes now (or at the end of the event). */
void fw_tcp_nagle(struct fw_tcp_conn *tcb, bool on)
{
	if (on) {
		tcb->cc_flags &= (uint8_t)~TCB_CC_NODELAY;
		return;
	}
	tcb->cc_flags |= TCB_CC_NODELAY;
	if (tcb_sndq_len(tcb) > 0)
		tcb_kick(tcb, tcb_now());
}

void fw_tcp_recved(struct fw_tcp_conn *tcb, uint16_t len)
{
	tcb->unrecved = len > tcb->unrecved ? 0 : (uint16_t)(tcb->unrecved - len);
	/* Data refused earlier, the end of stream and a teardown that waited
	 * for them: offered when the event ends (or from the next timers). */
	if (tcb->rcvq || (tcb->flags & (TCB_F_EOF_PENDING | TCB_F_DONE_PENDING)))
		tcb_deliver_later(tcb);
	/* Window update when the window offered opens from below one MSS to at
	 * least one (RFC 9293 3.8.6.2.2, receiver's SWS avoidance). */
	if (tcb_synchronized(tcb) && rx_reopened(tcb))
		tcb_owe_ack(tcb);
}

/* ------------------------------------------------------------ close */

/* The FIN goes after the queued data (RFC 9293 3.10.4). */
static void tcb_queue_fin(struct fw_tcp_conn *tcb, uint32_t now)
{
	if (tcb->flags & TCB_F_FIN_QUEUED)
		return;
	tcb->flags |= TCB_F_FIN_QUEUED;
	tcb_set_state(tcb, tcb->state == FW_TCP_CLOSE_WAIT ? FW_TCP_LAST_ACK : FW_TCP_FIN_WAIT_1, "close");
	tcb_state_timer(tcb, now);
	tcb_kick(tcb, now);      /* from a callback: one FIN with the event's ACK and data */
}

void fw_tcp_close(struct fw_tcp_conn *tcb)
{
	uint32_t now = tcb_now();

	switch ((enum fw_tcp_state)tcb->state) {
	case FW_TCP_SYN_SENT:
		tcb->flags |= TCB_F_ORPHAN;
		tcb_drop(tcb, ERR_CLSD);
		return;
	case FW_TCP_SYN_RCVD:
		/* Only an active open gets here (simultaneous open): keep it simple, RST. */
		tcb->flags |= TCB_F_ORPHAN;
		tcb_reset(tcb, ERR_ABRT);
		return;
	case FW_TCP_ESTABLISHED:
	case FW_TCP_CLOSE_WAIT:
	case FW_TCP_FIN_WAIT_1:
	case FW_TCP_FIN_WAIT_2:
	case FW_TCP_CLOSING:
	case FW_TCP_LAST_ACK:
		break;
	case FW_TCP_CLOSED:
	case FW_TCP_LISTEN:          /* never a TCB's: listeners have their own table */
	case FW_TCP_TIME_WAIT:
		return;
	}
	tcb->flags |= TCB_F_ORPHAN;
	tcb->since = now;            /* the orphan's age: eviction and its limits (tcb_orphaned) */
	if (tcb->rcvq) {
		/* RFC 1122 4.2.2.13, RFC 2525 2.17: unread data -> RST, not FIN. */
		STAT_INC(close_unread_rst);
		tcb_reset(tcb, ERR_ABRT);
		return;
	}
	tcb->flags |= TCB_F_RX_CLOSED;
	tcb->flags &= (uint16_t)~TCB_F_EOF_PENDING;
	if ((tcb->flags & TCB_F_DONE_PENDING) && tcb_finish(tcb, now))
		return;
	if (tcb->state == FW_TCP_ESTABLISHED || tcb->state == FW_TCP_CLOSE_WAIT)
		tcb_queue_fin(tcb, now);
	else
		tcb_state_timer(tcb, now);   /* FIN_WAIT_2 orphan timeout */
	tcb_orphaned(tcb);          /* lifetime and count (may reset the oldest orphan) */
}

void fw_tcp_shutdown(struct fw_tcp_conn *tcb, bool shut_rx, bool shut_tx)
{
	if (shut_rx && shut_tx) {
		fw_tcp_close(tcb);
		return;
	}
	if (shut_rx) {
		tcb->flags |= TCB_F_RX_CLOSED;
		rx_drop_queue(tcb);
		/* EOF, and finish a connection that waited for it: at the end of
		 * the event (or from the next timers). */
		if (tcb->flags & (TCB_F_EOF_PENDING | TCB_F_DONE_PENDING))
			tcb_deliver_later(tcb);
	}
	if (shut_tx && (tcb->state == FW_TCP_ESTABLISHED || tcb->state == FW_TCP_CLOSE_WAIT))
		tcb_queue_fin(tcb, tcb_now());
}

void fw_tcp_abort(struct fw_tcp_conn *tcb)
{
	STAT_INC(app_aborts);
	tcb->flags |= TCB_F_ORPHAN;
	tcb_reset(tcb, ERR_ABRT);
}
