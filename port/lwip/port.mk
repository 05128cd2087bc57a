# lwIP's seams: lwipopts.h, arch/cc.h, sys_arch.c and the netif bridge.
PORT_SRCS := port/lwip/ethif.c port/lwip/sys_arch.c
# lwIP's TCP API over finwait's engine (the lwIP baseline leaves them out).
PORT_FW_TCP_SRCS := port/lwip/altcp_fw.c port/lwip/tcp_fw.c port/lwip/tcp_core_fw.c
PORT_SRCS += $(PORT_FW_TCP_SRCS)
PORT_INC  := -Iport/lwip
