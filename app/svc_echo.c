/*
 * TCP echo (RFC 862), port 7: every byte received goes back. The peer
 * usually closes first, so finwait does the passive close: the peer's FIN
 * (CLOSE_WAIT) is answered with our FIN once everything is echoed
 * (LAST_ACK).
 *
 * Flow control: received data stays in `pend` until fw_tcp_write() took it,
 * and the window is reopened (fw_tcp_recved) only for bytes echoed, so a
 * peer that does not read its echo is slowed by its own window, and no
 * byte is lost when the send queue or the PBUF_RAM heap is full.
 */
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "console.h"
#include "svc.h"
#include "fw_tcp.h"

#include "lwip/pbuf.h"

#define ECHO_PORT 7u   /* RFC 862 */

struct echo_conn {
	struct fw_tcp_conn *tcb;     /* NULL: slot free */
	struct pbuf *pend;   /* received, not yet written back */
	uint32_t owed;       /* bytes echoed, window not yet reopened */
	bool eof;            /* the peer's FIN arrived */
};

struct echo_stats {
	unsigned accepted;
	unsigned refused;      /* no free slot: the engine resets the connection */
	unsigned closed;       /* our FIN queued after the peer's */
	unsigned reset;        /* ended by the peer's RST */
	unsigned aborted;      /* ended by the engine (retries, watchdog) */
	unsigned write_full;   /* fw_tcp_write() ERR_MEM: kept queued, retried */
	unsigned write_err;    /* fw_tcp_write() other errors: data dropped */
	uint32_t bytes;        /* echoed */
};

static struct echo_conn echo_conns[FW_SVC_ECHO_CONNS];
static struct echo_stats echo_st;

static unsigned echo_open(void)
{
	unsigned n = 0;
	for (size_t i = 0; i < FW_SVC_ECHO_CONNS; i++)
		n += echo_conns[i].tcb != NULL;
	return n;
}

static void echo_free(struct echo_conn *c)
{
	if (c->pend)
		pbuf_free(c->pend);
	c->pend = NULL;
	c->tcb = NULL;
	c->owed = 0;
	c->eof = false;
}

/* A chain may hold empty pbufs; pbuf_free_header() stops in front of them. */
static void echo_skip_empty(struct echo_conn *c)
{
	while (c->pend && c->pend->len == 0) {
		struct pbuf *f = c->pend;
		c->pend = f->next;
		f->next = NULL;
		pbuf_free(f);
	}
}

/* Write back what the send queue takes; false when the connection was
 * closed (the slot is free). */
static bool echo_pump(struct echo_conn *c)
{
	for (echo_skip_empty(c); c->pend; echo_skip_empty(c)) {
		uint32_t room = fw_tcp_sndbuf(c->tcb);
		uint16_t n = c->pend->len;
		if (n > room)
			n = (uint16_t)room;
		if (n == 0)
			break;               /* send queue full: sent_cb resumes */
		err_t err = fw_tcp_write(c->tcb, c->pend->payload, n);
		if (err == ERR_MEM) {
			echo_st.write_full++;
			svc_kick(FW_SVC_RETRY_MS);   /* heap full: nothing of ours may be in flight */
			break;
		}
		if (err != ERR_OK) {
			echo_st.write_err++;
			pbuf_free(c->pend);
			c->pend = NULL;
			break;
		}
		c->pend = pbuf_free_header(c->pend, n);
		c->owed += n;
		echo_st.bytes += n;
	}
	if (c->eof && !c->pend) {
		/* RFC 9293 3.10.4: CLOSE_WAIT -> LAST_ACK, FIN after the echo. */
		echo_st.closed++;
		fw_tcp_close(c->tcb);
		echo_free(c);
		return false;
	}
	return true;
}

static void echo_credit(struct echo_conn *c)
{
	while (c->owed > 0) {
		uint16_t n = c->owed > UINT16_MAX ? UINT16_MAX : (uint16_t)c->owed;
		c->owed -= n;
		fw_tcp_recved(c->tcb, n);
	}
}

/* Echo from the callback: the engine counts the bytes we hold against the
 * window before calling us, and sends what one event produced together
 * once it ends, so the echo carries the ACK of the data it answers, and
 * after the peer's FIN our FIN carries its ACK (CLOSE_WAIT -> LAST_ACK in
 * one segment). What the send queue cannot take yet stays in `pend` for
 * sent_cb or the deferred retry. */
static err_t echo_recv_cb(void *arg, struct fw_tcp_conn *tcb, struct pbuf *p)
{
	struct echo_conn *c = arg;

	(void)tcb;
	if (p == NULL)
		c->eof = true;
	else if (c->pend)
		pbuf_cat(c->pend, p);
	else
		c->pend = p;
	if (echo_pump(c))
		echo_credit(c);
	return ERR_OK;
}

static void echo_sent_cb(void *arg, struct fw_tcp_conn *tcb, uint16_t len)
{
	struct echo_conn *c = arg;

	(void)tcb;
	(void)len;
	if (echo_pump(c))
		echo_credit(c);
}

static void echo_err_cb(void *arg, err_t err)
{
	struct echo_conn *c = arg;

	if (err == ERR_RST)
		echo_st.reset++;
	else
		echo_st.aborted++;
	echo_free(c);
}

static err_t echo_accept_cb(void *arg, struct fw_tcp_conn *tcb)
{
	(void)arg;
	for (size_t i = 0; i < FW_SVC_ECHO_CONNS; i++) {
		struct echo_conn *c = &echo_conns[i];
		if (c->tcb != NULL)
			continue;
		c->tcb = tcb;
		fw_tcp_arg(tcb, c);
		fw_tcp_recv(tcb, echo_recv_cb);
		fw_tcp_sent(tcb, echo_sent_cb);
		fw_tcp_err(tcb, echo_err_cb);
		/* Keepalive (RFC 9293 3.8.4): a vanished client gives its echo slot back. */
		fw_tcp_keepalive(tcb, true);
		echo_st.accepted++;
		return ERR_OK;
	}
	echo_st.refused++;
	return ERR_MEM;
}

/* The retry after a full heap (svc_kick). */
void svc_echo_run(void)
{
	for (size_t i = 0; i < FW_SVC_ECHO_CONNS; i++) {
		struct echo_conn *c = &echo_conns[i];
		if (c->tcb && echo_pump(c))
			echo_credit(c);
	}
}

void svc_echo_start(void)
{
	if (!fw_tcp_listen(ECHO_PORT, echo_accept_cb, NULL))
		svc_listen_failed("echo", ECHO_PORT);
}

void svc_echo_stats(void)
{
	console_printf("echo: open=%u max=%u accepted=%u refused=%u closed=%u reset=%u aborted=%u "
	    "write_full=%u write_err=%u bytes=%lu\n", echo_open(), (unsigned)FW_SVC_ECHO_CONNS,
	    echo_st.accepted, echo_st.refused, echo_st.closed, echo_st.reset, echo_st.aborted,
	    echo_st.write_full, echo_st.write_err, (unsigned long)echo_st.bytes);
}
