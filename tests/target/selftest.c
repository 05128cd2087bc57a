/*
 * The loopback teardown self-test (selftest.h).
 *
 * How it runs. Each case is a script of actions and waits
 * (selftest_cases[]) stepped from the main loop. A step may queue segments
 * on the loopback netif; the loop's netif_poll_all() then delivers them and
 * every reply they cause until the queue is empty, so one step's action has
 * played out before the next step looks. TIME_WAIT ends only when the
 * board's deadline timer (TIM2 on STM32) fires fw_tcp_timers().
 *
 * How states are seen. The engine's state-change log hook is borrowed for
 * the test (and the console's given back afterwards): it records every
 * transition of the two ends, and each trace is compared with the RFC 9293
 * (section 3.3.2, figure 5) path the case must take. Polling fw_tcp_get_state()
 * could not do this: a whole FIN exchange happens inside one
 * netif_poll_all(), and after fw_tcp_close() the application has no handle.
 * TIME_WAIT's end is seen as the compact entry leaving the table
 * (tw_contains()), timed with board_now_ms() from the hook's stamp.
 */
#ifdef FW_SELFTEST

#include <stdio.h>
#include <string.h>

#include "board.h"
#include "config.h"
#include "console.h"
#include "selftest.h"
#include "fw_tcp.h"

#include "lwip/ip4_addr.h"
#include "lwip/memp.h"
#include "lwip/stats.h"

#ifndef FW_SELFTEST_MSL_MS
#define FW_SELFTEST_MSL_MS 250u   /* 2MSL = 500 ms: six cases in about 3 s */
#endif

#define SELFTEST_PORT 7070u        /* the listener; clear of the services' 7, 9, 13 */
#define SELFTEST_BYTES 3000u       /* each way: two full segments and a partial one */
#define SELFTEST_CHUNK 1000u       /* one fw_tcp_write() */
/* A wait gets room for one lost segment and its retransmission. */
#define SELFTEST_OP_TIMEOUT_MS (3u * FW_RTO_INITIAL_MS)
#define SELFTEST_TRACE_MAX 8       /* transitions recorded per end */
#define SELFTEST_TEXT_MAX 72       /* one trace as text (longer ones are cut) */
#define SELFTEST_DETAIL_MAX 180    /* a result line's detail, within CONSOLE_OUT_MAX */
#define SELFTEST_OPS_MAX 10

enum selftest_side { SELFTEST_CLIENT, SELFTEST_SERVER, SELFTEST_SIDES };

/* A case's script. Actions run once and go on; waits go on when true. */
enum selftest_op {
	SELFTEST_OPEN,          /* connect; wait until both ends are ESTABLISHED */
	SELFTEST_SEND_C2S,      /* client writes the pattern; wait until the server has it */
	SELFTEST_SEND_S2C,
	SELFTEST_CLOSE_CLIENT,  /* fw_tcp_close() */
	SELFTEST_CLOSE_SERVER,
	SELFTEST_CLOSE_BOTH,    /* both in one step: neither FIN is delivered first */
	SELFTEST_SHUT_CLIENT,   /* fw_tcp_shutdown() of the write side only */
	SELFTEST_ABORT_CLIENT,  /* fw_tcp_abort(): RST */
	SELFTEST_EOF_CLIENT,    /* wait for end of stream */
	SELFTEST_EOF_SERVER,
	SELFTEST_DONE,          /* wait until both ends reached TIME_WAIT or CLOSED */
	SELFTEST_SETTLE,        /* wait until TIME_WAIT expired and the TCBs are back */
	SELFTEST_END,
};

struct selftest_case {
	const char *name;
	enum selftest_op ops[SELFTEST_OPS_MAX];
	const char *trace[SELFTEST_SIDES];  /* every state entered, in order */
	bool eof[SELFTEST_SIDES];           /* end of stream reaches the application */
	err_t err[SELFTEST_SIDES];          /* err_cb's argument; ERR_OK: not called */
	bool rx_after_shut;                 /* the client receives everything after its FIN */
	bool timed;                         /* report the measured 2MSL */
};

