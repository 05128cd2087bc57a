/*
 * finwait's engine under the host benchmark: the same application as
 * eng_lwip.c on the fw_tcp.h API.
 */
#include "bench_eng.h"

#include "fw_tcp.h"

const char eng_name[] = "finwait";

static bool eng_close_first;
static uint32_t eng_close_after, eng_echoed;
static unsigned eng_errors;

static err_t eng_recv_cb(void *arg, struct fw_tcp_conn *tcb, struct pbuf *p)
{
	(void)arg;
	if (p == NULL) {
		fw_tcp_close(tcb);   /* peer's FIN: our close completes it */
		return ERR_OK;
	}
	uint16_t len = p->tot_len;
	for (struct pbuf *q = p; q != NULL; q = q->next)
		if (fw_tcp_write(tcb, q->payload, q->len) != ERR_OK)
			eng_errors++;
	fw_tcp_recved(tcb, len);
	pbuf_free(p);
	eng_echoed += len;
	if (eng_close_first && eng_echoed >= eng_close_after)
		fw_tcp_close(tcb);   /* FIN after the reply */
	return ERR_OK;
}

static void eng_err_cb(void *arg, err_t err)
{
	(void)arg;
	(void)err;
	eng_errors++;
}

static err_t eng_accept_cb(void *arg, struct fw_tcp_conn *tcb)
{
	(void)arg;
	eng_echoed = 0;
	fw_tcp_recv(tcb, eng_recv_cb);
	fw_tcp_err(tcb, eng_err_cb);
	return ERR_OK;
}

static uint32_t eng_clock(void)
{
	return bench_now_ms;
}

void eng_app(bool server_closes_first, uint32_t close_after)
{
	eng_close_first = server_closes_first;
	eng_close_after = close_after;
}

void eng_start(void)
{
	static const uint8_t key[16] = { 6 };

	fw_tcp_init(eng_clock, key);
	if (fw_tcp_listen(BENCH_PORT, eng_accept_cb, NULL) == NULL)
		eng_errors++;
}

void eng_timers(void)
{
	uint32_t at;

	fw_tcp_timers(bench_now_ms);
	(void)fw_tcp_next_deadline(&at);   /* main.c re-arms the board's timer */
}

bool eng_next_timer(uint32_t *at)
{
	return fw_tcp_next_deadline(at);
}

unsigned eng_time_wait_count(void)
{
	struct fw_tcp_tw_stats w;

	fw_tcp_get_tw_stats(&w);
	return w.in_use;
}

unsigned eng_app_errors(void)
{
	return eng_errors;
}
