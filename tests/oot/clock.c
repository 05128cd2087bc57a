/*
 * The clock both stacks run on: lwIP's sys_now() (NO_SYS) and the
 * function given to fw_tcp_init(). On a host, CLOCK_MONOTONIC; on a
 * Cortex-M, a counter the 1 ms SysTick interrupt advances.
 */
#if !defined(__arm__)
#define _POSIX_C_SOURCE 199309L
#include <time.h>
#endif
#include "lwip/sys.h"
#include "clock.h"

#if defined(__arm__)
static volatile uint32_t oot_ms;

void SysTick_Handler(void);
void SysTick_Handler(void)
{
	oot_ms++;
}

uint32_t oot_now_ms(void)
{
	return oot_ms;
}
#else
uint32_t oot_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}
#endif

u32_t sys_now(void)
{
	return oot_now_ms();
}
