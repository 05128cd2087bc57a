# STM32F4 clock tree and TIM2 deadline timer against fake RCC/FLASH/TIM
# register blocks.
UNIT_SUITES += stm32_timer
stm32_timer_SRCS := tests/unit/test_stm32_timer.c bsp/stm32f4/stm32_timer.c bsp/stm32f4/stm32_clock.c
