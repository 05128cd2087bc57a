/*
 * AN505's map for the family's code (mps2.h): the Secure aliases of
 * UART0, the LAN9118 and the IoT Kit's two CMSDK timers (an505.h).
 */
#include "an505.h"
#include "mps2.h"

const struct mps2_map mps2_map = {
	.cpu_hz = AN505_MAINCLK_HZ,
	.console = {
		.base = AN505_UART0_BASE,
		.pclk_hz = AN505_MAINCLK_HZ,
		.irq_rx = AN505_IRQ_UART0_RX,
		.irq_tx = AN505_IRQ_UART0_TX,
	},
	.eth = { .base = AN505_LAN9118_BASE, .irq = AN505_IRQ_ETHERNET },
};

const struct mps2_cmsdk_time mps2_cmsdk_time = {
	.pclk_hz = AN505_MAINCLK_HZ,
	.clock_base = AN505_TIMER1_BASE,
	.clock_irq = AN505_IRQ_TIMER1,
	.deadline_base = AN505_TIMER0_BASE,
	.deadline_irq = AN505_IRQ_TIMER0,
};
