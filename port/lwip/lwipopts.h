/*
 * lwIP options for finwait: bare metal (NO_SYS), IPv4 + ARP + ICMP + RAW.
 * finwait's TCP receives protocol 6 through a raw PCB; lwIP's TCP API is
 * built over it (below). The same file serves the target and the host
 * unit tests, so the pools the tests exhaust are the pools the firmware
 * has.
 */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

#define NO_SYS                      1
#ifdef FW_HOST_TEST
#define SYS_LIGHTWEIGHT_PROT        0   /* host tests: one thread, no interrupts */
#else
/* Only the main loop calls lwIP, but the Ethernet RX interrupt allocates
 * PBUF_POOL pbufs: memp and pbuf reference counts need interrupts masked
 * (sys_arch_protect in port/lwip/sys_arch.c). */
#define SYS_LIGHTWEIGHT_PROT        1
#endif
#define LWIP_SOCKET                 0
#define LWIP_NETCONN                0

#define LWIP_IPV4                   1
#define LWIP_ARP                    1
#define LWIP_ETHERNET               1
#define LWIP_ICMP                   1
#define LWIP_RAW                    1
#define LWIP_UDP                    0
#define LWIP_DHCP                   0
#define LWIP_IGMP                   0
#define LWIP_DNS                    0
#define IP_REASSEMBLY               0
#define IP_FRAG                     0
#define LWIP_HAVE_LOOPIF            1   /* the STM32 self-test talks over 127.0.0.1 */
#define LWIP_NETIF_LOOPBACK         1
#define LWIP_NETIF_STATUS_CALLBACK  1
#define LWIP_NETIF_LINK_CALLBACK    1
#define ETHARP_SUPPORT_STATIC_ENTRIES 0

/* lwIP's TCP API (tcp.h, altcp.h) is on in both builds: lwIP's own
 * applications (httpd, ...) compile only with LWIP_TCP && LWIP_CALLBACK_API,
 * and their altcp pool only with LWIP_ALTCP. The options every TCP
 * application sees are the same in both builds, from the same config.h
 * knobs, so an application object compiles the same for either engine. */
#include "config.h"
#define LWIP_TCP                    1
#define LWIP_ALTCP                  1
#define LWIP_CALLBACK_API           1
#define TCP_MSS                     FW_TCP_MSS
#define TCP_WND                     FW_TCP_WND
#define TCP_SND_BUF                 (4 * TCP_MSS)
#define TCP_SND_QUEUELEN            FW_TCP_SNDQ_PBUFS
#define TCP_MSL                     FW_MSL_MS     /* TIME_WAIT = 2 * TCP_MSL, as finwait */
#define MEMP_NUM_ALTCP_PCB          (FW_TCB_COUNT + FW_APP_LISTENERS) /* every connection, and the apps' listeners */
#define TCP_LISTEN_BACKLOG          1
#define TCP_DEFAULT_LISTEN_BACKLOG  FW_LISTEN_BACKLOG   /* altcp_listen()'s; finwait's is FW_LISTEN_BACKLOG anyway */
/* httpd asks the application first for every file (app/http_status.c:
 * finwait's /status.txt), then its built-in pages (fsdata.c). */
#define LWIP_HTTPD_CUSTOM_FILES     1
/* httpd writes file data without TCP_WRITE_FLAG_COPY unless the file is
 * read dynamically: right for fsdata.c's pages in flash, not for a custom
 * file, whose buffer (the status page's, in the heap) fs_close() frees
 * before the peer has acknowledged it: copy those. */
#define HTTP_IS_DATA_VOLATILE(hs)   (((hs)->handle && (hs)->handle->is_custom_file) ? TCP_WRITE_FLAG_COPY : 0)
/* finwait has keepalive (fw_tcp_keepalive()), so altcp_keepalive_* exist;
 * the baseline compiles lwIP's in too (off per pcb, as lwIP ships it). */
#define LWIP_TCP_KEEPALIVE          1

