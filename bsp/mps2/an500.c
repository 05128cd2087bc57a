/*
 * AN500's map for the family's code (mps2.h): AN385's (an385.c) with the
 * LAN9118 where AN500 puts it (an500.h).
 */
#include "an500.h"
#include "mps2.h"

const struct mps2_map mps2_map = {
	.cpu_hz = AN385_SYSCLK_HZ,
	.console = AN385_CONSOLE_MAP,
	.eth = { .base = AN500_LAN9118_BASE, .irq = AN385_IRQ_ETHERNET },
};

const struct mps2_cmsdk_time mps2_cmsdk_time = AN385_CMSDK_TIME;
