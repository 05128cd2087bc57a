/*
 * The baseline firmware's side of finwait's engine lifecycle: lwIP's own
 * TCP stands where finwait's engine stands, and main.c stays as it is.
 *
 * Name clash: main.c calls finwait's tcp_init(now, key), tcp_timers(now)
 * and tcp_next_deadline(&at) (firmware/tcp/tcp.h), while lwIP's TCP has its
 * own tcp_init(void), called by lwip_init(). For this variant only, and for
 * main.c only, bench/lwip/lwip.mk compiles main.c with
 *   -Dtcp_init=fw_tcp_init -Dtcp_timers=fw_tcp_timers
 *   -Dtcp_next_deadline=fw_tcp_next_deadline
 * so main.c's three calls land here; no file of the engine or of lwIP is
 * renamed or edited.
 */
#include <stdbool.h>
#include <stdint.h>

#include "cmd_tcp.h"
#include "lwip_bench.h"

void fw_tcp_init(uint32_t now, const uint8_t key[16])
{
	/* lwIP picks ISNs itself (tcp_next_iss: a counter, not RFC 6528) and
	 * its first ephemeral port from LWIP_RAND(), seeded by main.c. */
	(void)now;
	(void)key;
}

void fw_tcp_timers(uint32_t now)
{
	/* lwIP's TCP runs from sys_check_timeouts() (tcp_tmr every
	 * TCP_TMR_INTERVAL), which main.c calls on every pass. */
	(void)now;
}

bool fw_tcp_next_deadline(uint32_t *at)
{
	(void)at;
	return false;
}

/* finwait's console group (netstat, set, log tcp) reads the engine's
 * tables; the baseline has none, and prints lwIP's counters in `stats`
 * (lwip_services.c) instead. */
void cmd_tcp_register(void)
{
}
