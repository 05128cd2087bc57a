/* The TCP engine's test harness (harness.h). */
#include <stdio.h>
#include <string.h>
#include "harness.h"
#include "lwip/init.h"
#include "lwip/ip4.h"
#include "lwip/ip4_addr.h"
#include "lwip/etharp.h"
#include "lwip/ip6.h"
#include "lwip/ip6_addr.h"
#include "netif/ethernet.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/prot/ip4.h"
#include "lwip/stats.h"
#include "lwip/inet_chksum.h"
#include "lwip/sys.h"

#define H_MAX_PKTS 256
#define H_LOG_LINES 256
#define H_LOG_LEN 160

uint32_t h_now;
bool h_ip6;
struct h_app app;
struct h_state g;

static struct netif h_netif;
static bool h_lwip_up;
static struct h_pkt h_tx[H_MAX_PKTS];
static unsigned h_tx_head, h_tx_tail;
static char h_log[H_LOG_LINES][H_LOG_LEN];
static unsigned h_log_n;
static int h_pool_mem;
static int h_pool_memp[MEMP_MAX];
/* The last packet sent, as bytes, and what a zero-copy DMA driver keeps:
 * the pbuf (a reference) and where its frame lay when it was handed over. */
static uint8_t h_tx_bytes[1600];
static unsigned h_tx_bytes_len;
static struct h_dma {
	struct pbuf *p;
	const uint8_t *frame;
	uint16_t len;
} h_dma[H_DMA_MAX];
static unsigned h_dma_n;
static bool h_dma_on;
static unsigned h_arp_requests;
static unsigned h_cb_depth;   /* callbacks running now (see H_CB_ENTER) */

/* ------------------------------------------------------------ stubs lwIP needs */

u32_t sys_now(void)
{
	return h_now;
}

static uint32_t h_clock(void)
{
	return h_now;
}

struct fw_tcp_stats h_stats(void)
{
	struct fw_tcp_stats s;
	fw_tcp_get_stats(&s);
	return s;
}

uint32_t fw_rand32(void)
{
	return 0x12345678u;
}

void fw_assert_failed(const char *msg, const char *file, int line)
{
	fail_msg("lwIP assertion %s at %s:%d", msg, file, line);
}

/* ------------------------------------------------------------ the exchange log */

static const char *h_flags(uint8_t f, char *buf)
{
	char *b = buf;
	if (f & FW_TCP_SYN) *b++ = 'S';
	if (f & FW_TCP_FIN) *b++ = 'F';
	if (f & FW_TCP_RST) *b++ = 'R';
	if (f & FW_TCP_PSH) *b++ = 'P';
	if (f & FW_TCP_ACK) *b++ = '.';
	if (b == buf) *b++ = '-';
	*b = 0;
	return buf;
}

static void h_log_seg(char dir, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t wnd, uint16_t len)
{
	char fb[8];
	if (h_log_n < H_LOG_LINES)
		snprintf(h_log[h_log_n++], H_LOG_LEN, "%4u.%03u %c %-4s seq %u ack %u win %u len %u",
		         h_now / 1000u, h_now % 1000u, dir, h_flags(flags, fb), seq, ack, wnd, len);
}

/* The SACK option of the segment just logged, packetdrill style. */
static void h_log_sack(bool ok, unsigned n, const struct h_sack *b)
{
	size_t at;

	if (!h_log_n || (!ok && !n))
		return;
	at = strlen(h_log[h_log_n - 1]);
	if (ok)
		at += (size_t)snprintf(h_log[h_log_n - 1] + at, at < H_LOG_LEN ? H_LOG_LEN - at : 0, " sackOK");
	for (unsigned i = 0; i < n && at < H_LOG_LEN; i++)
		at += (size_t)snprintf(h_log[h_log_n - 1] + at, H_LOG_LEN - at, "%s%u:%u", i ? "," : " sack ",
		                       b[i].left, b[i].right);
}

static void h_dump(void)
{
	fprintf(stderr, "---- exchange (< in, > out) ----\n");
	for (unsigned i = 0; i < h_log_n; i++)
		fprintf(stderr, "%s\n", h_log[i]);
	fprintf(stderr, "--------------------------------\n");
}

void h_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	h_dump();
	fail_msg("%s:%d: %s", file, line, msg);
}

/* ------------------------------------------------------------ checksums (independent of lwIP) */

