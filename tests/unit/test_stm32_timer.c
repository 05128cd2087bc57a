/*
 * STM32F4 clocks and the TIM2 one-shot deadline timer, against fake
 * register blocks (plain memory, word-indexed by RM0090 offsets).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "stm32_clock.h"
#include "stm32_timer.h"
#include "stm32f4_regs.h"

#define REG_WORDS 256
static uint32_t fake_tim[REG_WORDS];
static uint32_t fake_rcc[REG_WORDS];
static uint32_t fake_flash[REG_WORDS];

#define TIM(off) fake_tim[(off) / 4]
#define RCC(off) fake_rcc[(off) / 4]
#define FLASH(off) fake_flash[(off) / 4]

#define MHZ 1000000u

static int setup(void **state)
{
	(void)state;
	memset(fake_tim, 0, sizeof fake_tim);
	memset(fake_rcc, 0, sizeof fake_rcc);
	memset(fake_flash, 0, sizeof fake_flash);
	stm32_tim_test_base((uintptr_t)fake_tim);
	stm32_clock_test_bases((uintptr_t)fake_rcc, (uintptr_t)fake_flash);
	return 0;
}

/* ---------------------------------------------------------------- PLL */

/* RM0090 6.3.2: 8 MHz HSE -> M=8 (1 MHz), N=336 (VCO 336), P=2 -> 168 MHz,
 * Q=7 -> 48 MHz. */
static void test_pll_168_from_8mhz_hse(void **state)
{
	struct stm32_pll pll;
	(void)state;
	assert_int_equal(stm32_pll_compute(8 * MHZ, 168 * MHZ, &pll), 0);
	assert_int_equal(pll.m, 8);
	assert_int_equal(pll.n, 336);
	assert_int_equal(pll.p, 2);
	assert_int_equal(pll.q, 7);
	uint32_t v = stm32_pllcfgr(&pll, true);
	assert_int_equal(v & 0x3F, 8);
	assert_int_equal((v >> 6) & 0x1FF, 336);
	assert_int_equal((v >> 16) & 3, 0);          /* P=2 encodes as 00 */
	assert_int_equal((v >> 24) & 0xF, 7);
	assert_true(v & RCC_PLLCFGR_PLLSRC_HSE);
	assert_false(stm32_pllcfgr(&pll, false) & RCC_PLLCFGR_PLLSRC_HSE);
}

static void test_pll_168_from_25mhz_and_hsi(void **state)
{
	struct stm32_pll pll;
	(void)state;
	assert_int_equal(stm32_pll_compute(25 * MHZ, 168 * MHZ, &pll), 0);
	assert_int_equal(pll.m, 25);
	assert_int_equal(pll.n, 336);
	assert_int_equal(stm32_pll_compute(STM32_HSI_HZ, 168 * MHZ, &pll), 0);
	assert_int_equal(pll.m, 16);
	assert_int_equal(pll.q, 7);
}

/* 180 MHz (F42x overdrive): VCO 360, Q rounds up to 8 so the RNG's
 * 48 MHz domain runs at 45 MHz, never above 48. */
static void test_pll_180_q_rounds_up(void **state)
{
	struct stm32_pll pll;
	(void)state;
	assert_int_equal(stm32_pll_compute(8 * MHZ, 180 * MHZ, &pll), 0);
	assert_int_equal(pll.n, 360);
	assert_int_equal(pll.q, 8);
	assert_true(360 * MHZ / pll.q <= STM32_USB_HZ);
}

static void test_pll_out_of_range(void **state)
{
	struct stm32_pll pll;
	(void)state;
	assert_int_equal(stm32_pll_compute(8500000, 168 * MHZ, &pll), -1);  /* not whole MHz */
	assert_int_equal(stm32_pll_compute(8 * MHZ, 300 * MHZ, &pll), -1);  /* VCO 600 > 432 */
	assert_int_equal(stm32_pll_compute(1 * MHZ, 168 * MHZ, &pll), -1);  /* M=1 < 2 */
	assert_int_equal(stm32_pll_compute(0, 168 * MHZ, &pll), -1);
}

