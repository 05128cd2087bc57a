/*
 * The dual-stack build's counts (probe_finwait.c is built IPv4-only, for
 * the TCP rows that compare IPv4-only builds): array sizes read back by
 * bench/tools/sizes.py. Never linked.
 */
#include "config.h"

char bench_fw_tw6_entries[FW_TW6_ENTRIES];
