/*
 * The STM32F4 ETH in the MAC contract suite, over model_stm32_eth.c.
 */
#include <string.h>

#include "eth_contract.h"
#include "ethif.h"
#include "model_stm32_eth.h"
#include "stm32_eth.h"
#include "stm32_eth_regs.h"

/* The bridge asks for the link every ETHIF_LINK_POLL_MS; the driver's
 * cache must be younger than that for a change to reach the netif. */
_Static_assert(STM32_ETH_LINK_POLL_MS <= ETHIF_LINK_POLL_MS,
    "link_up() may cache for less than the bridge's poll interval only");

#define CONTRACT_STM32_HCLK_HZ 168000000u   /* what the model's MDC check expects */

static struct stm32_eth_config contract_stm32_cfg;

static const struct eth_mac_ops *contract_stm32_setup(void)
{
	stm32_eth_test_reset();
	model_reset();
	model.link = true;
	memset(&contract_stm32_cfg, 0, sizeof contract_stm32_cfg);
	contract_stm32_cfg.hclk_hz = CONTRACT_STM32_HCLK_HZ;
	contract_stm32_cfg.dma_lo = 0;
	contract_stm32_cfg.dma_hi = UINTPTR_MAX;
	contract_stm32_cfg.irq_enable = eth_contract_irq_enable;
	contract_stm32_cfg.delay_us = model_delay_us;
	return stm32_eth_ops(&contract_stm32_cfg);
}

/* No EEPROM on the chip: the board's config names the address. */
static void contract_stm32_set_station_address(const uint8_t mac[6])
{
	contract_stm32_cfg.mac_set = true;
	memcpy(contract_stm32_cfg.mac, mac, 6);
}

static void contract_stm32_remove_device(void)
{
	model.phy_present = false;   /* MDIO reads all ones */
}

static void contract_stm32_restore_device(void)
{
	model.phy_present = true;
}

static void contract_stm32_deliver(const uint8_t *frame, size_t len)
{
	(void)model_rx(frame, len, 0);   /* missed when no descriptor is owned */
	stm32_eth_isr();
}

static size_t contract_stm32_sent(unsigned n, uint8_t *buf, size_t max)
{
	if (n >= model.wire_n)
		return 0;
	memcpy(buf, model.wire[n], model.wire_len[n] < max ? model.wire_len[n] : max);
	return model.wire_len[n];
}

static void contract_stm32_set_link(bool up)
{
	model.link = up;
}

struct eth_contract_drv eth_contract_stm32 = {
	.name = "stm32_eth",
	.setup = contract_stm32_setup,
	.teardown = stm32_eth_test_reset,
	.set_station_address = contract_stm32_set_station_address,
	.remove_device = contract_stm32_remove_device,
	.init_retries = true,           /* the MAC is on the chip: bring-up deferred */
	.retry_ms = STM32_ETH_RETRY_MS,
	.restore_device = contract_stm32_restore_device,
	.deliver = contract_stm32_deliver,
	.sent = contract_stm32_sent,
	.set_link = contract_stm32_set_link,
};
