/*
 * Netduino Plus 2 (STM32F405RG, 25 MHz crystal), console on USART1 PA9/PA10
 * because QEMU's netduinoplus2 connects serial0 there. It has an ENC28J60
 * on SPI, not the STM32 MAC; finwait has no driver for it, so no Ethernet.
 */
#include <stddef.h>

#include "board.h"
#include "stm32_board.h"
#include "stm32f4_regs.h"

#define N2_HSE_HZ           25000000u
#define N2_SYSCLK_HZ        168000000u
/* QEMU 7.2 netduinoplus2: CPU (and SysTick) at 168 MHz, TIM2..5 at 1 GHz
 * (the timer model's default; the SoC sets no clock-frequency in 7.2),
 * whatever the RCC is told. */
#define N2_SIM_SYSCLK_HZ    168000000u
#define N2_SIM_TIMCLK_HZ    1000000000u

static const struct stm32_pin n2_console_pins[] = {
	{ STM32_PA, 9, STM32_AF_USART1_3, 0 },     /* USART1_TX */
	{ STM32_PA, 10, STM32_AF_USART1_3, 1 },    /* USART1_RX */
};

static const struct stm32_board_cfg n2_cfg = {
	.clock = {
		.hse_hz = N2_HSE_HZ,
		.hse_bypass = false,
		.sysclk_hz = N2_SYSCLK_HZ,
		.norcc_sysclk_hz = N2_SIM_SYSCLK_HZ,
		.norcc_timclk_hz = N2_SIM_TIMCLK_HZ,
	},
	.console_base = STM32_USART1_BASE,
	.console_irq = STM32_IRQ_USART1,
	.console_on_apb2 = true,
	.console_enable_bit = RCC_APB2ENR_USART1EN,
	.console_pins = n2_console_pins,
	.console_npins = sizeof n2_console_pins / sizeof n2_console_pins[0],
};

void board_init(void)
{
	stm32_board_init(&n2_cfg);
}

const char *board_name(void)
{
	return "netduinoplus2";
}

const struct eth_mac_ops *board_eth_mac(void)
{
	return NULL;
}