#define SELFTEST_ACTIVE_TRACE  "SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT"
#define SELFTEST_PASSIVE_TRACE "SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"

static const struct selftest_case selftest_cases[] = {
	{ "active-close",
	  { SELFTEST_OPEN, SELFTEST_SEND_C2S, SELFTEST_SEND_S2C, SELFTEST_CLOSE_CLIENT,
	    SELFTEST_EOF_SERVER, SELFTEST_CLOSE_SERVER, SELFTEST_DONE, SELFTEST_SETTLE, SELFTEST_END },
	  { SELFTEST_ACTIVE_TRACE, SELFTEST_PASSIVE_TRACE },
	  { false, true }, { ERR_OK, ERR_OK }, false, false },
	{ "passive-close",
	  { SELFTEST_OPEN, SELFTEST_SEND_C2S, SELFTEST_SEND_S2C, SELFTEST_CLOSE_SERVER,
	    SELFTEST_EOF_CLIENT, SELFTEST_CLOSE_CLIENT, SELFTEST_DONE, SELFTEST_SETTLE, SELFTEST_END },
	  { "SYN_SENT ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED",
	    "SYN_RCVD ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT" },
	  { true, false }, { ERR_OK, ERR_OK }, false, false },
	/* RFC 9293 3.6 case 2: each FIN crosses the other, CLOSING on both. */
	{ "simultaneous-close",
	  { SELFTEST_OPEN, SELFTEST_SEND_C2S, SELFTEST_SEND_S2C, SELFTEST_CLOSE_BOTH,
	    SELFTEST_DONE, SELFTEST_SETTLE, SELFTEST_END },
	  { "SYN_SENT ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT",
	    "SYN_RCVD ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT" },
	  { false, false }, { ERR_OK, ERR_OK }, false, false },
	/* RFC 9293 3.10.4: after its FIN the client still receives (FIN_WAIT_2)
	 * until the server's FIN; the engine then reports ERR_CLSD. */
	{ "half-close",
	  { SELFTEST_OPEN, SELFTEST_SEND_C2S, SELFTEST_SHUT_CLIENT, SELFTEST_EOF_SERVER,
	    SELFTEST_SEND_S2C, SELFTEST_CLOSE_SERVER, SELFTEST_EOF_CLIENT, SELFTEST_DONE,
	    SELFTEST_SETTLE, SELFTEST_END },
	  { SELFTEST_ACTIVE_TRACE, SELFTEST_PASSIVE_TRACE },
	  { true, true }, { ERR_CLSD, ERR_OK }, true, false },
	/* RFC 9293 3.10.7.4: RST in ESTABLISHED, the user is told "reset". */
	{ "abort",
	  { SELFTEST_OPEN, SELFTEST_SEND_C2S, SELFTEST_SEND_S2C, SELFTEST_ABORT_CLIENT,
	    SELFTEST_DONE, SELFTEST_SETTLE, SELFTEST_END },
	  { "SYN_SENT ESTABLISHED CLOSED", "SYN_RCVD ESTABLISHED CLOSED" },
	  { false, false }, { ERR_OK, ERR_RST }, false, false },
	/* RFC 9293 3.10.7.4 / RFC 1122 4.2.2.13: TIME_WAIT lasts 2MSL. */
	{ "timewait-expiry",
	  { SELFTEST_OPEN, SELFTEST_SEND_C2S, SELFTEST_SEND_S2C, SELFTEST_CLOSE_CLIENT,
	    SELFTEST_EOF_SERVER, SELFTEST_CLOSE_SERVER, SELFTEST_DONE, SELFTEST_SETTLE, SELFTEST_END },
	  { SELFTEST_ACTIVE_TRACE, SELFTEST_PASSIVE_TRACE },
	  { false, true }, { ERR_OK, ERR_OK }, false, true },
};
#define SELFTEST_CASES (sizeof selftest_cases / sizeof selftest_cases[0])

