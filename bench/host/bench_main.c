/*
 * Host benchmark driver: one TCP engine (bench_eng.h) behind a fake netif,
 * and a scripted peer in the same process that answers every segment the
 * engine sends. Run under `valgrind --tool=callgrind --collect-atstart=no
 * --toggle-collect=bench_rx_measured --toggle-collect=bench_tick_measured`:
 * the collected instructions are those the engine (with lwIP's IPv4 input
 * and output, the same for both engines) spent in the measured phase.
 *
 *   bench_host life-active N [BYTES [busy]]
 *                               N lifecycles, the engine closes first
 *   bench_host life-passive N [BYTES [busy]]
 *                               N lifecycles, the peer closes first
 *   bench_host timers K S       K connections kept in TIME_WAIT (one enters
 *                               every 2MSL/K), timers measured for S s
 *   bench_host timers-burst K S K connections enter TIME_WAIT 1 ms apart,
 *                               then S s (< 2MSL) of timers measured while
 *                               none of them is due
 *
 * A lifecycle: SYN (with MSS 1460), SYN-ACK, ACK; BYTES (default 1 KiB)
 * from the peer in segments of up to 1460 bytes, echoed back; FIN each
 * way, every FIN and data segment ACKed at once by the peer (the ACK rides
 * on the peer's next data segment when there is one). The peer respects
 * the engine's window and keeps at most BENCH_UNECHOED_MAX bytes sent and
 * not yet echoed. Between lifecycles the clock runs past 2MSL with the
 * timers measured (the idle time between two lifecycles), so every
 * lifecycle meets the same empty tables; with `busy`, every lifecycle
 * meets BENCH_BUSY_HELD other connections open and BENCH_BUSY_TW in
 * TIME_WAIT instead (run_busy). Prints one JSON object.
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
#define BENCH_UNECHOED_MAX (3u * BENCH_PEER_MSS) /* below lwIP's TCP_SND_BUF, 4 MSS */
#define BENCH_HELD_PORT   9000        /* below BENCH_PORT_BASE */
#define BENCH_BUSY_HELD   6           /* other connections open in a busy run */
#define BENCH_BUSY_TW     256         /* connections in TIME_WAIT in a busy run */

#ifdef BENCH_TARGET
/* bench/m3/bench_m3.c's main reads the arguments over semihosting */
#define main bench_main
int bench_main(int argc, char **argv);
#endif

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

/* seg_in, seg_out and lifecycles count the measured lifecycles only */
struct bench_counts {
	unsigned seg_in, seg_out, lifecycles, anomalies, queue_full;
};
static struct bench_counts bc;
static bool measure_rx, measure_tick;

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
	if (measure_rx)
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
	if (measure_rx)
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
	uint32_t size;          /* bytes to send (0: a connection only held open) */
	uint32_t sent, got;     /* payload bytes sent, received */
	uint32_t eng_una, eng_wnd; /* the engine's last ACK and window */
	bool synced, fin_rcvd, fin_sent, fin_acked;
};

static bool peer_closes_first;
static uint32_t bench_size = BENCH_PAYLOAD;
static struct peer_conn peer_held[BENCH_BUSY_HELD];
static unsigned peer_held_count;

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

static void peer_open(struct peer_conn *c, uint16_t port, uint32_t size)
{
	*c = (struct peer_conn){ .port = port, .snd_nxt = (uint32_t)port * 100003u, .size = size };
	peer_send(c, TCP_SYN, NULL, 0);
}

/* Send what the engine's window and the echo allow, in MSS-sized
 * segments, each carrying the ACK. At most BENCH_UNECHOED_MAX bytes are
 * sent and not yet echoed: the echo server's send buffer (lwIP's is
 * 4 MSS) then never refuses a write. Returns whether it sent anything. */
static bool peer_push(struct peer_conn *c)
{
	static const uint8_t payload[BENCH_PEER_MSS];
	bool sent = false;

	while (c->sent < c->size) {
		uint32_t n = c->size - c->sent;
		n = n < BENCH_PEER_MSS ? n : BENCH_PEER_MSS;
		if (c->sent - c->got + n > BENCH_UNECHOED_MAX || c->snd_nxt - c->eng_una + n > c->eng_wnd)
			break;
		peer_send(c, TCP_ACK | TCP_PSH, payload, (uint16_t)n);
		c->sent += n;
		sent = true;
	}
	return sent;
}

/* One segment from the engine, answered at once. */
static void peer_input(struct peer_conn *c, const struct bench_frame *f)
{
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
	if (flags & TCP_ACK) {
		c->eng_una = lwip_ntohl(th->ackno);
		c->eng_wnd = lwip_ntohs(th->wnd);
	}
	if ((flags & TCP_SYN) && (flags & TCP_ACK) && !c->synced) {
		c->synced = true;
		c->rcv_nxt = seq + 1;
		peer_send(c, TCP_ACK, NULL, 0);
		peer_push(c);
		return;
	}
	bool owe_ack = false;
	if (len > 0 || (flags & TCP_FIN)) {
		if (seq != c->rcv_nxt)
			bc.anomalies++;
		c->rcv_nxt = seq + len + ((flags & TCP_FIN) ? 1 : 0);
		c->got += len;
		c->fin_rcvd |= (flags & TCP_FIN) != 0;
		owe_ack = true;
	}
	if (!peer_push(c) && owe_ack)
		peer_send(c, TCP_ACK, NULL, 0);
	if (c->fin_sent && (flags & TCP_ACK) && lwip_ntohl(th->ackno) == c->snd_nxt)
		c->fin_acked = true;
	bool close_now = peer_closes_first ? c->got == c->size : c->fin_rcvd;
	if (c->size > 0 && close_now && !c->fin_sent && c->sent == c->size) {
		c->fin_sent = true;
		peer_send(c, TCP_FIN | TCP_ACK, NULL, 0);
	}
}

