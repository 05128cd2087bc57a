# Netduino Plus 2 (STM32F405RG) as QEMU 7.2's netduinoplus2 models it:
# serial0 is USART1, TIM2..5 run at a fixed 1 GHz, no RCC, no CCM, no Ethernet.
# The firmware runs its TCP self-test over lwIP's loopback here.
include board/stm32f4/stm32f4.mk
netduinoplus2_CPU          := $(STM32F4_CPU)
netduinoplus2_SRCS         := $(STM32F4_SRCS) board/netduinoplus2/board.c
netduinoplus2_INC          := $(STM32F4_INC)
netduinoplus2_DEFS         := -DSTM32F405xx
# The loopback teardown self-test (firmware/selftest.h) at boot; 2MSL = 500 ms.
netduinoplus2_DEFS         += -DFW_SELFTEST=1 -DFW_SELFTEST_MSL_MS=250
netduinoplus2_LDSCRIPT     := linker/stm32f405rg.ld
netduinoplus2_QEMU_MACHINE := netduinoplus2
netduinoplus2_QEMU_FLAGS   :=
netduinoplus2_OPENOCD_CFG  := -f interface/stlink.cfg -f target/stm32f4x.cfg   # any SWD probe
include board/stm32f4/flash.mk
