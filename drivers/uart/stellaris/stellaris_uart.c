/*
 * Stellaris UART driver (LM3S6965 datasheet, TI SPMS001, "Universal
 * Asynchronous Receivers/Transmitters", register descriptions UARTDR to
 * UARTICR). RX: the 16-byte FIFO interrupts at 1/8 full (2 bytes) or,
 * for a lone byte, on the receive timeout (32 bit periods idle); the
 * handler moves what is there into a ring for the main loop. TX goes
 * through the shared ring (uart_tx_ring.c).
 *
 * QEMU's model (hw/char/pl011.c, "pl011_luminary") sends each UARTDR
 * write at once, so TXFF never sets and the producer's own pump drains
 * the ring; it raises RX on the first byte whatever UARTIFLS says and has
 * no receive timeout. Both are served by the same handler.
 */
#include "stellaris_uart.h"

#include "uart_tx_ring.h"

#define UART_DR        0x000u   /* data; bits 11:8 the byte's errors (OE bit 11) */
#define UART_RSR       0x004u   /* receive status; write: error clear (UARTECR) */
#define UART_FR        0x018u   /* flags */
#define UART_IBRD      0x024u   /* integer baud divisor */
#define UART_FBRD      0x028u   /* fractional baud divisor (64ths) */
#define UART_LCRH      0x02Cu   /* line control; written after IBRD/FBRD, which it latches */
#define UART_CTL       0x030u   /* control */
#define UART_IFLS      0x034u   /* FIFO interrupt levels */
#define UART_IM        0x038u   /* interrupt mask: 1 lets the source interrupt */
#define UART_MIS       0x040u   /* masked interrupt status */
#define UART_ICR       0x044u   /* interrupt clear: write 1 */

#define UART_DR_OE       (1u << 11)
#define UART_FR_RXFE     (1u << 4)
#define UART_FR_TXFF     (1u << 5)
#define UART_LCRH_FEN    (1u << 4)
#define UART_LCRH_WLEN_8 (3u << 5)
#define UART_CTL_UARTEN  (1u << 0)
#define UART_CTL_TXE     (1u << 8)
#define UART_CTL_RXE     (1u << 9)
#define UART_IFLS_1_8    0u       /* TX at <= 1/8 full, RX at >= 1/8 full */
#define UART_INT_RX      (1u << 4)
#define UART_INT_TX      (1u << 5)
#define UART_INT_RT      (1u << 6)
#define UART_INT_OE      (1u << 10)
#define UART_INT_ALL     0x7F0u
#define UART_FAULT_BAUD  115200u
#define UART_FBRD_BITS   6u

#define UART_RX_MASK (STELLARIS_UART_RX_BYTES - 1u)
_Static_assert((STELLARIS_UART_RX_BYTES & UART_RX_MASK) == 0,
    "STELLARIS_UART_RX_BYTES (FW_CONSOLE_RX_BYTES): power of two");

static uintptr_t suart_base;

/* Single producer (the ISR, writes head), single consumer (the main
 * loop, writes tail): each index has one writer, so no lock. */
static volatile uint8_t suart_rx[STELLARIS_UART_RX_BYTES];
static volatile uint32_t suart_head;
static volatile uint32_t suart_tail;
static volatile uint32_t suart_dropped;
static struct uart_tx_ring suart_tx;

static inline uint32_t suart_rd(uint32_t off)
{
	return *(volatile uint32_t *)(suart_base + off);
}

static inline void suart_wr(uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)(suart_base + off) = val;
}

void stellaris_uart_divisors(uint32_t clk_hz, uint32_t baud, uint32_t *ibrd, uint32_t *fbrd)
{
	/* 64 * clk / (16 * baud), rounded to the nearest 64th */
	uint32_t div64 = (uint32_t)(((uint64_t)clk_hz * 4u + baud / 2u) / baud);

	*ibrd = div64 >> UART_FBRD_BITS;
	*fbrd = div64 & ((1u << UART_FBRD_BITS) - 1u);
}

/* ---- the shared TX ring's view of this UART ---- */

static bool suart_tx_room(void)
{
	return (suart_rd(UART_FR) & UART_FR_TXFF) == 0;
}

static void suart_tx_write(uint8_t b)
{
	suart_wr(UART_DR, b);
}

