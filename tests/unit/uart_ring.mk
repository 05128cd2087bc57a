# Console TX ring the UART drivers share: order, wrap of the free-running
# indices, full-ring refusal and the bounded-wait-then-drop policy.
UNIT_SUITES += uart_ring
uart_ring_SRCS := tests/unit/test_uart_ring.c
