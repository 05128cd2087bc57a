# QEMU mps3-an547: ARM AN547, a Cortex-M55 (Armv8.1-M mainline with the
# Security Extension and MVE; FPU and MVE unused, soft-float like every
# board: GCC then emits no MVE code and the v8-M.main nofp libraries are
# linked) in ARM's SSE-300. The image runs Secure with the SAU off, from
# the TCMs' Secure aliases; the SSE system timer is its clock and deadline.
#
# -fno-branch-count-reg: GCC 12.2's counted-loop (doloop) transformation for
# Armv8.1-M miscompiles lwIP's lwip_standard_chksum (core/inet_chksum.c,
# LWIP_CHKSUM_ALGORITHM 3) at -Os: the dangling tail byte is added whatever
# the length, so every even-length IPv4 header fails its checksum (seen in
# QEMU as ip chkerr counting every ping). Without the transformation the
# loops compile as written; the same source for -mcpu=cortex-m33 is right.
include bsp/mps3/family.mk
BOARD_CPU          := -mcpu=cortex-m55 -mthumb -mfloat-abi=soft -fno-branch-count-reg
BOARD_SRCS         += bsp/mps3/an547.c bsp/mps3/an547_vectors.c
BOARD_LDSCRIPT     := bsp/mps3/an547.ld
