/*
 * MPS2 AN500 (Cortex-M7) where it differs from AN385's map (an385.h),
 * as QEMU 7.2 models it (hw/arm/mps2.c, mps2-an500): the CMSDK UARTs and
 * timers, the SSRAMs and every interrupt line are AN385's; the LAN9118
 * moves to 0xA0000000 and the 16 MiB PSRAM to 0x60000000, and there is
 * no block RAM.
 *
 * 0xA0000000 is in the architecture's default "Device" region
 * (0xA0000000-0xDFFFFFFF, ARMv7-M B3.1), so the chip's registers need no
 * MPU set-up even on a core with caches; QEMU models no caches, and the
 * image leaves the M7's I- and D-cache off as they come out of reset
 * (the LAN9118 moves frames by CPU reads and writes, never DMA).
 */
#ifndef AN500_H
#define AN500_H

#include "an385.h"

#define AN500_LAN9118_BASE   0xA0000000u   /* SMSC LAN9118 (LAN9220 on the real board) */

#endif
