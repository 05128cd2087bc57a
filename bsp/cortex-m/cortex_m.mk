# The Cortex-M core code every Cortex-M board shares (interrupt masking,
# idle, reset, the 1 ms SysTick, the console's bounded wait), included by
# each Cortex-M family or board fragment after it sets BOARD_SRCS and
# BOARD_INC.
BOARD_SRCS += bsp/cortex-m/cortex_m.c bsp/cortex-m/cm_console.c
BOARD_INC  += -Ibsp/cortex-m
