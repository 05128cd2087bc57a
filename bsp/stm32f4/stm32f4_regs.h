/*
 * STM32F405/F429 registers used by finwait's board code, named as in the
 * reference manual RM0090 (rev 19); section numbers in brackets. Only what
 * the code touches is here. Offsets are from the peripheral base.
 *
 * Access goes through stm32_rd()/stm32_wr() on an address, so a host test
 * can point a driver's base at an ordinary array.
 */
#ifndef STM32F4_REGS_H
#define STM32F4_REGS_H

#include <stdint.h>

#include "cortex_m.h"

static inline uint32_t stm32_rd(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void stm32_wr(uintptr_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

static inline void stm32_set(uintptr_t addr, uint32_t bits)
{
	stm32_wr(addr, stm32_rd(addr) | bits);
}

/* ---- memory map [2.3] ---- */
#define STM32_UID_BASE      0x1FFF7A10u  /* 96-bit unique device ID [39.1] */

/* ---- RCC [7.3 / 6.3] ---- */
#define STM32_RCC_BASE      0x40023800u
#define RCC_CR              0x00u   /* clock control */
#define  RCC_CR_HSION       (1u << 0)
#define  RCC_CR_HSIRDY      (1u << 1)
#define  RCC_CR_HSEON       (1u << 16)
#define  RCC_CR_HSERDY      (1u << 17)
#define  RCC_CR_HSEBYP      (1u << 18)
#define  RCC_CR_PLLON       (1u << 24)
#define  RCC_CR_PLLRDY      (1u << 25)
#define RCC_PLLCFGR         0x04u   /* PLL configuration */
#define  RCC_PLLCFGR_PLLM_Pos   0   /* [5:0] input divider, 2..63 */
#define  RCC_PLLCFGR_PLLN_Pos   6   /* [14:6] VCO multiplier, 50..432 */
#define  RCC_PLLCFGR_PLLP_Pos   16  /* [17:16] 00:/2 01:/4 10:/6 11:/8 */
#define  RCC_PLLCFGR_PLLSRC_HSE (1u << 22)
#define  RCC_PLLCFGR_PLLQ_Pos   24  /* [27:24] USB/SDIO/RNG divider, 2..15 */
#define RCC_CFGR            0x08u   /* clock configuration */
#define  RCC_CFGR_SW_Msk    (3u << 0)
#define  RCC_CFGR_SW_PLL    (2u << 0)
#define  RCC_CFGR_SWS_Msk   (3u << 2)
#define  RCC_CFGR_SWS_PLL   (2u << 2)
#define  RCC_CFGR_HPRE_Msk  (0xFu << 4)
#define  RCC_CFGR_HPRE_DIV1 (0u << 4)
#define  RCC_CFGR_PPRE1_Msk (7u << 10)
#define  RCC_CFGR_PPRE2_Msk (7u << 13)
#define  RCC_CFGR_PPRE1_DIV4 (5u << 10)
#define  RCC_CFGR_PPRE2_DIV2 (4u << 13)
#define RCC_AHB1RSTR        0x10u
#define  RCC_AHB1RSTR_ETHMACRST (1u << 25)
#define RCC_AHB1ENR         0x30u
#define  RCC_AHB1ENR_GPIOEN(port) (1u << (port))  /* port 0 = A */
#define  RCC_AHB1ENR_ETHMACEN   (1u << 25)
#define  RCC_AHB1ENR_ETHMACTXEN (1u << 26)
#define  RCC_AHB1ENR_ETHMACRXEN (1u << 27)
#define RCC_AHB2ENR         0x34u
#define  RCC_AHB2ENR_RNGEN  (1u << 6)
#define RCC_APB1ENR         0x40u
#define  RCC_APB1ENR_TIM2EN   (1u << 0)
#define  RCC_APB1ENR_USART3EN (1u << 18)
#define RCC_APB2ENR         0x44u
#define  RCC_APB2ENR_USART1EN (1u << 4)
#define  RCC_APB2ENR_SYSCFGEN (1u << 14)

/* ---- embedded flash interface [3.9] ---- */
#define STM32_FLASH_BASE    0x40023C00u
#define FLASH_ACR           0x00u
#define  FLASH_ACR_LATENCY_Msk 0xFu
#define  FLASH_ACR_PRFTEN   (1u << 8)
#define  FLASH_ACR_ICEN     (1u << 9)
#define  FLASH_ACR_DCEN     (1u << 10)

/* ---- SYSCFG [9.2] ---- */
#define STM32_SYSCFG_BASE   0x40013800u
#define SYSCFG_PMC          0x04u
#define  SYSCFG_PMC_MII_RMII_SEL (1u << 23)

/* ---- GPIO [8.4], port n at base + n * 0x400 ---- */
#define STM32_GPIO_BASE(port) (0x40020000u + 0x400u * (uint32_t)(port))
#define GPIO_MODER          0x00u   /* 2 bits per pin: 10 = alternate function */
#define GPIO_OSPEEDR        0x08u   /* 2 bits per pin: 11 = very high */
#define GPIO_PUPDR          0x0Cu   /* 2 bits per pin: 01 = pull-up */
#define GPIO_AFRL           0x20u   /* 4 bits per pin, pins 0..7 */
#define GPIO_AFRH           0x24u   /* 4 bits per pin, pins 8..15 */
#define  GPIO_MODE_AF       2u
#define  GPIO_SPEED_VHIGH   3u
#define  GPIO_PULL_UP       1u

/* ---- USART [30.6] ---- */
#define STM32_USART1_BASE   0x40011000u
#define STM32_USART3_BASE   0x40004800u
#define USART_SR            0x00u
#define  USART_SR_ORE       (1u << 3)
#define  USART_SR_RXNE      (1u << 5)
#define  USART_SR_TXE       (1u << 7)
#define USART_DR            0x04u
#define USART_BRR           0x08u   /* mantissa [15:4], fraction [3:0] (OVER8=0) */
#define USART_CR1           0x0Cu
#define  USART_CR1_RE       (1u << 2)
#define  USART_CR1_TE       (1u << 3)
#define  USART_CR1_RXNEIE   (1u << 5)
#define  USART_CR1_TXEIE    (1u << 7)
#define  USART_CR1_UE       (1u << 13)

/* ---- TIM2..TIM5 general-purpose timers [18.4] ---- */
#define STM32_TIM2_BASE     0x40000000u
#define TIM_CR1             0x00u
#define  TIM_CR1_CEN        (1u << 0)
#define  TIM_CR1_URS        (1u << 2)   /* only overflow raises UIF, not UG */
#define  TIM_CR1_OPM        (1u << 3)   /* counter stops at the update event */
#define TIM_DIER            0x0Cu
#define  TIM_DIER_UIE       (1u << 0)
#define TIM_SR              0x10u
#define  TIM_SR_UIF         (1u << 0)
#define TIM_EGR             0x14u
#define  TIM_EGR_UG         (1u << 0)
#define TIM_CNT             0x24u
#define TIM_PSC             0x28u       /* 16 bits; takes effect at the next update */
#define TIM_ARR             0x2Cu       /* 32 bits on TIM2 and TIM5 */

/* ---- RNG [24.4] ---- */
#define STM32_RNG_BASE      0x50060800u
#define RNG_CR              0x00u
#define  RNG_CR_RNGEN       (1u << 2)
#define RNG_SR              0x04u
#define  RNG_SR_DRDY        (1u << 0)
#define  RNG_SR_CECS        (1u << 1)
#define  RNG_SR_SECS        (1u << 2)
#define RNG_DR              0x08u

/* ---- DBGMCU [38.16] ---- */
#define STM32_DBGMCU_BASE   0xE0042000u
#define DBGMCU_CR           0x04u   /* reset only at power-on, not by a system reset */
#define  DBGMCU_CR_DBG_SLEEP   (1u << 0)   /* HCLK kept running in Sleep, for the debugger */
#define  DBGMCU_CR_DBG_STOP    (1u << 1)
#define  DBGMCU_CR_DBG_STANDBY (1u << 2)

/* The core's registers (SysTick, NVIC, SCB) are in cortex_m.h. */

/* ---- interrupt numbers (position in the vector table) [12.2, table 62] ---- */
#define STM32_IRQ_TIM2      28
#define STM32_IRQ_USART1    37
#define STM32_IRQ_USART3    39
#define STM32_IRQ_ETH       61
#define STM32_IRQ_COUNT     91      /* F42x/F43x; the F405 uses the first 82 */

#endif
