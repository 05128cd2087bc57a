#include "stm32_gpio.h"

#include "stm32f4_regs.h"

#define GPIO_AF_PINS_PER_REG 8u

static void gpio_field(uintptr_t reg, unsigned shift, uint32_t width_mask, uint32_t v)
{
	stm32_wr(reg, (stm32_rd(reg) & ~(width_mask << shift)) | (v << shift));
}

void stm32_gpio_af(const struct stm32_pin *pins, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		const struct stm32_pin *p = &pins[i];
		uintptr_t g = STM32_GPIO_BASE(p->port);
		unsigned two = 2u * p->pin;

		stm32_set(STM32_RCC_BASE + RCC_AHB1ENR, RCC_AHB1ENR_GPIOEN(p->port));
		(void)stm32_rd(STM32_RCC_BASE + RCC_AHB1ENR);  /* RM0090 6.3.10: wait 2 AHB cycles after enabling a clock */
		uintptr_t afr = g + (p->pin < GPIO_AF_PINS_PER_REG ? GPIO_AFRL : GPIO_AFRH);
		gpio_field(afr, 4u * (p->pin % GPIO_AF_PINS_PER_REG), 0xFu, p->af);
		gpio_field(g + GPIO_OSPEEDR, two, 3u, GPIO_SPEED_VHIGH);
		gpio_field(g + GPIO_PUPDR, two, 3u, p->pull_up ? GPIO_PULL_UP : 0u);
		gpio_field(g + GPIO_MODER, two, 3u, GPIO_MODE_AF);
	}
}
