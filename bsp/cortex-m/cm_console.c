/*
 * The console's bounded wait around the UART driver's TX ring (board.h,
 * board_console_putc): output stays complete while the host reads, and a
 * console nobody reads costs the network loop one short wait, not a stall.
 */
#include "cm_console.h"

#include <stdbool.h>
#include <stdint.h>

#include "board.h"
#include "cortex_m.h"
#include "uart_tx_ring.h"

void cm_console_putc(struct uart_tx_ring *tx, char c)
{
	uint32_t start = board_now_ms();

	for (;;) {
		uint32_t s = cm_irq_save();
		bool queued = uart_tx_ring_queue(tx, (uint8_t)c);
		cm_irq_restore(s);
		if (queued || uart_tx_ring_give_up(tx, board_now_ms() - start))
			return;
	}
}
