# RFC 6528 ISNs and the SipHash-2-4 behind them.
UNIT_SUITES += isn
isn_SRCS := tests/unit/test_isn.c tcp/src/isn.c
