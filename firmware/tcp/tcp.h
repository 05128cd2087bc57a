/*
 * finwait's TCP: the engine's lifecycle (driven by firmware/main.c) and the
 * application API, in the style of lwIP's raw API.
 *
 * What this TCP is, and is not:
 * - RFC 9293 state machine with exact teardown (FIN_WAIT_1/2, CLOSING,
 *   CLOSE_WAIT, LAST_ACK); TIME_WAIT is handed to the compact table of
 *   timewait.h, so a TCB never sits in TIME_WAIT.
 * - MSS option only: no window scaling, no SACK, no timestamps (RFC 7323),
 *   no urgent data (URG is ignored), no Nagle, no delayed ACK (every
 *   in-order segment is ACKed at once), no congestion window: loss is
 *   repaired by the RFC 6298 retransmission timer (Karn's rule, exponential
 *   backoff, dropped again when an ACK makes progress), fast retransmit on
 *   the third duplicate ACK (RFC 5681 3.2) and, until everything sent
 *   before the loss is acknowledged, an immediate resend of the next
 *   segment on each partial ACK (RFC 6582 3.2). Only the peer's window
 *   limits what is in flight.
 * - Out-of-order segments are dropped and answered with a duplicate ACK
 *   (the peer retransmits); only in-order data is queued.
 * - RFC 5961: an in-window RST that is not exact, any SYN in a
 *   synchronized state (TIME_WAIT included), and an ACK outside
 *   [SND.UNA - MAX.SND.WND, SND.NXT] (5.2) get a challenge ACK, all from
 *   one global budget of FW_CHALLENGE_ACK_PER_S per second (section 7).
 * - Every resource is bounded (config.h): FW_TCB_COUNT TCBs (listeners
 *   included), FW_LISTEN_BACKLOG per listener, FW_TCP_SNDQ_PBUFS queued for
 *   sending and FW_TCP_RCVQ_PBUFS held for the application per TCB.
 *
 * Threading: everything runs in the main loop (NO_SYS); callbacks are
 * called from tcp_input()/tcp_timers() and from the API calls noted below.
 *
 * Coalescing: inside a callback made by tcp_input()/tcp_timers(),
 * tcp_write(), tcp_close(), tcp_shutdown() and tcp_recved()'s window
 * update only queue; when that call returns, each TCB sends its data and
 * FIN carrying the ACK it owes, or a bare ACK if nothing else goes (RFC
 * 9293 3.8.6.3, RFC 1122 4.2.3.2). Called from anywhere else they send at
 * once.
 *
 * Ownership: a `struct tcb *` handed to the application stays valid until
 * the application calls tcp_close()/tcp_abort() on it, or its err_cb runs
 * (after which the TCB is gone). After tcp_close() the engine finishes the
 * teardown on its own and calls no callback of the application again.
 */
#ifndef TCP_H
#define TCP_H

#include <stdbool.h>
#include <stdint.h>
#include "lwip/err.h"
#include "lwip/ip4_addr.h"
#include "lwip/pbuf.h"
#include "tcp_types.h"

/* ------------------------------------------------------------ lifecycle */

/** Create the raw PCB for protocol 6 and reset every table. `now` in ms;
 *  `key` seeds the RFC 6528 ISN generator. Call after lwip_init(). */
void tcp_init(uint32_t now, const uint8_t key[16]);

/** Run every timer that is due at `now` (retransmission, 2MSL, FIN_WAIT_2,
 *  CLOSE_WAIT watchdog). The main loop calls it when the board's deadline
 *  timer fires. */
void tcp_timers(uint32_t now);

/** Earliest time the engine needs tcp_timers(): true and *at set, or false
 *  when nothing is pending. The main loop arms the board's one-shot
 *  deadline timer with it after every input and timer run. */
bool tcp_next_deadline(uint32_t *at);

/** A segment from the raw PCB, IP header removed. tcp_input() owns `p`.
 *  Addresses as in the IP header; `now` in ms. */
void tcp_input(struct pbuf *p, const ip4_addr_t *src, const ip4_addr_t *dst, uint32_t now);

/* ------------------------------------------------------------ states */

/** RFC 9293 states. TCB_TIME_WAIT is never the state of a TCB (TIME_WAIT
 *  lives in the compact table); it is here for logs and netstat. */
enum tcb_state {
	TCB_CLOSED,
	TCB_LISTEN,
	TCB_SYN_SENT,
	TCB_SYN_RCVD,
	TCB_ESTABLISHED,
	TCB_FIN_WAIT_1,
	TCB_FIN_WAIT_2,
	TCB_CLOSE_WAIT,
	TCB_CLOSING,
	TCB_LAST_ACK,
	TCB_TIME_WAIT,
};
#define TCB_STATE_COUNT (TCB_TIME_WAIT + 1)

/** The RFC name ("FIN_WAIT_1"). */
const char *tcb_state_name(enum tcb_state s);

/* ------------------------------------------------------------ application API */

struct tcb;

/** A connection reached ESTABLISHED on a listener. Return ERR_OK to keep
 *  it; anything else makes the engine abort it (RST). */
typedef err_t (*tcp_accept_cb)(void *arg, struct tcb *newtcb);
/** An active open reached ESTABLISHED. */
typedef void (*tcp_connected_cb)(void *arg, struct tcb *tcb);
/** In-order data (`p`, the callee owns it once it returns ERR_OK and must
 *  call tcp_recved() when it has consumed it), or end of stream (p == NULL:
 *  the peer's FIN). Any other return keeps `p` queued in the TCB (counted
 *  against the advertised window) and offers it again on the next input
 *  or tcp_recved(). */
