/*
 * The LAN9118 in the MAC contract suite, over fake_lan9118.c.
 */
#include <string.h>

#include "eth_contract.h"
#include "fake_lan9118.h"
#include "lan9118.h"
#include "lan9118_regs.h"

static const struct lan9118_config contract_lan9118_cfg = {
	.base = 0,
	.irq_enable = eth_contract_irq_enable,
};

static const struct eth_mac_ops *contract_lan9118_setup(void)
{
	fake_lan9118_reset();
	lan9118_test_reset();
	return lan9118_ops(&contract_lan9118_cfg);
}

/* ADDRL holds bytes 0-3, ADDRH bytes 4-5 (datasheet 5.4.2, 5.4.3). */
static void contract_lan9118_set_station_address(const uint8_t mac[6])
{
	fk.mac_csr[LAN9118_MAC_ADDRL] = (uint32_t)mac[0] | (uint32_t)mac[1] << 8 |
	    (uint32_t)mac[2] << 16 | (uint32_t)mac[3] << 24;
	fk.mac_csr[LAN9118_MAC_ADDRH] = (uint32_t)mac[4] | (uint32_t)mac[5] << 8;
}

static void contract_lan9118_remove_device(void)
{
	fk.byte_test = 0xFFFFFFFFu;   /* an empty bus reads all ones */
}

static void contract_lan9118_deliver(const uint8_t *frame, size_t len)
{
	fake_lan9118_rx_frame(frame, len, 0);
	lan9118_isr();
}

static void contract_lan9118_set_link(bool up)
{
	if (up)
		fk.phy[LAN9118_PHY_BSR] |= LAN9118_BSR_LINK;
	else
		fk.phy[LAN9118_PHY_BSR] &= (uint16_t)~LAN9118_BSR_LINK;
}

struct eth_contract_drv eth_contract_lan9118 = {
	.name = "lan9118",
	.setup = contract_lan9118_setup,
	.teardown = lan9118_test_reset,
	.set_station_address = contract_lan9118_set_station_address,
	.remove_device = contract_lan9118_remove_device,
	.deliver = contract_lan9118_deliver,
	.sent = fake_lan9118_sent,
	.set_link = contract_lan9118_set_link,
};
