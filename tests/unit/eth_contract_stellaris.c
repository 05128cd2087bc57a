/*
 * The Stellaris Ethernet Controller in the MAC contract suite, over
 * fake_stellaris_enet.c. The station address is the board's (the MAC has
 * none of its own), so the adapter writes it into the config.
 */
#include <string.h>

#include "eth_contract.h"
#include "fake_stellaris_enet.h"
#include "stellaris_enet.h"

static struct stellaris_enet_config contract_senet_cfg = {
	.base = 0,
	.clk_hz = 50000000u,
	.irq_enable = eth_contract_irq_enable,
};

static const struct eth_mac_ops *contract_senet_setup(void)
{
	fake_senet_reset();
	stellaris_enet_test_reset();
	memset(contract_senet_cfg.mac, 0, sizeof contract_senet_cfg.mac);
	return stellaris_enet_ops(&contract_senet_cfg);
}

static void contract_senet_set_station_address(const uint8_t mac[6])
{
	memcpy(contract_senet_cfg.mac, mac, 6);
}

static void contract_senet_remove_device(void)
{
	fsn.removed = true;
}

static void contract_senet_deliver(const uint8_t *frame, size_t len)
{
	fake_senet_rx_frame(frame, len);
	stellaris_enet_isr();
}

struct eth_contract_drv eth_contract_stellaris = {
	.name = "stellaris_enet",
	.setup = contract_senet_setup,
	.teardown = stellaris_enet_test_reset,
	.set_station_address = contract_senet_set_station_address,
	.remove_device = contract_senet_remove_device,
	.deliver = contract_senet_deliver,
	.sent = fake_senet_sent,
	.set_link = fake_senet_set_link,
};
