# QEMU mps2-an385: Cortex-M3, CMSDK UART/timers, LAN9118 Ethernet.
include bsp/mps2/family.mk
BOARD_CPU          := -mcpu=cortex-m3 -mthumb
BOARD_SRCS         += bsp/mps2/an385_vectors.c $(BOARD_DIR)/board.c \
	drivers/eth/lan9118/lan9118.c
BOARD_INC          += -Idrivers/eth/lan9118
BOARD_DEFS         :=
BOARD_LDSCRIPT     := $(BOARD_DIR)/mps2-an385.ld
BOARD_QEMU_MACHINE := mps2-an385
BOARD_QEMU_FLAGS   :=
