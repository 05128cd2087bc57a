/*
 * AN547's map for the family's code (bsp/mps2/mps2.h, mps3.h): the Secure
 * aliases of UART0, the LAN9118 and the SSE-300's system timer 0 and
 * counter (an547.h).
 */
#include "an547.h"
#include "mps2.h"
#include "mps3.h"

const struct mps2_map mps2_map = {
	.cpu_hz = AN547_MAINCLK_HZ,
	.console = {
		.base = AN547_UART0_BASE,
		.pclk_hz = AN547_PERIPH_HZ,
		.irq_rx = AN547_IRQ_UART0_RX,
		.irq_tx = AN547_IRQ_UART0_TX,
	},
	.eth = { .base = AN547_LAN9118_BASE, .irq = AN547_IRQ_ETHERNET },
};

const struct mps3_sse_time mps3_sse_time = {
	.counter_hz = AN547_COUNTER_HZ,
	.counter_ctrl_base = AN547_COUNTER_CTRL,
	.timer_base = AN547_TIMER0_BASE,
	.timer_irq = AN547_IRQ_TIMER0,
};
