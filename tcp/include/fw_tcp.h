/*
 * finwait's TCP engine: the one header applications include. Everything
 * else under tcp/ is private to the engine (a build check enforces it).
 * Every name here starts with fw_tcp_ / FW_TCP_, so the engine links
 * beside lwIP's own TCP names (which lwIP's core calls when it is built
 * with LWIP_TCP=1) without a clash.
 *
 * What this TCP is, and is not:
 * - RFC 9293 state machine with exact teardown (FIN_WAIT_1/2, CLOSING,
 *   CLOSE_WAIT, LAST_ACK); TIME_WAIT is handed to a compact table (a few
 *   dozen bytes per connection), so a connection never holds its full
 *   control block in TIME_WAIT.
 * - MSS option only: no window scaling, no SACK, no timestamps (RFC 7323),
 *   no urgent data (URG is ignored), no delayed ACK (every in-order
 *   segment is ACKed at the end of the event that brought it).
 * - Congestion control (RFC 5681, byte counting per RFC 3465): what is in
 *   flight is bounded by min(cwnd, the peer's window); initial window by
 *   MSS (RFC 5681 3.1), slow start, congestion avoidance, fast retransmit
 *   on the third duplicate ACK with NewReno fast recovery (RFC 6582), one
 *   segment after an RTO (RFC 6298 timer, Karn's rule, backoff kept until
 *   a valid RTT sample), restart after idle (RFC 5681 4.1). Nagle
 *   (fw_tcp_nagle()) and the sender's SWS avoidance (RFC 9293 3.8.6.2.1)
 *   keep short segments back while data is in flight.
 * - Out-of-order segments inside the window are kept (FW_TCP_OOQ_SEGS per
 *   connection, in buffers set aside for its window) until the hole
 *   fills, and ACKed at once (RFC 5681 4.2).
 * - RFC 5961: an in-window RST that is not exact, any SYN in a
 *   synchronized state (TIME_WAIT included), and an ACK outside
 *   [SND.UNA - MAX.SND.WND, SND.NXT] (5.2) get a challenge ACK. Section 7:
 *   one per FW_OOW_ACK_INTERVAL_MS per connection (shared with the ACKs
 *   to unacceptable empty segments), under a global allowance drawn each
 *   second around FW_CHALLENGE_ACK_PER_S; TIME_WAIT has an allowance of
 *   its own (FW_TW_CHALLENGE_ACK_PER_S). No connection's challenge ACKs
 *   depend on another's (CVE-2016-5696).
 * - Every resource is bounded (fw_tcp_config.h): FW_TCB_COUNT connections,
 *   FW_TCP_LISTENERS listeners (a compact entry each, no control block),
 *   FW_LISTEN_BACKLOG per listener, FW_TCP_SNDQ_PBUFS MSS of data queued
 *   for sending per connection (in pbufs of at most an MSS, at most twice
 *   that many), FW_TW_ENTRIES in TIME_WAIT (and FW_TW6_ENTRIES for IPv6
 *   connections).
 *   Received data is counted in the PBUF_POOL buffers it pins, queued or
 *   lent to the application: FW_TCP_RCVQ_PBUFS per connection,
 *   FW_TCP_RX_POOL_BUFS for all of TCP (the rest of the pool stays for
 *   the MAC, ARP and ICMP); small segments are packed into the buffer
 *   before them, and a window is offered only when buffers set aside can
 *   hold it.
 * - And in time: zero-window probes back off to a ceiling and only
 *   unanswered ones end a connection (RFC 9293 3.8.6.1); keepalive (off
 *   unless fw_tcp_keepalive()); a user timeout (RFC 5482); connections the
 *   application closed (orphans) live at most FW_ORPHAN_LIFETIME_MS, and
 *   at most FW_ORPHAN_MAX at once.
 *
 * Threading: everything runs in one thread (the main loop, NO_SYS).
 *
 * Callbacks run only while the engine handles an event: a segment
 * (fw_tcp_input()), an ICMP or ICMPv6 error about a connection (lwIP's
 * ip4_input()/ip6_input() show every such message to the engine's raw
 * PCBs), or its timers
 * (fw_tcp_timers()): no API call below ever calls the application back
 * before it returns. Inside a
 * callback, fw_tcp_write(), fw_tcp_close(), fw_tcp_shutdown() and
 * fw_tcp_recved() only queue; when the event ends, each connection sends
 * its data and FIN carrying the ACK it owes, or a bare ACK if nothing else
 * goes (RFC 9293 3.8.6.3, RFC 1122 4.2.3.2), and data that fw_tcp_recved()
 * or fw_tcp_shutdown() made deliverable is offered then. Called from
 * anywhere else they send at once, and deliver from the next
 * fw_tcp_timers() (fw_tcp_next_deadline() asks for it at once).
 *
 * Time: fw_tcp_input() and fw_tcp_timers() take the time of their event;
 * fw_tcp_now() returns it inside callbacks, and the clock given to
 * fw_tcp_init() elsewhere. Times are milliseconds on a wrapping 32-bit
 * clock.
 *
 * Ownership: a `struct fw_tcp_conn *` handed to the application stays
 * valid until the application calls fw_tcp_close()/fw_tcp_abort() on it,
 * or its err_cb runs (after which the connection is gone). After
 * fw_tcp_close() the engine finishes the teardown on its own and calls no
 * callback of the application again. A connection slot freed and reused
 * for another connection inside a callback never receives the old
 * connection's remaining callbacks (slots carry a generation).
 */
