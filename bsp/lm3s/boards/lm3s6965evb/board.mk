# EK-LM3S6965 (TI Stellaris LM3S6965: Cortex-M3 at 50 MHz, 256 KiB flash,
# 64 KiB SRAM, Ethernet MAC + PHY on chip), as QEMU 7.2's lm3s6965evb
# models it: UART0 is serial0, the Ethernet Controller is the machine's
# NIC (model "stellaris"), with no PHY behind MII management.
include bsp/lm3s/family.mk
BOARD_SRCS         += $(BOARD_DIR)/board.c drivers/eth/stellaris/stellaris_enet.c
BOARD_INC          += -Idrivers/eth/stellaris
# 64 KiB of SRAM: lwIP's two big pools shrink to fit beside the 224-entry
# TIME_WAIT table (32 fewer than elsewhere: the 28 bytes more of every
# control block's dual-stack tuple, the engine's ICMPv6 raw PCB and the
# IPv6 entries took that kilobyte), 16 IPv6 TIME_WAIT entries (64
# elsewhere; 640 bytes)
# and an 8 KiB stack (the defaults, 24 pool pbufs of
# 1.5 KiB and a 16 KiB heap, need ~66 KiB before any stack). 16 pool
# pbufs hold the driver's RX queue (8) and a 4-segment receive window
# (FW_TCP_WND) together; 9.25 KiB of heap (lwIP's altcp pool, httpd and
# lwiperf's raw pcbs, of which it gets two, the control blocks' congestion,
# SACK and delayed-ACK state and IPv6 took the rest) leaves 6.75 KiB above
# FW_TCP_HEAP_RESERVE for send queues. IPv6 (FW_IPV6) keeps 4 neighbours
# and 4 destinations instead of 8 (a board on one LAN). Data + bss +
# stack: all of the 64 KiB but a few hundred bytes (the link fails first).
# TCP's share of the 16 pool pbufs shrinks with them: 10 for received data
# of all connections (FW_TCB_COUNT's one each, and up to 3 for a busy one:
# a 4,380-byte window), 6 never taken, for the MAC's RX queue, ARP, ICMP
# and SYNs. Those 10 buffers also bound the TCBs (one set aside for
# each); listeners take none (a 12-byte entry each), so 7 TCBs are 7
# connections, one TCB fewer than the 8 that held the five listeners
# (echo, discard, daytime, http, iperf) and three connections, to pay for
# the listener table and the two altcp_pcbs the apps' listeners keep.
BOARD_DEFS         := -DPBUF_POOL_SIZE=16 -DMEM_SIZE=9472 \
	-DLWIP_ND6_NUM_NEIGHBORS=4 -DLWIP_ND6_NUM_DESTINATIONS=4 \
	-DFW_TCP_RX_POOL_BUFS=10 -DFW_TCP_RX_POOL_RESERVE=6 -DFW_TCP_RCVQ_PBUFS=3 -DFW_TCB_COUNT=7 -DFW_RAW_PCBS=2 \
	-DFW_TW_ENTRIES=224 -DFW_TW6_ENTRIES=16
BOARD_LDSCRIPT     := $(BOARD_DIR)/lm3s6965.ld
BOARD_QEMU_MACHINE := lm3s6965evb
BOARD_QEMU_FLAGS   :=
BOARD_OPENOCD_CFG  := -f board/ek-lm3s6965.cfg
