/*
 * The vector table for AN505's interrupt map: the Armv8-M core's
 * exceptions, then the IoT Kit's 32 lines and the FPGA's 92 (QEMU 7.2,
 * hw/arm/armsse.c and hw/arm/mps2-tz.c). Only the lines the image takes
 * are named; the rest go to Default_Handler.
 */
#include <stdint.h>

#include "an505.h"
#include "cortex_m.h"
#include "mps2.h"

__attribute__((section(".vectors"), used))
const mps2_vector_t mps2_vectors[] = {
	MPS2_CORE_VECTORS,
	/* the IoT Kit's lines */
	Default_Handler, Default_Handler, Default_Handler, /* 0-2 watchdogs, S32K timer */
	DEADLINE_IRQHandler, /* 3 TIMER0: the deadline timer */
	CLOCK_IRQHandler,    /* 4 TIMER1: the clock's wrap */
	Default_Handler, Default_Handler, Default_Handler, /* 5-7 */
	MPS2_UNUSED8,        /* 8-15 */
	MPS2_UNUSED8, MPS2_UNUSED8, /* 16-31 */
	/* the FPGA's lines */
	CONSOLE_RX_IRQHandler, /* 32 UART0 RX */
	CONSOLE_TX_IRQHandler, /* 33 UART0 TX */
	Default_Handler, Default_Handler, /* 34-35 UART1 */
	MPS2_UNUSED4,        /* 36-39 UART2, UART3 */
	Default_Handler, Default_Handler, /* 40-41 UART4 */
	Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, /* 42-46 UART0-4 combined */
	Default_Handler,     /* 47 UART overrun */
	ETHERNET_IRQHandler, /* 48 LAN9118 */
	Default_Handler, Default_Handler, Default_Handler, /* 49-51 */
	MPS2_UNUSED4,        /* 52-55 */
	MPS2_UNUSED8,        /* 56-63 */
	MPS2_UNUSED8, MPS2_UNUSED8, MPS2_UNUSED8, MPS2_UNUSED8, /* 64-95 */
	MPS2_UNUSED8, MPS2_UNUSED8, MPS2_UNUSED8, /* 96-119 */
	MPS2_UNUSED4,        /* 120-123 */
};

_Static_assert(sizeof mps2_vectors / sizeof mps2_vectors[0] == 1u + CM_SYS_EXCEPTIONS + AN505_IRQ_COUNT,
    "one slot for each of the stack pointer, the core's exceptions and QEMU's 124 lines");
_Static_assert(AN505_IRQ_TIMER0 == 3 && AN505_IRQ_TIMER1 == 4 && AN505_IRQ_UART0_RX == 32 &&
    AN505_IRQ_ETHERNET == 48, "vector slots above follow AN505's interrupt map");