static uint32_t h_sum(const uint8_t *b, unsigned n, uint32_t s)
{
	for (unsigned i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	return s;
}

/* Written out here, not lwIP's: the pseudo-headers of RFC 9293 3.1
 * (IPv4: 12 bytes) and RFC 8200 8.1 (IPv6: 40 bytes, upper-layer length
 * 32 bits, next header last), for protocol `proto`. */
static uint16_t h_chksum(const uint8_t *seg, unsigned n, const struct fw_tcp_addr *src,
                         const struct fw_tcp_addr *dst, uint8_t proto)
{
	uint8_t ph[40];
	unsigned alen = src->family == FW_TCP_IPV6 ? 16u : 4u, phl;
	uint32_t s;

	memset(ph, 0, sizeof ph);
	memcpy(ph, src->w, alen);
	memcpy(ph + alen, dst->w, alen);
	if (alen == 16u) {
		ph[34] = (uint8_t)(n >> 8);
		ph[35] = (uint8_t)n;
		ph[39] = proto;
		phl = 40u;
	} else {
		ph[9] = proto;
		ph[10] = (uint8_t)(n >> 8);
		ph[11] = (uint8_t)n;
		phl = 12u;
	}
	s = h_sum(seg, n, h_sum(ph, phl, 0));
	while (s >> 16)
		s = (s & 0xffffu) + (s >> 16);
	return (uint16_t)~s;
}

static uint16_t g16(const uint8_t *b) { return (uint16_t)(b[0] << 8 | b[1]); }
static uint32_t g32(const uint8_t *b) { return (uint32_t)g16(b) << 16 | g16(b + 2); }
static void p16(uint8_t *b, uint16_t v) { b[0] = (uint8_t)(v >> 8); b[1] = (uint8_t)v; }
static void p32(uint8_t *b, uint32_t v) { p16(b, (uint16_t)(v >> 16)); p16(b + 2, (uint16_t)v); }

/* ------------------------------------------------------------ fake netif */

/* Every option of a segment we sent, independently of the engine's parser:
 * SACK-permitted and SACK blocks recorded, any malformed option flagged. */
static void h_parse_opts(struct h_pkt *k, const uint8_t *o, unsigned len)
{
	unsigned i = 0;

	k->optlen = (uint8_t)len;
	while (i < len && o[i] != 0) {
		unsigned olen;

		if (o[i] == 1) {
			i++;
			continue;
		}
		olen = i + 1 < len ? o[i + 1] : 0;
		if (olen < 2 || i + olen > len) {
			k->opt_bad = true;
			return;
		}
		if (o[i] == 4)
			k->sack_ok = olen == 2;
		if (o[i] == 5) {
			if ((olen - 2) % 8 || olen < 10 || (olen - 2) / 8 > H_SACK_MAX)
				k->opt_bad = true;
			for (unsigned j = 2; j + 8 <= olen && k->sack_n < H_SACK_MAX; j += 8) {
				k->sack[k->sack_n].left = g32(o + i + j);
				k->sack[k->sack_n].right = g32(o + i + j + 4);
				k->sack_n++;
			}
		}
		if (o[i] == 4 && olen != 2)
			k->opt_bad = true;
		i += olen;
	}
}

/* One TCP segment the engine sent, its IP header `hl` bytes of `tl`. */
static void h_record(const uint8_t *buf, unsigned hl, unsigned tl, const struct fw_tcp_addr *src,
                     const struct fw_tcp_addr *dst, uint8_t ttl)
{
	struct h_pkt *k;
	unsigned doff;

	if (h_tx_tail - h_tx_head >= H_MAX_PKTS)
		fail_msg("netif: too many packets queued");
	k = &h_tx[h_tx_tail++ % H_MAX_PKTS];
	memset(k, 0, sizeof *k);
	const uint8_t *t = buf + hl;
	doff = (t[12] >> 4) * 4u;
	k->ip6 = src->family == FW_TCP_IPV6;
	memcpy(k->src, src->w, k->ip6 ? 16u : 4u);
	memcpy(k->dst, dst->w, k->ip6 ? 16u : 4u);
	k->ttl = ttl;
	k->t = h_now;
	k->sport = g16(t);
	k->dport = g16(t + 2);
	k->seq = g32(t + 4);
	k->ack = g32(t + 8);
	k->flags = t[13];
	k->wnd = g16(t + 14);
	k->len = (uint16_t)(tl - hl - doff);
	k->chksum_ok = h_chksum(t, tl - hl, src, dst, 6) == 0;
	if (doff >= 24 && t[20] == 2 && t[21] == 4)
		k->mss = g16(t + 22);
	h_parse_opts(k, t + 20, doff - 20u);
	h_log_seg('>', k->flags, k->seq, k->ack, k->wnd, k->len);
	h_log_sack(k->sack_ok, k->sack_n, k->sack);
}

static err_t h_netif_output(struct netif *n, struct pbuf *p, const ip4_addr_t *ip)
{
	static uint8_t buf[1600];
	unsigned hl, tl;
	uint32_t s, d;
	struct fw_tcp_addr src, dst;
	(void)n;
	(void)ip;

	tl = pbuf_copy_partial(p, buf, sizeof buf, 0);
	if (tl < 20 || (buf[0] >> 4) != 4 || buf[9] != 6)
		fail_msg("netif: not an IPv4 TCP packet");
	memcpy(h_tx_bytes, buf, tl);
	h_tx_bytes_len = tl;
	if (h_dma_on) {
		if (h_dma_n == H_DMA_MAX || p->next)
			fail_msg("netif: the fake DMA takes %u single-pbuf frames", H_DMA_MAX);
		pbuf_ref(p);
		h_dma[h_dma_n++] = (struct h_dma){ p, p->payload, p->len };
	}
	hl = (buf[0] & 0xfu) * 4u;
	if (g16(buf + 2) != tl || tl < hl + 20)
		fail_msg("netif: bad IP length");
	memcpy(&s, buf + 12, 4);
	memcpy(&d, buf + 16, 4);
	fw_tcp_addr_set_ip4(&src, s);
	fw_tcp_addr_set_ip4(&dst, d);
	h_record(buf, hl, tl, &src, &dst, buf[8]);
	return ERR_OK;
}

/* IPv6 out: TCP segments are recorded; what lwIP's IPv6 sends on its own
 * (MLD reports, router solicitations) is not the engine's and is let go. */
static err_t h_netif_output6(struct netif *n, struct pbuf *p, const ip6_addr_t *ip)
{
	static uint8_t buf[1600];
	unsigned tl;
	struct fw_tcp_addr src, dst;
	(void)n;
	(void)ip;

	tl = pbuf_copy_partial(p, buf, sizeof buf, 0);
	if (tl < 40 || (buf[0] >> 4) != 6)
		fail_msg("netif: not an IPv6 packet");
	if (buf[6] != 6)
		return ERR_OK;
	if (g16(buf + 4) + 40u != tl || tl < 60u)
		fail_msg("netif: bad IPv6 payload length");
	src.family = dst.family = FW_TCP_IPV6;
	memcpy(src.w, buf + 8, 16);
	memcpy(dst.w, buf + 24, 16);
	h_record(buf, 40, tl, &src, &dst, buf[7]);
	return ERR_OK;
}

/* As an Ethernet MAC: ARP requests counted, IPv4 frames recorded as
 * h_netif_output records packets (their Ethernet header checked). */
static err_t h_link_output(struct netif *n, struct pbuf *p)
{
	static uint8_t f[1600];
	uint16_t len = pbuf_copy_partial(p, f, sizeof f, 0);
	struct pbuf *ip;

	if (len < 14 || memcmp(f + 6, n->hwaddr, 6) != 0)
		fail_msg("link: not a frame from us");
	if (g16(f + 12) == 0x0806) {
		h_arp_requests++;
		return ERR_OK;
	}
	if (g16(f + 12) != 0x0800)
		fail_msg("link: ethertype %04x", g16(f + 12));
	ip = pbuf_alloc(PBUF_RAW, (u16_t)(len - 14u), PBUF_RAM);
	if (!ip)
		fail_msg("link: no pbuf for the record");
	pbuf_take(ip, f + 14, (u16_t)(len - 14u));
	h_netif_output(n, ip, NULL);
	pbuf_free(ip);
	return ERR_OK;
}

static err_t h_netif_init(struct netif *n)
{
	n->output = h_netif_output;
	n->output_ip6 = h_netif_output6;
	n->mtu = 1500;
	n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_LINK_UP;
	n->name[0] = 'h';
	n->name[1] = 't';
	return ERR_OK;
}

static void h_lwip_init(void)
{
	ip4_addr_t ip, mask, gw;
	if (h_lwip_up)
		return;
	lwip_init();
	ip4addr_aton(H_LOCAL_IP, &ip);
	ip4addr_aton("255.255.255.0", &mask);
	ip4addr_aton(H_REMOTE_IP, &gw);
	netif_add(&h_netif, &ip, &mask, &gw, NULL, h_netif_init, ip4_input);
	netif_set_default(&h_netif);
	{
		ip6_addr_t a6;
		ip6addr_aton(H_LOCAL_IP6, &a6);
		netif_ip6_addr_set(&h_netif, 0, &a6);
		netif_ip6_addr_set_state(&h_netif, 0, IP6_ADDR_PREFERRED);
	}
	netif_set_up(&h_netif);
	netif_set_link_up(&h_netif);
	h_lwip_up = true;
}

/* ------------------------------------------------------------ setup / teardown */

static void h_pools_snapshot(void)
{
	h_pool_mem = (int)lwip_stats.mem.used;
	for (int i = 0; i < MEMP_MAX; i++)
		h_pool_memp[i] = (int)lwip_stats.memp[i]->used;
}

int h_setup(void **state)
{
	static const uint8_t key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	(void)state;
	h_lwip_init();
	h_now = 5000;
	fw_tcp_init(h_clock, key);
	memset(&app, 0, sizeof app);
	memset(&g, 0, sizeof g);
	h_tx_head = h_tx_tail = 0;
	h_cb_depth = 0;
	h_log_n = 0;
	h_ip6 = false;
	h_pools_snapshot();
	return 0;
}

int h_setup6(void **state)
{
	h_setup(state);
	h_ip6 = true;
	return 0;
}

struct fw_tcp_addr h_local(void)
{
	return h_addr(h_ip6 ? H_LOCAL_IP6 : H_LOCAL_IP);
}

struct fw_tcp_addr h_remote(void)
{
	return h_addr(h_ip6 ? H_REMOTE_IP6 : H_REMOTE_IP);
}

void h_reinit(const uint8_t key[16])
{
	fw_tcp_init(h_clock, key);
}

unsigned h_tcbs_in_use(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < FW_TCB_COUNT; i++)
		n += tcb_by_id(i) != NULL;
	return n;
}

