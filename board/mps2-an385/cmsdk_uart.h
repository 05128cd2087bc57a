/*
 * CMSDK APB UART (ARM DDI0479C, 4.3) as the AN385 console on UART0:
 * polled TX, interrupt-driven RX into a ring the main loop reads.
 */
#ifndef CMSDK_UART_H
#define CMSDK_UART_H

#include <stdint.h>

/** Set the baud divider from the peripheral clock, enable TX and RX and
 *  the RX interrupt. The NVIC line is the caller's. */
void cmsdk_uart_init(uint32_t pclk_hz, uint32_t baud);

/** Enable TX alone (fault paths that may run before cmsdk_uart_init). */
void cmsdk_uart_tx_enable(void);

/** Blocking write of one byte. */
void cmsdk_uart_putc(char c);

/** Blocking write of a string, byte for byte (no newline translation). */
void cmsdk_uart_puts(const char *s);

/** Next received byte, or -1 when the ring is empty. */
int cmsdk_uart_getc(void);

/** RX interrupt: move every waiting byte into the ring. */
void cmsdk_uart_rx_isr(void);

/** Bytes lost because the ring was full or the UART overran. */
uint32_t cmsdk_uart_rx_dropped(void);

#endif
