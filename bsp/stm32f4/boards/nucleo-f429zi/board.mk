# NUCLEO-F429ZI: STM32F429ZI at 168 MHz from the ST-LINK's 8 MHz MCO,
# LAN8742A PHY over RMII, console on USART3 = the ST-LINK virtual COM port.
# QEMU has no model of this board: it is built here and run on hardware.
include bsp/stm32f4/family.mk
BOARD_SRCS         += $(BOARD_DIR)/board.c drivers/eth/stm32/stm32_eth.c
BOARD_INC          += -Idrivers/eth/stm32
BOARD_DEFS         := -DSTM32F429xx
BOARD_LDSCRIPT     := $(BOARD_DIR)/stm32f429zi.ld
BOARD_QEMU_MACHINE :=
BOARD_QEMU_FLAGS   :=
BOARD_OPENOCD_CFG  := -f board/st_nucleo_f4.cfg
