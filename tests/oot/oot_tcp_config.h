/*
 * finwait's knobs this project changes. The Makefile names this file
 * with -DFW_TCP_CONFIG_FILE, so finwait's fw_tcp_config.h reads it first;
 * every knob not set here keeps the default written there.
 */
#ifndef OOT_TCP_CONFIG_H
#define OOT_TCP_CONFIG_H

#define FW_TCB_COUNT 3   /* the echo connection, the client, one spare */
#define FW_TCP_LISTENERS 1 /* the echo listener (no control block) */
#define FW_TW_ENTRIES 16

#endif
