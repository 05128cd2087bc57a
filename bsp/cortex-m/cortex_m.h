/*
 * What every Cortex-M board shares: the core's system registers and the
 * few instructions board code needs (interrupt masking, sleep, reset).
 * Addresses and fields are from the ARMv7-M Architecture Reference Manual
 * (ARM DDI 0403E), section numbers in brackets; they are the same on the
 * M3, M4 and M7, and on the Armv8-M mainline cores (M33, M55: Armv8-M
 * Architecture Reference Manual, ARM DDI 0553, registers named in [v8 ...]),
 * which add the stack limit registers and the Security Extension's fault
 * status below. The board.h functions that are pure core (board_irq_save,
 * board_irq_restore, board_idle, board_reboot) are defined once in
 * cortex_m.c on top of these.
 */
#ifndef CORTEX_M_H
#define CORTEX_M_H

#include <stdint.h>

#define CM_REG(addr)         (*(volatile uint32_t *)(uintptr_t)(addr))

/* ---- SysTick [B3.3.2] ---- */
#define CM_SYST_CSR          CM_REG(0xE000E010u)   /* control and status */
#define CM_SYST_RVR          CM_REG(0xE000E014u)   /* reload value */
#define CM_SYST_CVR          CM_REG(0xE000E018u)   /* current value */
#define CM_SYST_CSR_ENABLE   (1u << 0)
#define CM_SYST_CSR_TICKINT  (1u << 1)
#define CM_SYST_CSR_CLKSRC   (1u << 2)             /* 1: processor clock, not the reference clock */
#define CM_SYST_RVR_MAX      0x00FFFFFFu           /* 24-bit counter */

/* ---- NVIC [B3.4.3], one bit (one byte for priorities) per external interrupt ---- */
#define CM_NVIC_ISER(n)      CM_REG(0xE000E100u + 4u * (n))  /* set-enable */
#define CM_NVIC_ICER(n)      CM_REG(0xE000E180u + 4u * (n))  /* clear-enable */
#define CM_NVIC_ICPR(n)      CM_REG(0xE000E280u + 4u * (n))  /* clear-pending */
#define CM_NVIC_IPR_BYTE(n)  (*(volatile uint8_t *)(uintptr_t)(0xE000E400u + (n)))

/* ---- system control block [B3.2.2] ---- */
#define CM_SCB_ICSR          CM_REG(0xE000ED04u)   /* interrupt control and state */
#define CM_SCB_VTOR          CM_REG(0xE000ED08u)   /* vector table offset */
#define CM_SCB_AIRCR         CM_REG(0xE000ED0Cu)   /* application interrupt and reset */
#define CM_SCB_SHPR3         CM_REG(0xE000ED20u)   /* priorities of PendSV (23:16), SysTick (31:24) */
#define CM_SCB_CFSR          CM_REG(0xE000ED28u)   /* configurable fault status */
#define CM_SCB_HFSR          CM_REG(0xE000ED2Cu)   /* hard fault status */
#define CM_SCB_MMFAR         CM_REG(0xE000ED34u)   /* memory manage fault address */
#define CM_SCB_BFAR          CM_REG(0xE000ED38u)   /* bus fault address */
#define CM_AIRCR_VECTKEY     (0x05FAu << 16)       /* a write without the key is ignored */
#define CM_AIRCR_SYSRESETREQ (1u << 2)
#define CM_SHPR3_SYSTICK_SHIFT 24
#define CM_CFSR_STKOF        (1u << 20)            /* UsageFault: stack limit hit [v8 UFSR.STKOF] */

/* Armv8-M mainline (-mcpu=cortex-m33, cortex-m55): the Security Extension
 * and the stack limit registers. GCC names the architecture, not the core. */
#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8_1M_MAIN__)
#define CM_ARMV8M_MAIN 1
/* Secure fault status and address [v8 SFSR, SFAR]: a SecureFault
 * escalates to HardFault until SHCSR.SECUREFAULTENA is set. */
#define CM_SAU_SFSR          CM_REG(0xE000EDE4u)
#define CM_SAU_SFAR          CM_REG(0xE000EDE8u)
#endif

/** Exceptions 1..15 come before the external interrupts in the vector
 *  table, which also starts with the initial stack pointer [B1.5.3]. */
#define CM_SYS_EXCEPTIONS    15u

/* ---- NVIC helpers ---- */

/** Priority of external interrupt `irq`: lower is more urgent; only the
 *  top bits the implementation has are kept [B3.4.8]. */
static inline void cm_nvic_set_priority(unsigned irq, uint8_t prio)
{
	CM_NVIC_IPR_BYTE(irq) = prio;
}

