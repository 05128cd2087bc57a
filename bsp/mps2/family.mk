# The MPS2 family, included by each MPS2 board.mk: reset and the fault
# console (startup.c, for bsp/cortex-m/cm_fault.c), the CMSDK APB UART (over the shared console TX
# ring) and timers, on the Cortex-M core code. The board.mk adds its CPU,
# its application note's vector table, its board.c, MAC driver and linker
# script.
BOARD_SRCS := bsp/mps2/startup.c drivers/uart/cmsdk/cmsdk_uart.c drivers/uart/uart_tx_ring.c \
	drivers/timer/cmsdk/cmsdk_timer.c bsp/cortex-m/cm_fault.c
BOARD_INC  := -I$(BOARD_DIR) -Ibsp/mps2 -Idrivers/uart -Idrivers/uart/cmsdk -Idrivers/timer/cmsdk
include bsp/cortex-m/cortex_m.mk
