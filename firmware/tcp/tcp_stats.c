/* The engine's counters (tcp_stats.h). */
#include <string.h>
#include "tcp_stats.h"

struct tcp_stats tcp_stats;

const struct tcp_stats *tcp_get_stats(void)
{
	return &tcp_stats;
}

void tcp_stats_reset(void)
{
	memset(&tcp_stats, 0, sizeof tcp_stats);
}
