/*
 * Reset and fault reporting for the MPS2 family, in C. The core reads the
 * initial stack pointer and the reset vector from address 0 (VTOR resets
 * to 0 and the board's linker script puts .vectors there). Faults are
 * reported polled on the board's console UART (mps2_console) by
 * bsp/cortex-m/cm_fault.c.
 */
#include <stdint.h>
#include <string.h>

#include "cm_fault.h"
#include "cmsdk_uart.h"
#include "cortex_m.h"
#include "mps2.h"

/* From the board's linker script. */
extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss;

int main(void);

void Reset_Handler(void)
{
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

/* The fault reports (bsp/cortex-m/cm_fault.c) go to the board's console
 * UART, polled. */
void cm_fault_console_start(void)
{
	cmsdk_uart_tx_enable(mps2_console.uart_base, mps2_console.pclk_hz);
}

void cm_fault_putc(char c)
{
	cmsdk_uart_putc(c);
}

void Default_Handler(void)
{
	cm_fault_unexpected();
}
