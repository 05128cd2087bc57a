/*
 * Types shared inside the TCP engine: header flags, a parsed segment,
 * and the sequence-number comparisons (RFC 9293 section 3.4),
 * which are the only way sequence numbers are compared in finwait.
 */
#ifndef TCP_TYPES_H
#define TCP_TYPES_H

#include <stdbool.h>
#include <stdint.h>
#include "fw_tcp_config.h"
#include "fw_tcp.h"

/* TCP header flags (RFC 9293 section 3.1). */
#define FW_TCP_FIN 0x01u
#define FW_TCP_SYN 0x02u
#define FW_TCP_RST 0x04u
#define FW_TCP_PSH 0x08u
#define FW_TCP_ACK 0x10u
#define FW_TCP_URG 0x20u

/* RFC 2018 3: a SACK option of n blocks is 2 + 8n bytes; 40 bytes of
 * options hold 4. */
#define SEG_SACK_BLOCKS 4u

/* A received segment after header parsing and checksum verification. */
struct fw_tcp_seg {
	uint32_t seq;
	uint32_t ack;
	uint16_t wnd;       /* raw window field (no scaling in finwait) */
	uint8_t flags;      /* FW_TCP_FIN | FW_TCP_SYN | ... */
	uint16_t len;       /* payload bytes, SYN and FIN not counted */
	uint16_t mss;       /* MSS option value, 0 when absent */
	struct pbuf *p;     /* payload (header removed), or NULL when len == 0 */
#if FW_TCP_SACK
	bool sack_ok;       /* SACK-permitted option (RFC 2018 2) */
	uint8_t sack_n;     /* SACK blocks well formed (RFC 2018 3): sack[0..sack_n) */
	/* Last, and not cleared per segment: only sack[0..sack_n) is ever read. */
	struct seg_sack_block {
		uint32_t left, right;   /* first sequence number SACKed, the one after the last */
	} sack[SEG_SACK_BLOCKS];
#endif
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

/* Same family and address (fw_tcp_addr_eq(), inline for the lookups). */
static inline bool tcb_addr_eq(const struct fw_tcp_addr *a, const struct fw_tcp_addr *b)
{
	return a->w[0] == b->w[0] && a->family == b->family && a->w[1] == b->w[1] && a->w[2] == b->w[2] &&
	       a->w[3] == b->w[3];
}

/* An IPv4 address (network byte order) as the engine keeps it. */
static inline void tcb_addr_set4(struct fw_tcp_addr *out, uint32_t addr)
{
	out->family = FW_TCP_IPV4;
	out->w[0] = addr;
	out->w[1] = out->w[2] = out->w[3] = 0;
}

/* The largest send MSS on our link for the tuple's family: FW_TCP_MSS is
 * IPv4's, MTU - 40 (RFC 9293 3.7.1); IPv6's header is 20 bytes longer,
 * MTU - 60 (RFC 8200 5). What our SYNs advertise, too. */
#define TCB_IP6_HDR_EXTRA 20u
static inline uint16_t tcb_mss_max(const struct fw_tcp_tuple *t)
{
	return (uint16_t)(FW_TCP_MSS - (t->laddr.family == FW_TCP_IPV6 ? TCB_IP6_HDR_EXTRA : 0u));
}

/* Times are milliseconds on a wrapping 32-bit clock: same rule. */
static inline bool time_reached(uint32_t now, uint32_t deadline) { return (int32_t)(now - deadline) >= 0; }

#endif
