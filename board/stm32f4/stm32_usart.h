/*
 * USART console: blocking TX, interrupt-driven RX into a ring the main
 * loop drains. 115200 8N1.
 */
#ifndef STM32_USART_H
#define STM32_USART_H

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
void stm32_usart_putc(char c);
int stm32_usart_getc(void);
void stm32_usart_isr(void);
const struct stm32_usart_stats *stm32_usart_stats(void);

#endif