/* One end of the connection under test. */
struct selftest_end {
	struct fw_tcp_conn *tcb;          /* NULL once closed, aborted or gone (err_cb) */
	bool connected;
	enum fw_tcp_state trace[SELFTEST_TRACE_MAX];
	unsigned ntrace;          /* transitions seen, may exceed the array */
	bool eof;
	bool err_seen;
	err_t err;
	uint32_t sent;            /* pattern bytes written */
	uint32_t rcvd;            /* pattern bytes received */
	uint32_t bad;             /* received bytes off the pattern */
	uint32_t rcvd_shut;       /* received after our own FIN (FIN_WAIT_1/2) */
	uint32_t owed;            /* received, fw_tcp_recved() still to call */
	bool in_tw;               /* entered TIME_WAIT */
	struct fw_tcp_tuple tw_tuple;
	uint32_t tw_at;           /* board_now_ms() on entering TIME_WAIT */
	bool tw_gone;
	uint32_t tw_ms;           /* measured: entering to the entry's expiry */
};

static struct {
	bool running;
	struct fw_tcp_listener *listener;
	unsigned ncase;
	unsigned op;              /* index into the case's ops */
	bool op_begun;
	uint32_t op_at;           /* when the current op began */
	bool connecting;          /* inside fw_tcp_connect(): its SYN_SENT is ours */
	uint16_t cport;           /* the client's ephemeral port */
	char why[SELFTEST_DETAIL_MAX];   /* first failure of the case */
	struct selftest_end end[SELFTEST_SIDES];
	unsigned passed, failed;
	/* what the test borrows and gives back */
	fw_tcp_log_hook saved_hook;
	bool saved_log;
	uint32_t saved_msl;
	/* resources at the start */
	unsigned tcbs_base;
	uint32_t tw_base;
	mem_size_t heap_base;
	mem_size_t memp_base[MEMP_MAX];
} st;

/* ------------------------------------------------------------ observation */

static void selftest_count_tcb(const struct fw_tcp_info *info, void *arg)
{
	(void)info;
	(*(unsigned *)arg)++;
}

static unsigned selftest_tcbs(void)
{
	unsigned n = 0;
	fw_tcp_foreach(selftest_count_tcb, &n);
	return n;
}

/* Which end a tuple is. The client's port is learnt from its first
 * transition, the one fw_tcp_connect() makes before it returns. */
static struct selftest_end *selftest_end_of(const struct fw_tcp_tuple *t)
{
	if (st.connecting && t->rport == SELFTEST_PORT)
		st.cport = t->lport;
	if (st.cport == 0)
		return NULL;
	if (t->lport == st.cport && t->rport == SELFTEST_PORT)
		return &st.end[SELFTEST_CLIENT];
	if (t->lport == SELFTEST_PORT && t->rport == st.cport)
		return &st.end[SELFTEST_SERVER];
	return NULL;
}

static void selftest_log_hook(unsigned id, const struct fw_tcp_tuple *t, enum fw_tcp_state from,
                              enum fw_tcp_state to, const char *reason)
{
	struct selftest_end *e = selftest_end_of(t);

	(void)id;
	(void)reason;
	if (e == NULL || from == to)   /* from == to: a CLOSE_WAIT watchdog report */
		return;
	if (e->ntrace < SELFTEST_TRACE_MAX)
		e->trace[e->ntrace] = to;
	e->ntrace++;
	if (to == FW_TCP_TIME_WAIT) {
		e->in_tw = true;
		e->tw_tuple = *t;
		e->tw_at = board_now_ms();
	}
}

static bool selftest_ended(const struct selftest_end *e)
{
	if (e->ntrace == 0 || e->ntrace > SELFTEST_TRACE_MAX)
		return false;
	return e->trace[e->ntrace - 1] == FW_TCP_TIME_WAIT || e->trace[e->ntrace - 1] == FW_TCP_CLOSED;
}

static void selftest_trace_text(const struct selftest_end *e, char *buf, size_t n)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < e->ntrace && i < SELFTEST_TRACE_MAX && at < n; i++)
		at += (size_t)snprintf(buf + at, n - at, "%s%s", i ? " " : "", fw_tcp_state_name(e->trace[i]));
	if (e->ntrace > SELFTEST_TRACE_MAX && at < n)
		snprintf(buf + at, n - at, " ...");
}

