# The TCP engine: scripted exchanges over a fake netif (tests/unit/tcp/),
# with the real TIME_WAIT table and ISN generator.
UNIT_SUITES += tcp
tcp_SRCS := tests/unit/tcp/harness.c tests/unit/tcp/test_teardown.c tests/unit/tcp/test_rst_syn.c tests/unit/tcp/test_listen.c \
	tests/unit/tcp/test_open_data.c tests/unit/tcp/test_hardening.c tests/unit/tcp/test_coalesce.c tests/unit/tcp/test_recovery.c tests/unit/tcp/test_api.c tests/unit/tcp/test_icmp.c \
	tests/unit/tcp/test_challenge.c tests/unit/tcp/test_tw_reopen.c \
	tests/unit/tcp/test_rxbudget.c tests/unit/tcp/test_synflood.c \
	tests/unit/tcp/test_liveness.c tests/unit/tcp/test_cc.c tests/unit/tcp/test_nagle.c tests/unit/tcp/test_sack.c \
	tests/unit/tcp/test_delack.c tests/unit/tcp/test_ipv6.c \
	tests/unit/tcp/test_altcp_fw.c port/lwip/altcp_fw.c port/lwip/tcp_fw.c \
	$(FW_TCP_SRCS)