unsigned h_tw_in_use(void)
{
	struct fw_tcp_tw_stats w;

	fw_tcp_get_tw_stats(&w);
	return w.in_use;
}

unsigned h_pool_free(void)
{
	const struct stats_mem *m = lwip_stats.memp[MEMP_PBUF_POOL];
	return (unsigned)(m->avail - m->used);
}

void h_dma_hold(bool on)
{
	h_dma_on = on;
}

unsigned h_dma_held(void)
{
	return h_dma_n;
}

bool h_dma_frame_intact(unsigned i, const uint8_t *bytes, unsigned len)
{
	return i < h_dma_n && h_dma[i].len == len && memcmp(h_dma[i].frame, bytes, len) == 0;
}

void h_dma_release(void)
{
	for (unsigned i = 0; i < h_dma_n; i++)
		pbuf_free(h_dma[i].p);
	h_dma_n = 0;
	h_dma_on = false;
}

const uint8_t *h_last_tx_bytes(unsigned *len)
{
	*len = h_tx_bytes_len;
	return h_tx_bytes;
}

void h_ethernet(bool on)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 2 };

	if (on) {
		memcpy(h_netif.hwaddr, mac, sizeof mac);
		h_netif.hwaddr_len = 6;
		h_netif.output = etharp_output;
		h_netif.linkoutput = h_link_output;
		h_netif.flags |= NETIF_FLAG_ETHARP;
	} else {
		etharp_cleanup_netif(&h_netif);
		h_netif.output = h_netif_output;
		h_netif.linkoutput = NULL;
		h_netif.flags &= (u8_t)~NETIF_FLAG_ETHARP;
	}
	h_arp_requests = 0;
}