/* The peer connection a frame from the engine is for: the lifecycle's or
 * one of those held open. */
static struct peer_conn *peer_for(struct peer_conn *c, const struct bench_frame *f)
{
	const struct ip_hdr *ip = (const struct ip_hdr *)f->data;
	const struct tcp_hdr *th = (const struct tcp_hdr *)(f->data + IPH_HL_BYTES(ip));
	uint16_t port = lwip_ntohs(th->dest);

	for (unsigned i = 0; i < peer_held_count; i++)
		if (peer_held[i].port == port)
			return &peer_held[i];
	return c;
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
		peer_input(peer_for(c, f), f);
	}
}

static unsigned lifecycle_port;

static bool lifecycle(void)
{
	struct peer_conn c;

	peer_open(&c, (uint16_t)(BENCH_PORT_BASE + lifecycle_port++ % BENCH_PORT_SPAN), bench_size);
	pump(&c);
	bool ok = c.got == bench_size && c.fin_rcvd && c.fin_acked;
	if (!ok)
		bc.anomalies++;
	else if (measure_rx)
		bc.lifecycles++;
	return ok;
}

/* ------------------------------------------------------------ modes */

static void bench_setup(void)
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
	eng_start();
	eng_app(!peer_closes_first, bench_size);
}

static uint32_t two_msl_ms(void)
{
	return 2u * FW_MSL_MS;
}

/* N lifecycles against empty tables: between two, the clock runs past
 * 2MSL, with the timers measured (the idle time between lifecycles). */
static void run_lifecycles(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		measure_rx = true;
		lifecycle();
		measure_rx = false;
		measure_tick = true;
		advance_to(bench_now_ms + two_msl_ms() + BENCH_TW_SLACK_MS);
		measure_tick = false;
	}
}

/* N lifecycles against tables that are not empty: `held` other
 * connections open (handshake done, idle) and `tw` in TIME_WAIT, kept
 * there in a steady state: one connection enters TIME_WAIT every 2MSL/tw
 * (the measured one when the engine closes first, else an active close
 * just before it, not measured) and the oldest expires. The TIME_WAIT
 * count each measured lifecycle met goes to *tw_min, *tw_max. */
static void run_busy(unsigned n, unsigned held, unsigned tw, unsigned *tw_min, unsigned *tw_max)
{
	uint32_t gap = two_msl_ms() / tw;

	for (peer_held_count = 0; peer_held_count < held && peer_held_count < BENCH_BUSY_HELD;
	    peer_held_count++) {
		struct peer_conn *h = &peer_held[peer_held_count];
		peer_open(h, (uint16_t)(BENCH_HELD_PORT + peer_held_count), 0);
		pump(h);
		if (!h->synced)
			bc.anomalies++;
	}
	eng_app(true, bench_size);
	bool pc = peer_closes_first;
	peer_closes_first = false;
	for (unsigned i = 0; i < tw; i++) {   /* one 2MSL of active closes: the steady state */
		lifecycle();
		advance_to(bench_now_ms + gap);
	}
	peer_closes_first = pc;
	eng_app(!pc, bench_size);
	*tw_min = ~0u;
	*tw_max = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned k = eng_time_wait_count();
		*tw_min = k < *tw_min ? k : *tw_min;
		*tw_max = k > *tw_max ? k : *tw_max;
		measure_rx = true;
		lifecycle();
		measure_rx = false;
		if (peer_closes_first) {   /* keep the TIME_WAIT count: an active close */
			eng_app(true, bench_size);
			peer_closes_first = false;
			lifecycle();
			peer_closes_first = true;
			eng_app(false, bench_size);
		}
		advance_to(bench_now_ms + gap);
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
		lifecycle();
		i++;
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
		lifecycle();
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
		fprintf(stderr, "usage: %s life-active|life-passive N [BYTES [busy]] | "
		    "timers|timers-burst K SECONDS\n", argv[0]);
		return 2;
	}
	const char *mode = argv[1];
	unsigned n = (unsigned)strtoul(argv[2], NULL, 10);
	bool burst = strcmp(mode, "timers-burst") == 0;
	bool timers = burst || strcmp(mode, "timers") == 0;

	peer_closes_first = strcmp(mode, "life-passive") == 0;
	if (!timers && argc > 3)
		bench_size = (uint32_t)strtoul(argv[3], NULL, 10);
	bool busy = !timers && argc > 4 && strcmp(argv[4], "busy") == 0;
	bench_setup();
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
		unsigned lo = 0, hi = 0;
		if (busy)
			run_busy(n, BENCH_BUSY_HELD, BENCH_BUSY_TW, &lo, &hi);
		else
			run_lifecycles(n);
		printf("{\"engine\": \"%s\", \"mode\": \"%s\", \"bytes\": %u, \"busy\": %s, "
		    "\"lifecycles\": %u, \"seg_in\": %u, \"seg_out\": %u, \"tw_min\": %u, "
		    "\"tw_max\": %u, \"held\": %u, \"gap_ms\": %u, \"anomalies\": %u, "
		    "\"app_errors\": %u, \"queue_full\": %u}\n",
		    eng_name, mode, (unsigned)bench_size, busy ? "true" : "false", bc.lifecycles,
		    bc.seg_in, bc.seg_out, lo, hi, peer_held_count,
		    busy ? 0u : (unsigned)(two_msl_ms() + BENCH_TW_SLACK_MS), bc.anomalies,
		    eng_app_errors(), bc.queue_full);
	}
	return bc.anomalies || eng_app_errors() || bc.queue_full ? 1 : 0;
}
