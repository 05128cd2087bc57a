/*
 * The lwIP baseline firmware (make FW_TCP=lwip): the services on lwIP's raw
 * API; main.c's engine lifecycle calls (fw_tcp.h) land in lwip_shim.c.
 */
#ifndef LWIP_BENCH_H
#define LWIP_BENCH_H

/* As app/services.h declares it. */
void services_init(void);

#endif
