/*
 * board.h's clock and deadline on two CMSDK APB timers (mps2_cmsdk_time,
 * from the image's map): one runs free as the millisecond clock (reading
 * its count cannot lose time the way counting tick interrupts can), the
 * other is the one-shot deadline behind 2MSL.
 */
#include "board.h"

#include "cmsdk_timer.h"
#include "cortex_m.h"
#include "mps2.h"

void mps2_time_init(void)
{
	cmsdk_clock_init(mps2_cmsdk_time.clock_base);
	cmsdk_timer_init(mps2_cmsdk_time.deadline_base, mps2_cmsdk_time.pclk_hz);
	mps2_irq_enable(mps2_cmsdk_time.deadline_irq, MPS2_PRIO_TIMER);
	mps2_irq_enable(mps2_cmsdk_time.clock_irq, MPS2_PRIO_TIMER);
}

/* Call with interrupts masked. */
uint64_t mps2_time_ticks(void)
{
	return cmsdk_clock_ticks();
}

uint32_t board_now_ms(void)
{
	uint32_t s = cm_irq_save();
	uint64_t ticks = cmsdk_clock_ticks();
	cm_irq_restore(s);
	return cmsdk_timer_ticks_to_ms(ticks, mps2_cmsdk_time.pclk_hz);
}

void board_deadline_arm(uint32_t at_ms)
{
	uint32_t s = cm_irq_save();
	cmsdk_timer_arm(board_now_ms(), at_ms);
	cm_nvic_clear_pending(mps2_cmsdk_time.deadline_irq);
	cm_irq_restore(s);
}

void board_deadline_cancel(void)
{
	uint32_t s = cm_irq_save();
	cmsdk_timer_cancel();
	cm_nvic_clear_pending(mps2_cmsdk_time.deadline_irq);
	cm_irq_restore(s);
}

bool board_deadline_fired(void)
{
	uint32_t s = cm_irq_save();
	bool fired = cmsdk_timer_take_fired();
	cm_irq_restore(s);
	return fired;
}

void CLOCK_IRQHandler(void)
{
	cmsdk_clock_isr();
}

void DEADLINE_IRQHandler(void)
{
	cmsdk_timer_isr();
}
