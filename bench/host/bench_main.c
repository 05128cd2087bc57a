/*
 * Host benchmark driver: one TCP engine (bench_eng.h) behind a fake netif,
 * and a scripted peer in the same process that answers every segment the
 * engine sends. Run under `valgrind --tool=callgrind --collect-atstart=no
 * --toggle-collect=bench_rx_measured --toggle-collect=bench_tick_measured`:
 * the collected instructions are those the engine (with lwIP's IPv4 input
 * and output, the same for both engines) spent in the measured phase.
 *
 *   bench_host life-active N    N lifecycles, the engine closes first
 *   bench_host life-passive N   N lifecycles, the peer closes first
 *   bench_host timers K S       K connections kept in TIME_WAIT (one enters
 *                               every 2MSL/K), timers measured for S s
 *   bench_host timers-burst K S K connections enter TIME_WAIT 1 ms apart,
 *                               then S s (< 2MSL) of timers measured while
 *                               none of them is due
 *
 * A lifecycle: SYN (with MSS 1460), SYN-ACK, ACK; 1 KiB from the peer,
 * 1 KiB back; FIN each way, every FIN and data segment ACKed at once by the
 * peer. Between lifecycles the clock runs past 2MSL (timers not measured),
 * so every lifecycle meets the same empty tables. Prints one JSON object.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_eng.h"
#include "config.h"

#include "lwip/inet_chksum.h"
#include "lwip/init.h"
#include "lwip/ip4.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ip.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/tcp.h"
#include "lwip/sys.h"

#define BENCH_PAYLOAD     1024
#define BENCH_FRAME_MAX   1600
#define BENCH_QUEUE       64          /* frames in flight either way */
#define BENCH_MTU         1500
#define BENCH_PEER_WND    65535
#define BENCH_PEER_MSS    1460
#define BENCH_PORT_BASE   10000
#define BENCH_PORT_SPAN   50000
#define BENCH_TTL         64
#define BENCH_MS_PER_S    1000u
#define BENCH_TW_SLACK_MS 1000u       /* run the clock this far past 2MSL */
#define BENCH_OPT_MSS_LEN 4

uint32_t bench_now_ms = 1;

/* ------------------------------------------------------------ platform */

u32_t sys_now(void)
{
	return bench_now_ms;
}

void fw_assert_failed(const char *msg, const char *file, int line)
{
	fprintf(stderr, "assert: %s at %s:%d\n", msg, file, line);
	abort();
}

