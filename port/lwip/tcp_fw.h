/*
 * lwIP's raw TCP API over the altcp layer (tcp_fw.c): applications use
 * lwip/tcp.h as with lwIP's own TCP; this header is for tests and the
 * console.
 */
#ifndef TCP_FW_H
#define TCP_FW_H

/* Raw tcp_* handles, a static pool (override with -D). */
#ifndef FW_RAW_PCBS
#define FW_RAW_PCBS 3             /* raw-API handles (lwiperf: its listener and a session, one spare);
                                   * each a whole lwIP struct tcp_pcb (164 B on Cortex-M3) */
#endif


/** Forget every raw handle (the engine and the altcp layer were reset). */
void rfw_reset(void);
/** Raw handles whose connection or listener is live. */
unsigned rfw_in_use(void);

#endif
