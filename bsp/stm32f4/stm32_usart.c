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

void stm32_usart_init(uintptr_t base, uint32_t pclk_hz, int irq)
{
	usart_base = base;
	uart_tx_ring_reset(&usart_tx);
	stm32_wr(base + USART_CR1, 0);
	/* Oversampling by 16: BRR = fck / baud, rounded [30.3.4]. */
	stm32_wr(base + USART_BRR, (pclk_hz + STM32_USART_BAUD / 2u) / STM32_USART_BAUD);
	stm32_wr(base + USART_CR1, USART_CR1_UE | USART_CR1_TE | USART_CR1_RE | USART_CR1_RXNEIE);
	cm_nvic_enable((unsigned)irq);
}

void stm32_usart_putc(char c)
{
	while ((stm32_rd(usart_base + USART_SR) & USART_SR_TXE) == 0)
		;
	stm32_wr(usart_base + USART_DR, (uint8_t)c);
}

/* Fill DR while TXE says it is empty; TXEIE stays on only while bytes
 * wait, because TXE is a level and would interrupt forever [30.6.4].
 * QEMU 7.2's USART sends each DR write at once (TXE always set) and does
 * not rely on TXEIE, so there the producer's own call drains the ring. */
static void usart_tx_pump(void)
{
	uint8_t b;

	while ((stm32_rd(usart_base + USART_SR) & USART_SR_TXE) != 0 &&
	    uart_tx_ring_get(&usart_tx, &b))
		stm32_wr(usart_base + USART_DR, b);
	uint32_t cr1 = stm32_rd(usart_base + USART_CR1);
	uint32_t want = uart_tx_ring_empty(&usart_tx) ? cr1 & ~USART_CR1_TXEIE :
	    cr1 | USART_CR1_TXEIE;
	if (want != cr1)
		stm32_wr(usart_base + USART_CR1, want);
}

bool stm32_usart_tx_queue(char c)
{
	if (!uart_tx_ring_put(&usart_tx, (uint8_t)c)) {
		usart_tx_pump();
		return false;
	}
	uart_tx_ring_accepted(&usart_tx);
	usart_tx_pump();
	return true;
}

bool stm32_usart_tx_give_up(uint32_t waited_ms)
{
	return uart_tx_ring_give_up(&usart_tx, waited_ms);
}

uint32_t stm32_usart_tx_dropped(void)
{
	return usart_tx.dropped;
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
	usart_tx_pump();
}

const struct stm32_usart_stats *stm32_usart_stats(void)
{
	return &usart_st;
}
