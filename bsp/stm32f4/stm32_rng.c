#include "stm32_rng.h"

#include "stm32f4_regs.h"

bool stm32_rng_read(uint32_t *out)
{
	stm32_set(STM32_RCC_BASE + RCC_AHB2ENR, RCC_AHB2ENR_RNGEN);
	stm32_set(STM32_RNG_BASE + RNG_CR, RNG_CR_RNGEN);
	for (uint32_t i = 0; i < STM32_RNG_SPINS; i++) {
		uint32_t sr = stm32_rd(STM32_RNG_BASE + RNG_SR);
		/* [24.3.2]: a seed or clock error invalidates the data. */
		if (sr & (RNG_SR_SECS | RNG_SR_CECS))
			return false;
		if (sr & RNG_SR_DRDY) {
			*out = stm32_rd(STM32_RNG_BASE + RNG_DR);
			return true;
		}
	}
	return false;
}
