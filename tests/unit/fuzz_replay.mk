# The TCP fuzz target (tests/fuzz/) replaying its committed seed corpus.
UNIT_SUITES += fuzz_replay
fuzz_replay_SRCS := tests/fuzz/replay.c tests/fuzz/fuzz_tcp.c \
	firmware/tcp/tcb.c firmware/tcp/tcp_api.c firmware/tcp/tcp_input.c firmware/tcp/tcp_output.c \
	firmware/tcp/tcp_raw.c firmware/tcp/tcp_stats.c firmware/tcp/timewait.c firmware/tcp/isn.c
