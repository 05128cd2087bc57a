/*
 * Clock tree bring-up. Each ready-bit wait is bounded: QEMU 7.2 models no
 * STM32F4 RCC (its registers read as zero), and a board whose HSE is not
 * fitted or whose ST-LINK MCO is off must still boot and say so.
 */
#include "stm32_clock.h"

#include "stm32f4_regs.h"

#define STM32_PLLP_DIV      2u      /* SYSCLK = VCO / 2 */
#define STM32_PLL_M_MIN     2u
#define STM32_PLL_M_MAX     63u
#define STM32_PLL_N_MIN     50u
#define STM32_PLL_N_MAX     432u
#define STM32_PLL_Q_MIN     2u
#define STM32_PLL_Q_MAX     15u
#define STM32_APB1_DIV      4u      /* APB1 at most 42 MHz (45 on F42x) */
#define STM32_APB2_DIV      2u      /* APB2 at most 84 MHz (90 on F42x) */

static uintptr_t clk_rcc = STM32_RCC_BASE;
static uintptr_t clk_flash = STM32_FLASH_BASE;

int stm32_pll_compute(uint32_t in_hz, uint32_t sysclk_hz, struct stm32_pll *pll)
{
	if (in_hz == 0 || in_hz % STM32_VCO_IN_HZ != 0)
		return -1;
	uint32_t m = in_hz / STM32_VCO_IN_HZ;
	uint32_t vco = sysclk_hz * STM32_PLLP_DIV;
	if (m < STM32_PLL_M_MIN || m > STM32_PLL_M_MAX ||
	    vco % STM32_VCO_IN_HZ != 0 || vco < STM32_VCO_MIN_HZ || vco > STM32_VCO_MAX_HZ)
		return -1;
	uint32_t n = vco / STM32_VCO_IN_HZ;
	/* Q rounds up: the 48 MHz domain (RNG here) must not run faster. */
	uint32_t q = (vco + STM32_USB_HZ - 1) / STM32_USB_HZ;
	if (n < STM32_PLL_N_MIN || n > STM32_PLL_N_MAX || q < STM32_PLL_Q_MIN || q > STM32_PLL_Q_MAX)
		return -1;
	pll->m = m;
	pll->n = n;
	pll->p = STM32_PLLP_DIV;
	pll->q = q;
	return 0;
}

uint32_t stm32_pllcfgr(const struct stm32_pll *pll, bool from_hse)
{
	/* PLLP is encoded as P/2 - 1 (00: /2 ... 11: /8). */
	return (pll->m << RCC_PLLCFGR_PLLM_Pos) | (pll->n << RCC_PLLCFGR_PLLN_Pos) |
	    ((pll->p / 2u - 1u) << RCC_PLLCFGR_PLLP_Pos) | (pll->q << RCC_PLLCFGR_PLLQ_Pos) |
	    (from_hse ? RCC_PLLCFGR_PLLSRC_HSE : 0u);
}

uint32_t stm32_flash_latency(uint32_t hclk_hz)
{
	return hclk_hz == 0 ? 0 : (hclk_hz - 1u) / STM32_FLASH_WS_HZ;
}

const char *stm32_clk_source_name(enum stm32_clk_source s)
{
	switch (s) {
	case STM32_CLK_PLL_HSE:
		return "pll-hse";
	case STM32_CLK_PLL_HSI:
		return "pll-hsi (HSE did not start)";
	case STM32_CLK_HSI:
		return "hsi (PLL did not lock)";
	case STM32_CLK_UNMODELLED:
		return "assumed (RCC not modelled: simulator)";
	}
	return "?";
}

static bool clk_wait(uintptr_t reg, uint32_t mask, uint32_t want)
{
	for (uint32_t i = 0; i < STM32_CLK_READY_SPINS; i++)
		if ((stm32_rd(reg) & mask) == want)
			return true;
	return false;
}

static bool clk_start_hse(const struct stm32_clock_cfg *cfg)
{
	if (cfg->hse_hz == 0)
		return false;
	stm32_set(clk_rcc + RCC_CR, RCC_CR_HSEON | (cfg->hse_bypass ? RCC_CR_HSEBYP : 0u));
	if (clk_wait(clk_rcc + RCC_CR, RCC_CR_HSERDY, RCC_CR_HSERDY))
		return true;
	stm32_wr(clk_rcc + RCC_CR, stm32_rd(clk_rcc + RCC_CR) & ~(RCC_CR_HSEON | RCC_CR_HSEBYP));
	return false;
}

