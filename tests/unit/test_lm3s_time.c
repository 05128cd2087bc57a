/*
 * The LM3S6965 board's timing pieces on the host: the GPTM as deadline
 * and wake-up (the maths pure, the drivers over a register block in
 * plain memory where the test plays the timer: it raises GPTMRIS when
 * the count "times out" and clears it on the handler's GPTMICR write),
 * SysTick's wrap accounting for the free-running clock, and the UART's
 * baud divisors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cm_systick_clock.h"
#include "stellaris_gptm.h"
#include "stellaris_uart.h"

#define CLK_HZ        50000000u
#define TICKS_PER_MS  (CLK_HZ / 1000u)

/* GPTM registers as the driver lays them out (datasheet offsets / 4). */
enum { CFG = 0x00 / 4, TAMR = 0x04 / 4, CTL = 0x0C / 4, IMR = 0x18 / 4, RIS = 0x1C / 4,
       ICR = 0x24 / 4, TAILR = 0x28 / 4, GPTM_WORDS = 0x50 / 4 };
#define TAEN      1u
#define TATO      1u
#define ONESHOT   1u
#define PERIODIC  2u

static volatile uint32_t hw[GPTM_WORDS];

/* The timer's time-out: what the silicon does when the count runs out
 * (RIS set), then the handler; a write-one to ICR clears RIS here, as
 * the test's check after the handler shows. */
static void time_out(void)
{
	hw[RIS] |= TATO;
	if (hw[TAMR] == ONESHOT)
		hw[CTL] &= ~TAEN;
	stellaris_gptm_isr();
}

static int gptm_setup(void **state)
{
	(void)state;
	memset((void *)hw, 0, sizeof hw);
	stellaris_gptm_init((uintptr_t)hw, CLK_HZ);
	return 0;
}

/* ---------------------------------------------------------------- maths */

static void test_ms_until(void **state)
{
	(void)state;
	assert_int_equal(stellaris_gptm_ms_until(1000, 1001), 1);
	assert_int_equal(stellaris_gptm_ms_until(1000, 1000), 0);   /* now: at once */
	assert_int_equal(stellaris_gptm_ms_until(1000, 999), 0);    /* past: at once */
	/* the clock wraps at 2^32 ms: only the difference counts */
	assert_int_equal(stellaris_gptm_ms_until(0xFFFFFFF0u, 0x10u), 0x20);
	assert_int_equal(stellaris_gptm_ms_until(0x10u, 0xFFFFFFF0u), 0);
	assert_int_equal(stellaris_gptm_ms_until(0, 0x7FFFFFFFu), 0x7FFFFFFFu);
	assert_int_equal(stellaris_gptm_ms_until(0, 0x80000000u), 0);
}

/* 2MSL of 240 s in legs of at most 60 s: four, adding up exactly; each
 * leg's count fits the 32-bit counter at 50 MHz (3e9 < 2^32). */
static void test_legs_chain_exactly(void **state)
{
	uint32_t rest = 240000, sum = 0, legs = 0;

	(void)state;
	while (rest > 0) {
		uint32_t leg = stellaris_gptm_next_leg(&rest);
		assert_true(leg <= STELLARIS_GPTM_LEG_MS);
		assert_true((uint64_t)leg * TICKS_PER_MS <= 0xFFFFFFFFull);
		sum += leg;
		legs++;
	}
	assert_int_equal(sum, 240000);
	assert_int_equal(legs, 4);
	rest = 7;
	assert_int_equal(stellaris_gptm_next_leg(&rest), 7);
	assert_int_equal(rest, 0);
}

/* ---------------------------------------------------------------- deadline */

/* arm 1 s ahead: 32-bit one-shot, 50e6 ticks loaded, time-out unmasked,
 * timer on; nothing fired until the time-out, then once. */
static void test_arm_programs_one_shot(void **state)
{
	(void)state;
	stellaris_gptm_arm(5000, 6000);
	assert_int_equal(hw[CFG], 0);
	assert_int_equal(hw[TAMR], ONESHOT);
	assert_int_equal(hw[TAILR], 1000u * TICKS_PER_MS);
	assert_int_equal(hw[IMR], TATO);
	assert_int_equal(hw[CTL], TAEN);
	assert_false(stellaris_gptm_take_fired());
	time_out();
	assert_true(stellaris_gptm_take_fired());
	assert_false(stellaris_gptm_take_fired());
	assert_int_equal(hw[CTL], 0);
}

/* board.h: a deadline now or past fires at once, with the timer off. */
static void test_arm_past_fires_at_once(void **state)
{
	(void)state;
	stellaris_gptm_arm(5000, 4000);
	assert_true(stellaris_gptm_take_fired());
	assert_int_equal(hw[CTL], 0);
}

