# CMSDK APB timer: deadline time maths, chaining of long deadlines, the
# free-running clock's wrap accounting (pure functions plus the drivers over
# a plain-memory register block).
UNIT_SUITES += cmsdk_timer
cmsdk_timer_SRCS := tests/unit/test_cmsdk_timer.c drivers/timer/cmsdk/cmsdk_timer.c
