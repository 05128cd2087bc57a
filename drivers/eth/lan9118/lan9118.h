/*
 * SMSC LAN9118 Ethernet MAC+PHY driver behind struct eth_mac_ops.
 *
 * Received frames are moved from the RX FIFO into PBUF_POOL pbufs by the
 * interrupt handler and queued (LAN9118_RX_QUEUE deep) for the main loop,
 * which pops them with ops->rx. Transmission writes a pbuf chain into the
 * TX data FIFO from the main loop.
 */
#ifndef LAN9118_H
#define LAN9118_H

#include <stdint.h>

#include "eth_mac.h"

/* Received frames (pool pbufs) the interrupt handler can queue for the
 * main loop. -DFW_ETH_RX_QUEUE=n, the name the build used before the
 * driver had its own, still sets it. */
#ifndef LAN9118_RX_QUEUE
#ifdef FW_ETH_RX_QUEUE
#define LAN9118_RX_QUEUE FW_ETH_RX_QUEUE
#else
#define LAN9118_RX_QUEUE 16u
#endif
#endif

/** What the board tells the driver (see eth_mac.h, "Board side"). */
struct lan9118_config {
	uintptr_t base;             /* register block (AN385: 0x40200000) */
	/** Enable the chip's line at the interrupt controller, clearing what
	 *  is pending. Called by init once the chip drives its IRQ pin
	 *  push-pull active-high: out of reset it reads as asserted. */
	void (*irq_enable)(void);
};

/** The driver, configured by `cfg` (kept by pointer; read by init). */
const struct eth_mac_ops *lan9118_ops(const struct lan9118_config *cfg);

/** The chip's interrupt: drain the RX FIFO into pbufs, count errors. */
void lan9118_isr(void);

/* Register access. On the target these are MMIO at the configured base;
 * host unit tests provide them over a fake register block. */
#ifdef FW_HOST_TEST
uint32_t lan9118_rd(uint32_t off);
void lan9118_wr(uint32_t off, uint32_t val);
/** Forget the configuration, the RX queue (freeing its pbufs) and the
 *  counters (tests only). */
void lan9118_test_reset(void);
#endif

#endif
