/*
 * The Stellaris LM3S family: what the family's startup (lm3s_startup.c)
 * and system control (lm3s_sysctl.c) define, and what they need from the
 * board folder. The chip's own map is lm3s6965.h.
 */
#ifndef LM3S_H
#define LM3S_H

#include <stdbool.h>
#include <stdint.h>

/** The console UART, which the fault handlers write to polled, perhaps
 *  before board_init(): the board folder's board.c defines it. */
struct lm3s_console {
	uintptr_t uart_base;
};
extern const struct lm3s_console lm3s_console;

/* ---- system control (lm3s_sysctl.c) ---- */

/** The system clock after lm3s_clock_init(), and how it was reached. */
struct lm3s_clock {
	uint32_t sysclk_hz;
	const char *source;         /* "pll-xtal", or why not */
};

/** Run from the PLL at 50 MHz off the 8 MHz crystal (the datasheet's
 *  PLL set-up order, every wait bounded). */
struct lm3s_clock lm3s_clock_init(void);

/** The system clock as lm3s_clock_init() left it (the reset clock
 *  before): for the fault handlers' UART. */
uint32_t lm3s_sysclk_hz(void);

/** Clock the peripherals in RCGC1/RCGC2 (bits OR-ed in), then wait the
 *  few system clocks the datasheet asks before they are touched. */
void lm3s_clock_gate(uint32_t rcgc1, uint32_t rcgc2);

/** The station address programmed into USER0/USER1 (each holds three
 *  octets, the first in bits 7:0). False when they were never
 *  programmed (all ones): mac[] is left alone. */
bool lm3s_user_mac(uint8_t mac[6]);

/* ---- startup (lm3s_startup.c) ---- */

typedef void (*lm3s_vector_t)(void);
extern const lm3s_vector_t lm3s_vectors[];

void Reset_Handler(void);
void Default_Handler(void);   /* HardFault_Handler is bsp/cortex-m/cm_fault.c's */

/* ---- handlers the board's board.c defines ---- */
void SysTick_Handler(void);
void UART0_IRQHandler(void);
void TIMER0A_IRQHandler(void);
void TIMER1A_IRQHandler(void);
void ETH_IRQHandler(void);

#endif