#ifndef FW_TCP_H
#define FW_TCP_H

#include <stdbool.h>
#include <stdint.h>
#include "lwip/err.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"

/* ------------------------------------------------------------ lifecycle */

/** The engine's clock: milliseconds, free-running, wrapping at 2^32. */
typedef uint32_t (*fw_tcp_clock_fn)(void);

/** Create the raw PCBs (protocol 6 of both families, ICMP, ICMPv6) and
 *  reset every table. `clock` gives
 *  the time outside events; `key` seeds the RFC 6528 ISN generator. Call
 *  after lwip_init(). */
void fw_tcp_init(fw_tcp_clock_fn clock, const uint8_t key[16]);

/** Run every timer that is due at `now` (retransmission, zero-window
 *  probe, keepalive, user timeout, orphan lifetime, 2MSL, FIN_WAIT_2,
 *  CLOSE_WAIT watchdog) and deliver data made deliverable outside events.
 *  The main loop calls it when the board's deadline timer fires. */
void fw_tcp_timers(uint32_t now);

/** Earliest time the engine needs fw_tcp_timers(): true and *at set, or
 *  false when nothing is pending. The main loop arms the board's one-shot
 *  deadline timer with it after every input and timer run. */
bool fw_tcp_next_deadline(uint32_t *at);

/* ------------------------------------------------------------ addresses */

/** The two families a connection can be of. A tuple's family is the
 *  family of the packet that made it: no IPv4-mapped IPv6 addresses. */
enum fw_tcp_family {
	FW_TCP_IPV4 = 4,
	FW_TCP_IPV6 = 6,
};

/** An address of either family: the engine's own type, so that the
 *  tuple is the same whatever lwIP's ip_addr_t is built as (20 bytes or
 *  more with LWIP_IPV6_SCOPES, 4 without IPv6). Network byte order (as
 *  lwIP's ip4_addr_t.addr and ip6_addr_t.addr[]); IPv4 in w[0], w[1..3]
 *  zero. Compare with fw_tcp_addr_eq(), never memcmp (padding). */
struct fw_tcp_addr {
	uint8_t family;        /* enum fw_tcp_family */
	uint32_t w[4];
};

/** Same family and same address. */
bool fw_tcp_addr_eq(const struct fw_tcp_addr *a, const struct fw_tcp_addr *b);
/** From and to lwIP's address type (the zone of an IPv6 address is left
 *  out: the engine sends on the interface routing picks). */
void fw_tcp_addr_from_ip(struct fw_tcp_addr *out, const ip_addr_t *in);
void fw_tcp_addr_to_ip(ip_addr_t *out, const struct fw_tcp_addr *in);
/** An IPv4 address (network byte order, as ip4_addr_t.addr). */
void fw_tcp_addr_set_ip4(struct fw_tcp_addr *out, uint32_t addr);

/** A segment from the raw PCB, IP header removed. fw_tcp_input() owns `p`.
 *  Addresses as in the IP header, both of one family; `now` in ms. */
void fw_tcp_input(struct pbuf *p, const struct fw_tcp_addr *src, const struct fw_tcp_addr *dst, uint32_t now);

/** The current event's time inside callbacks, else the clock's. */
uint32_t fw_tcp_now(void);

/* ------------------------------------------------------------ states */

/** RFC 9293 states. FW_TCP_TIME_WAIT is never the state of a connection
 *  (TIME_WAIT lives in the compact table); it is here for logs and
 *  netstat. */
enum fw_tcp_state {
	FW_TCP_CLOSED,
	FW_TCP_LISTEN,
	FW_TCP_SYN_SENT,
	FW_TCP_SYN_RCVD,
	FW_TCP_ESTABLISHED,
	FW_TCP_FIN_WAIT_1,
	FW_TCP_FIN_WAIT_2,
	FW_TCP_CLOSE_WAIT,
	FW_TCP_CLOSING,
	FW_TCP_LAST_ACK,
	FW_TCP_TIME_WAIT,
};
#define FW_TCP_STATE_COUNT (FW_TCP_TIME_WAIT + 1)

/** The RFC name ("FIN_WAIT_1"). */
const char *fw_tcp_state_name(enum fw_tcp_state s);

/** A connection's identity: both addresses of one family (the tuple's),
 *  ports in host byte order. */
struct fw_tcp_tuple {
	struct fw_tcp_addr laddr;
	struct fw_tcp_addr raddr;
	uint16_t lport;
	uint16_t rport;
};

/* ------------------------------------------------------------ application API */

struct fw_tcp_conn;
/** A listener: a port and its accept callback, in a table of its own
 *  (FW_TCP_LISTENERS); it takes no control block from the connections'. */
struct fw_tcp_listener;

