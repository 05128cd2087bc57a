/*
 * The console's TCP client (services.h lists its commands and lines): the
 * tests' way to make finwait the active opener and the active closer.
 * Received data is printed and thrown away; the table is bounded
 * (FW_SVC_CLIENT_CONNS) and an ID is the slot index.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "console.h"
#include "fw_ip.h"
#include "svc.h"
#include "fw_tcp.h"
#include "cmd_tcp.h"

#include "lwip/ip_addr.h"
#include "lwip/ip6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"

#define CLIENT_PORT_MAX 65535ul
#define CLIENT_ASCII_FIRST 0x20   /* printable ASCII, space included */
#define CLIENT_ASCII_LAST 0x7e

struct client_conn {
	struct fw_tcp_conn *tcb;   /* NULL: slot free */
	uint32_t rx;       /* bytes received */
	uint32_t tx;       /* bytes queued by `send` */
	bool connected;
	bool eof;
};

struct client_stats {
	unsigned opened;      /* `connect` got a TCB */
	unsigned no_tcb;      /* `connect` refused: engine out of TCBs */
	unsigned table_full;  /* `connect` refused: FW_SVC_CLIENT_CONNS in use */
	unsigned bad_addr;    /* `connect` refused: broadcast, multicast or any address */
	unsigned connected;
	unsigned refused;     /* ended before ESTABLISHED (RST or SYN retries) */
	unsigned reset;       /* ended by the peer's RST */
	unsigned aborted;     /* ended by the engine (retries, watchdog) */
	unsigned closed;      /* ended normally after `shutdown` */
	unsigned send_err;    /* `send` refused by fw_tcp_write() */
	unsigned no_route;    /* `connect` refused: no source address of the family toward it */
};

static struct client_conn client_conns[FW_SVC_CLIENT_CONNS];
static struct client_stats client_st;

static unsigned client_id(const struct client_conn *c)
{
	return (unsigned)(c - client_conns);
}

static void client_free(struct client_conn *c)
{
	memset(c, 0, sizeof *c);
}

/* "ID" -> a slot in use, or NULL (and an error line). */
static struct client_conn *client_arg(const char *s)
{
	char *end;
	unsigned long id = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || id >= FW_SVC_CLIENT_CONNS ||
	    client_conns[id].tcb == NULL) {
		console_printf("error: no client connection '%s'\n", s);
		return NULL;
	}
	return &client_conns[id];
}

static void client_print_data(const struct client_conn *c, const struct pbuf *p)
{
	char text[FW_SVC_PRINT_MAX + 1];
	uint16_t n = p->tot_len < FW_SVC_PRINT_MAX ? p->tot_len : FW_SVC_PRINT_MAX;

	n = pbuf_copy_partial(p, text, n, 0);
	for (uint16_t i = 0; i < n; i++)
		if (text[i] < CLIENT_ASCII_FIRST || text[i] > CLIENT_ASCII_LAST)
			text[i] = '.';
	text[n] = '\0';
	console_printf("recv %u %u %s\n", client_id(c), (unsigned)p->tot_len, text);
}

static err_t client_recv_cb(void *arg, struct fw_tcp_conn *tcb, struct pbuf *p)
{
	struct client_conn *c = arg;

	if (p == NULL) {
		c->eof = true;
		console_printf("eof %u\n", client_id(c));
		return ERR_OK;
	}
	/* Printed and thrown away: the window reopens with this event's ACK. */
	uint16_t len = p->tot_len;
	client_print_data(c, p);
	c->rx += len;
	pbuf_free(p);
	fw_tcp_recved(tcb, len);
	return ERR_OK;
}

static void client_connected_cb(void *arg, struct fw_tcp_conn *tcb)
{
	struct client_conn *c = arg;

	(void)tcb;
	c->connected = true;
	client_st.connected++;
	console_printf("connected %u\n", client_id(c));
}

static void client_err_cb(void *arg, err_t err)
{
	struct client_conn *c = arg;
	unsigned id = client_id(c);

	if (!c->connected) {
		client_st.refused++;
		console_printf("err %u refused\n", id);
	} else if (err == ERR_RST) {
		client_st.reset++;
		console_printf("err %u rst\n", id);
	} else if (err == ERR_CLSD) {
		client_st.closed++;
		console_printf("closed %u\n", id);
	} else {
		client_st.aborted++;
		console_printf("err %u abort\n", id);
	}
	client_free(c);
}

static struct client_conn *client_slot(void)
{
	for (size_t i = 0; i < FW_SVC_CLIENT_CONNS; i++)
		if (client_conns[i].tcb == NULL)
			return &client_conns[i];
	return NULL;
}

/* Our address toward `dst`: the default interface's IPv4 address, or for
 * IPv6 the source RFC 6724 picks on it (a preferred address of the
 * destination's scope); NULL when it has none yet (DAD still running). */
static const ip_addr_t *client_source(const ip_addr_t *dst)
{
#if LWIP_IPV6
	if (IP_IS_V6(dst))
		return ip6_select_source_address(netif_default, ip_2_ip6(dst));
#else
	(void)dst;
#endif
	return netif_ip_addr4(netif_default);
}

