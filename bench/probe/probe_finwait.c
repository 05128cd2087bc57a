/*
 * Sizes on the target, read back from this object's symbol sizes
 * (arm-none-eabi-nm -S): each array is as long as the quantity it names.
 * Never linked; bench/tools/sizes.py reads it (and the size of a control
 * block from the engine's tcb_pool: the struct is private to the engine).
 */
#include "config.h"
#include "lwip/altcp.h"

char bench_fw_tw_entries[FW_TW_ENTRIES];
char bench_fw_tcb_count[FW_TCB_COUNT];
/* lwIP's applications on finwait: each connection's altcp_pcb (altcp_fw.c
 * adds a record of its own, read from its pool) */
char bench_sizeof_altcp_pcb[sizeof(struct altcp_pcb)];
char bench_memp_num_altcp_pcb[MEMP_NUM_ALTCP_PCB];
