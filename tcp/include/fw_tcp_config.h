/*
 * The TCP engine's tunables: pool sizes, buffer budgets, timers and rate
 * limits, each with its default. Override any of them with -D on the
 * compiler's command line, or put your values in a header of your own
 * and name it with -DFW_TCP_CONFIG_FILE='"my_tcp_config.h"': it is read
 * first, so its definitions win. Every engine file reads this header and
 * no other configuration; the firmware's own settings (addresses,
 * services, console) are in app/config.h, which includes this one.
 */
#ifndef FW_TCP_CONFIG_H
#define FW_TCP_CONFIG_H

#ifdef FW_TCP_CONFIG_FILE
#include FW_TCP_CONFIG_FILE
#endif

/* ---- TCP engine pools ---- */
#ifndef FW_TCB_COUNT
#define FW_TCB_COUNT 9            /* connections' control blocks (listeners take none): httpd
                                   * under `ab -c 8` and one to spare */
#endif
#ifndef FW_TCP_LISTENERS
#define FW_TCP_LISTENERS 6        /* listeners, a 12-byte entry each (port, accept callback, arg):
                                   * echo, discard, daytime, http, iperf and one spare (selftest) */
#endif
#ifndef FW_LISTEN_BACKLOG
#define FW_LISTEN_BACKLOG 4       /* SYN_RCVD + not-yet-accepted per listener */
#endif
#ifndef FW_TW_ENTRIES
#define FW_TW_ENTRIES 256         /* compact TIME_WAIT entries (IPv4) */
#endif
#ifndef FW_TW6_ENTRIES
#define FW_TW6_ENTRIES 64         /* compact IPv6 TIME_WAIT entries, 40 bytes each (a multiple of 4: a
                                   * bucket head per two, a class per four); none without LWIP_IPV6 */
