/*
 * Segment output, shared by the TCB engine and the TIME_WAIT table.
 */
#ifndef TCP_OUT_H
#define TCP_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include "lwip/arch.h"
#include "lwip/pbuf.h"
#include "lwip/prot/tcp.h"
#include "tcp_types.h"

/**
 * The TCP checksum of `p` (header and data) over the pseudo-header of
 * src and dst's family: 0 when a received segment's is right.
 */
u16_t seg_chksum(struct pbuf *p, const struct fw_tcp_addr *src, const struct fw_tcp_addr *dst);

/**
 * Send a segment with no payload (ACK, RST, RST+ACK, challenge ACK) for
 * the 4-tuple `t` (local -> remote). Returns 0, or -1 when no pbuf was to be
 * had (counted). `wnd` is the advertised window.
 */
int seg_send_ctl(const struct fw_tcp_tuple *t, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd);

/**
 * SYN,ACK with our MSS option for `t` (and SACK-permitted when `sack`),
 * also with no control block behind it (a SYN cookie, RFC 4987 3.6).
 */
void seg_send_synack(const struct fw_tcp_tuple *t, uint32_t iss, uint32_t ack, uint16_t wnd, bool sack);

/**
 * The PBUF_RAM heap can still give one buffer for the largest segment the
 * engine builds (a full MSS of data with its headers), in one block: the
 * free total alone does not say so (fragmentation). Counts nothing.
 */
bool seg_heap_has_segment(void);
/** The heap block pbuf_alloc(PBUF_IP, TCP_HLEN + FW_TCP_MSS, PBUF_RAM)
 *  takes (lwIP 2.1's pbuf.c: the pbuf, the header room, the data, each
 *  aligned), which seg_heap_has_segment() asks mem_malloc() for. */
#define SEG_HEAP_SEGMENT_BYTES (LWIP_MEM_ALIGN_SIZE(sizeof(struct pbuf)) + \
	LWIP_MEM_ALIGN_SIZE((unsigned)PBUF_IP) + LWIP_MEM_ALIGN_SIZE(TCP_HLEN + FW_TCP_MSS))

/**
 * RFC 5961 section 7, the TCBs' global ceiling: this second's allowance
 * (drawn from [N/2, 3N/2), N = FW_CHALLENGE_ACK_PER_S) is not spent; one
 * is taken. Counts nothing (tcb_challenge_ack() does).
 */
bool seg_challenge_ack_allowed(uint32_t now);

/**
 * TIME_WAIT's own allowance of SYN challenge ACKs (RFC 5961 4.2, 7):
 * drawn per second like the global one, N = FW_TW_CHALLENGE_ACK_PER_S.
 * True (counted as sent) when one may go out at `now`, false (counted as
 * suppressed) when it is spent.
 */
bool seg_tw_challenge_ack_allowed(uint32_t now);

#endif
