/*
 * lwIP's raw TCP API (tcp_new, tcp_bind, tcp_listen, tcp_accept,
 * tcp_write, ...) for applications written against lwip/tcp.h, such as
 * lwiperf: a thin facade over the altcp layer (altcp_fw.c), which does
 * the work on finwait's engine.
 *
 * The raw API hands out `struct tcp_pcb *`, and applications read its
 * fields (lwiperf: local_ip, remote_ip, local_port, remote_port; lwIP's
 * macros: mss, snd_buf, snd_queuelen, flags), so each handle here is a
 * whole lwIP struct tcp_pcb, from a static pool of FW_RAW_PCBS, kept up
 * to date where applications look; only raw-API applications pay for it
 * (altcp ones never do).
 *
 * A handle whose connection is gone (err callback, tcp_close, tcp_abort)
 * is marked released and goes to the end of the free list: calls on it
 * are harmless no-ops until it is handed out again, as long after as the
 * pool allows. lwiperf 2.1.3 calls tcp_close() from its err callback on
 * the pcb lwIP has just freed; here that is a no-op.
 */
#include <string.h>

#include "lwip/opt.h"
#include "lwip/altcp.h"
#include "lwip/altcp_tcp.h"
#include "lwip/tcp.h"

#include "altcp_fw.h"
#include "fw_tcp_config.h"
#include "tcp_fw.h"

#if LWIP_TCP && LWIP_ALTCP && !defined(FW_LWIP_TCP)

#define RFW_F_USED     0x01u
#define RFW_F_RELEASED 0x02u   /* the connection is gone: a no-op handle */

struct rfw {
	struct altcp_pcb *ap;
	tcp_accept_fn accept;
	uint8_t flags;
	uint8_t age;               /* release order: the oldest released is reused first */
};

static struct tcp_pcb rfw_pcbs[FW_RAW_PCBS];
static struct rfw rfw_ext[FW_RAW_PCBS];
static uint8_t rfw_clock;

static struct rfw *rfw_of(const struct tcp_pcb *pcb)
{
	if (pcb < rfw_pcbs || pcb >= rfw_pcbs + FW_RAW_PCBS)
		return NULL;
	return &rfw_ext[pcb - rfw_pcbs];
}

static struct altcp_pcb *rfw_ap(const struct tcp_pcb *pcb)
{
	const struct rfw *r = rfw_of(pcb);
	return r && (r->flags & RFW_F_USED) && !(r->flags & RFW_F_RELEASED) ? r->ap : NULL;
}

/* A free handle: never used first, else the one released longest ago. */
static struct tcp_pcb *rfw_alloc(struct altcp_pcb *ap)
{
	int pick = -1;

	for (int i = 0; i < FW_RAW_PCBS; i++) {
		const struct rfw *r = &rfw_ext[i];
		if (!(r->flags & RFW_F_USED)) {
			pick = i;
			break;
		}
		if ((r->flags & RFW_F_RELEASED) &&
		    (pick < 0 || (uint8_t)(rfw_clock - r->age) > (uint8_t)(rfw_clock - rfw_ext[pick].age)))
			pick = i;
	}
	if (pick < 0)
		return NULL;
	memset(&rfw_pcbs[pick], 0, sizeof rfw_pcbs[pick]);
	memset(&rfw_ext[pick], 0, sizeof rfw_ext[pick]);
	rfw_ext[pick].flags = RFW_F_USED;
	rfw_ext[pick].ap = ap;
	rfw_pcbs[pick].state = CLOSED;
	rfw_pcbs[pick].mss = TCP_MSS;
	rfw_pcbs[pick].ttl = TCP_TTL;
	rfw_pcbs[pick].prio = TCP_PRIO_NORMAL;
	return &rfw_pcbs[pick];
}

static void rfw_release(struct tcp_pcb *pcb)
{
	struct rfw *r = rfw_of(pcb);

	r->flags |= RFW_F_RELEASED;
	r->ap = NULL;
	r->age = rfw_clock++;
	pcb->state = CLOSED;
	pcb->snd_buf = 0;
}

/* What applications read in the pcb, from the connection. */
static void rfw_refresh(struct tcp_pcb *pcb)
{
	struct altcp_pcb *ap = rfw_ap(pcb);
	ip_addr_t *ip;

	if (!ap)
		return;
	if ((ip = altcp_get_ip(ap, 1)) != NULL)
		ip_addr_copy(pcb->local_ip, *ip);
	if ((ip = altcp_get_ip(ap, 0)) != NULL)
		ip_addr_copy(pcb->remote_ip, *ip);
	pcb->local_port = altcp_get_port(ap, 1);
	pcb->remote_port = altcp_get_port(ap, 0);
	pcb->mss = altcp_mss(ap);
	pcb->snd_buf = altcp_sndbuf(ap);
	pcb->snd_queuelen = altcp_sndqueuelen(ap);
}