#ifndef FW_LWIP_TCP
/* finwait's TCP (tcp/) under lwIP's API: lwIP's tcp.c, tcp_in.c and
 * tcp_out.c are not linked. The altcp layer over the engine and what
 * lwIP's core still calls (tcp_init, tcp_tmr, tcp_input, ...) are in
 * port/lwip/altcp_fw.c and port/lwip/tcp_core_fw.c. lwIP's TCP pools are
 * empty (nothing allocates from them), which its sanity checks would
 * refuse; and pbuf.c must not walk tcp_active_pcbs to free lwIP's
 * out-of-order queues, which finwait does not have. init.c refuses a
 * TCP_PCB pool of 0, so it has one (unused: sizeof(struct tcp_pcb) once). */
#define MEMP_NUM_TCP_PCB            1
#define MEMP_NUM_TCP_PCB_LISTEN     0
#define MEMP_NUM_TCP_SEG            0
#define LWIP_DISABLE_TCP_SANITY_CHECKS 1
#define PBUF_POOL_FREE_OOSEQ        0
#else
/* The baseline (make FW_TCP=lwip, bench/): lwIP's TCP sized from the same
 * config.h knobs wherever a knob means the same thing, so a benchmark
 * compares engines, not configurations. Everything else is lwIP's default
 * (Nagle, delayed ACK, out-of-order queue), the stack as people ship it. */
/* finwait's FW_TCB_COUNT counts connections (its listeners have a table
 * of their own, as lwIP's have their own smaller pool), so the baseline
 * gets FW_TCB_COUNT full PCBs (connections and TIME_WAIT alike) plus one
 * listen PCB per service. */
#ifndef FW_LWIP_TCP_PCBS
#define FW_LWIP_TCP_PCBS            FW_TCB_COUNT
#endif
#define MEMP_NUM_TCP_PCB            FW_LWIP_TCP_PCBS
#define MEMP_NUM_TCP_PCB_LISTEN     5             /* echo, discard, daytime, http, iperf */
#define MEMP_NUM_TCP_SEG            (FW_TCB_COUNT * FW_TCP_SNDQ_PBUFS)
#define TCP_MAXRTX                  FW_DATA_RETRIES
#define TCP_SYNMAXRTX               FW_SYN_RETRIES
#define TCP_STATS                   1
#endif

/* ---- IPv6 (dual stack; FW_IPV6 in app/config.h, 0: IPv4 only) ----
 * lwIP's IPv6 below TCP: a link-local address from the MAC (modified
 * EUI-64, RFC 4291 2.5.1), the static FW_IP6_ADDR, addresses from router
 * advertisements (SLAAC, RFC 4862) if a router sends any, ND6 (RFC 4861)
 * with DAD, MLDv2 reports for the solicited-node groups ND needs (RFC
 * 3810), ICMPv6 echo. finwait's TCP runs over both families: its raw PCB
 * for protocol 6 takes TCP of either, one more for ICMPv6 shows it the
 * errors about its segments (MEMP_NUM_RAW_PCB). Every table is
 * bounded; sizes as in the IPv4 block: no fragments, one packet held per
 * neighbour being resolved (as ARP_QUEUEING 0). */
#include "config.h"
#define LWIP_IPV6                   FW_IPV6
#if LWIP_IPV6
#define LWIP_IPV6_NUM_ADDRESSES     3   /* link-local, FW_IP6_ADDR, one from SLAAC */
#define LWIP_IPV6_AUTOCONFIG        1
#define LWIP_IPV6_SEND_ROUTER_SOLICIT 1
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS 1 /* RFC 4862 5.1 DupAddrDetectTransmits default */
#define LWIP_IPV6_MLD               1
#define MEMP_NUM_MLD6_GROUP         4   /* one solicited-node group per address, one spare */
#define LWIP_IPV6_REASS             0
#define LWIP_IPV6_FRAG              0
#define LWIP_IPV6_FORWARD           0
#define LWIP_IPV6_DHCP6             0
#define LWIP_ICMP6                  1
#define LWIP_ND6_QUEUEING           0
/* A board with little RAM may shrink the two caches (board.mk, as the
 * pools below): 44 and 48 bytes an entry on Cortex-M. */