/* 150 s: legs of 60, 60 and 30 s; only the last time-out fires. */
static void test_long_deadline_chains(void **state)
{
	(void)state;
	stellaris_gptm_arm(0, 150000);
	assert_int_equal(hw[TAILR], 60000u * TICKS_PER_MS);
	time_out();
	assert_false(stellaris_gptm_take_fired());
	assert_int_equal(hw[CTL], TAEN);
	assert_int_equal(hw[TAILR], 60000u * TICKS_PER_MS);
	time_out();
	assert_false(stellaris_gptm_take_fired());
	assert_int_equal(hw[TAILR], 30000u * TICKS_PER_MS);
	time_out();
	assert_true(stellaris_gptm_take_fired());
}

/* Arming again replaces the deadline; cancel forgets it. A handler that
 * runs after the cancel (the interrupt raced it) finds nothing raised
 * in the timer and does nothing. */
static void test_rearm_and_cancel(void **state)
{
	(void)state;
	stellaris_gptm_arm(0, 100);
	stellaris_gptm_arm(0, 200);
	assert_int_equal(hw[TAILR], 200u * TICKS_PER_MS);
	stellaris_gptm_cancel();
	assert_int_equal(hw[CTL], 0);
	stellaris_gptm_isr();
	assert_false(stellaris_gptm_take_fired());
}

/* ---------------------------------------------------------------- wake-up */

/* 1 kHz from 50 MHz: periodic, 49999 (a period is TAILR + 1 cycles). */
static void test_tick_is_periodic(void **state)
{
	(void)state;
	stellaris_gptm_tick_init((uintptr_t)hw, CLK_HZ, 1000);
	assert_int_equal(hw[TAMR], PERIODIC);
	assert_int_equal(hw[TAILR], 49999);
	assert_int_equal(hw[CTL], TAEN);
	assert_int_equal(hw[IMR], TATO);
}

/* ---------------------------------------------------------------- SysTick clock */

/* Down-counting from 2^24 - 1: a fresh period reads 0 ticks in, the
 * last value 2^24 - 1 in; each wrap adds 2^24. */
static void test_systick_elapsed(void **state)
{
	(void)state;
	assert_int_equal(cm_systick_elapsed(0, false, 0xFFFFFFu), 0);
	assert_int_equal(cm_systick_elapsed(0, false, 0), 0xFFFFFFu);
	assert_int_equal(cm_systick_elapsed(3, false, 0xFFFFFFu - 10u), 3ull * (1u << 24) + 10u);
}

/* A wrap whose handler has not run yet (interrupts masked) still counts:
 * the reading just after it is one period on, not one period back. */
static void test_systick_pending_wrap_counts(void **state)
{
	(void)state;
	uint64_t before = cm_systick_elapsed(7, false, 1);
	uint64_t after = cm_systick_elapsed(7, true, 0xFFFFFFu - 2u);
	assert_true(after > before);
	assert_int_equal(after - before, 4);
	assert_int_equal(cm_systick_elapsed(7, true, 5), cm_systick_elapsed(8, false, 5));
}

/* 2^32 wraps of 2^24 cycles would take 45 years at 50 MHz; far short of
 * that the millisecond clock is still exact: 10 h in ticks, over ms. */
static void test_systick_ms_over_hours(void **state)
{
	(void)state;
	uint64_t ten_h = 36000ull * CLK_HZ;
	uint32_t wraps = (uint32_t)(ten_h >> 24);
	uint32_t cvr = 0xFFFFFFu - (uint32_t)(ten_h & 0xFFFFFFu);
	assert_int_equal(cm_systick_elapsed(wraps, false, cvr) / TICKS_PER_MS, 36000000u);
}

/* ---------------------------------------------------------------- UART */

/* BRD = 50 MHz / (16 * 115200) = 27.127: IBRD 27, FBRD 8 (0.127 * 64,
 * rounded); 12.5 MHz (QEMU's reset clock): 6.78 -> 6, 50. */
static void test_uart_divisors(void **state)
{
	uint32_t i, f;

	(void)state;
	stellaris_uart_divisors(50000000u, 115200u, &i, &f);
	assert_int_equal(i, 27);
	assert_int_equal(f, 8);
	stellaris_uart_divisors(12500000u, 115200u, &i, &f);
	assert_int_equal(i, 6);
	assert_int_equal(f, 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ms_until),
		cmocka_unit_test(test_legs_chain_exactly),
		cmocka_unit_test_setup(test_arm_programs_one_shot, gptm_setup),
		cmocka_unit_test_setup(test_arm_past_fires_at_once, gptm_setup),
		cmocka_unit_test_setup(test_long_deadline_chains, gptm_setup),
		cmocka_unit_test_setup(test_rearm_and_cancel, gptm_setup),
		cmocka_unit_test_setup(test_tick_is_periodic, gptm_setup),
		cmocka_unit_test(test_systick_elapsed),
		cmocka_unit_test(test_systick_pending_wrap_counts),
		cmocka_unit_test(test_systick_ms_over_hours),
		cmocka_unit_test(test_uart_divisors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