/* Start the PLL and switch SYSCLK to it; false leaves SYSCLK on the HSI. */
static bool clk_start_pll(uint32_t in_hz, bool from_hse, uint32_t sysclk_hz)
{
	struct stm32_pll pll;

	if (stm32_pll_compute(in_hz, sysclk_hz, &pll) != 0)
		return false;
	stm32_wr(clk_rcc + RCC_PLLCFGR, stm32_pllcfgr(&pll, from_hse));
	stm32_set(clk_rcc + RCC_CR, RCC_CR_PLLON);
	if (!clk_wait(clk_rcc + RCC_CR, RCC_CR_PLLRDY, RCC_CR_PLLRDY))
		return false;
	/* Wait states go up before the clock does [3.5.1]. */
	stm32_wr(clk_flash + FLASH_ACR, stm32_flash_latency(sysclk_hz) |
	    FLASH_ACR_PRFTEN | FLASH_ACR_ICEN | FLASH_ACR_DCEN);
	/* Bus prescalers first, then the switch [6.3.3]; read-modify-write
	 * keeps the read-only SWS field as the hardware reports it. */
	uint32_t cfgr = stm32_rd(clk_rcc + RCC_CFGR) & ~(RCC_CFGR_HPRE_Msk |
	    RCC_CFGR_PPRE1_Msk | RCC_CFGR_PPRE2_Msk | RCC_CFGR_SW_Msk);
	cfgr |= RCC_CFGR_HPRE_DIV1 | RCC_CFGR_PPRE1_DIV4 | RCC_CFGR_PPRE2_DIV2;
	stm32_wr(clk_rcc + RCC_CFGR, cfgr);
	stm32_wr(clk_rcc + RCC_CFGR, cfgr | RCC_CFGR_SW_PLL);
	return clk_wait(clk_rcc + RCC_CFGR, RCC_CFGR_SWS_Msk, RCC_CFGR_SWS_PLL);
}

static void clk_fill(struct stm32_clocks *out, enum stm32_clk_source src,
    uint32_t sysclk, uint32_t apb1_div, uint32_t apb2_div)
{
	out->source = src;
	out->sysclk_hz = sysclk;
	out->pclk1_hz = sysclk / apb1_div;
	out->pclk2_hz = sysclk / apb2_div;
	/* Timer clocks are doubled whenever the APB prescaler is not 1. */
	out->timclk1_hz = apb1_div == 1 ? out->pclk1_hz : 2u * out->pclk1_hz;
}

void stm32_clock_init(const struct stm32_clock_cfg *cfg, struct stm32_clocks *out)
{
	/* Silicon runs from the HSI out of reset, so HSIRDY reads 1; zero
	 * means nothing is behind the address. */
	if ((stm32_rd(clk_rcc + RCC_CR) & RCC_CR_HSIRDY) == 0) {
		clk_fill(out, STM32_CLK_UNMODELLED, cfg->norcc_sysclk_hz, 1, 1);
		out->timclk1_hz = cfg->norcc_timclk_hz;
		return;
	}
	if (clk_start_hse(cfg) && clk_start_pll(cfg->hse_hz, true, cfg->sysclk_hz)) {
		clk_fill(out, STM32_CLK_PLL_HSE, cfg->sysclk_hz, STM32_APB1_DIV, STM32_APB2_DIV);
		return;
	}
	stm32_wr(clk_rcc + RCC_CR, stm32_rd(clk_rcc + RCC_CR) & ~RCC_CR_PLLON);
	if (clk_start_pll(STM32_HSI_HZ, false, cfg->sysclk_hz)) {
		clk_fill(out, STM32_CLK_PLL_HSI, cfg->sysclk_hz, STM32_APB1_DIV, STM32_APB2_DIV);
		return;
	}
	/* Back to the reset configuration: HSI, no prescalers, no wait states. */
	stm32_wr(clk_rcc + RCC_CFGR, 0);
	stm32_wr(clk_rcc + RCC_CR, stm32_rd(clk_rcc + RCC_CR) & ~RCC_CR_PLLON);
	clk_fill(out, STM32_CLK_HSI, STM32_HSI_HZ, 1, 1);
}

#ifdef FW_HOST_TEST
void stm32_clock_test_bases(uintptr_t rcc, uintptr_t flash)
{
	clk_rcc = rcc;
	clk_flash = flash;
}
#endif
