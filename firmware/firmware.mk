# Portable firmware sources, built for every board (selftest.c compiles to
# nothing unless the board defines FW_SELFTEST).
FW_SRCS := firmware/tcp/tcb.c firmware/tcp/tcp_api.c firmware/tcp/tcp_input.c \
	firmware/tcp/tcp_output.c firmware/tcp/tcp_raw.c firmware/tcp/tcp_stats.c \
	firmware/tcp/timewait.c firmware/tcp/isn.c firmware/cmd_tcp.c \
	firmware/console.c firmware/cmd_net.c \
	firmware/main.c firmware/selftest.c firmware/fw_util.c lwip-port/ethif.c lwip-port/sys_arch.c

# Services (services.h): echo, discard, daytime, the console client.
FW_SRCS += firmware/services.c firmware/svc_echo.c firmware/svc_discard.c \
	firmware/svc_daytime.c firmware/svc_client.c
