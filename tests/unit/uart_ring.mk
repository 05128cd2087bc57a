# Console TX ring the UART drivers share: order, wrap of the free-running
# indices, full-ring refusal, the pump's TX-interrupt rule over a fake
# edge-triggered UART, and the console's bounded-wait-then-drop policy.
UNIT_SUITES += uart_ring
uart_ring_SRCS := tests/unit/test_uart_ring.c drivers/uart/uart_tx_ring.c bsp/cortex-m/cm_console.c
