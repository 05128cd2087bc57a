/*
 * Stellaris Ethernet Controller (LM3S6965: MAC and integrated 10/100 PHY,
 * datasheet TI SPMS001, "Ethernet Controller") behind eth_mac.h.
 *
 * The controller has a 2 KiB RX FIFO and a 2 KiB TX FIFO reached through
 * one 32-bit data register, no DMA. The interrupt handler copies each
 * received frame out of the RX FIFO into PBUF_POOL pbufs and queues it
 * (STELLARIS_ENET_RX_QUEUE deep) for the main loop; tx copies a pbuf
 * chain into the TX FIFO, which holds one frame, and starts it.
 */
#ifndef STELLARIS_ENET_H
#define STELLARIS_ENET_H

#include <stdbool.h>
#include <stdint.h>

#include "eth_mac.h"

/* Received frames the interrupt can queue for the main loop; the indices
 * run free, so a power of two. */
#ifndef STELLARIS_ENET_RX_QUEUE
#define STELLARIS_ENET_RX_QUEUE 8u
#endif

/* Bound on every busy-wait (MII transaction, PHY reset, the previous
 * frame leaving the TX FIFO), in register reads. At 50 MHz it is a few
 * ms: more than a full frame takes at 10 Mbit/s with collisions and
 * back-off, so a wait that runs out means the hardware is stuck. */
#ifndef STELLARIS_ENET_SPINS
#define STELLARIS_ENET_SPINS 100000u
#endif

/** What only the board knows (eth_mac.h, "Board side"). */
struct stellaris_enet_config {
	uintptr_t base;             /* register block (LM3S6965: 0x40048000) */
	uint32_t clk_hz;            /* the system clock: sets the MDIO clock divider */
	/** Station address. The MAC has none of its own (MACIA0/1 reset to
	 *  0): the board reads it from where the part keeps it (USER0/USER1
	 *  on the LM3S6965) before it hands the config over. */
	uint8_t mac[6];
	/** Enable the controller's line at the NVIC, clearing what is
	 *  pending; init calls it last, with the MAC's sources masked to
	 *  the ones the handler serves. */
	void (*irq_enable)(void);
};

/** The driver, configured by `cfg` (kept by pointer; read by init). */
const struct eth_mac_ops *stellaris_enet_ops(const struct stellaris_enet_config *cfg);

/** The controller's interrupt (the board's vector calls it): acknowledge,
 *  move every frame in the RX FIFO into pool pbufs, queue them, count. */
void stellaris_enet_isr(void);

/** False when nothing answered on MII management at init (no PHY
 *  identifier): the link is then reported up without asking. QEMU's
 *  model has no PHY behind MACMCTL; silicon always answers. */
bool stellaris_enet_phy_present(void);

/* Register access. On the target these are MMIO at the configured base;
 * host unit tests provide them over a fake register block. */
#ifdef FW_HOST_TEST
uint32_t stellaris_enet_rd(uint32_t off);
void stellaris_enet_wr(uint32_t off, uint32_t val);
/** Forget the configuration, the RX queue (freeing its pbufs), the PHY
 *  state and the counters (tests only). */
void stellaris_enet_test_reset(void);
#endif

#endif
