/*
 * lwIP's system seam for NO_SYS: the clock and the interrupt mask that
 * makes PBUF_POOL allocation safe from the Ethernet RX interrupt.
 */
#include "lwip/opt.h"
#include "lwip/sys.h"

#include "board.h"

u32_t sys_now(void)
{
	return board_now_ms();
}

#if SYS_LIGHTWEIGHT_PROT
sys_prot_t sys_arch_protect(void)
{
	return board_irq_save();
}

void sys_arch_unprotect(sys_prot_t pval)
{
	board_irq_restore(pval);
}
#endif
