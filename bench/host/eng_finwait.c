/*
 * finwait's engine under the host benchmark: the same application as
 * eng_lwip.c on the tcp.h API.
 */
#include "bench_eng.h"

#include "tcp/tcp.h"
#include "tcp/timewait.h"

const char eng_name[] = "finwait";

static bool eng_close_first;
static unsigned eng_errors;

static err_t eng_recv_cb(void *arg, struct tcb *tcb, struct pbuf *p)
{
	(void)arg;
	if (p == NULL) {
		tcp_close(tcb, bench_now_ms);   /* peer's FIN: our close completes it */
		return ERR_OK;
	}
	uint16_t len = p->tot_len;
	for (struct pbuf *q = p; q != NULL; q = q->next)
		if (tcp_write(tcb, q->payload, q->len, bench_now_ms) != ERR_OK)
			eng_errors++;
	tcp_recved(tcb, len, bench_now_ms);
	pbuf_free(p);
	if (eng_close_first)
		tcp_close(tcb, bench_now_ms);   /* FIN after the reply */
	return ERR_OK;
}

static void eng_err_cb(void *arg, err_t err)
{
	(void)arg;
	(void)err;
	eng_errors++;
}

static err_t eng_accept_cb(void *arg, struct tcb *tcb)
{
	(void)arg;
	tcp_recv(tcb, eng_recv_cb);
	tcp_err(tcb, eng_err_cb);
	return ERR_OK;
}

void eng_start(bool server_closes_first)
{
	static const uint8_t key[16] = { 6 };

	eng_close_first = server_closes_first;
	tcp_init(bench_now_ms, key);
	if (tcp_listen(BENCH_PORT, eng_accept_cb, NULL) == NULL)
		eng_errors++;
}

void eng_timers(void)
{
	uint32_t at;

	tcp_timers(bench_now_ms);
	(void)tcp_next_deadline(&at);   /* main.c re-arms the board's timer */
}

bool eng_next_timer(uint32_t *at)
{
	return tcp_next_deadline(at);
}

unsigned eng_time_wait_count(void)
{
	return tw_get_stats()->in_use;
}

unsigned eng_app_errors(void)
{
	return eng_errors;
}
