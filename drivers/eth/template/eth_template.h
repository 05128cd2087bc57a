/*
 * Where a new Ethernet MAC driver starts: a driver behind eth_mac.h whose
 * hardware accesses are left to fill in. Copy drivers/eth/template/ to
 * drivers/eth/<chip>/, rename eth_template_ and tmpl_ to <chip>_, add a
 * private <chip>_regs.h with every register offset commented, and replace
 * each "HW:" body in eth_template.c from the datasheet. The board side is
 * three lines: a static const config, <chip>_ops(&cfg) from
 * board_eth_mac(), and <chip>_isr() from the interrupt vector.
 *
 * As written it is a device with no link, nothing received and no room
 * to send; the host contract suite (tests/unit/test_eth_contract.c) runs
 * it as that, so it keeps compiling and keeps to the contract.
 */
#ifndef ETH_TEMPLATE_H
#define ETH_TEMPLATE_H

#include <stdint.h>

#include "eth_mac.h"

/* A driver's sizes live in its own header, overridable at build time,
 * never in the application's config.h. The indices run free, so a power
 * of two. */
#ifndef ETH_TEMPLATE_RX_QUEUE
#define ETH_TEMPLATE_RX_QUEUE 8u    /* received frames waiting for the main loop */
#endif

/** What only the board knows (eth_mac.h, "Board side"): the board keeps
 *  it in a static const and passes it to eth_template_ops(). */
struct eth_template_config {
	uintptr_t base;             /* register block */
	uint8_t mac[6];             /* station address when the device has no EEPROM */
	/** Enable the device's line at the interrupt controller, clearing
	 *  what is pending; init calls it last. */
	void (*irq_enable)(void);
};

/** The driver, configured by `cfg` (kept by pointer; read by init). */
const struct eth_mac_ops *eth_template_ops(const struct eth_template_config *cfg);

/** The device's interrupt (the board's vector calls it): acknowledge,
 *  move received frames into pool pbufs, queue them, count. */
void eth_template_isr(void);

#ifdef FW_HOST_TEST
/** Forget the configuration, the RX queue (freeing its pbufs) and the
 *  counters (tests only). */
void eth_template_test_reset(void);
#endif

#endif
