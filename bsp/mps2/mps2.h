/*
 * The MPS2 family: ARM's FPGA prototyping boards as QEMU models them, each
 * FPGA image (application note) a CPU with CMSDK APB UARTs and an SMSC
 * LAN9118 (a LAN9220 on the real boards) at addresses of its own. The
 * family's code is written once against the image's map below:
 *
 *   startup.c        reset, vector table base, stack limit, fault reports
 *   mps2_board.c     board.h: console, Ethernet, entropy, the handlers
 *   mps2_cmsdk_time.c  board.h's clock and deadline on two CMSDK APB
 *                    timers (a family without them brings its own, as the
 *                    MPS3's SSE-300 does: bsp/mps3/)
 *
 * An image contributes its header (an385.h ...), its map (an385.c ...),
 * its vector table (an385_vectors.c ...) and its linker script; a board
 * folder only says which image, which CPU and which QEMU machine.
 *
 * The TrustZone images (AN505's Cortex-M33, AN547's Cortex-M55: Armv8-M
 * with the Security Extension) run in the Secure state, where the core
 * comes out of reset, and stay there. The image is the only software on
 * the board: no Non-secure image is there to protect anything from, and
 * running Non-secure would take a Secure image first to configure the
 * SAU, the memory protection controllers' block tables, the peripheral
 * protection controllers and NVIC_ITNS, code the suite could only check
 * in QEMU. So the SAU stays disabled with ALLNS = 0, which makes every
 * address Secure whatever the subsystem's IDAU says; the MPCs and PPCs
 * come out of reset admitting Secure accesses only, NVIC_ITNS sends every
 * interrupt to the Secure state, and the image uses each block's Secure
 * alias, as Secure software on these subsystems does.
 */
#ifndef MPS2_H
#define MPS2_H

#include <stdint.h>

#include "cortex_m.h"

/** Where one image puts what the family's code drives. */
struct mps2_map {
	uint32_t cpu_hz;            /* the core and SysTick */
	struct {
		uintptr_t base;     /* CMSDK APB UART */
		uint32_t pclk_hz;   /* its APB clock (sets the baud divider) */
		uint8_t irq_rx, irq_tx;
	} console;
	struct {
		uintptr_t base;     /* LAN9118 register block */
		uint8_t irq;
	} eth;
};

/** The image's map, from its map file (an385.c ...); the fault handlers
 *  read the console's part, perhaps before board_init(). */
extern const struct mps2_map mps2_map;

/** A vector table slot: the initial stack pointer, then handlers. */
typedef void (*mps2_vector_t)(void);

/** The vector table the image starts with (.vectors), from the image's
 *  vectors file; Reset_Handler points VTOR at it. */
extern const mps2_vector_t mps2_vectors[];

/** The initial stack pointer, from the image's linker script. */
extern uint32_t _estack;

/** Slots of a vectors file's table that no handler of the image takes:
 *  Default_Handler reports a stray one instead of jumping to address 0. */
#define MPS2_UNUSED4 Default_Handler, Default_Handler, Default_Handler, Default_Handler
#define MPS2_UNUSED8 MPS2_UNUSED4, MPS2_UNUSED4

/* Slot 7 is SecureFault on Armv8-M with the Security Extension (not
 * enabled, so it escalates to HardFault like the others), reserved on
 * Armv7-M. */
#ifdef CM_ARMV8M_MAIN
#define MPS2_SECUREFAULT_VECTOR HardFault_Handler
#else
#define MPS2_SECUREFAULT_VECTOR Default_Handler
#endif

/** A vectors file's first 1 + CM_SYS_EXCEPTIONS slots, the same on every
 *  image: the initial stack pointer, then the core's exceptions 1..15
 *  (ARMv7-M B1.5.3; Armv8-M adds SecureFault). MemManage, BusFault and
 *  UsageFault (stack limit included) are not enabled and escalate to
 *  HardFault, whose handler reports them. */
#define MPS2_CORE_VECTORS \
	(mps2_vector_t)(uintptr_t)&_estack, \
	Reset_Handler, \
	NMI_Handler, \
	HardFault_Handler, \
	HardFault_Handler,       /* MemManage */ \
	HardFault_Handler,       /* BusFault */ \
	HardFault_Handler,       /* UsageFault */ \
	MPS2_SECUREFAULT_VECTOR, \
	Default_Handler, Default_Handler, Default_Handler, /* reserved */ \
	Default_Handler,         /* SVCall */ \
	Default_Handler,         /* DebugMon */ \
	Default_Handler,         /* reserved */ \
	Default_Handler,         /* PendSV */ \
	SysTick_Handler

/* ---- exception priorities (lower is more urgent; every core here has at
 * least the top 3 bits). The 1 ms tick preempts everything so time never
 * stalls behind a long Ethernet RX copy; the console byte is next so a
 * UART with a one-byte buffer does not overrun while frames are copied. */
#define MPS2_PRIO_SYSTICK    0x00u
#define MPS2_PRIO_UART       0x20u
#define MPS2_PRIO_TIMER      0x40u
#define MPS2_PRIO_ETHERNET   0x60u

/** Enable NVIC line `irq` at priority `prio`, dropping anything it raised
 *  while it was off. */
void mps2_irq_enable(unsigned irq, uint8_t prio);

/* ---- the time source (mps2_cmsdk_time.c, or the family's own) ---- */

/** Two CMSDK APB timers (ARM DDI0479C, 4.4) as the time source: one runs
 *  free as the millisecond clock, the other holds the deadline. From the
 *  image's map file, for mps2_cmsdk_time.c. */
struct mps2_cmsdk_time {
	uint32_t pclk_hz;           /* both timers' clock */
	uintptr_t clock_base, deadline_base;
	uint8_t clock_irq, deadline_irq;
};
extern const struct mps2_cmsdk_time mps2_cmsdk_time;

/** Start the clock and the deadline timer and enable their lines. */
void mps2_time_init(void);

/** The clock's raw count (for the boot-time entropy's jitter). */
uint64_t mps2_time_ticks(void);

/* ---- exception handlers startup.c defines ---- */
void Reset_Handler(void);
void NMI_Handler(void);
void HardFault_Handler(void);
void Default_Handler(void);

/* ---- the ones mps2_board.c defines, for the vectors files ---- */
void SysTick_Handler(void);
void CONSOLE_RX_IRQHandler(void);
void CONSOLE_TX_IRQHandler(void);
void ETHERNET_IRQHandler(void);

/* ---- and the time source's ---- */
void CLOCK_IRQHandler(void);      /* the clock's timer (a wrap), if it interrupts */
void DEADLINE_IRQHandler(void);   /* the deadline timer */

#endif
