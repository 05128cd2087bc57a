/*
 * The bridge between an Ethernet MAC driver (struct eth_mac_ops) and an
 * lwIP netif with ARP. The main loop calls ethif_poll(), which runs the
 * driver's housekeeping, hands received frames to lwIP and follows the
 * PHY link.
 */
#ifndef ETHIF_H
#define ETHIF_H

#include <stdbool.h>
#include <stdint.h>

#include "lwip/err.h"

struct netif;
struct eth_mac_ops;

/* How often ethif_poll() asks the PHY for the link state (MII reads are
 * slow on silicon; a cable pull is noticed within this). */
#define ETHIF_LINK_POLL_MS 250u

/** Per-netif state: pass it as netif_add()'s `state`. */
struct ethif {
	const struct eth_mac_ops *ops;
	uint32_t link_polled_ms;  /* sys_now() of the last link check */
};

/** netif_add() init callback: checks that ops has every operation,
 *  resets the MAC through ops->init, takes its address, sets MTU 1500,
 *  ETHARP|BROADCAST and the present link state. */
err_t ethif_init(struct netif *netif);

/** Run ops->poll, hand every received frame to netif->input (at most
 *  FW_ETH_RX_QUEUE per call), and every ETHIF_LINK_POLL_MS track the
 *  link. Returns the number of frames handed over. */
unsigned ethif_poll(struct netif *netif);

/** True when the driver has a received frame waiting (ops->rx_pending).
 *  Called with interrupts masked before sleeping. */
bool ethif_rx_pending(const struct netif *netif);

#endif
