/*
 * lwIP's altcp API over finwait's TCP: lwIP's own applications (httpd,
 * MQTT, SMTP, http_client: everything written against lwip/altcp.h) run
 * on the engine unchanged, from lwIP's sources, with lwIP's tcp.c,
 * tcp_in.c and tcp_out.c not linked (lwipopts.h: LWIP_TCP=1,
 * LWIP_ALTCP=1, LWIP_CALLBACK_API=1, lwIP's TCP pools empty).
 *
 * Where: port/lwip/ is the lwIP-facing glue, and this is glue: it speaks
 * lwIP's API on one side and fw_tcp.h on the other, and knows nothing of
 * the engine's internals. What lwIP's core still calls when LWIP_TCP=1 is
 * in tcp_core_fw.c beside it.
 *
 * Which design: an altcp layer of our own (a `struct altcp_functions`
 * whose functions call fw_tcp_*) rather than a raw tcp_* facade with
 * lwIP's altcp_tcp.c above it. The raw API hands applications a
 * `struct tcp_pcb`, which lwIP's macros (tcp_mss, tcp_sndbuf,
 * tcp_nagle_disable, ...) and applications read field by field at lwIP's
 * offsets: a facade must give every connection a whole lwIP pcb
 * (156 B on Cortex-M3 with lwIP's defaults) beside the engine's TCB, and
 * altcp_tcp.c adds its altcp_pcb on top. The altcp API shows applications
 * only `struct altcp_pcb *` and goes through a function table for
 * everything, so one altcp_pcb (from lwIP's ALTCP_PCB pool) plus a small
 * record here is all a connection costs beyond its TCB. The raw tcp_*
 * facade for applications such as lwiperf sits on top of this layer
 * (tcp_fw.c): only those applications pay for a tcp_pcb.
 *
 * RAM per connection (Cortex-M3): struct altcp_pcb 44 B + struct afw 12 B
 * = 56 B beside the TCB (`afw_conn_bytes()`, reported by the bench). The
 * record pool has MEMP_NUM_ALTCP_PCB entries, as the ALTCP_PCB pool.
 *
 * TIME_WAIT costs only its compact entry: when the application closes
 * (altcp_close) or the connection ends (err callback), the altcp_pcb goes
 * back to its pool and the record is released at once; the engine
 * finishes the teardown as an orphan and hands TIME_WAIT to its table, so
 * nothing of this layer is left for a connection in TIME_WAIT.
 *
 * Protocol 6 still reaches the engine through its raw PCB (tcp_raw.c):
 * ip4_input() shows every datagram to the raw PCBs before its protocol
 * switch, and the engine's eats every TCP datagram, so lwIP's tcp_input()
 * is never reached (tcp_core_fw.c). Keeping the raw PCB keeps the engine
 * the same for builds with LWIP_TCP=0 and with this layer.
 *
 * lwIP's semantics, where the engine differs:
 * - poll: every 500 ms (lwIP's slow timer) per connection that is not a
 *   listener, SYN_SENT included, after `pollinterval` ticks; the count
 *   restarts when new data is acknowledged (lwIP's tcp_receive()). Run
 *   from lwIP's timeouts (sys_check_timeouts(), every main-loop pass).
 * - data the application refused is offered again every 250 ms (lwIP's
 *   TCP_TMR_INTERVAL); the engine keeps it queued meanwhile.
 * - altcp_abort() calls the err callback with ERR_ABRT before it returns,
 *   as lwIP's tcp_abort() does; then the handle is gone.
 * - a failed open reports ERR_RST when refused (RST, ICMP unreachable)
 *   and ERR_ABRT when it timed out, where the engine says ERR_CLSD (or
 *   the soft ICMP error) for both. They are told apart by the engine's
 *   syn_timeouts counter, read at the open, at each tick and at each
 *   failed open: a refused open is read as timed out only if a half-open
 *   passive connection timed out in the same quarter second.
 * - no altcp_pcb free for a new connection: accept(arg, NULL, ERR_MEM),
 *   and the engine resets the connection.
 * - after altcp_close() no callback is called; a handle whose connection
 *   has gone under it (both directions shut, then the engine finished)
 *   stays a harmless no-op until the application closes it.
 * - the engine copies every write (TCP_WRITE_FLAG_COPY or not) and sends
 *   at once (or at the end of the event), so altcp_output() has nothing
 *   left to do.
 * - writes in SYN_SENT are accepted, as lwIP's: the engine queues them
 *   until the connection is established (RFC 9293 3.10.2).
 * - the Nagle switches are the engine's (fw_tcp_nagle()), on by default as
 *   lwIP's; one set before the connection exists is applied when it does.
 * Not as lwIP: keepalive times are the engine's global ones (the last altcp_keepalive_enable()
 * sets them for all); bind() keeps the port only (listeners take every
 * local address, an active open an ephemeral port).
 */
