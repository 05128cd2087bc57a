# Netduino Plus 2 (STM32F405RG) as QEMU 7.2's netduinoplus2 models it:
# serial0 is USART1, TIM2..5 run at a fixed 1 GHz, no RCC, no CCM, no Ethernet.
# The firmware runs its TCP self-test over lwIP's loopback here.
include bsp/stm32f4/family.mk
BOARD_SRCS         += $(BOARD_DIR)/board.c
BOARD_DEFS         := -DSTM32F405xx
# The loopback teardown self-test (tests/target/selftest.h) at boot; 2MSL = 500 ms.
BOARD_DEFS         += -DFW_SELFTEST=1 -DFW_SELFTEST_MSL_MS=250
BOARD_LDSCRIPT     := $(BOARD_DIR)/stm32f405rg.ld
BOARD_QEMU_MACHINE := netduinoplus2
BOARD_QEMU_FLAGS   :=
BOARD_OPENOCD_CFG  := -f interface/stlink.cfg -f target/stm32f4x.cfg   # any SWD probe
