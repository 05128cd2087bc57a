/*
 * MPS2 AN385 (Cortex-M3) memory map and interrupt numbers. Addresses are
 * from ARM AN385 (section 3, "Memory map" and "Interrupt map") and agree
 * with QEMU's model of the board (hw/arm/mps2.c). AN386 is the same
 * FPGA design around a Cortex-M4, and QEMU models it with this map to the
 * address; AN500 (Cortex-M7) keeps these peripherals and interrupt lines
 * in QEMU but moves the Ethernet and the PSRAM (an500.h). The core's own
 * registers are in cortex_m.h.
 */
#ifndef AN385_H
#define AN385_H

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

/* Initialisers for the family's map (mps2.h) of the images that keep
 * AN385's UART0 and timers: AN385 and AN386 (an385.c), AN500 (an500.c). */
#define AN385_CONSOLE_MAP { \
	.base = AN385_UART0_BASE, \
	.pclk_hz = AN385_SYSCLK_HZ, \
	.irq_rx = AN385_IRQ_UART0_RX, \
	.irq_tx = AN385_IRQ_UART0_TX, \
}
#define AN385_CMSDK_TIME { \
	.pclk_hz = AN385_SYSCLK_HZ, \
	.clock_base = AN385_TIMER1_BASE, \
	.clock_irq = AN385_IRQ_TIMER1, \
	.deadline_base = AN385_TIMER0_BASE, \
	.deadline_irq = AN385_IRQ_TIMER0, \
}

#endif
