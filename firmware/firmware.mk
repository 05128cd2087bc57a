# Portable firmware sources, built for every board.
FW_SRCS := firmware/tcp/tcp_stub.c firmware/console.c firmware/cmd_net.c \
	firmware/main.c firmware/fw_util.c lwip-port/ethif.c lwip-port/sys_arch.c
