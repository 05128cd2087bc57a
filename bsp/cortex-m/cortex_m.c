/*
 * The board.h functions that are the same on every Cortex-M board
 * (interrupt masking, idle, reset) and the 1 ms SysTick set-up.
 */
#include "cortex_m.h"

#include "board.h"

#define CM_MS_PER_S 1000u

void cm_systick_init_1ms(uint32_t core_hz, uint8_t prio)
{
	cm_systick_start(core_hz / CM_MS_PER_S - 1u, prio);
}

void cm_systick_start(uint32_t reload, uint8_t prio)
{
	/* Stopped while it is programmed; CVR written clears it and COUNTFLAG,
	 * so the first period is a whole one [B3.3.2]. */
	CM_SYST_CSR = 0;
	CM_SYST_RVR = reload;
	CM_SYST_CVR = 0;
	CM_SCB_SHPR3 = (CM_SCB_SHPR3 & ~(0xFFu << CM_SHPR3_SYSTICK_SHIFT)) |
	    ((uint32_t)prio << CM_SHPR3_SYSTICK_SHIFT);
	CM_SYST_CSR = CM_SYST_CSR_CLKSRC | CM_SYST_CSR_TICKINT | CM_SYST_CSR_ENABLE;
}

uint32_t board_irq_save(void)
{
	return cm_irq_save();
}

void board_irq_restore(uint32_t state)
{
	cm_irq_restore(state);
}

void board_idle(void)
{
	cm_idle();
}

void board_reboot(void)
{
	cm_reboot();
}