/* ------------------------------------------------------------ from the altcp layer */

static err_t rfw_recv(void *arg, struct altcp_pcb *ap, struct pbuf *p, err_t err)
{
	struct tcp_pcb *pcb = arg;

	(void)ap;
	if (pcb->recv)
		return pcb->recv(pcb->callback_arg, pcb, p, err);
	/* lwIP's tcp_recv_null(): take the data, close on the FIN */
	if (p) {
		tcp_recved(pcb, p->tot_len);
		pbuf_free(p);
	} else {
		tcp_close(pcb);
	}
	return ERR_OK;
}

static err_t rfw_sent(void *arg, struct altcp_pcb *ap, u16_t len)
{
	struct tcp_pcb *pcb = arg;

	(void)ap;
	rfw_refresh(pcb);
	return pcb->sent ? pcb->sent(pcb->callback_arg, pcb, len) : ERR_OK;
}

static err_t rfw_poll(void *arg, struct altcp_pcb *ap)
{
	struct tcp_pcb *pcb = arg;

	(void)ap;
	rfw_refresh(pcb);
	return pcb->poll ? pcb->poll(pcb->callback_arg, pcb) : ERR_OK;
}

static void rfw_err(void *arg, err_t err)
{
	struct tcp_pcb *pcb = arg;
	tcp_err_fn errf;
	void *cb_arg;

	if (!pcb)
		return;
	errf = pcb->errf;
	cb_arg = pcb->callback_arg;
	rfw_release(pcb);          /* before the callback: lwiperf closes it from there */
	if (errf)
		errf(cb_arg, err);
}

static err_t rfw_connected(void *arg, struct altcp_pcb *ap, err_t err)
{
	struct tcp_pcb *pcb = arg;

	(void)ap;
	pcb->state = ESTABLISHED;
	rfw_refresh(pcb);
	return pcb->connected ? pcb->connected(pcb->callback_arg, pcb, err) : ERR_OK;
}

static void rfw_wire(struct tcp_pcb *pcb, struct altcp_pcb *ap)
{
	altcp_arg(ap, pcb);
	altcp_recv(ap, rfw_recv);
	altcp_sent(ap, rfw_sent);
	altcp_err(ap, rfw_err);
	altcp_poll(ap, rfw_poll, pcb->pollinterval);
}

static err_t rfw_accept(void *arg, struct altcp_pcb *ap, err_t err)
{
	struct tcp_pcb *lpcb = arg;
	struct rfw *l = rfw_of(lpcb);
	struct tcp_pcb *pcb;
	err_t ret;

	if (!l->accept)
		return ERR_ARG;
	pcb = ap ? rfw_alloc(ap) : NULL;
	if (!pcb) {
		l->accept(lpcb->callback_arg, NULL, ERR_MEM);
		return ERR_MEM;
	}
	pcb->state = ESTABLISHED;
	pcb->callback_arg = lpcb->callback_arg;   /* lwIP: the new pcb inherits the listener's arg */
	pcb->pollinterval = 1;
	rfw_wire(pcb, ap);
	rfw_refresh(pcb);
	ret = l->accept(lpcb->callback_arg, pcb, err);
	if (ret != ERR_OK && ret != ERR_ABRT) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	return ret;
}

/* ------------------------------------------------------------ lwIP's raw API */

struct tcp_pcb *tcp_new_ip_type(u8_t type)
{
	struct altcp_pcb *ap = altcp_tcp_new_ip_type(type);
	struct tcp_pcb *pcb;

	if (!ap)
		return NULL;
	pcb = rfw_alloc(ap);
	if (!pcb) {
		altcp_close(ap);
		return NULL;
	}
	rfw_wire(pcb, ap);
	return pcb;
}

struct tcp_pcb *tcp_new(void)
{
	return tcp_new_ip_type(IPADDR_TYPE_V4);
}

err_t tcp_bind(struct tcp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port)
{
	struct altcp_pcb *ap = rfw_ap(pcb);
	err_t err;

	if (!ap)
		return ERR_VAL;
	err = altcp_bind(ap, ipaddr, port);
	if (err == ERR_OK) {
		pcb->local_port = port;
		if (ipaddr)
			ip_addr_copy(pcb->local_ip, *ipaddr);
	}
	return err;
}

