/*
 * The baseline firmware's side of finwait's engine lifecycle: lwIP's own
 * TCP stands where finwait's engine stands, and main.c stays as it is.
 * main.c calls fw_tcp_init(), fw_tcp_timers() and fw_tcp_next_deadline()
 * (tcp/include/fw_tcp.h); lwIP's TCP has names of its own (tcp_init(),
 * called by lwip_init()), so the two never meet and these three land here.
 */
#include <stdbool.h>
#include <stdint.h>

#include "cmd_tcp.h"
#include "fw_tcp.h"
#include "lwip_bench.h"

void fw_tcp_init(fw_tcp_clock_fn clock, const uint8_t key[16])
{
	/* lwIP picks ISNs itself (tcp_next_iss: a counter, not RFC 6528) and
	 * its first ephemeral port from LWIP_RAND(), seeded by main.c. */
	(void)clock;
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
