/*
 * TIM2 as the one-shot deadline timer behind board_deadline_*().
 *
 * TIM2 counts at 10 kHz, or the smallest doubling of that the 16-bit
 * prescaler can reach (QEMU 7.2 clocks TIM2 at 1 GHz: 20 kHz). To arm, the counter is zeroed and ARR
 * holds the ticks to go; one-pulse mode stops the counter at the update
 * event, whose interrupt ends the wait. The update event is used rather
 * than a CCR1 compare because it is the only TIM2 interrupt QEMU 7.2
 * models, so the code proven on netduinoplus2 is the code on the board.
 * A wait longer than 2^32 ticks runs as a chain of full-counter waits.
 *
 * stm32_tim_fired() also counts the deadline as passed when the counter
 * has reached ARR. On silicon that is the last tick before the update
 * interrupt. QEMU 7.2's model schedules the interrupt at now + the
 * absolute hit time (late by the uptime), while its CNT runs true; this
 * check, polled by the main loop SysTick wakes each ms, keeps TIM2 the
 * clock of every deadline there too. `stats` shows which path fired.
 */
#ifndef STM32_TIMER_H
#define STM32_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define STM32_TIM_TICK_HZ       10000u      /* 100 us resolution, 119 h per counter run */
#define STM32_TIM_PSC_MAX       0xFFFFu
#define STM32_TIM_ARR_MAX       0xFFFFFFFFu /* TIM2 is 32 bits wide */

/** Ticks from `now_ms` until `at_ms` at `ticks_per_ms` (0 when `at_ms` is
 *  now or past; times compared modulo 2^32 as board.h requires). */
uint64_t stm32_tim_ticks_until(uint32_t now_ms, uint32_t at_ms, uint32_t ticks_per_ms);

/** Prescaler register value for a timer kernel clock of `timclk_hz`;
 *  *ticks_per_ms gets the resulting counter rate. */
uint32_t stm32_tim_psc(uint32_t timclk_hz, uint32_t *ticks_per_ms);

/** Stop TIM2, set its prescaler, enable its interrupt in the NVIC (target). */
void stm32_tim_init(uint32_t timclk_hz);

/** Arm for `at_ms`; a deadline now or past fires at once. */
void stm32_tim_arm(uint32_t now_ms, uint32_t at_ms);

void stm32_tim_cancel(void);

/** True once after the deadline passed. */
bool stm32_tim_fired(void);

struct stm32_tim_stats {
	uint32_t fired_irq;     /* deadlines ended by the update interrupt */
	uint32_t fired_cnt;     /* ended by stm32_tim_fired() seeing CNT >= ARR */
	uint32_t fired_past;    /* armed for now or the past: fired at once */
	uint32_t chained;       /* extra counter runs of waits over 2^32 ticks */
};

const struct stm32_tim_stats *stm32_tim_stats(void);

/** TIM2 interrupt: clears the update flag, runs the next chunk of a long
 *  wait or sets the fired flag. */
void stm32_tim_isr(void);

#ifdef FW_HOST_TEST
void stm32_tim_test_base(uintptr_t base);
#endif

#endif
