/*
 * ARM SSE system timer as clock and deadline. The maths is pure; the
 * driver runs against a timer frame in plain memory, where the test plays
 * the hardware: it sets CNTPCT, and sets CNTP_CTL.ISTATUS when the count
 * "reaches" the compare value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sse_timer.h"

#define CLK_HZ        32000000u   /* QEMU's SSE-300 MAINCLK, which drives the counter */
#define TICKS_PER_MS  (CLK_HZ / 1000u)
#define CTL_ENABLE    (1u << 0)
#define CTL_ISTATUS   (1u << 2)

struct fake_frame {
	volatile uint32_t cntpct_lo, cntpct_hi, reserved0[2], cntfrq, reserved1[3];
	volatile uint32_t cntp_cval_lo, cntp_cval_hi, cntp_tval, cntp_ctl;
};

static struct fake_frame hw;

static void set_count(uint64_t ticks)
{
	hw.cntpct_lo = (uint32_t)ticks;
	hw.cntpct_hi = (uint32_t)(ticks >> 32);
}

static uint64_t cval(void)
{
	return ((uint64_t)hw.cntp_cval_hi << 32) | hw.cntp_cval_lo;
}

/* ---------------------------------------------------------------- maths */

static void test_ticks_to_ms(void **state)
{
	(void)state;
	assert_int_equal(sse_timer_ticks_to_ms(0, CLK_HZ), 0);
	assert_int_equal(sse_timer_ticks_to_ms(TICKS_PER_MS - 1, CLK_HZ), 0);
	assert_int_equal(sse_timer_ticks_to_ms(TICKS_PER_MS, CLK_HZ), 1);
	/* the 64-bit count goes on; the millisecond clock wraps at 2^32 */
	assert_int_equal(sse_timer_ticks_to_ms(((1ull << 32) + 7) * TICKS_PER_MS, CLK_HZ), 7);
}

/* The deadline fires on the tick where the clock first reads at_ms, not a
 * whole interval after `now`, which may be in the middle of a millisecond. */
static void test_compare_is_where_the_millisecond_begins(void **state)
{
	uint64_t now = 5 * TICKS_PER_MS + 7;

	(void)state;
	assert_int_equal(sse_timer_compare_for(now, 6, CLK_HZ), 6 * TICKS_PER_MS);
	assert_int_equal(sse_timer_compare_for(now, 60005, CLK_HZ), 60005ull * TICKS_PER_MS);
	assert_int_equal(sse_timer_ticks_to_ms(sse_timer_compare_for(now, 6, CLK_HZ), CLK_HZ), 6);
	assert_int_equal(sse_timer_ticks_to_ms(sse_timer_compare_for(now, 6, CLK_HZ) - 1, CLK_HZ), 5);
}

/* board.h: a deadline that is now or already past fires at once. */
static void test_compare_now_or_past_is_zero(void **state)
{
	uint64_t now = 5000 * TICKS_PER_MS + 1;

	(void)state;
	assert_int_equal(sse_timer_compare_for(now, 5000, CLK_HZ), 0);
	assert_int_equal(sse_timer_compare_for(now, 4999, CLK_HZ), 0);
	assert_int_equal(sse_timer_compare_for(now, 0, CLK_HZ), 0);
}

/* The millisecond clock wraps after 2^32 ms; the counter does not. */
static void test_compare_across_clock_wrap(void **state)
{
	uint64_t now = 0xFFFFFFF0ull * TICKS_PER_MS + 3;

	(void)state;
	assert_int_equal(sse_timer_compare_for(now, 0x10u, CLK_HZ), ((1ull << 32) + 0x10u) * TICKS_PER_MS);
	assert_int_equal(sse_timer_compare_for(now, 0xFFFFFFE0u, CLK_HZ), 0);
}

/* Half the clock's range ahead is the furthest future; one more is past. */
static void test_compare_half_range(void **state)
{
	(void)state;
	assert_int_equal(sse_timer_compare_for(0, 0x7FFFFFFFu, CLK_HZ), 0x7FFFFFFFull * TICKS_PER_MS);
	assert_int_equal(sse_timer_compare_for(0, 0x80000000u, CLK_HZ), 0);
}

