/*
 * Addresses as the console reads and prints them, IPv4 or IPv6.
 */
#ifndef FW_IP_H
#define FW_IP_H

#include <stdbool.h>

#include "lwip/ip_addr.h"

/** An IPv4 or IPv6 address, and nothing after it: lwIP's ipaddr_aton()
 *  stops an IPv6 address at the first character it cannot have and takes
 *  what came before ("2001:db8::zz" would be 2001:db8::). */
bool fw_ip_parse(const char *s, ip_addr_t *out);

/** ipaddr_ntoa_r() in lowercase, as RFC 5952 4.3 says IPv6 text is
 *  written (lwIP prints "2001:DB8::1"). Returns buf, NULL if it is short. */
char *fw_ip_ntoa(const ip_addr_t *addr, char *buf, int len);

#endif
