/*
 * AN500's map for the family's code (mps2.h): AN385's (an385.c) with the
 * LAN9118 where AN500 puts it (an500.h).
 */
#include "an500.h"
#include "mps2.h"

const struct mps2_map mps2_map = {
	.cpu_hz = AN385_SYSCLK_HZ,
	.console = {
		.base = AN385_UART0_BASE,
		.pclk_hz = AN385_SYSCLK_HZ,
		.irq_rx = AN385_IRQ_UART0_RX,
		.irq_tx = AN385_IRQ_UART0_TX,
	},
	.eth = { .base = AN500_LAN9118_BASE, .irq = AN385_IRQ_ETHERNET },
};

const struct mps2_cmsdk_time mps2_cmsdk_time = {
	.pclk_hz = AN385_SYSCLK_HZ,
	.clock_base = AN385_TIMER1_BASE,
	.clock_irq = AN385_IRQ_TIMER1,
	.deadline_base = AN385_TIMER0_BASE,
	.deadline_irq = AN385_IRQ_TIMER0,
};
