/*
 * Reset and fault reporting for the MPS2 family, in C. The core reads the
 * initial stack pointer and the reset vector from where VTOR points at
 * reset: 0 on the Armv7-M images, the INITSVTOR value of the TrustZone
 * images' system control block on the Armv8-M ones (QEMU: 0x10000000 on
 * AN505, 0 on AN547); the image's linker script puts .vectors there or at
 * an alias of it. Faults are reported by bsp/cortex-m/cm_fault.c, polled
 * on the image's console UART (mps2_map.console).
 */
#include <stdint.h>
#include <string.h>

#include "cmsdk_uart.h"
#include "cm_fault.h"
#include "cortex_m.h"
#include "mps2.h"

/* From the board's linker script. */
extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _sstack;

int main(void);

/* The bottom of the main stack kept for the fault report on Armv8-M: the
 * stack limit sits this far above the stack's end, so a stack that runs
 * into it faults with room left, and the HardFault entry lowers the limit
 * to the end before it reports. More than the report needs. */
#define MPS2_FAULT_STACK_BYTES 256u

void Reset_Handler(void)
{
	/* First, before anything is pushed: a stack that overflows faults
	 * (Armv8-M) instead of running off the start of RAM. */
	cm_stack_limit((uintptr_t)&_sstack + MPS2_FAULT_STACK_BYTES);
	memcpy(&_sdata, &_sidata, (size_t)((uintptr_t)&_edata - (uintptr_t)&_sdata));
	memset(&_sbss, 0, (size_t)((uintptr_t)&_ebss - (uintptr_t)&_sbss));
	CM_SCB_VTOR = (uint32_t)(uintptr_t)mps2_vectors;
	(void)main();
	for (;;)
		cm_idle();
}

void NMI_Handler(void)
{
	Default_Handler();
}

/* The fault reports (bsp/cortex-m/cm_fault.c) go to the image's console
 * UART, polled; this may run before board_init(). */
void cm_fault_console_start(void)
{
	cmsdk_uart_tx_enable(mps2_map.console.base, mps2_map.console.pclk_hz);
}

void cm_fault_putc(char c)
{
	cmsdk_uart_putc(c);
}

void Default_Handler(void)
{
	cm_fault_unexpected();
}