/* RM0090 table 10, 2.7-3.6 V: one wait state per 30 MHz. */
static void test_flash_latency(void **state)
{
	(void)state;
	assert_int_equal(stm32_flash_latency(16 * MHZ), 0);
	assert_int_equal(stm32_flash_latency(30 * MHZ), 0);
	assert_int_equal(stm32_flash_latency(30 * MHZ + 1), 1);
	assert_int_equal(stm32_flash_latency(168 * MHZ), 5);
	assert_int_equal(stm32_flash_latency(180 * MHZ), 5);
}

/* ---------------------------------------------------------------- clock init */

static const struct stm32_clock_cfg nucleo_clk = {
	.hse_hz = 8 * MHZ, .hse_bypass = true, .sysclk_hz = 168 * MHZ,
	.norcc_sysclk_hz = 168 * MHZ, .norcc_timclk_hz = 1000 * MHZ,
};

static void test_clock_init_pll_hse(void **state)
{
	struct stm32_clocks c;
	(void)state;
	RCC(RCC_CR) = RCC_CR_HSION | RCC_CR_HSIRDY | RCC_CR_HSERDY | RCC_CR_PLLRDY;
	RCC(RCC_CFGR) = RCC_CFGR_SWS_PLL;     /* the switch "happens" */
	stm32_clock_init(&nucleo_clk, &c);
	assert_int_equal(c.source, STM32_CLK_PLL_HSE);
	assert_int_equal(c.sysclk_hz, 168 * MHZ);
	assert_int_equal(c.pclk1_hz, 42 * MHZ);
	assert_int_equal(c.pclk2_hz, 84 * MHZ);
	assert_int_equal(c.timclk1_hz, 84 * MHZ);   /* APB1 /4 -> timers x2 */
	assert_true(RCC(RCC_CR) & RCC_CR_HSEON);
	assert_true(RCC(RCC_CR) & RCC_CR_HSEBYP);   /* ST-LINK MCO, not a crystal */
	assert_true(RCC(RCC_CR) & RCC_CR_PLLON);
	assert_int_equal(RCC(RCC_PLLCFGR), 8u | (336u << 6) | (7u << 24) | RCC_PLLCFGR_PLLSRC_HSE);
	assert_int_equal(RCC(RCC_CFGR) & RCC_CFGR_SW_Msk, RCC_CFGR_SW_PLL);
	assert_int_equal(RCC(RCC_CFGR) & (RCC_CFGR_PPRE1_Msk | RCC_CFGR_PPRE2_Msk),
	    RCC_CFGR_PPRE1_DIV4 | RCC_CFGR_PPRE2_DIV2);
	assert_int_equal(FLASH(FLASH_ACR) & FLASH_ACR_LATENCY_Msk, 5);
}

static void test_clock_init_hse_dead_uses_hsi_pll(void **state)
{
	struct stm32_clocks c;
	(void)state;
	RCC(RCC_CR) = RCC_CR_HSION | RCC_CR_HSIRDY | RCC_CR_PLLRDY;  /* HSERDY never */
	RCC(RCC_CFGR) = RCC_CFGR_SWS_PLL;
	stm32_clock_init(&nucleo_clk, &c);
	assert_int_equal(c.source, STM32_CLK_PLL_HSI);
	assert_int_equal(c.sysclk_hz, 168 * MHZ);
	assert_false(RCC(RCC_CR) & RCC_CR_HSEON);
	assert_int_equal(RCC(RCC_PLLCFGR), 16u | (336u << 6) | (7u << 24));
}

static void test_clock_init_no_pll_stays_on_hsi(void **state)
{
	struct stm32_clocks c;
	(void)state;
	RCC(RCC_CR) = RCC_CR_HSION | RCC_CR_HSIRDY;
	stm32_clock_init(&nucleo_clk, &c);
	assert_int_equal(c.source, STM32_CLK_HSI);
	assert_int_equal(c.sysclk_hz, STM32_HSI_HZ);
	assert_int_equal(c.pclk1_hz, STM32_HSI_HZ);
	assert_int_equal(c.timclk1_hz, STM32_HSI_HZ);
	assert_int_equal(RCC(RCC_CFGR) & RCC_CFGR_SW_Msk, 0);
	assert_false(RCC(RCC_CR) & RCC_CR_PLLON);
}

