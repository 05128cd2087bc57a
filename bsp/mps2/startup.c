/*
 * Reset and fault reporting for the MPS2 family, in C. The core reads the
 * initial stack pointer and the reset vector from address 0 (VTOR resets
 * to 0 and the board's linker script puts .vectors there). Faults are
 * reported polled on the board's console UART (mps2_console).
 */
#include <stdint.h>
#include <string.h>

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

static void mps2_fault_console(void)
{
	cmsdk_uart_tx_enable(mps2_console.uart_base, mps2_console.pclk_hz);
}

static void mps2_put_hex(const char *name, uint32_t v)
{
	static const char hex[] = "0123456789abcdef";

	cmsdk_uart_puts(name);
	cmsdk_uart_puts("=0x");
	for (int shift = 28; shift >= 0; shift -= 4)
		cmsdk_uart_putc(hex[(v >> shift) & 0xfu]);
	cmsdk_uart_putc(' ');
}

void Default_Handler(void)
{
	uint32_t ipsr = cm_ipsr();

	mps2_fault_console();
	cmsdk_uart_puts("\r\nFATAL: unexpected exception ");
	mps2_put_hex("ipsr", ipsr);
	cmsdk_uart_puts("\r\n");
	cm_halt();
}

/* Find the stacked frame (MSP or PSP per EXC_RETURN bit 2) before any C
 * code can move the stack pointer. */
__attribute__((naked)) void HardFault_Handler(void)
{
	__asm volatile (
	    "tst lr, #4\n"
	    "ite eq\n"
	    "mrseq r0, msp\n"
	    "mrsne r0, psp\n"
	    "mov r1, lr\n"
	    "b mps2_fault_report\n");
}

/* Print the exception frame (ARMv7-M B1.5.6: r0-r3, r12, lr, pc, xPSR)
 * and the fault status registers, then stop: the message is the point. */
void mps2_fault_report(const uint32_t *frame, uint32_t exc_return)
{
	uint32_t ipsr = cm_ipsr();

	mps2_fault_console();
	cmsdk_uart_puts("\r\nHARDFAULT ");
	mps2_put_hex("ipsr", ipsr);
	mps2_put_hex("pc", frame[6]);
	mps2_put_hex("lr", frame[5]);
	mps2_put_hex("xpsr", frame[7]);
	mps2_put_hex("sp", (uint32_t)(uintptr_t)frame);
	mps2_put_hex("exc_return", exc_return);
	cmsdk_uart_puts("\r\n  ");
	mps2_put_hex("r0", frame[0]);
	mps2_put_hex("r1", frame[1]);
	mps2_put_hex("r2", frame[2]);
	mps2_put_hex("r3", frame[3]);
	mps2_put_hex("r12", frame[4]);
	cmsdk_uart_puts("\r\n  ");
	mps2_put_hex("cfsr", CM_SCB_CFSR);
	mps2_put_hex("hfsr", CM_SCB_HFSR);
	mps2_put_hex("mmfar", CM_SCB_MMFAR);
	mps2_put_hex("bfar", CM_SCB_BFAR);
	cmsdk_uart_puts("\r\n");
	cm_halt();
}
