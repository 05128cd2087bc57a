/*
 * Fault reports on the family's polled console (cm_fault.h). Register
 * addresses are cortex_m.h's (ARMv7-M ARM, B3.2; Armv8-M adds the stack
 * limit and the SAU's SFSR/SFAR).
 */
#include "cm_fault.h"

#include "cortex_m.h"

static void cm_fault_puts(const char *s)
{
	while (*s != '\0')
		cm_fault_putc(*s++);
}

static void cm_fault_put_hex(const char *name, uint32_t v)
{
	static const char hex[] = "0123456789abcdef";

	cm_fault_puts(name);
	cm_fault_puts("=0x");
	for (int shift = 28; shift >= 0; shift -= 4)
		cm_fault_putc(hex[(v >> shift) & 0xfu]);
	cm_fault_putc(' ');
}

void cm_fault_unexpected(void)
{
	uint32_t ipsr = cm_ipsr();

	cm_fault_console_start();
	cm_fault_puts("\r\nFATAL: unexpected exception ");
	cm_fault_put_hex("ipsr", ipsr);
	cm_fault_puts("\r\n");
	cm_halt();
}

/* Armv8-M: give the report the stack kept below the limit. A push that
 * would cross MSPLIM faults instead (CFSR.STKOF), and the fault's own
 * frame still fits above the limit, so the report shows where it
 * happened: in QEMU, runaway recursion on mps2-an505 prints "stack
 * overflow (MSPLIM)" with the pushing function's pc, where an Armv7-M
 * image (no limit) runs off the start of RAM and QEMU stops on a lockup.
 * _sstack is the linker script's end of the stack. */
#ifdef CM_ARMV8M_MAIN
#define CM_FAULT_STACK_ASM \
	"movw r2, #:lower16:_sstack\n" \
	"movt r2, #:upper16:_sstack\n" \
	"msr msplim, r2\n"
#else
#define CM_FAULT_STACK_ASM ""
#endif

/* Find the stacked frame (MSP or PSP per EXC_RETURN bit 2) before any C
 * code can move the stack pointer. */
__attribute__((naked)) void HardFault_Handler(void)
{
	__asm volatile (
	    CM_FAULT_STACK_ASM
	    "tst lr, #4\n"
	    "ite eq\n"
	    "mrseq r0, msp\n"
	    "mrsne r0, psp\n"
	    "mov r1, lr\n"
	    "b cm_fault_report\n");
}

void cm_fault_report(const uint32_t *frame, uint32_t exc_return)
{
	uint32_t ipsr = cm_ipsr();

	cm_fault_console_start();
	cm_fault_puts("\r\nHARDFAULT ");
	cm_fault_put_hex("ipsr", ipsr);
	cm_fault_put_hex("pc", frame[6]);
	cm_fault_put_hex("lr", frame[5]);
	cm_fault_put_hex("xpsr", frame[7]);
	cm_fault_put_hex("sp", (uint32_t)(uintptr_t)frame);
	cm_fault_put_hex("exc_return", exc_return);
	cm_fault_puts("\r\n  ");
	cm_fault_put_hex("r0", frame[0]);
	cm_fault_put_hex("r1", frame[1]);
	cm_fault_put_hex("r2", frame[2]);
	cm_fault_put_hex("r3", frame[3]);
	cm_fault_put_hex("r12", frame[4]);
	cm_fault_puts("\r\n  ");
	cm_fault_put_hex("cfsr", CM_SCB_CFSR);
	cm_fault_put_hex("hfsr", CM_SCB_HFSR);
	cm_fault_put_hex("mmfar", CM_SCB_MMFAR);
	cm_fault_put_hex("bfar", CM_SCB_BFAR);
#ifdef CM_ARMV8M_MAIN
	cm_fault_put_hex("sfsr", CM_SAU_SFSR);
	cm_fault_put_hex("sfar", CM_SAU_SFAR);
	if (CM_SCB_CFSR & CM_CFSR_STKOF)
		cm_fault_puts("\r\n  stack overflow (MSPLIM)");
#endif
	cm_fault_puts("\r\n");
	cm_halt();
}