unsigned h_arp_requests_sent(void)
{
	return h_arp_requests;
}

/* An ARP reply from `ip` (dotted) at `mac`, into lwIP's ARP input. */
void h_inject_arp_reply(const char *ip, const uint8_t mac[6])
{
	uint8_t f[42];
	ip4_addr_t a, me;
	struct pbuf *p;

	ip4addr_aton(ip, &a);
	me = *netif_ip4_addr(&h_netif);
	memcpy(f, h_netif.hwaddr, 6);
	memcpy(f + 6, mac, 6);
	p16(f + 12, 0x0806);
	p16(f + 14, 1);            /* hardware: Ethernet */
	p16(f + 16, 0x0800);       /* protocol: IPv4 */
	f[18] = 6;
	f[19] = 4;
	p16(f + 20, 2);            /* reply */
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, &a, 4);
	memcpy(f + 32, h_netif.hwaddr, 6);
	memcpy(f + 38, &me, 4);
	p = pbuf_alloc(PBUF_RAW, sizeof f, PBUF_POOL);
	if (!p)
		fail_msg("no pbuf for the ARP reply");
	pbuf_take(p, f, sizeof f);
	if (ethernet_input(p, &h_netif) != ERR_OK)
		pbuf_free(p);
}

void h_release_held(void)
{
	if (app.held)
		pbuf_free(app.held);
	app.held = NULL;
}

/* Every TCB free and every lwIP pool back where it started. */
int h_teardown(void **state)
{
	(void)state;
	h_release_held();
	h_dma_release();
	if (app.nested)
		h_fail(__FILE__, __LINE__, "%u callbacks ran inside another callback", app.nested);
	for (unsigned i = 0; i < FW_TCP_LISTENERS; i++) {
		struct fw_tcp_listener *l = lsn_by_id(i);
		if (l)
			fw_tcp_listen_close(l);
	}
	if (h_tcbs_in_use() != 0)
		h_fail(__FILE__, __LINE__, "%u TCBs still in use", h_tcbs_in_use());
	if (tcb_check_free_slots() >= 0)
		h_fail(__FILE__, __LINE__, "free TCB slot %d is not clear", tcb_check_free_slots());
	if (h_stats().tcb_in_use != 0)
		h_fail(__FILE__, __LINE__, "tcb_in_use counter %u", h_stats().tcb_in_use);
	if ((int)lwip_stats.mem.used != h_pool_mem)
		h_fail(__FILE__, __LINE__, "PBUF_RAM heap %d bytes, was %d", (int)lwip_stats.mem.used, h_pool_mem);
	for (int i = 0; i < MEMP_MAX; i++)
		if ((int)lwip_stats.memp[i]->used != h_pool_memp[i])
			h_fail(__FILE__, __LINE__, "memp %d: %d used, was %d", i,
			       (int)lwip_stats.memp[i]->used, h_pool_memp[i]);
	return 0;
}

/* ------------------------------------------------------------ inject */

static struct pbuf *h_build(const struct h_seg *s, struct fw_tcp_addr *src, struct fw_tcp_addr *dst)
{
	uint8_t hdr[60];
	unsigned sacklen = s->sack_n ? 4u + 8u * s->sack_n : 0u;
	unsigned optlen = s->raw_optlen + (s->mss ? 4u : 0u) + (s->sack_ok ? 4u : 0u) + sacklen, hlen = 20u + optlen;
	struct pbuf *p;
	uint8_t *b;

	memset(hdr, 0, sizeof hdr);
	p16(hdr, s->rport ? s->rport : H_RPORT);
	p16(hdr + 2, s->lport ? s->lport : H_LPORT);
	p32(hdr + 4, s->seq);
	p32(hdr + 8, s->ack);
	hdr[12] = (uint8_t)((s->doff_override ? s->doff_override : hlen / 4u) << 4);
	hdr[13] = s->flags;
	p16(hdr + 14, s->zero_wnd ? 0 : s->wnd ? s->wnd : H_PEER_WND);
	if (s->mss) {
		hdr[20] = 2;
		hdr[21] = 4;
		p16(hdr + 22, s->mss);
	}
	if (optlen > 40)
		fail_msg("h_build: %u option bytes", optlen);
	{
		uint8_t *o = hdr + 20 + (s->mss ? 4 : 0);
		if (s->sack_ok) {
			o[0] = 1;
			o[1] = 1;
			o[2] = 4;
			o[3] = 2;
			o += 4;
		}
		if (s->sack_n) {
			o[0] = 1;
			o[1] = 1;
			o[2] = 5;
			o[3] = (uint8_t)(2u + 8u * s->sack_n);
			for (unsigned i = 0; i < s->sack_n; i++) {
				p32(o + 4 + 8 * i, s->sack[i].left);
				p32(o + 8 + 8 * i, s->sack[i].right);
			}
			o += sacklen;
		}
		if (s->raw_optlen)
			memcpy(o, s->raw_opts, s->raw_optlen);
	}
	p = pbuf_alloc(PBUF_RAW, (u16_t)(hlen + s->len), s->ram ? PBUF_RAM : PBUF_POOL);
	assert_non_null(p);
	b = p->payload;
	memcpy(b, hdr, hlen);
	for (unsigned i = 0; i < s->len; i++)
		b[hlen + i] = (uint8_t)('a' + i % 26);
	*src = h_remote();
	*dst = s->dst_multicast ? h_addr(h_ip6 ? "ff02::1" : "224.0.0.1") : h_local();
	p16(b + 16, h_chksum(b, hlen + s->len, src, dst, 6) ^ (s->bad_chksum ? 0x5555u : 0u));
	h_log_seg('<', s->flags, s->seq, s->ack, s->zero_wnd ? 0 : s->wnd ? s->wnd : H_PEER_WND, s->len);
	h_log_sack(s->sack_ok, s->sack_n, s->sack);
	return p;
}

