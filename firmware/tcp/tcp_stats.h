/*
 * Counters of the TCP engine (the TIME_WAIT table keeps its own, see
 * timewait.h). Each counter has one increment site; `stats` prints them all.
 */
#ifndef TCP_STATS_H
#define TCP_STATS_H

#include <stdint.h>

/* X(name, what): every counter once, so the struct and the printer agree. */
#define TCP_STATS_LIST(X) \
	X(segs_in,            "segments received (valid checksum)") \
	X(segs_out,           "segments sent") \
	X(bytes_in,           "payload bytes accepted in order") \
	X(bytes_out,          "payload bytes sent (retransmissions included)") \
	X(retransmits,        "segments retransmitted on RTO (SYN, data, FIN)") \
	X(fast_retransmits,   "segments retransmitted on the third duplicate ACK (RFC 5681 3.2)") \
	X(partial_ack_rtx,    "segments retransmitted on a partial ACK during recovery (RFC 6582)") \
	X(rst_sent,           "RSTs sent") \
	X(rst_rcvd,           "RSTs that reset a connection") \
	X(challenge_acks,     "RFC 5961 challenge ACKs sent") \
	X(challenge_limited,  "RFC 5961 challenge ACKs suppressed by the rate limit") \
	X(drop_short,         "dropped: shorter than a TCP header") \
	X(drop_hdrlen,        "dropped: bad data offset") \
	X(drop_opts,          "dropped: malformed options") \
	X(drop_chksum,        "dropped: bad checksum") \
	X(drop_addr,          "dropped: broadcast/multicast destination") \
	X(drop_seq,           "dropped: sequence number not acceptable (ACK sent)") \
	X(drop_ack,           "dropped: ACK of data never sent, or no ACK") \
	X(drop_ooo,           "dropped: out of order (duplicate ACK sent)") \
	X(drop_rcvq_full,     "dropped: receive queue full") \
	X(drop_listen,        "dropped at a listener (RST, stray segments)") \
	X(syn_no_tcb,         "SYNs dropped: no free TCB") \
	X(syn_backlog_full,   "SYNs dropped: listener backlog full") \
	X(rst_closed,         "RSTs sent for segments to no connection") \
	X(active_opens,       "connections opened by tcp_connect") \
	X(passive_opens,      "SYNs accepted by a listener") \
	X(tw_new_syn,         "new incarnations opened from TIME_WAIT") \
	X(accept_refused,     "connections refused by accept_cb") \
	X(syn_timeouts,       "opens aborted after FW_SYN_RETRIES") \
	X(rtx_aborts,         "connections aborted after FW_DATA_RETRIES (RST sent)") \
	X(fin_wait_2_timeouts,"orphaned FIN_WAIT_2 connections timed out (RST sent)") \
	X(close_wait_warnings,"CLOSE_WAIT watchdog reports") \
	X(close_wait_aborts,  "CLOSE_WAIT connections aborted by the watchdog") \
	X(close_unread_rst,   "closes with unread data answered by RST (RFC 2525)") \
	X(data_after_close_rst,"data after a full close answered by RST") \
	X(app_aborts,         "tcp_abort calls") \
	X(resets,             "connections reset by a peer RST") \
	X(time_wait_entered,  "TCBs handed to the TIME_WAIT table") \
	X(closed,             "TCBs freed after a normal close (LAST_ACK, TIME_WAIT)") \
	X(state_changes,      "state transitions") \
	X(pbuf_fail,          "no PBUF_RAM for an outgoing segment") \
	X(output_fail,        "ip4_output errors (no route, ...)") \
	X(sndq_full,          "tcp_write refused: send queue full") \
	X(sndq_heap_reserve,  "tcp_write refused: PBUF_RAM heap down to FW_TCP_HEAP_RESERVE") \
	X(tcb_in_use,         "TCBs in use now") \
	X(tcb_peak,           "most TCBs in use at once")

struct tcp_stats {
#define TCP_STATS_FIELD(name, what) uint32_t name;
	TCP_STATS_LIST(TCP_STATS_FIELD)
#undef TCP_STATS_FIELD
};

extern struct tcp_stats tcp_stats;

#define TCP_STAT_INC(name) (tcp_stats.name++)

const struct tcp_stats *tcp_get_stats(void);
void tcp_stats_reset(void);

#endif