static inline void cm_nvic_clear_pending(unsigned irq)
{
	CM_NVIC_ICPR(irq / 32u) = 1u << (irq % 32u);
}

static inline void cm_nvic_enable(unsigned irq)
{
	CM_NVIC_ISER(irq / 32u) = 1u << (irq % 32u);
}

/** Enable external interrupt `irq` at priority `prio`, dropping anything
 *  it raised while it was off. */
static inline void cm_nvic_enable_line(unsigned irq, uint8_t prio)
{
	cm_nvic_set_priority(irq, prio);
	cm_nvic_clear_pending(irq);
	cm_nvic_enable(irq);
}

/** Spread the few varying bits of a timer sample over all 32: the
 *  xorshift-multiply finaliser of MurmurHash3 (fmix32), for the boards
 *  whose board_entropy32() has only timing to sample. */
static inline uint32_t cm_mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	x *= 0xc2b2ae35u;
	x ^= x >> 16;
	return x;
}

/* ---- PRIMASK, sleep, reset ---- */

/* PRIMASK save/restore nests, so it is safe where the caller already
 * masked interrupts (main.c checks for work that way before board_idle).
 * Host tests build the same callers with no interrupts to mask. */
#ifdef FW_HOST_TEST
static inline uint32_t cm_irq_save(void) { return 0; }
static inline void cm_irq_restore(uint32_t s) { (void)s; }
#else
static inline uint32_t cm_irq_save(void)
{
	uint32_t primask;

	__asm volatile ("mrs %0, primask\n cpsid i" : "=r" (primask) :: "memory");
	return primask;
}

static inline void cm_irq_restore(uint32_t s)
{
	__asm volatile ("msr primask, %0" :: "r" (s) : "memory");
}

static inline void cm_irq_enable(void)
{
	__asm volatile ("cpsie i" ::: "memory");
}

/** Wait for an interrupt. An interrupt pending while PRIMASK is set still
 *  ends WFI [B1.5.19], so callers mask, check for work, then sleep.
 *  DSB first: ARM's guidance for WFI (Cortex-M programming guide to memory
 *  barrier instructions, AN321) is to let outstanding memory accesses
 *  complete before the core sleeps. ISB after: STM32F4 erratum (ES0206,
 *  debugging Sleep mode): with a debugger attached (DBGMCU_CR.DBG_SLEEP)
 *  and interrupts masked, the instruction after WFI can be fetched wrongly
 *  on wake-up; the ISB refetches it. */
static inline void cm_idle(void)
{
	__asm volatile ("dsb\n wfi\n isb" ::: "memory");
}

/** IPSR: the number of the exception being handled (0 in thread mode). */
static inline uint32_t cm_ipsr(void)
{
	uint32_t ipsr;

	__asm volatile ("mrs %0, ipsr" : "=r" (ipsr));
	return ipsr;
}

/** Set the main stack's limit (MSPLIM) to `limit`, the lowest address
 *  the stack may use: on Armv8-M mainline a push below it raises a
 *  UsageFault with CFSR.STKOF instead of writing there [v8 MSPLIM]. The
 *  Armv7-M cores have no stack limit: nothing to do. */
static inline void cm_stack_limit(uintptr_t limit)
{
#ifdef CM_ARMV8M_MAIN
	__asm volatile ("msr msplim, %0" :: "r" (limit) : "memory");
#else
	(void)limit;
#endif
}

/** Mask interrupts and sleep for good: the end of a fault report. */
static inline void __attribute__((noreturn)) cm_halt(void)
{
	__asm volatile ("cpsid i" ::: "memory");
	for (;;)
		cm_idle();
}

/** System reset through AIRCR.SYSRESETREQ [B3.2.6]; the DSBs make the
 *  request wait for earlier writes and keep later ones from passing it. */
static inline void __attribute__((noreturn)) cm_reboot(void)
{
	__asm volatile ("dsb" ::: "memory");
	CM_SCB_AIRCR = CM_AIRCR_VECTKEY | CM_AIRCR_SYSRESETREQ;
	__asm volatile ("dsb" ::: "memory");
	for (;;)
		;
}
#endif

/** SysTick as board.h's 1 ms tick from the processor clock `core_hz`, at
 *  exception priority `prio`. */
void cm_systick_init_1ms(uint32_t core_hz, uint8_t prio);

/** SysTick counting down from `reload` at the processor clock, its
 *  exception at priority `prio` on every wrap. */
void cm_systick_start(uint32_t reload, uint8_t prio);

#endif