#include <string.h>

#include "lwip/opt.h"
#include "lwip/altcp.h"
#include "lwip/altcp_tcp.h"
#include "lwip/ip.h"
#include "lwip/ip4.h"
#include "lwip/netif.h"
#include "lwip/priv/altcp_priv.h"
#include "lwip/tcpbase.h"
#include "lwip/timeouts.h"

#include "altcp_fw.h"
#include "fw_tcp_config.h"
#include "fw_tcp.h"

#if LWIP_ALTCP && LWIP_TCP && !defined(FW_LWIP_TCP)

#define AFW_TICK_MS 250u        /* lwIP's TCP_TMR_INTERVAL: refused data again */
#define AFW_POLL_EVERY 2u       /* ticks per slow-timer tick (500 ms): one poll count */

#define AFW_F_USED       0x01u
#define AFW_F_LISTEN     0x02u
#define AFW_F_CONNECTING 0x04u  /* altcp_connect() made, not yet connected: open errors */
#define AFW_F_REFUSED    0x08u  /* recv refused data: the engine keeps it, offered each tick */
#define AFW_F_NODELAY    0x10u  /* altcp_nagle_disable() */

struct afw {
	struct altcp_pcb *pcb;
	union {                     /* NULL before listen/connect, and once gone */
		struct fw_tcp_conn *conn;      /* a connection */
		struct fw_tcp_listener *lsn;   /* AFW_F_LISTEN */
	};
	uint16_t port;              /* altcp_bind()'s */
	uint8_t polls;              /* slow-timer ticks since the last poll (lwIP's polltmr) */
	uint8_t flags;
};

/* tcp/src/tcb.c's budget for a connection counts this record as 12 B */
_Static_assert(UINTPTR_MAX != 0xffffffffu || sizeof(struct afw) <= 12u, "struct afw outgrew the TCB budget");

static struct afw afw_pool[MEMP_NUM_ALTCP_PCB];
static struct afw_stats afw_counters;
static bool afw_ticking;
static uint8_t afw_tick_n;
static uint32_t afw_syn_timeouts_seen;   /* the engine's syn_timeouts at the last open or error */

static const struct altcp_functions afw_functions;

/* ------------------------------------------------------------ records */

static struct afw *afw_alloc(void)
{
	for (unsigned i = 0; i < MEMP_NUM_ALTCP_PCB; i++) {
		if (!(afw_pool[i].flags & AFW_F_USED)) {
			memset(&afw_pool[i], 0, sizeof afw_pool[i]);
			afw_pool[i].flags = AFW_F_USED;
			return &afw_pool[i];
		}
	}
	return NULL;
}

static void afw_release(struct afw *a)
{
	if (a->pcb)
		a->pcb->state = NULL;
	memset(a, 0, sizeof *a);
}

/* A new altcp_pcb with its record; NULL when either pool is empty. */
static struct altcp_pcb *afw_new_pcb(void)
{
	struct altcp_pcb *pcb = altcp_alloc();
	struct afw *a;

	if (!pcb)
		return NULL;
	a = afw_alloc();
	if (!a) {
		altcp_free(pcb);     /* fns still NULL: no dealloc */
		return NULL;
	}
	a->pcb = pcb;
	pcb->fns = &afw_functions;
	pcb->state = a;
	return pcb;
}

static struct afw *afw_of(const struct altcp_pcb *pcb)
{
	return pcb ? (struct afw *)pcb->state : NULL;
}