typedef err_t (*tcp_recv_cb)(void *arg, struct tcb *tcb, struct pbuf *p);
/** `len` bytes we sent were acknowledged (room in the send queue). */
typedef void (*tcp_sent_cb)(void *arg, struct tcb *tcb, uint16_t len);
/** The TCB is gone: ERR_RST (peer reset), ERR_ABRT (retries exhausted or
 *  watchdog abort), ERR_CLSD (connection refused or timed out while
 *  opening). The handle is invalid when this returns. */
typedef void (*tcp_err_cb)(void *arg, err_t err);

/** Listen on `port` (any local address). NULL when no TCB is free. */
struct tcb *tcp_listen(uint16_t port, tcp_accept_cb accept_cb, void *arg);

/** Active open to addr:port from an ephemeral port (49152-65535, one
 *  whose 4-tuple has no TCB and no TIME_WAIT entry); the SYN goes out at
 *  once. Set tcp_err() at once: a refused open is reported there. `local` is our address on the route (192.0.2.2 in the tests).
 *  NULL when no TCB is free. */
struct tcb *tcp_connect(const ip4_addr_t *local, const ip4_addr_t *addr, uint16_t port,
                        tcp_connected_cb connected_cb, void *arg, uint32_t now);

void tcp_arg(struct tcb *tcb, void *arg);
void tcp_recv(struct tcb *tcb, tcp_recv_cb cb);
void tcp_sent(struct tcb *tcb, tcp_sent_cb cb);
void tcp_err(struct tcb *tcb, tcp_err_cb cb);

/** Copy `len` bytes into the send queue and send what the window allows.
 *  ERR_MEM when the queue (FW_TCP_SNDQ_PBUFS) is full or the copy would
 *  leave less than FW_TCP_HEAP_RESERVE of the PBUF_RAM heap (kept for ACKs,
 *  retransmissions, RSTs, ICMP, ARP); the heap is shared, so retry later
 *  (after sent_cb, or on a timer when nothing of this TCB is in flight).
 *  ERR_CONN when the write side is closed or not yet open. */
err_t tcp_write(struct tcb *tcb, const void *data, uint16_t len, uint32_t now);

/** The application consumed `len` bytes: reopen the window (and send a
 *  window update when it opens by an MSS or more). */
void tcp_recved(struct tcb *tcb, uint16_t len, uint32_t now);

/** Full close: FIN after queued data (RFC 9293 3.10.4), or RST when
 *  received data is left unread (RFC 1122 4.2.2.13, RFC 2525 2.17). The
 *  handle is invalid afterwards. */
void tcp_close(struct tcb *tcb, uint32_t now);

/** Half close. shut_tx: FIN after queued data, receiving goes on
 *  (FIN_WAIT_1/2) until the peer's FIN. shut_rx: data arriving later is
 *  answered with RST. Both: tcp_close().
 *  No received byte is lost when the connection then ends: after the
 *  peer's FIN (or, from CLOSE_WAIT, the ACK of ours) the TCB stays in its
 *  state until recv_cb has accepted every queued byte and the end of
 *  stream (a recv_cb refusing data holds it; tcp_recved() offers it again);
 *  only then does it enter TIME_WAIT (or CLOSED) and err_cb(ERR_CLSD)
 *  report the handle gone. tcp_close() meanwhile: RST if data is unread. */
void tcp_shutdown(struct tcb *tcb, bool shut_rx, bool shut_tx, uint32_t now);

/** Abortive close: RST (in synchronized states), TCB freed at once; no
 *  callback is called. */
void tcp_abort(struct tcb *tcb);

/** Bytes that tcp_write() could queue now. */
uint32_t tcp_sndbuf(const struct tcb *tcb);

/* ------------------------------------------------------------ observation */

enum tcb_state tcp_state(const struct tcb *tcb);

/** One TCB, as netstat shows it. */
struct tcb_info {
	unsigned id;
	enum tcb_state state;
	struct tcp_tuple tuple;
	uint32_t sndq_bytes;   /* queued, unsent or unacknowledged */
	uint32_t rcvq_bytes;   /* received, not taken by the application */
	bool timer_armed;
	uint32_t timer_at;     /* earliest deadline of this TCB */
	bool orphan;           /* the application has closed it */
};
typedef void (*tcb_visit_cb)(const struct tcb_info *info, void *arg);
/** Visit every TCB in use, in pool order. */
void tcb_foreach(tcb_visit_cb cb, void *arg);
void tcb_get_info(const struct tcb *tcb, struct tcb_info *info);

/* ------------------------------------------------------------ tunables and logging */

void tcp_set_msl(uint32_t ms);               /* forwards to tw_set_msl() */
uint32_t tcp_get_msl(void);
void tcp_set_fin_wait_2_timeout(uint32_t ms);
uint32_t tcp_get_fin_wait_2_timeout(void);
void tcp_set_close_wait_threshold(uint32_t ms);
uint32_t tcp_get_close_wait_threshold(void);
void tcp_set_close_wait_abort(bool on);
bool tcp_get_close_wait_abort(void);

/** One state change (from != to) or a CLOSE_WAIT watchdog report
 *  (from == to == TCB_CLOSE_WAIT). `reason` is a short word ("close",
 *  "fin", "rst", ...). Set by the console so the engine needs none. */
typedef void (*tcp_log_hook)(unsigned id, const struct tcp_tuple *t, enum tcb_state from,
                             enum tcb_state to, const char *reason);
void tcp_set_log_hook(tcp_log_hook hook);
/** The hook set now (a test installs its own and puts this one back). */
tcp_log_hook tcp_get_log_hook(void);
/** State changes reach the hook only when enabled; watchdog reports always. */
void tcp_set_log(bool on);
bool tcp_get_log(void);

#endif
