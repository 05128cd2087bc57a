/*
 * USART console [RM0090 30]: RX into a ring the main loop drains, TX from
 * the shared ring (uart_tx_ring.c) the TXE interrupt drains.
 */
#include "stm32_usart.h"

#include "cortex_m.h"
#include "stm32f4_regs.h"
#include "uart_tx_ring.h"

#define USART_RX_MASK (STM32_USART_RX_BUF - 1u)
_Static_assert((STM32_USART_RX_BUF & USART_RX_MASK) == 0, "STM32_USART_RX_BUF: power of two");

static uintptr_t usart_base;
static uint8_t usart_rx[STM32_USART_RX_BUF];
static volatile uint32_t usart_head;    /* written by the ISR only */
static volatile uint32_t usart_tail;    /* written by the main loop only */
static struct stm32_usart_stats usart_st;
static struct uart_tx_ring usart_tx;

/* ---- the shared TX ring's view of this USART ---- */

/* QEMU 7.2's USART sends each DR write at once (TXE always set) and does
 * not rely on TXEIE, so there the producer's own pump drains the ring. */
static bool usart_tx_room(void)
{
	return (stm32_rd(usart_base + USART_SR) & USART_SR_TXE) != 0;
}

static void usart_tx_write(uint8_t b)
{
	stm32_wr(usart_base + USART_DR, b);
}

/* TXE is a level: TXEIE left on over an empty ring would interrupt
 * forever [30.6.4]. */
static void usart_tx_irq(bool on)
{
	uint32_t cr1 = stm32_rd(usart_base + USART_CR1);

	stm32_wr(usart_base + USART_CR1, on ? cr1 | USART_CR1_TXEIE : cr1 & ~USART_CR1_TXEIE);
}

static const struct uart_tx_port usart_tx_port = {
	.room = usart_tx_room,
	.write = usart_tx_write,
	.irq = usart_tx_irq,
};

void stm32_usart_init(uintptr_t base, uint32_t pclk_hz, int irq)
{
	usart_base = base;
	uart_tx_ring_init(&usart_tx, &usart_tx_port);
	stm32_wr(base + USART_CR1, 0);
	/* Oversampling by 16: BRR = fck / baud, rounded [30.3.4]. */
	stm32_wr(base + USART_BRR, (pclk_hz + STM32_USART_BAUD / 2u) / STM32_USART_BAUD);
	stm32_wr(base + USART_CR1, USART_CR1_UE | USART_CR1_TE | USART_CR1_RE | USART_CR1_RXNEIE);
	cm_nvic_enable((unsigned)irq);
}

void stm32_usart_putc(char c)
{
	while (!usart_tx_room())
		;
	usart_tx_write((uint8_t)c);
}

struct uart_tx_ring *stm32_usart_tx_ring(void)
{
	return &usart_tx;
}

int stm32_usart_getc(void)
{
	uint32_t t = usart_tail;

	if (t == usart_head) {
		/* QEMU 7.2's USART can leave a byte in DR with RXNE set and
		 * its IRQ lowered (one arriving while DR is read); take it
		 * here. Harmless on silicon: RXNE is then clear. */
		uint32_t s = cm_irq_save();
		stm32_usart_isr();
		cm_irq_restore(s);
		if (t == usart_head)
			return -1;
	}
	int c = usart_rx[t & USART_RX_MASK];
	usart_tail = t + 1u;
	return c;
}

static void usart_rx_take(void)
{
	/* Reading SR then DR clears RXNE and ORE together [30.6.1]. */
	uint32_t sr = stm32_rd(usart_base + USART_SR);

	if ((sr & (USART_SR_RXNE | USART_SR_ORE)) == 0)
		return;
	uint8_t b = (uint8_t)stm32_rd(usart_base + USART_DR);
	if (sr & USART_SR_ORE)
		usart_st.rx_overrun++;
	uint32_t h = usart_head;
	if (h - usart_tail >= STM32_USART_RX_BUF) {
		usart_st.rx_full++;
		return;
	}
	usart_rx[h & USART_RX_MASK] = b;
	usart_head = h + 1u;
}

void stm32_usart_isr(void)
{
	usart_rx_take();
	uart_tx_ring_pump(&usart_tx);
}

const struct stm32_usart_stats *stm32_usart_stats(void)
{
	return &usart_st;
}
