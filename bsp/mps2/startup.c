/*
 * Vector table and reset for the AN385's Cortex-M3, in C. The core reads
 * the initial stack pointer and the reset vector from address 0 (VTOR
 * resets to 0 and the linker script puts .vectors there).
 */
#include <stdint.h>
#include <string.h>

#include "an385.h"
#include "cmsdk_uart.h"
#include "cortex_m.h"

/* From mps2-an385.ld. */
extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;

int main(void);

/* The core's exceptions 1..15 then the AN385's 32 interrupt lines. */
struct an385_vector_table {
	uint32_t *initial_sp;
	void (*handler[CM_SYS_EXCEPTIONS + AN385_IRQ_COUNT])(void);
};

/* Every slot is named so that a stray exception is reported by
 * Default_Handler instead of jumping to address 0. External lines as in
 * AN385's interrupt map. */
__attribute__((section(".vectors"), used))
static const struct an385_vector_table an385_vectors = {
	.initial_sp = &_estack,
	.handler = {
		Reset_Handler,
		NMI_Handler,
		HardFault_Handler,
		HardFault_Handler,   /* MemManage: not enabled, escalates anyway */
		HardFault_Handler,   /* BusFault */
		HardFault_Handler,   /* UsageFault */
		Default_Handler, Default_Handler, Default_Handler, Default_Handler, /* reserved */
		Default_Handler,     /* SVCall */
		Default_Handler,     /* DebugMon */
		Default_Handler,     /* reserved */
		Default_Handler,     /* PendSV */
		SysTick_Handler,
		UART0RX_IRQHandler,  /* 0 UART0 RX */
		UART0TX_IRQHandler,  /* 1 UART0 TX */
		Default_Handler,     /* 2 UART1 RX */
		Default_Handler,     /* 3 UART1 TX */
		Default_Handler,     /* 4 UART2 RX */
		Default_Handler,     /* 5 UART2 TX */
		Default_Handler,     /* 6 GPIO0 combined */
		Default_Handler,     /* 7 GPIO1 combined */
		TIMER0_IRQHandler,   /* 8 TIMER0: the deadline timer */
		TIMER1_IRQHandler,   /* 9 TIMER1: the clock's wrap */
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
	},
};

_Static_assert(AN385_IRQ_UART0_RX == 0 && AN385_IRQ_TIMER0 == 8 && AN385_IRQ_TIMER1 == 9 &&
    AN385_IRQ_ETHERNET == 13,
    "vector slots above follow the AN385 interrupt map");

void Reset_Handler(void)
{
	memcpy(&_sdata, &_sidata, (size_t)((uintptr_t)&_edata - (uintptr_t)&_sdata));
	memset(&_sbss, 0, (size_t)((uintptr_t)&_ebss - (uintptr_t)&_sbss));
	CM_SCB_VTOR = (uint32_t)(uintptr_t)&an385_vectors;
	(void)main();
	for (;;)
		cm_idle();
}

void NMI_Handler(void)
{
	Default_Handler();
}

static void an385_put_hex(const char *name, uint32_t v)
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

	cmsdk_uart_tx_enable(AN385_UART0_BASE, AN385_SYSCLK_HZ);
	cmsdk_uart_puts("\r\nFATAL: unexpected exception ");
	an385_put_hex("ipsr", ipsr);
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
	    "b an385_fault_report\n");
}

/* Print the exception frame (ARMv7-M B1.5.6: r0-r3, r12, lr, pc, xPSR)
 * and the fault status registers, then stop: the message is the point. */
void an385_fault_report(const uint32_t *frame, uint32_t exc_return)
{
	uint32_t ipsr = cm_ipsr();

	cmsdk_uart_tx_enable(AN385_UART0_BASE, AN385_SYSCLK_HZ);
	cmsdk_uart_puts("\r\nHARDFAULT ");
	an385_put_hex("ipsr", ipsr);
	an385_put_hex("pc", frame[6]);
	an385_put_hex("lr", frame[5]);
	an385_put_hex("xpsr", frame[7]);
	an385_put_hex("sp", (uint32_t)(uintptr_t)frame);
	an385_put_hex("exc_return", exc_return);
	cmsdk_uart_puts("\r\n  ");
	an385_put_hex("r0", frame[0]);
	an385_put_hex("r1", frame[1]);
	an385_put_hex("r2", frame[2]);
	an385_put_hex("r3", frame[3]);
	an385_put_hex("r12", frame[4]);
	cmsdk_uart_puts("\r\n  ");
	an385_put_hex("cfsr", CM_SCB_CFSR);
	an385_put_hex("hfsr", CM_SCB_HFSR);
	an385_put_hex("mmfar", CM_SCB_MMFAR);
	an385_put_hex("bfar", CM_SCB_BFAR);
	cmsdk_uart_puts("\r\n");
	cm_halt();
}
