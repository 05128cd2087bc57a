# The TCP fuzz target (tests/fuzz/) replaying its committed seed corpus.
UNIT_SUITES += fuzz_replay
fuzz_replay_SRCS := tests/fuzz/replay.c tests/fuzz/fuzz_tcp.c \
	$(FW_TCP_SRCS)
