/*
 * Listeners: a table of their own, apart from the TCB pool. A listener
 * holds no connection state (RFC 9293 3.10.7.2: LISTEN only turns a SYN
 * into a SYN_RCVD control block), so it costs a port, the accept callback
 * and its argument, not a control block: FW_TCB_COUNT counts connections
 * only. Its children find it by index (tcb.listener); its backlog is
 * counted from the pool (tcb_backlog), so no count can drift from it.
 */
#ifndef LSN_H
#define LSN_H

#include <stdbool.h>
#include <stdint.h>
#include "fw_tcp.h"

struct fw_tcp_listener {
	fw_tcp_accept_cb accept;
	void *arg;
	uint16_t port;          /* matched alone: a listener takes every local address */
	uint8_t in_use;
};

/** Free every listener (fw_tcp_init). */
void lsn_reset(void);
/** The listener on `port`, NULL when none. */
struct fw_tcp_listener *lsn_find(uint16_t port);
unsigned lsn_id(const struct fw_tcp_listener *l);
/** The listener in slot `id`, NULL when the slot is free. */
struct fw_tcp_listener *lsn_by_id(unsigned id);
/** Visit every listener as netstat shows one: FW_TCP_LISTEN, the port,
 *  id FW_TCB_COUNT + its slot (fw_tcp_foreach). */
void lsn_foreach(fw_tcp_visit_cb cb, void *arg);

#endif