/* The connection, NULL for a listener (fw_tcp_* on a connection only). */
static struct fw_tcp_conn *afw_conn(const struct altcp_pcb *pcb)
{
	struct afw *a = afw_of(pcb);
	return a && !(a->flags & AFW_F_LISTEN) ? a->conn : NULL;
}

static uint32_t afw_syn_timeouts(void)
{
	struct fw_tcp_stats s;
	fw_tcp_get_stats(&s);
	return s.syn_timeouts;
}

/* ------------------------------------------------------------ the tick */

static void afw_tick(void *arg);

static bool afw_needs_tick(void)
{
	for (unsigned i = 0; i < MEMP_NUM_ALTCP_PCB; i++) {
		const struct afw *a = &afw_pool[i];
		if ((a->flags & AFW_F_USED) && a->conn && !(a->flags & AFW_F_LISTEN))
			return true;
	}
	return false;
}

static void afw_tick_start(void)
{
	if (afw_ticking)
		return;
	afw_ticking = true;
	sys_timeout(AFW_TICK_MS, afw_tick, NULL);
}

/* One connection's share of a tick. The callbacks may close or abort it
 * (the record is released then): nothing of it is touched afterwards. */
static void afw_tick_one(struct afw *a, bool slow)
{
	struct altcp_pcb *pcb = a->pcb;

	if (a->flags & AFW_F_REFUSED) {
		a->flags &= (uint8_t)~AFW_F_REFUSED;
		afw_counters.reoffers++;
		fw_tcp_recved(a->conn, 0);   /* offered from the engine's next timers run */
	}
	if (!slow)
		return;
	if (++a->polls < pcb->pollinterval)
		return;
	a->polls = 0;
	if (pcb->poll) {
		afw_counters.polls++;
		pcb->poll(pcb->arg, pcb);
	}
}

static void afw_tick(void *arg)
{
	bool slow;

	(void)arg;
	afw_ticking = false;
	afw_tick_n++;
	slow = (afw_tick_n % AFW_POLL_EVERY) == 0;
	afw_syn_timeouts_seen = afw_syn_timeouts();
	for (unsigned i = 0; i < MEMP_NUM_ALTCP_PCB; i++) {
		struct afw *a = &afw_pool[i];
		if ((a->flags & AFW_F_USED) && a->conn && !(a->flags & AFW_F_LISTEN))
			afw_tick_one(a, slow);
	}
	if (afw_needs_tick())
		afw_tick_start();
}

/* ------------------------------------------------------------ engine callbacks */

static err_t afw_recv_cb(void *arg, struct fw_tcp_conn *conn, struct pbuf *p)
{
	struct altcp_pcb *pcb = arg;
	struct afw *a = afw_of(pcb);
	err_t err;

	if (!pcb->recv) {
		/* Nobody reads: take it, so the window stays open. */
		if (p) {
			fw_tcp_recved(conn, p->tot_len);
			pbuf_free(p);
		}
		return ERR_OK;
	}
	err = pcb->recv(pcb->arg, pcb, p, ERR_OK);
	if (err != ERR_OK && err != ERR_ABRT && p && a->conn == conn && (a->flags & AFW_F_USED)) {
		a->flags |= AFW_F_REFUSED;
		afw_counters.refused++;
		afw_tick_start();
	}
	return err;
}

static void afw_sent_cb(void *arg, struct fw_tcp_conn *conn, uint16_t len)
{
	struct altcp_pcb *pcb = arg;
	struct afw *a = afw_of(pcb);

	(void)conn;
	a->polls = 0;          /* lwIP's tcp_receive(): new data ACKed restarts the poll count */
	if (pcb->sent)
		pcb->sent(pcb->arg, pcb, len);
}

/* The engine's reason for a failed open, as lwIP tells it. */
static err_t afw_open_err(err_t err)
{
	uint32_t timeouts = afw_syn_timeouts();
	bool timed_out = timeouts != afw_syn_timeouts_seen;

	afw_syn_timeouts_seen = timeouts;
	if (err == ERR_ABRT)
		return ERR_ABRT;
	return timed_out ? ERR_ABRT : ERR_RST;
}

