/*
 * Small services the firmware's other modules and lwIP's arch glue need:
 * the assertion sink and a PRNG (port/lwip/arch/cc.h declares both).
 */
#ifndef FW_UTIL_H
#define FW_UTIL_H

#include <stdint.h>

/** Print the failed assertion on the console and stop the board. */
void fw_assert_failed(const char *msg, const char *file, int line) __attribute__((noreturn));

/** Seed fw_rand32(); a zero seed is replaced (xorshift's fixed point). */
void fw_rand_seed(uint32_t seed);

/** Non-cryptographic 32-bit pseudo-random number (xorshift32). */
uint32_t fw_rand32(void);

#endif
