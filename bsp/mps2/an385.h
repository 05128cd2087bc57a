/*
 * MPS2 AN385 (Cortex-M3) memory map, interrupt numbers and the few
 * Cortex-M system registers the board code touches. Addresses are from
 * ARM AN385 (section 3, "Memory map" and "Interrupt map") and agree with
 * QEMU's model of the board (hw/arm/mps2.c).
 */
#ifndef AN385_H
#define AN385_H

#include <stdint.h>

/* SYSCLK drives the CPU, SysTick and every APB peripheral (AN385 3.3). */
#define AN385_SYSCLK_HZ      25000000u

/* ---- APB / AHB peripherals ---- */
#define AN385_TIMER0_BASE    0x40000000u   /* CMSDK APB timer 0: deadline timer */
#define AN385_TIMER1_BASE    0x40001000u   /* CMSDK APB timer 1: free-running clock */
#define AN385_UART0_BASE     0x40004000u   /* CMSDK APB UART 0: console */
#define AN385_LAN9118_BASE   0x40200000u   /* SMSC LAN9118 (LAN9220 on the real board) */

/* ---- external interrupts (NVIC IRQ numbers, AN385 "Interrupt map") ---- */
enum an385_irq {
	AN385_IRQ_UART0_RX  = 0,
	AN385_IRQ_UART0_TX  = 1,
	AN385_IRQ_TIMER0    = 8,
	AN385_IRQ_TIMER1    = 9,
	AN385_IRQ_UART_OVF  = 12,   /* UART 0..2 overrun, ORed together */
	AN385_IRQ_ETHERNET  = 13,
};
#define AN385_IRQ_COUNT      32            /* NVIC lines QEMU gives the AN385 */

/* Priorities (lower is more urgent; the M3 implements at least the top 3
 * bits). The 1 ms tick preempts everything so time never stalls behind a
 * long Ethernet RX copy; the console byte is next so a UART with a
 * one-byte buffer does not overrun while frames are copied. */
#define AN385_PRIO_SYSTICK   0x00u
#define AN385_PRIO_UART      0x20u
#define AN385_PRIO_TIMER     0x40u
#define AN385_PRIO_ETHERNET  0x60u

/* ---- Cortex-M3 system control space (ARMv7-M ARM, B3.2) ---- */
#define CM_REG(addr)         (*(volatile uint32_t *)(addr))
#define CM_SYST_CSR          CM_REG(0xE000E010u)   /* SysTick control and status */
#define CM_SYST_RVR          CM_REG(0xE000E014u)   /* SysTick reload value */
#define CM_SYST_CVR          CM_REG(0xE000E018u)   /* SysTick current value */
#define CM_SYST_CSR_ENABLE   (1u << 0)
#define CM_SYST_CSR_TICKINT  (1u << 1)
#define CM_SYST_CSR_CLKSRC   (1u << 2)             /* 1: processor clock */
#define CM_SYST_RVR_MAX      0x00FFFFFFu

#define CM_NVIC_ISER(n)      CM_REG(0xE000E100u + 4u * (n))  /* set-enable */
#define CM_NVIC_ICER(n)      CM_REG(0xE000E180u + 4u * (n))  /* clear-enable */
#define CM_NVIC_ICPR(n)      CM_REG(0xE000E280u + 4u * (n))  /* clear-pending */
#define CM_NVIC_IPR_BYTE(n)  (*(volatile uint8_t *)(0xE000E400u + (n)))

#define CM_SCB_ICSR          CM_REG(0xE000ED04u)   /* interrupt control and state */
#define CM_SCB_VTOR          CM_REG(0xE000ED08u)   /* vector table offset */
#define CM_SCB_AIRCR         CM_REG(0xE000ED0Cu)   /* application interrupt and reset */
#define CM_SCB_SHPR3         CM_REG(0xE000ED20u)   /* priorities of PendSV (23:16), SysTick (31:24) */
#define CM_SCB_CFSR          CM_REG(0xE000ED28u)   /* configurable fault status */
#define CM_SCB_HFSR          CM_REG(0xE000ED2Cu)   /* hard fault status */
#define CM_SCB_MMFAR         CM_REG(0xE000ED34u)   /* memory manage fault address */
#define CM_SCB_BFAR          CM_REG(0xE000ED38u)   /* bus fault address */
#define CM_AIRCR_VECTKEY     (0x05FAu << 16)
#define CM_AIRCR_SYSRESETREQ (1u << 2)
#define CM_SHPR3_SYSTICK_SHIFT 24

/* ---- exception handlers (startup.c holds the vector table) ---- */
void Reset_Handler(void);
void NMI_Handler(void);
void HardFault_Handler(void);
void SysTick_Handler(void);
void UART0RX_IRQHandler(void);
void UART0TX_IRQHandler(void);
void TIMER0_IRQHandler(void);
void TIMER1_IRQHandler(void);
void ETHERNET_IRQHandler(void);
void Default_Handler(void);

/* Called by the HardFault entry with the exception stack frame. */
void an385_fault_report(const uint32_t *frame, uint32_t exc_return);

/* ---- NVIC helpers ---- */
static inline void an385_irq_enable(enum an385_irq irq, uint8_t prio)
{
	unsigned n = (unsigned)irq;

	CM_NVIC_IPR_BYTE(n) = prio;
	CM_NVIC_ICPR(n / 32u) = 1u << (n % 32u);
	CM_NVIC_ISER(n / 32u) = 1u << (n % 32u);
}

static inline void an385_irq_clear_pending(enum an385_irq irq)
{
	unsigned n = (unsigned)irq;

	CM_NVIC_ICPR(n / 32u) = 1u << (n % 32u);
}

#endif
