/*
 * A minimal lwIP application on finwait's TCP, built outside finwait's
 * tree: an echo server on port 7 through lwIP's altcp API, and a client
 * through lwIP's raw tcp_* API that connects to it over 127.0.0.1, sends
 * a line and checks the echo. Prints OK and returns 0 when the line came
 * back and both ends closed; on Cortex-M the same code only has to link.
 */
#include <stdio.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "lwip/altcp.h"
#include "lwip/tcp.h"

#include "fw_tcp.h"

#include "clock.h"

#define OOT_PORT 7
#define OOT_LINE "hello, finwait\n"
#define OOT_LIMIT_MS 5000u

static char oot_got[sizeof OOT_LINE];
static size_t oot_got_len;
static int oot_done;     /* 1: the echo came back and the client closed */
static int oot_failed;

/* ---- the server: altcp ---- */

static err_t oot_srv_recv(void *arg, struct altcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg;
	if (p == NULL || err != ERR_OK) {   /* the peer closed */
		altcp_close(pcb);
		return ERR_OK;
	}
	for (struct pbuf *q = p; q != NULL; q = q->next)
		if (altcp_write(pcb, q->payload, q->len, TCP_WRITE_FLAG_COPY) != ERR_OK)
			oot_failed = 1;
	altcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

static err_t oot_srv_accept(void *arg, struct altcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (pcb == NULL || err != ERR_OK)
		return ERR_MEM;
	altcp_recv(pcb, oot_srv_recv);
	return ERR_OK;
}

static int oot_server(void)
{
	struct altcp_pcb *pcb = altcp_new(NULL);

	if (pcb == NULL || altcp_bind(pcb, IP_ADDR_ANY, OOT_PORT) != ERR_OK)
		return -1;
	pcb = altcp_listen(pcb);
	if (pcb == NULL)
		return -1;
	altcp_accept(pcb, oot_srv_accept);
	return 0;
}

/* ---- the client: lwIP's raw API ---- */

static err_t oot_cli_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg;
	if (p == NULL || err != ERR_OK) {
		tcp_close(pcb);
		return ERR_OK;
	}
	oot_got_len += pbuf_copy_partial(p, oot_got + oot_got_len,
	    (u16_t)(sizeof oot_got - 1 - oot_got_len), 0);
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	if (oot_got_len == strlen(OOT_LINE)) {
		tcp_close(pcb);
		oot_done = 1;
	}
	return ERR_OK;
}

static void oot_cli_err(void *arg, err_t err)
{
	(void)arg;
	printf("oot: client error %d\n", (int)err);
	oot_failed = 1;
}

static err_t oot_cli_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK)
		return err;
	tcp_recv(pcb, oot_cli_recv);
	return tcp_write(pcb, OOT_LINE, (u16_t)strlen(OOT_LINE), TCP_WRITE_FLAG_COPY);
}

static int oot_client(void)
{
	struct tcp_pcb *pcb = tcp_new();
	ip_addr_t lo;

	if (pcb == NULL)
		return -1;
	IP_ADDR4(&lo, 127, 0, 0, 1);
	tcp_err(pcb, oot_cli_err);
	return tcp_connect(pcb, &lo, OOT_PORT, oot_cli_connected) == ERR_OK ? 0 : -1;
}

/* ---- the main loop ---- */

/* One pass of what a bare-metal main loop does: frames in (here only the
 * loopback queue), lwIP's timeouts, then the engine's timers when their
 * deadline has come. A board would arm a timer for the deadline and sleep. */
static void oot_poll(void)
{
	uint32_t at;

	netif_poll_all();
	sys_check_timeouts();
	if (fw_tcp_next_deadline(&at) && (int32_t)(oot_now_ms() - at) >= 0)
		fw_tcp_timers(oot_now_ms());
}

int main(void)
{
	/* RFC 6528's secret: from a hardware RNG or boot entropy on a board. */
	static const uint8_t key[16] = { 0x6f, 0x6f, 0x74, 0x21, 0x13, 0x57, 0x9b, 0xdf,
	                                 0x02, 0x46, 0x8a, 0xce, 0x11, 0x33, 0x55, 0x77 };

	lwip_init();                      /* adds the loopback netif (LWIP_HAVE_LOOPIF) */
	fw_tcp_init(oot_now_ms, key);     /* after lwip_init(): makes the engine's raw PCBs */
	if (oot_server() != 0 || oot_client() != 0) {
		printf("oot: FAIL (setup)\n");
		return 1;
	}
	uint32_t start = oot_now_ms();
	while (!oot_done && !oot_failed && oot_now_ms() - start < OOT_LIMIT_MS)
		oot_poll();
	for (int i = 0; i < 100; i++)     /* let the FINs cross */
		oot_poll();
	if (!oot_done || oot_failed || memcmp(oot_got, OOT_LINE, strlen(OOT_LINE)) != 0) {
		printf("oot: FAIL (got %u bytes)\n", (unsigned)oot_got_len);
		return 1;
	}
	printf("oot: OK (%u bytes echoed through altcp and raw tcp_* on finwait)\n",
	    (unsigned)oot_got_len);
	return 0;
}