struct fw_tcp_addr h_addr(const char *text)
{
	ip_addr_t a;
	struct fw_tcp_addr out;

	if (!ipaddr_aton(text, &a))
		fail_msg("h_addr: %s", text);
	fw_tcp_addr_from_ip(&out, &a);
	return out;
}

void h_inject(struct h_seg s)
{
	struct fw_tcp_addr a, b;
	struct pbuf *p = h_build(&s, &a, &b);
	fw_tcp_input(p, &a, &b, h_now);
	if (tcb_check_free_slots() >= 0)
		h_fail(__FILE__, __LINE__, "free TCB slot %d is not clear", tcb_check_free_slots());
}

static void h_ip_header(uint8_t *ip, uint16_t tl, uint8_t proto, uint32_t src, uint32_t dst)
{
	uint32_t sum;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	p16(ip + 2, tl);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	sum = h_sum(ip, 20, 0);
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	p16(ip + 10, (uint16_t)~sum);
}

/* An IPv6 header (RFC 8200 3), hop limit 64. */
static void h_ip6_header(uint8_t *ip, uint16_t plen, uint8_t nexth, const struct fw_tcp_addr *src,
                         const struct fw_tcp_addr *dst)
{
	memset(ip, 0, 40);
	ip[0] = 0x60;
	p16(ip + 4, plen);
	ip[6] = nexth;
	ip[7] = 64;
	memcpy(ip + 8, src->w, 16);
	memcpy(ip + 24, dst->w, 16);
}

void h_inject_ip(struct h_seg s)
{
	struct fw_tcp_addr src, dst;
	struct pbuf *seg = h_build(&s, &src, &dst);
	uint16_t hl = h_ip6 ? 40u : 20u, tl = (uint16_t)(seg->tot_len + hl);
	struct pbuf *p = pbuf_alloc(PBUF_RAW, tl, PBUF_POOL);
	uint8_t *ip;

	assert_non_null(p);
	ip = p->payload;
	if (h_ip6)
		h_ip6_header(ip, seg->tot_len, 6, &src, &dst);
	else
		h_ip_header(ip, tl, 6, src.w[0], dst.w[0]);
	pbuf_copy_partial(seg, ip + hl, seg->tot_len, 0);
	pbuf_free(seg);
	if ((h_ip6 ? ip6_input(p, &h_netif) : h_netif.input(p, &h_netif)) != ERR_OK)
		pbuf_free(p);
}

void h_inject_icmp6(uint8_t type, uint8_t code, uint32_t mtu, uint32_t seq, bool bad_chksum)
{
	enum { ICMP_LEN = 8 + 40 + 8, TL = 40 + ICMP_LEN };
	struct pbuf *p = pbuf_alloc(PBUF_RAW, TL, PBUF_POOL);
	struct fw_tcp_addr local = h_addr(H_LOCAL_IP6), remote = h_addr(H_REMOTE_IP6);
	uint8_t *ip, *icmp, *q;

	assert_non_null(p);
	ip = p->payload;
	h_ip6_header(ip, ICMP_LEN, 58, &remote, &local);
	icmp = ip + 40;
	memset(icmp, 0, ICMP_LEN);
	icmp[0] = type;
	icmp[1] = code;
	p32(icmp + 4, mtu);
	q = icmp + 8;
	h_ip6_header(q, 20, 6, &local, &remote);
	p16(q + 40, g.tcb ? g.tcb->t.lport : H_LPORT);
	p16(q + 42, H_RPORT);
	p32(q + 44, seq);
	p16(icmp + 2, (uint16_t)(h_chksum(icmp, ICMP_LEN, &remote, &local, 58) ^ (bad_chksum ? 0x5555u : 0u)));
	if (h_log_n < H_LOG_LINES)
		snprintf(h_log[h_log_n++], H_LOG_LEN, "%4u.%03u < ICMPv6 type %u code %u mtu %u quoting seq %u",
		         h_now / 1000u, h_now % 1000u, type, code, mtu, seq);
	if (ip6_input(p, &h_netif) != ERR_OK)
		pbuf_free(p);
}

/* An ICMP error from the peer (or a router) quoting the first 8 bytes of a
 * segment we sent: our port (g.tcb's), theirs, `seq` (RFC 792: IP header +
 * 64 bits). */
void h_inject_icmp(uint8_t type, uint8_t code, uint16_t next_mtu, uint32_t seq, bool bad_chksum)
{
	h_inject_icmp_from(g.tcb ? g.tcb->t.lport : H_LPORT, type, code, next_mtu, seq, bad_chksum);
}

