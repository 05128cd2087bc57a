/*
 * finwait's own page for lwIP's httpd, /status.txt: the TCP counters, the
 * TCB list and the TIME_WAIT table, as `key=value` lines like the
 * console's. httpd finds it through LWIP_HTTPD_CUSTOM_FILES (lwipopts.h):
 * fs.c asks fs_open_custom() before its built-in pages.
 *
 * The page is made when it is opened, in a buffer from lwIP's heap
 * (FW_HTTP_STATUS_BYTES), freed when httpd closes the file: at most one
 * per connection httpd serves; none when the heap is short (httpd then
 * answers 404). It lists at most FW_HTTP_STATUS_TW_LINES TIME_WAIT entries
 * (the table holds up to FW_TW_ENTRIES), and says how many more there are.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "lwip/apps/fs.h"
#include "lwip/ip4_addr.h"
#include "lwip/mem.h"

#define HTTP_STATUS_NAME "/status.txt"

#ifndef FW_LWIP_TCP
#include "fw_tcp.h"
#include "cmd_tcp.h"

struct http_status_buf {
	char *p;
	size_t len, cap;
	unsigned tw_listed, tw_more;
	uint32_t now;
};

static void http_status_add(struct http_status_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void http_status_add(struct http_status_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->len >= b->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	b->len += (size_t)n < b->cap - b->len ? (size_t)n : b->cap - b->len - 1u;
}

static void http_status_tcb(const struct fw_tcp_info *i, void *arg)
{
	char l[CMD_TCP_EP_STR], r[CMD_TCP_EP_STR];

	cmd_tcp_ep(&i->tuple.laddr, i->tuple.lport, l);
	cmd_tcp_ep(&i->tuple.raddr, i->tuple.rport, r);
	http_status_add(arg, "tcb: id=%u state=%s local=%s remote=%s sndq=%lu rcvq=%lu orphan=%u\n",
	    i->id, fw_tcp_state_name(i->state), l, r, (unsigned long)i->sndq_bytes,
	    (unsigned long)i->rcvq_bytes, (unsigned)i->orphan);
}

static void http_status_tw(const struct fw_tcp_tw_info *w, void *arg)
{
	struct http_status_buf *b = arg;
	char l[CMD_TCP_EP_STR], r[CMD_TCP_EP_STR];
	int32_t left = (int32_t)(w->deadline - b->now);

	if (b->tw_listed >= FW_HTTP_STATUS_TW_LINES) {
		b->tw_more++;
		return;
	}
	b->tw_listed++;
	cmd_tcp_ep(&w->tuple.laddr, w->tuple.lport, l);
	cmd_tcp_ep(&w->tuple.raddr, w->tuple.rport, r);
	http_status_add(b, "tw: local=%s remote=%s left_ms=%ld\n", l, r, (long)(left < 0 ? 0 : left));
}

static size_t http_status_make(char *p, size_t cap)
{
	struct http_status_buf b = { p, 0, cap, 0, 0, fw_tcp_now() };
	struct fw_tcp_stats s;
	struct fw_tcp_tw_stats w;

	fw_tcp_get_stats(&s);
	fw_tcp_get_tw_stats(&w);
	http_status_add(&b, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nCache-Control: no-store\r\n\r\n");
	http_status_add(&b, "tcp: tcb_in_use=%lu time_wait=%lu tw_capacity=%lu tw_bytes_per_entry=%lu segs_in=%lu "
	    "segs_out=%lu retransmits=%lu rst_sent=%lu passive_opens=%lu\n",
	    (unsigned long)s.tcb_in_use, (unsigned long)w.in_use, (unsigned long)fw_tcp_tw_capacity(),
	    (unsigned long)fw_tcp_tw_bytes_per_entry(), (unsigned long)s.segs_in, (unsigned long)s.segs_out,
	    (unsigned long)s.retransmits, (unsigned long)s.rst_sent, (unsigned long)s.passive_opens);
	http_status_add(&b, "tcp.tw: entered=%lu expired=%lu recycled=%lu reused=%lu peak=%lu\n",
	    (unsigned long)w.entered, (unsigned long)w.expired, (unsigned long)w.recycled,
	    (unsigned long)w.reused, (unsigned long)w.peak);
	fw_tcp_foreach(http_status_tcb, &b);
	fw_tcp_tw_foreach(http_status_tw, &b);
	http_status_add(&b, "tw.listed: shown=%u more=%u\n", b.tw_listed, b.tw_more);
	return b.len;
}
#endif

int fs_open_custom(struct fs_file *file, const char *name);
void fs_close_custom(struct fs_file *file);

int fs_open_custom(struct fs_file *file, const char *name)
{
#ifndef FW_LWIP_TCP
	char *p;

	if (strcmp(name, HTTP_STATUS_NAME) != 0)
		return 0;
	p = mem_malloc(FW_HTTP_STATUS_BYTES);
	if (!p)
		return 0;
	memset(file, 0, sizeof *file);
	file->data = p;
	file->len = (int)http_status_make(p, FW_HTTP_STATUS_BYTES);
	file->index = file->len;
	file->pextension = p;
	file->flags = FS_FILE_FLAGS_HEADER_INCLUDED;
	return 1;
#else
	/* The baseline has no finwait tables to show. */
	(void)file;
	(void)name;
	return 0;
#endif
}

void fs_close_custom(struct fs_file *file)
{
	if (file->pextension)
		mem_free(file->pextension);
	file->pextension = NULL;
}
