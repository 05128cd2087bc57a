/*
 * One-shot deadlines and a periodic tick on the Stellaris GPTM (LM3S6965
 * datasheet, TI SPMS001, "General-Purpose Timers": "32-Bit One-Shot/
 * Periodic Timer Mode" and the register descriptions GPTMCFG to GPTMTAR).
 *
 * Each start follows the datasheet's initialisation order: timer off
 * (GPTMCTL.TAEN clear), 32-bit configuration, the mode, the load, the
 * time-out interrupt cleared and unmasked, timer on. In one-shot mode the
 * timer stops at its time-out; in periodic mode it reloads. (QEMU's
 * periodic mode runs GPTMTAILR cycles a period, silicon GPTMTAILR + 1: a
 * wake-up does not care.)
 */
#include "stellaris_gptm.h"

#define GPTM_CFG       0x000u   /* 0: one 32-bit timer */
#define GPTM_TAMR      0x004u   /* timer A mode */
#define GPTM_CTL       0x00Cu   /* TAEN (0) */
#define GPTM_IMR       0x018u   /* interrupt mask: TATOIM (0) */
#define GPTM_RIS       0x01Cu   /* raw interrupt status: TATORIS (0) */
#define GPTM_ICR       0x024u   /* interrupt clear: TATOCINT (0), write 1 */
#define GPTM_TAILR     0x028u   /* timer A interval load (all 32 bits in 32-bit mode) */

#define GPTM_CFG_32BIT     0u
#define GPTM_TAMR_ONESHOT  1u
#define GPTM_TAMR_PERIODIC 2u
#define GPTM_CTL_TAEN      (1u << 0)
#define GPTM_INT_TATO      (1u << 0)
#define GPTM_MS_PER_S      1000u

static inline uint32_t gptm_rd(uintptr_t base, uint32_t off)
{
	return *(volatile uint32_t *)(base + off);
}

static inline void gptm_wr(uintptr_t base, uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)(base + off) = val;
}

uint32_t stellaris_gptm_ms_until(uint32_t now_ms, uint32_t at_ms)
{
	int32_t ahead = (int32_t)(at_ms - now_ms);

	return ahead > 0 ? (uint32_t)ahead : 0;
}

uint32_t stellaris_gptm_next_leg(uint32_t *rest_ms)
{
	uint32_t leg = *rest_ms > STELLARIS_GPTM_LEG_MS ? STELLARIS_GPTM_LEG_MS : *rest_ms;

	*rest_ms -= leg;
	return leg;
}

static void gptm_start(uintptr_t base, uint32_t mode, uint32_t load)
{
	gptm_wr(base, GPTM_CTL, 0);
	gptm_wr(base, GPTM_CFG, GPTM_CFG_32BIT);
	gptm_wr(base, GPTM_TAMR, mode);
	gptm_wr(base, GPTM_TAILR, load);
	gptm_wr(base, GPTM_ICR, GPTM_INT_TATO);
	gptm_wr(base, GPTM_IMR, GPTM_INT_TATO);
	gptm_wr(base, GPTM_CTL, GPTM_CTL_TAEN);
}

static void gptm_stop(uintptr_t base)
{
	gptm_wr(base, GPTM_CTL, 0);
	gptm_wr(base, GPTM_ICR, GPTM_INT_TATO);
}

/* ---------------------------------------------------------------- tick */

static uintptr_t gptm_tick_base;

void stellaris_gptm_tick_init(uintptr_t base, uint32_t clk_hz, uint32_t hz)
{
	gptm_tick_base = base;
	gptm_start(base, GPTM_TAMR_PERIODIC, clk_hz / hz - 1u);
}

void stellaris_gptm_tick_isr(void)
{
	gptm_wr(gptm_tick_base, GPTM_ICR, GPTM_INT_TATO);
}

/* ---------------------------------------------------------------- deadline */

static uintptr_t gptm_base;
static uint32_t gptm_ticks_per_ms;
static volatile uint32_t gptm_rest_ms;   /* still to chain after this leg */
static volatile bool gptm_fired;

static void gptm_leg(void)
{
	uint32_t rest = gptm_rest_ms;
	uint32_t leg = stellaris_gptm_next_leg(&rest);

	gptm_rest_ms = rest;
	gptm_start(gptm_base, GPTM_TAMR_ONESHOT, leg * gptm_ticks_per_ms);
}

void stellaris_gptm_init(uintptr_t base, uint32_t clk_hz)
{
	gptm_base = base;
	gptm_ticks_per_ms = clk_hz / GPTM_MS_PER_S;
	gptm_rest_ms = 0;
	gptm_fired = false;
	gptm_wr(base, GPTM_IMR, 0);
	gptm_stop(base);
}

void stellaris_gptm_arm(uint32_t now_ms, uint32_t at_ms)
{
	uint32_t ms = stellaris_gptm_ms_until(now_ms, at_ms);

	gptm_stop(gptm_base);
	gptm_fired = ms == 0;
	gptm_rest_ms = ms;
	if (ms > 0)
		gptm_leg();
}

void stellaris_gptm_cancel(void)
{
	gptm_stop(gptm_base);
	gptm_rest_ms = 0;
	gptm_fired = false;
}

bool stellaris_gptm_take_fired(void)
{
	if (!gptm_fired)
		return false;
	gptm_fired = false;
	return true;
}

void stellaris_gptm_isr(void)
{
	/* A cancel or re-arm may have raced the interrupt: nothing raised in
	 * the timer means there is nothing to do. */
	if ((gptm_rd(gptm_base, GPTM_RIS) & GPTM_INT_TATO) == 0)
		return;
	gptm_wr(gptm_base, GPTM_ICR, GPTM_INT_TATO);
	if (gptm_rest_ms > 0) {
		gptm_leg();
		return;
	}
	gptm_stop(gptm_base);
	gptm_fired = true;
}