/* With the FIFO on, TX interrupts as the FIFO drains through its level:
 * enabled only while bytes wait, so it never fires for nothing. */
static void suart_tx_irq(bool on)
{
	uint32_t im = suart_rd(UART_IM);

	suart_wr(UART_IM, on ? im | UART_INT_TX : im & ~UART_INT_TX);
}

static const struct uart_tx_port suart_tx_port = {
	.room = suart_tx_room,
	.write = suart_tx_write,
	.irq = suart_tx_irq,
};

/* The datasheet's order: UART off, divisors, then line control, then on. */
static void suart_setup(uint32_t clk_hz, uint32_t baud, uint32_t ctl)
{
	uint32_t ibrd, fbrd;

	stellaris_uart_divisors(clk_hz, baud, &ibrd, &fbrd);
	suart_wr(UART_CTL, 0);
	suart_wr(UART_IBRD, ibrd);
	suart_wr(UART_FBRD, fbrd);
	suart_wr(UART_LCRH, UART_LCRH_WLEN_8 | UART_LCRH_FEN);
	suart_wr(UART_CTL, ctl);
}

void stellaris_uart_tx_enable(uintptr_t base, uint32_t clk_hz)
{
	suart_base = base;
	if ((suart_rd(UART_CTL) & (UART_CTL_UARTEN | UART_CTL_TXE)) !=
	    (UART_CTL_UARTEN | UART_CTL_TXE))
		suart_setup(clk_hz, UART_FAULT_BAUD, UART_CTL_UARTEN | UART_CTL_TXE);
}

void stellaris_uart_init(uintptr_t base, uint32_t clk_hz, uint32_t baud)
{
	suart_base = base;
	suart_head = suart_tail = 0;
	suart_wr(UART_IM, 0);
	uart_tx_ring_init(&suart_tx, &suart_tx_port);
	suart_setup(clk_hz, baud, UART_CTL_UARTEN | UART_CTL_TXE | UART_CTL_RXE);
	suart_wr(UART_IFLS, UART_IFLS_1_8);
	suart_wr(UART_RSR, 0);   /* UARTECR: clear the error flags */
	suart_wr(UART_ICR, UART_INT_ALL);
	suart_wr(UART_IM, UART_INT_RX | UART_INT_RT | UART_INT_OE);
}

void stellaris_uart_putc(char c)
{
	while (!suart_tx_room())
		;
	suart_tx_write((uint8_t)c);
}

void stellaris_uart_puts(const char *s)
{
	while (*s != '\0')
		stellaris_uart_putc(*s++);
}

struct uart_tx_ring *stellaris_uart_tx_ring(void)
{
	return &suart_tx;
}

int stellaris_uart_getc(void)
{
	uint32_t tail = suart_tail;

	if (tail == suart_head)
		return -1;
	int c = suart_rx[tail & UART_RX_MASK];
	suart_tail = tail + 1u;
	return c;
}

/* Everything in the RX FIFO into the ring; an overrun flagged on a byte
 * (UARTDR.OE) or by the interrupt counts as one lost byte. */
static void suart_rx_drain(void)
{
	while ((suart_rd(UART_FR) & UART_FR_RXFE) == 0) {
		uint32_t d = suart_rd(UART_DR);
		uint32_t head = suart_head;

		if (d & UART_DR_OE)
			suart_dropped++;
		if (head - suart_tail >= STELLARIS_UART_RX_BYTES) {
			suart_dropped++;
			continue;
		}
		suart_rx[head & UART_RX_MASK] = (uint8_t)d;
		suart_head = head + 1u;
	}
}

void stellaris_uart_isr(void)
{
	uint32_t mis = suart_rd(UART_MIS);

	/* Clear before draining: a byte that lands after the last read
	 * raises the interrupt again instead of waiting for the next one. */
	suart_wr(UART_ICR, mis);
	if (mis & UART_INT_OE) {
		suart_wr(UART_RSR, 0);
		suart_dropped++;
	}
	suart_rx_drain();
	if (mis & UART_INT_TX)
		uart_tx_ring_pump(&suart_tx);
}

uint32_t stellaris_uart_rx_dropped(void)
{
	return suart_dropped;
}