static void afw_err_cb(void *arg, err_t err)
{
	struct altcp_pcb *pcb = arg;
	struct afw *a = afw_of(pcb);

	if (a->flags & AFW_F_CONNECTING)
		err = afw_open_err(err);
	afw_release(a);
	if (pcb->err)
		pcb->err(pcb->arg, err);
	altcp_free(pcb);
}

static void afw_connected_cb(void *arg, struct fw_tcp_conn *conn)
{
	struct altcp_pcb *pcb = arg;
	struct afw *a = afw_of(pcb);

	(void)conn;
	a->flags &= (uint8_t)~AFW_F_CONNECTING;
	if (pcb->connected)
		pcb->connected(pcb->arg, pcb, ERR_OK);
}

static void afw_attach(struct altcp_pcb *pcb, struct fw_tcp_conn *conn)
{
	afw_of(pcb)->conn = conn;
	fw_tcp_nagle(conn, !(afw_of(pcb)->flags & AFW_F_NODELAY));
	fw_tcp_arg(conn, pcb);
	fw_tcp_recv(conn, afw_recv_cb);
	fw_tcp_sent(conn, afw_sent_cb);
	fw_tcp_err(conn, afw_err_cb);
	afw_tick_start();
}

static void afw_abort(struct altcp_pcb *pcb);

static err_t afw_accept_cb(void *arg, struct fw_tcp_conn *conn)
{
	struct altcp_pcb *lpcb = arg;
	struct altcp_pcb *pcb;
	err_t err;

	if (!lpcb->accept)
		return ERR_ARG;
	pcb = afw_new_pcb();
	if (!pcb) {
		/* As lwIP when no pcb is free; the engine resets the connection. */
		afw_counters.accept_no_pcb++;
		lpcb->accept(lpcb->arg, NULL, ERR_MEM);
		return ERR_MEM;
	}
	afw_attach(pcb, conn);
	err = lpcb->accept(lpcb->arg, pcb, ERR_OK);
	if (err != ERR_OK && err != ERR_ABRT) {
		/* lwIP aborts a connection its application refused. */
		afw_abort(pcb);
		return ERR_ABRT;
	}
	return err;
}

/* ------------------------------------------------------------ altcp functions */

static void afw_set_poll(struct altcp_pcb *pcb, u8_t interval)
{
	(void)interval;      /* altcp_poll() stored it in pcb->pollinterval */
	if (afw_conn(pcb))
		afw_tick_start();
}

static void afw_recved(struct altcp_pcb *pcb, u16_t len)
{
	struct fw_tcp_conn *conn = afw_conn(pcb);
	if (conn)
		fw_tcp_recved(conn, len);
}

static err_t afw_bind(struct altcp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port)
{
	struct afw *a = afw_of(pcb);

	(void)ipaddr;        /* a listener takes every local address */
	if (!a || a->conn)
		return ERR_VAL;
	a->port = port;
	return ERR_OK;
}

static err_t afw_connect(struct altcp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port, altcp_connected_fn connected)
{
	struct afw *a = afw_of(pcb);
	struct netif *nif;
	const ip_addr_t *src;
	struct fw_tcp_addr local, remote;
	struct fw_tcp_conn *conn;

	if (!a || a->conn || !ipaddr)
		return ERR_VAL;
	fw_tcp_addr_from_ip(&remote, ipaddr);
	if (!fw_tcp_unicast(&remote))
		return ERR_VAL;
	/* Our address on the route: the interface's IPv4 address, or the
	 * IPv6 source address it selects toward the peer (RFC 6724). */
	nif = ip_route(IP_ANY_TYPE, ipaddr);
	src = nif ? ip_netif_get_local_ip(nif, ipaddr) : NULL;
	if (!src)
		return ERR_RTE;
	fw_tcp_addr_from_ip(&local, src);
	pcb->connected = connected;
	afw_syn_timeouts_seen = afw_syn_timeouts();
	conn = fw_tcp_connect(&local, &remote, port, afw_connected_cb, pcb);
	if (!conn)
		return ERR_MEM;
	a->flags |= AFW_F_CONNECTING;
	afw_attach(pcb, conn);
	return ERR_OK;
}

struct afw_port_search {
	uint16_t port;
	bool found;
};

