/*
 * What the service files share (internal to firmware/svc_*.c and
 * services.c; the rest of the firmware sees only services.h).
 */
#ifndef SVC_H
#define SVC_H

#include <stdint.h>

/*
 * Deferred work: an lwIP timeout that the main loop's sys_check_timeouts()
 * runs, outside the engine's callbacks. Echo writes from its callbacks (the
 * engine coalesces what one event produces) and uses this only to retry
 * after the PBUF_RAM heap was full; discard and the console client do their
 * tcp_recved()/writes here. svc_kick(0): as soon as the callback has
 * returned; a delay: retry later.
 */
void svc_kick(uint32_t delay_ms);

void svc_echo_start(void);
void svc_echo_run(void);
void svc_echo_stats(void);

void svc_discard_start(void);
void svc_discard_run(void);
void svc_discard_stats(void);

void svc_daytime_start(void);
void svc_daytime_stats(void);

void svc_client_start(void);
void svc_client_run(void);
void svc_client_stats(void);

/** Report a listener that could not be created (no free TCB). */
void svc_listen_failed(const char *name, uint16_t port);

#endif