/* ------------------------------------------------------------ the application */

/* Byte `off` of the stream `from` sends; the two directions differ so a
 * crossed stream shows. */
static uint8_t selftest_pattern(enum selftest_side from, uint32_t off)
{
	return (uint8_t)(off * 7u + (off >> 8) + (from == SELFTEST_CLIENT ? 0x11u : 0xA5u));
}

static err_t selftest_recv_cb(void *arg, struct fw_tcp_conn *tcb, struct pbuf *p)
{
	struct selftest_end *e = arg;
	enum selftest_side peer = e == &st.end[SELFTEST_CLIENT] ? SELFTEST_SERVER : SELFTEST_CLIENT;
	enum fw_tcp_state s = fw_tcp_get_state(tcb);

	if (p == NULL) {
		e->eof = true;
		return ERR_OK;
	}
	for (const struct pbuf *q = p; q != NULL; q = q->next) {
		const uint8_t *b = q->payload;
		for (uint16_t i = 0; i < q->len; i++)
			e->bad += b[i] != selftest_pattern(peer, e->rcvd + i);
		e->rcvd += q->len;
	}
	if (s == FW_TCP_FIN_WAIT_1 || s == FW_TCP_FIN_WAIT_2)
		e->rcvd_shut += p->tot_len;
	e->owed += p->tot_len;   /* fw_tcp_recved() from the next step, as services do */
	pbuf_free(p);
	return ERR_OK;
}

static void selftest_err_cb(void *arg, err_t err)
{
	struct selftest_end *e = arg;

	e->err_seen = true;
	e->err = err;
	e->tcb = NULL;
}

static void selftest_connected_cb(void *arg, struct fw_tcp_conn *tcb)
{
	struct selftest_end *e = arg;

	(void)tcb;
	e->connected = true;
}

static void selftest_adopt(struct selftest_end *e, struct fw_tcp_conn *tcb)
{
	e->tcb = tcb;
	fw_tcp_arg(tcb, e);
	fw_tcp_recv(tcb, selftest_recv_cb);
	fw_tcp_err(tcb, selftest_err_cb);
}

static err_t selftest_accept_cb(void *arg, struct fw_tcp_conn *tcb)
{
	struct selftest_end *e = &st.end[SELFTEST_SERVER];

	(void)arg;
	if (e->tcb != NULL || e->connected)
		return ERR_VAL;   /* one connection per case: refuse strays */
	selftest_adopt(e, tcb);
	e->connected = true;
	return ERR_OK;
}

/* Give received bytes back to the window; may deliver end of stream. */
static void selftest_credit(void)
{
	for (unsigned i = 0; i < SELFTEST_SIDES; i++) {
		struct selftest_end *e = &st.end[i];
		while (e->tcb != NULL && e->owed > 0) {
			uint16_t n = e->owed > UINT16_MAX ? UINT16_MAX : (uint16_t)e->owed;
			e->owed -= n;
			fw_tcp_recved(e->tcb, n);
		}
	}
}

/* ------------------------------------------------------------ script steps */

static bool selftest_fail(const char *why, const char *what)
{
	if (st.why[0] == '\0')
		snprintf(st.why, sizeof st.why, "%s %s", why, what);
	return true;
}

static bool selftest_open(void)
{
	struct selftest_end *c = &st.end[SELFTEST_CLIENT];
	struct fw_tcp_addr lo;

	if (!st.op_begun) {
		if (st.listener == NULL)
			return selftest_fail("no listener:", "listener table full");
		fw_tcp_addr_set_ip4(&lo, PP_HTONL(IPADDR_LOOPBACK));
		st.connecting = true;
		struct fw_tcp_conn *tcb = fw_tcp_connect(&lo, &lo, SELFTEST_PORT, selftest_connected_cb, c);
		st.connecting = false;
		if (tcb == NULL)
			return selftest_fail("fw_tcp_connect:", "no free TCB or port");
		selftest_adopt(c, tcb);
	}
	return c->connected && st.end[SELFTEST_SERVER].connected;
}

