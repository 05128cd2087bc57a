/*
 * Fault reports on the family's polled console (cm_fault.h). Register
 * addresses are cortex_m.h's (ARMv7-M ARM, B3.2).
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
	cm_fault_puts("\r\n");
	cm_halt();
}
