/*
 * SysTick as a free-running clock (cm_systick_clock.h). ARMv7-M ARM
 * (ARM DDI 0403E) B3.3 for SysTick, B3.2.4 for ICSR.PENDSTSET.
 */
#include "cm_systick_clock.h"

#include "cortex_m.h"

#define CM_SYSTICK_RELOAD    ((1u << CM_SYSTICK_PERIOD_BITS) - 1u)
#define CM_ICSR_PENDSTSET    (1u << 26)   /* SysTick exception pending */

static volatile uint32_t cm_systick_wraps;

uint64_t cm_systick_elapsed(uint32_t wraps, bool pending, uint32_t cvr)
{
	uint64_t periods = (uint64_t)wraps + (pending ? 1u : 0u);

	return (periods << CM_SYSTICK_PERIOD_BITS) + (CM_SYSTICK_RELOAD - (cvr & CM_SYSTICK_RELOAD));
}

#ifndef FW_HOST_TEST
void cm_systick_clock_init(uint8_t prio)
{
	cm_systick_wraps = 0;
	cm_systick_start(CM_SYSTICK_RELOAD, prio);
}

/* The value is read between two looks at the pending wrap: if they
 * agree, it belongs to the period they say (a wrap whose exception
 * waits behind the masked interrupts is added here). */
uint64_t cm_systick_clock_ticks(void)
{
	for (;;) {
		uint32_t before = CM_SCB_ICSR & CM_ICSR_PENDSTSET;
		uint32_t cvr = CM_SYST_CVR;
		uint32_t after = CM_SCB_ICSR & CM_ICSR_PENDSTSET;
		if (before == after)
			return cm_systick_elapsed(cm_systick_wraps, before != 0, cvr);
	}
}

void cm_systick_clock_isr(void)
{
	cm_systick_wraps++;
}
#endif
