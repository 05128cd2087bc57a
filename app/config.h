/*
 * Every pool size and protocol tunable of finwait, in one place. Each can be
 * overridden at build time (make CFLAGS_EXTRA=-DFW_MSL_MS=500 ...).
 */
#ifndef FW_CONFIG_H
#define FW_CONFIG_H

/* ---- network (build-time address) ---- */
#ifndef FW_IP_ADDR
#define FW_IP_ADDR "192.0.2.2"
#endif
#ifndef FW_IP_NETMASK
#define FW_IP_NETMASK "255.255.255.0"
#endif
#ifndef FW_IP_GATEWAY
#define FW_IP_GATEWAY "192.0.2.1"
#endif

/* ---- board buffers (filled by interrupt handlers, drained by the main loop) ---- */
#ifndef FW_ETH_RX_QUEUE
#define FW_ETH_RX_QUEUE 16        /* received frames (pool pbufs) waiting for the main loop */
#endif
#ifndef FW_CONSOLE_RX_BYTES
#define FW_CONSOLE_RX_BYTES 256   /* console bytes waiting for the main loop */
#endif
#ifndef FW_CONSOLE_TX_BYTES
#define FW_CONSOLE_TX_BYTES 4096  /* console output waiting for the UART (power of two); holds
                                   * one `stats` (about 2.3 KB) whole */
#endif
#ifndef FW_CONSOLE_TX_WAIT_MS
#define FW_CONSOLE_TX_WAIT_MS 2   /* longest wait for room before a byte is dropped */
#endif

/* ---- TCP engine pools ---- */
#ifndef FW_TCB_COUNT
#define FW_TCB_COUNT 8            /* full control blocks (listeners included) */
#endif
#ifndef FW_LISTEN_BACKLOG
#define FW_LISTEN_BACKLOG 4       /* SYN_RCVD + not-yet-accepted per listener */
#endif
#ifndef FW_TW_ENTRIES
#define FW_TW_ENTRIES 256         /* compact TIME_WAIT entries */
#endif
#ifndef FW_TCP_SNDQ_PBUFS
#define FW_TCP_SNDQ_PBUFS 8       /* pbufs queued for sending per connection */
#endif
#ifndef FW_TCP_RCVQ_PBUFS
#define FW_TCP_RCVQ_PBUFS 8       /* pbufs held for an application that has not read */
#endif
#ifndef FW_TCP_MSS
#define FW_TCP_MSS 1460
#endif
#ifndef FW_TCP_WND
#define FW_TCP_WND (4 * FW_TCP_MSS)
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
 * show no largest free block). Transmissions copy into a fresh pbuf that
 * is freed as soon as ip4_output() returns, so one at a time suffices. */
#ifndef FW_TCP_HEAP_RESERVE
#define FW_TCP_HEAP_RESERVE (FW_TCP_MSS + 1100u)
#endif

/* ---- services (services.h) ---- */
#ifndef FW_SVC_ECHO_CONNS
#define FW_SVC_ECHO_CONNS 4       /* simultaneous echo connections */
#endif
#ifndef FW_SVC_DISCARD_CONNS
#define FW_SVC_DISCARD_CONNS 2    /* simultaneous discard connections */
#endif
#ifndef FW_SVC_CLIENT_CONNS
#define FW_SVC_CLIENT_CONNS 4     /* console client connections */
#endif
#ifndef FW_SVC_RETRY_MS
#define FW_SVC_RETRY_MS 10u       /* echo retry after the PBUF_RAM heap was full */
#endif
#ifndef FW_SVC_PRINT_MAX
#define FW_SVC_PRINT_MAX 64       /* received bytes a client `recv` line shows */
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
#ifndef FW_SYN_RETRIES
#define FW_SYN_RETRIES 5
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
#define FW_ORPHAN_MAX (FW_TCB_COUNT / 2) /* one more: the oldest is reset (set orphan-max) */
#endif
#ifndef FW_CHALLENGE_ACK_PER_S
#define FW_CHALLENGE_ACK_PER_S 10 /* RFC 5961 section 7 rate limit */
#endif

#endif