static void afw_port_visit(const struct fw_tcp_info *info, void *arg)
{
	struct afw_port_search *s = arg;
	if (info->state == FW_TCP_LISTEN && info->tuple.lport == s->port)
		s->found = true;
}

static struct altcp_pcb *afw_listen(struct altcp_pcb *pcb, u8_t backlog, err_t *err)
{
	struct afw *a = afw_of(pcb);
	struct fw_tcp_listener *l;
	err_t ignored;

	(void)backlog;       /* FW_LISTEN_BACKLOG */
	if (!err)
		err = &ignored;  /* altcp_listen() passes none */
	if (!a || a->conn) {
		*err = ERR_VAL;
		return NULL;
	}
	l = fw_tcp_listen(a->port, afw_accept_cb, pcb);
	if (!l) {
		struct afw_port_search s = { a->port, false };
		fw_tcp_foreach(afw_port_visit, &s);
		*err = s.found ? ERR_USE : ERR_MEM;
		return NULL;
	}
	a->lsn = l;
	a->flags |= AFW_F_LISTEN;
	*err = ERR_OK;
	return pcb;
}

static void afw_abort(struct altcp_pcb *pcb)
{
	struct afw *a = afw_of(pcb);

	if (!a)
		return;              /* already gone: a harmless no-op */
	if (a->flags & AFW_F_LISTEN)
		fw_tcp_listen_close(a->lsn);
	else if (a->conn)
		fw_tcp_abort(a->conn);
	afw_release(a);
	if (pcb->err)
		pcb->err(pcb->arg, ERR_ABRT);
	altcp_free(pcb);
}

static err_t afw_close(struct altcp_pcb *pcb)
{
	struct afw *a = afw_of(pcb);

	if (a) {
		if (a->flags & AFW_F_LISTEN)
			fw_tcp_listen_close(a->lsn);
		else if (a->conn)
			fw_tcp_close(a->conn);   /* no callback from here on */
		afw_release(a);
	}
	altcp_free(pcb);
	return ERR_OK;
}

static err_t afw_shutdown(struct altcp_pcb *pcb, int shut_rx, int shut_tx)
{
	struct afw *a = afw_of(pcb);

	if (!a || !a->conn || (a->flags & AFW_F_LISTEN))
		return ERR_CONN;     /* as lwIP's tcp_shutdown() on a listener */
	if (shut_rx && shut_tx) {
		/* The engine closes it (no callback again); the handle stays,
		 * a no-op, until altcp_close(). */
		fw_tcp_close(a->conn);
		a->conn = NULL;
		return ERR_OK;
	}
	fw_tcp_shutdown(a->conn, shut_rx != 0, shut_tx != 0);
	return ERR_OK;
}

static err_t afw_write(struct altcp_pcb *pcb, const void *dataptr, u16_t len, u8_t apiflags)
{
	struct afw *a = afw_of(pcb);

	if (!a || !a->conn || (a->flags & AFW_F_LISTEN))
		return ERR_CONN;
	if ((a->flags & AFW_F_CONNECTING) && len > 0)
		afw_counters.early_writes++;
	/* As lwIP's tcp_write(): without TCP_WRITE_FLAG_COPY the caller keeps
	 * the bytes unchanged until acknowledged, so they are queued by
	 * reference (httpd's files from flash). TCP_WRITE_FLAG_MORE: PSH on
	 * every segment all the same. */
	if (!(apiflags & TCP_WRITE_FLAG_COPY))
		return fw_tcp_write_ref(a->conn, dataptr, len);
	return fw_tcp_write(a->conn, dataptr, len);
}

static err_t afw_output(struct altcp_pcb *pcb)
{
	(void)pcb;           /* the engine sent it already, or does at the end of the event */
	return ERR_OK;
}

static u16_t afw_mss(struct altcp_pcb *pcb)
{
	struct fw_tcp_conn *conn = afw_conn(pcb);
	return conn ? fw_tcp_mss(conn) : (u16_t)TCP_MSS;
}

static u16_t afw_sndbuf(struct altcp_pcb *pcb)
{
	struct fw_tcp_conn *conn = afw_conn(pcb);
	uint32_t n;

	if (!conn)
		return 0;
	n = fw_tcp_sndbuf(conn);
	return n > 0xffffu ? 0xffffu : (u16_t)n;
}

