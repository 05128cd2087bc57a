/*
 * lwIP's own TCP under the host benchmark: the same application as
 * eng_finwait.c on lwIP's raw API. lwIP's timers run as in any NO_SYS
 * port: tcp_tmr() every TCP_TMR_INTERVAL (250 ms; it runs tcp_slowtmr()
 * every other call).
 */
#include "bench_eng.h"

#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

const char eng_name[] = "lwip";

static bool eng_close_first;
static uint32_t eng_close_after, eng_echoed;
static unsigned eng_errors;
static uint32_t eng_last_tick;

static err_t eng_recv_cb(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg;
	(void)err;
	if (p == NULL) {
		if (tcp_close(pcb) != ERR_OK)
			eng_errors++;
		return ERR_OK;
	}
	uint16_t len = p->tot_len;
	for (struct pbuf *q = p; q != NULL; q = q->next)
		if (tcp_write(pcb, q->payload, q->len, TCP_WRITE_FLAG_COPY) != ERR_OK)
			eng_errors++;
	tcp_recved(pcb, len);
	pbuf_free(p);
	eng_echoed += len;
	if (eng_close_first && eng_echoed >= eng_close_after && tcp_close(pcb) != ERR_OK)
		eng_errors++;
	return ERR_OK;
}

static void eng_err_cb(void *arg, err_t err)
{
	(void)arg;
	(void)err;
	eng_errors++;
}

static err_t eng_accept_cb(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	(void)err;
	eng_echoed = 0;
	tcp_recv(pcb, eng_recv_cb);
	tcp_err(pcb, eng_err_cb);
	return ERR_OK;
}

void eng_app(bool server_closes_first, uint32_t close_after)
{
	eng_close_first = server_closes_first;
	eng_close_after = close_after;
}

void eng_start(void)
{
	struct tcp_pcb *pcb = tcp_new();

	eng_last_tick = bench_now_ms;
	if (pcb == NULL || tcp_bind(pcb, IP4_ADDR_ANY, BENCH_PORT) != ERR_OK) {
		eng_errors++;
		return;
	}
	struct tcp_pcb *lpcb = tcp_listen(pcb);
	if (lpcb == NULL) {
		eng_errors++;
		return;
	}
	tcp_accept(lpcb, eng_accept_cb);
}

void eng_timers(void)
{
	eng_last_tick = bench_now_ms;
	tcp_tmr();
}

bool eng_next_timer(uint32_t *at)
{
	*at = eng_last_tick + TCP_TMR_INTERVAL;
	return true;
}

unsigned eng_time_wait_count(void)
{
	unsigned n = 0;

	for (struct tcp_pcb *pcb = tcp_tw_pcbs; pcb != NULL; pcb = pcb->next)
		n++;
	return n;
}

unsigned eng_app_errors(void)
{
	return eng_errors;
}
