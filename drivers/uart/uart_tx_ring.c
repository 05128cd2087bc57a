/*
 * The console TX ring's pump and full-ring policy, shared by every UART
 * driver (see uart_tx_ring.h for the rules).
 */
#include "uart_tx_ring.h"

void uart_tx_ring_init(struct uart_tx_ring *r, const struct uart_tx_port *port)
{
	r->port = port;
	r->head = r->tail = 0;
	r->dropped = 0;
	r->dropping = false;
	r->irq_on = false;
}

/* Only changes reach the UART: the producer pumps on every byte. */
static void uart_tx_ring_irq(struct uart_tx_ring *r, bool on)
{
	if (r->irq_on != on) {
		r->irq_on = on;
		r->port->irq(on);
	}
}

void uart_tx_ring_pump(struct uart_tx_ring *r)
{
	const struct uart_tx_port *p = r->port;
	uint8_t b;

	for (;;) {
		while (p->room() && uart_tx_ring_get(r, &b))
			p->write(b);
		if (uart_tx_ring_empty(r)) {
			uart_tx_ring_irq(r, false);
			return;
		}
		uart_tx_ring_irq(r, true);
		/* An edge-triggered TX interrupt (CMSDK: TX full going clear)
		 * that came between the room() above and the enable is lost:
		 * if the UART has room now, fill it here instead. While it is
		 * full, its next edge comes with the interrupt enabled. */
		if (!p->room())
			return;
	}
}

bool uart_tx_ring_queue(struct uart_tx_ring *r, uint8_t b)
{
	/* Room first: a full ring over a UART that can take a byte is not
	 * full, and a byte refused there would be dropped at once while
	 * dropping. */
	uart_tx_ring_pump(r);
	if (!uart_tx_ring_put(r, b))
		return false;
	uart_tx_ring_accepted(r);
	uart_tx_ring_pump(r);
	return true;
}

bool uart_tx_ring_give_up(struct uart_tx_ring *r, uint32_t waited_ms)
{
	if (!r->dropping && waited_ms < UART_TX_RING_WAIT_MS)
		return false;
	r->dropping = true;
	r->dropped++;
	return true;
}