static bool selftest_send(enum selftest_side from)
{
	static uint8_t buf[SELFTEST_CHUNK];
	struct selftest_end *e = &st.end[from];
	const struct selftest_end *to = &st.end[from == SELFTEST_CLIENT ? SELFTEST_SERVER : SELFTEST_CLIENT];

	while (e->tcb != NULL && e->sent < SELFTEST_BYTES) {
		uint32_t n = SELFTEST_BYTES - e->sent;
		uint32_t room = fw_tcp_sndbuf(e->tcb);
		n = n < SELFTEST_CHUNK ? n : SELFTEST_CHUNK;
		n = n < room ? n : room;
		if (n == 0)
			break;   /* the send queue is full: again after the ACKs */
		for (uint32_t i = 0; i < n; i++)
			buf[i] = selftest_pattern(from, e->sent + i);
		if (fw_tcp_write(e->tcb, buf, (uint16_t)n) != ERR_OK)
			break;   /* ERR_MEM: heap full, again next step */
		e->sent += n;
	}
	if (e->tcb == NULL && e->sent < SELFTEST_BYTES)
		return selftest_fail("connection gone in", from == SELFTEST_CLIENT ?
		    "client-to-server data" : "server-to-client data");
	return to->rcvd >= SELFTEST_BYTES;
}

static const char *selftest_op_name(enum selftest_op op);

/* An action on an end the application still holds. */
static bool selftest_act(enum selftest_side side, enum selftest_op op)
{
	struct selftest_end *e = &st.end[side];
	struct fw_tcp_conn *tcb = e->tcb;

	if (tcb == NULL)
		return selftest_fail("handle gone before", selftest_op_name(op));
	switch (op) {
	case SELFTEST_SHUT_CLIENT:
		fw_tcp_shutdown(tcb, false, true);
		return true;   /* the client keeps its handle: it still receives */
	case SELFTEST_ABORT_CLIENT:
		fw_tcp_abort(tcb);
		break;
	case SELFTEST_CLOSE_CLIENT:
	case SELFTEST_CLOSE_SERVER:
	case SELFTEST_CLOSE_BOTH:
		fw_tcp_close(tcb);
		break;
	case SELFTEST_OPEN:
	case SELFTEST_SEND_C2S:
	case SELFTEST_SEND_S2C:
	case SELFTEST_EOF_CLIENT:
	case SELFTEST_EOF_SERVER:
	case SELFTEST_DONE:
	case SELFTEST_SETTLE:
	case SELFTEST_END:
		return true;
	}
	e->tcb = NULL;   /* the handle is invalid after close and abort */
	return true;
}

struct selftest_tw_find {
	const struct fw_tcp_tuple *t;
	bool found;
};

static void selftest_tw_match(const struct fw_tcp_tw_info *tw, void *arg)
{
	struct selftest_tw_find *f = arg;
	if (tw->tuple.lport == f->t->lport && tw->tuple.rport == f->t->rport &&
	    fw_tcp_addr_eq(&tw->tuple.raddr, &f->t->raddr))
		f->found = true;
}

/* The engine still holds a TIME_WAIT entry for `t`. */
static bool selftest_tw_has(const struct fw_tcp_tuple *t)
{
	struct selftest_tw_find f = { t, false };
	fw_tcp_tw_foreach(selftest_tw_match, &f);
	return f.found;
}

/* TIME_WAIT entries of the case expired (timed here) and the TCBs back. */
static bool selftest_settled(uint32_t now)
{
	bool settled = true;

	for (unsigned i = 0; i < SELFTEST_SIDES; i++) {
		struct selftest_end *e = &st.end[i];
		if (!e->in_tw || e->tw_gone)
			continue;
		if (selftest_tw_has(&e->tw_tuple)) {
			settled = false;
		} else {
			e->tw_gone = true;
			e->tw_ms = now - e->tw_at;
		}
	}
	return settled && selftest_tcbs() == st.tcbs_base + 1;   /* + the listener */
}