/* Segments queued (lwIP counts pbufs, about one per segment). */
static u16_t afw_sndqueuelen(struct altcp_pcb *pcb)
{
	struct fw_tcp_conn *conn = afw_conn(pcb);
	struct fw_tcp_info info;
	uint16_t mss;

	if (!conn)
		return 0;
	if (fw_tcp_sndbuf(conn) == 0)
		return TCP_SND_QUEUELEN;
	fw_tcp_get_info(conn, &info);
	mss = fw_tcp_mss(conn);
	return (u16_t)((info.sndq_bytes + mss - 1u) / mss);
}

static void afw_nagle_disable(struct altcp_pcb *pcb)
{
	struct afw *a = afw_of(pcb);
	if (!a)
		return;
	a->flags |= AFW_F_NODELAY;
	if (a->conn && !(a->flags & AFW_F_LISTEN))
		fw_tcp_nagle(a->conn, false);
}

static void afw_nagle_enable(struct altcp_pcb *pcb)
{
	struct afw *a = afw_of(pcb);
	if (!a)
		return;
	a->flags &= (uint8_t)~AFW_F_NODELAY;
	if (a->conn && !(a->flags & AFW_F_LISTEN))
		fw_tcp_nagle(a->conn, true);
}

static int afw_nagle_disabled(struct altcp_pcb *pcb)
{
	const struct afw *a = afw_of(pcb);
	return a && (a->flags & AFW_F_NODELAY);
}

static void afw_setprio(struct altcp_pcb *pcb, u8_t prio)
{
	(void)pcb;           /* lwIP's prio picks a victim when pcbs run out; the engine's */
	(void)prio;          /* pool recycles half-open connections and orphans instead */
}

static void afw_dealloc(struct altcp_pcb *pcb)
{
	struct afw *a = afw_of(pcb);
	if (a)
		afw_release(a);
}

static err_t afw_addrinfo(struct altcp_pcb *pcb, int local, ip_addr_t *addr, u16_t *port)
{
	struct fw_tcp_conn *conn = afw_conn(pcb);
	const struct fw_tcp_tuple *t;

	if (!conn)
		return ERR_VAL;
	t = fw_tcp_get_tuple(conn);
	if (addr)
		fw_tcp_addr_to_ip(addr, local ? &t->laddr : &t->raddr);
	if (port)
		*port = local ? t->lport : t->rport;
	return ERR_OK;
}

/* lwIP returns a pointer to the pcb's own address. The engine's tuple
 * holds its own address type, not an ip_addr_t (whose size and layout
 * depend on LWIP_IPV6 and LWIP_IPV6_SCOPES), so the answer is a copy in
 * one of two slots (local, remote), valid until the next call for the
 * same side: every caller in the tree (tcp_fw.c, lwIP's smtp.c) copies
 * or prints it at once. Two ip_addr_t per connection kept beside the
 * tuple would cost 40 to 48 bytes a connection for that. */
static ip_addr_t *afw_getip(struct altcp_pcb *pcb, int local)
{
	static ip_addr_t afw_ip[2];
	struct fw_tcp_conn *conn = afw_conn(pcb);
	const struct fw_tcp_tuple *t;
	ip_addr_t *ip = &afw_ip[local ? 1 : 0];

	if (!conn)
		return NULL;
	t = fw_tcp_get_tuple(conn);
	fw_tcp_addr_to_ip(ip, local ? &t->laddr : &t->raddr);
	return ip;
}

static u16_t afw_getport(struct altcp_pcb *pcb, int local)
{
	struct afw *a = afw_of(pcb);
	const struct fw_tcp_tuple *t;

	if (!a)
		return 0;
	if (!a->conn || (a->flags & AFW_F_LISTEN))
		return local ? a->port : 0;
	t = fw_tcp_get_tuple(a->conn);
	return local ? t->lport : t->rport;
}

#if LWIP_TCP_KEEPALIVE
static void afw_keepalive_disable(struct altcp_pcb *pcb)
{
	struct fw_tcp_conn *conn = afw_conn(pcb);
	if (conn)
		fw_tcp_keepalive(conn, false);
}

