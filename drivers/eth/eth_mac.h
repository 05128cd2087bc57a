/*
 * What an Ethernet MAC driver offers the netif bridge (port/lwip/ethif.c):
 * four operations and a block of counters. Frames travel as lwIP pbufs;
 * the driver knows nothing of IP or TCP.
 *
 * Board side. A driver is handed what only the board knows through its
 * constructor, `const struct eth_mac_ops *<driver>_ops(const struct
 * <driver>_config *cfg)`, which keeps cfg by pointer (it must outlive the
 * driver) and touches no hardware. The config carries the register base
 * where the device is not at a fixed address, clocks, and `void
 * (*irq_enable)(void)`: the board's function that enables the device's
 * interrupt line at the interrupt controller at the board's priority,
 * clearing anything pending first. The driver's init calls it once the
 * device drives its line in a defined state, so a board never wraps or
 * patches the operations. The board's vector calls `<driver>_isr()`.
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