/* QEMU 7.2 netduinoplus2: the RCC reads as zero; nothing is written and
 * the board's assumed clocks are reported. */
static void test_clock_init_unmodelled_rcc(void **state)
{
	struct stm32_clocks c;
	(void)state;
	stm32_clock_init(&nucleo_clk, &c);
	assert_int_equal(c.source, STM32_CLK_UNMODELLED);
	assert_int_equal(c.sysclk_hz, 168 * MHZ);
	assert_int_equal(c.timclk1_hz, 1000 * MHZ);
	assert_int_equal(RCC(RCC_CR), 0);
	assert_int_equal(RCC(RCC_PLLCFGR), 0);
}

/* ---------------------------------------------------------------- TIM2 */

static void test_psc_for_84mhz_and_qemu_1ghz(void **state)
{
	uint32_t tpm;
	(void)state;
	assert_int_equal(stm32_tim_psc(84 * MHZ, &tpm), 8399);   /* 10 kHz */
	assert_int_equal(tpm, 10);
	assert_int_equal(stm32_tim_psc(16 * MHZ, &tpm), 1599);
	assert_int_equal(tpm, 10);
	/* 1 GHz / 10 kHz needs PSC 99999 > 16 bits: 20 kHz instead. */
	assert_int_equal(stm32_tim_psc(1000 * MHZ, &tpm), 49999);
	assert_int_equal(tpm, 20);
}

static void test_ticks_until(void **state)
{
	(void)state;
	assert_int_equal(stm32_tim_ticks_until(1000, 1500, 10), 5000);
	assert_int_equal(stm32_tim_ticks_until(1000, 1001, 10), 10);
	/* board.h: now or past fires at once. */
	assert_int_equal(stm32_tim_ticks_until(1000, 1000, 10), 0);
	assert_int_equal(stm32_tim_ticks_until(1000, 999, 10), 0);
}

/* The ms clock wraps after 49.7 days; a deadline across the wrap is
 * still in the future. */
static void test_ticks_until_across_ms_wrap(void **state)
{
	(void)state;
	assert_int_equal(stm32_tim_ticks_until(0xFFFFFF00u, 0x100u, 10), 0x200u * 10u);
	assert_int_equal(stm32_tim_ticks_until(0x100u, 0xFFFFFF00u, 10), 0); /* past */
}

/* Arming writes the "compare" value: CNT from 0 up to ARR = ticks, in
 * one-pulse mode, update interrupt enabled. */
static void test_arm_programs_arr(void **state)
{
	(void)state;
	stm32_tim_init(84 * MHZ);
	assert_int_equal(TIM(TIM_PSC), 8399);
	assert_true(TIM(TIM_EGR) & TIM_EGR_UG);
	stm32_tim_arm(1000, 1500);
	assert_int_equal(TIM(TIM_CNT), 0);
	assert_int_equal(TIM(TIM_ARR), 5000);
	assert_int_equal(TIM(TIM_CR1), TIM_CR1_URS | TIM_CR1_OPM | TIM_CR1_CEN);
	assert_int_equal(TIM(TIM_DIER), TIM_DIER_UIE);
	assert_false(stm32_tim_fired());
}

static void test_isr_fires_once(void **state)
{
	(void)state;
	stm32_tim_init(84 * MHZ);
	stm32_tim_arm(1000, 1500);
	TIM(TIM_SR) = TIM_SR_UIF;
	stm32_tim_isr();
	assert_false(TIM(TIM_SR) & TIM_SR_UIF);
	assert_false(TIM(TIM_CR1) & TIM_CR1_CEN);
	assert_true(stm32_tim_fired());
	assert_false(stm32_tim_fired());
	assert_int_equal(stm32_tim_stats()->fired_irq, 1);
}