struct tcp_pcb *tcp_listen_with_backlog_and_err(struct tcp_pcb *pcb, u8_t backlog, err_t *err)
{
	struct altcp_pcb *ap = rfw_ap(pcb);
	err_t e = ERR_VAL;

	if (ap && altcp_listen_with_backlog_and_err(ap, backlog, &e) != NULL) {
		altcp_accept(ap, rfw_accept);
		pcb->state = LISTEN;
	}
	if (err)
		*err = e;
	return e == ERR_OK ? pcb : NULL;
}

struct tcp_pcb *tcp_listen_with_backlog(struct tcp_pcb *pcb, u8_t backlog)
{
	return tcp_listen_with_backlog_and_err(pcb, backlog, NULL);
}

void tcp_accept(struct tcp_pcb *pcb, tcp_accept_fn accept)
{
	struct rfw *r = rfw_of(pcb);
	if (r)
		r->accept = accept;
}

void tcp_arg(struct tcp_pcb *pcb, void *arg)
{
	if (rfw_of(pcb))
		pcb->callback_arg = arg;
}

void tcp_recv(struct tcp_pcb *pcb, tcp_recv_fn recv)
{
	if (rfw_of(pcb))
		pcb->recv = recv;
}

void tcp_sent(struct tcp_pcb *pcb, tcp_sent_fn sent)
{
	if (rfw_of(pcb))
		pcb->sent = sent;
}

void tcp_err(struct tcp_pcb *pcb, tcp_err_fn err)
{
	if (rfw_of(pcb))
		pcb->errf = err;
}

void tcp_poll(struct tcp_pcb *pcb, tcp_poll_fn poll, u8_t interval)
{
	struct altcp_pcb *ap = rfw_ap(pcb);

	if (!rfw_of(pcb))
		return;
	pcb->poll = poll;
	pcb->pollinterval = interval;
	if (ap)
		altcp_poll(ap, rfw_poll, interval);
}

err_t tcp_connect(struct tcp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port, tcp_connected_fn connected)
{
	struct altcp_pcb *ap = rfw_ap(pcb);
	err_t err;

	if (!ap)
		return ERR_VAL;
	pcb->connected = connected;
	err = altcp_connect(ap, ipaddr, port, rfw_connected);
	if (err == ERR_OK) {
		pcb->state = SYN_SENT;
		rfw_refresh(pcb);
	}
	return err;
}

err_t tcp_write(struct tcp_pcb *pcb, const void *dataptr, u16_t len, u8_t apiflags)
{
	struct altcp_pcb *ap = rfw_ap(pcb);
	err_t err;

	if (!ap)
		return ERR_CONN;
	err = altcp_write(ap, dataptr, len, apiflags);
	rfw_refresh(pcb);
	return err;
}

err_t tcp_output(struct tcp_pcb *pcb)
{
	struct altcp_pcb *ap = rfw_ap(pcb);
	return ap ? altcp_output(ap) : ERR_OK;
}

void tcp_recved(struct tcp_pcb *pcb, u16_t len)
{
	struct altcp_pcb *ap = rfw_ap(pcb);
	if (ap)
		altcp_recved(ap, len);
}

err_t tcp_close(struct tcp_pcb *pcb)
{
	struct altcp_pcb *ap = rfw_ap(pcb);

	if (!rfw_of(pcb) || !ap)
		return ERR_OK;       /* released already: a no-op */
	altcp_close(ap);           /* no callback from here on */
	rfw_release(pcb);
	return ERR_OK;
}

err_t tcp_shutdown(struct tcp_pcb *pcb, int shut_rx, int shut_tx)
{
	struct altcp_pcb *ap = rfw_ap(pcb);

	if (!ap)
		return ERR_CONN;
	if (shut_rx && shut_tx)
		return tcp_close(pcb);
	return altcp_shutdown(ap, shut_rx, shut_tx);
}

void tcp_abort(struct tcp_pcb *pcb)
{
	struct altcp_pcb *ap = rfw_ap(pcb);

	if (ap)
		altcp_abort(ap);       /* the err callback (ERR_ABRT) releases the handle */
}

void rfw_reset(void)
{
	memset(rfw_pcbs, 0, sizeof rfw_pcbs);
	memset(rfw_ext, 0, sizeof rfw_ext);
	rfw_clock = 0;
}

unsigned rfw_in_use(void)
{
	unsigned n = 0;
	for (int i = 0; i < FW_RAW_PCBS; i++)
		n += (rfw_ext[i].flags & RFW_F_USED) && !(rfw_ext[i].flags & RFW_F_RELEASED);
	return n;
}

#endif
