/*
 * Shared STM32F4 board code: everything of board.h except the board's
 * name, pins and MAC, which each board folder supplies through
 * struct stm32_board_cfg.
 */
#ifndef STM32_BOARD_H
#define STM32_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "stm32_clock.h"
#include "stm32_gpio.h"

struct stm32_board_cfg {
	struct stm32_clock_cfg clock;
	uintptr_t console_base;         /* STM32_USARTn_BASE */
	int console_irq;
	bool console_on_apb2;           /* USART1/6 on APB2, USART2/3 on APB1 */
	uint32_t console_enable_bit;    /* its bit in RCC_APB1ENR or RCC_APB2ENR */
	const struct stm32_pin *console_pins;
	unsigned console_npins;
};

/** Clocks, SysTick, console, TIM2; prints the clock line. */
void stm32_board_init(const struct stm32_board_cfg *cfg);

/** The clocks stm32_board_init() ended up with. */
const struct stm32_clocks *stm32_board_clocks(void);

/** False in a simulator whose RCC reads as zero: the unique ID and RNG
 *  are then not touched (QEMU's netduinoplus2 maps neither). */
bool stm32_board_on_silicon(void);

/** The 96-bit unique device ID [RM0090 39.1]. */
void stm32_board_uid(uint32_t uid[3]);

/** Print a line on the console (board-level messages before the firmware's
 *  console is up): polled, past the TX ring. */
void stm32_board_puts(const char *s);

/** Print `line` and a newline through the console's TX ring, in order
 *  with everything else the firmware prints (a driver's log hook). */
void stm32_board_log(const char *line);

/** Busy-wait at least `us` microseconds, counted on SysTick's current
 *  value, so it runs with interrupts masked too (a driver's delay hook). */
void stm32_board_delay_us(uint32_t us);

/** Print `what` and `detail`, then stop with interrupts off. */
void stm32_fatal(const char *what, uint32_t detail) __attribute__((noreturn));

#endif
