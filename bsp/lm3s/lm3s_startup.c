/*
 * Reset, vector table and fault reporting for the LM3S6965. The core reads
 * the initial stack pointer and the reset vector from flash at 0 (VTOR
 * resets to 0; the linker script puts .vectors there). The external
 * lines are the datasheet's interrupt table, 0 (GPIO Port A) to 43
 * (Hibernation Module); every slot is named, so a stray interrupt is
 * reported by Default_Handler instead of jumping to address 0. Faults are
 * reported polled on the board's console UART (lm3s_console) by
 * bsp/cortex-m/cm_fault.c.
 */
#include <stdint.h>
#include <string.h>

#include "cm_fault.h"
#include "cortex_m.h"
#include "lm3s.h"
#include "lm3s6965.h"
#include "stellaris_uart.h"

/* From the board's linker script. */
extern uint32_t _estack, _sidata, _sdata, _edata, _sbss, _ebss;

int main(void);

__attribute__((section(".vectors"), used))
const lm3s_vector_t lm3s_vectors[1u + CM_SYS_EXCEPTIONS + LM3S_IRQ_COUNT] = {
	(lm3s_vector_t)(uintptr_t)&_estack,
	Reset_Handler,
	Default_Handler,     /* NMI */
	HardFault_Handler,
	HardFault_Handler,   /* MemManage: not enabled, escalates anyway */
	HardFault_Handler,   /* BusFault: a peripheral whose clock is gated lands here */
	HardFault_Handler,   /* UsageFault */
	Default_Handler, Default_Handler, Default_Handler, Default_Handler, /* reserved */
	Default_Handler,     /* SVCall */
	Default_Handler,     /* Debug Monitor */
	Default_Handler,     /* reserved */
	Default_Handler,     /* PendSV */
	SysTick_Handler,     /* the clock's wrap */
	Default_Handler,     /* 0 GPIO Port A */
	Default_Handler,     /* 1 GPIO Port B */
	Default_Handler,     /* 2 GPIO Port C */
	Default_Handler,     /* 3 GPIO Port D */
	Default_Handler,     /* 4 GPIO Port E */
	UART0_IRQHandler,    /* 5 UART0: the console */
	Default_Handler,     /* 6 UART1 */
	Default_Handler,     /* 7 SSI0 */
	Default_Handler,     /* 8 I2C0 */
	Default_Handler,     /* 9 PWM Fault */
	Default_Handler,     /* 10 PWM Generator 0 */
	Default_Handler,     /* 11 PWM Generator 1 */
	Default_Handler,     /* 12 PWM Generator 2 */
	Default_Handler,     /* 13 QEI0 */
	Default_Handler,     /* 14 ADC0 Sequence 0 */
	Default_Handler,     /* 15 ADC0 Sequence 1 */
	Default_Handler,     /* 16 ADC0 Sequence 2 */
	Default_Handler,     /* 17 ADC0 Sequence 3 */
	Default_Handler,     /* 18 Watchdog Timer 0 */
	TIMER0A_IRQHandler,  /* 19 Timer 0A: the deadline */
	Default_Handler,     /* 20 Timer 0B */
	TIMER1A_IRQHandler,  /* 21 Timer 1A: the 1 ms wake-up */
	Default_Handler,     /* 22 Timer 1B */
	Default_Handler,     /* 23 Timer 2A */
	Default_Handler,     /* 24 Timer 2B */
	Default_Handler,     /* 25 Analog Comparator 0 */
	Default_Handler,     /* 26 Analog Comparator 1 */
	Default_Handler,     /* 27 reserved */
	Default_Handler,     /* 28 System Control */
	Default_Handler,     /* 29 Flash Memory Control */
	Default_Handler,     /* 30 GPIO Port F */
	Default_Handler,     /* 31 GPIO Port G */
	Default_Handler,     /* 32 reserved */
	Default_Handler,     /* 33 UART2 */
	Default_Handler,     /* 34 reserved */
	Default_Handler,     /* 35 Timer 3A */
	Default_Handler,     /* 36 Timer 3B */
	Default_Handler,     /* 37 I2C1 */
	Default_Handler,     /* 38 QEI1 */
	Default_Handler,     /* 39 reserved */
	Default_Handler,     /* 40 reserved */
	Default_Handler,     /* 41 reserved */
	ETH_IRQHandler,      /* 42 Ethernet Controller */
	Default_Handler,     /* 43 Hibernation Module */
};

_Static_assert(LM3S_IRQ_UART0 == 5 && LM3S_IRQ_TIMER0A == 19 && LM3S_IRQ_TIMER1A == 21 &&
    LM3S_IRQ_ETH == 42 && LM3S_IRQ_HIB == LM3S_IRQ_COUNT - 1,
    "vector slots above follow the datasheet's interrupt table");

void Reset_Handler(void)
{
	memcpy(&_sdata, &_sidata, (size_t)((uintptr_t)&_edata - (uintptr_t)&_sdata));
	memset(&_sbss, 0, (size_t)((uintptr_t)&_ebss - (uintptr_t)&_sbss));
	CM_SCB_VTOR = (uint32_t)(uintptr_t)lm3s_vectors;
	(void)main();
	for (;;)
		cm_idle();
}

/* The fault reports (bsp/cortex-m/cm_fault.c) go to the board's console
 * UART, polled, at the clock the part runs at now. */
void cm_fault_console_start(void)
{
	stellaris_uart_tx_enable(lm3s_console.uart_base, lm3s_sysclk_hz());
}

void cm_fault_putc(char c)
{
	stellaris_uart_putc(c);
}

void Default_Handler(void)
{
	cm_fault_unexpected();
}
