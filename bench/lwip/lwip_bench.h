/*
 * The lwIP baseline firmware (make FW_TCP=lwip): the services on lwIP's raw
 * API and the lifecycle functions main.c calls under their renamed names
 * (see lwip_shim.c for why they are renamed).
 */
#ifndef LWIP_BENCH_H
#define LWIP_BENCH_H

#include <stdbool.h>
#include <stdint.h>

/* As firmware/services.h declares it; not included from there because it
 * may bring finwait's tcp.h, whose names lwIP's tcp.h also uses. */
void services_init(void);

void fw_tcp_init(uint32_t now, const uint8_t key[16]);
void fw_tcp_timers(uint32_t now);
bool fw_tcp_next_deadline(uint32_t *at);

#endif
