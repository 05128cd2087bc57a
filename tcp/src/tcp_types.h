/*
 * Types shared inside the TCP engine: header flags, a parsed segment,
 * and the sequence-number comparisons (RFC 9293 section 3.4),
 * which are the only way sequence numbers are compared in finwait.
 */
#ifndef TCP_TYPES_H
#define TCP_TYPES_H

#include <stdbool.h>
#include <stdint.h>
#include "fw_tcp.h"

/* TCP header flags (RFC 9293 section 3.1). */
#define FW_TCP_FIN 0x01u
#define FW_TCP_SYN 0x02u
#define FW_TCP_RST 0x04u
#define FW_TCP_PSH 0x08u
#define FW_TCP_ACK 0x10u
#define FW_TCP_URG 0x20u

/* A received segment after header parsing and checksum verification. */
struct fw_tcp_seg {
	uint32_t seq;
	uint32_t ack;
	uint16_t wnd;       /* raw window field (no scaling in finwait) */
	uint8_t flags;      /* FW_TCP_FIN | FW_TCP_SYN | ... */
	uint16_t len;       /* payload bytes, SYN and FIN not counted */
	uint16_t mss;       /* MSS option value, 0 when absent */
	struct pbuf *p;     /* payload (header removed), or NULL when len == 0 */
};

/* SEG.LEN of RFC 9293: payload plus one for each of SYN and FIN. */
static inline uint32_t seg_seqlen(const struct fw_tcp_seg *s)
{
	return (uint32_t)s->len + ((s->flags & FW_TCP_SYN) ? 1u : 0u) + ((s->flags & FW_TCP_FIN) ? 1u : 0u);
}

static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }
/* lo <= x < hi, in sequence space */
static inline bool seq_in_window(uint32_t x, uint32_t lo, uint32_t hi) { return seq_leq(lo, x) && seq_lt(x, hi); }

/* Times are milliseconds on a wrapping 32-bit clock: same rule. */
static inline bool time_reached(uint32_t now, uint32_t deadline) { return (int32_t)(now - deadline) >= 0; }

#endif
