/*
 * TCP daytime (RFC 867), port 13: one line, then our FIN at once, so
 * finwait does the active close and holds TIME_WAIT for every client,
 * the busy-server case. The board has no real-time clock, so the line
 * says so and gives the uptime instead (RFC 867 leaves the format open).
 */
#include <stdio.h>

#include "config.h"
#include "console.h"
#include "svc.h"
#include "fw_tcp.h"

#define DAYTIME_PORT 13u   /* RFC 867 */
#define DAYTIME_LINE_MAX 64
#define DAYTIME_MS_PER_S 1000u

struct daytime_stats {
	unsigned served;      /* line queued and FIN sent */
	unsigned write_err;   /* the line could not be queued: FIN alone */
};

static struct daytime_stats daytime_st;

static err_t daytime_accept_cb(void *arg, struct fw_tcp_conn *tcb)
{
	char line[DAYTIME_LINE_MAX];
	uint32_t now = fw_tcp_now();
	int n;

	(void)arg;
	n = snprintf(line, sizeof line, "finwait uptime %lu.%03lu s (no real-time clock)\r\n",
	    (unsigned long)(now / DAYTIME_MS_PER_S), (unsigned long)(now % DAYTIME_MS_PER_S));
	if (n < 0 || (size_t)n >= sizeof line || fw_tcp_write(tcb, line, (uint16_t)n) != ERR_OK)
		daytime_st.write_err++;
	else
		daytime_st.served++;
	/* The active close (RFC 9293 3.10.4): FIN after the line. No callback
	 * is set: a reply from the client after our close is answered with
	 * RST by the engine (RFC 1122 4.2.2.13). */
	fw_tcp_close(tcb);
	return ERR_OK;
}

void svc_daytime_start(void)
{
	if (!fw_tcp_listen(DAYTIME_PORT, daytime_accept_cb, NULL))
		svc_listen_failed("daytime", DAYTIME_PORT);
}

void svc_daytime_stats(void)
{
	console_printf("daytime: served=%u write_err=%u\n", daytime_st.served, daytime_st.write_err);
}