/* ---------------------------------------------------------------- driver */

static int setup(void **state)
{
	(void)state;
	memset((void *)&hw, 0, sizeof hw);
	hw.cntp_ctl = CTL_ENABLE;   /* whatever a previous run left */
	sse_timer_init((uintptr_t)&hw, CLK_HZ);
	return 0;
}

/* The hardware's half: the count reached the compare value. */
static void expire(void)
{
	set_count(cval());
	hw.cntp_ctl |= CTL_ISTATUS;
	sse_timer_isr();
}

static void test_init_stops_the_timer_and_records_the_frequency(void **state)
{
	(void)state;
	assert_int_equal(hw.cntp_ctl, 0);
	assert_int_equal(hw.cntfrq, CLK_HZ);
	assert_false(sse_timer_take_fired());
}

static void test_ticks_read_both_halves(void **state)
{
	(void)state;
	set_count(0x123456789abcull);
	assert_int_equal(sse_timer_ticks(), 0x123456789abcull);
}

static void test_arm_sets_compare_and_fires_once(void **state)
{
	(void)state;
	set_count(1000 * TICKS_PER_MS + 5);
	sse_timer_arm(1250);
	assert_int_equal(cval(), 1250ull * TICKS_PER_MS);
	assert_int_equal(hw.cntp_ctl, CTL_ENABLE);
	assert_false(sse_timer_take_fired());
	expire();
	assert_int_equal(hw.cntp_ctl, 0);   /* stopped: the level line drops */
	assert_true(sse_timer_take_fired());
	assert_false(sse_timer_take_fired());
}

/* 2MSL of 240 s is one compare value: nothing to chain. */
static void test_long_deadline_is_one_compare(void **state)
{
	(void)state;
	sse_timer_arm(240000);
	assert_int_equal(cval(), 240000ull * TICKS_PER_MS);
	expire();
	assert_true(sse_timer_take_fired());
}

static void test_past_deadline_fires_at_once(void **state)
{
	(void)state;
	set_count(1000 * TICKS_PER_MS);
	sse_timer_arm(990);
	assert_true(sse_timer_take_fired());
	assert_int_equal(hw.cntp_ctl, 0);
}

/* Re-arming replaces the deadline, and cancel forgets it: a flag left
 * from an earlier deadline does not survive either. */
static void test_rearm_and_cancel_replace(void **state)
{
	(void)state;
	set_count(1000 * TICKS_PER_MS);
	sse_timer_arm(990);                  /* fired, not taken */
	sse_timer_arm(2000);
	assert_false(sse_timer_take_fired());
	assert_int_equal(cval(), 2000ull * TICKS_PER_MS);
	sse_timer_cancel();
	assert_int_equal(hw.cntp_ctl, 0);
	assert_false(sse_timer_take_fired());
	sse_timer_arm(990);                  /* fired, not taken */
	sse_timer_cancel();
	assert_false(sse_timer_take_fired());
}

/* An interrupt that raced a cancel finds the timer stopped (ISTATUS reads
 * 0 while disabled) and does nothing. */
static void test_spurious_interrupt_is_ignored(void **state)
{
	(void)state;
	sse_timer_arm(10);
	sse_timer_cancel();
	sse_timer_isr();
	assert_false(sse_timer_take_fired());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticks_to_ms),
		cmocka_unit_test(test_compare_is_where_the_millisecond_begins),
		cmocka_unit_test(test_compare_now_or_past_is_zero),
		cmocka_unit_test(test_compare_across_clock_wrap),
		cmocka_unit_test(test_compare_half_range),
		cmocka_unit_test_setup(test_init_stops_the_timer_and_records_the_frequency, setup),
		cmocka_unit_test_setup(test_ticks_read_both_halves, setup),
		cmocka_unit_test_setup(test_arm_sets_compare_and_fires_once, setup),
		cmocka_unit_test_setup(test_long_deadline_is_one_compare, setup),
		cmocka_unit_test_setup(test_past_deadline_fires_at_once, setup),
		cmocka_unit_test_setup(test_rearm_and_cancel_replace, setup),
		cmocka_unit_test_setup(test_spurious_interrupt_is_ignored, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
