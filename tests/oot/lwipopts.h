/*
 * lwIP's options for an application on finwait's TCP. The first block is
 * what finwait needs from lwIP; the rest is this example's own choice.
 */
#ifndef OOT_LWIPOPTS_H
#define OOT_LWIPOPTS_H

#include "fw_tcp_config.h"   /* finwait's knobs: TCP_MSS below must be FW_TCP_MSS */

/* ---- required by finwait ---- */
#define NO_SYS                      1   /* one main loop, no RTOS */
#define LWIP_TCP                    1   /* lwIP's TCP API (tcp.h, altcp.h) on ... */
#define LWIP_ALTCP                  1
#define LWIP_CALLBACK_API           1
#define MEMP_NUM_TCP_PCB            1   /* ... its pools empty: nothing allocates from them, */
#define MEMP_NUM_TCP_PCB_LISTEN     0   /* but init.c refuses a TCP_PCB pool of 0 */
#define MEMP_NUM_TCP_SEG            0
#define LWIP_DISABLE_TCP_SANITY_CHECKS 1
#define PBUF_POOL_FREE_OOSEQ        0   /* pbuf.c must not walk lwIP's (absent) TCP pcbs */
#define TCP_MSS                     FW_TCP_MSS
#define TCP_WND                     FW_TCP_WND
#define TCP_SND_BUF                 (4 * TCP_MSS)
#define TCP_SND_QUEUELEN            FW_TCP_SNDQ_PBUFS
#define MEMP_NUM_ALTCP_PCB          (FW_TCB_COUNT + 1) /* one per altcp (or raw) connection, and the echo listener's */
#define LWIP_RAW                    1   /* the engine's two raw PCBs: protocol 6 and 1 */
#define MEMP_NUM_RAW_PCB            2   /* + your own raw PCBs */
#define LWIP_SUPPORT_CUSTOM_PBUF    1   /* received data is lent as views into pool pbufs */
#define PBUF_POOL_SIZE              (FW_TCP_RX_POOL_BUFS + FW_TCP_RX_POOL_RESERVE)
#define PBUF_POOL_BUFSIZE           1536   /* holds one FW_TCP_MSS segment */
#define LWIP_STATS                  1   /* fw_tcp_write() reads MEM_STATS for its heap reserve */
#define MEM_STATS                   1
#define MEMP_NUM_SYS_TIMEOUT        (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 1)  /* + the altcp layer's tick */
#define LWIP_IPV6                   0   /* IPv4 only here (finwait's TCP runs over both when it is on) */

/* ---- this example's choices ---- */
#define SYS_LIGHTWEIGHT_PROT        0   /* no interrupt allocates pbufs here (1 if your RX ISR does,
                                         * and provide sys_arch_protect()/unprotect()) */
#define LWIP_SOCKET                 0
#define LWIP_NETCONN                0
#define LWIP_IPV4                   1
#define LWIP_ARP                    1
#define LWIP_ETHERNET               1
#define LWIP_ICMP                   1
#define LWIP_UDP                    0
#define LWIP_DHCP                   0
#define LWIP_IGMP                   0
#define LWIP_DNS                    0
#define IP_REASSEMBLY               0
#define IP_FRAG                     0
#define LWIP_HAVE_LOOPIF            1   /* the example talks to itself over 127.0.0.1 */
#define LWIP_NETIF_LOOPBACK         1
#define MEM_ALIGNMENT               8
#define MEM_SIZE                    (16 * 1024)   /* PBUF_RAM: outgoing segments */
#define MEMP_NUM_PBUF               16
#define LWIP_CHKSUM_ALGORITHM       3

#endif