uint32_t fw_rand32(void)
{
	static uint32_t x = 2463534242u;   /* xorshift32: deterministic runs */

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/* ------------------------------------------------------------ frames */

struct bench_frame {
	uint16_t len;
	uint8_t data[BENCH_FRAME_MAX];
};

struct bench_queue {
	struct bench_frame f[BENCH_QUEUE];
	unsigned head, count;
};

static struct bench_queue q_from_engine, q_to_engine;
static struct netif bench_netif;
static ip4_addr_t bench_dev_ip, bench_peer_ip;

struct bench_counts {
	unsigned seg_in, seg_out, lifecycles, anomalies, queue_full;
};
static struct bench_counts bc;

static struct bench_frame *queue_push(struct bench_queue *q)
{
	if (q->count == BENCH_QUEUE) {
		bc.queue_full++;
		return NULL;
	}
	struct bench_frame *f = &q->f[(q->head + q->count) % BENCH_QUEUE];
	q->count++;
	return f;
}

static struct bench_frame *queue_pop(struct bench_queue *q)
{
	if (q->count == 0)
		return NULL;
	struct bench_frame *f = &q->f[q->head];
	q->head = (q->head + 1) % BENCH_QUEUE;
	q->count--;
	return f;
}

static err_t bench_netif_output(struct netif *netif, struct pbuf *p, const ip4_addr_t *addr)
{
	(void)netif;
	(void)addr;
	struct bench_frame *f = queue_push(&q_from_engine);
	if (f == NULL || p->tot_len > BENCH_FRAME_MAX)
		return ERR_MEM;
	f->len = pbuf_copy_partial(p, f->data, p->tot_len, 0);
	bc.seg_out++;
	return ERR_OK;
}

static err_t bench_netif_init(struct netif *netif)
{
	netif->output = bench_netif_output;
	netif->mtu = BENCH_MTU;
	netif->flags = NETIF_FLAG_UP | NETIF_FLAG_LINK_UP;
	netif->name[0] = 'b';
	netif->name[1] = 'n';
	return ERR_OK;
}

/* ------------------------------------------------------------ measured seams */

/* Deliver one IP datagram to the stack as a NIC driver would. */
static void bench_rx(const struct bench_frame *f)
{
	struct pbuf *p = pbuf_alloc(PBUF_RAW, f->len, PBUF_POOL);

	if (p == NULL) {
		bc.anomalies++;
		return;
	}
	pbuf_take(p, f->data, f->len);
	bc.seg_in++;
	if (bench_netif.input(p, &bench_netif) != ERR_OK)
		pbuf_free(p);
}

/* Two names for the same work, so callgrind collects only one of them. */
__attribute__((noinline)) void bench_rx_measured(const struct bench_frame *f);
__attribute__((noinline)) void bench_rx_idle(const struct bench_frame *f);
__attribute__((noinline)) void bench_tick_measured(void);
__attribute__((noinline)) void bench_tick_idle(void);

void bench_rx_measured(const struct bench_frame *f) { bench_rx(f); }
void bench_rx_idle(const struct bench_frame *f) { bench_rx(f); }
void bench_tick_measured(void) { eng_timers(); }
void bench_tick_idle(void) { eng_timers(); }

static bool measure_rx, measure_tick;

/* Run the clock to `t`, calling the engine's timers when they are due,
 * as the firmware's main loop does. */
static void advance_to(uint32_t t)
{
	uint32_t at;

	while (eng_next_timer(&at) && (int32_t)(at - t) <= 0) {
		if ((int32_t)(at - bench_now_ms) > 0)
			bench_now_ms = at;
		if (measure_tick)
			bench_tick_measured();
		else
			bench_tick_idle();
	}
	bench_now_ms = t;
}

/* ------------------------------------------------------------ the peer */

struct peer_conn {
	uint16_t port;
	uint32_t snd_nxt, rcv_nxt;
	uint32_t got;
	bool synced, fin_rcvd, fin_sent, fin_acked;
};

static bool peer_closes_first;

static void peer_send(struct peer_conn *c, uint8_t flags, const uint8_t *data, uint16_t len)
{
	struct bench_frame *f = queue_push(&q_to_engine);
	uint16_t opt = (flags & TCP_SYN) ? BENCH_OPT_MSS_LEN : 0;
	uint16_t thl = TCP_HLEN + opt;

	if (f == NULL)
		return;
	memset(f->data, 0, IP_HLEN + thl);
	struct ip_hdr *ip = (struct ip_hdr *)f->data;
	struct tcp_hdr *th = (struct tcp_hdr *)(f->data + IP_HLEN);
	IPH_VHL_SET(ip, 4, IP_HLEN / 4);
	IPH_LEN_SET(ip, lwip_htons(IP_HLEN + thl + len));
	IPH_TTL_SET(ip, BENCH_TTL);
	IPH_PROTO_SET(ip, IP_PROTO_TCP);
	ip4_addr_copy(ip->src, bench_peer_ip);
	ip4_addr_copy(ip->dest, bench_dev_ip);
	IPH_CHKSUM_SET(ip, inet_chksum(ip, IP_HLEN));
	th->src = lwip_htons(c->port);
	th->dest = lwip_htons(BENCH_PORT);
	th->seqno = lwip_htonl(c->snd_nxt);
	th->ackno = lwip_htonl((flags & TCP_ACK) ? c->rcv_nxt : 0);
	TCPH_HDRLEN_FLAGS_SET(th, thl / 4, flags);
	th->wnd = lwip_htons(BENCH_PEER_WND);
	uint8_t *o = f->data + IP_HLEN + TCP_HLEN;
	if (opt) {   /* RFC 9293 3.7.1: MSS option, kind 2, length 4 */
		o[0] = 2;
		o[1] = BENCH_OPT_MSS_LEN;
		o[2] = BENCH_PEER_MSS >> 8;
		o[3] = BENCH_PEER_MSS & 0xff;
	}
	if (len)
		memcpy(o + opt, data, len);
	f->len = IP_HLEN + thl + len;
	struct pbuf pb = { .payload = th, .len = thl + len, .tot_len = thl + len };
	th->chksum = inet_chksum_pseudo(&pb, IP_PROTO_TCP, thl + len, &bench_peer_ip,
	    &bench_dev_ip);
	c->snd_nxt += len + ((flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
}

static void peer_open(struct peer_conn *c, uint16_t port)
{
	*c = (struct peer_conn){ .port = port, .snd_nxt = (uint32_t)port * 100003u };
	peer_send(c, TCP_SYN, NULL, 0);
}

/* One segment from the engine, answered at once. */
static void peer_input(struct peer_conn *c, const struct bench_frame *f)
{
	static const uint8_t payload[BENCH_PAYLOAD];
	const struct ip_hdr *ip = (const struct ip_hdr *)f->data;
	const struct tcp_hdr *th = (const struct tcp_hdr *)(f->data + IPH_HL_BYTES(ip));
	uint16_t hl = TCPH_HDRLEN_BYTES(th);
	uint16_t len = (uint16_t)(lwip_ntohs(IPH_LEN(ip)) - IPH_HL_BYTES(ip) - hl);
	uint8_t flags = TCPH_FLAGS(th);
	uint32_t seq = lwip_ntohl(th->seqno);

	if (lwip_ntohs(th->dest) != c->port || (flags & TCP_RST)) {
		bc.anomalies++;
		return;
	}
	if ((flags & TCP_SYN) && (flags & TCP_ACK) && !c->synced) {
		c->synced = true;
		c->rcv_nxt = seq + 1;
		peer_send(c, TCP_ACK, NULL, 0);
		peer_send(c, TCP_ACK | TCP_PSH, payload, BENCH_PAYLOAD);
		return;
	}
	if (len > 0 || (flags & TCP_FIN)) {
		if (seq != c->rcv_nxt)
			bc.anomalies++;
		c->rcv_nxt = seq + len + ((flags & TCP_FIN) ? 1 : 0);
		c->got += len;
		c->fin_rcvd |= (flags & TCP_FIN) != 0;
		peer_send(c, TCP_ACK, NULL, 0);
	}
	if (c->fin_sent && (flags & TCP_ACK) && lwip_ntohl(th->ackno) == c->snd_nxt)
		c->fin_acked = true;
	bool close_now = peer_closes_first ? c->got == BENCH_PAYLOAD : c->fin_rcvd;
	if (close_now && !c->fin_sent) {
		c->fin_sent = true;
		peer_send(c, TCP_FIN | TCP_ACK, NULL, 0);
	}
}

/* Run frames both ways until nothing moves. */
static void pump(struct peer_conn *c)
{
	for (;;) {
		struct bench_frame *f = queue_pop(&q_to_engine);
		if (f != NULL) {
			if (measure_rx)
				bench_rx_measured(f);
			else
				bench_rx_idle(f);
			continue;
		}
		f = queue_pop(&q_from_engine);
		if (f == NULL)
			return;
		peer_input(c, f);
	}
}

static bool lifecycle(unsigned i)
{
	struct peer_conn c;

	peer_open(&c, (uint16_t)(BENCH_PORT_BASE + i % BENCH_PORT_SPAN));
	pump(&c);
	bool ok = c.got == BENCH_PAYLOAD && c.fin_rcvd && c.fin_acked;
	if (ok)
		bc.lifecycles++;
	else
		bc.anomalies++;
	return ok;
}

/* ------------------------------------------------------------ modes */

static void bench_setup(bool server_closes_first)
{
	ip4_addr_t mask;

	lwip_init();
	IP4_ADDR(&bench_dev_ip, 192, 0, 2, 2);
	IP4_ADDR(&bench_peer_ip, 192, 0, 2, 1);
	IP4_ADDR(&mask, 255, 255, 255, 0);
	netif_add(&bench_netif, &bench_dev_ip, &mask, &bench_peer_ip, NULL, bench_netif_init,
	    ip4_input);
	netif_set_default(&bench_netif);
	netif_set_up(&bench_netif);
	eng_start(server_closes_first);
}

static uint32_t two_msl_ms(void)
{
	return 2u * FW_MSL_MS;
}

static void run_lifecycles(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		measure_rx = true;
		lifecycle(i);
		measure_rx = false;
		advance_to(bench_now_ms + two_msl_ms() + BENCH_TW_SLACK_MS);
	}
}

/* K connections in TIME_WAIT, one entering every 2MSL/K ms: a steady
 * state; then the same for `secs` more seconds with the timers measured. */
static unsigned run_timers(unsigned k, unsigned secs, unsigned *tw_min, unsigned *tw_max)
{
	uint32_t gap = two_msl_ms() / k;
	uint32_t fill_end = bench_now_ms + two_msl_ms();
	uint32_t end = fill_end + secs * BENCH_MS_PER_S;
	unsigned i = 0;

	*tw_min = ~0u;
	*tw_max = 0;
	while ((int32_t)(bench_now_ms - end) < 0) {
		lifecycle(i++);
		bool window = (int32_t)(bench_now_ms - fill_end) >= 0;
		if (window) {
			unsigned n = eng_time_wait_count();
			*tw_min = n < *tw_min ? n : *tw_min;
			*tw_max = n > *tw_max ? n : *tw_max;
		}
		measure_tick = window;
		advance_to(bench_now_ms + gap);
	}
	measure_tick = false;
	return i;
}

/* K connections into TIME_WAIT 1 ms apart, then `secs` seconds in which
 * none expires: what the timers cost just for holding them. */
static unsigned run_timers_burst(unsigned k, unsigned secs, unsigned *tw_min, unsigned *tw_max)
{
	for (unsigned i = 0; i < k; i++) {
		lifecycle(i);
		advance_to(bench_now_ms + 1);
	}
	*tw_min = *tw_max = eng_time_wait_count();
	measure_tick = true;
	advance_to(bench_now_ms + secs * BENCH_MS_PER_S);
	measure_tick = false;
	unsigned n = eng_time_wait_count();
	*tw_min = n < *tw_min ? n : *tw_min;
	return k;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s life-active N | life-passive N | timers K SECONDS\n", argv[0]);
		return 2;
	}
	const char *mode = argv[1];
	unsigned n = (unsigned)strtoul(argv[2], NULL, 10);
	bool burst = strcmp(mode, "timers-burst") == 0;
	bool timers = burst || strcmp(mode, "timers") == 0;

	peer_closes_first = strcmp(mode, "life-passive") == 0;
	bench_setup(!peer_closes_first);
	if (timers) {
		unsigned secs = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 10;
		unsigned lo, hi;
		unsigned conns = burst ? run_timers_burst(n, secs, &lo, &hi)
		                       : run_timers(n, secs, &lo, &hi);
		printf("{\"engine\": \"%s\", \"mode\": \"%s\", \"time_wait\": %u, \"seconds\": %u, "
		    "\"connections\": %u, \"tw_min\": %u, \"tw_max\": %u, \"anomalies\": %u, "
		    "\"app_errors\": %u, \"queue_full\": %u}\n", eng_name, mode, n, secs, conns, lo, hi,
		    bc.anomalies, eng_app_errors(), bc.queue_full);
	} else {
		run_lifecycles(n);
		printf("{\"engine\": \"%s\", \"mode\": \"%s\", \"lifecycles\": %u, \"seg_in\": %u, "
		    "\"seg_out\": %u, \"anomalies\": %u, \"app_errors\": %u, \"queue_full\": %u}\n",
		    eng_name, mode, bc.lifecycles, bc.seg_in, bc.seg_out, bc.anomalies,
		    eng_app_errors(), bc.queue_full);
	}
	return bc.anomalies || eng_app_errors() || bc.queue_full ? 1 : 0;
}
