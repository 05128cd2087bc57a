/*
 * What the service files share (internal to firmware/svc_*.c and
 * services.c; the rest of the firmware sees only services.h).
 */
#ifndef SVC_H
#define SVC_H

#include <stdint.h>

/*
 * Deferred work. The services' callbacks only take data and note what is
 * owed; writes and tcp_recved() happen from an lwIP timeout that the main
 * loop's sys_check_timeouts() runs, outside the engine's callbacks, so no
 * callback re-enters the engine (tcp_recved() delivers queued data and end
 * of stream, tcp_write() sends with a window computed mid-delivery).
 * svc_kick(0): as soon as the callback has returned; a delay: retry after
 * the PBUF_RAM heap was full.
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
