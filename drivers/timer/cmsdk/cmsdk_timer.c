/*
 * One-shot deadlines on a CMSDK APB timer (ARM DDI0479C, 4.4).
 *
 * The timer counts VALUE down at PCLK, raises its interrupt when it goes
 * from 1 to 0 and reloads from RELOAD; it has no one-shot mode, so the
 * ISR stops it on the last leg. Writing RELOAD also loads VALUE on QEMU's
 * model but not on every silicon revision, so both are written.
 *
 * A second instance runs free as the board's clock: reading its count
 * cannot lose time the way counting tick interrupts can (QEMU coalesces
 * late periodic interrupts: SysTick-counted milliseconds fell ~2% behind
 * this counter on a loaded host).
 */
#include "cmsdk_timer.h"

#define CMSDK_TIMER_MS_PER_S 1000u

struct cmsdk_timer_regs {
	volatile uint32_t ctrl;       /* 0x00 enable (0), ext enable (1), ext clock (2), int enable (3) */
	volatile uint32_t value;      /* 0x04 current count */
	volatile uint32_t reload;     /* 0x08 value loaded when the count reaches 0 */
	volatile uint32_t intstatus;  /* 0x0C interrupt (0); write 1 to clear */
};

#define CMSDK_TIMER_CTRL_EN       (1u << 0)
#define CMSDK_TIMER_CTRL_IRQEN    (1u << 3)
#define CMSDK_TIMER_INT           (1u << 0)

uint64_t cmsdk_timer_ticks_until(uint32_t now_ms, uint32_t at_ms, uint32_t clk_hz)
{
	int32_t ahead = (int32_t)(at_ms - now_ms);

	if (ahead <= 0)
		return 0;
	return (uint64_t)(uint32_t)ahead * clk_hz / CMSDK_TIMER_MS_PER_S;
}

uint32_t cmsdk_timer_next_load(uint64_t *remaining)
{
	uint32_t load = *remaining > CMSDK_TIMER_CHAIN_LOAD ? CMSDK_TIMER_CHAIN_LOAD
	                                                    : (uint32_t)*remaining;

	*remaining -= load;
	return load;
}

uint64_t cmsdk_timer_elapsed(uint32_t wraps, bool pending, uint32_t value)
{
	uint64_t periods = (uint64_t)wraps + (pending ? 1u : 0u);

	return (periods << 32) + (CMSDK_TIMER_MAX_LOAD - value);
}

uint32_t cmsdk_timer_ticks_to_ms(uint64_t ticks, uint32_t clk_hz)
{
	return (uint32_t)(ticks / (clk_hz / CMSDK_TIMER_MS_PER_S));
}

/* ---------------------------------------------------------------- clock */

static struct cmsdk_timer_regs *cmsdk_clock_hw;
static volatile uint32_t cmsdk_clock_wraps;

void cmsdk_clock_init(uintptr_t base)
{
	cmsdk_clock_hw = (struct cmsdk_timer_regs *)base;
	cmsdk_clock_wraps = 0;
	cmsdk_clock_hw->ctrl = 0;
	cmsdk_clock_hw->intstatus = CMSDK_TIMER_INT;
	cmsdk_clock_hw->reload = CMSDK_TIMER_MAX_LOAD;
	cmsdk_clock_hw->value = CMSDK_TIMER_MAX_LOAD;
	cmsdk_clock_hw->ctrl = CMSDK_TIMER_CTRL_EN | CMSDK_TIMER_CTRL_IRQEN;
}

/* The count is read between two looks at the wrap flag: if they agree,
 * the value belongs to the period the flag says (a wrap the handler has
 * not yet counted because interrupts are masked is added here). */
uint64_t cmsdk_clock_ticks(void)
{
	for (;;) {
		uint32_t before = cmsdk_clock_hw->intstatus & CMSDK_TIMER_INT;
		uint32_t value = cmsdk_clock_hw->value;
		uint32_t after = cmsdk_clock_hw->intstatus & CMSDK_TIMER_INT;
		if (before == after)
			return cmsdk_timer_elapsed(cmsdk_clock_wraps, before != 0, value);
	}
}

void cmsdk_clock_isr(void)
{
	if (cmsdk_clock_hw->intstatus & CMSDK_TIMER_INT) {
		cmsdk_clock_hw->intstatus = CMSDK_TIMER_INT;
		cmsdk_clock_wraps++;
	}
}

/* ---------------------------------------------------------------- deadline */

static struct cmsdk_timer_regs *cmsdk_timer_hw;
static uint32_t cmsdk_timer_clk_hz;
static volatile uint64_t cmsdk_timer_rest;   /* ticks still to chain after this leg */
static volatile bool cmsdk_timer_fired;

static void cmsdk_timer_stop(void)
{
	cmsdk_timer_hw->ctrl = 0;
	cmsdk_timer_hw->intstatus = CMSDK_TIMER_INT;
}

static void cmsdk_timer_load(uint32_t ticks)
{
	cmsdk_timer_hw->ctrl = 0;
	cmsdk_timer_hw->intstatus = CMSDK_TIMER_INT;
	cmsdk_timer_hw->reload = ticks;
	cmsdk_timer_hw->value = ticks;
	cmsdk_timer_hw->ctrl = CMSDK_TIMER_CTRL_EN | CMSDK_TIMER_CTRL_IRQEN;
}

void cmsdk_timer_init(uintptr_t base, uint32_t clk_hz)
{
	cmsdk_timer_hw = (struct cmsdk_timer_regs *)base;
	cmsdk_timer_clk_hz = clk_hz;
	cmsdk_timer_rest = 0;
	cmsdk_timer_fired = false;
	cmsdk_timer_stop();
}

void cmsdk_timer_arm(uint32_t now_ms, uint32_t at_ms)
{
	uint64_t ticks = cmsdk_timer_ticks_until(now_ms, at_ms, cmsdk_timer_clk_hz);

	cmsdk_timer_stop();
	if (ticks == 0) {
		cmsdk_timer_rest = 0;
		cmsdk_timer_fired = true;
		return;
	}
	cmsdk_timer_fired = false;
	uint32_t load = cmsdk_timer_next_load(&ticks);
	cmsdk_timer_rest = ticks;
	cmsdk_timer_load(load);
}

void cmsdk_timer_cancel(void)
{
	cmsdk_timer_stop();
	cmsdk_timer_rest = 0;
	cmsdk_timer_fired = false;
}

bool cmsdk_timer_take_fired(void)
{
	if (!cmsdk_timer_fired)
		return false;
	cmsdk_timer_fired = false;
	return true;
}

void cmsdk_timer_isr(void)
{
	/* A cancel or re-arm may have raced the interrupt: nothing pending
	 * in the timer means there is nothing to do. */
	if ((cmsdk_timer_hw->intstatus & CMSDK_TIMER_INT) == 0)
		return;
	uint64_t rest = cmsdk_timer_rest;
	if (rest == 0) {
		cmsdk_timer_stop();
		cmsdk_timer_fired = true;
		return;
	}
	uint32_t load = cmsdk_timer_next_load(&rest);
	cmsdk_timer_rest = rest;
	cmsdk_timer_load(load);
}
