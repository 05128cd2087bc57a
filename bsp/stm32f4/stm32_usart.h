/*
 * USART console: interrupt-driven TX from a ring (TXE interrupt) and RX
 * into a ring the main loop drains; polled TX for fault paths. 115200 8N1.
 */
#ifndef STM32_USART_H
#define STM32_USART_H

#include <stdbool.h>
#include <stdint.h>

struct uart_tx_ring;

#ifndef STM32_USART_RX_BUF
#define STM32_USART_RX_BUF 256u     /* power of two */
#endif
#define STM32_USART_BAUD   115200u

struct stm32_usart_stats {
	uint32_t rx_overrun;    /* byte lost in the USART (ORE) */
	uint32_t rx_full;       /* byte dropped: ring full */
};

/** Configure the USART at `base` clocked at `pclk_hz` and enable its RX
 *  interrupt `irq` (the caller has clocked it and set its pins). */
void stm32_usart_init(uintptr_t base, uint32_t pclk_hz, int irq);
/** Polled blocking write of one byte, bypassing the ring (fault paths). */
void stm32_usart_putc(char c);
/** The console TX ring (for cm_console_putc and uart_tx_ring_dropped). */
struct uart_tx_ring *stm32_usart_tx_ring(void);
int stm32_usart_getc(void);
/** RXNE and TXE interrupt: move received bytes in, queued bytes out. */
void stm32_usart_isr(void);
const struct stm32_usart_stats *stm32_usart_stats(void);

#endif
