/*
 * finwait's knobs for this project. finwait's engine and its lwIP layer
 * include a header named "config.h": this one. Set the knobs you change
 * first; finwait's own header (app/config.h, reached through
 * -I$(FINWAIT_DIR)) gives every other one its default.
 */
#ifndef OOT_CONFIG_H
#define OOT_CONFIG_H

#define FW_TCB_COUNT 3   /* the echo connection, the client, one spare */
#define FW_TCP_LISTENERS 1 /* the echo listener (no control block) */
#define FW_APP_LISTENERS 1 /* its altcp_pcb */
#define FW_TW_ENTRIES 16

#include "app/config.h"

#endif
