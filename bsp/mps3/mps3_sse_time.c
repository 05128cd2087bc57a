/*
 * board.h's clock and deadline on one SSE system timer frame
 * (mps3_sse_time, from the image's map): board_now_ms() is the system
 * counter in milliseconds, and the deadline is a compare value on the
 * same count, so the two cannot drift apart.
 */
#include "board.h"

#include "cortex_m.h"
#include "mps2.h"
#include "mps3.h"
#include "sse_timer.h"

void mps2_time_init(void)
{
	sse_counter_start(mps3_sse_time.counter_ctrl_base);
	sse_timer_init(mps3_sse_time.timer_base, mps3_sse_time.counter_hz);
	mps2_irq_enable(mps3_sse_time.timer_irq, MPS2_PRIO_TIMER);
}

uint64_t mps2_time_ticks(void)
{
	return sse_timer_ticks();
}

uint32_t board_now_ms(void)
{
	return sse_timer_ticks_to_ms(sse_timer_ticks(), mps3_sse_time.counter_hz);
}

/* The timer's line is level (high while the count is past the compare
 * value): the pending bit is dropped while the timer is stopped, before
 * it is enabled again, so a deadline that is due at once is not lost. */
void board_deadline_arm(uint32_t at_ms)
{
	uint32_t s = cm_irq_save();
	sse_timer_cancel();
	cm_nvic_clear_pending(mps3_sse_time.timer_irq);
	sse_timer_arm(at_ms);
	cm_irq_restore(s);
}

void board_deadline_cancel(void)
{
	uint32_t s = cm_irq_save();
	sse_timer_cancel();
	cm_nvic_clear_pending(mps3_sse_time.timer_irq);
	cm_irq_restore(s);
}

bool board_deadline_fired(void)
{
	uint32_t s = cm_irq_save();
	bool fired = sse_timer_take_fired();
	cm_irq_restore(s);
	return fired;
}

void DEADLINE_IRQHandler(void)
{
	sse_timer_isr();
}
