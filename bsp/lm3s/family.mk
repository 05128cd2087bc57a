# The Stellaris LM3S family, included by each LM3S board.mk: reset, the
# vector table and the fault console (lm3s_startup.c, for
# bsp/cortex-m/cm_fault.c), system control (lm3s_sysctl.c: PLL, clock
# gating, the USER0/1 address), the UART (over the shared console TX
# ring), the GPTM, and SysTick as the free-running clock, on the Cortex-M
# core code. The board.mk adds its board.c, MAC driver and linker script.
BOARD_CPU  := -mcpu=cortex-m3 -mthumb
BOARD_SRCS := bsp/lm3s/lm3s_startup.c bsp/lm3s/lm3s_sysctl.c \
	drivers/uart/stellaris/stellaris_uart.c drivers/uart/uart_tx_ring.c \
	drivers/timer/stellaris/stellaris_gptm.c bsp/cortex-m/cm_systick_clock.c \
	bsp/cortex-m/cm_fault.c
BOARD_INC  := -I$(BOARD_DIR) -Ibsp/lm3s -Idrivers/uart -Idrivers/uart/stellaris \
	-Idrivers/timer/stellaris
include bsp/cortex-m/cortex_m.mk
