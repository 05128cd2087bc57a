/*
 * echo (RFC 862, port 7), discard (RFC 863, port 9) and daytime (RFC 867,
 * port 13) on lwIP's raw API: the same three services finwait serves, for
 * the baseline firmware (make FW_TCP=lwip) the benchmarks compare against.
 *
 * Echo keeps what it could not send yet in a per-connection queue and
 * opens the receive window (tcp_recved) only for bytes it has queued for
 * sending, so a fast client is flow-controlled by the window, exactly as
 * with finwait. Daytime writes one line and closes first, so the server
 * does the active close and holds TIME_WAIT.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "console.h"
#include "lwip_bench.h"

#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"

#define SVC_PORT_ECHO      7
#define SVC_PORT_DISCARD   9
#define SVC_PORT_DAYTIME   13
#define SVC_ECHO_SLOTS     MEMP_NUM_TCP_PCB   /* one per possible connection */
#define SVC_POLL_INTERVAL  2                  /* tcp_poll: 2 x 500 ms */
#define SVC_DAYTIME_LINE   64
#define SVC_MS_PER_S       1000u

struct svc_echo {
	struct tcp_pcb *pcb;     /* NULL: slot free */
	struct pbuf *pending;    /* received, not yet queued for sending */
	bool peer_closed;        /* FIN seen: close once pending is sent */
};

/* Exhaustion and failures, printed by `stats` as `lwipsvc:`. */
struct svc_stats {
	uint32_t accepted;
	uint32_t echo_no_slot;   /* echo refused: every slot busy (abort) */
	uint32_t write_err;      /* tcp_write/tcp_output failed: retried on poll */
	uint32_t close_err;      /* tcp_close failed: retried on poll */
	uint32_t listen_err;     /* a listener could not be created */
	uint32_t conn_err;       /* err callbacks (RST, abort) */
};

static struct svc_echo svc_echo_slots[SVC_ECHO_SLOTS];
static struct svc_stats svc_stats;
static bool svc_started;

/* ------------------------------------------------------------ closing */

/* tcp_close() can fail for lack of memory (no FIN segment); lwIP then
 * leaves the PCB open, so the poll callback tries again. */
static err_t svc_close_retry_cb(void *arg, struct tcp_pcb *pcb)
{
	(void)arg;
	if (tcp_close(pcb) != ERR_OK)
		svc_stats.close_err++;
	else
		tcp_poll(pcb, NULL, 0);
	return ERR_OK;
}

static void svc_close(struct tcp_pcb *pcb)
{
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	tcp_poll(pcb, NULL, 0);
	if (tcp_close(pcb) != ERR_OK) {
		svc_stats.close_err++;
		tcp_poll(pcb, svc_close_retry_cb, SVC_POLL_INTERVAL);
	}
}

static void svc_conn_err_cb(void *arg, err_t err)
{
	struct svc_echo *e = arg;

	(void)err;
	svc_stats.conn_err++;
	if (e == NULL)
		return;
	if (e->pending != NULL)
		pbuf_free(e->pending);
	e->pending = NULL;
	e->pcb = NULL;   /* lwIP has freed the PCB already */
}

/* ------------------------------------------------------------ echo */

static void svc_echo_release(struct svc_echo *e)
{
	struct tcp_pcb *pcb = e->pcb;

	if (e->pending != NULL)
		pbuf_free(e->pending);
	e->pending = NULL;
	e->pcb = NULL;
	svc_close(pcb);
}

/* Queue as much of `pending` as the send buffer takes; the window opens by
 * what was queued. */
static void svc_echo_pump(struct svc_echo *e)
{
	uint16_t queued = 0;

	while (e->pending != NULL) {
		uint16_t room = tcp_sndbuf(e->pcb);
		uint16_t n = e->pending->len < room ? e->pending->len : room;
		if (n == 0 || tcp_sndqueuelen(e->pcb) >= TCP_SND_QUEUELEN - 1)
			break;
		if (tcp_write(e->pcb, e->pending->payload, n, TCP_WRITE_FLAG_COPY) != ERR_OK) {
			svc_stats.write_err++;
			break;
		}
		queued += n;
		e->pending = pbuf_free_header(e->pending, n);
	}
	if (queued > 0) {
		tcp_recved(e->pcb, queued);
		if (tcp_output(e->pcb) != ERR_OK)
			svc_stats.write_err++;
	}
	if (e->pending == NULL && e->peer_closed)
		svc_echo_release(e);
}

static err_t svc_echo_recv_cb(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct svc_echo *e = arg;

	(void)pcb;
	if (err != ERR_OK) {   /* lwIP 2.1.3 passes ERR_OK only; be safe */
		if (p != NULL)
			pbuf_free(p);
		return ERR_OK;
	}
	if (p == NULL)
		e->peer_closed = true;   /* RFC 862: echo what came, then close */
	else if (e->pending == NULL)
		e->pending = p;
	else
		pbuf_cat(e->pending, p);
	svc_echo_pump(e);
	return ERR_OK;
}