/* Run op; true when the script goes on to the next one. */
static bool selftest_run_op(enum selftest_op op, uint32_t now)
{
	switch (op) {
	case SELFTEST_OPEN:
		return selftest_open();
	case SELFTEST_SEND_C2S:
		return selftest_send(SELFTEST_CLIENT);
	case SELFTEST_SEND_S2C:
		return selftest_send(SELFTEST_SERVER);
	case SELFTEST_CLOSE_CLIENT:
	case SELFTEST_SHUT_CLIENT:
	case SELFTEST_ABORT_CLIENT:
		return selftest_act(SELFTEST_CLIENT, op);
	case SELFTEST_CLOSE_SERVER:
		return selftest_act(SELFTEST_SERVER, op);
	case SELFTEST_CLOSE_BOTH:
		/* Both FINs are queued before the loop delivers either. */
		selftest_act(SELFTEST_CLIENT, op);
		return selftest_act(SELFTEST_SERVER, op);
	case SELFTEST_EOF_CLIENT:
		return st.end[SELFTEST_CLIENT].eof;
	case SELFTEST_EOF_SERVER:
		return st.end[SELFTEST_SERVER].eof;
	case SELFTEST_DONE:
		return selftest_ended(&st.end[SELFTEST_CLIENT]) && selftest_ended(&st.end[SELFTEST_SERVER]);
	case SELFTEST_SETTLE:
		return selftest_settled(now);
	case SELFTEST_END:
		return false;
	}
	return false;
}

static const char *selftest_op_name(enum selftest_op op)
{
	switch (op) {
	case SELFTEST_OPEN: return "open";
	case SELFTEST_SEND_C2S: return "client-to-server data";
	case SELFTEST_SEND_S2C: return "server-to-client data";
	case SELFTEST_CLOSE_CLIENT: return "client close";
	case SELFTEST_CLOSE_SERVER: return "server close";
	case SELFTEST_CLOSE_BOTH: return "simultaneous close";
	case SELFTEST_SHUT_CLIENT: return "client shutdown";
	case SELFTEST_ABORT_CLIENT: return "client abort";
	case SELFTEST_EOF_CLIENT: return "client end of stream";
	case SELFTEST_EOF_SERVER: return "server end of stream";
	case SELFTEST_DONE: return "both ends closed";
	case SELFTEST_SETTLE: return "TIME_WAIT expiry and TCBs back";
	case SELFTEST_END: return "end";
	}
	return "?";
}

static uint32_t selftest_2msl(void)
{
	return 2u * fw_tcp_get_msl();
}

/* ------------------------------------------------------------ verdicts */

/* "A B C" -> "A>B>C": one token in a result line. */
static void selftest_arrows(char *text)
{
	for (; *text != '\0'; text++)
		if (*text == ' ')
			*text = '>';
}

static bool selftest_check_end(const struct selftest_case *c, enum selftest_side side, char *d, size_t n)
{
	const struct selftest_end *e = &st.end[side];
	const char *who = side == SELFTEST_CLIENT ? "client" : "server";
	char trace[SELFTEST_TEXT_MAX];

	selftest_trace_text(e, trace, sizeof trace);
	if (strcmp(trace, c->trace[side]) != 0) {
		snprintf(d, n, "%s went '%s', expected '%s'", who, trace, c->trace[side]);
		return false;
	}
	if (e->rcvd != SELFTEST_BYTES || e->bad != 0) {
		snprintf(d, n, "%s received %lu bytes (%lu off the pattern), expected %u", who,
		    (unsigned long)e->rcvd, (unsigned long)e->bad, SELFTEST_BYTES);
		return false;
	}
	if (e->eof != c->eof[side]) {
		snprintf(d, n, "%s end of stream %s", who, e->eof ? "unexpected" : "missing");
		return false;
	}
	err_t err = e->err_seen ? e->err : ERR_OK;
	if (err != c->err[side]) {
		snprintf(d, n, "%s err_cb(%d), expected %d (0: none)", who, (int)err, (int)c->err[side]);
		return false;
	}
	return true;
}

