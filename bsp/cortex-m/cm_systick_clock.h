/*
 * SysTick running free as a board's millisecond clock, for a part whose
 * timers cannot be read where the firmware runs (QEMU's LM3S6965 GPTM
 * reads 0). The 24-bit counter reloads from 2^24 - 1 at the processor
 * clock and interrupts on each wrap, which the handler counts; a reading
 * is the wrap count and the current value together, so a late or
 * coalesced interrupt costs nothing unless a whole period (2^24 cycles,
 * ~335 ms at 50 MHz) passes with the handler unable to run. Counting 1 ms
 * tick interrupts instead loses every tick QEMU delivers late.
 */
#ifndef CM_SYSTICK_CLOCK_H
#define CM_SYSTICK_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define CM_SYSTICK_PERIOD_BITS 24u

/** Ticks counted: `wraps` whole periods, plus the down-count `cvr` into
 *  the current one, plus one period when the wrap is `pending` but its
 *  handler has not counted it (pure; host-tested). */
uint64_t cm_systick_elapsed(uint32_t wraps, bool pending, uint32_t cvr);

/** Start SysTick counting from 2^24 - 1 forever at the processor clock,
 *  its wrap exception at priority `prio`. */
void cm_systick_clock_init(uint8_t prio);

/** Processor clock ticks since cm_systick_clock_init(), read
 *  consistently with the wrap count. Call with interrupts masked. */
uint64_t cm_systick_clock_ticks(void);

/** SysTick_Handler: count a wrap. */
void cm_systick_clock_isr(void);

#endif
