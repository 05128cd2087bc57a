/*
 * CMSDK APB UART driver (ARM DDI0479C, 4.3). The UART holds one received
 * byte; the RX interrupt moves it to a ring so a console line can arrive
 * while the main loop is busy with traffic. Console TX goes through the
 * shared ring (uart_tx_ring.c) the TX interrupt drains, so a host that
 * stops reading cannot stall the network loop. cmsdk_uart_putc() stays
 * polled for the fault handlers, which run with the ring's interrupt dead.
 */
#include "cmsdk_uart.h"

#include "uart_tx_ring.h"

struct cmsdk_uart_regs {
	volatile uint32_t data;       /* 0x00 RX/TX data (bits 7:0) */
	volatile uint32_t state;      /* 0x04 TX full (0), RX full (1), TX/RX overrun (2, 3; W1C) */
	volatile uint32_t ctrl;       /* 0x08 TX en (0), RX en (1), TX/RX int en (2, 3), overrun int en (4, 5) */
	volatile uint32_t intstatus;  /* 0x0C TX (0), RX (1), TX/RX overrun (2, 3); write 1 to clear */
	volatile uint32_t bauddiv;    /* 0x10 baud divider, 16 minimum */
};

#define CMSDK_UART_STATE_TXFULL   (1u << 0)
#define CMSDK_UART_STATE_RXFULL   (1u << 1)
#define CMSDK_UART_STATE_RXOVR    (1u << 3)
#define CMSDK_UART_CTRL_TXEN      (1u << 0)
#define CMSDK_UART_CTRL_RXEN      (1u << 1)
#define CMSDK_UART_CTRL_TXINTEN   (1u << 2)
#define CMSDK_UART_CTRL_RXINTEN   (1u << 3)
#define CMSDK_UART_INT_TX         (1u << 0)
#define CMSDK_UART_INT_RX         (1u << 1)
#define CMSDK_UART_INT_RXOVR      (1u << 3)
#define CMSDK_UART_BAUDDIV_MIN    16u
#define CMSDK_UART_DEFAULT_BAUD   115200u

/* The board's UART, set by cmsdk_uart_init() or cmsdk_uart_tx_enable(). */
static struct cmsdk_uart_regs *cmsdk_uart;

/* Single producer (the RX interrupt) and single consumer (the main loop):
 * each index has one writer, so no lock is needed. */
static volatile uint8_t cmsdk_uart_ring[CMSDK_UART_RX_BYTES];
static volatile uint32_t cmsdk_uart_head;   /* written by the ISR */
static volatile uint32_t cmsdk_uart_tail;   /* written by the main loop */
static volatile uint32_t cmsdk_uart_dropped;
static struct uart_tx_ring cmsdk_uart_tx;

/* ---- the shared TX ring's view of this UART ---- */

/* The TX buffer holds one byte. */
static bool cmsdk_uart_tx_room(void)
{
	return (cmsdk_uart->state & CMSDK_UART_STATE_TXFULL) == 0;
}

static void cmsdk_uart_tx_write(uint8_t b)
{
	cmsdk_uart->data = b;
}

/* The TX interrupt is an edge, TX full going clear (4.3.2): enabled while
 * bytes wait it moves the next one; left on over an empty ring it would
 * fire once for every byte the producer wrote itself. */
static void cmsdk_uart_tx_irq(bool on)
{
	uint32_t ctrl = cmsdk_uart->ctrl;

	cmsdk_uart->ctrl = on ? ctrl | CMSDK_UART_CTRL_TXINTEN : ctrl & ~CMSDK_UART_CTRL_TXINTEN;
}

static const struct uart_tx_port cmsdk_uart_tx_port = {
	.room = cmsdk_uart_tx_room,
	.write = cmsdk_uart_tx_write,
	.irq = cmsdk_uart_tx_irq,
};

static uint32_t cmsdk_uart_div(uint32_t pclk_hz, uint32_t baud)
{
	uint32_t div = pclk_hz / baud;

	return div < CMSDK_UART_BAUDDIV_MIN ? CMSDK_UART_BAUDDIV_MIN : div;
}

void cmsdk_uart_tx_enable(uintptr_t base, uint32_t pclk_hz)
{
	cmsdk_uart = (struct cmsdk_uart_regs *)base;
	if (cmsdk_uart->bauddiv < CMSDK_UART_BAUDDIV_MIN)
		cmsdk_uart->bauddiv = cmsdk_uart_div(pclk_hz, CMSDK_UART_DEFAULT_BAUD);
	cmsdk_uart->ctrl |= CMSDK_UART_CTRL_TXEN;
}

void cmsdk_uart_init(uintptr_t base, uint32_t pclk_hz, uint32_t baud)
{
	cmsdk_uart = (struct cmsdk_uart_regs *)base;
	cmsdk_uart->ctrl = 0;
	cmsdk_uart->bauddiv = cmsdk_uart_div(pclk_hz, baud);
	cmsdk_uart->state = CMSDK_UART_STATE_RXOVR;
	cmsdk_uart->intstatus = CMSDK_UART_INT_TX | CMSDK_UART_INT_RX | CMSDK_UART_INT_RXOVR;
	cmsdk_uart_head = cmsdk_uart_tail = 0;
	uart_tx_ring_init(&cmsdk_uart_tx, &cmsdk_uart_tx_port);
	cmsdk_uart->ctrl = CMSDK_UART_CTRL_TXEN | CMSDK_UART_CTRL_RXEN | CMSDK_UART_CTRL_RXINTEN;
}

void cmsdk_uart_putc(char c)
{
	while (!cmsdk_uart_tx_room())
		;
	cmsdk_uart_tx_write((uint8_t)c);
}

struct uart_tx_ring *cmsdk_uart_tx_ring(void)
{
	return &cmsdk_uart_tx;
}

void cmsdk_uart_tx_isr(void)
{
	cmsdk_uart->intstatus = CMSDK_UART_INT_TX;
	uart_tx_ring_pump(&cmsdk_uart_tx);
}

void cmsdk_uart_puts(const char *s)
{
	while (*s != '\0')
		cmsdk_uart_putc(*s++);
}

int cmsdk_uart_getc(void)
{
	uint32_t tail = cmsdk_uart_tail;

	if (tail == cmsdk_uart_head)
		return -1;
	int c = cmsdk_uart_ring[tail % CMSDK_UART_RX_BYTES];
	cmsdk_uart_tail = tail + 1;
	return c;
}

void cmsdk_uart_rx_isr(void)
{
	/* Acknowledge before draining: a byte that lands after the last read
	 * raises the interrupt again instead of waiting for the next one. */
	cmsdk_uart->intstatus = CMSDK_UART_INT_RX;
	if (cmsdk_uart->state & CMSDK_UART_STATE_RXOVR) {
		cmsdk_uart->state = CMSDK_UART_STATE_RXOVR;
		cmsdk_uart_dropped++;
	}
	while (cmsdk_uart->state & CMSDK_UART_STATE_RXFULL) {
		uint8_t c = (uint8_t)cmsdk_uart->data;
		uint32_t head = cmsdk_uart_head;

		if (head - cmsdk_uart_tail >= CMSDK_UART_RX_BYTES) {
			cmsdk_uart_dropped++;
			continue;
		}
		cmsdk_uart_ring[head % CMSDK_UART_RX_BYTES] = c;
		cmsdk_uart_head = head + 1;
	}
}

uint32_t cmsdk_uart_rx_dropped(void)
{
	return cmsdk_uart_dropped;
}