static bool selftest_check(const struct selftest_case *c, char *d, size_t n)
{
	const struct selftest_end *cl = &st.end[SELFTEST_CLIENT];

	if (st.why[0] != '\0') {
		snprintf(d, n, "%s", st.why);
		return false;
	}
	for (unsigned side = 0; side < SELFTEST_SIDES; side++)
		if (!selftest_check_end(c, (enum selftest_side)side, d, n))
			return false;
	if (c->rx_after_shut && cl->rcvd_shut != SELFTEST_BYTES) {
		snprintf(d, n, "client received %lu bytes after its FIN, expected %u",
		    (unsigned long)cl->rcvd_shut, SELFTEST_BYTES);
		return false;
	}
	char ct[SELFTEST_TEXT_MAX], sv[SELFTEST_TEXT_MAX];
	selftest_trace_text(cl, ct, sizeof ct);
	selftest_trace_text(&st.end[SELFTEST_SERVER], sv, sizeof sv);
	selftest_arrows(ct);
	selftest_arrows(sv);
	if (c->timed) {
		/* Long enough, as RFC 9293 requires, and not forever. The 1 ms
		 * grace: the hook's stamp may be a SysTick later than the
		 * engine's `now`, which the deadline counts from. */
		uint32_t want = selftest_2msl(), got = cl->tw_ms;
		snprintf(d, n, "2msl=%lums measured=%lums client=%s", (unsigned long)want,
		    (unsigned long)got, ct);
		return cl->tw_gone && got + 1u >= want && got <= 2u * want;
	}
	snprintf(d, n, "bytes=%u+%u client=%s server=%s", SELFTEST_BYTES, SELFTEST_BYTES, ct, sv);
	return true;
}

static void selftest_report(const char *name, bool pass, const char *detail)
{
	if (pass)
		st.passed++;
	else
		st.failed++;
	console_printf("selftest %s: %s %s\n", name, pass ? "PASS" : "FAIL", detail);
}

/* ------------------------------------------------------------ sequencing */

static void selftest_begin_case(uint32_t now)
{
	memset(st.end, 0, sizeof st.end);
	st.why[0] = '\0';
	st.cport = 0;
	st.op = 0;
	st.op_begun = false;
	st.op_at = now;
}

/* The case failed: drop what the application holds and go settle, so the
 * next case starts clean; when settling itself failed, give up the case. */
static void selftest_abandon(const struct selftest_case *c, uint32_t now)
{
	bool settling = c->ops[st.op] == SELFTEST_SETTLE;

	for (unsigned i = 0; i < SELFTEST_SIDES; i++) {
		if (st.end[i].tcb != NULL) {
			fw_tcp_abort(st.end[i].tcb);
			st.end[i].tcb = NULL;
		}
	}
	while (c->ops[st.op] != SELFTEST_SETTLE && c->ops[st.op] != SELFTEST_END)
		st.op++;
	if (settling)
		st.op++;   /* every script ends SETTLE, END */
	st.op_begun = false;
	st.op_at = now;
}

static uint32_t selftest_op_limit(enum selftest_op op)
{
	/* Settling waits 2MSL from the last TIME_WAIT entry. */
	return op == SELFTEST_SETTLE ? selftest_2msl() + SELFTEST_OP_TIMEOUT_MS : SELFTEST_OP_TIMEOUT_MS;
}

/* Step the current case; true when it has finished. */
static bool selftest_step_case(const struct selftest_case *c, uint32_t now)
{
	for (;;) {
		enum selftest_op op = c->ops[st.op];
		if (op == SELFTEST_END)
			return true;
		bool next = selftest_run_op(op, now);
		st.op_begun = true;
		if (st.why[0] != '\0' && op != SELFTEST_SETTLE) {
			selftest_abandon(c, now);   /* an action failed */
			continue;
		}
		if (!next) {
			if (now - st.op_at <= selftest_op_limit(op))
				return false;
			selftest_fail("timeout in", selftest_op_name(op));
			selftest_abandon(c, now);
			continue;
		}
		st.op++;
		st.op_begun = false;
		st.op_at = now;
	}
}

/* ------------------------------------------------------------ resources */

