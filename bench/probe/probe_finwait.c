/*
 * Sizes on the target, read back from this object's symbol sizes
 * (arm-none-eabi-nm -S): each array is as long as the quantity it names.
 * Never linked; bench/tools/sizes.py reads it.
 */
#include "config.h"
#include "tcp/tcb.h"

char bench_fw_tw_entries[FW_TW_ENTRIES];
char bench_fw_tcb_count[FW_TCB_COUNT];
char bench_sizeof_tcb[sizeof(struct tcb)];
