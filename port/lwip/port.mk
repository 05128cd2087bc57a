# lwIP's seams: lwipopts.h, arch/cc.h, sys_arch.c and the netif bridge.
PORT_SRCS := port/lwip/ethif.c port/lwip/sys_arch.c
PORT_INC  := -Iport/lwip