/** A connection reached ESTABLISHED on a listener. Return ERR_OK to keep
 *  it; anything else makes the engine abort it (RST). */
typedef err_t (*fw_tcp_accept_cb)(void *arg, struct fw_tcp_conn *conn);
/** An active open reached ESTABLISHED. */
typedef void (*fw_tcp_connected_cb)(void *arg, struct fw_tcp_conn *conn);
/** In-order data (`p`, the callee owns it once it returns ERR_OK and must
 *  call fw_tcp_recved() when it has consumed it), or end of stream
 *  (p == NULL: the peer's FIN). ERR_ABRT, as in lwIP, says the callee
 *  aborted the connection and owns (has freed) `p`. Any other return keeps
 *  `p` queued in the connection (counted against the advertised window)
 *  and offers it again on the next input or after fw_tcp_recved(); if the
 *  callee closed or aborted the connection meanwhile, the engine frees it.
 *  `p` is a chain of views into the engine's receive buffers: the buffers
 *  count against the connection's window until the application frees `p`
 *  (pbuf_free(), as any pbuf); while it holds FW_TCP_RCV_VIEWS of them it
 *  gets no more data, and freeing one brings the rest. */
typedef err_t (*fw_tcp_recv_cb)(void *arg, struct fw_tcp_conn *conn, struct pbuf *p);
/** `len` bytes we sent were acknowledged (room in the send queue). */
typedef void (*fw_tcp_sent_cb)(void *arg, struct fw_tcp_conn *conn, uint16_t len);
/** The connection is gone: ERR_RST (peer reset), ERR_ABRT (retries,
 *  unanswered zero-window or keepalive probes, user timeout, watchdog
 *  abort), ERR_CLSD (closed normally, refused by an RST or an ICMP
 *  port/protocol unreachable, or timed out while opening), ERR_RTE (an
 *  ICMP network/host unreachable ended the open, or was the last soft
 *  error before the retries ran out: RFC 5927). The handle is invalid
 *  when this returns. */
typedef void (*fw_tcp_err_cb)(void *arg, err_t err);

/** Listen on `port` (any local address). A SYN to the port takes a
 *  connection's control block (FW_TCB_COUNT), the listener none. NULL when
 *  the listener table (FW_TCP_LISTENERS) is full (counted as listen_full)
 *  or the port already has a listener. */
struct fw_tcp_listener *fw_tcp_listen(uint16_t port, fw_tcp_accept_cb accept_cb, void *arg);

/** Stop listening: the port is free again, and its connections not yet
 *  handed to accept_cb (SYN_RCVD, or established and not accepted) are
 *  reset (RST). Accepted ones are the application's and stay. The handle
 *  is invalid afterwards; no callback is called. */
void fw_tcp_listen_close(struct fw_tcp_listener *l);

/** Active open to addr:port from `local` (our address on the route, of
 *  the same family) and an ephemeral port (49152-65535, one whose 4-tuple
 *  has no connection and no TIME_WAIT entry); the SYN goes out at once.
 *  Set fw_tcp_err() at once: a refused open is reported there. NULL when
 *  no control block is free, or when `addr` is not a unicast address
 *  (any, multicast, a broadcast, IPv4-mapped; or `local` of another
 *  family: RFC 1122 4.2.3.10, counted as connect_bad_addr). */
struct fw_tcp_conn *fw_tcp_connect(const struct fw_tcp_addr *local, const struct fw_tcp_addr *addr, uint16_t port,
                                   fw_tcp_connected_cb connected_cb, void *arg);

/** True when fw_tcp_connect() would take `addr`. IPv4: not 0.0.0.0, not
 *  multicast, not 255.255.255.255 nor the directed broadcast of an
 *  interface. IPv6: not ::, not multicast (ff00::/8; IPv6 has no
 *  broadcast, RFC 4291 2.7), not IPv4-mapped (::ffff:0:0/96, RFC 4291
 *  2.5.5.2: such an address is never on the wire). */
bool fw_tcp_unicast(const struct fw_tcp_addr *addr);

/** The callbacks' argument, and the callbacks (NULL: none). Setting them
 *  never ends the connection. */
void fw_tcp_arg(struct fw_tcp_conn *conn, void *arg);
void fw_tcp_recv(struct fw_tcp_conn *conn, fw_tcp_recv_cb cb);
void fw_tcp_sent(struct fw_tcp_conn *conn, fw_tcp_sent_cb cb);
void fw_tcp_err(struct fw_tcp_conn *conn, fw_tcp_err_cb cb);

/** Copy `len` bytes into the send queue and send what the window allows.
 *  ERR_MEM when the queue (FW_TCP_SNDQ_PBUFS) is full or the copy would
 *  leave less than FW_TCP_HEAP_RESERVE of the PBUF_RAM heap, or no block
 *  for one full segment (kept for ACKs, retransmissions, probes, RSTs,
 *  ICMP, ARP); the heap is shared, so retry
 *  later (after sent_cb, or on a timer when nothing of this connection is
 *  in flight). In SYN_SENT and SYN_RCVD the data waits and goes once the
 *  connection is established (RFC 9293 3.10.2). ERR_CONN when the write
 *  side is closed. Never ends the connection. */
