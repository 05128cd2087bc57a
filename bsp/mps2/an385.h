/*
 * MPS2 AN385 (Cortex-M3) memory map, interrupt numbers and priorities.
 * Addresses are from ARM AN385 (section 3, "Memory map" and "Interrupt
 * map") and agree with QEMU's model of the board (hw/arm/mps2.c). The
 * core's own registers are in cortex_m.h.
 */
#ifndef AN385_H
#define AN385_H

#include <stdint.h>

#include "cortex_m.h"

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

/* ---- handlers of the AN385 lines an385_vectors.c names (the board's board.c) ---- */
void UART0RX_IRQHandler(void);
void UART0TX_IRQHandler(void);
void TIMER0_IRQHandler(void);
void TIMER1_IRQHandler(void);
void ETHERNET_IRQHandler(void);

/* ---- NVIC helpers ---- */
/** Enable an AN385 line at priority `prio`, dropping anything it raised
 *  while it was off. */
static inline void an385_irq_enable(enum an385_irq irq, uint8_t prio)
{
	cm_nvic_enable_line((unsigned)irq, prio);
}

static inline void an385_irq_clear_pending(enum an385_irq irq)
{
	cm_nvic_clear_pending((unsigned)irq);
}

#endif
