/*
 * The MAC contract suite's view of a driver under test: the driver's ops
 * plus an adapter over the fake hardware its own suite uses, so one set
 * of scenarios (test_eth_contract.c) runs against every driver.
 */
#ifndef ETH_CONTRACT_H
#define ETH_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct eth_mac_ops;

struct eth_contract_drv {
	const char *name;           /* which driver, in the suite's output */
	/** Fresh fake hardware at power-on (link up) and a fresh driver
	 *  configured with eth_contract_irq_enable as the board's hook;
	 *  returns the driver's ops, not yet initialised. */
	const struct eth_mac_ops *(*setup)(void);
	/** Forget the driver's state, freeing every pbuf it holds. */
	void (*teardown)(void);
	/** The station address init must report: the chip's EEPROM, or the
	 *  board's config, whichever the driver takes it from. */
	void (*set_station_address)(const uint8_t mac[6]);
	/** Nothing answers on the bus or MDIO any more: init must fail, or
	 *  (init_retries) defer the bring-up as eth_mac.h allows. */
	void (*remove_device)(void);
	/** The driver defers its bring-up when the device does not answer,
	 *  and poll() retries it after retry_ms; restore_device() makes the
	 *  device answer again. */
	bool init_retries;
	uint32_t retry_ms;
	void (*restore_device)(void);
	/** A frame (without FCS; the hardware adds one) arrives from the wire
	 *  and the device raises its interrupt: the driver's handler runs. */
	void (*deliver)(const uint8_t *frame, size_t len);
	/** Frame `n` the device has put on the wire, FCS not included: its
	 *  length (at most `max` bytes copied to buf), 0 when there is none. */
	size_t (*sent)(unsigned n, uint8_t *buf, size_t max);
	/** The PHY's link goes up or down. */
	void (*set_link)(bool up);
};

extern struct eth_contract_drv eth_contract_lan9118;
extern struct eth_contract_drv eth_contract_stm32;
extern struct eth_contract_drv eth_contract_stellaris;

/** The board's irq_enable hook every adapter configures; counts calls. */
void eth_contract_irq_enable(void);
extern unsigned eth_contract_irq_enables;

/** board_now_ms() and sys_now() for the drivers under test. */
extern uint32_t eth_contract_now_ms;

#endif
