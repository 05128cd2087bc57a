/*
 * LM3S6965 System Control (datasheet TI SPMS001, "System Control"): the
 * PLL, peripheral clock gating, the user registers holding the MAC
 * address.
 *
 * The clock. The EK-LM3S6965 has an 8 MHz crystal; the PLL makes
 * 400 MHz, halved to 200 MHz, and SYSDIV 4 gives 50 MHz, the part's
 * maximum. The firmware assumes exactly that from then on (UART divisor,
 * timer loads, the clock's ticks per millisecond): it is what the
 * datasheet's set-up gives on silicon, and the one rate QEMU's model
 * and silicon agree on. QEMU's lm3s6965evb ignores the oscillator
 * source, XTAL, BYPASS and USESYSDIV and clocks everything at 200 MHz /
 * (SYSDIV + 1) (12.5 MHz from reset): the same 50 MHz once SYSDIV is 4,
 * with the PLL "locked" the moment PWRDN clears. A PLL that does not
 * lock on silicon leaves the part on the crystal, and the boot line
 * says so.
 */
#include "lm3s.h"

#include "lm3s6965.h"

/* Bound on the PLL lock wait, in RIS reads (the datasheet gives the lock
 * time as well under a millisecond; this is far more at the reset clock). */
#define LM3S_PLL_SPINS      200000u
/* The crystal's start-up, in RCC reads at the reset clock (a few ms). */
#define LM3S_MOSC_SPINS     20000u
/* "wait at least 3 system clocks after enabling a peripheral's clock
 * before touching its registers" (RCGC1/RCGC2). */
#define LM3S_GATE_SETTLE    3u
/* The internal oscillator the part resets to (12 MHz +/- 30 %); QEMU
 * starts at 12.5 MHz. Only the fault path before lm3s_clock_init uses it. */
#define LM3S_RESET_HZ       12000000u

static uint32_t lm3s_clock_hz = LM3S_RESET_HZ;

static inline uint32_t lm3s_sc_rd(uint32_t off)
{
	return *lm3s_reg(LM3S_SYSCTL_BASE, off);
}

static inline void lm3s_sc_wr(uint32_t off, uint32_t val)
{
	*lm3s_reg(LM3S_SYSCTL_BASE, off) = val;
}

/* The datasheet's PLL order: 1. bypass the PLL and the divider; 2. the
 * crystal's value and the main oscillator, PLL powered up; 3. SYSDIV;
 * 4. wait for PLLLRIS; 5. clear BYPASS. The main oscillator is off at
 * reset (MOSCDIS): it is started, and given time, before it is chosen. */
struct lm3s_clock lm3s_clock_init(void)
{
	uint32_t rcc = lm3s_sc_rd(LM3S_SC_RCC);

	rcc = (rcc | LM3S_RCC_BYPASS) & ~(LM3S_RCC_USESYSDIV | LM3S_RCC_MOSCDIS);
	lm3s_sc_wr(LM3S_SC_RCC, rcc);
	for (uint32_t i = 0; i < LM3S_MOSC_SPINS; i++)
		(void)lm3s_sc_rd(LM3S_SC_RCC);
	lm3s_sc_wr(LM3S_SC_MISC, LM3S_RIS_PLLLRIS);
	rcc &= ~(LM3S_RCC_XTAL_M | LM3S_RCC_OSCSRC_M | LM3S_RCC_PWRDN | LM3S_RCC_OEN);
	rcc |= LM3S_RCC_XTAL_8MHZ;
	lm3s_sc_wr(LM3S_SC_RCC, rcc);
	rcc = (rcc & ~LM3S_RCC_SYSDIV_M) | LM3S_RCC_SYSDIV(LM3S_PLL_HZ / LM3S_SYSCLK_HZ) |
	    LM3S_RCC_USESYSDIV;
	lm3s_sc_wr(LM3S_SC_RCC, rcc);
	for (uint32_t i = 0; i < LM3S_PLL_SPINS; i++) {
		if (lm3s_sc_rd(LM3S_SC_RIS) & LM3S_RIS_PLLLRIS) {
			lm3s_sc_wr(LM3S_SC_RCC, rcc & ~LM3S_RCC_BYPASS);
			lm3s_clock_hz = LM3S_SYSCLK_HZ;
			return (struct lm3s_clock){ LM3S_SYSCLK_HZ, "pll-xtal" };
		}
	}
	/* Still bypassed: the crystal, undivided. */
	lm3s_sc_wr(LM3S_SC_RCC, rcc & ~LM3S_RCC_USESYSDIV);
	lm3s_clock_hz = LM3S_XTAL_HZ;
	return (struct lm3s_clock){ LM3S_XTAL_HZ, "xtal (PLL did not lock)" };
}

uint32_t lm3s_sysclk_hz(void)
{
	return lm3s_clock_hz;
}

void lm3s_clock_gate(uint32_t rcgc1, uint32_t rcgc2)
{
	lm3s_sc_wr(LM3S_SC_RCGC1, lm3s_sc_rd(LM3S_SC_RCGC1) | rcgc1);
	lm3s_sc_wr(LM3S_SC_RCGC2, lm3s_sc_rd(LM3S_SC_RCGC2) | rcgc2);
	for (unsigned i = 0; i < LM3S_GATE_SETTLE; i++)
		(void)lm3s_sc_rd(LM3S_SC_RCGC2);
}

/* QEMU fills USER0/USER1 from the NIC's address (-nic macaddr=), as the
 * factory does on the EK-LM3S6965. */
bool lm3s_user_mac(uint8_t mac[6])
{
	uint32_t u0 = lm3s_sc_rd(LM3S_SC_USER0), u1 = lm3s_sc_rd(LM3S_SC_USER1);

	if (u0 == LM3S_USER_UNSET || u1 == LM3S_USER_UNSET)
		return false;
	for (unsigned i = 0; i < 3; i++) {
		mac[i] = (uint8_t)(u0 >> (8 * i));
		mac[3 + i] = (uint8_t)(u1 >> (8 * i));
	}
	return true;
}