err_t fw_tcp_write(struct fw_tcp_conn *conn, const void *data, uint16_t len);

/** fw_tcp_write() without the copy: the send queue refers to `data`,
 *  which must stay unchanged until its bytes are acknowledged (lwIP's
 *  tcp_write() without TCP_WRITE_FLAG_COPY; for data in flash, such as
 *  httpd's files). Takes no PBUF_RAM heap: one of lwIP's PBUF_ROM headers
 *  (MEMP_NUM_PBUF) per write, never the last FW_TCP_PBUF_RESERVE of them;
 *  segments are built by copy from it. Same queue limits and errors. */
err_t fw_tcp_write_ref(struct fw_tcp_conn *conn, const void *data, uint16_t len);

/** The application consumed `len` bytes: reopen the window (and send a
 *  window update when it opens by an MSS or more). Data the application
 *  refused earlier, and the end of stream, are offered again at the end of
 *  the event (inside a callback) or from the next fw_tcp_timers(); the
 *  connection can end then (err_cb), never inside this call. */
void fw_tcp_recved(struct fw_tcp_conn *conn, uint16_t len);

/** Full close: FIN after queued data (RFC 9293 3.10.4), or RST when
 *  received data is left unread (RFC 1122 4.2.2.13, RFC 2525 2.17). The
 *  handle is invalid afterwards; no callback is called. The connection is
 *  now an orphan (fw_tcp_set_orphan_lifetime()); one orphan more than
 *  fw_tcp_get_orphan_max() resets the oldest, here (it has no callbacks). */
void fw_tcp_close(struct fw_tcp_conn *conn);

/** Half close. shut_tx: FIN after queued data, receiving goes on
 *  (FIN_WAIT_1/2) until the peer's FIN. shut_rx: data arriving later is
 *  answered with RST. Both: fw_tcp_close().
 *  No received byte is lost when the connection then ends: after the
 *  peer's FIN (or, from CLOSE_WAIT, the ACK of ours) the connection stays
 *  in its state until recv_cb has accepted every queued byte and the end
 *  of stream (a recv_cb refusing data holds it; fw_tcp_recved() offers it
 *  again); only then does it enter TIME_WAIT (or CLOSED) and
 *  err_cb(ERR_CLSD) report the handle gone. fw_tcp_close() meanwhile: RST
 *  if data is unread. Never ends the connection inside this call (unless
 *  both are shut: see fw_tcp_close()). */
void fw_tcp_shutdown(struct fw_tcp_conn *conn, bool shut_rx, bool shut_tx);

/** Abortive close: RST (in synchronized states), connection freed at
 *  once; no callback is called. */
void fw_tcp_abort(struct fw_tcp_conn *conn);

/** Bytes that fw_tcp_write() could queue now. This and the observation
 *  calls below change nothing. */
uint32_t fw_tcp_sndbuf(const struct fw_tcp_conn *conn);

/** The send MSS in force: FW_TCP_MSS (20 less over IPv6, MTU - 60: RFC
 *  8200 5) until the peer's SYN says less (RFC 9293 3.7.1; 536, over IPv6
 *  1220, without the option), lowered by path MTU discovery (RFC 1191,
 *  RFC 8201). Changes nothing. */
uint16_t fw_tcp_mss(const struct fw_tcp_conn *conn);

/** The connection's 4-tuple, in the engine's own storage: it stays where
 *  it is, unchanged, for as long as the handle is valid. */
const struct fw_tcp_tuple *fw_tcp_get_tuple(const struct fw_tcp_conn *conn);

/** Keepalive (RFC 9293 3.8.4, RFC 1122 4.2.3.6), off until turned on
 *  here. Once nothing has arrived for the keepalive idle time
 *  (fw_tcp_set_keepalive_idle(); two hours by default) on a synchronized
 *  connection with nothing to send or acknowledge, a probe
 *  <SEQ=SND.NXT-1><ACK=RCV.NXT><CTL=ACK> without data goes out every
 *  keepalive interval until an acceptable segment arrives; after
 *  keepalive-count unanswered probes the connection is reset (RST,
 *  err_cb(ERR_ABRT)). The idle time counts from this call or the last
 *  segment received, whichever is later. No effect on a listener. Never
 *  ends the connection inside this call. */
void fw_tcp_keepalive(struct fw_tcp_conn *conn, bool on);

/** Nagle's algorithm (RFC 9293 3.7.4, SHLD-7), on for every new
 *  connection: while data is in flight, a segment shorter than the MSS
 *  waits until that data is acknowledged, its queue fills a segment, or
 *  the application closes (the FIN pushes it). Off: what the window takes
 *  goes at once (latency over segment count). Either way the sender's SWS
 *  avoidance (RFC 9293 3.8.6.2.1, MUST-38) stays: into a window smaller
 *  than both the queued data and a segment, a segment goes only when it
 *  is at least half the largest window the peer offered, or when
 *  FW_TCP_SWS_OVERRIDE_MS passed with nothing in flight. A listener's
 *  setting is not inherited. Never ends the connection. */
