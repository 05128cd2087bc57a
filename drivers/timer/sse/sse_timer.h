/*
 * ARM SSE system timer as the board's clock and its one-shot deadline
 * (SSE-300 TRM, "System timer" and "System counter"; the SSE-123 TRM
 * describes the same blocks). The system counter is a 64-bit up-counter
 * that never wraps in practice (at 32 MHz, after 18,000 years); a timer
 * frame reads it as CNTPCT and interrupts while CNTPCT >= CNTP_CVAL. One
 * frame is enough for both jobs: the clock reads CNTPCT, the deadline is
 * an absolute compare value, so nothing is chained and nothing counts
 * interrupts.
 */
#ifndef SSE_TIMER_H
#define SSE_TIMER_H

#include <stdbool.h>
#include <stdint.h>

/* ---- pure time maths (host-tested, no hardware) ---- */

/** Milliseconds in `ticks` of a `clk_hz` counter, wrapping at 2^32. */
uint32_t sse_timer_ticks_to_ms(uint64_t ticks, uint32_t clk_hz);

/** The count at which sse_timer_ticks_to_ms() first reads `at_ms`, seen
 *  from the count `now`; 0 when `at_ms` is now or past. Times wrap at
 *  2^32 ms: `at_ms` is past when it is more than 2^31 ms behind. */
uint64_t sse_timer_compare_for(uint64_t now, uint32_t at_ms, uint32_t clk_hz);

/* ---- the system counter ---- */

/** Start the system counter whose control frame is at `ctrl_base`
 *  (CNTCR.EN). It counts at its input clock; until it runs, every timer
 *  frame's CNTPCT stands still. Secure-only. */
void sse_counter_start(uintptr_t ctrl_base);

/* ---- one timer frame as clock and deadline ---- */

/** Take the timer frame at `base`, fed by a counter at `clk_hz`: record
 *  the frequency in CNTFRQ, stop the timer, forget any deadline. */
void sse_timer_init(uintptr_t base, uint32_t clk_hz);

/** The counter's value (CNTPCT), read consistently across its halves. */
uint64_t sse_timer_ticks(void);

/** Arm for `at_ms` of sse_timer_ticks_to_ms() time (replacing any
 *  deadline); fires at once when due. Call with interrupts masked. */
void sse_timer_arm(uint32_t at_ms);

/** Stop the timer and forget the deadline; its interrupt line is low
 *  afterwards. Call with interrupts masked. */
void sse_timer_cancel(void);

/** True once when the deadline has fired (clears the flag). */
bool sse_timer_take_fired(void);

/** The timer's interrupt: flag the deadline and stop the timer, which
 *  drops the line (it is level: high while CNTPCT >= CNTP_CVAL). */
void sse_timer_isr(void);

#endif
