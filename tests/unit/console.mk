# Console line editor, dispatcher and the network commands, and the
# console's address text, against a fake board UART and the host lwIP core.
UNIT_SUITES += console
console_SRCS := tests/unit/test_console.c app/console.c app/cmd_net.c app/fw_ip.c
