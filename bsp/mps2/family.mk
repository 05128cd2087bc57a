# The MPS2 family, included by each MPS2 board.mk (and by the MPS3
# family's fragment, which reuses it): reset and the fault console
# (startup.c, for bsp/cortex-m/cm_fault.c), board.h over the image's map
# (mps2_board.c), the
# CMSDK APB UART (over the shared console TX ring) and the LAN9118, on the
# Cortex-M core code. The board.mk adds its CPU, its image's map, vectors
# and linker script, and its time source (MPS2_TIME, below, for the images
# whose clock and deadline are CMSDK APB timers).
BOARD_SRCS := bsp/mps2/startup.c bsp/cortex-m/cm_fault.c bsp/mps2/mps2_board.c drivers/uart/cmsdk/cmsdk_uart.c \
	drivers/uart/uart_tx_ring.c drivers/eth/lan9118/lan9118.c
BOARD_INC  := -I$(BOARD_DIR) -Ibsp/mps2 -Idrivers/uart -Idrivers/uart/cmsdk -Idrivers/eth/lan9118
# A board's name is its folder's, which is also its QEMU machine.
BOARD_DEFS := -DMPS2_BOARD_NAME='"$(BOARD)"'
BOARD_QEMU_MACHINE := $(BOARD)
BOARD_QEMU_FLAGS   :=
MPS2_TIME  := bsp/mps2/mps2_cmsdk_time.c drivers/timer/cmsdk/cmsdk_timer.c
MPS2_TIME_INC := -Idrivers/timer/cmsdk
# What each image's linker script INCLUDEs (a prerequisite of the link).
BOARD_LD_INCLUDES := bsp/mps2/mps2_sections.ld
include bsp/cortex-m/cortex_m.mk
