/*
 * Reset entry and vector table for STM32F405/F429 (Cortex-M4, FPU left
 * off: the build is soft-float). Handlers not defined elsewhere land in
 * stm32_default_handler, which names the exception on the console.
 */
#include <stdint.h>

#include "cortex_m.h"
#include "stm32f4_regs.h"

typedef void (*stm32_vector_t)(void);

int main(void);
void stm32_fatal(const char *what, uint32_t detail) __attribute__((noreturn));
void Reset_Handler(void) __attribute__((noreturn));
void stm32_default_handler(void);

/* Linker symbols (the board folder's linker script). */
extern uint32_t _estack;
extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss;

#define STM32_WEAK_DEFAULT __attribute__((weak, alias("stm32_default_handler")))
void NMI_Handler(void) STM32_WEAK_DEFAULT;
void HardFault_Handler(void) STM32_WEAK_DEFAULT;
void MemManage_Handler(void) STM32_WEAK_DEFAULT;
void BusFault_Handler(void) STM32_WEAK_DEFAULT;
void UsageFault_Handler(void) STM32_WEAK_DEFAULT;
void SVC_Handler(void) STM32_WEAK_DEFAULT;
void DebugMon_Handler(void) STM32_WEAK_DEFAULT;
void PendSV_Handler(void) STM32_WEAK_DEFAULT;
void SysTick_Handler(void) STM32_WEAK_DEFAULT;
void TIM2_IRQHandler(void) STM32_WEAK_DEFAULT;
void USART1_IRQHandler(void) STM32_WEAK_DEFAULT;
void USART3_IRQHandler(void) STM32_WEAK_DEFAULT;
void ETH_IRQHandler(void) STM32_WEAK_DEFAULT;

/* The initial stack pointer, then the core's exceptions 1..15. */
#define STM32_EXC_COUNT (1u + CM_SYS_EXCEPTIONS)

__attribute__((section(".isr_vector"), used))
const stm32_vector_t stm32_vectors[STM32_EXC_COUNT + STM32_IRQ_COUNT] = {
	[0] = (stm32_vector_t)(uintptr_t)&_estack,
	[1] = Reset_Handler,
	[2] = NMI_Handler,
	[3] = HardFault_Handler,
	[4] = MemManage_Handler,
	[5] = BusFault_Handler,
	[6] = UsageFault_Handler,
	[11] = SVC_Handler,
	[12] = DebugMon_Handler,
	[14] = PendSV_Handler,
	[15] = SysTick_Handler,
	[STM32_EXC_COUNT + STM32_IRQ_TIM2] = TIM2_IRQHandler,
	[STM32_EXC_COUNT + STM32_IRQ_USART1] = USART1_IRQHandler,
	[STM32_EXC_COUNT + STM32_IRQ_USART3] = USART3_IRQHandler,
	[STM32_EXC_COUNT + STM32_IRQ_ETH] = ETH_IRQHandler,
};

void stm32_default_handler(void)
{
	stm32_fatal("unexpected exception", cm_ipsr() & 0x1FFu);
}

void Reset_Handler(void)
{
	uint32_t *src = &_sidata;

	for (uint32_t *dst = &_sdata; dst < &_edata;)
		*dst++ = *src++;
	for (uint32_t *dst = &_sbss; dst < &_ebss;)
		*dst++ = 0;
	/* The table sits at the start of flash, which is also aliased at 0;
	 * name it explicitly so a debugger-loaded image works as well. */
	CM_SCB_VTOR = (uint32_t)(uintptr_t)stm32_vectors;
	(void)main();
	stm32_fatal("main returned", 0);
}
