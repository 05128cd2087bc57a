/*
 * Small services the firmware's other modules and lwIP's arch glue need:
 * the assertion sink and a PRNG (port/lwip/arch/cc.h declares both), and
 * addresses as the console reads and prints them.
 */
#ifndef FW_UTIL_H
#define FW_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "lwip/ip_addr.h"

/** Print the failed assertion on the console and stop the board. */
void fw_assert_failed(const char *msg, const char *file, int line) __attribute__((noreturn));

/** Seed fw_rand32(); a zero seed is replaced (xorshift's fixed point). */
void fw_rand_seed(uint32_t seed);

/** Non-cryptographic 32-bit pseudo-random number (xorshift32). */
uint32_t fw_rand32(void);

/** An IPv4 or IPv6 address, and nothing after it: lwIP's ipaddr_aton()
 *  stops an IPv6 address at the first character it cannot have and takes
 *  what came before ("2001:db8::zz" would be 2001:db8::). */
bool fw_ip_parse(const char *s, ip_addr_t *out);

/** ipaddr_ntoa_r() in lowercase, as RFC 5952 4.3 says IPv6 text is
 *  written (lwIP prints "2001:DB8::1"). Returns buf. */
char *fw_ip_ntoa(const ip_addr_t *addr, char *buf, int len);

#endif
