/*
 * Addresses as the console reads and prints them (fw_ip.h).
 */
#include "fw_ip.h"

static bool fw_ip_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
	       c == '.';
}

bool fw_ip_parse(const char *s, ip_addr_t *out)
{
	if (*s == '\0')
		return false;
	for (const char *c = s; *c != '\0'; c++)
		if (!fw_ip_char(*c))
			return false;
	return ipaddr_aton(s, out) != 0;
}

char *fw_ip_ntoa(const ip_addr_t *addr, char *buf, int len)
{
	if (ipaddr_ntoa_r(addr, buf, len) == NULL)
		return NULL;
	for (char *c = buf; *c != '\0'; c++)
		if (*c >= 'A' && *c <= 'F')
			*c = (char)(*c - 'A' + 'a');
	return buf;
}
