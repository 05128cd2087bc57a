/*
 * Stellaris UART (LM3S6965 datasheet, TI SPMS001, "Universal
 * Asynchronous Receivers/Transmitters": a PL011 with 16-byte FIFOs) as
 * the console: RX into a ring from the interrupt, TX from the shared
 * ring (uart_tx_ring.c) the TX interrupt drains, polled TX for faults.
 * One instance, at the base address the board passes.
 */
#ifndef STELLARIS_UART_H
#define STELLARIS_UART_H

#include <stdbool.h>
#include <stdint.h>

struct uart_tx_ring;

/* Received bytes the RX ring holds for the main loop (a power of two).
 * The documented build-time knob FW_CONSOLE_RX_BYTES still sets it. */
#ifndef STELLARIS_UART_RX_BYTES
#ifdef FW_CONSOLE_RX_BYTES
#define STELLARIS_UART_RX_BYTES FW_CONSOLE_RX_BYTES
#else
#define STELLARIS_UART_RX_BYTES 256u
#endif
#endif

/** Drive the UART at `base` (its clock and pins already on): 8N1 at
 *  `baud` from the UART clock `clk_hz`, FIFOs on, RX and RX-timeout
 *  interrupts unmasked. The NVIC line is the caller's. */
void stellaris_uart_init(uintptr_t base, uint32_t clk_hz, uint32_t baud);

/** Make the UART at `base` send, polled, for the fault paths, which may
 *  run before stellaris_uart_init (then at 115200 from `clk_hz`). */
void stellaris_uart_tx_enable(uintptr_t base, uint32_t clk_hz);

/** The console TX ring (for cm_console_putc and uart_tx_ring_dropped). */
struct uart_tx_ring *stellaris_uart_tx_ring(void);

/** The UART's one interrupt: RX, RX timeout, overrun, TX. */
void stellaris_uart_isr(void);

/** Polled blocking write of one byte, bypassing the ring (fault paths). */
void stellaris_uart_putc(char c);

/** Blocking write of a string, byte for byte (no newline translation). */
void stellaris_uart_puts(const char *s);

/** Next received byte, or -1 when the ring is empty. */
int stellaris_uart_getc(void);

/** Bytes lost: the ring was full, or the UART overran. */
uint32_t stellaris_uart_rx_dropped(void);

/* ---- pure maths (host-tested) ---- */

/** UARTIBRD and UARTFBRD for `baud` from `clk_hz`: BRD = clk / (16 *
 *  baud), the fraction in 64ths, rounded ("Baud-Rate Generation"). */
void stellaris_uart_divisors(uint32_t clk_hz, uint32_t baud, uint32_t *ibrd, uint32_t *fbrd);

#endif
