/*
 * The MPS2 family (ARM's FPGA prototyping boards, as QEMU models them):
 * what the family's startup code (startup.c) defines and what it needs
 * from each board folder. The memory and interrupt map of one application
 * note is in its own header (an385.h) and vector table (an385_vectors.c).
 */
#ifndef MPS2_H
#define MPS2_H

#include <stdint.h>

/** The console UART, which the fault handlers write to polled, perhaps
 *  before board_init(): the board folder's board.c defines it. */
struct mps2_console {
	uintptr_t uart_base;        /* CMSDK APB UART */
	uint32_t pclk_hz;           /* its APB clock */
};
extern const struct mps2_console mps2_console;

/** A vector table slot: the initial stack pointer, then handlers. */
typedef void (*mps2_vector_t)(void);

/** The vector table the image starts with (.vectors), from the
 *  application note's vectors file; Reset_Handler points VTOR at it. */
extern const mps2_vector_t mps2_vectors[];

/* ---- exception handlers startup.c defines (HardFault_Handler is
 * bsp/cortex-m/cm_fault.c's) ---- */
void Reset_Handler(void);
void NMI_Handler(void);
void Default_Handler(void);

/* ---- and the one every board defines ---- */
void SysTick_Handler(void);

#endif
