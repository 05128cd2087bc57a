# The STM32F4 family, included by each STM32F4 board.mk: startup, clocks,
# GPIO, RNG, USART (over the shared console TX ring), TIM2 and the board.h
# functions every STM32F4 board shares (on-chip peripherals, written
# against RM0090's register map), on the Cortex-M core code.
BOARD_CPU  := -mcpu=cortex-m4 -mthumb -mfloat-abi=soft
BOARD_SRCS := bsp/stm32f4/stm32_startup.c bsp/stm32f4/stm32_board.c \
	bsp/stm32f4/stm32_clock.c bsp/stm32f4/stm32_gpio.c bsp/stm32f4/stm32_rng.c \
	bsp/stm32f4/stm32_usart.c bsp/stm32f4/stm32_timer.c drivers/uart/uart_tx_ring.c
BOARD_INC  := -I$(BOARD_DIR) -Ibsp/stm32f4 -Idrivers/uart
include bsp/cortex-m/cortex_m.mk
