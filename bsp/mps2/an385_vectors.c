/*
 * The vector table for AN385's interrupt map (AN385 section 3, "Interrupt
 * map"): the core's exceptions, then the 32 lines QEMU gives the board.
 * AN386 and AN500 use it too: QEMU's hw/arm/mps2.c wires their lines as
 * AN385's. An image with another map
 * gets a vectors file of its own beside this one; startup.c stays as it
 * is.
 */
#include <stdint.h>

#include "an385.h"
#include "cortex_m.h"
#include "mps2.h"

/* Every slot is named so that a stray exception is reported by
 * Default_Handler instead of jumping to address 0. External lines as in
 * AN385's interrupt map. */
__attribute__((section(".vectors"), used))
const mps2_vector_t mps2_vectors[1u + CM_SYS_EXCEPTIONS + AN385_IRQ_COUNT] = {
	MPS2_CORE_VECTORS,
	CONSOLE_RX_IRQHandler, /* 0 UART0 RX */
	CONSOLE_TX_IRQHandler, /* 1 UART0 TX */
	Default_Handler,     /* 2 UART1 RX */
	Default_Handler,     /* 3 UART1 TX */
	Default_Handler,     /* 4 UART2 RX */
	Default_Handler,     /* 5 UART2 TX */
	Default_Handler,     /* 6 GPIO0 combined */
	Default_Handler,     /* 7 GPIO1 combined */
	DEADLINE_IRQHandler, /* 8 TIMER0: the deadline timer */
	CLOCK_IRQHandler,    /* 9 TIMER1: the clock's wrap */
	Default_Handler,     /* 10 dual timer */
	Default_Handler,     /* 11 SPI */
	Default_Handler,     /* 12 UART 0-2 overrun */
	ETHERNET_IRQHandler, /* 13 LAN9118 */
	Default_Handler,     /* 14 audio I2S */
	Default_Handler,     /* 15 touch screen */
	Default_Handler,     /* 16 GPIO2 */
	Default_Handler,     /* 17 GPIO3 */
	Default_Handler,     /* 18 UART3 RX */
	Default_Handler,     /* 19 UART3 TX */
	Default_Handler,     /* 20 UART4 RX */
	Default_Handler,     /* 21 UART4 TX */
	Default_Handler,     /* 22 SPI2 */
	Default_Handler,     /* 23 SPI3/4 */
	Default_Handler, Default_Handler, Default_Handler, Default_Handler, /* 24-27 GPIO0 pins */
	Default_Handler, Default_Handler, Default_Handler, Default_Handler, /* 28-31 GPIO0 pins */
};

_Static_assert(AN385_IRQ_UART0_RX == 0 && AN385_IRQ_TIMER0 == 8 && AN385_IRQ_TIMER1 == 9 &&
    AN385_IRQ_ETHERNET == 13,
    "vector slots above follow the AN385 interrupt map");
