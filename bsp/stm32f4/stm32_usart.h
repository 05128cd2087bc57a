/*
 * USART console: interrupt-driven TX from a ring (TXE interrupt) and RX
 * into a ring the main loop drains; polled TX for fault paths. 115200 8N1.
 */
#ifndef STM32_USART_H
#define STM32_USART_H

#include <stdbool.h>
#include <stdint.h>

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
/** Queue one byte for the TXE interrupt and fill an empty DR. Call with
 *  interrupts masked. False when the ring is full. */
bool stm32_usart_tx_queue(char c);
/** Full ring: true when a byte retried for `waited_ms` is to be dropped
 *  (counted; see uart_tx_ring_give_up). */
bool stm32_usart_tx_give_up(uint32_t waited_ms);
/** Console bytes dropped because the TX ring stayed full. */
uint32_t stm32_usart_tx_dropped(void);
int stm32_usart_getc(void);
/** RXNE and TXE interrupt: move received bytes in, queued bytes out. */
void stm32_usart_isr(void);
const struct stm32_usart_stats *stm32_usart_stats(void);

#endif
