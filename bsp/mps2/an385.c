/*
 * AN385's map for the family's code (mps2.h): what the console, the
 * Ethernet and the time source sit at (an385.h). Also AN386's, whose map
 * is the same.
 */
#include "an385.h"
#include "mps2.h"

const struct mps2_map mps2_map = {
	.cpu_hz = AN385_SYSCLK_HZ,
	.console = AN385_CONSOLE_MAP,
	.eth = { .base = AN385_LAN9118_BASE, .irq = AN385_IRQ_ETHERNET },
};

const struct mps2_cmsdk_time mps2_cmsdk_time = AN385_CMSDK_TIME;
