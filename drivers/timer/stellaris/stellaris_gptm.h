/*
 * Stellaris General-Purpose Timer Module (LM3S6965 datasheet, TI
 * SPMS001, "General-Purpose Timers") in 32-bit mode, two ways: one
 * instance as board.h's one-shot deadline, another as a periodic
 * wake-up tick. At 50 MHz the 32-bit counter holds ~85.9 s, less than
 * 2MSL may be, so a longer deadline runs as a chain of legs of at most
 * STELLARIS_GPTM_LEG_MS.
 *
 * QEMU 7.2's model of the GPTM implements exactly these two
 * modes (32-bit one-shot and periodic; no 16-bit modes, no prescaler)
 * and cannot read the counter (GPTMTAR reads 0): nothing here reads it.
 */
#ifndef STELLARIS_GPTM_H
#define STELLARIS_GPTM_H

#include <stdbool.h>
#include <stdint.h>

/** Longest leg of a chained deadline, in ms: whole milliseconds of
 *  counter ticks that fit 32 bits at up to 71 MHz. Overridable only to
 *  watch chaining on the target without a long wait. */
#ifndef STELLARIS_GPTM_LEG_MS
#define STELLARIS_GPTM_LEG_MS 60000u
#endif

/* ---- pure time maths (host-tested) ---- */

/** Milliseconds from `now_ms` until `at_ms`; 0 when the deadline is now
 *  or past (more than 2^31 ms behind counts as past: board.h's clock
 *  wraps at 2^32 ms). */
uint32_t stellaris_gptm_ms_until(uint32_t now_ms, uint32_t at_ms);

/** Take the next leg out of `*rest_ms` (nonzero): at most
 *  STELLARIS_GPTM_LEG_MS, the rest left to chain. */
uint32_t stellaris_gptm_next_leg(uint32_t *rest_ms);

/* ---- the periodic wake-up ---- */

/** Run the timer at `base` periodically at `hz` from its clock `clk_hz`,
 *  interrupting each period. The NVIC line is the caller's. */
void stellaris_gptm_tick_init(uintptr_t base, uint32_t clk_hz, uint32_t hz);

/** Its interrupt: acknowledge; the wake-up is the point. */
void stellaris_gptm_tick_isr(void);

/* ---- the deadline ---- */

/** Stop the timer at `base` and forget any deadline. */
void stellaris_gptm_init(uintptr_t base, uint32_t clk_hz);

/** Arm for `at_ms` (replacing any deadline); fires at once when due.
 *  Call with interrupts masked. */
void stellaris_gptm_arm(uint32_t now_ms, uint32_t at_ms);

/** Forget the deadline. Call with interrupts masked. */
void stellaris_gptm_cancel(void);

/** True once when the deadline has fired (clears the flag). */
bool stellaris_gptm_take_fired(void);

/** The timer's interrupt: chain the next leg or flag the deadline. */
void stellaris_gptm_isr(void);

#endif