void h_inject_icmp_from(uint16_t lport, uint8_t type, uint8_t code, uint16_t next_mtu, uint32_t seq, bool bad_chksum)
{
	enum { ICMP_LEN = 8 + 20 + 8, TL = 20 + ICMP_LEN };
	struct pbuf *p = pbuf_alloc(PBUF_RAW, TL, PBUF_POOL);
	uint32_t local, remote, sum;
	ip4_addr_t a;
	uint8_t *ip, *icmp, *q;

	assert_non_null(p);
	ip4addr_aton(H_LOCAL_IP, &a);
	local = ip4_addr_get_u32(&a);
	ip4addr_aton(H_REMOTE_IP, &a);
	remote = ip4_addr_get_u32(&a);
	ip = p->payload;
	h_ip_header(ip, TL, 1, remote, local);
	icmp = ip + 20;
	memset(icmp, 0, ICMP_LEN);
	icmp[0] = type;
	icmp[1] = code;
	p16(icmp + 6, next_mtu);
	q = icmp + 8;
	h_ip_header(q, 40, 6, local, remote);
	p16(q + 20, lport);
	p16(q + 22, H_RPORT);
	p32(q + 24, seq);
	sum = h_sum(icmp, ICMP_LEN, 0);
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	p16(icmp + 2, (uint16_t)(~sum ^ (bad_chksum ? 0x5555u : 0u)));
	if (h_log_n < H_LOG_LINES)
		snprintf(h_log[h_log_n++], H_LOG_LEN, "%4u.%03u < ICMP type %u code %u quoting seq %u", h_now / 1000u,
		         h_now % 1000u, type, code, seq);
	if (h_netif.input(p, &h_netif) != ERR_OK)
		pbuf_free(p);
}

/* ------------------------------------------------------------ expect */

static const struct h_pkt *h_last;

const struct h_pkt *h_last_tx(void)
{
	return h_last;
}

const struct h_pkt *h_peek_tx(void)
{
	return h_tx_head == h_tx_tail ? NULL : &h_tx[h_tx_head % H_MAX_PKTS];
}

unsigned h_tx_pending(void)
{
	return h_tx_tail - h_tx_head;
}

void h_tx_head_skip(void)
{
	if (h_tx_head != h_tx_tail)
		h_tx_head++;
}

void h_tx_drain(void)
{
	h_tx_head = h_tx_tail;
}

void h_expect_tx(const char *file, int line, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t len)
{
	char a[8], b[8];
	const struct h_pkt *k;

	if (h_tx_head == h_tx_tail)
		h_fail(file, line, "expected %s seq %u ack %u len %u, nothing sent", h_flags(flags, a), seq, ack, len);
	k = &h_tx[h_tx_head++ % H_MAX_PKTS];
	h_last = k;
	if (!k->chksum_ok)
		h_fail(file, line, "bad checksum on a sent segment");
	if (k->flags != flags || k->seq != seq || k->ack != ack || k->len != len)
		h_fail(file, line, "expected %s seq %u ack %u len %u, sent %s seq %u ack %u len %u", h_flags(flags, a),
		       seq, ack, len, h_flags(k->flags, b), k->seq, k->ack, k->len);
}

void h_expect_no_tx(const char *file, int line)
{
	char a[8];
	if (h_tx_head != h_tx_tail) {
		const struct h_pkt *k = &h_tx[h_tx_head % H_MAX_PKTS];
		h_fail(file, line, "expected nothing, sent %s seq %u ack %u len %u", h_flags(k->flags, a), k->seq,
		       k->ack, k->len);
	}
}

/* ------------------------------------------------------------ clock */

void h_advance(uint32_t ms)
{
	uint32_t target = h_now + ms, at;
	while (fw_tcp_next_deadline(&at) && time_reached(target, at)) {
		if (!time_reached(at, h_now))
			at = h_now;      /* overdue: run now */
		h_now = at;
		fw_tcp_timers(h_now);
	}
	h_now = target;
}

void h_expect_delayed_ack(const char *file, int line, uint32_t seq, uint32_t ack)
{
#if FW_TCP_DELAYED_ACK
	h_expect_no_tx(file, line);
	h_advance(FW_TCP_ACK_DELAY_MS - 1u);
	h_expect_no_tx(file, line);
	h_advance(1);
#endif
	h_expect_tx(file, line, FW_TCP_ACK, seq, ack, 0);
}

void h_expect_ack_by_delay(const char *file, int line, uint32_t seq, uint32_t ack)
{
	if (!h_tx_pending())
		h_advance(FW_TCP_ACK_DELAY_MS);
	h_expect_tx(file, line, FW_TCP_ACK, seq, ack, 0);
}

/* ------------------------------------------------------------ application */

/* No callback may run inside another (fw_tcp.h: callbacks only from
 * fw_tcp_input() and fw_tcp_timers(), never from an API call a callback
 * makes); every test's teardown checks the count. */
#define H_CB_ENTER() do { if (h_cb_depth++) app.nested++; } while (0)
#define H_CB_EXIT() (h_cb_depth--)

static void h_connected_cb(void *arg, struct fw_tcp_conn *tcb);

static err_t h_recv_body(struct fw_tcp_conn *tcb, struct pbuf *p)
{
	if (!p) {
		app.eofs++;
		if (app.close_on_eof)
			fw_tcp_close(tcb);
		return ERR_OK;
	}
	if (app.refuse_data) {
		if (app.recved_on_refuse)
			fw_tcp_recved(tcb, 0);
		if (app.abort_on_refuse)
			fw_tcp_abort(tcb);
		return ERR_MEM;
	}
	if (app.rx_copy && app.rx_bytes + p->tot_len <= app.rx_copy_len)
		pbuf_copy_partial(p, app.rx_copy + app.rx_bytes, p->tot_len, 0);
	app.rx_bytes += p->tot_len;
	if (app.hold_data) {
		uint16_t n = p->tot_len;
		if (app.held)
			pbuf_cat(app.held, p);
		else
			app.held = p;
		if (app.recved_at_once)
			fw_tcp_recved(tcb, n);
		return ERR_OK;
	}
	if (app.abort_in_recv) {
		pbuf_free(p);
		fw_tcp_abort(tcb);
		return ERR_ABRT;
	}
	if (app.echo_in_recv) {
		uint8_t buf[FW_TCP_MSS];
		uint16_t n = pbuf_copy_partial(p, buf, sizeof buf, 0);
		assert_int_equal(fw_tcp_write(tcb, buf, n), ERR_OK);
	}
	if (app.recved_at_once)
		fw_tcp_recved(tcb, p->tot_len);
	pbuf_free(p);
	if (app.close_after_echo)
		fw_tcp_close(tcb);
	return ERR_OK;
}

