/* Console commands of the TCP engine: netstat, set, log tcp, and the
 * `tcp:` section of `stats`. */
#ifndef CMD_TCP_H
#define CMD_TCP_H

/** Register the commands and the stats printer; also hooks the engine's
 *  state-change log to the console. Call after console init, before use. */
void cmd_tcp_register(void);

#endif
