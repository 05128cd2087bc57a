/*
 * Console TX ring (drivers/uart/uart_tx_ring.h): the main loop is the producer,
 * the TX interrupt the consumer. These tests play both sides in turn.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "uart_tx_ring.h"

static struct uart_tx_ring ring;

static int setup(void **state)
{
	(void)state;
	memset(&ring, 0xa5, sizeof ring);
	uart_tx_ring_reset(&ring);
	return 0;
}

static void test_bytes_leave_in_order(void **state)
{
	uint8_t b;

	(void)state;
	assert_true(uart_tx_ring_empty(&ring));
	assert_false(uart_tx_ring_get(&ring, &b));
	for (unsigned i = 0; i < 10; i++)
		assert_true(uart_tx_ring_put(&ring, (uint8_t)('a' + i)));
	for (unsigned i = 0; i < 10; i++) {
		assert_true(uart_tx_ring_get(&ring, &b));
		assert_int_equal(b, 'a' + i);
	}
	assert_true(uart_tx_ring_empty(&ring));
}

static void test_full_ring_refuses_and_keeps_contents(void **state)
{
	uint8_t b;

	(void)state;
	for (unsigned i = 0; i < UART_TX_RING_BYTES; i++)
		assert_true(uart_tx_ring_put(&ring, (uint8_t)i));
	assert_true(uart_tx_ring_full(&ring));
	assert_false(uart_tx_ring_put(&ring, 0xff));
	for (unsigned i = 0; i < UART_TX_RING_BYTES; i++) {
		assert_true(uart_tx_ring_get(&ring, &b));
		assert_int_equal(b, (uint8_t)i);
	}
	assert_false(uart_tx_ring_get(&ring, &b));
}

/* The indices run free and wrap at 2^32: the fill level must stay right
 * across the wrap (power-of-two size). */
static void test_indices_wrap(void **state)
{
	uint8_t b;

	(void)state;
	ring.head = ring.tail = UINT32_MAX - 2u;
	for (unsigned i = 0; i < UART_TX_RING_BYTES; i++)
		assert_true(uart_tx_ring_put(&ring, (uint8_t)(i * 7u)));
	assert_false(uart_tx_ring_put(&ring, 0));
	for (unsigned i = 0; i < UART_TX_RING_BYTES; i++) {
		assert_true(uart_tx_ring_get(&ring, &b));
		assert_int_equal(b, (uint8_t)(i * 7u));
	}
	assert_true(uart_tx_ring_empty(&ring));
}

/* A full ring waits up to UART_TX_RING_WAIT_MS, then drops and counts;
 * the rest of the burst drops at once; a byte that fits ends it. */
static void test_wait_then_drop_burst(void **state)
{
	uint8_t b;

	(void)state;
	while (uart_tx_ring_put(&ring, 'x'))
		;
	assert_false(uart_tx_ring_give_up(&ring, 0));
	assert_false(uart_tx_ring_give_up(&ring, UART_TX_RING_WAIT_MS - 1u));
	assert_int_equal(ring.dropped, 0);
	assert_true(uart_tx_ring_give_up(&ring, UART_TX_RING_WAIT_MS));
	assert_int_equal(ring.dropped, 1);
	assert_true(uart_tx_ring_give_up(&ring, 0));
	assert_true(uart_tx_ring_give_up(&ring, 0));
	assert_int_equal(ring.dropped, 3);

	assert_true(uart_tx_ring_get(&ring, &b));
	assert_true(uart_tx_ring_put(&ring, 'y'));
	uart_tx_ring_accepted(&ring);
	assert_false(uart_tx_ring_give_up(&ring, 0));
	assert_int_equal(ring.dropped, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_bytes_leave_in_order, setup),
		cmocka_unit_test_setup(test_full_ring_refuses_and_keeps_contents, setup),
		cmocka_unit_test_setup(test_indices_wrap, setup),
		cmocka_unit_test_setup(test_wait_then_drop_burst, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
