# Portable firmware sources, built for every board.
FW_SRCS := firmware/tcp/tcp_stub.c firmware/console.c firmware/cmd_net.c
