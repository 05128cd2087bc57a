/*
 * NUCLEO-F429ZI (MB1137): pins and parts from its user manual UM1974.
 * HSE = the ST-LINK's 8 MHz MCO on PH0 (bypass, SB148 on by default);
 * console = USART3 on PD8/PD9, wired to the ST-LINK virtual COM port;
 * Ethernet = LAN8742A at PHY address 0 over RMII, with the 50 MHz REF_CLK
 * coming from the PHY's own crystal.
 */
#include "board.h"
#include "cortex_m.h"
#include "stm32_board.h"
#include "stm32_eth.h"
#include "stm32f4_regs.h"

#define NUCLEO_HSE_HZ       8000000u
#define NUCLEO_SYSCLK_HZ    168000000u
#define NUCLEO_PHY_ADDR     0u

void ETH_IRQHandler(void);

/* Linker symbols: the SRAM the ETH DMA can reach (not CCM, not flash). */
extern uint32_t __dma_ram_start, __dma_ram_end;

static const struct stm32_pin nucleo_console_pins[] = {
	{ STM32_PD, 8, STM32_AF_USART1_3, 0 },     /* USART3_TX -> ST-LINK VCP */
	{ STM32_PD, 9, STM32_AF_USART1_3, 1 },     /* USART3_RX <- ST-LINK VCP */
};

/* UM1974 table 13 (Ethernet pins), all AF11. */
static const struct stm32_pin nucleo_rmii_pins[] = {
	{ STM32_PA, 1, STM32_AF_ETH, 0 },          /* RMII_REF_CLK */
	{ STM32_PA, 2, STM32_AF_ETH, 0 },          /* RMII_MDIO */
	{ STM32_PA, 7, STM32_AF_ETH, 0 },          /* RMII_CRS_DV */
	{ STM32_PC, 1, STM32_AF_ETH, 0 },          /* RMII_MDC */
	{ STM32_PC, 4, STM32_AF_ETH, 0 },          /* RMII_RXD0 */
	{ STM32_PC, 5, STM32_AF_ETH, 0 },          /* RMII_RXD1 */
	{ STM32_PG, 11, STM32_AF_ETH, 0 },         /* RMII_TX_EN */
	{ STM32_PG, 13, STM32_AF_ETH, 0 },         /* RMII_TXD0 */
	{ STM32_PB, 13, STM32_AF_ETH, 0 },         /* RMII_TXD1 (JP7 closed) */
};

static const struct stm32_board_cfg nucleo_cfg = {
	.clock = {
		.hse_hz = NUCLEO_HSE_HZ,
		.hse_bypass = true,
		.sysclk_hz = NUCLEO_SYSCLK_HZ,
		.norcc_sysclk_hz = STM32_HSI_HZ,
		.norcc_timclk_hz = STM32_HSI_HZ,
	},
	.console_base = STM32_USART3_BASE,
	.console_irq = STM32_IRQ_USART3,
	.console_on_apb2 = false,
	.console_enable_bit = RCC_APB1ENR_USART3EN,
	.console_pins = nucleo_console_pins,
	.console_npins = sizeof nucleo_console_pins / sizeof nucleo_console_pins[0],
};

static uint32_t nucleo_uid[3];
static struct stm32_eth_config nucleo_eth;

static void nucleo_eth_hw_setup(void)
{
	uintptr_t rcc = STM32_RCC_BASE;

	/* RM0090 9.2.5: MII/RMII is chosen while the MAC is in reset and
	 * before its clocks are enabled. */
	stm32_set(rcc + RCC_APB2ENR, RCC_APB2ENR_SYSCFGEN);
	stm32_set(rcc + RCC_AHB1RSTR, RCC_AHB1RSTR_ETHMACRST);
	stm32_set(STM32_SYSCFG_BASE + SYSCFG_PMC, SYSCFG_PMC_MII_RMII_SEL);
	stm32_gpio_af(nucleo_rmii_pins, sizeof nucleo_rmii_pins / sizeof nucleo_rmii_pins[0]);
	stm32_set(rcc + RCC_AHB1ENR, RCC_AHB1ENR_ETHMACEN | RCC_AHB1ENR_ETHMACTXEN |
	    RCC_AHB1ENR_ETHMACRXEN);
	stm32_wr(rcc + RCC_AHB1RSTR, stm32_rd(rcc + RCC_AHB1RSTR) & ~RCC_AHB1RSTR_ETHMACRST);
}

/* The driver calls this once, when the DMA first runs with its
 * interrupts unmasked. A pending bit left from before is stale: the line
 * is level sensitive and pends again if DMASR still asks. */
static void nucleo_eth_irq_enable(void)
{
	cm_nvic_clear_pending(STM32_IRQ_ETH);
	cm_nvic_enable(STM32_IRQ_ETH);
}

void ETH_IRQHandler(void)
{
	stm32_eth_isr();
}

void board_init(void)
{
	stm32_board_init(&nucleo_cfg);
	stm32_board_uid(nucleo_uid);
	nucleo_eth.phy_addr = NUCLEO_PHY_ADDR;
	nucleo_eth.mac_set = false;
	nucleo_eth.hclk_hz = stm32_board_clocks()->sysclk_hz;
	nucleo_eth.dma_lo = (uintptr_t)&__dma_ram_start;
	nucleo_eth.dma_hi = (uintptr_t)&__dma_ram_end;
	nucleo_eth.uid = nucleo_uid;
	nucleo_eth.hw_setup = nucleo_eth_hw_setup;
	nucleo_eth.irq_enable = nucleo_eth_irq_enable;
	nucleo_eth.delay_us = stm32_board_delay_us;
	nucleo_eth.log = stm32_board_log;
}

const char *board_name(void)
{
	return "nucleo-f429zi";
}

const struct eth_mac_ops *board_eth_mac(void)
{
	return stm32_eth_ops(&nucleo_eth);
}
