/*
 * TIM2 one-shot deadline timer (see stm32_timer.h for why the update
 * event and not a compare channel).
 */
#include "stm32_timer.h"

#include "cortex_m.h"
#include "stm32f4_regs.h"

static uintptr_t tim_base = STM32_TIM2_BASE;
static uint32_t tim_ticks_per_ms = STM32_TIM_TICK_HZ / 1000u;
static volatile uint64_t tim_left;      /* ticks still to wait after this run */
static volatile bool tim_armed;
static volatile bool tim_fired;
static struct stm32_tim_stats tim_st;

uint64_t stm32_tim_ticks_until(uint32_t now_ms, uint32_t at_ms, uint32_t ticks_per_ms)
{
	int32_t d = (int32_t)(at_ms - now_ms);

	return d <= 0 ? 0 : (uint64_t)(uint32_t)d * ticks_per_ms;
}

uint32_t stm32_tim_psc(uint32_t timclk_hz, uint32_t *ticks_per_ms)
{
	uint32_t tick_hz = STM32_TIM_TICK_HZ;

	/* The counter clock is timclk / (PSC + 1) [18.4.11]. */
	while (timclk_hz / tick_hz - 1u > STM32_TIM_PSC_MAX)
		tick_hz *= 2u;
	*ticks_per_ms = tick_hz / 1000u;
	return timclk_hz / tick_hz - 1u;
}

static void tim_stop(void)
{
	stm32_wr(tim_base + TIM_DIER, 0);
	stm32_wr(tim_base + TIM_CR1, TIM_CR1_URS);
	/* rc_w0: write 0 only to the bit being cleared [18.4.5]. */
	stm32_wr(tim_base + TIM_SR, ~TIM_SR_UIF);
}

/* One counter run of `ticks` (1..2^32-1). With the counter at 0 the update
 * event comes at the overflow after ARR, so ARR = ticks fires one tick
 * late, never early; QEMU fires when CNT reaches ARR, exactly on time. */
static void tim_run(uint32_t ticks)
{
	stm32_wr(tim_base + TIM_CNT, 0);
	stm32_wr(tim_base + TIM_ARR, ticks);
	stm32_wr(tim_base + TIM_DIER, TIM_DIER_UIE);
	stm32_wr(tim_base + TIM_CR1, TIM_CR1_URS | TIM_CR1_OPM | TIM_CR1_CEN);
}

static void tim_next_chunk(void)
{
	uint64_t left = tim_left;
	uint32_t run = left > STM32_TIM_ARR_MAX ? STM32_TIM_ARR_MAX : (uint32_t)left;

	tim_left = left - run;
	tim_run(run);
}

void stm32_tim_init(uint32_t timclk_hz)
{
	tim_stop();
	stm32_wr(tim_base + TIM_PSC, stm32_tim_psc(timclk_hz, &tim_ticks_per_ms));
	/* PSC is preloaded: UG loads it now; URS keeps UG from raising UIF. */
	stm32_wr(tim_base + TIM_EGR, TIM_EGR_UG);
	tim_armed = false;
	tim_fired = false;
#ifndef FW_HOST_TEST
	cm_nvic_enable(STM32_IRQ_TIM2);
#endif
}

static void tim_clear_pending(void)
{
#ifndef FW_HOST_TEST
	/* An update interrupt of the run being replaced must not end this one. */
	cm_nvic_clear_pending(STM32_IRQ_TIM2);
#endif
}

static void tim_arm_locked(uint32_t now_ms, uint32_t at_ms)
{
	uint64_t ticks = stm32_tim_ticks_until(now_ms, at_ms, tim_ticks_per_ms);

	tim_stop();
	tim_clear_pending();
	tim_armed = false;
	tim_fired = false;
	if (ticks == 0) {
		tim_st.fired_past++;
		tim_fired = true;
		return;
	}
	tim_left = ticks;
	tim_armed = true;
	tim_next_chunk();
}

void stm32_tim_arm(uint32_t now_ms, uint32_t at_ms)
{
	uint32_t s = cm_irq_save();

	tim_arm_locked(now_ms, at_ms);
	cm_irq_restore(s);
}

void stm32_tim_cancel(void)
{
	uint32_t s = cm_irq_save();

	tim_stop();
	tim_clear_pending();
	tim_armed = false;
	tim_fired = false;
	cm_irq_restore(s);
}

/* Called with interrupts off: the counter reached ARR on the last run. */
static void tim_poll_counter(void)
{
	if (!tim_armed || tim_left != 0 ||
	    (stm32_rd(tim_base + TIM_CR1) & TIM_CR1_CEN) == 0 ||
	    stm32_rd(tim_base + TIM_CNT) < stm32_rd(tim_base + TIM_ARR))
		return;
	tim_stop();
	tim_armed = false;
	tim_fired = true;
	tim_st.fired_cnt++;
}

bool stm32_tim_fired(void)
{
	uint32_t s = cm_irq_save();

	if (!tim_fired)
		tim_poll_counter();
	bool fired = tim_fired;
	tim_fired = false;
	cm_irq_restore(s);
	return fired;
}

const struct stm32_tim_stats *stm32_tim_stats(void)
{
	return &tim_st;
}

void stm32_tim_isr(void)
{
	if ((stm32_rd(tim_base + TIM_SR) & TIM_SR_UIF) == 0)
		return;
	tim_stop();
	if (!tim_armed)
		return;
	if (tim_left > 0) {
		tim_st.chained++;
		tim_next_chunk();
		return;
	}
	tim_armed = false;
	tim_fired = true;
	tim_st.fired_irq++;
}

#ifdef FW_HOST_TEST
void stm32_tim_test_base(uintptr_t base)
{
	tim_base = base;
	tim_left = 0;
	tim_armed = false;
	tim_fired = false;
	tim_st = (struct stm32_tim_stats){ 0 };
}
#endif
