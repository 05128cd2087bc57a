/*
 * The assertion sink and the PRNG behind LWIP_RAND().
 */
#include "fw_util.h"

#include <stddef.h>

#include "board.h"

#define FW_RAND_DEFAULT_SEED 0x2545F491u   /* any nonzero value */

static uint32_t fw_rand_state = FW_RAND_DEFAULT_SEED;

static void fw_puts(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			board_console_putc('\r');
		board_console_putc(*s);
	}
}

static void fw_put_dec(unsigned v)
{
	char buf[12];
	unsigned i = sizeof buf;

	buf[--i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10u);
		v /= 10u;
	} while (v != 0 && i > 0);
	fw_puts(&buf[i]);
}

/* Written with the console's bare output, not console_printf(): an
 * assertion may fire anywhere, console code included. */
void fw_assert_failed(const char *msg, const char *file, int line)
{
	(void)board_irq_save();
	fw_puts("\nASSERT: ");
	fw_puts(msg != NULL ? msg : "?");
	fw_puts(" at ");
	fw_puts(file != NULL ? file : "?");
	fw_puts(":");
	fw_put_dec(line >= 0 ? (unsigned)line : 0u);
	fw_puts("\n");
	for (;;)
		board_idle();   /* interrupts masked: stays here, the message stays last */
}

void fw_rand_seed(uint32_t seed)
{
	fw_rand_state = seed != 0 ? seed : FW_RAND_DEFAULT_SEED;
}

/* Marsaglia, "Xorshift RNGs" (2003), triple (13, 17, 5). */
uint32_t fw_rand32(void)
{
	uint32_t x = fw_rand_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	fw_rand_state = x;
	return x;
}
