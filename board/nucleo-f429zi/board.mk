# NUCLEO-F429ZI: STM32F429ZI at 168 MHz from the ST-LINK's 8 MHz MCO,
# LAN8742A PHY over RMII, console on USART3 = the ST-LINK virtual COM port.
# QEMU has no model of this board: it is built here and run on hardware.
include board/stm32f4/stm32f4.mk
nucleo-f429zi_CPU          := $(STM32F4_CPU)
nucleo-f429zi_SRCS         := $(STM32F4_SRCS) board/stm32f4/stm32_eth.c board/nucleo-f429zi/board.c
nucleo-f429zi_INC          := $(STM32F4_INC)
nucleo-f429zi_DEFS         := -DSTM32F429xx
nucleo-f429zi_LDSCRIPT     := linker/stm32f429zi.ld
nucleo-f429zi_QEMU_MACHINE :=
nucleo-f429zi_QEMU_FLAGS   :=
nucleo-f429zi_OPENOCD_CFG  := -f board/st_nucleo_f4.cfg
include board/stm32f4/flash.mk
