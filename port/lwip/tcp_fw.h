/*
 * lwIP's raw TCP API over the altcp layer (tcp_fw.c): applications use
 * lwip/tcp.h as with lwIP's own TCP; this header is for tests and the
 * console.
 */
#ifndef TCP_FW_H
#define TCP_FW_H

/** Forget every raw handle (the engine and the altcp layer were reset). */
void rfw_reset(void);
/** Raw handles whose connection or listener is live. */
unsigned rfw_in_use(void);

#endif
