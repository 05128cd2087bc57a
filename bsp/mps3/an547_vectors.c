/*
 * The vector table for AN547's interrupt map: the Armv8.1-M core's
 * exceptions, then the SSE-300's 32 lines and the FPGA's 96 (QEMU 7.2,
 * hw/arm/armsse.c and hw/arm/mps2-tz.c). Only the lines the image takes
 * are named; the rest go to Default_Handler.
 */
#include <stdint.h>

#include "an547.h"
#include "cortex_m.h"
#include "mps2.h"

__attribute__((section(".vectors"), used))
const mps2_vector_t mps2_vectors[] = {
	MPS2_CORE_VECTORS,
	/* the SSE-300's lines */
	Default_Handler, Default_Handler, Default_Handler, /* 0-2 watchdogs, S32K timer */
	DEADLINE_IRQHandler, /* 3 system timer 0: the deadline */
	MPS2_UNUSED4,        /* 4-7 system timers 1 and 2, MHUs */
	MPS2_UNUSED8,        /* 8-15 */
	MPS2_UNUSED8, MPS2_UNUSED8, /* 16-31 */
	/* the FPGA's lines */
	Default_Handler,     /* 32 */
	CONSOLE_RX_IRQHandler, /* 33 UART0 RX */
	CONSOLE_TX_IRQHandler, /* 34 UART0 TX */
	Default_Handler,     /* 35 */
	MPS2_UNUSED4,        /* 36-39 UART1-3 */
	MPS2_UNUSED8,        /* 40-47 UART4, UART0-4 combined */
	Default_Handler,     /* 48 UART overrun */
	ETHERNET_IRQHandler, /* 49 LAN9118 */
	Default_Handler, Default_Handler, /* 50-51 */
	MPS2_UNUSED4,        /* 52-55 */
	MPS2_UNUSED8,        /* 56-63 */
	MPS2_UNUSED8, MPS2_UNUSED8, MPS2_UNUSED8, MPS2_UNUSED8, /* 64-95 */
	MPS2_UNUSED8, MPS2_UNUSED8, MPS2_UNUSED8, MPS2_UNUSED8, /* 96-127 */
};

_Static_assert(sizeof mps2_vectors / sizeof mps2_vectors[0] == 1u + CM_SYS_EXCEPTIONS + AN547_IRQ_COUNT,
    "one slot for each of the stack pointer, the core's exceptions and QEMU's 128 lines");
_Static_assert(AN547_IRQ_TIMER0 == 3 && AN547_IRQ_UART0_RX == 33 && AN547_IRQ_ETHERNET == 49,
    "vector slots above follow AN547's interrupt map");
