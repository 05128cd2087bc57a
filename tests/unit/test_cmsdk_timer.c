/*
 * CMSDK APB timer as deadline timer and clock. The maths is pure; the
 * drivers run against a register block in plain memory, where the test
 * plays the hardware: it sets INTSTATUS when the count "reaches zero" and
 * clears it again after the handler's write-one-to-clear.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cmsdk_timer.h"

#define CLK_HZ        25000000u   /* AN385 SYSCLK */
#define TICKS_PER_MS  (CLK_HZ / 1000u)
#define CTRL_EN       (1u << 0)
#define CTRL_IRQEN    (1u << 3)

struct fake_timer {
	volatile uint32_t ctrl, value, reload, intstatus;
};

static struct fake_timer hw;

/* ---------------------------------------------------------------- maths */

static void test_ticks_until_future(void **state)
{
	(void)state;
	assert_int_equal(cmsdk_timer_ticks_until(1000, 1001, CLK_HZ), TICKS_PER_MS);
	assert_int_equal(cmsdk_timer_ticks_until(0, 60000, CLK_HZ), 60000ull * TICKS_PER_MS);
}

/* board.h: a deadline that is now or already past fires at once. */
static void test_ticks_until_now_or_past_is_zero(void **state)
{
	(void)state;
	assert_int_equal(cmsdk_timer_ticks_until(5000, 5000, CLK_HZ), 0);
	assert_int_equal(cmsdk_timer_ticks_until(5000, 4999, CLK_HZ), 0);
	assert_int_equal(cmsdk_timer_ticks_until(5000, 0, CLK_HZ), 0);
}

/* The millisecond clock wraps after 2^32 ms: only the difference counts. */
static void test_ticks_until_across_clock_wrap(void **state)
{
	(void)state;
	assert_int_equal(cmsdk_timer_ticks_until(0xFFFFFFF0u, 0x10u, CLK_HZ), 0x20ull * TICKS_PER_MS);
	assert_int_equal(cmsdk_timer_ticks_until(0x10u, 0xFFFFFFF0u, CLK_HZ), 0);
}

/* Half the clock's range ahead is the furthest future; one more is past. */
static void test_ticks_until_half_range(void **state)
{
	(void)state;
	assert_int_equal(cmsdk_timer_ticks_until(0, 0x7FFFFFFFu, CLK_HZ),
	    0x7FFFFFFFull * TICKS_PER_MS);
	assert_int_equal(cmsdk_timer_ticks_until(0, 0x80000000u, CLK_HZ), 0);
}

static void test_next_load_short_is_one_leg(void **state)
{
	uint64_t rest = 5;

	(void)state;
	assert_int_equal(cmsdk_timer_next_load(&rest), 5);
	assert_int_equal(rest, 0);
	rest = CMSDK_TIMER_MAX_LOAD;
	assert_int_equal(cmsdk_timer_next_load(&rest), CMSDK_TIMER_MAX_LOAD);
	assert_int_equal(rest, 0);
}

/* 2MSL of 240 s at 25 MHz is 6e9 ticks, more than the 32-bit counter
 * holds (~171.8 s): two legs that add up to exactly the deadline. */
static void test_next_load_chains_long_deadline(void **state)
{
	uint64_t total = cmsdk_timer_ticks_until(0, 240000, CLK_HZ);
	uint64_t rest = total, sum = 0;
	unsigned legs = 0;

	(void)state;
	assert_true(total > CMSDK_TIMER_MAX_LOAD);
	while (rest > 0) {
		uint32_t load = cmsdk_timer_next_load(&rest);
		assert_true(load > 0);
		sum += load;
		legs++;
	}
	assert_int_equal(legs, 2);
	assert_int_equal(sum, total);

	rest = (uint64_t)CMSDK_TIMER_MAX_LOAD + 1;
	assert_int_equal(cmsdk_timer_next_load(&rest), CMSDK_TIMER_MAX_LOAD);
	assert_int_equal(rest, 1);
}

/* The clock counts down from 2^32-1; elapsed ticks are periods plus how
 * far this period has counted, plus a wrap not yet seen by the handler. */
static void test_elapsed_counts_wraps_and_pending(void **state)
{
	(void)state;
	assert_int_equal(cmsdk_timer_elapsed(0, false, CMSDK_TIMER_MAX_LOAD), 0);
	assert_int_equal(cmsdk_timer_elapsed(0, false, 0), CMSDK_TIMER_MAX_LOAD);
	assert_int_equal(cmsdk_timer_elapsed(3, false, CMSDK_TIMER_MAX_LOAD - 10), (3ull << 32) + 10);
	assert_int_equal(cmsdk_timer_elapsed(3, true, CMSDK_TIMER_MAX_LOAD - 10), (4ull << 32) + 10);
}

static void test_ticks_to_ms(void **state)
{
	(void)state;
	assert_int_equal(cmsdk_timer_ticks_to_ms(TICKS_PER_MS - 1, CLK_HZ), 0);
	assert_int_equal(cmsdk_timer_ticks_to_ms(TICKS_PER_MS, CLK_HZ), 1);
	/* 2^32 ms + 7 ms wraps to 7 */
	assert_int_equal(cmsdk_timer_ticks_to_ms(((1ull << 32) + 7) * TICKS_PER_MS, CLK_HZ), 7);
}

