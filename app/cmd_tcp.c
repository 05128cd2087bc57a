/*
 * Console commands for the TCP engine. Output follows console.h's record
 * format; `netstat -m` prints one `tcb: key=value ...` or `tw: ...` line per
 * entry for the end-to-end tests.
 */
#include "cmd_tcp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "fw_ip.h"
#include "lwip/def.h"
#include "lwip/ip4_addr.h"
#include "fw_tcp.h"


struct cmd_tcp_ctx {
	bool machine;
	uint32_t now;
};

/* IPv6 in brackets (RFC 3986 3.2.2), so the port stays apart. */
void cmd_tcp_ep(const struct fw_tcp_addr *addr, uint16_t port, char buf[CMD_TCP_EP_STR])
{
	ip_addr_t a;
	char ip[IPADDR_STRLEN_MAX];
	bool v6 = addr->family == FW_TCP_IPV6;
	size_t n = 0;

	fw_tcp_addr_to_ip(&a, addr);
	fw_ip_ntoa(&a, ip, sizeof ip);
	if (v6)
		buf[n++] = '[';
	memcpy(buf + n, ip, strlen(ip));
	n += strlen(ip);
	if (v6)
		buf[n++] = ']';
	buf[n++] = ':';
	/* port in decimal without printf width games */
	char d[6];
	int k = 0;
	do {
		d[k++] = (char)('0' + port % 10u);
		port /= 10u;
	} while (port);
	while (k)
		buf[n++] = d[--k];
	buf[n] = '\0';
}

static long cmd_tcp_left(uint32_t now, bool armed, uint32_t at)
{
	int32_t left = (int32_t)(at - now);   /* wrapping ms clock */

	if (!armed)
		return -1;
	return left <= 0 ? 0 : (long)left;
}

static void cmd_tcp_tcb(const struct fw_tcp_info *i, void *arg)
{
	const struct cmd_tcp_ctx *c = arg;
	char l[CMD_TCP_EP_STR], r[CMD_TCP_EP_STR];
	long left = cmd_tcp_left(c->now, i->timer_armed, i->timer_at);

	cmd_tcp_ep(&i->tuple.laddr, i->tuple.lport, l);
	cmd_tcp_ep(&i->tuple.raddr, i->tuple.rport, r);
	if (c->machine)
		console_printf("tcb: id=%u state=%s local=%s remote=%s sndq=%lu rcvq=%lu timer_ms=%ld orphan=%u "
		    "rxbufs=%lu cwnd=%lu ssthresh=%lu\n", i->id, fw_tcp_state_name(i->state), l, r,
		    (unsigned long)i->sndq_bytes, (unsigned long)i->rcvq_bytes, left, i->orphan ? 1u : 0u,
		    (unsigned long)i->rx_bufs, (unsigned long)i->cwnd, (unsigned long)i->ssthresh);
	else
		console_printf("%-11s %6lu %6lu %-21s %-21s %ld\n", fw_tcp_state_name(i->state),
		    (unsigned long)i->rcvq_bytes, (unsigned long)i->sndq_bytes, l, r, left);
}

static void cmd_tcp_tw(const struct fw_tcp_tw_info *tw, void *arg)
{
	const struct cmd_tcp_ctx *c = arg;
	char l[CMD_TCP_EP_STR], r[CMD_TCP_EP_STR];
	long left = cmd_tcp_left(c->now, true, tw->deadline);

	cmd_tcp_ep(&tw->tuple.laddr, tw->tuple.lport, l);
	cmd_tcp_ep(&tw->tuple.raddr, tw->tuple.rport, r);
	if (c->machine)
		console_printf("tw: local=%s remote=%s left_ms=%ld\n", l, r, left);
	else
		console_printf("%-11s %6u %6u %-21s %-21s %ld\n", "TIME_WAIT", 0u, 0u, l, r, left);
}

static int cmd_tcp_netstat(int argc, char **argv)
{
	struct cmd_tcp_ctx c = { false, fw_tcp_now() };

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "-m") != 0))
		return 1;
	c.machine = argc == 2;
	if (!c.machine)
		console_printf("%-11s %6s %6s %-21s %-21s %s\n", "State", "Recv-Q", "Send-Q", "Local", "Peer",
		    "Timer-ms");
	fw_tcp_foreach(cmd_tcp_tcb, &c);
	fw_tcp_tw_foreach(cmd_tcp_tw, &c);
	return 0;
}

