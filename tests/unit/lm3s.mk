# The LM3S6965 board's timing and console maths: the GPTM deadline (time
# until, chaining in legs, arm/cancel/fire over a plain-memory register
# block), the periodic wake-up's load, SysTick as the free-running clock
# (wrap accounting), the UART's baud divisors.
UNIT_SUITES += lm3s
lm3s_SRCS := tests/unit/test_lm3s_time.c drivers/timer/stellaris/stellaris_gptm.c \
	bsp/cortex-m/cm_systick_clock.c drivers/uart/stellaris/stellaris_uart.c \
	drivers/uart/uart_tx_ring.c