/* ---------------------------------------------------------------- deadline driver */

static int setup(void **state)
{
	(void)state;
	memset((void *)&hw, 0, sizeof hw);
	cmsdk_timer_init((uintptr_t)&hw, CLK_HZ);
	hw.intstatus = 0;
	return 0;
}

/* The hardware's half: the count reached zero. */
static void expire(void)
{
	hw.intstatus = 1;
	cmsdk_timer_isr();
	hw.intstatus = 0;   /* the handler's write-one-to-clear */
}

static void test_arm_loads_counter_and_fires_once(void **state)
{
	(void)state;
	cmsdk_timer_arm(1000, 1250);
	assert_int_equal(hw.value, 250 * TICKS_PER_MS);
	assert_int_equal(hw.reload, 250 * TICKS_PER_MS);
	assert_int_equal(hw.ctrl, CTRL_EN | CTRL_IRQEN);
	assert_false(cmsdk_timer_take_fired());
	expire();
	assert_int_equal(hw.ctrl, 0);   /* no one-shot mode: the handler stops it */
	assert_true(cmsdk_timer_take_fired());
	assert_false(cmsdk_timer_take_fired());
}

/* A long deadline is chained: the handler reloads the rest and only the
 * last leg sets the flag. */
static void test_long_deadline_is_chained(void **state)
{
	uint64_t total = cmsdk_timer_ticks_until(0, 240000, CLK_HZ);

	(void)state;
	cmsdk_timer_arm(0, 240000);
	assert_int_equal(hw.value, CMSDK_TIMER_MAX_LOAD);
	expire();
	assert_false(cmsdk_timer_take_fired());
	assert_int_equal(hw.value, total - CMSDK_TIMER_MAX_LOAD);
	assert_int_equal(hw.ctrl, CTRL_EN | CTRL_IRQEN);
	expire();
	assert_true(cmsdk_timer_take_fired());
	assert_int_equal(hw.ctrl, 0);
}

static void test_past_deadline_fires_at_once(void **state)
{
	(void)state;
	cmsdk_timer_arm(1000, 990);
	assert_true(cmsdk_timer_take_fired());
	assert_int_equal(hw.ctrl, 0);
}

/* Re-arming replaces the deadline, and cancel forgets it: a flag left
 * from an earlier deadline does not survive either. */
static void test_rearm_and_cancel_replace(void **state)
{
	(void)state;
	cmsdk_timer_arm(1000, 990);          /* fired, not taken */
	cmsdk_timer_arm(1000, 2000);
	assert_false(cmsdk_timer_take_fired());
	assert_int_equal(hw.value, 1000 * TICKS_PER_MS);
	cmsdk_timer_cancel();
	assert_int_equal(hw.ctrl, 0);
	assert_false(cmsdk_timer_take_fired());
	cmsdk_timer_arm(1000, 990);          /* fired, not taken */
	cmsdk_timer_cancel();
	assert_false(cmsdk_timer_take_fired());
}

/* An interrupt that raced a cancel finds nothing pending and does nothing. */
static void test_spurious_interrupt_is_ignored(void **state)
{
	(void)state;
	cmsdk_timer_arm(0, 10);
	cmsdk_timer_cancel();
	hw.intstatus = 0;
	cmsdk_timer_isr();
	assert_false(cmsdk_timer_take_fired());
}

/* ---------------------------------------------------------------- clock driver */

static void test_clock_counts_through_wraps(void **state)
{
	(void)state;
	cmsdk_clock_init((uintptr_t)&hw);
	hw.intstatus = 0;
	assert_int_equal(hw.reload, CMSDK_TIMER_MAX_LOAD);
	assert_int_equal(hw.ctrl, CTRL_EN | CTRL_IRQEN);
	hw.value = CMSDK_TIMER_MAX_LOAD - 100;
	assert_int_equal(cmsdk_clock_ticks(), 100);
	/* wrapped, handler not yet run (interrupts masked): still monotonic */
	hw.value = CMSDK_TIMER_MAX_LOAD - 5;
	hw.intstatus = 1;
	assert_int_equal(cmsdk_clock_ticks(), (1ull << 32) + 5);
	cmsdk_clock_isr();
	hw.intstatus = 0;
	assert_int_equal(cmsdk_clock_ticks(), (1ull << 32) + 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticks_until_future),
		cmocka_unit_test(test_ticks_until_now_or_past_is_zero),
		cmocka_unit_test(test_ticks_until_across_clock_wrap),
		cmocka_unit_test(test_ticks_until_half_range),
		cmocka_unit_test(test_next_load_short_is_one_leg),
		cmocka_unit_test(test_next_load_chains_long_deadline),
		cmocka_unit_test(test_elapsed_counts_wraps_and_pending),
		cmocka_unit_test(test_ticks_to_ms),
		cmocka_unit_test_setup(test_arm_loads_counter_and_fires_once, setup),
		cmocka_unit_test_setup(test_long_deadline_is_chained, setup),
		cmocka_unit_test_setup(test_past_deadline_fires_at_once, setup),
		cmocka_unit_test_setup(test_rearm_and_cancel_replace, setup),
		cmocka_unit_test_setup(test_spurious_interrupt_is_ignored, setup),
		cmocka_unit_test_setup(test_clock_counts_through_wraps, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
