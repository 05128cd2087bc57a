/*
 * MPS2 AN505 (Cortex-M33 in ARM's IoT Kit subsystem) memory map and
 * interrupt numbers, as ARM AN505's memory and interrupt maps lay them
 * out and QEMU 7.2 models them (hw/arm/mps2-tz.c for the FPGA's
 * peripherals, hw/arm/armsse.c for the IoT Kit's).
 *
 * Security: the image runs in the Secure state with the SAU off, as every
 * TrustZone image of the family does (mps2.h says why). The IoT Kit's IDAU
 * marks an address Secure when bit 28 is set, so each block's Secure
 * alias is its Non-secure address + 0x10000000 (0x0..., 0x2..., 0x4...
 * become 0x1..., 0x3..., 0x5...); the addresses below are those aliases.
 */
#ifndef AN505_H
#define AN505_H

/* MAINCLK: the core, SysTick, the IoT Kit's timers and the FPGA's APB
 * peripherals all run from it; 20 MHz in QEMU's model of AN505. */
#define AN505_MAINCLK_HZ     20000000u

/* ---- memory (Secure aliases) ---- */
#define AN505_SSRAM1_BASE    0x10000000u   /* ZBT SSRAM1, 4 MiB: code; reset VTOR_S points here */
#define AN505_SSRAM23_BASE   0x38000000u   /* ZBT SSRAM2 + SSRAM3, 2 MiB each: data */

/* ---- peripherals (Secure aliases) ---- */
#define AN505_TIMER0_BASE    0x50000000u   /* IoT Kit CMSDK APB timer 0: deadline timer */
#define AN505_TIMER1_BASE    0x50001000u   /* IoT Kit CMSDK APB timer 1: free-running clock */
#define AN505_UART0_BASE     0x50200000u   /* CMSDK APB UART 0: console */
#define AN505_LAN9118_BASE   0x52000000u   /* SMSC LAN9118 (LAN9220 on the real board) */

/* ---- interrupts (NVIC IRQ numbers): 0-31 are the IoT Kit's own, the
 * FPGA's start at 32 ---- */
enum an505_irq {
	AN505_IRQ_TIMER0    = 3,
	AN505_IRQ_TIMER1    = 4,
	AN505_IRQ_UART0_RX  = 32,
	AN505_IRQ_UART0_TX  = 33,
	AN505_IRQ_UART_OVF  = 47,   /* UART 0..4 overrun, ORed together */
	AN505_IRQ_ETHERNET  = 48,
};
#define AN505_IRQ_COUNT      124           /* NVIC lines QEMU gives the AN505: 32 + 92 */

#endif
