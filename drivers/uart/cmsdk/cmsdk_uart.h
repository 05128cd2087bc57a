/*
 * CMSDK APB UART (ARM DDI0479C, 4.3) as a console: interrupt-driven TX
 * from a ring and RX into a ring; polled TX for faults. One instance, at
 * the base address the board passes.
 */
#ifndef CMSDK_UART_H
#define CMSDK_UART_H

#include <stdbool.h>
#include <stdint.h>

struct uart_tx_ring;

/* Received bytes the RX ring holds for the main loop. The documented
 * build-time knob FW_CONSOLE_RX_BYTES still sets it. */
#ifndef CMSDK_UART_RX_BYTES
#ifdef FW_CONSOLE_RX_BYTES
#define CMSDK_UART_RX_BYTES FW_CONSOLE_RX_BYTES
#else
#define CMSDK_UART_RX_BYTES 256u
#endif
#endif

/** Drive the UART at `base`: set the baud divider from its clock
 *  `pclk_hz`, enable TX, RX and the RX interrupt. The NVIC lines are the
 *  caller's. */
void cmsdk_uart_init(uintptr_t base, uint32_t pclk_hz, uint32_t baud);

/** Enable TX alone on the UART at `base`, polled, for the fault paths,
 *  which may run before cmsdk_uart_init. */
void cmsdk_uart_tx_enable(uintptr_t base, uint32_t pclk_hz);

/** The console TX ring (for cm_console_putc and uart_tx_ring_dropped). */
struct uart_tx_ring *cmsdk_uart_tx_ring(void);

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
