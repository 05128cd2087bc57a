/*
 * The listener table (listen.h): open, find, close. A SYN to a listener's
 * port is handled in tcp_input.c (seg_input_listen); what a listener owns
 * beyond its entry are its children not yet accepted, which its close
 * resets.
 */
#include <string.h>
#include "fw_tcp_config.h"
#include "listen.h"
#include "stats.h"
#include "tcb.h"

static struct fw_tcp_listener lsn_table[FW_TCP_LISTENERS];

_Static_assert(FW_TCP_LISTENERS >= 1 && FW_TCP_LISTENERS <= 255, "tcb.listener is one byte");

void lsn_reset(void)
{
	memset(lsn_table, 0, sizeof lsn_table);
}

struct fw_tcp_listener *lsn_find(uint16_t port)
{
	for (unsigned i = 0; i < FW_TCP_LISTENERS; i++) {
		if (lsn_table[i].in_use && lsn_table[i].port == port)
			return &lsn_table[i];
	}
	return NULL;
}

unsigned lsn_id(const struct fw_tcp_listener *l)
{
	return (unsigned)(l - lsn_table);
}

struct fw_tcp_listener *lsn_by_id(unsigned id)
{
	return id < FW_TCP_LISTENERS && lsn_table[id].in_use ? &lsn_table[id] : NULL;
}

struct fw_tcp_listener *fw_tcp_listen(uint16_t port, fw_tcp_accept_cb accept_cb, void *arg)
{
	if (lsn_find(port))
		return NULL;
	for (unsigned i = 0; i < FW_TCP_LISTENERS; i++) {
		struct fw_tcp_listener *l = &lsn_table[i];
		if (!l->in_use) {
			l->in_use = 1;
			l->port = port;
			l->accept = accept_cb;
			l->arg = arg;
			return l;
		}
	}
	STAT_INC(listen_full);
	return NULL;
}

void fw_tcp_listen_close(struct fw_tcp_listener *l)
{
	tcb_close_children(lsn_id(l));
	memset(l, 0, sizeof *l);
}

void lsn_foreach(fw_tcp_visit_cb cb, void *arg)
{
	struct fw_tcp_info info;

	for (unsigned i = 0; i < FW_TCP_LISTENERS; i++) {
		if (!lsn_table[i].in_use)
			continue;
		memset(&info, 0, sizeof info);
		info.id = FW_TCB_COUNT + i;
		info.state = FW_TCP_LISTEN;
		info.tuple.lport = lsn_table[i].port;
		cb(&info, arg);
	}
}
