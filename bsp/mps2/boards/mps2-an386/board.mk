# QEMU mps2-an386: ARM AN386, AN385's FPGA design around a Cortex-M4 (with
# DSP and FPU; the build stays soft-float like every board). QEMU models it
# with AN385's memory and interrupt map (hw/arm/mps2.c), so it shares
# AN385's map, vectors and linker script.
include bsp/mps2/family.mk
BOARD_CPU          := -mcpu=cortex-m4 -mthumb -mfloat-abi=soft
BOARD_SRCS         += bsp/mps2/an385.c bsp/mps2/an385_vectors.c $(MPS2_TIME)
BOARD_INC          += $(MPS2_TIME_INC)
BOARD_LDSCRIPT     := bsp/mps2/an385.ld