static err_t h_recv_cb(void *arg, struct fw_tcp_conn *tcb, struct pbuf *p)
{
	err_t err;
	(void)arg;
	H_CB_ENTER();
	err = h_recv_body(tcb, p);
	H_CB_EXIT();
	return err;
}

static void h_sent_cb(void *arg, struct fw_tcp_conn *tcb, uint16_t len)
{
	(void)arg;
	H_CB_ENTER();
	app.sent_bytes += len;
	app.sent_to = tcb;
	H_CB_EXIT();
}

static void h_err_cb(void *arg, err_t err)
{
	(void)arg;
	H_CB_ENTER();
	app.errs++;
	app.last_err = err;
	if (app.connect_on_err) {
		struct fw_tcp_addr l = h_local(), r = h_remote();
		app.reopened = fw_tcp_connect(&l, &r, H_RPORT, h_connected_cb, &app);
		if (app.reopened) {
			fw_tcp_recv(app.reopened, h_recv_cb);
			fw_tcp_sent(app.reopened, h_sent_cb);
		}
	}
	H_CB_EXIT();
}

static err_t h_accept_body(struct fw_tcp_conn *tcb)
{
	if (app.refuse_accept)
		return ERR_VAL;
	app.accepts++;
	app.accepted = tcb;
	fw_tcp_recv(tcb, h_recv_cb);
	fw_tcp_sent(tcb, h_sent_cb);
	fw_tcp_err(tcb, h_err_cb);
	if (app.accept_write) {
		static const uint8_t buf[FW_TCP_MSS];
		assert_int_equal(fw_tcp_write(tcb, buf, app.accept_write), ERR_OK);
		fw_tcp_close(tcb);
	}
	return ERR_OK;
}

static err_t h_accept_cb(void *arg, struct fw_tcp_conn *tcb)
{
	err_t err;
	(void)arg;
	H_CB_ENTER();
	err = h_accept_body(tcb);
	H_CB_EXIT();
	return err;
}

static void h_connected_cb(void *arg, struct fw_tcp_conn *tcb)
{
	(void)arg;
	H_CB_ENTER();
	app.connects++;
	fw_tcp_recv(tcb, h_recv_cb);
	fw_tcp_sent(tcb, h_sent_cb);
	fw_tcp_err(tcb, h_err_cb);
	if (app.connect_write) {
		static const uint8_t buf[FW_TCP_MSS];
		assert_int_equal(fw_tcp_write(tcb, buf, app.connect_write), ERR_OK);
	}
	H_CB_EXIT();
}

/* ------------------------------------------------------------ fixtures */

void fixture_listen(void)
{
	g.listener = fw_tcp_listen(H_LPORT, h_accept_cb, &app);
	assert_non_null(g.listener);
	assert_ptr_equal(lsn_find(H_LPORT), g.listener);
}

struct fw_tcp_listener *h_listen(uint16_t port)
{
	struct fw_tcp_listener *l = fw_tcp_listen(port, h_accept_cb, &app);
	assert_non_null(l);
	return l;
}

/*
 * < S   1000         (mss 1460)
 * > S.  iss  ack 1001
 * < .   1001 ack iss+1
 */
void fixture_established(void)
{
	fixture_listen();
	inject(.flags = F_S, .seq = H_PEER_ISS, .mss = 1460);
	assert_int_equal(h_tx_pending(), 1);
	g.iss = h_tx[h_tx_head % H_MAX_PKTS].seq;
	expect_tx(F_S | F_A, g.iss, H_PEER_ISS + 1, 0);
	assert_int_equal(h_last_tx()->mss, H_MSS_MAX);
	g.snd = g.iss + 1;
	g.rcv = H_PEER_ISS + 1;
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_no_tx();
	assert_int_equal(app.accepts, 1);
	g.tcb = app.accepted;
	expect_state(g.tcb, FW_TCP_ESTABLISHED);
}

struct fw_tcp_conn *h_establish_on(uint16_t lport, uint16_t rport, uint32_t *snd)
{
	uint32_t iss;

	inject(.flags = F_S, .seq = H_PEER_ISS, .mss = 1460, .rport = rport, .lport = lport);
	assert_non_null(h_peek_tx());
	iss = h_peek_tx()->seq;
	expect_tx(F_S | F_A, iss, H_PEER_ISS + 1, 0);
	inject(.flags = F_A, .seq = H_PEER_ISS + 1, .ack = iss + 1, .rport = rport, .lport = lport);
	expect_no_tx();
	assert_non_null(app.accepted);
	assert_int_equal(app.accepted->t.rport, rport);
	*snd = iss + 1;
	return app.accepted;
}

struct fw_tcp_conn *h_establish_from(uint16_t rport, uint32_t *snd)
{
	return h_establish_on(0, rport, snd);   /* 0: H_LPORT */
}

