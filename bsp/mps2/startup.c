/*
 * Reset and fault reporting for the MPS2 family, in C. The core reads the
 * initial stack pointer and the reset vector from where VTOR points at
 * reset: 0 on the Armv7-M images, the INITSVTOR value of the TrustZone
 * images' system control block on the Armv8-M ones (QEMU: 0x10000000 on
 * AN505, 0 on AN547); the image's linker script puts .vectors there or at
 * an alias of it. Faults are reported polled on the image's console UART
 * (mps2_map.console).
 */
#include <stdint.h>
#include <string.h>

#include "cmsdk_uart.h"
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

static void mps2_fault_console(void)
{
	cmsdk_uart_tx_enable(mps2_map.console.base, mps2_map.console.pclk_hz);
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

/* Armv8-M: give the report the stack kept below the limit. A push that
 * would cross MSPLIM faults instead (CFSR.STKOF), and the fault's own
 * frame still fits above the limit, so the report shows where it
 * happened: in QEMU, runaway recursion on mps2-an505 prints
 * "stack overflow (MSPLIM)" with the pushing function's pc, where
 * mps2-an385 (Armv7-M, no limit) runs off the start of RAM and QEMU
 * stops on a lockup. */
#ifdef CM_ARMV8M_MAIN
#define MPS2_FAULT_STACK_ASM \
	"movw r2, #:lower16:_sstack\n" \
	"movt r2, #:upper16:_sstack\n" \
	"msr msplim, r2\n"
#else
#define MPS2_FAULT_STACK_ASM ""
#endif

/* Find the stacked frame (MSP or PSP per EXC_RETURN bit 2) before any C
 * code can move the stack pointer. */
__attribute__((naked)) void HardFault_Handler(void)
{
	__asm volatile (
	    MPS2_FAULT_STACK_ASM
	    "tst lr, #4\n"
	    "ite eq\n"
	    "mrseq r0, msp\n"
	    "mrsne r0, psp\n"
	    "mov r1, lr\n"
	    "b mps2_fault_report\n");
}

/* Print the exception frame (ARMv7-M B1.5.6: r0-r3, r12, lr, pc, xPSR;
 * the same basic frame on Armv8-M, which runs Secure to Secure here)
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
#ifdef CM_ARMV8M_MAIN
	mps2_put_hex("sfsr", CM_SAU_SFSR);
	mps2_put_hex("sfar", CM_SAU_SFAR);
	if (CM_SCB_CFSR & CM_CFSR_STKOF)
		cmsdk_uart_puts("\r\n  stack overflow (MSPLIM)");
#endif
	cmsdk_uart_puts("\r\n");
	cm_halt();
}