static int client_cmd_connect(int argc, char **argv)
{
	ip_addr_t addr;
	const ip_addr_t *local;
	struct fw_tcp_addr la, ra;
	char *end;
	unsigned long port;
	struct client_conn *c;

	if (argc != 3 || !fw_ip_parse(argv[1], &addr))
		return 1;
	port = strtoul(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0' || port == 0 || port > CLIENT_PORT_MAX)
		return 1;
	if (netif_default == NULL) {
		console_printf("error: no network interface\n");
		return 0;
	}
	c = client_slot();
	if (c == NULL) {
		client_st.table_full++;
		console_printf("error: all %u client connections in use\n", (unsigned)FW_SVC_CLIENT_CONNS);
		return 0;
	}
	fw_tcp_addr_from_ip(&ra, &addr);
	if (!fw_tcp_unicast(&ra)) {
		client_st.bad_addr++;
		console_printf("error: %s is not a unicast address (RFC 1122 4.2.3.10)\n", argv[1]);
		return 0;
	}
	local = client_source(&addr);
	if (local == NULL) {
		client_st.no_route++;
		console_printf("error: no source address toward %s\n", argv[1]);
		return 0;
	}
	fw_tcp_addr_from_ip(&la, local);
	client_free(c);
	c->tcb = fw_tcp_connect(&la, &ra, (uint16_t)port, client_connected_cb, c);
	if (c->tcb == NULL) {
		client_st.no_tcb++;
		console_printf("error: no free TCB\n");
		return 0;
	}
	fw_tcp_recv(c->tcb, client_recv_cb);
	fw_tcp_err(c->tcb, client_err_cb);
	client_st.opened++;
	console_printf("conn %u\n", client_id(c));
	return 0;
}

static int client_cmd_send(int argc, char **argv)
{
	char buf[CONSOLE_LINE_MAX];
	size_t len = 0;
	struct client_conn *c;

	if (argc < 3)
		return 1;
	c = client_arg(argv[1]);
	if (c == NULL)
		return 0;
	/* The words joined by single spaces: they came from one console line,
	 * so they fit in one. */
	for (int i = 2; i < argc; i++) {
		size_t w = strlen(argv[i]);
		if (len + w + 1 > sizeof buf)
			return 1;
		if (i > 2)
			buf[len++] = ' ';
		memcpy(&buf[len], argv[i], w);
		len += w;
	}
	err_t err = fw_tcp_write(c->tcb, buf, (uint16_t)len);
	if (err != ERR_OK) {
		client_st.send_err++;
		console_printf("error: send %u: %s\n", client_id(c),
		    err == ERR_MEM ? "send queue full" : "connection not open for sending");
		return 0;
	}
	c->tx += (uint32_t)len;
	return 0;
}

static int client_cmd_close(int argc, char **argv)
{
	struct client_conn *c;

	if (argc != 2)
		return 1;
	c = client_arg(argv[1]);
	if (c != NULL) {
		fw_tcp_close(c->tcb);
		client_free(c);
	}
	return 0;
}

static int client_cmd_shutdown(int argc, char **argv)
{
	struct client_conn *c;

	if (argc != 2)
		return 1;
	c = client_arg(argv[1]);
	if (c != NULL)
		fw_tcp_shutdown(c->tcb, false, true);
	return 0;
}

static int client_cmd_abort(int argc, char **argv)
{
	struct client_conn *c;

	if (argc != 2)
		return 1;
	c = client_arg(argv[1]);
	if (c != NULL) {
		fw_tcp_abort(c->tcb);
		client_free(c);
	}
	return 0;
}

static void client_print_conn(const struct client_conn *c)
{
	struct fw_tcp_info info;
	char l[CMD_TCP_EP_STR], r[CMD_TCP_EP_STR];

	fw_tcp_get_info(c->tcb, &info);
	cmd_tcp_ep(&info.tuple.laddr, info.tuple.lport, l);
	cmd_tcp_ep(&info.tuple.raddr, info.tuple.rport, r);
	console_printf("client.%u: state=%s local=%s remote=%s rx=%lu tx=%lu eof=%s\n",
	    client_id(c), fw_tcp_state_name(info.state), l, r, (unsigned long)c->rx, (unsigned long)c->tx,
	    c->eof ? "yes" : "no");
}

static int client_cmd_conns(int argc, char **argv)
{
	unsigned used = 0;

	(void)argv;
	if (argc != 1)
		return 1;
	for (size_t i = 0; i < FW_SVC_CLIENT_CONNS; i++) {
		if (client_conns[i].tcb != NULL) {
			used++;
			client_print_conn(&client_conns[i]);
		}
	}
	console_printf("clients: used=%u max=%u\n", used, (unsigned)FW_SVC_CLIENT_CONNS);
	return 0;
}

static const struct console_cmd client_cmds[] = {
	{ "connect", "IP PORT", "open a TCP connection (prints its ID)", client_cmd_connect },
	{ "send", "ID TEXT...", "send the words, joined by spaces", client_cmd_send },
	{ "shutdown", "ID", "close the write side (FIN), keep receiving", client_cmd_shutdown },
	{ "close", "ID", "close the connection (FIN)", client_cmd_close },
	{ "abort", "ID", "reset the connection (RST)", client_cmd_abort },
	{ "conns", "", "list client connections", client_cmd_conns },
};

void svc_client_start(void)
{
	(void)console_register(client_cmds, sizeof client_cmds / sizeof client_cmds[0]);
}

void svc_client_stats(void)
{
	console_printf("client: opened=%u no_tcb=%u table_full=%u connected=%u refused=%u reset=%u "
	    "aborted=%u closed=%u send_err=%u bad_addr=%u no_route=%u\n", client_st.opened, client_st.no_tcb,
	    client_st.table_full, client_st.connected, client_st.refused, client_st.reset,
	    client_st.aborted, client_st.closed, client_st.send_err, client_st.bad_addr, client_st.no_route);
}
