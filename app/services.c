/*
 * Start every service, and the one deferred job: echo's retry after the
 * PBUF_RAM heap was full (nothing of the connection may be in flight, so
 * no sent_cb would come).
 */
#include "services.h"

#include <stdbool.h>

#include "console.h"
#include "svc.h"

#include "lwip/timeouts.h"

static bool svc_scheduled;
static uint32_t svc_scheduled_delay;

static void svc_run(void *arg)
{
	(void)arg;
	svc_scheduled = false;
	svc_echo_run();
}

void svc_kick(uint32_t delay_ms)
{
	/* One timeout at a time (MEMP_NUM_SYS_TIMEOUT is small); a sooner
	 * request replaces a later one. */
	if (svc_scheduled) {
		if (delay_ms >= svc_scheduled_delay)
			return;
		sys_untimeout(svc_run, NULL);
	}
	svc_scheduled = true;
	svc_scheduled_delay = delay_ms;
	sys_timeout(delay_ms, svc_run, NULL);
}

void svc_listen_failed(const char *name, uint16_t port)
{
	console_printf("error: %s: cannot listen on port %u (listener table full)\n", name, (unsigned)port);
}

static void svc_stats(void)
{
	svc_echo_stats();
	svc_discard_stats();
	svc_daytime_stats();
	svc_client_stats();
}

void services_init(void)
{
	svc_echo_start();
	svc_discard_start();
	svc_daytime_start();
	svc_client_start();
	if (console_register_stats(svc_stats) != 0)
		console_printf("error: services: no room for their stats section\n");
}
