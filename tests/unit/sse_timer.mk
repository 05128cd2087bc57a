# ARM SSE system timer: the compare value for a millisecond deadline, the
# clock's conversion, and the driver over a plain-memory timer frame.
UNIT_SUITES += sse_timer
sse_timer_SRCS := tests/unit/test_sse_timer.c drivers/timer/sse/sse_timer.c
