/*
 * STM32F4 clock tree [RM0090 6.2 / 7.2]: SYSCLK from the main PLL fed by
 * the HSE (crystal, or the ST-LINK's 8 MHz MCO in bypass mode), falling
 * back to the PLL on the HSI, then to the bare 16 MHz HSI; every wait on a
 * ready bit is bounded. AHB = SYSCLK, APB1 = SYSCLK/4, APB2 = SYSCLK/2, so
 * the timers on either bus run at twice their bus clock [6.2, "timer
 * clock"].
 */
#ifndef STM32_CLOCK_H
#define STM32_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define STM32_HSI_HZ        16000000u
#define STM32_VCO_IN_HZ     1000000u    /* PLL input after /M, RM0090 allows 1..2 MHz */
#define STM32_USB_HZ        48000000u   /* PLL48CLK for USB/SDIO/RNG: at most 48 MHz */
#define STM32_VCO_MIN_HZ    100000000u
#define STM32_VCO_MAX_HZ    432000000u
#define STM32_FLASH_WS_HZ   30000000u   /* HCLK per wait state at 2.7-3.6 V [3.5.1, table 10] */

#ifndef STM32_CLK_READY_SPINS
#define STM32_CLK_READY_SPINS 200000u   /* > 10 ms at 16 MHz: HSE start-up is 2 ms typ. */
#endif

/** Where SYSCLK came from, printed at boot. */
enum stm32_clk_source {
	STM32_CLK_PLL_HSE,      /* the intended configuration */
	STM32_CLK_PLL_HSI,      /* HSE did not start: PLL on the internal RC */
	STM32_CLK_HSI,          /* PLL did not lock: 16 MHz HSI */
	STM32_CLK_UNMODELLED,   /* RCC reads as zero (a simulator): assumed clocks */
};

struct stm32_clock_cfg {
	uint32_t hse_hz;            /* 0: no HSE */
	bool hse_bypass;            /* external clock (ST-LINK MCO), not a crystal */
	uint32_t sysclk_hz;         /* target, 168 MHz */
	uint32_t norcc_sysclk_hz;   /* assumed when the RCC does not answer */
	uint32_t norcc_timclk_hz;
};

struct stm32_clocks {
	enum stm32_clk_source source;
	uint32_t sysclk_hz;         /* = HCLK */
	uint32_t pclk1_hz;
	uint32_t pclk2_hz;
	uint32_t timclk1_hz;        /* TIM2..TIM5 kernel clock */
};

struct stm32_pll {
	uint32_t m, n, p, q;
};

/** PLL dividers for `sysclk_hz` from `in_hz`. Returns 0, or -1 when the
 *  frequencies cannot be reached within RM0090's ranges. */
int stm32_pll_compute(uint32_t in_hz, uint32_t sysclk_hz, struct stm32_pll *pll);

/** RCC_PLLCFGR value for `pll`, source HSE or HSI. */
uint32_t stm32_pllcfgr(const struct stm32_pll *pll, bool from_hse);

/** Flash wait states for `hclk_hz` at 2.7-3.6 V. */
uint32_t stm32_flash_latency(uint32_t hclk_hz);

/** Bring up the clock tree; fills `out`. Never hangs. */
void stm32_clock_init(const struct stm32_clock_cfg *cfg, struct stm32_clocks *out);

/** Printable name of a clock source. */
const char *stm32_clk_source_name(enum stm32_clk_source s);

#ifdef FW_HOST_TEST
void stm32_clock_test_bases(uintptr_t rcc, uintptr_t flash);
#endif

#endif