#ifndef LWIP_ND6_NUM_NEIGHBORS
#define LWIP_ND6_NUM_NEIGHBORS      8
#endif
#ifndef LWIP_ND6_NUM_DESTINATIONS
#define LWIP_ND6_NUM_DESTINATIONS   8
#endif
#define LWIP_ND6_NUM_PREFIXES       2
#define LWIP_ND6_NUM_ROUTERS        2
#define CHECKSUM_GEN_ICMP6          1
#define CHECKSUM_CHECK_ICMP6        1
#define IP6_STATS                   1
#define ICMP6_STATS                 1
#define MLD6_STATS                  1
#define ND6_STATS                   1
#endif

/* ---- memory: every pool bounded; exhaustion is counted in lwip_stats ---- */
#if defined(__SIZEOF_POINTER__) && __SIZEOF_POINTER__ == 8
#define MEM_ALIGNMENT               8   /* 64-bit host tests: struct pbuf holds 8-byte pointers (UBSan) */
#else
#define MEM_ALIGNMENT               4
#endif
/* A board with little RAM may shrink the two big pools from its
 * board.mk (BOARD_DEFS := -DPBUF_POOL_SIZE=n -DMEM_SIZE=n). */
#ifndef MEM_SIZE
#define MEM_SIZE                    (16 * 1024)   /* PBUF_RAM: outgoing segments */
#endif
#define MEMP_NUM_PBUF               32            /* PBUF_REF/ROM headers: writes by reference (fw_tcp_write_ref) take them, never the last FW_TCP_PBUF_RESERVE */
#define MEMP_NUM_RAW_PCB            (2 + LWIP_IPV6)   /* the engine's: TCP (both families), ICMP, ICMPv6 */
#ifndef PBUF_POOL_SIZE
#define PBUF_POOL_SIZE              24            /* received frames */
#endif
#define PBUF_POOL_BUFSIZE           1536          /* one full Ethernet frame per pbuf */
/* finwait's TCP lends received data to the application as PBUF_REF views
 * into the pool buffers it arrived in and learns from their free function
 * when a buffer is back (tcp/src/rx.c). */
#define LWIP_SUPPORT_CUSTOM_PBUF    1
#define ETH_PAD_SIZE                0
/* ARP under a SYN flood from spoofed on-link sources: every SYN,ACK to
 * one makes an entry that waits ARP_MAXPENDING (5 s) for a reply that
 * never comes, holding the packet. With no ARP_QUEUEING an entry holds
 * only its newest packet (TCP retransmits the others) and there is no
 * queue pool to run out of: at most ARP_TABLE_SIZE packets of heap. When
 * the table is full lwIP recycles the oldest *stable* entry first (an
 * honest peer's) and, among entries made in the same second, the newest
 * pending one: a packet to a peer being resolved again can then be lost
 * and wait for TCP's retransmission. 64 entries keep that from happening
 * until more than about 60 spoofed sources flood within 5 s (1.5 KiB). */
#define ARP_TABLE_SIZE              64
#define ARP_QUEUEING                0
#define MEMP_NUM_SYS_TIMEOUT        8

#define LWIP_CHKSUM_ALGORITHM       3
#define CHECKSUM_GEN_IP             1
#define CHECKSUM_GEN_ICMP           1
#define CHECKSUM_CHECK_IP           1
#define CHECKSUM_CHECK_ICMP         1

#define LWIP_STATS                  1
#define LWIP_STATS_DISPLAY          0
#define LINK_STATS                  1
#define ETHARP_STATS                1
#define IP_STATS                    1
#define ICMP_STATS                  1
#define MEM_STATS                   1
#define MEMP_STATS                  1
#define SYS_STATS                   0

#define LWIP_NETIF_HOSTNAME         0
#define LWIP_SINGLE_NETIF           0

#endif
