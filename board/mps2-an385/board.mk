# QEMU mps2-an385: Cortex-M3, CMSDK UART/timers, LAN9118 Ethernet.
mps2-an385_CPU         := -mcpu=cortex-m3 -mthumb
mps2-an385_SRCS        := board/mps2-an385/startup.c board/mps2-an385/board.c \
	board/mps2-an385/cmsdk_uart.c board/mps2-an385/cmsdk_timer.c \
	board/mps2-an385/lan9118.c
mps2-an385_INC         :=
mps2-an385_DEFS        :=
mps2-an385_LDSCRIPT    := linker/mps2-an385.ld
mps2-an385_QEMU_MACHINE := mps2-an385
mps2-an385_QEMU_FLAGS  :=
