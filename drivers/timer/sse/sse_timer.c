/*
 * The ARM SSE system counter and one system timer frame (SSE-300 TRM,
 * "System counter", "System timer"), as clock and one-shot deadline.
 */
#include "sse_timer.h"

#include <stddef.h>

#define SSE_TIMER_MS_PER_S 1000u

/* A timer frame (CNTBase). */
struct sse_timer_regs {
	volatile uint32_t cntpct_lo;    /* 0x00 counter value, low half */
	volatile uint32_t cntpct_hi;    /* 0x04 counter value, high half */
	uint32_t reserved0[2];
	volatile uint32_t cntfrq;       /* 0x10 counter frequency, for software */
	uint32_t reserved1[3];
	volatile uint32_t cntp_cval_lo; /* 0x20 compare value, low half */
	volatile uint32_t cntp_cval_hi; /* 0x24 compare value, high half */
	volatile uint32_t cntp_tval;    /* 0x28 compare value - counter, 32-bit view */
	volatile uint32_t cntp_ctl;     /* 0x2C enable (0), interrupt mask (1), status (2, RO) */
};
_Static_assert(offsetof(struct sse_timer_regs, cntfrq) == 0x10, "CNTFRQ at 0x10");
_Static_assert(offsetof(struct sse_timer_regs, cntp_cval_lo) == 0x20, "CNTP_CVAL at 0x20");
_Static_assert(offsetof(struct sse_timer_regs, cntp_ctl) == 0x2C, "CNTP_CTL at 0x2C");

#define SSE_TIMER_CTL_ENABLE   (1u << 0)
#define SSE_TIMER_CTL_ISTATUS  (1u << 2)   /* CNTPCT >= CNTP_CVAL, while enabled */

/* The system counter's control frame (CNTControlBase). */
struct sse_counter_regs {
	volatile uint32_t cntcr;        /* 0x00 enable (0), halt on debug (1), scaling (2) */
};

#define SSE_COUNTER_CNTCR_EN   (1u << 0)

uint32_t sse_timer_ticks_to_ms(uint64_t ticks, uint32_t clk_hz)
{
	return (uint32_t)(ticks / (clk_hz / SSE_TIMER_MS_PER_S));
}

/* The whole milliseconds counted so far, unwrapped, plus how far ahead
 * `at_ms` is on the wrapping clock: the compare value is where that many
 * more milliseconds begin. */
uint64_t sse_timer_compare_for(uint64_t now, uint32_t at_ms, uint32_t clk_hz)
{
	uint64_t per_ms = clk_hz / SSE_TIMER_MS_PER_S;
	uint64_t now_ms = now / per_ms;
	int32_t ahead = (int32_t)(at_ms - (uint32_t)now_ms);

	if (ahead <= 0)
		return 0;
	return (now_ms + (uint32_t)ahead) * per_ms;
}

void sse_counter_start(uintptr_t ctrl_base)
{
	struct sse_counter_regs *cnt = (struct sse_counter_regs *)ctrl_base;

	cnt->cntcr = SSE_COUNTER_CNTCR_EN;
}

static struct sse_timer_regs *sse_timer_hw;
static uint32_t sse_timer_clk_hz;
static volatile bool sse_timer_fired;

void sse_timer_init(uintptr_t base, uint32_t clk_hz)
{
	sse_timer_hw = (struct sse_timer_regs *)base;
	sse_timer_clk_hz = clk_hz;
	sse_timer_hw->cntp_ctl = 0;
	sse_timer_hw->cntfrq = clk_hz;
	sse_timer_fired = false;
}

/* The high half read on both sides of the low one: if it moved, the low
 * half wrapped in between and is read again, with the later high half. */
uint64_t sse_timer_ticks(void)
{
	uint32_t hi = sse_timer_hw->cntpct_hi;
	uint32_t lo = sse_timer_hw->cntpct_lo;
	uint32_t hi2 = sse_timer_hw->cntpct_hi;

	if (hi2 != hi)
		lo = sse_timer_hw->cntpct_lo;
	return ((uint64_t)hi2 << 32) | lo;
}

void sse_timer_cancel(void)
{
	sse_timer_hw->cntp_ctl = 0;
	sse_timer_fired = false;
}

/* Stopped while the compare value is written in two halves, so that no
 * mix of old and new halves can fire; enabled unmasked afterwards, it
 * interrupts at once if the count is already there. */
void sse_timer_arm(uint32_t at_ms)
{
	uint64_t cval = sse_timer_compare_for(sse_timer_ticks(), at_ms, sse_timer_clk_hz);

	sse_timer_cancel();
	if (cval == 0) {
		sse_timer_fired = true;
		return;
	}
	sse_timer_hw->cntp_cval_lo = (uint32_t)cval;
	sse_timer_hw->cntp_cval_hi = (uint32_t)(cval >> 32);
	sse_timer_hw->cntp_ctl = SSE_TIMER_CTL_ENABLE;
}

bool sse_timer_take_fired(void)
{
	if (!sse_timer_fired)
		return false;
	sse_timer_fired = false;
	return true;
}

void sse_timer_isr(void)
{
	/* A cancel or re-arm may have raced the interrupt: a stopped timer
	 * reads ISTATUS 0, and there is nothing to do. */
	if ((sse_timer_hw->cntp_ctl & SSE_TIMER_CTL_ISTATUS) == 0)
		return;
	sse_timer_hw->cntp_ctl = 0;
	sse_timer_fired = true;
}