static void test_spurious_irq_ignored(void **state)
{
	(void)state;
	stm32_tim_init(84 * MHZ);
	stm32_tim_arm(1000, 1500);
	stm32_tim_isr();                       /* UIF clear */
	assert_false(stm32_tim_fired());
	assert_true(TIM(TIM_CR1) & TIM_CR1_CEN);
}

static void test_past_deadline_fires_at_once(void **state)
{
	(void)state;
	stm32_tim_init(84 * MHZ);
	stm32_tim_arm(1000, 1000);
	assert_true(stm32_tim_fired());
	assert_false(TIM(TIM_CR1) & TIM_CR1_CEN);
	stm32_tim_arm(1000, 400);
	assert_true(stm32_tim_fired());
	assert_int_equal(stm32_tim_stats()->fired_past, 2);
}

static void test_cancel_and_rearm(void **state)
{
	(void)state;
	stm32_tim_init(84 * MHZ);
	stm32_tim_arm(0, 100);
	stm32_tim_cancel();
	TIM(TIM_SR) = TIM_SR_UIF;              /* a late update from the old run */
	stm32_tim_isr();
	assert_false(stm32_tim_fired());
	stm32_tim_arm(0, 10);
	stm32_tim_arm(0, 20);                  /* replaces */
	assert_int_equal(TIM(TIM_ARR), 200);
}

/* A wait beyond 2^32 ticks (here 2^31-1 ms = 2.1e10 ticks) runs as four
 * full counter runs and a remainder; only the last one fires. */
static void test_long_wait_chains_counter_runs(void **state)
{
	(void)state;
	stm32_tim_init(84 * MHZ);
	stm32_tim_arm(0, 0x7FFFFFFFu);
	uint64_t total = (uint64_t)0x7FFFFFFFu * 10u;
	uint64_t seen = 0;
	for (int run = 0; run < 5; run++) {
		assert_false(stm32_tim_fired());
		seen += TIM(TIM_ARR);
		TIM(TIM_SR) = TIM_SR_UIF;
		stm32_tim_isr();
	}
	assert_true(seen == total);
	assert_true(stm32_tim_fired());
	assert_int_equal(stm32_tim_stats()->chained, 4);
}

/* QEMU 7.2's alarm comes late; CNT reaching ARR is the deadline. */
static void test_counter_at_arr_counts_as_fired(void **state)
{
	(void)state;
	stm32_tim_init(1000 * MHZ);
	stm32_tim_arm(0, 50);
	assert_int_equal(TIM(TIM_ARR), 1000);
	TIM(TIM_CNT) = 999;
	assert_false(stm32_tim_fired());
	TIM(TIM_CNT) = 1000;
	assert_true(stm32_tim_fired());
	assert_int_equal(stm32_tim_stats()->fired_cnt, 1);
	TIM(TIM_SR) = TIM_SR_UIF;              /* the late interrupt: no second firing */
	stm32_tim_isr();
	assert_false(stm32_tim_fired());
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pll_168_from_8mhz_hse),
		T(test_pll_168_from_25mhz_and_hsi),
		T(test_pll_180_q_rounds_up),
		T(test_pll_out_of_range),
		T(test_flash_latency),
		T(test_clock_init_pll_hse),
		T(test_clock_init_hse_dead_uses_hsi_pll),
		T(test_clock_init_no_pll_stays_on_hsi),
		T(test_clock_init_unmodelled_rcc),
		T(test_psc_for_84mhz_and_qemu_1ghz),
		T(test_ticks_until),
		T(test_ticks_until_across_ms_wrap),
		T(test_arm_programs_arr),
		T(test_isr_fires_once),
		T(test_spurious_irq_ignored),
		T(test_past_deadline_fires_at_once),
		T(test_cancel_and_rearm),
		T(test_long_wait_chains_counter_runs),
		T(test_counter_at_arr_counts_as_fired),
	};
	return cmocka_run_group_tests_name("stm32_timer", tests, NULL, NULL);
}