/* > S iss (mss) from an ephemeral port; no answer yet. */
void fixture_syn_sent(void)
{
	struct fw_tcp_addr l = h_local(), r = h_remote();
	g.tcb = fw_tcp_connect(&l, &r, H_RPORT, h_connected_cb, &app);
	assert_non_null(g.tcb);
	fw_tcp_err(g.tcb, h_err_cb);          /* as fw_tcp.h asks: at once */
	assert_int_equal(h_tx_pending(), 1);
	g.iss = h_tx[h_tx_head % H_MAX_PKTS].seq;
	expect_tx(F_S, g.iss, 0, 0);
	g.snd = g.iss + 1;
	expect_state(g.tcb, FW_TCP_SYN_SENT);
}

/* ESTABLISHED, app closes: > F. snd ack rcv */
void fixture_fin_wait_1(void)
{
	fixture_established();
	fw_tcp_close(g.tcb);
	expect_tx(F_F | F_A, g.snd, g.rcv, 0);
	g.snd++;
	expect_state(g.tcb, FW_TCP_FIN_WAIT_1);
}

/* < . rcv ack snd (our FIN acked) */
void fixture_fin_wait_2(void)
{
	fixture_fin_wait_1();
	inject(.flags = F_A, .seq = g.rcv, .ack = g.snd);
	expect_no_tx();
	expect_state(g.tcb, FW_TCP_FIN_WAIT_2);
}

/* Simultaneous close: < F. rcv ack snd-1 (our FIN not acked) > . */
void fixture_closing(void)
{
	fixture_fin_wait_1();
	inject(.flags = F_F | F_A, .seq = g.rcv, .ack = g.snd - 1);
	g.rcv++;
	expect_tx(F_A, g.snd, g.rcv, 0);
	expect_state(g.tcb, FW_TCP_CLOSING);
}

/* < F. rcv ack snd  > . snd ack rcv+1; app sees end of stream */
void fixture_close_wait(void)
{
	fixture_established();
	inject(.flags = F_F | F_A, .seq = g.rcv, .ack = g.snd);
	g.rcv++;
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(app.eofs, 1);
	expect_state(g.tcb, FW_TCP_CLOSE_WAIT);
}

/* CLOSE_WAIT, app closes: > F. */
void fixture_last_ack(void)
{
	fixture_close_wait();
	fw_tcp_close(g.tcb);
	expect_tx(F_F | F_A, g.snd, g.rcv, 0);
	g.snd++;
	expect_state(g.tcb, FW_TCP_LAST_ACK);
}

void fixture_time_wait(void)
{
	fixture_fin_wait_2();
	inject(.flags = F_F | F_A, .seq = g.rcv, .ack = g.snd);
	g.rcv++;
	expect_tx(F_A, g.snd, g.rcv, 0);
	assert_int_equal(h_tcbs_in_use(), 0);    /* listeners take no TCB */
	assert_int_equal(h_tw_in_use(), 1);
	g.tcb = NULL;
}

/* ------------------------------------------------------------ main */

int main(void)
{
	int fails = 0;
	fails += _cmocka_run_group_tests("tcp_teardown", tcp_teardown_tests, tcp_teardown_count, NULL, NULL);
	fails += _cmocka_run_group_tests("tcp_rst_syn", tcp_rst_tests, tcp_rst_count, NULL, NULL);
	fails += _cmocka_run_group_tests("tcp_listen", tcp_listen_tests, tcp_listen_count, NULL, NULL);
	fails += _cmocka_run_group_tests("tcp_open_data", tcp_open_tests, tcp_open_count, NULL, NULL);
	fails += _cmocka_run_group_tests("tcp_hardening", tcp_hardening_tests, tcp_hardening_count, NULL, NULL);
	fails += _cmocka_run_group_tests("tcp_coalesce", tcp_coalesce_tests, tcp_coalesce_count, NULL, NULL);
	fails += _cmocka_run_group_tests("tcp_recovery", tcp_recovery_tests, tcp_recovery_count, NULL, NULL);
	fails += _cmocka_run_group_tests("tcp_api", tcp_api_tests, tcp_api_count, NULL, NULL);
	fails += _cmocka_run_group_tests("tcp_icmp", tcp_icmp_tests, tcp_icmp_count, NULL, NULL);
	fails += _cmocka_run_group_tests("tcp_challenge", tcp_challenge_tests, tcp_challenge_count, NULL, NULL);
	fails += _cmocka_run_group_tests("tcp_tw_reopen", tcp_tw_reopen_tests, tcp_tw_reopen_count, NULL, NULL);
	fails += _cmocka_run_group_tests("tcp_rxbudget", tcp_rxbudget_tests, tcp_rxbudget_count, NULL, NULL);
	fails += _cmocka_run_group_tests("tcp_synflood", tcp_synflood_tests, tcp_synflood_count, NULL, NULL);
	fails += _cmocka_run_group_tests("tcp_liveness", tcp_liveness_tests, tcp_liveness_count, NULL, NULL);
	fails += _cmocka_run_group_tests("tcp_cc", tcp_cc_tests, tcp_cc_count, NULL, NULL);
	fails += _cmocka_run_group_tests("tcp_nagle", tcp_nagle_tests, tcp_nagle_count, NULL, NULL);
	fails += _cmocka_run_group_tests("tcp_sack", tcp_sack_tests, tcp_sack_count, NULL, NULL);
	fails += _cmocka_run_group_tests("tcp_delack", tcp_delack_tests, tcp_delack_count, NULL, NULL);
	fails += _cmocka_run_group_tests("tcp_altcp", tcp_altcp_tests, tcp_altcp_count, NULL, NULL);
	fails += _cmocka_run_group_tests("tcp_ipv6", tcp_ipv6_tests, tcp_ipv6_count, NULL, NULL);
	return fails;
}
