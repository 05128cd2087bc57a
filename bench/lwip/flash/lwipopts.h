/*
 * lwIP's options for the flash comparison only (bench/bench.mk builds
 * lwIP's tcp*.c with this directory first on the include path, into
 * build/bench/flash/<variant>/; those objects are measured, never linked).
 * bench/probe/lwip-equal.o (the RAM-per-connection rows' tcp_pcb) is built
 * with the same options, dual stack.
 * The baseline's options (port/lwip/lwipopts.h with FW_LWIP_TCP), then,
 * with BENCH_LWIP_EQUAL_FEATURES, lwIP's switches for what finwait's
 * engine also does: an out-of-order queue bounded per connection, SACK
 * blocks in its ACKs (RFC 2018) and keepalive (RFC 1122 4.2.3.6). finwait
 * has neither window scaling nor timestamps (RFC 7323): both stay off.
 * LWIP_NOASSERT comes from the command line, as a release build sets it.
 */
#include_next "lwipopts.h"

#ifdef BENCH_LWIP_EQUAL_FEATURES
#include "config.h"
#undef TCP_QUEUE_OOSEQ
#define TCP_QUEUE_OOSEQ             1
#define TCP_OOSEQ_MAX_PBUFS         FW_TCP_OOQ_SEGS
#undef LWIP_TCP_SACK_OUT
#define LWIP_TCP_SACK_OUT           1
#undef LWIP_TCP_MAX_SACK_NUM
#define LWIP_TCP_MAX_SACK_NUM       FW_TCP_SACK_RANGES
#undef LWIP_TCP_KEEPALIVE
#define LWIP_TCP_KEEPALIVE          1
#undef LWIP_WND_SCALE
#define LWIP_WND_SCALE              0
#undef LWIP_TCP_TIMESTAMPS
#define LWIP_TCP_TIMESTAMPS         0
#endif