void fw_tcp_nagle(struct fw_tcp_conn *conn, bool on);

/** User timeout (RFC 5482; the OPEN timeout of RFC 9293 3.9.1): how long
 *  data or a FIN we sent may stay unacknowledged while the peer neither
 *  acknowledges anything new nor answers a zero-window probe (a peer that
 *  answers probes keeps the connection: RFC 9293 3.8.6.1, MUST-37). On
 *  expiry: RST, err_cb(ERR_ABRT). 0: none (the retransmission limit
 *  FW_DATA_RETRIES still holds). A connection starts with
 *  fw_tcp_get_user_timeout_default(). A timeout this call makes already
 *  past ends the connection from the next fw_tcp_timers(), never inside
 *  this call. */
void fw_tcp_user_timeout(struct fw_tcp_conn *conn, uint32_t ms);
uint32_t fw_tcp_get_user_timeout(const struct fw_tcp_conn *conn);

/* ------------------------------------------------------------ observation */

enum fw_tcp_state fw_tcp_get_state(const struct fw_tcp_conn *conn);

/** One connection, as netstat shows it. */
struct fw_tcp_info {
	unsigned id;
	enum fw_tcp_state state;
	struct fw_tcp_tuple tuple;
	uint32_t sndq_bytes;   /* queued, unsent or unacknowledged */
	uint32_t rcvq_bytes;   /* received, not taken by the application */
	uint32_t rx_bufs;      /* PBUF_POOL buffers it holds, queued or lent to the application */
	bool timer_armed;
	uint32_t timer_at;     /* earliest deadline of this connection */
	bool orphan;           /* the application has closed it */
	uint32_t cwnd;         /* congestion window, bytes (RFC 5681) */
	uint32_t ssthresh;     /* slow start threshold, bytes (UINT32_MAX until the first loss) */
};
typedef void (*fw_tcp_visit_cb)(const struct fw_tcp_info *info, void *arg);
/** Visit every listener (FW_TCP_LISTEN, only the local port set, id
 *  FW_TCB_COUNT + its slot), then every connection in use, in pool order. */
void fw_tcp_foreach(fw_tcp_visit_cb cb, void *arg);
void fw_tcp_get_info(const struct fw_tcp_conn *conn, struct fw_tcp_info *info);

/** One TIME_WAIT entry. The local address is the device's. */
struct fw_tcp_tw_info {
	struct fw_tcp_tuple tuple;
	uint32_t snd_nxt;      /* after our FIN */
	uint32_t rcv_nxt;      /* after the peer's FIN */
	uint32_t deadline;     /* end of 2MSL */
};
typedef void (*fw_tcp_tw_visit_cb)(const struct fw_tcp_tw_info *info, void *arg);
/** Visit the live TIME_WAIT entries, oldest first. `cb` gets a copy and
 *  must not call back into the engine. */
void fw_tcp_tw_foreach(fw_tcp_tw_visit_cb cb, void *arg);

/* X(name, what): the engine's counters, so struct and printer agree. Each
 * counts one event at one place; the two marked "sum" and
 * challenge_limited (the challenge_limited_* after it) are derived from
 * others (kept for the `stats` output's readers), `orphans` and the tcb_
 * and rx_bufs ones are levels, not events. */
