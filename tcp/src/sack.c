/*
 * Selective acknowledgment (RFC 2018) in fixed arrays, nothing allocated.
 *
 * Receiver: the out-of-order queue (rx.c, tcb->ooq, by sequence and
 * disjoint) is what we SACK; queued segments that touch make one block.
 * We never SACK data we do not hold: a segment the full queue drops is
 * not reported (RFC 2018 8 would put its edges first; the sender would
 * then wait for its RTO to resend it), and when rx.c gives an
 * out-of-order buffer back to in-order data that is reneging, which
 * RFC 2018 8 allows and the peer's RTO repairs.
 *
 * Sender: the scoreboard keeps FW_TCP_SACK_RANGES ranges of what the peer
 * SACKed above SND.UNA, merged, by sequence. A block is taken only inside
 * SND.UNA..SND.NXT, so a peer cannot make us remember more than the
 * array, nor anything we did not send; when the array is full the highest
 * range is forgotten (data it covered may then be resent: that costs
 * bytes, never correctness). The scoreboard only ever stops a
 * retransmission, never delays the cumulative ACK's effects, and an RTO
 * clears it.
 */
#include <string.h>
#include "fw_tcp_config.h"
#include "sack.h"
#include "stats.h"

#if FW_TCP_SACK

/* The scoreboard and HighRxt are 16-bit offsets from SND.UNA, within
 * SND.UNA..SND.NXT: the send queue (fw_tcp_sndbuf()) with SYN and FIN. */
_Static_assert((uint32_t)FW_TCP_SNDQ_PBUFS * FW_TCP_MSS + 2u <= 0xffffu,
               "the send queue must lie within 16-bit offsets of SND.UNA (tcb.sack)");

unsigned sack_blocks(const struct fw_tcp_conn *tcb, struct seg_sack_block b[SEG_SACK_BLOCKS])
{
#if FW_TCP_OOQ_SEGS
	struct seg_sack_block run[FW_TCP_OOQ_SEGS];
	unsigned runs = 0, first = FW_TCP_OOQ_SEGS, n = 0;

	if (!tcb->sack.ok || !tcb->ooq)
		return 0;
	for (const struct pbuf *o = tcb->ooq; o; o = rx_ooo_tag(o)->next) {
		uint32_t left = rx_ooo_tag(o)->seq, right = left + o->len;

		if (runs && run[runs - 1].right == left) {
			run[runs - 1].right = right;
		} else {
			run[runs].left = left;
			run[runs].right = right;
			runs++;
		}
	}
	/* ooo_seq's 16 bits against each run's (every run is shorter than the
	 * window): a stale one (RCV.NXT passed it) can only pick no block. */
	for (unsigned i = 0; i < runs; i++)
		if ((uint16_t)(tcb->sack.ooo_seq - (uint16_t)run[i].left) < (uint16_t)(run[i].right - run[i].left))
			first = i;
	/* RFC 2018 4: "The first SACK block ... MUST specify the contiguous
	 * block of data containing the segment which triggered this ACK";
	 * then the others, highest first: a sender's later segments are the
	 * higher ones. With FW_TCP_OOQ_SEGS <= 4 every ACK carries every block,
	 * so each is "reported in at least three successive SACK options". */
	if (first < runs)
		b[n++] = run[first];
	for (unsigned i = runs; i-- > 0 && n < SEG_SACK_BLOCKS;)
		if (i != first)
			b[n++] = run[i];
	return n;
#else
	(void)tcb;
	(void)b;
	return 0;
#endif
}

/* [left, right) (offsets from SND.UNA) into the scoreboard: ranges it
 * overlaps or touches merge with it; a new range that finds the array
 * full pushes out the highest (or is itself forgotten, being the highest). */
static void sack_add(struct tcb_sack *s, uint16_t left, uint16_t right)
{
	unsigned i = 0, j;

	while (i < s->sb_n && s->sb[i].right < left)
		i++;
	for (j = i; j < s->sb_n && s->sb[j].left <= right; j++) {
		if (s->sb[j].left < left)
			left = s->sb[j].left;
		if (s->sb[j].right > right)
			right = s->sb[j].right;
	}
	if (j > i) {
		memmove(&s->sb[i + 1], &s->sb[j], (s->sb_n - j) * sizeof s->sb[0]);
		s->sb_n = (uint8_t)(s->sb_n - (j - i - 1u));
	} else {
		if (s->sb_n == FW_TCP_SACK_RANGES) {
			if (i == s->sb_n)
				return;
			s->sb_n--;
		}
		memmove(&s->sb[i + 1], &s->sb[i], (s->sb_n - i) * sizeof s->sb[0]);
		s->sb_n++;
	}
	s->sb[i].left = left;
	s->sb[i].right = right;
}

void sack_una_advanced(struct fw_tcp_conn *tcb, uint32_t n)
{
	struct tcb_sack *s = &tcb->sack;
	unsigned gone = 0;

	s->high_rxt = (uint16_t)(s->high_rxt > n ? s->high_rxt - n : 0u);
	while (gone < s->sb_n && s->sb[gone].right <= n)
		gone++;
	if (gone) {
		s->sb_n = (uint8_t)(s->sb_n - gone);
		memmove(&s->sb[0], &s->sb[gone], s->sb_n * sizeof s->sb[0]);
	}
	for (unsigned i = 0; i < s->sb_n; i++) {
		s->sb[i].left = (uint16_t)(s->sb[i].left > n ? s->sb[i].left - n : 0u);
		s->sb[i].right = (uint16_t)(s->sb[i].right - n);
	}
}

void sack_input(struct fw_tcp_conn *tcb, const struct fw_tcp_seg *seg)
{
	uint32_t una = tcb->snd_una;

	if (seg->sack_n && !tcb->sack.ok) {
		/* RFC 2018 2: never permitted on this connection */
		stats_tcp.sack_bad += seg->sack_n;
		return;
	}
	for (unsigned i = 0; i < seg->sack_n; i++) {
		uint32_t left = seg->sack[i].left, right = seg->sack[i].right;

		if (seq_leq(right, una)) {
			STAT_INC(sack_old);      /* a D-SACK (RFC 2883), or news SND.UNA has passed */
			continue;
		}
		if (seq_gt(right, tcb->snd_nxt)) {
			STAT_INC(sack_bad);      /* SACKs what we never sent */
			continue;
		}
		STAT_INC(sack_blocks_rcvd);
		sack_add(&tcb->sack, (uint16_t)(seq_lt(left, una) ? 0u : left - una), (uint16_t)(right - una));
	}
}

void sack_forget(struct fw_tcp_conn *tcb)
{
	/* RFC 2018 5: after a retransmit timeout the sender SHOULD turn off
	 * all its SACKed bits and MUST resend at the left edge; 8: the
	 * receiver may discard data it SACKed (renege), so nothing SACKed is
	 * held for sure until the cumulative ACK covers it. */
	tcb->sack.sb_n = 0;
}

bool sack_next_hole(const struct fw_tcp_conn *tcb, uint32_t *seq, uint32_t *len, uint32_t *skipped)
{
	const struct tcb_sack *s = &tcb->sack;
	uint32_t from = *seq - tcb->snd_una;   /* an offset, as the scoreboard's */

	*skipped = 0;
	for (unsigned i = 0; i < s->sb_n; i++) {
		if (from < s->sb[i].left) {
			*seq = tcb->snd_una + from;
			*len = s->sb[i].left - from;
			return true;
		}
		if (from < s->sb[i].right) {
			*skipped += s->sb[i].right - from;
			from = s->sb[i].right;
		}
	}
	return false;
}

#endif
