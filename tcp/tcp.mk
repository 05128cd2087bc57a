# The TCP engine: its one source list. Applications compile with
# FW_TCP_INC and see only tcp/include/fw_tcp.h; the engine's own files find
# their private headers beside them; white-box tests add FW_TCP_PRIV_INC.
FW_TCP_SRCS := $(addprefix tcp/src/,tcb.c tcp_api.c tcp_input.c tcp_output.c tcp_raw.c tcp_icmp.c \
	stats.c timewait.c isn.c rx.c liveness.c cc.c sack.c listen.c)
FW_TCP_INC      := -Itcp/include
FW_TCP_PRIV_INC := -Itcp/src
