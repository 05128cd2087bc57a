/*
 * lwIP's own applications, from lwIP's sources unchanged, on whichever
 * TCP the build has: finwait's engine under lwIP's altcp API
 * (port/lwip/altcp_fw.c), or lwIP's TCP in the baseline (make FW_TCP=lwip).
 * httpd serves its built-in pages (lwIP's fsdata.c) on port 80, lwiperf
 * (iperf 2's server, on lwIP's raw API: port/lwip/tcp_fw.c) on port 5001;
 * the MQTT client runs from the console (cmd_mqtt.c).
 */
#include "apps.h"

#include "cmd_mqtt.h"
#include "console.h"
#include "fw_ip.h"
#include "lwip/apps/httpd.h"
#include "lwip/apps/lwiperf.h"

#ifndef FW_LWIP_TCP
#include "altcp_fw.h"

/* The altcp layer's counters. A command of their own, not a `stats`
 * section: the whole `stats` reply already nearly fills the console's TX
 * ring, and a longer one stalls the main loop on a board whose MAC has
 * a small receive FIFO (LM3S6965: frames lost under a ping flood). */
static int apps_cmd(int argc, char **argv)
{
	struct afw_stats s;

	(void)argv;
	if (argc != 1)
		return 1;
	afw_get_stats(&s);
	console_printf("altcp: in_use=%lu polls=%lu refused=%lu reoffers=%lu accept_no_pcb=%lu early_writes=%lu\n",
	    (unsigned long)s.in_use, (unsigned long)s.polls, (unsigned long)s.refused,
	    (unsigned long)s.reoffers, (unsigned long)s.accept_no_pcb, (unsigned long)s.early_writes);
	return 0;
}

static const struct console_cmd apps_cmds[] = {
	{ "apps", "", "lwIP's applications: the altcp layer's counters", apps_cmd },
};
#endif

/* lwiperf's end-of-test report (lwiperf.h's LWIPERF_*). */
static void apps_iperf_report(void *arg, enum lwiperf_report_type type, const ip_addr_t *local_addr,
                              u16_t local_port, const ip_addr_t *remote_addr, u16_t remote_port,
                              u32_t bytes, u32_t ms, u32_t kbps)
{
	(void)arg;
	(void)local_addr;
	(void)local_port;
	(void)remote_addr;
	(void)remote_port;
	console_printf("iperf report type=%d bytes=%lu ms=%lu kbps=%lu\n", (int)type, (unsigned long)bytes,
	    (unsigned long)ms, (unsigned long)kbps);
}

/* lwiperf as the client of an iperf 2 server: lwiperf 2.1.3 always sends
 * for 10 s (lwiperf_start_tcp_client() takes no duration). */
static int apps_iperf_cmd(int argc, char **argv)
{
	ip_addr_t addr;

	if (argc != 2 || !fw_ip_parse(argv[1], &addr))
		return 1;
	if (!lwiperf_start_tcp_client_default(&addr, apps_iperf_report, NULL))
		console_printf("error: iperf: cannot start (no connection free)\n");
	else if (IP_IS_V6(&addr))   /* in brackets, so the port stays apart (RFC 3986 3.2.2) */
		console_printf("iperf started: 10 s to [%s]:%u\n", argv[1], (unsigned)LWIPERF_TCP_PORT_DEFAULT);
	else
		console_printf("iperf started: 10 s to %s:%u\n", argv[1], (unsigned)LWIPERF_TCP_PORT_DEFAULT);
	return 0;
}

static const struct console_cmd apps_iperf_cmds[] = {
	{ "iperf", "IP", "lwiperf: send to an iperf 2 server (port 5001) for 10 s; ends with `iperf report`",
	  apps_iperf_cmd },
};

void apps_init(void)
{
	httpd_init();
	if (!lwiperf_start_tcp_server_default(apps_iperf_report, NULL))
		console_printf("error: apps: lwiperf cannot listen on port %u\n", (unsigned)LWIPERF_TCP_PORT_DEFAULT);
	cmd_mqtt_register();
	console_register(apps_iperf_cmds, sizeof apps_iperf_cmds / sizeof apps_iperf_cmds[0]);
#ifndef FW_LWIP_TCP
	console_register(apps_cmds, sizeof apps_cmds / sizeof apps_cmds[0]);
#endif
}
