/*
 * STM32F4 Ethernet MAC + DMA driver (RMII, LAN8742A PHY) behind
 * eth_mac.h. Zero copy both ways: RX descriptors point into PBUF_POOL
 * pbufs that are handed to lwIP as they are; TX descriptors point at the
 * payloads of the caller's pbuf chain, referenced until the DMA is done.
 *
 * Only the main loop calls in here (lwIP is NO_SYS without locking); the
 * interrupt only acknowledges the DMA and wakes the main loop.
 */
#ifndef STM32_ETH_H
#define STM32_ETH_H

#include <stdbool.h>
#include <stdint.h>

#include "eth_mac.h"

#ifndef STM32_ETH_RX_DESC
#define STM32_ETH_RX_DESC   8u      /* RX descriptors = pool pbufs parked in the ring */
#endif
#ifndef STM32_ETH_TX_DESC
#define STM32_ETH_TX_DESC   16u     /* TX descriptors: one per pbuf of a chain */
#endif
#ifndef STM32_ETH_LINK_POLL_MS
#define STM32_ETH_LINK_POLL_MS 100u /* PHY read at most this often */
#endif
#ifndef STM32_ETH_SPINS
#define STM32_ETH_SPINS     100000u /* bound on DMA reset and MDIO waits */
#endif

struct stm32_eth_config {
	uint8_t phy_addr;           /* 0 on the NUCLEO-F429ZI (UM1974) */
	bool mac_set;               /* false: derive from the unique device ID */
	uint8_t mac[6];
	uint32_t hclk_hz;           /* picks the MDC divider */
	uintptr_t dma_lo, dma_hi;   /* RAM the ETH DMA can read: [lo, hi) */
	const uint32_t *uid;        /* 96-bit unique ID for the default MAC */
	/** Pins, SYSCFG RMII select, clocks, MAC reset: the board's part,
	 *  called first by init. */
	void (*hw_setup)(void);
	/** Enable ETH_IRQn at the NVIC; called by init once the DMA is
	 *  started with its interrupts unmasked (see eth_mac.h). */
	void (*irq_enable)(void);
};

/** Driver counters beyond struct eth_mac_stats. */
struct stm32_eth_diag {
	uint32_t rx_starved;        /* refills that found the pbuf pool empty */
	uint32_t rx_runts;          /* frames shorter than an Ethernet header + FCS */
	uint32_t tx_ring_full;      /* frames dropped: not enough free descriptors */
	uint32_t tx_bounced;        /* frames copied: a payload outside DMA-reachable RAM */
	uint32_t tx_too_long;
	uint32_t irqs;
	uint32_t fatal_bus;         /* DMASR.FBES: the DMA stopped */
};

/** The driver, configured by `cfg` (kept by pointer; read by init). */
const struct eth_mac_ops *stm32_eth_ops(const struct stm32_eth_config *cfg);

const struct stm32_eth_diag *stm32_eth_diag(void);

/** Locally administered unicast MAC derived from the 96-bit unique ID. */
void stm32_eth_mac_from_uid(const uint32_t uid[3], uint8_t mac[6]);

/** The ETH interrupt (ETH_IRQHandler calls it). */
void stm32_eth_isr(void);

/*
 * Register access. On the target these are volatile accesses to
 * STM32_ETH_BASE; a host test defines them over its DMA model.
 */
#ifdef FW_HOST_TEST
uint32_t stm32_eth_rd(uint32_t off);
void stm32_eth_wr(uint32_t off, uint32_t v);
void stm32_eth_wr_list(uint32_t off, const void *desc);
#endif

/* DMA descriptor in normal format, DSL = 0 [33.6.7, 33.6.8]. The host
 * build widens the address words so a 64-bit test can hold pointers. */
#ifdef FW_HOST_TEST
typedef uintptr_t stm32_eth_addr_t;
#else
typedef uint32_t stm32_eth_addr_t;
#endif
struct stm32_eth_desc {
	volatile uint32_t des0;
	volatile uint32_t des1;
	volatile stm32_eth_addr_t des2;     /* buffer 1 */
	volatile stm32_eth_addr_t des3;     /* buffer 2 / next descriptor: unused in ring mode */
};

#ifdef FW_HOST_TEST
/** Forget all state (unit tests); the pbufs in the rings are freed. */
void stm32_eth_test_reset(void);
#endif

#endif