#endif
#ifndef FW_TCP_SNDQ_PBUFS
#define FW_TCP_SNDQ_PBUFS 8       /* per connection: writes stop with this many pbufs queued (MSS each at most) */
#endif
#ifndef FW_TCP_RCVQ_PBUFS
#define FW_TCP_RCVQ_PBUFS 4       /* PBUF_POOL buffers one connection may hold, queued or lent to
                                   * its application (each packed to one MSS: FW_TCP_WND's worth) */
#endif
/* Receive memory (tcp/src/rx.c): TCP keeps received data in the PBUF_POOL
 * buffers it arrived in, packs small segments into the buffer before them,
 * and offers only windows that buffers set aside can hold. */
#ifndef FW_TCP_RX_POOL_BUFS
#define FW_TCP_RX_POOL_BUFS 16    /* PBUF_POOL buffers all of TCP may hold */
#endif
#ifndef FW_TCP_RX_POOL_RESERVE
#define FW_TCP_RX_POOL_RESERVE 8  /* PBUF_POOL buffers TCP never takes: received frames on their way
                                   * (the STM32 ring parks 8), ARP, ICMP, new SYNs */
#endif
#ifndef FW_TCP_RX_MIN_BUFS
#define FW_TCP_RX_MIN_BUFS 1      /* set aside for every control block: any connection gets a window */
#endif
#ifndef FW_TCP_RCV_VIEWS
#define FW_TCP_RCV_VIEWS 2        /* views (pieces of received data, one per buffer) one application
                                   * may hold before it gets more */
#endif
/* SYN floods (RFC 4987): a half-open connection costs a control block and
 * its SYN,ACKs; under pressure the oldest is recycled, and its ACK still
 * completes it from the SYN cookie every passive ISS carries. */
#ifndef FW_SYNACK_RETRIES
#define FW_SYNACK_RETRIES 2       /* SYN,ACK retransmissions of a passive open: 1 + 2 + 4 s half-open
                                   * at most (FW_SYN_RETRIES stays the active opens') */
#endif
#ifndef FW_SYNCOOKIE_MS
#define FW_SYNCOOKIE_MS 65536u    /* SYN cookie time step (a power of two: the step count runs on across
                                   * the clock's wrap): an ACK completes within one to two steps */
#endif
#ifndef FW_TCP_MSS
#define FW_TCP_MSS 1460
#endif
#ifndef FW_TCP_WND
#define FW_TCP_WND (4 * FW_TCP_MSS)
#endif
/* RFC 9293 3.8.6.2.1: data the sender's SWS avoidance holds back (a
 * window smaller than a segment, half the peer's largest window and the
 * queue) goes anyway after this, when nothing is in flight ("0.1 - 1.0
 * seconds"). */
#ifndef FW_TCP_SWS_OVERRIDE_MS
#define FW_TCP_SWS_OVERRIDE_MS 200u
#endif
#ifndef FW_TCP_OOQ_SEGS
#define FW_TCP_OOQ_SEGS 4         /* out-of-order segments one connection keeps until the hole before
                                   * them fills (RFC 9293 3.10.7.4); each pins one receive buffer
                                   * charged like in-order data; 0 drops them as before */
#endif
/* Selective acknowledgment (RFC 2018, tcp/src/sack.c): SACK-permitted on
 * our SYN and SYN,ACK; blocks from the out-of-order queue on every ACK we
 * send while it holds data; a scoreboard of what the peer SACKed, which
 * loss recovery's retransmissions skip (RFC 6675 NextSeg). 0 compiles it
 * out: no option offered, blocks received ignored unparsed. */
#ifndef FW_TCP_SACK
#define FW_TCP_SACK 1
#endif
#ifndef FW_TCP_SACK_RANGES
#define FW_TCP_SACK_RANGES 4      /* SACKed ranges above SND.UNA the sender remembers per connection
                                   * (merged; more are forgotten, highest first: they are only resent) */
#endif

/* Delayed ACK (RFC 9293 3.8.6.3, RFC 5681 4.2): the ACK for in-order data
 * may wait up to FW_TCP_ACK_DELAY_MS for data to ride on; every second
 * full-sized segment, out-of-order data, a hole filled, a FIN, a window
 * update and handshake segments are ACKed at once. 0: every ACK leaves at
 * the end of the event that owes it (one bare ACK per segment the
 * application does not answer at once). */
#ifndef FW_TCP_DELAYED_ACK
#define FW_TCP_DELAYED_ACK 1
#endif
#ifndef FW_TCP_ACK_DELAY_MS
#define FW_TCP_ACK_DELAY_MS 200u  /* the longest an ACK waits (RFC 9293 MUST-40: under 0.5 s) */
#endif
/* PBUF_RAM heap (MEM_SIZE) that fw_tcp_write() never lets application data
 * take, so ACKs, RSTs, retransmissions, ICMP and ARP still get buffers
 * when send queues are full. Cost of one pbuf_alloc(PBUF_RAM) on Cortex-M
 * = 8 (struct mem) + 16 (struct pbuf) + aligned header room + payload:
 *   one retransmitted full segment (PBUF_IP: 36 + 20 + MSS)    1540
 *   four ACK/RST/SYN,ACK segments (PBUF_IP: 36 + 20(+4)) 4 x 80  320
 *   an ICMP echo reply lwIP copies (PBUF_LINK, 56-byte ping)     124
 *   an ARP request or reply (PBUF_LINK, 28)                       68
 * = MSS + 592; the rest of MSS + 1100 (2560 with MSS 1460) covers the
 * 64-bit host's 24-byte struct pbuf and 8-byte alignment and leaves some
 * room for fragmentation (the reserve is total free space; lwIP's stats
 * show no largest free block). A segment that is one whole send-queue
 * pbuf goes out in place; any other transmission copies into a fresh
 * pbuf that is freed as soon as the IP output returns, so one at a time suffices,
 * provided it is one block: fw_tcp_write() also refuses a copy after
 * which no full segment would fit in one (sndq_heap_frag), since the
 * holes freed send-queue copies leave are each a little short of one. */
/* lwIP's PBUF_REF/ROM headers (MEMP_NUM_PBUF) that fw_tcp_write_ref()
 * never takes: lwIP's own users of them (IP fragmentation, PBUF_REF
 * packets of other protocols) keep some whatever TCP's queues hold. */
#ifndef FW_TCP_PBUF_RESERVE
#define FW_TCP_PBUF_RESERVE 4u
#endif
#ifndef FW_TCP_HEAP_RESERVE
#define FW_TCP_HEAP_RESERVE (FW_TCP_MSS + 1100u)
#endif

/* ---- TCP timing (ms) ---- */
#ifndef FW_MSL_MS
#define FW_MSL_MS 30000u          /* 2MSL = 60 s */
#endif
#ifndef FW_FIN_WAIT_2_MS
#define FW_FIN_WAIT_2_MS 60000u   /* orphaned FIN_WAIT_2 timeout */
#endif
#ifndef FW_CLOSE_WAIT_WARN_MS
#define FW_CLOSE_WAIT_WARN_MS 60000u /* CLOSE_WAIT watchdog threshold */
#endif
#ifndef FW_RTO_INITIAL_MS
#define FW_RTO_INITIAL_MS 1000u   /* RFC 6298 (2.1) */
#endif
#ifndef FW_RTO_MIN_MS
#define FW_RTO_MIN_MS 200u        /* below RFC 6298's 1 s, as Linux does, for a LAN device */
#endif
#ifndef FW_RTO_MAX_MS
#define FW_RTO_MAX_MS 60000u
#endif
#ifndef FW_RTO_SYN_TIMEOUT_MS
#define FW_RTO_SYN_TIMEOUT_MS 3000u /* RFC 6298 (5.7): RTO for data after a SYN or SYN,ACK timed out */
#endif
/* RFC 9293 3.8.3 MUST-23: an active open retransmits its SYN for at least
 * 3 minutes. With the 1 s initial RTO doubled up to 60 s, 8 retries send
 * at 0, 1, 3, 7, 15, 31, 63, 123 and 183 s and give up at 243 s. */
#ifndef FW_SYN_RETRIES
#define FW_SYN_RETRIES 8
#endif
#ifndef FW_DATA_RETRIES
#define FW_DATA_RETRIES 8         /* data and FIN retransmissions before abort */
#endif
/* How long a connection may live without progress (tcp/src/liveness.c);
 * the console's `set` changes the ones it names at run time. */
#ifndef FW_PERSIST_MAX_MS
#define FW_PERSIST_MAX_MS 60000u  /* zero-window probe backoff ceiling (set persist-max) */
#endif
#ifndef FW_PERSIST_PROBES
#define FW_PERSIST_PROBES 8       /* unanswered zero-window probes in a row before abort */
#endif
#ifndef FW_ORPHAN_PROBES
#define FW_ORPHAN_PROBES 6        /* zero-window probes, answered or not, before an orphan is aborted */
#endif
#ifndef FW_KEEPALIVE_IDLE_MS
#define FW_KEEPALIVE_IDLE_MS 7200000u /* RFC 1122 4.2.3.6: no less than two hours (set keepalive-idle) */
#endif
#ifndef FW_KEEPALIVE_INTVL_MS
#define FW_KEEPALIVE_INTVL_MS 75000u  /* between unanswered probes (set keepalive-intvl) */
#endif
#ifndef FW_KEEPALIVE_COUNT
#define FW_KEEPALIVE_COUNT 9      /* unanswered probes before the reset (set keepalive-count) */
#endif
#ifndef FW_USER_TIMEOUT_MS
#define FW_USER_TIMEOUT_MS 300000u /* RFC 9293 3.9.1: five minutes; 0: none (set user-timeout) */
#endif
#ifndef FW_ORPHAN_LIFETIME_MS
#define FW_ORPHAN_LIFETIME_MS 120000u /* beyond the FIN_WAIT_2 timeout; 0: none (set orphan-lifetime) */
#endif
#ifndef FW_ORPHAN_MAX
/* One more: the oldest is reset (set orphan-max). Scales with the pool:
 * a server that closes first (httpd, daytime) has an orphan per request
 * until the client's FIN comes, so under `ab -c 8` up to 8 at once. What
 * bounds a hostile peer's orphans is not this count: a SYN or open that
 * finds the pool full resets the oldest orphan (evict_orphan), each lives
 * at most orphan-lifetime, and each one's send queue is bounded; the limit
 * keeps one control block that is never an orphan's. */
#define FW_ORPHAN_MAX (FW_TCB_COUNT - 1)
#endif
#ifndef FW_CHALLENGE_ACK_PER_S
#define FW_CHALLENGE_ACK_PER_S 100 /* RFC 5961 section 7: global cap on the TCBs' challenge ACKs,
                                    * per second on average; each second's allowance is drawn from
                                    * [N/2, 3N/2) (as Linux did): above what FW_TCB_COUNT TCBs at one
                                    * per FW_OOW_ACK_INTERVAL_MS can send, so no TCB starves another */
#endif
/* ---- RFC 5961 section 7 per connection, and TIME_WAIT's own budget ---- */
#ifndef FW_OOW_ACK_INTERVAL_MS
#define FW_OOW_ACK_INTERVAL_MS 500u /* per TCB: at most one challenge ACK or ACK to an unacceptable
                                     * empty segment per interval (Linux: tcp_invalid_ratelimit) */
#endif
#ifndef FW_TW_CHALLENGE_ACK_PER_S
#define FW_TW_CHALLENGE_ACK_PER_S 10 /* TIME_WAIT's challenge ACKs (SYNs into an entry), per second on
                                      * average, drawn per second like FW_CHALLENGE_ACK_PER_S; a budget
                                      * of its own, so TIME_WAIT and the TCBs never starve each other */
#endif

#endif
