/* STM32F4 GPIO: put pins on their alternate functions [RM0090 8.3.7]. */
#ifndef STM32_GPIO_H
#define STM32_GPIO_H

#include <stdint.h>

enum stm32_port { STM32_PA, STM32_PB, STM32_PC, STM32_PD, STM32_PE, STM32_PF, STM32_PG };

#define STM32_AF_USART1_3   7u   /* AF7: USART1..3 [datasheet DS8626 table 12] */
#define STM32_AF_ETH        11u  /* AF11: ETH */

struct stm32_pin {
	enum stm32_port port;
	uint8_t pin;
	uint8_t af;
	uint8_t pull_up;   /* 1: pull-up (an idle-high UART RX with nothing attached) */
};

/** Clock the pins' ports and switch each pin to its alternate function,
 *  very high speed. */
void stm32_gpio_af(const struct stm32_pin *pins, unsigned n);

#endif