static void afw_keepalive_enable(struct altcp_pcb *pcb, u32_t idle, u32_t intvl, u32_t count)
{
	struct fw_tcp_conn *conn = afw_conn(pcb);

	if (!conn)
		return;
	/* The engine's keepalive times are global (fw_tcp.h). */
	fw_tcp_set_keepalive_idle(idle);
	fw_tcp_set_keepalive_intvl(intvl);
	fw_tcp_set_keepalive_count(count);
	fw_tcp_keepalive(conn, true);
}
#endif

#ifdef LWIP_DEBUG
static enum tcp_state afw_dbg_state(struct altcp_pcb *pcb)
{
	struct fw_tcp_conn *conn = afw_conn(pcb);

	if (!conn)
		return CLOSED;
	switch (fw_tcp_get_state(conn)) {
	case FW_TCP_CLOSED: return CLOSED;
	case FW_TCP_LISTEN: return LISTEN;
	case FW_TCP_SYN_SENT: return SYN_SENT;
	case FW_TCP_SYN_RCVD: return SYN_RCVD;
	case FW_TCP_ESTABLISHED: return ESTABLISHED;
	case FW_TCP_FIN_WAIT_1: return FIN_WAIT_1;
	case FW_TCP_FIN_WAIT_2: return FIN_WAIT_2;
	case FW_TCP_CLOSE_WAIT: return CLOSE_WAIT;
	case FW_TCP_CLOSING: return CLOSING;
	case FW_TCP_LAST_ACK: return LAST_ACK;
	case FW_TCP_TIME_WAIT: return TIME_WAIT;
	}
	return CLOSED;
}
#endif

static const struct altcp_functions afw_functions = {
	.set_poll = afw_set_poll,
	.recved = afw_recved,
	.bind = afw_bind,
	.connect = afw_connect,
	.listen = afw_listen,
	.abort = afw_abort,
	.close = afw_close,
	.shutdown = afw_shutdown,
	.write = afw_write,
	.output = afw_output,
	.mss = afw_mss,
	.sndbuf = afw_sndbuf,
	.sndqueuelen = afw_sndqueuelen,
	.nagle_disable = afw_nagle_disable,
	.nagle_enable = afw_nagle_enable,
	.nagle_disabled = afw_nagle_disabled,
	.setprio = afw_setprio,
	.dealloc = afw_dealloc,
	.addrinfo = afw_addrinfo,
	.getip = afw_getip,
	.getport = afw_getport,
#if LWIP_TCP_KEEPALIVE
	.keepalive_disable = afw_keepalive_disable,
	.keepalive_enable = afw_keepalive_enable,
#endif
#ifdef LWIP_DEBUG
	.dbg_get_tcp_state = afw_dbg_state,
#endif
};

/* ------------------------------------------------------------ entry points */

/* altcp_new() without an allocator lands here (altcp.c): the plain TCP
 * connection of lwIP's API, on finwait, of either family (a listener
 * takes both; a connection is of its peer address's family). */
struct altcp_pcb *altcp_tcp_new_ip_type(u8_t ip_type)
{
	(void)ip_type;
	return afw_new_pcb();
}

struct altcp_pcb *altcp_tcp_alloc(void *arg, u8_t ip_type)
{
	(void)arg;
	return altcp_tcp_new_ip_type(ip_type);
}

void afw_reset(void)
{
	if (afw_ticking)
		sys_untimeout(afw_tick, NULL);
	afw_ticking = false;
	afw_tick_n = 0;
	memset(afw_pool, 0, sizeof afw_pool);
	memset(&afw_counters, 0, sizeof afw_counters);
	afw_syn_timeouts_seen = afw_syn_timeouts();
}

void afw_get_stats(struct afw_stats *out)
{
	*out = afw_counters;
	out->in_use = 0;
	for (unsigned i = 0; i < MEMP_NUM_ALTCP_PCB; i++)
		out->in_use += (afw_pool[i].flags & AFW_F_USED) != 0;
}

uint32_t afw_conn_bytes(void)
{
	return (uint32_t)(sizeof(struct altcp_pcb) + sizeof(struct afw));
}

#endif
