/*
 * SMSC LAN9118 Ethernet MAC+PHY driver behind struct eth_mac_ops.
 *
 * Received frames are moved from the RX FIFO into PBUF_POOL pbufs by the
 * interrupt handler and queued (FW_ETH_RX_QUEUE deep) for the main loop,
 * which pops them with ops->rx. Transmission writes a pbuf chain into the
 * TX data FIFO from the main loop.
 */
#ifndef LAN9118_H
#define LAN9118_H

#include <stdint.h>

#include "eth_mac.h"

/** The driver's operations and counters. */
extern const struct eth_mac_ops lan9118_ops;

/** The chip's interrupt: drain the RX FIFO into pbufs, count errors. */
void lan9118_isr(void);

/* Register access. On the target these are MMIO at LAN9118 base address;
 * host unit tests provide them over a fake register block. */
#ifdef FW_HOST_TEST
uint32_t lan9118_rd(uint32_t off);
void lan9118_wr(uint32_t off, uint32_t val);
/** Forget the RX queue (freeing its pbufs) and counters (tests only). */
void lan9118_test_reset(void);
#endif

#endif
