/*
 * What an Ethernet MAC driver offers the netif bridge (port/lwip/ethif.c):
 * four operations and a block of counters. Frames travel as lwIP pbufs;
 * the driver knows nothing of IP or TCP.
 */
#ifndef ETH_MAC_H
#define ETH_MAC_H

#include <stdbool.h>
#include <stdint.h>

struct pbuf;

struct eth_mac_stats {
	uint32_t rx_frames;           /* frames queued for ops->rx (the netif bridge relies on it) */
	uint32_t rx_bytes;
	uint32_t rx_dropped_nopbuf;   /* frame arrived, pbuf pool empty */
	uint32_t rx_dropped_queue;    /* frame arrived, RX queue to main loop full */
	uint32_t rx_errors;           /* CRC, length, overrun... as the MAC reports */
	uint32_t tx_frames;
	uint32_t tx_bytes;
	uint32_t tx_errors;           /* no room in the MAC, underflow, too long */
	uint32_t link_changes;
};

struct eth_mac_ops {
	/** Reset the MAC and PHY, check the chip ID and read the MAC address
	 *  the device holds into mac[6]. Returns 0, or -1 when no MAC answers. */
	int (*init)(uint8_t mac[6]);
	/** Send one frame held in a pbuf chain (the caller keeps its
	 *  reference). Returns 0, or -1 when it was dropped (counted). */
	int (*tx)(struct pbuf *p);
	/** Next received frame as a pbuf (ownership passes to the caller), or
	 *  NULL. Frames were moved into pool pbufs by the interrupt handler. */
	struct pbuf *(*rx)(void);
	/** PHY link state; polled by the main loop. */
	bool (*link_up)(void);
	/** The driver's counters. */
	const struct eth_mac_stats *stats;
};

#endif
