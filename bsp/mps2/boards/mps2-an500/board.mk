# QEMU mps2-an500: ARM AN500, a Cortex-M7 (FPU unused: soft-float like every
# board; caches left off). AN385's peripherals, RAMs and interrupt lines
# with the LAN9118 at 0xA0000000 (an500.h), so AN385's vectors and linker
# script with a map of its own.
include bsp/mps2/family.mk
BOARD_CPU          := -mcpu=cortex-m7 -mthumb -mfloat-abi=soft
BOARD_SRCS         += bsp/mps2/an500.c bsp/mps2/an385_vectors.c $(MPS2_TIME)
BOARD_INC          += $(MPS2_TIME_INC)
BOARD_LDSCRIPT     := bsp/mps2/an385.ld
