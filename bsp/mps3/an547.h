/*
 * MPS3 AN547 (Cortex-M55 in ARM's SSE-300 subsystem) memory map and
 * interrupt numbers, as ARM AN547's memory and interrupt maps lay them
 * out and QEMU 7.2 models them (hw/arm/mps2-tz.c for the FPGA's
 * peripherals, hw/arm/armsse.c for the SSE-300's; SSE-300 TRM for the
 * system counter and timers).
 *
 * Security: Secure state with the SAU off, like every TrustZone image of
 * the family (bsp/mps2/mps2.h says why). The SSE-300's IDAU, like the IoT
 * Kit's, marks an address Secure when bit 28 is set: each block's Secure
 * alias is its Non-secure address + 0x10000000, and the addresses below
 * are those aliases.
 *
 * Where QEMU and the real image may differ: QEMU resets VTOR_S to
 * 0x00000000 (INITSVTOR0), the ITCM's Non-secure alias; the image is
 * linked at the Secure alias 0x10000000 of the same ITCM, so it boots
 * from either. QEMU feeds the system counter from MAINCLK (32 MHz); if the
 * FPGA image's counter runs at another rate, AN547_COUNTER_HZ is the one
 * number to change. The 32 kHz clock is 32,000 Hz in QEMU, 32,768 Hz on
 * the board (unused here).
 */
#ifndef AN547_H
#define AN547_H

/* Clocks as QEMU models AN547: MAINCLK (core, SysTick, system counter)
 * 32 MHz, the FPGA's APB peripherals 25 MHz. */
#define AN547_MAINCLK_HZ     32000000u
#define AN547_PERIPH_HZ      25000000u
#define AN547_COUNTER_HZ     AN547_MAINCLK_HZ

/* ---- memory (Secure aliases) ---- */
#define AN547_ITCM_BASE      0x10000000u   /* SSE-300 ITCM, 512 KiB: code */
#define AN547_DTCM_BASE      0x30000000u   /* SSE-300 DTCM, 512 KiB: data */

/* ---- peripherals (Secure aliases) ---- */
#define AN547_TIMER0_BASE    0x58000000u   /* SSE-300 system timer 0: clock and deadline */
#define AN547_COUNTER_CTRL   0x58100000u   /* SSE-300 system counter, control frame */
#define AN547_UART0_BASE     0x59303000u   /* CMSDK APB UART 0: console */
#define AN547_LAN9118_BASE   0x51400000u   /* SMSC LAN9118 (LAN9220 on the real board) */

/* ---- interrupts (NVIC IRQ numbers): 0-31 are the SSE-300's own, the
 * FPGA's start at 32 ---- */
enum an547_irq {
	AN547_IRQ_TIMER0    = 3,
	AN547_IRQ_UART0_RX  = 33,
	AN547_IRQ_UART0_TX  = 34,
	AN547_IRQ_UART_OVF  = 48,   /* UART 0..5 overrun, ORed together */
	AN547_IRQ_ETHERNET  = 49,
};
#define AN547_IRQ_COUNT      128           /* NVIC lines QEMU gives the AN547: 32 + 96 */

#endif
