# TIME_WAIT table: timing, FIFO, hash, RFC 9293/1337/1122 input handling.
UNIT_SUITES += timewait
timewait_SRCS := tests/unit/test_timewait.c tcp/src/timewait.c tcp/src/stats.c
