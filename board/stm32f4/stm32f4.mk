# Shared STM32F4 sources and flags, included by each STM32 board.mk.
STM32F4_CPU  := -mcpu=cortex-m4 -mthumb -mfloat-abi=soft
STM32F4_SRCS := board/stm32f4/stm32_startup.c board/stm32f4/stm32_board.c \
	board/stm32f4/stm32_clock.c board/stm32f4/stm32_gpio.c board/stm32f4/stm32_usart.c \
	board/stm32f4/stm32_timer.c board/stm32f4/stm32_rng.c
STM32F4_INC  := -Iboard/stm32f4
