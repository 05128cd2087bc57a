/*
 * What the service files share (internal to app/svc_*.c and
 * services.c; the rest of the firmware sees only services.h).
 */
#ifndef SVC_H
#define SVC_H

#include <stdint.h>

/*
 * Deferred work: an lwIP timeout that the main loop's sys_check_timeouts()
 * runs. Every service reads, writes and reopens its window from its own
 * callbacks (the engine sends what one event produced together); this is
 * only for echo's retry after the PBUF_RAM heap was full.
 */
void svc_kick(uint32_t delay_ms);

void svc_echo_start(void);
void svc_echo_run(void);
void svc_echo_stats(void);

void svc_discard_start(void);
void svc_discard_stats(void);

void svc_daytime_start(void);
void svc_daytime_stats(void);

void svc_client_start(void);
void svc_client_stats(void);

/** Report a listener that could not be created (no free TCB). */
void svc_listen_failed(const char *name, uint16_t port);

#endif
