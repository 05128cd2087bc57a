/*
 * Receive buffers (rx.c): in-order data is kept in the PBUF_POOL buffers
 * it arrived in, packed, charged per connection and for TCP as a whole,
 * and lent to the application as views; the window offered is what the
 * buffers set aside for the connection can hold.
 */
#ifndef RX_H
#define RX_H

#include <stdbool.h>
#include <stdint.h>
#include "lwip/pbuf.h"
#include "fw_tcp.h"

/** Forget every view and orphaned buffer (fw_tcp_init, after the TCBs). */
void rx_reset(void);

/** RCV.WND now: what the buffers set aside for `tcb` hold beyond RCV.NXT,
 *  within FW_TCP_WND less the bytes queued or not yet fw_tcp_recved().
 *  Never less than what the last offer promised. */
uint32_t rx_window(const struct fw_tcp_conn *tcb);

/** The window a segment sent now carries: sets more buffers aside when
 *  TCP's budget has them (fewer when the connection needs fewer, never
 *  below what its last offer needs) and records the offer. The right edge
 *  never moves left, and moves right only by min(RCV.BUFF / 2,
 *  Eff.snd.MSS) or more (RFC 9293 3.8.6.2.2). */
uint16_t rx_advertise(struct fw_tcp_conn *tcb);

/** What rx_advertise() would offer now, changing nothing. */
uint32_t rx_offer(const struct fw_tcp_conn *tcb);

/** An update is worth sending: the offer left is below min(RCV.BUFF / 2,
 *  Eff.snd.MSS) and the right edge can move now (RFC 9293 3.8.6.2.2). */
bool rx_reopened(const struct fw_tcp_conn *tcb);
/** What the last offer leaves beyond RCV.NXT is below that step: a peer
 *  that avoids SWS (RFC 9293 3.8.6.2.1) waits for our next ACK. */
bool rx_filled(const struct fw_tcp_conn *tcb);

/** RCV.NXT was just set from a SYN: the offer made so far (our SYN's
 *  window in SYN_SENT, none from LISTEN) starts there. */
void rx_synchronize(struct fw_tcp_conn *tcb, uint32_t offered);

/** The window of a SYN,ACK: what every control block's guaranteed
 *  FW_TCP_RX_MIN_BUFS hold (a half-open connection gets no more). */
uint16_t rx_syn_window(void);

/** Queue the in-order bytes `p` holds (all of p->tot_len, starting at
 *  RCV.NXT) and take `p`. Returns the bytes queued: fewer only when no
 *  buffer could be had (counted). */
uint32_t rx_queue(struct fw_tcp_conn *tcb, struct pbuf *p);

/** Keep the out-of-order bytes `p` holds (from `seq`, beyond RCV.NXT,
 *  inside the window) and take `p`; what is queued already is trimmed.
 *  False when it could not be queued (counted in drop_ooo). */
bool rx_ooo_queue(struct fw_tcp_conn *tcb, uint32_t seq, struct pbuf *p);
/** RCV.NXT reached `rcv_nxt`: queue the out-of-order data it now reaches.
 *  Returns the bytes RCV.NXT advances by. */
uint32_t rx_ooo_fill(struct fw_tcp_conn *tcb, uint32_t rcv_nxt);
/** Free the out-of-order queue. */
void rx_ooo_drop(struct fw_tcp_conn *tcb);

/* An out-of-order buffer's place in tcb->ooq, kept in the buffer itself
 * (the engine's own pool buffer, rx_own), at its start, in front of the
 * data: rx_ooo_queue() keeps the room. */
struct rx_ooo_tag {
	uint32_t seq;            /* of the data's first byte */
	struct pbuf *next;       /* the next higher one, or NULL */
};
static inline struct rx_ooo_tag *rx_ooo_tag(const struct pbuf *p)
{
	return (struct rx_ooo_tag *)(void *)((uint8_t *)(uintptr_t)p + LWIP_MEM_ALIGN_SIZE(sizeof(struct pbuf)));
}

/** Views of the queued data for recv_cb, one per buffer, as many as the
 *  connection may still lend (its application holds at most
 *  FW_TCP_RCV_VIEWS); the lent buffers leave the queue. NULL when none may be
 *  lent now (the release of one calls tcb_rx_released()). */
struct pbuf *rx_lend(struct fw_tcp_conn *tcb);
/** recv_cb took the views (taken) or refused them (they go back to the
 *  head of the queue, the views are freed). */
void rx_lend_end(struct fw_tcp_conn *tcb, struct pbuf *views, bool taken);

/** Test hook (host builds): the running total of buffers set aside
 *  agrees with the slots: NULL, or what does not. O(FW_TCB_COUNT). */
const char *rx_check(void);

/** Free what is queued (shut_rx: nobody will read it). */
void rx_drop_queue(struct fw_tcp_conn *tcb);
/** The TCB goes: free its queue; buffers its application still holds
 *  stay charged to TCP until their views are freed. */
void rx_release(struct fw_tcp_conn *tcb);

#endif
