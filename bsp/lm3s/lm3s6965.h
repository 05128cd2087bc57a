/*
 * TI Stellaris LM3S6965 (Cortex-M3): memory map, interrupt numbers and
 * priorities, and the System Control and GPIO registers the board code
 * touches. From the LM3S6965 datasheet (TI SPMS001): "Memory Map",
 * "Interrupts" (the interrupt table), "System Control" (register
 * descriptions RIS, MISC, RCC, RCGC1, RCGC2, USER0, USER1) and
 * "General-Purpose Input/Outputs" (GPIOAFSEL, GPIODEN). QEMU's
 * lm3s6965evb (hw/arm/stellaris.c) puts the same peripherals at the same
 * addresses and lines. The core's registers are in cortex_m.h.
 */
#ifndef LM3S6965_H
#define LM3S6965_H

#include <stdint.h>

#include "cortex_m.h"

/* ---- memory: 256 KiB flash at 0, 64 KiB SRAM at 0x20000000 (the linker script) ---- */

/* ---- peripherals (APB) ---- */
#define LM3S_GPIOA_BASE      0x40004000u   /* PA0 = U0Rx, PA1 = U0Tx */
#define LM3S_UART0_BASE      0x4000C000u   /* console */
#define LM3S_TIMER0_BASE     0x40030000u   /* GPTM 0: the deadline */
#define LM3S_TIMER1_BASE     0x40031000u   /* GPTM 1: the 1 ms wake-up */
#define LM3S_ETH_BASE        0x40048000u   /* Ethernet Controller: MAC + PHY */
#define LM3S_SYSCTL_BASE     0x400FE000u   /* System Control */

/* ---- external interrupts (NVIC numbers, the datasheet's interrupt table) ---- */
enum lm3s_irq {
	LM3S_IRQ_GPIOA    = 0,
	LM3S_IRQ_UART0    = 5,
	LM3S_IRQ_WATCHDOG = 18,
	LM3S_IRQ_TIMER0A  = 19,
	LM3S_IRQ_TIMER1A  = 21,
	LM3S_IRQ_SYSCTL   = 28,
	LM3S_IRQ_ETH      = 42,
	LM3S_IRQ_HIB      = 43,
};
#define LM3S_IRQ_COUNT       44            /* 0 (GPIO Port A) .. 43 (Hibernation) */

/* Priorities: the LM3S6965 implements the top 3 bits (8 levels). The
 * clock's SysTick preempts everything so no wrap waits behind an
 * Ethernet RX copy; the console byte is next so UART0's 16-byte FIFO does
 * not overrun while frames are copied. */
#define LM3S_PRIO_SYSTICK    0x00u
#define LM3S_PRIO_UART       0x20u
#define LM3S_PRIO_TIMER      0x40u
#define LM3S_PRIO_ETH        0x60u

/* ---- System Control (offsets from LM3S_SYSCTL_BASE) ---- */
#define LM3S_SC_RIS          0x050u        /* raw interrupt status: PLLLRIS */
#define LM3S_SC_MISC         0x058u        /* masked status and clear: write 1 clears */
#define LM3S_SC_RCC          0x060u        /* run-mode clock configuration */
#define LM3S_SC_RCGC1        0x104u        /* run-mode clock gating 1: UARTs, timers */
#define LM3S_SC_RCGC2        0x108u        /* run-mode clock gating 2: GPIO, Ethernet */
#define LM3S_SC_USER0        0x1E0u        /* user register 0: MAC octets 1-3, as programmed */
#define LM3S_SC_USER1        0x1E4u        /* user register 1: MAC octets 4-6 */

#define LM3S_RIS_PLLLRIS     (1u << 6)     /* PLL lock */
#define LM3S_RCC_MOSCDIS     (1u << 0)     /* main oscillator off */
#define LM3S_RCC_OSCSRC_M    (3u << 4)     /* 0: main oscillator */
#define LM3S_RCC_XTAL_M      (0xFu << 6)
#define LM3S_RCC_XTAL_8MHZ   (0xEu << 6)   /* the EK-LM3S6965's 8 MHz crystal */
#define LM3S_RCC_BYPASS      (1u << 11)    /* system clock from the oscillator, not the PLL */
#define LM3S_RCC_OEN         (1u << 12)    /* 1: PLL output not driven */
#define LM3S_RCC_PWRDN       (1u << 13)    /* PLL powered down */
#define LM3S_RCC_USESYSDIV   (1u << 22)
#define LM3S_RCC_SYSDIV_M    (0xFu << 23)
#define LM3S_RCC_SYSDIV(d)   ((uint32_t)((d) - 1u) << 23)   /* divide the 200 MHz PLL by d */

#define LM3S_RCGC1_UART0     (1u << 0)
#define LM3S_RCGC1_TIMER0    (1u << 16)
#define LM3S_RCGC1_TIMER1    (1u << 17)
#define LM3S_RCGC2_GPIOA     (1u << 0)
#define LM3S_RCGC2_EMAC0     (1u << 28)
#define LM3S_RCGC2_EPHY0     (1u << 30)

#define LM3S_USER_UNSET      0xFFFFFFFFu   /* USER0/1 never programmed */

/* ---- GPIO (offsets from a port's base) ---- */
#define LM3S_GPIO_AFSEL      0x420u        /* alternate (peripheral) function select */
#define LM3S_GPIO_DEN        0x51Cu        /* digital enable */
#define LM3S_PA_UART0        0x03u         /* PA0 U0Rx, PA1 U0Tx */

/* ---- clocks ---- */
#define LM3S_PLL_HZ          200000000u    /* the PLL's 400 MHz, halved, before SYSDIV */
#define LM3S_SYSCLK_HZ       50000000u     /* SYSDIV 4: the part's maximum */
#define LM3S_XTAL_HZ         8000000u

static inline volatile uint32_t *lm3s_reg(uint32_t base, uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(base + off);
}

/* ---- NVIC helpers ---- */
/** Enable an LM3S6965 line at priority `prio`, dropping anything it
 *  raised while it was off. */
static inline void lm3s_irq_enable(enum lm3s_irq irq, uint8_t prio)
{
	cm_nvic_enable_line((unsigned)irq, prio);
}

static inline void lm3s_irq_clear_pending(enum lm3s_irq irq)
{
	cm_nvic_clear_pending((unsigned)irq);
}

#endif
