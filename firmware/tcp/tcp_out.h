/*
 * Segment output, shared by the TCB engine and the TIME_WAIT table.
 */
#ifndef TCP_OUT_H
#define TCP_OUT_H

#include <stdint.h>
#include "tcp_types.h"

/**
 * Send a segment with no payload (ACK, RST, RST+ACK, challenge ACK) for
 * the 4-tuple `t` (local -> remote). Returns 0, or -1 when no pbuf was to be
 * had (counted). `wnd` is the advertised window.
 */
int tcp_send_ctl(const struct tcp_tuple *t, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd);

#endif
