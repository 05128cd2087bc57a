/*
 * TIME_WAIT (RFC 9293 section 3.6.1, RFC 1122 4.2.2.13, RFC 1337).
 *
 * A connection that enters TIME_WAIT gives back its full TCB and keeps only
 * a compact entry here: the 4-tuple, both sequence numbers and a deadline.
 * Every entry waits the same 2MSL, so entries form a FIFO ordered by
 * deadline and only the head's deadline is ever armed on the hardware
 * timer; entering and expiring are O(1). A hash on the 4-tuple finds the
 * entry for an arriving segment without scanning the table. The table is
 * bounded (FW_TW_ENTRIES); when it is full an entry is recycled fairly
 * between remote addresses (timewait.c): a flooding address recycles its
 * own.
 */
#ifndef TIMEWAIT_H
#define TIMEWAIT_H

#include <stdbool.h>
#include <stdint.h>
#include "tcp_types.h"


/** What tw_input() decided. */
enum tw_verdict {
	TW_NO_MATCH,  /* no entry for this 4-tuple: the engine goes on */
	TW_CONSUMED,  /* handled here (ACKed, ignored or answered) */
	TW_NEW_SYN,   /* acceptable new SYN: open a new incarnation with ISN
	                 beyond *isn_floor; the entry stays until the new
	                 incarnation is synchronized (tw_reopened) */
};

/** Empty the table and set 2MSL to 2 * FW_MSL_MS. `key` keys the hashes
 *  (a secret from boot: no peer can aim its tuples or address at a chain or
 *  a class). */
void tw_init(uint32_t key);

/** MSL in ms (console `set msl`); entries wait 2 * MSL. Applies to entries
 *  entered (or FIN-restarted) from now on; capped at 2^30 - 1 ms. */
void tw_set_msl(uint32_t msl_ms);
uint32_t tw_msl(void);

/**
 * Record a connection entering TIME_WAIT at `now`. snd_nxt is our next
 * sequence number (after our FIN), rcv_nxt the peer's (after its FIN).
 */
void tw_enter(const struct fw_tcp_tuple *t, uint32_t snd_nxt, uint32_t rcv_nxt, uint32_t now);

/**
 * A segment arrived for `t` (no TCB has it). When an entry matches it is
 * handled as RFC 9293 says for TIME_WAIT: a retransmitted FIN is ACKed and
 * restarts 2MSL; RST is ignored (RFC 1337); a SYN with SEG.SEQ beyond the
 * old RCV.NXT, when `can_open` (a listener takes the port), is accepted as
 * a new incarnation (TW_NEW_SYN, *isn_floor = old SND.NXT); any other SYN
 * gets a challenge ACK; anything else unacceptable gets an ACK. Replies go
 * out through seg_send_ctl() (tcp_out.h).
 */
enum tw_verdict tw_input(const struct fw_tcp_tuple *t, const struct fw_tcp_seg *seg, uint32_t now, bool can_open,
                         uint32_t *isn_floor);

/**
 * The incarnation opened from the entry for `t` (TW_NEW_SYN) is
 * synchronized: the entry goes (counted as reused). False when there was
 * none (a passive open not from TIME_WAIT, or the entry expired or was
 * recycled meanwhile).
 */
bool tw_reopened(const struct fw_tcp_tuple *t);

/** An entry exists for `t` (expired ones not yet collected included). */
bool tw_contains(const struct fw_tcp_tuple *t);

/** Expire every entry whose deadline has been reached. O(expired). */
void tw_expire(uint32_t now);

/** Deadline of the FIFO head: true and *at set, or false when empty. */
bool tw_next_deadline(uint32_t *at);

/** Visit live entries oldest first (for `netstat`). `cb` must not call
 *  back into tw_*(). The local address reported is the device's. */
typedef void (*tw_visit_cb)(const struct fw_tcp_tuple *t, uint32_t snd_nxt, uint32_t rcv_nxt, uint32_t deadline, void *arg);
void tw_foreach(tw_visit_cb cb, void *arg);

const struct fw_tcp_tw_stats *tw_get_stats(void);

/** Bytes of RAM one entry costs, lookup structures included (for `stats`/bench). */
uint32_t tw_bytes_per_entry(void);
/** The same for an IPv6 entry (0 without an IPv6 table). */
uint32_t tw_bytes_per_entry6(void);

#ifdef FW_HOST_TEST
/** Test hook: the hash bucket of a 4-tuple, to force chain collisions. */
uint32_t tw_hash_bucket(const struct fw_tcp_tuple *t);
/** Test hook: the fair-recycling class of a remote address. */
uint32_t tw_hash_class(uint32_t raddr);
/** Test hook: the class an entering tuple's entry goes to, either family
 *  (IPv6: by its /64, or by the address for a peer on the link). */
uint32_t tw_class_for_tuple(const struct fw_tcp_tuple *t);
/** Test hook: FIFO, free list, hash and class rings agree: NULL, or what
 *  does not. O(entries x chain). */
const char *tw_check(void);
#endif

#endif