static err_t svc_echo_sent_cb(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	(void)pcb;
	(void)len;
	svc_echo_pump(arg);
	return ERR_OK;
}

static err_t svc_echo_poll_cb(void *arg, struct tcp_pcb *pcb)
{
	(void)pcb;
	svc_echo_pump(arg);   /* a tcp_write that failed for memory */
	return ERR_OK;
}

static err_t svc_echo_accept_cb(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK || pcb == NULL)
		return ERR_VAL;
	for (unsigned i = 0; i < SVC_ECHO_SLOTS; i++) {
		struct svc_echo *e = &svc_echo_slots[i];
		if (e->pcb != NULL)
			continue;
		*e = (struct svc_echo){ .pcb = pcb };
		svc_stats.accepted++;
		tcp_arg(pcb, e);
		tcp_recv(pcb, svc_echo_recv_cb);
		tcp_sent(pcb, svc_echo_sent_cb);
		tcp_err(pcb, svc_conn_err_cb);
		tcp_poll(pcb, svc_echo_poll_cb, SVC_POLL_INTERVAL);
		return ERR_OK;
	}
	svc_stats.echo_no_slot++;
	tcp_abort(pcb);
	return ERR_ABRT;
}

/* ------------------------------------------------------------ discard */

static err_t svc_discard_recv_cb(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg;
	(void)err;
	if (p == NULL) {
		svc_close(pcb);
		return ERR_OK;
	}
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

static err_t svc_discard_accept_cb(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK || pcb == NULL)
		return ERR_VAL;
	svc_stats.accepted++;
	tcp_recv(pcb, svc_discard_recv_cb);
	tcp_err(pcb, svc_conn_err_cb);
	return ERR_OK;
}

/* ------------------------------------------------------------ daytime */

static err_t svc_daytime_accept_cb(void *arg, struct tcp_pcb *pcb, err_t err)
{
	char line[SVC_DAYTIME_LINE];
	uint32_t now = sys_now();

	(void)arg;
	if (err != ERR_OK || pcb == NULL)
		return ERR_VAL;
	svc_stats.accepted++;
	/* RFC 867 leaves the format free: time since boot, as finwait has no
	 * calendar clock. */
	int n = snprintf(line, sizeof line, "uptime %lu.%03lu s lwip\r\n",
	    (unsigned long)(now / SVC_MS_PER_S), (unsigned long)(now % SVC_MS_PER_S));
	if (n > 0 && tcp_write(pcb, line, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
		svc_stats.write_err++;
	svc_close(pcb);   /* FIN after the line: the server closes first */
	return ERR_OK;
}

/* ------------------------------------------------------------ set-up */

static void svc_listen(uint16_t port, tcp_accept_fn accept_cb)
{
	/* Both families (IP_ANY_TYPE), as finwait's listeners: the bench
	 * compares echo over IPv6 too. */
	struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);

	if (pcb == NULL || tcp_bind(pcb, IP_ANY_TYPE, port) != ERR_OK) {
		svc_stats.listen_err++;
		if (pcb != NULL)
			tcp_abort(pcb);
		return;
	}
	struct tcp_pcb *lpcb = tcp_listen(pcb);   /* frees pcb on success */
	if (lpcb == NULL) {
		svc_stats.listen_err++;
		tcp_abort(pcb);
		return;
	}
	tcp_accept(lpcb, accept_cb);
}

static void svc_print_stats(void)
{
	console_printf("lwipsvc: accepted=%lu echo_no_slot=%lu write_err=%lu close_err=%lu "
	    "listen_err=%lu conn_err=%lu\n",
	    (unsigned long)svc_stats.accepted, (unsigned long)svc_stats.echo_no_slot,
	    (unsigned long)svc_stats.write_err, (unsigned long)svc_stats.close_err,
	    (unsigned long)svc_stats.listen_err, (unsigned long)svc_stats.conn_err);
	console_printf("lwiptcp: memp_tcp_pcb_used=%u memp_tcp_pcb_max=%u memp_tcp_pcb_err=%u "
	    "memp_tcp_seg_err=%u tcp_drop=%u tcp_memerr=%u\n",
	    (unsigned)lwip_stats.memp[MEMP_TCP_PCB]->used,
	    (unsigned)lwip_stats.memp[MEMP_TCP_PCB]->max,
	    (unsigned)lwip_stats.memp[MEMP_TCP_PCB]->err,
	    (unsigned)lwip_stats.memp[MEMP_TCP_SEG]->err,
	    (unsigned)lwip_stats.tcp.drop, (unsigned)lwip_stats.tcp.memerr);
}

void services_init(void)
{
	if (svc_started)
		return;
	svc_started = true;
	svc_listen(SVC_PORT_ECHO, svc_echo_accept_cb);
	svc_listen(SVC_PORT_DISCARD, svc_discard_accept_cb);
	svc_listen(SVC_PORT_DAYTIME, svc_daytime_accept_cb);
	if (console_register_stats(svc_print_stats) != 0)
		svc_stats.listen_err++;
}
