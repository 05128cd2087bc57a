/* Console commands of the TCP engine: netstat, set, log tcp, and the
 * `tcp:` section of `stats`. */
#ifndef CMD_TCP_H
#define CMD_TCP_H

/** Register the commands and the stats printer; also hooks the engine's
 *  state-change log to the console. Call after console init, before use. */
void cmd_tcp_register(void);

#include <stdint.h>
#include "lwip/ip_addr.h"
#include "fw_tcp.h"

/** "a.b.c.d:port", or "[2001:db8::1]:port" for IPv6. */
#define CMD_TCP_EP_STR (IPADDR_STRLEN_MAX + 8)
void cmd_tcp_ep(const struct fw_tcp_addr *addr, uint16_t port, char buf[CMD_TCP_EP_STR]);

#endif
