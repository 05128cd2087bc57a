# The MPS3 family, included by each MPS3 board.mk: the MPS2 family's code
# (bsp/mps2/family.mk: startup, board.h over the image's map, CMSDK UART,
# LAN9118) with the SSE system timer as the time source (mps3.h says why).
# The board.mk adds its CPU, its image's map, vectors and linker script.
include bsp/mps2/family.mk
BOARD_SRCS += bsp/mps3/mps3_sse_time.c drivers/timer/sse/sse_timer.c
BOARD_INC  += -Ibsp/mps3 -Idrivers/timer/sse