#define FW_TCP_STATS_LIST(X) \
	X(segs_in,            "segments received (valid checksum)") \
	X(segs_out,           "segments sent") \
	X(bytes_in,           "payload bytes accepted in order") \
	X(bytes_out,          "payload bytes sent (retransmissions included)") \
	X(retransmits,        "segments retransmitted on RTO (SYN, data, FIN)") \
	X(fast_retransmits,   "segments retransmitted on the third duplicate ACK (RFC 5681 3.2)") \
	X(partial_ack_rtx,    "segments retransmitted on a partial ACK during recovery (RFC 6582)") \
	X(cc_fast_retransmit, "cwnd reductions: fast retransmit, ssthresh = FlightSize/2 (RFC 5681 3.2)") \
	X(cc_rto,             "cwnd reductions: retransmission timeout, cwnd = 1 SMSS (RFC 5681 3.1)") \
	X(cc_idle_restart,    "cwnd reductions: restart after an idle RTO, cwnd = min(IW, cwnd) (RFC 5681 4.1)") \
	X(sws_override,       "small segments sent by the sender SWS override timer (RFC 9293 3.8.6.2.1)") \
	X(rst_sent,           "RSTs sent") \
	X(rst_rcvd,           "RSTs that ended a connection (sum: resets + open_refused)") \
	X(challenge_acks,     "RFC 5961 challenge ACKs sent") \
	X(challenge_limited,  "RFC 5961 challenge ACKs suppressed by the rate limit") \
	X(challenge_limited_conn, "challenge ACKs suppressed: one per FW_OOW_ACK_INTERVAL_MS per connection (part of challenge_limited)") \
	X(challenge_limited_global, "challenge ACKs suppressed: the second's randomized global allowance spent (part of challenge_limited)") \
	X(challenge_limited_tw, "TIME_WAIT challenge ACKs suppressed: TIME_WAIT's own budget spent (part of challenge_limited)") \
	X(oow_ack_limited,    "ACKs to unacceptable empty segments suppressed: one per FW_OOW_ACK_INTERVAL_MS per connection") \
	X(tw_recycled_own,    "TIME_WAIT full: the entering address's own oldest entry recycled (part of tcp.tw recycled)") \
	X(tw_recycled_heavier,"TIME_WAIT full: an entry of an address holding more entries recycled (part of tcp.tw recycled)") \
	X(tw_reopen_resumed,  "incarnations opened from TIME_WAIT that died in SYN_RCVD: TIME_WAIT went on (RFC 9293 3.6.1)") \
	X(drop_short,         "dropped: shorter than a TCP header") \
	X(drop_hdrlen,        "dropped: bad data offset") \
	X(drop_opts,          "dropped: malformed options") \
	X(drop_chksum,        "dropped: bad checksum") \
	X(drop_addr,          "dropped: broadcast/multicast destination") \
	X(drop_seq,           "dropped: sequence number not acceptable (ACK sent)") \
	X(drop_ack,           "dropped: ACK of data never sent, or no ACK") \
	X(drop_ooo,           "dropped: out-of-order segments that could not be queued (duplicate ACK sent)") \
	X(ooo_queued,         "out-of-order segments queued until the hole before them fills (RFC 9293 3.10.7.4)") \
	X(ooo_queued_bytes,   "out-of-order bytes queued (duplicates trimmed; a segment covering queued ones replaces them)") \
	X(ooo_holes_filled,   "holes before queued out-of-order data filled (ACKed at once, RFC 5681 4.2)") \
	X(ooo_drop_budget,    "out-of-order segments given up for receive buffers (in-order data or the budget came first)") \
	X(drop_rcvq_full,     "dropped: receive queue full") \
	X(drop_listen,        "dropped at a listener (RST, stray segments)") \
	X(syn_no_tcb,         "SYNs dropped: no free control block") \
	X(syn_backlog_full,   "SYNs dropped: listener backlog full") \
	X(rx_bufs,            "PBUF_POOL buffers TCP holds now, queued or lent (at most FW_TCP_RX_POOL_BUFS)") \
	X(rx_bufs_peak,       "most PBUF_POOL buffers TCP held at once") \
	X(rx_bufs_budget,     "FW_TCP_RX_POOL_BUFS: TCP's share of PBUF_POOL") \
	X(rx_packed,          "segments copied behind the data before them, their own buffer freed at once") \
	X(rx_moved,           "segments moved to the start of their buffer to leave room behind them") \
	X(rx_wnd_limited,     "windows offered smaller than wanted: the rest of TCP's buffers were set aside") \
	X(rx_lend_deferred,   "deliveries deferred: the application held FW_TCP_RCV_VIEWS views") \
	X(drop_rx_nobuf,      "in-window data dropped for want of a receive buffer") \
	X(evict_syn_rcvd,     "half-open connections recycled, oldest first, for a new SYN or open") \
	X(evict_orphan,       "orphans (closed by the application, still tearing down) reset for room") \
	X(syncookies_sent,    "SYN,ACKs sent with no control block: none could be had (RFC 4987 3.6)") \
	X(syncookies_ok,      "connections opened by the ACK of a SYN cookie (recycled or never kept)") \
	X(syncookies_no_tcb,  "cookie ACKs dropped: still no control block (the peer retries)") \
	X(rst_closed,         "RSTs sent for segments to no connection") \
	X(icmp_bad,           "ICMP errors dropped: bad checksum or too short to quote a TCP header") \
	X(icmp_bad_seq,       "ICMP errors ignored: quoted sequence not in SND.UNA..SND.NXT (RFC 5927 4.1)") \
	X(icmp_open_aborts,   "opens ended by ICMP destination unreachable in SYN_SENT (RFC 1122 4.2.3.9)") \
	X(icmp_soft,          "ICMP errors kept as soft errors in synchronized states (RFC 5927 5.2)") \
	X(icmp_pmtu,          "MSS lowered by ICMP fragmentation needed (RFC 1191)") \
	X(active_opens,       "connections opened by fw_tcp_connect") \
	X(connect_bad_addr,   "fw_tcp_connect refused: broadcast, multicast or any address (RFC 1122 4.2.3.10)") \
	X(passive_opens,      "SYNs accepted by a listener") \
	X(tw_new_syn,         "new incarnations opened from TIME_WAIT") \
	X(accept_refused,     "connections refused by accept_cb") \
	X(syn_timeouts,       "opens given up after FW_SYN_RETRIES (active) or FW_SYNACK_RETRIES (passive)") \
	X(rtx_aborts,         "connections aborted after FW_DATA_RETRIES (RST sent)") \
	X(fin_wait_2_timeouts,"orphaned FIN_WAIT_2 connections timed out (RST sent)") \
	X(close_wait_warnings,"CLOSE_WAIT watchdog reports") \
	X(close_wait_aborts,  "CLOSE_WAIT connections aborted by the watchdog") \
	X(persist_probes,     "zero-window probes sent (RFC 9293 3.8.6.1)") \
	X(persist_aborts,     "connections aborted after FW_PERSIST_PROBES unanswered zero-window probes") \
	X(orphan_persist_aborts,"orphans aborted after FW_ORPHAN_PROBES zero-window probes, answered or not") \
	X(keepalive_probes,   "keepalive probes sent (RFC 9293 3.8.4)") \
	X(keepalive_aborts,   "connections reset after keepalive-count unanswered keepalive probes") \
	X(user_timeouts,      "connections reset: sent data unanswered for the user timeout (RFC 5482)") \
	X(orphan_lifetime_resets,"orphans reset after the orphan lifetime") \
	X(orphan_limit_resets,"oldest orphans reset: one more than orphan-max") \
	X(orphans,            "orphaned connections now (counted when read)") \
	X(close_unread_rst,   "closes with unread data answered by RST (RFC 2525)") \
	X(data_after_close_rst,"data after a full close answered by RST") \
	X(app_aborts,         "fw_tcp_abort calls") \
	X(resets,             "synchronized or SYN_RCVD connections reset by a peer RST") \
	X(open_refused,       "active opens refused by a peer RST in SYN_SENT") \
	X(time_wait_entered,  "connections handed to the TIME_WAIT table (sum: tcp.tw entered)") \
	X(closed,             "connections ended by a normal close (LAST_ACK, or into TIME_WAIT)") \
	X(state_changes,      "state transitions") \
	X(pbuf_fail,          "no PBUF_RAM for an outgoing segment") \
	X(output_fail,        "ip4_output errors (no route, ...)") \
	X(sndq_full,          "fw_tcp_write refused: send queue full") \
	X(sndq_heap_reserve,  "fw_tcp_write refused: PBUF_RAM heap down to FW_TCP_HEAP_RESERVE") \
	X(tcb_in_use,         "control blocks in use now") \
	X(tcb_peak,           "most control blocks in use at once") \
	X(sack_conns,         "connections whose SYNs both carried SACK-permitted (RFC 2018 2)") \
	X(sack_blocks_sent,   "SACK blocks sent, from the out-of-order queue (RFC 2018 4)") \
	X(sack_blocks_rcvd,   "SACK blocks taken on a scoreboard (inside SND.UNA..SND.NXT)") \
	X(sack_rexmit_skipped,"bytes loss recovery did not resend: the peer had SACKed them (RFC 6675)") \
	X(sack_bad,           "SACK options or blocks ignored: malformed, left >= right, beyond SND.NXT, or SACK not agreed") \
	X(sack_old,           "SACK blocks ignored: at or below SND.UNA (D-SACK, RFC 2883, or stale)") \
	X(delayed_acks,       "delayed ACKs sent when FW_TCP_ACK_DELAY_MS ran out with no data to ride on (RFC 9293 3.8.6.3)") \
	X(acks_two_full,      "ACKs sent at once for a second full-sized segment (RFC 5681 4.2)") \
	X(sndq_heap_frag,     "fw_tcp_write refused: the copy, or a full segment after it, would not fit in one block of the PBUF_RAM heap") \
	X(listen_full,        "fw_tcp_listen refused: FW_TCP_LISTENERS listeners in use") \
	X(segs_in6,           "segments received over IPv6 (part of segs_in)") \
	X(segs_out6,          "segments sent over IPv6 (part of segs_out)") \
	X(icmp6_pmtu,         "MSS lowered by ICMPv6 packet too big, never below 1220 (RFC 8201), the segment at SND.UNA resent") \
	X(sndq_ref,           "fw_tcp_write_ref writes queued by reference (no copy, no heap)") \
	X(sndq_ref_reserve,   "fw_tcp_write_ref refused: lwIP's PBUF_ROM headers down to FW_TCP_PBUF_RESERVE")

