/*
 * The engine's counters (struct fw_tcp_stats, listed in fw_tcp.h). Private:
 * applications read copies through fw_tcp_get_stats(). Each counter has
 * one increment site.
 */
#ifndef STATS_H
#define STATS_H

#include "fw_tcp.h"

extern struct fw_tcp_stats stats_tcp;

#define STAT_INC(name) (stats_tcp.name++)

void stats_reset(void);

#endif