static uint32_t selftest_tw_in_use(void)
{
	struct fw_tcp_tw_stats w;
	fw_tcp_get_tw_stats(&w);
	return w.in_use;
}

static void selftest_resources_base(void)
{
	st.tcbs_base = selftest_tcbs();
	st.tw_base = selftest_tw_in_use();
	st.heap_base = lwip_stats.mem.used;
	for (unsigned i = 0; i < MEMP_MAX; i++)
		st.memp_base[i] = lwip_stats.memp[i] != NULL ? lwip_stats.memp[i]->used : 0;
}

/* Every TCB free but those in use before the test, no TIME_WAIT entry
 * left, the heap and every memp pool (PBUF_POOL included) as they were. */
static bool selftest_resources(char *d, size_t n)
{
	unsigned tcbs = selftest_tcbs();
	uint32_t tw = selftest_tw_in_use();

	if (tcbs != st.tcbs_base || tw != st.tw_base) {
		snprintf(d, n, "tcbs=%u time_wait=%lu, at the start %u and %lu", tcbs,
		    (unsigned long)tw, st.tcbs_base, (unsigned long)st.tw_base);
		return false;
	}
	if (lwip_stats.mem.used != st.heap_base) {
		snprintf(d, n, "heap used=%u, at the start %u", (unsigned)lwip_stats.mem.used,
		    (unsigned)st.heap_base);
		return false;
	}
	for (unsigned i = 0; i < MEMP_MAX; i++) {
		mem_size_t used = lwip_stats.memp[i] != NULL ? lwip_stats.memp[i]->used : 0;
		if (used != st.memp_base[i]) {
			snprintf(d, n, "memp pool %u used=%u, at the start %u", i, (unsigned)used,
			    (unsigned)st.memp_base[i]);
			return false;
		}
	}
	snprintf(d, n, "tcbs=%u (before the test) time_wait=%lu heap=%uB memp=%u pools as at the start",
	    tcbs, (unsigned long)tw, (unsigned)lwip_stats.mem.used, (unsigned)MEMP_MAX);
	return true;
}

/* ------------------------------------------------------------ entry points */

void selftest_start(uint32_t now)
{
	memset(&st, 0, sizeof st);
	selftest_resources_base();
	st.saved_hook = fw_tcp_get_log_hook();
	st.saved_log = fw_tcp_get_log();
	st.saved_msl = fw_tcp_get_msl();
	fw_tcp_set_log_hook(selftest_log_hook);
	fw_tcp_set_log(true);
	fw_tcp_set_msl(FW_SELFTEST_MSL_MS);
	st.listener = fw_tcp_listen(SELFTEST_PORT, selftest_accept_cb, NULL);
	console_printf("\nselftest: %u cases over 127.0.0.1:%u, msl=%lums\n",
	    (unsigned)SELFTEST_CASES + 1u, SELFTEST_PORT, (unsigned long)fw_tcp_get_msl());
	selftest_begin_case(now);
	st.running = true;
}

static void selftest_finish(void)
{
	char detail[SELFTEST_DETAIL_MAX];

	if (st.listener != NULL)
		fw_tcp_listen_close(st.listener);
	fw_tcp_set_msl(st.saved_msl);
	fw_tcp_set_log(st.saved_log);
	fw_tcp_set_log_hook(st.saved_hook);
	bool pass = selftest_resources(detail, sizeof detail);
	selftest_report("resources", pass, detail);
	console_printf("selftest: %u passed, %u failed\n", st.passed, st.failed);
	console_printf(CONSOLE_PROMPT);
	st.running = false;
}

bool selftest_poll(uint32_t now)
{
	char detail[SELFTEST_DETAIL_MAX];

	if (!st.running)
		return false;
	selftest_credit();
	const struct selftest_case *c = &selftest_cases[st.ncase];
	if (!selftest_step_case(c, now))
		return true;
	bool pass = selftest_check(c, detail, sizeof detail);
	selftest_report(c->name, pass, detail);
	if (++st.ncase < SELFTEST_CASES) {
		selftest_begin_case(now);
		return true;
	}
	selftest_finish();
	return false;
}

#endif /* FW_SELFTEST */