struct fw_tcp_stats {
#define FW_TCP_STATS_FIELD(name, what) uint32_t name;
	FW_TCP_STATS_LIST(FW_TCP_STATS_FIELD)
#undef FW_TCP_STATS_FIELD
};

/* The TIME_WAIT table's counters. */
#define FW_TCP_TW_STATS_LIST(X) \
	X(entered,     "connections that entered TIME_WAIT") \
	X(expired,     "entries whose 2MSL ran out") \
	X(recycled,    "entry reused because the table was full (tcp: tw_recycled_own + tw_recycled_heavier)") \
	X(reused,      "a new SYN took over the 4-tuple (RFC 1122 4.2.2.13)") \
	X(fin_reacked, "retransmitted FIN ACKed again, 2MSL restarted") \
	X(rst_ignored, "RSTs ignored (RFC 1337)") \
	X(acks_sent,   "ACKs sent from TIME_WAIT") \
	X(in_use,      "entries live now") \
	X(peak,        "most entries live at once") \
	X(recycled_age_ms, "age in TIME_WAIT of the entries recycled, ms: a running median (each recycle moves it 1/32 toward the entry's age)") \
	X(entered6,    "IPv6 connections that entered TIME_WAIT (part of entered)") \
	X(in_use6,     "IPv6 entries live now (part of in_use)")

