/*
 * Observation (fw_tcp.h): copies of the counters, the TIME_WAIT visitor.
 * Three printed counters are sums of others, filled in here so that no
 * event is counted twice; `orphans` is counted in the pool when read.
 */
#include <string.h>
#include "fw_tcp_config.h"
#include "stats.h"
#include "tcb.h"
#include "timewait.h"

struct fw_tcp_stats stats_tcp;

void stats_reset(void)
{
	memset(&stats_tcp, 0, sizeof stats_tcp);
}

void fw_tcp_get_stats(struct fw_tcp_stats *out)
{
	*out = stats_tcp;
	out->rst_rcvd = stats_tcp.resets + stats_tcp.open_refused;
	out->challenge_limited = stats_tcp.challenge_limited_conn + stats_tcp.challenge_limited_global +
	                         stats_tcp.challenge_limited_tw;
	out->time_wait_entered = tw_get_stats()->entered;
	out->rx_bufs_budget = FW_TCP_RX_POOL_BUFS;
	out->orphans = tcb_orphan_count();
}

void fw_tcp_get_tw_stats(struct fw_tcp_tw_stats *out)
{
	*out = *tw_get_stats();
}

uint32_t fw_tcp_tw_capacity(void)
{
	return FW_TW_ENTRIES;
}

uint32_t fw_tcp_tw_bytes_per_entry(void)
{
	return tw_bytes_per_entry();
}

uint32_t fw_tcp_tw_capacity6(void)
{
#if LWIP_IPV6
	return FW_TW6_ENTRIES;
#else
	return 0;
#endif
}

uint32_t fw_tcp_tw_bytes_per_entry6(void)
{
	return tw_bytes_per_entry6();
}

struct stats_tw_visit {
	fw_tcp_tw_visit_cb cb;
	void *arg;
};

static void stats_tw_copy(const struct fw_tcp_tuple *t, uint32_t snd_nxt, uint32_t rcv_nxt, uint32_t deadline,
                          void *arg)
{
	const struct stats_tw_visit *v = arg;
	struct fw_tcp_tw_info info = { *t, snd_nxt, rcv_nxt, deadline };
	v->cb(&info, v->arg);
}

void fw_tcp_tw_foreach(fw_tcp_tw_visit_cb cb, void *arg)
{
	struct stats_tw_visit v = { cb, arg };
	tw_foreach(stats_tw_copy, &v);
}
