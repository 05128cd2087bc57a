/*
 * lwIP's own applications, from lwIP's sources unchanged, on whichever
 * TCP the build has: finwait's engine under lwIP's altcp API
 * (port/lwip/altcp_fw.c), or lwIP's TCP in the baseline (make FW_TCP=lwip).
 * httpd serves its built-in pages (lwIP's fsdata.c) on port 80.
 */
#include "apps.h"

#include "console.h"
#include "lwip/apps/httpd.h"

#ifndef FW_LWIP_TCP
#include "altcp_fw.h"

/* The altcp layer's counters, a `stats` section of their own. */
static void apps_stats(void)
{
	struct afw_stats s;

	afw_get_stats(&s);
	console_printf("altcp: in_use=%lu polls=%lu refused=%lu reoffers=%lu accept_no_pcb=%lu\n",
	    (unsigned long)s.in_use, (unsigned long)s.polls, (unsigned long)s.refused,
	    (unsigned long)s.reoffers, (unsigned long)s.accept_no_pcb);
}
#endif

void apps_init(void)
{
	httpd_init();
#ifndef FW_LWIP_TCP
	if (console_register_stats(apps_stats) != 0)
		console_printf("error: apps: no room for their stats section\n");
#endif
}
