/*
 * TCP discard (RFC 863), port 9: everything received is thrown away and
 * the window reopened; the peer's FIN is answered with ours (passive
 * close), nothing else is ever sent.
 */
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "console.h"
#include "svc.h"
#include "fw_tcp.h"

#include "lwip/pbuf.h"

#define DISCARD_PORT 9u   /* RFC 863 */

struct discard_conn {
	struct fw_tcp_conn *tcb;   /* NULL: slot free */
};

struct discard_stats {
	unsigned accepted;
	unsigned refused;   /* no free slot: the engine resets the connection */
	unsigned closed;    /* our FIN queued after the peer's */
	unsigned reset;     /* ended by the peer's RST */
	unsigned aborted;   /* ended by the engine (retries, watchdog) */
	uint32_t bytes;     /* discarded */
};

static struct discard_conn discard_conns[FW_SVC_DISCARD_CONNS];
static struct discard_stats discard_st;

static unsigned discard_open(void)
{
	unsigned n = 0;
	for (size_t i = 0; i < FW_SVC_DISCARD_CONNS; i++)
		n += discard_conns[i].tcb != NULL;
	return n;
}

static err_t discard_recv_cb(void *arg, struct fw_tcp_conn *tcb, struct pbuf *p)
{
	struct discard_conn *c = arg;
	uint16_t len;

	if (p == NULL) {
		/* RFC 9293 3.10.4 from CLOSE_WAIT: our FIN, LAST_ACK. */
		discard_st.closed++;
		fw_tcp_close(tcb);
		c->tcb = NULL;
		return ERR_OK;
	}
	/* Thrown away, so the window reopens at once: the ACK that leaves at
	 * the end of this event carries it. */
	len = p->tot_len;
	discard_st.bytes += len;
	pbuf_free(p);
	fw_tcp_recved(tcb, len);
	return ERR_OK;
}

static void discard_err_cb(void *arg, err_t err)
{
	struct discard_conn *c = arg;

	if (err == ERR_RST)
		discard_st.reset++;
	else
		discard_st.aborted++;
	c->tcb = NULL;
}

static err_t discard_accept_cb(void *arg, struct fw_tcp_conn *tcb)
{
	(void)arg;
	for (size_t i = 0; i < FW_SVC_DISCARD_CONNS; i++) {
		struct discard_conn *c = &discard_conns[i];
		if (c->tcb != NULL)
			continue;
		c->tcb = tcb;
		fw_tcp_arg(tcb, c);
		fw_tcp_recv(tcb, discard_recv_cb);
		fw_tcp_err(tcb, discard_err_cb);
		/* Keepalive (RFC 9293 3.8.4): a vanished client gives its discard slot back. */
		fw_tcp_keepalive(tcb, true);
		discard_st.accepted++;
		return ERR_OK;
	}
	discard_st.refused++;
	return ERR_MEM;
}

void svc_discard_start(void)
{
	if (!fw_tcp_listen(DISCARD_PORT, discard_accept_cb, NULL))
		svc_listen_failed("discard", DISCARD_PORT);
}

void svc_discard_stats(void)
{
	console_printf("discard: open=%u max=%u accepted=%u refused=%u closed=%u reset=%u "
	    "aborted=%u bytes=%lu\n", discard_open(), (unsigned)FW_SVC_DISCARD_CONNS,
	    discard_st.accepted, discard_st.refused, discard_st.closed, discard_st.reset,
	    discard_st.aborted, (unsigned long)discard_st.bytes);
}
