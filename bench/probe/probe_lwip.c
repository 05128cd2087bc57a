/*
 * Sizes on the target for the lwIP baseline, read back from this object's
 * symbol sizes (arm-none-eabi-nm -S). Never linked; bench/tools/sizes.py
 * reads it.
 */
#include "lwip/opt.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

char bench_sizeof_tcp_pcb[sizeof(struct tcp_pcb)];
char bench_sizeof_tcp_pcb_listen[sizeof(struct tcp_pcb_listen)];
char bench_memp_num_tcp_pcb[MEMP_NUM_TCP_PCB];