/* `set` keys, listed in this order by `set` alone; the first five are the
 * original ones, their lines unchanged. A NULL setter: shown only (log-tcp
 * has its own command); on/off keys take on|off, the others a number. */
struct cmd_tcp_tunable {
	const char *key;
	uint32_t (*get)(void);
	void (*set)(uint32_t v);
	bool onoff;
};

static uint32_t cmd_tcp_get_cw_abort(void) { return fw_tcp_get_close_wait_abort(); }
static void cmd_tcp_set_cw_abort(uint32_t on) { fw_tcp_set_close_wait_abort(on != 0); }
static uint32_t cmd_tcp_get_log_on(void) { return fw_tcp_get_log(); }

static const struct cmd_tcp_tunable cmd_tcp_tunables[] = {
	{ "msl", fw_tcp_get_msl, fw_tcp_set_msl, false },
	{ "finwait2", fw_tcp_get_fin_wait_2_timeout, fw_tcp_set_fin_wait_2_timeout, false },
	{ "closewait", fw_tcp_get_close_wait_threshold, fw_tcp_set_close_wait_threshold, false },
	{ "closewait-abort", cmd_tcp_get_cw_abort, cmd_tcp_set_cw_abort, true },
	{ "log-tcp", cmd_tcp_get_log_on, NULL, true },
	{ "persist-max", fw_tcp_get_persist_max, fw_tcp_set_persist_max, false },
	{ "keepalive-idle", fw_tcp_get_keepalive_idle, fw_tcp_set_keepalive_idle, false },
	{ "keepalive-intvl", fw_tcp_get_keepalive_intvl, fw_tcp_set_keepalive_intvl, false },
	{ "keepalive-count", fw_tcp_get_keepalive_count, fw_tcp_set_keepalive_count, false },
	{ "user-timeout", fw_tcp_get_user_timeout_default, fw_tcp_set_user_timeout_default, false },
	{ "orphan-lifetime", fw_tcp_get_orphan_lifetime, fw_tcp_set_orphan_lifetime, false },
	{ "orphan-max", fw_tcp_get_orphan_max, fw_tcp_set_orphan_max, false },
};
#define CMD_TCP_TUNABLES (sizeof cmd_tcp_tunables / sizeof cmd_tcp_tunables[0])

static void cmd_tcp_print_tunable(const struct cmd_tcp_tunable *t)
{
	uint32_t v = t->get();
	if (t->onoff)
		console_printf("%s=%s\n", t->key, v ? "on" : "off");
	else
		console_printf("%s=%lu\n", t->key, (unsigned long)v);
}

static bool cmd_tcp_ms(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || *s == '-')
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool cmd_tcp_onoff(const char *s, bool *out)
{
	if (strcmp(s, "on") == 0)
		*out = true;
	else if (strcmp(s, "off") == 0)
		*out = false;
	else
		return false;
	return true;
}

/* `set` lists every key; `set KEY VALUE` sets one and prints it as the
 * engine took it (clamped values show clamped). */
static int cmd_tcp_set(int argc, char **argv)
{
	uint32_t v;
	bool on;

	if (argc == 1) {
		for (size_t i = 0; i < CMD_TCP_TUNABLES; i++)
			cmd_tcp_print_tunable(&cmd_tcp_tunables[i]);
		return 0;
	}
	if (argc != 3)
		return 1;
	for (size_t i = 0; i < CMD_TCP_TUNABLES; i++) {
		const struct cmd_tcp_tunable *t = &cmd_tcp_tunables[i];
		if (strcmp(argv[1], t->key) != 0 || !t->set)
			continue;
		if (t->onoff ? !cmd_tcp_onoff(argv[2], &on) : !cmd_tcp_ms(argv[2], &v))
			return 1;
		t->set(t->onoff ? (uint32_t)on : v);
		cmd_tcp_print_tunable(t);
		return 0;
	}
	return 1;
}

