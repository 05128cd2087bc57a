/*
 * CMSDK APB UART (ARM DDI0479C, 4.3) as the AN385 console on UART0:
 * interrupt-driven TX from a ring and RX into a ring; polled TX for faults.
 */
#ifndef CMSDK_UART_H
#define CMSDK_UART_H

#include <stdbool.h>
#include <stdint.h>

/** Set the baud divider from the peripheral clock, enable TX and RX and
 *  the RX interrupt. The NVIC line is the caller's. */
void cmsdk_uart_init(uint32_t pclk_hz, uint32_t baud);

/** Enable TX alone (fault paths that may run before cmsdk_uart_init). */
void cmsdk_uart_tx_enable(void);

/** Queue one byte for the TX interrupt and start an idle UART. Call with
 *  interrupts masked. False when the ring is full. */
bool cmsdk_uart_tx_queue(char c);

/** Full ring: true when a byte retried for `waited_ms` is to be dropped
 *  (counted; see uart_tx_ring_give_up). */
bool cmsdk_uart_tx_give_up(uint32_t waited_ms);

/** Console bytes dropped because the TX ring stayed full. */
uint32_t cmsdk_uart_tx_dropped(void);

/** TX interrupt: refill the UART from the ring. */
void cmsdk_uart_tx_isr(void);

/** Polled blocking write of one byte, bypassing the ring (fault paths). */
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
