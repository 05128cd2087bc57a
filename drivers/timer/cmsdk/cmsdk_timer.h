/*
 * CMSDK APB timer (ARM DDI0479C, 4.4) as a one-shot deadline timer: a
 * 32-bit down-counter at PCLK that interrupts when it reaches zero. At
 * 25 MHz it holds ~171 s, less than 2MSL may be, so longer deadlines are
 * chained: the ISR reloads the counter with the remainder.
 */
#ifndef CMSDK_TIMER_H
#define CMSDK_TIMER_H

#include <stdbool.h>
#include <stdint.h>

/** Largest count the 32-bit counter takes. */
#define CMSDK_TIMER_MAX_LOAD 0xFFFFFFFFu

/** Longest leg of a chained deadline: the counter's maximum. Overridable
 *  only to watch chaining on the target without waiting 171 s. */
#ifndef CMSDK_TIMER_CHAIN_LOAD
#define CMSDK_TIMER_CHAIN_LOAD CMSDK_TIMER_MAX_LOAD
#endif

/* ---- pure time maths (host-tested, no hardware) ---- */

/** Counter ticks from `now_ms` until `at_ms` on a clock of `clk_hz`; 0
 *  when the deadline is now or past. Times wrap at 2^32 ms: `at_ms` is
 *  taken as past when it is more than 2^31 ms behind `now_ms`. */
uint64_t cmsdk_timer_ticks_until(uint32_t now_ms, uint32_t at_ms, uint32_t clk_hz);

/** Take the next counter load out of `*remaining` ticks (at most
 *  CMSDK_TIMER_CHAIN_LOAD); returns it and leaves the rest to chain.
 *  `*remaining` must be nonzero. */
uint32_t cmsdk_timer_next_load(uint64_t *remaining);

/** Ticks a free-running timer has counted: `wraps` full periods of
 *  2^32 ticks, plus the current down-count `value`, plus one period when
 *  the wrap interrupt is `pending` but its handler has not counted it. */
uint64_t cmsdk_timer_elapsed(uint32_t wraps, bool pending, uint32_t value);

/** Milliseconds in `ticks` of a `clk_hz` clock, wrapping at 2^32. */
uint32_t cmsdk_timer_ticks_to_ms(uint64_t ticks, uint32_t clk_hz);

/* ---- a free-running clock on one timer instance ---- */

/** Start the timer at `base` counting down from 2^32-1 forever, with an
 *  interrupt on each wrap. The NVIC line is the caller's. */
void cmsdk_clock_init(uintptr_t base);

/** Ticks since cmsdk_clock_init(), read consistently with the wrap
 *  count. Call with interrupts masked. */
uint64_t cmsdk_clock_ticks(void);

/** The clock timer's interrupt: count a wrap. */
void cmsdk_clock_isr(void);

/* ---- the deadline on one timer instance ---- */

/** Stop the timer at `base` and forget any deadline. */
void cmsdk_timer_init(uintptr_t base, uint32_t clk_hz);

/** Arm for `at_ms` (replacing any deadline); fires at once when due.
 *  Call with interrupts masked. */
void cmsdk_timer_arm(uint32_t now_ms, uint32_t at_ms);

/** Forget the deadline. Call with interrupts masked. */
void cmsdk_timer_cancel(void);

/** True once when the deadline has fired (clears the flag). */
bool cmsdk_timer_take_fired(void);

/** The timer's interrupt: chain the next load or flag the deadline. */
void cmsdk_timer_isr(void);

#endif
