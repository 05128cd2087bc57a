# QEMU mps2-an385: Cortex-M3, CMSDK UART/timers, LAN9118 Ethernet.
BOARD_CPU          := -mcpu=cortex-m3 -mthumb
BOARD_SRCS         := bsp/mps2/startup.c $(BOARD_DIR)/board.c \
	drivers/uart/cmsdk/cmsdk_uart.c drivers/uart/uart_tx_ring.c drivers/timer/cmsdk/cmsdk_timer.c \
	drivers/eth/lan9118/lan9118.c
BOARD_INC          := -I$(BOARD_DIR) -Ibsp/mps2 -Idrivers/uart -Idrivers/uart/cmsdk \
	-Idrivers/timer/cmsdk -Idrivers/eth/lan9118
include bsp/cortex-m/cortex_m.mk
BOARD_DEFS         :=
BOARD_LDSCRIPT     := $(BOARD_DIR)/mps2-an385.ld
BOARD_QEMU_MACHINE := mps2-an385
BOARD_QEMU_FLAGS   :=
