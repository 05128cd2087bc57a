# QEMU mps2-an385: ARM AN385, Cortex-M3, CMSDK UART/timers, LAN9118 Ethernet.
include bsp/mps2/family.mk
BOARD_CPU          := -mcpu=cortex-m3 -mthumb
BOARD_SRCS         += bsp/mps2/an385.c bsp/mps2/an385_vectors.c $(MPS2_TIME)
BOARD_INC          += $(MPS2_TIME_INC)
BOARD_LDSCRIPT     := bsp/mps2/an385.ld
