/*
 * lwIP's altcp API over finwait's TCP (altcp_fw.c): applications use
 * lwip/altcp.h as with lwIP's own TCP; this header is for the firmware's
 * console, the bench and the tests.
 */
#ifndef ALTCP_FW_H
#define ALTCP_FW_H

#include <stdint.h>

struct afw_stats {
	uint32_t in_use;        /* altcp connections and listeners held by applications now */
	uint32_t polls;         /* poll callbacks called */
	uint32_t refused;       /* deliveries an application refused (kept by the engine) */
	uint32_t reoffers;      /* refused data offered again (every 250 ms, as lwIP) */
	uint32_t accept_no_pcb; /* connections accepted with no altcp_pcb free: accept(NULL, ERR_MEM), reset */
	uint32_t early_writes;  /* writes in SYN_SENT (the engine queues them until established) */
};

/** Forget every altcp connection (the engine was reset: fw_tcp_init()). */
void afw_reset(void);
void afw_get_stats(struct afw_stats *out);
/** RAM one altcp connection adds to its TCB: the altcp_pcb and its record. */
uint32_t afw_conn_bytes(void);

#endif