static int cmd_tcp_log(int argc, char **argv)
{
	bool on;
	if (argc != 3 || strcmp(argv[1], "tcp") != 0 || !cmd_tcp_onoff(argv[2], &on))
		return 1;
	fw_tcp_set_log(on);
	console_printf("log-tcp=%s\n", on ? "on" : "off");
	return 0;
}

/* `tcb 3 192.0.2.1:40000 ESTABLISHED -> FIN_WAIT_1 (close)` */
static void cmd_tcp_log_hook(unsigned id, const struct fw_tcp_tuple *t, enum fw_tcp_state from, enum fw_tcp_state to,
                             const char *reason)
{
	char r[CMD_TCP_EP_STR];
	cmd_tcp_ep(&t->raddr, t->rport, r);
	if (from == to)
		console_printf("tcb %u %s %s for too long (%s)\n", id, r, fw_tcp_state_name(to), reason);
	else
		console_printf("tcb %u %s %s -> %s (%s)\n", id, r, fw_tcp_state_name(from), fw_tcp_state_name(to), reason);
}

static size_t cmd_tcp_kv(char *buf, size_t cap, const char *key, uint32_t v)
{
	int n = snprintf(buf, cap, " %s=%lu", key, (unsigned long)v);
	return n < 0 ? 0u : (size_t)n >= cap ? cap - 1u : (size_t)n;
}

static void cmd_tcp_stats(void)
{
	struct fw_tcp_stats s;
	struct fw_tcp_tw_stats w;
	char line[CONSOLE_OUT_MAX - 8];
	size_t n = 0;

	fw_tcp_get_stats(&s);
	fw_tcp_get_tw_stats(&w);

	/* one record per line, several counters each, within CONSOLE_OUT_MAX */
#define CMD_TCP_STAT(name, what)                                                                   \
	do {                                                                                           \
		size_t need = strlen(#name) + 13u;                                                         \
		if (n + need >= sizeof line) {                                                             \
			console_printf("tcp:%s\n", line);                                                      \
			n = 0;                                                                                 \
		}                                                                                          \
		n += cmd_tcp_kv(line + n, sizeof line - n, #name, s.name);                                 \
	} while (0);
	line[0] = '\0';
	FW_TCP_STATS_LIST(CMD_TCP_STAT)
#undef CMD_TCP_STAT
	if (n)
		console_printf("tcp:%s\n", line);
	console_printf("tcp.tw: entered=%lu expired=%lu recycled=%lu reused=%lu fin_reacked=%lu rst_ignored=%lu "
	    "acks_sent=%lu in_use=%lu peak=%lu capacity=%u bytes_per_entry=%lu recycled_age_ms=%lu\n",
	    (unsigned long)w.entered, (unsigned long)w.expired, (unsigned long)w.recycled,
	    (unsigned long)w.reused, (unsigned long)w.fin_reacked, (unsigned long)w.rst_ignored,
	    (unsigned long)w.acks_sent, (unsigned long)w.in_use, (unsigned long)w.peak,
	    (unsigned)fw_tcp_tw_capacity(), (unsigned long)fw_tcp_tw_bytes_per_entry(),
	    (unsigned long)w.recycled_age_ms);
	/* IPv6's table (its entries are counted in tcp.tw too) */
	console_printf("tcp.tw6: entered=%lu in_use=%lu capacity=%u bytes_per_entry=%lu\n",
	    (unsigned long)w.entered6, (unsigned long)w.in_use6, (unsigned)fw_tcp_tw_capacity6(),
	    (unsigned long)fw_tcp_tw_bytes_per_entry6());
}

static const struct console_cmd cmd_tcp_cmds[] = {
	{ "netstat", "[-m]", "TCBs and TIME_WAIT entries (-m: key=value lines)", cmd_tcp_netstat },
	{ "set", "[KEY VALUE]", "TCP tunables (alone: every key=value; ms, counts, on|off)", cmd_tcp_set },
	{ "log", "tcp on|off", "log TCP state changes", cmd_tcp_log },
};

void cmd_tcp_register(void)
{
	console_register(cmd_tcp_cmds, sizeof cmd_tcp_cmds / sizeof cmd_tcp_cmds[0]);
	console_register_stats(cmd_tcp_stats);
	fw_tcp_set_log_hook(cmd_tcp_log_hook);
}
