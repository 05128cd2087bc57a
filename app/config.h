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
/* IPv6 dual stack (lwIP's, port/lwip/lwipopts.h): a link-local address
 * from the MAC, FW_IP6_ADDR, SLAAC from router advertisements, ND6, MLD6,
 * ICMPv6 echo, and finwait's TCP over IPv6 beside IPv4. Costs 17.7 KiB
 * of flash and 4.4 KiB of RAM on mps2-an385, the IPv6 TIME_WAIT table
 * (FW_TW6_ENTRIES) included (README, Benchmarks); 0 builds the IPv4-only
 * firmware. */
#ifndef FW_IPV6
#define FW_IPV6 1
#endif
#ifndef FW_IP6_ADDR
#define FW_IP6_ADDR "2001:db8::2" /* on-link /64: lwIP 2.1 takes every prefix as a /64 */
#endif

/* ---- board buffers (filled by interrupt handlers, drained by the main loop) ---- */
#ifndef FW_ETH_RX_QUEUE
#define FW_ETH_RX_QUEUE 16        /* received frames (pool pbufs) waiting for the main loop */
#endif
/* The console's buffers are the UART drivers' own, so the drivers build
 * without this file; the build-time knobs still reach them:
 * FW_CONSOLE_TX_BYTES (4096, power of two: a whole `stats` reply fits) and FW_CONSOLE_TX_WAIT_MS (2)
 * in drivers/uart/uart_tx_ring.h, FW_CONSOLE_RX_BYTES (256) in
 * drivers/uart/cmsdk/cmsdk_uart.h. */

/* The TCP engine's pools, budgets and timers: tcp/include/fw_tcp_config.h. */
#include "fw_tcp_config.h"

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

/* ---- finwait's status page for lwIP's httpd (app/http_status.c) ---- */
#ifndef FW_HTTP_STATUS_BYTES
#define FW_HTTP_STATUS_BYTES 2048 /* one /status.txt, from lwIP's heap while httpd sends it */
#endif
#ifndef FW_HTTP_STATUS_TW_LINES
#define FW_HTTP_STATUS_TW_LINES 16 /* TIME_WAIT entries it lists (it counts them all) */
#endif

/* ---- lwIP's applications (port/lwip/altcp_fw.c) ---- */
#ifndef FW_APP_LISTENERS
#define FW_APP_LISTENERS 2        /* altcp_pcbs held by the apps' listeners (httpd, lwiperf),
                                   * beside one per connection (MEMP_NUM_ALTCP_PCB) */
#endif

/* ---- lwIP's MQTT client on the console (app/cmd_mqtt.c) ---- */
#ifndef FW_MQTT_KEEPALIVE_S
#define FW_MQTT_KEEPALIVE_S 10    /* MQTT keep-alive: a PINGREQ after this long without traffic */
#endif
#ifndef FW_MQTT_TOPIC_MAX
#define FW_MQTT_TOPIC_MAX 64      /* bytes of a received message's topic printed */
#endif
#ifndef FW_MQTT_TEXT_MAX
#define FW_MQTT_TEXT_MAX 128      /* bytes of a message printed, and of one `mqtt pub` */
#endif

#endif
