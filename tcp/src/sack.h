/*
 * Selective acknowledgment (RFC 2018), both sides, sack.c: whether a
 * connection agreed to it, the blocks our ACKs carry (from the
 * out-of-order queue), and the sender's scoreboard of what the peer
 * SACKed, which loss recovery's retransmissions go around (RFC 6675).
 * With FW_TCP_SACK 0 every call here is an empty inline: nothing is
 * offered, kept or used.
 */
#ifndef SACK_H
#define SACK_H

#include <stdbool.h>
#include <stdint.h>
#include "fw_tcp_config.h"
#include "stats.h"
#include "tcb.h"
#include "tcp_types.h"

#if FW_TCP_SACK
/** The peer's SYN or SYN,ACK: SACK is on when it carried SACK-permitted
 *  (ours always offers it on a SYN; a SYN,ACK only answers one). */
static inline void sack_syn(struct fw_tcp_conn *tcb, const struct fw_tcp_seg *seg)
{
	tcb->sack.ok = seg->sack_ok;
	if (seg->sack_ok)
		STAT_INC(sack_conns);
}

static inline bool sack_agreed(const struct fw_tcp_conn *tcb)
{
	return tcb->sack.ok;
}

/** Out-of-order data from `seq` arrived: the block holding it goes first
 *  in the ACKs that follow (RFC 2018 4). */
static inline void sack_ooo_rcvd(struct fw_tcp_conn *tcb, uint32_t seq)
{
	tcb->sack.ooo_seq = (uint16_t)seq;
}

/** The scoreboard holds something: recovery can go around SACKed data. */
static inline bool sack_any(const struct fw_tcp_conn *tcb)
{
	return tcb->sack.sb_n != 0;
}

/** Recovery (re)starts: holes are resent from SND.UNA (RFC 6675 HighRxt). */
static inline void sack_recovery_start(struct fw_tcp_conn *tcb)
{
	tcb->sack.high_rxt = 0;
}

/** Up to `end` was just resent: the next hole lies beyond it. */
static inline void sack_resent(struct fw_tcp_conn *tcb, uint32_t end)
{
	tcb->sack.high_rxt = (uint16_t)(end - tcb->snd_una);
}

/** RFC 6675 HighRxt, or SND.UNA when it is past it. */
static inline uint32_t sack_high_rxt(const struct fw_tcp_conn *tcb)
{
	return tcb->snd_una + tcb->sack.high_rxt;
}

/** The blocks the next segment `tcb` sends carries (RFC 2018 4), in `b`:
 *  how many, 0 when SACK is off or nothing is out of order. */
unsigned sack_blocks(const struct fw_tcp_conn *tcb, struct seg_sack_block b[SEG_SACK_BLOCKS]);
/** sack_blocks() has blocks to give: SACK is on and something is out of
 *  order (every segment sent asks; most often nothing is). */
static inline bool sack_has_blocks(const struct fw_tcp_conn *tcb)
{
#if FW_TCP_OOQ_SEGS
	return tcb->sack.ok && tcb->ooq_n != 0;
#else
	(void)tcb;
	return false;
#endif
}

/** The fifth check, before SEG.ACK moves SND.UNA: `seg`'s blocks that lie
 *  in SND.UNA..SND.NXT go on the scoreboard, the rest are counted and
 *  ignored. */
void sack_input(struct fw_tcp_conn *tcb, const struct fw_tcp_seg *seg);

/** SND.UNA is about to advance by `n`: what it covers is acknowledged,
 *  not SACKed, and the rest is kept from the new SND.UNA. */
void sack_una_advanced(struct fw_tcp_conn *tcb, uint32_t n);

/** The retransmission timer fired: forget what the peer SACKed (RFC 2018
 *  8: it may have reneged). */
void sack_forget(struct fw_tcp_conn *tcb);

/** RFC 6675 NextSeg (1), (3): from `*seq` on, the first byte no SACK
 *  covers, in `*seq`, and in `*len` how many follow it up to the next
 *  SACKed one; false when none lies below the highest SACKed byte (what is
 *  beyond it is in flight, not known lost). `*skipped`: SACKed bytes
 *  jumped over. */
bool sack_next_hole(const struct fw_tcp_conn *tcb, uint32_t *seq, uint32_t *len, uint32_t *skipped);
#else
static inline void sack_syn(struct fw_tcp_conn *tcb, const struct fw_tcp_seg *seg) { (void)tcb; (void)seg; }
static inline bool sack_agreed(const struct fw_tcp_conn *tcb) { (void)tcb; return false; }
static inline void sack_ooo_rcvd(struct fw_tcp_conn *tcb, uint32_t seq) { (void)tcb; (void)seq; }
static inline bool sack_any(const struct fw_tcp_conn *tcb) { (void)tcb; return false; }
static inline void sack_recovery_start(struct fw_tcp_conn *tcb) { (void)tcb; }
static inline void sack_resent(struct fw_tcp_conn *tcb, uint32_t end) { (void)tcb; (void)end; }
static inline void sack_input(struct fw_tcp_conn *tcb, const struct fw_tcp_seg *seg) { (void)tcb; (void)seg; }
static inline void sack_una_advanced(struct fw_tcp_conn *tcb, uint32_t n) { (void)tcb; (void)n; }
static inline void sack_forget(struct fw_tcp_conn *tcb) { (void)tcb; }
#endif

#endif
