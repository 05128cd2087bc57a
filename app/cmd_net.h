/*
 * Console commands for the network below TCP: `ifconfig`, `stats`,
 * `eth`, `reboot`. Other modules add `stats` sections with
 * console_register_stats() (console.h).
 */
#ifndef CMD_NET_H
#define CMD_NET_H

/** Register the commands; call before console_init(). */
void cmd_net_register(void);

#endif
