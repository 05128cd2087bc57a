/* STM32F4 true random number generator [RM0090 24]. */
#ifndef STM32_RNG_H
#define STM32_RNG_H

#include <stdbool.h>
#include <stdint.h>

#ifndef STM32_RNG_SPINS
#define STM32_RNG_SPINS 10000u   /* a word takes 40 PLL48CLK cycles; RNG unclocked = timeout */
#endif

/** One random word into *out. False when the RNG has no clock (PLL not
 *  running), reports a seed or clock error, or is not there at all. */
bool stm32_rng_read(uint32_t *out);

#endif