struct fw_tcp_tw_stats {
#define FW_TCP_TW_STATS_FIELD(name, what) uint32_t name;
	FW_TCP_TW_STATS_LIST(FW_TCP_TW_STATS_FIELD)
#undef FW_TCP_TW_STATS_FIELD
};

/** Copies of the counters as they are now. */
void fw_tcp_get_stats(struct fw_tcp_stats *out);
void fw_tcp_get_tw_stats(struct fw_tcp_tw_stats *out);
/** TIME_WAIT entries the table holds at most, and the RAM one entry costs,
 *  lookup structures included. */
uint32_t fw_tcp_tw_capacity(void);
uint32_t fw_tcp_tw_bytes_per_entry(void);
/** The same for IPv6 entries, which have a table of their own
 *  (FW_TW6_ENTRIES; 0 and 0 without IPv6). */
uint32_t fw_tcp_tw_capacity6(void);
uint32_t fw_tcp_tw_bytes_per_entry6(void);

/* ------------------------------------------------------------ tunables and logging */

/** MSL in ms; TIME_WAIT lasts 2MSL. Applies to entries entered (or
 *  FIN-restarted) from now on; capped at 2^30 - 1 ms. */
void fw_tcp_set_msl(uint32_t ms);
uint32_t fw_tcp_get_msl(void);
/** FIN_WAIT_2 timeout of connections the application has closed. */
void fw_tcp_set_fin_wait_2_timeout(uint32_t ms);
uint32_t fw_tcp_get_fin_wait_2_timeout(void);
/** CLOSE_WAIT watchdog: a connection left longer is reported (log hook)
 *  and counted, and aborted (RST) when close_wait_abort is on. */
void fw_tcp_set_close_wait_threshold(uint32_t ms);
uint32_t fw_tcp_get_close_wait_threshold(void);
void fw_tcp_set_close_wait_abort(bool on);
bool fw_tcp_get_close_wait_abort(void);
/** Zero-window probes (RFC 9293 3.8.6.1, RFC 1122 4.2.2.17): when the
 *  peer's window is zero and data or our FIN waits, one byte beyond the
 *  window (or the FIN) goes out one RTO later, then again at doubling
 *  intervals of at most this many ms. Probes the peer answers (any
 *  acceptable ACK) never end the connection (MUST-37); FW_PERSIST_PROBES
 *  unanswered in a row do (RST, err_cb(ERR_ABRT)), and an orphan stops
 *  after FW_ORPHAN_PROBES probes, answered or not. Clamped to
 *  [FW_RTO_MIN_MS, 2^30 - 1]; applies from the next probe. */
void fw_tcp_set_persist_max(uint32_t ms);
uint32_t fw_tcp_get_persist_max(void);
/** Keepalive (fw_tcp_keepalive()): the idle time before the first probe
 *  and the interval between probes (ms, clamped to [1, 2^30 - 1], applied
 *  when next armed), and the unanswered probes before the reset (clamped
 *  to [1, 255]). */
void fw_tcp_set_keepalive_idle(uint32_t ms);
uint32_t fw_tcp_get_keepalive_idle(void);
void fw_tcp_set_keepalive_intvl(uint32_t ms);
uint32_t fw_tcp_get_keepalive_intvl(void);
void fw_tcp_set_keepalive_count(uint32_t n);
uint32_t fw_tcp_get_keepalive_count(void);
/** The user timeout connections start with (fw_tcp_user_timeout()), ms;
 *  0: none. Capped at 2^30 - 1. */
void fw_tcp_set_user_timeout_default(uint32_t ms);
uint32_t fw_tcp_get_user_timeout_default(void);
/** Orphans (connections the application closed, whose teardown the engine
 *  finishes): each is reset (RST) once it has been an orphan this long,
 *  whatever its state; applies to every orphan at once; 0: no lifetime
 *  (capped at 2^30 - 1). No callback runs: an orphan has none. */
void fw_tcp_set_orphan_lifetime(uint32_t ms);
uint32_t fw_tcp_get_orphan_lifetime(void);
/** At most this many orphans (capped at FW_TCB_COUNT): the close that
 *  makes one more resets the oldest (RST), inside that fw_tcp_close() (no
 *  callback runs: orphans have none). Applies from the next close. */
void fw_tcp_set_orphan_max(uint32_t n);
uint32_t fw_tcp_get_orphan_max(void);

/** One state change (from != to) or a CLOSE_WAIT watchdog report
 *  (from == to == FW_TCP_CLOSE_WAIT). `reason` is a short word ("close",
 *  "fin", "rst", ...). Set by the console so the engine needs none. */
typedef void (*fw_tcp_log_hook)(unsigned id, const struct fw_tcp_tuple *t, enum fw_tcp_state from,
                                enum fw_tcp_state to, const char *reason);
void fw_tcp_set_log_hook(fw_tcp_log_hook hook);
/** The hook set now (a test installs its own and puts this one back). */
fw_tcp_log_hook fw_tcp_get_log_hook(void);
/** State changes reach the hook only when enabled; watchdog reports always. */
void fw_tcp_set_log(bool on);
bool fw_tcp_get_log(void);

#endif
