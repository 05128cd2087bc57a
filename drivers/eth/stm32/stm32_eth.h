/*
 * STM32F4 Ethernet MAC + DMA driver (RMII, LAN8742A PHY) behind
 * eth_mac.h. Zero copy both ways: RX descriptors point into PBUF_POOL
 * pbufs that are handed to lwIP as they are; TX descriptors point at the
 * payloads of the caller's pbuf chain, referenced until the DMA is done.
 *
 * Only the main loop calls in here (lwIP is NO_SYS without locking); the
 * interrupt only acknowledges the DMA, counts, flags a fatal bus error
 * and wakes the main loop.
 *
 * Bring-up is deferred (eth_mac.h, init): the MAC is on the chip and the
 * station address comes from the unique ID, so init returns 0 unless
 * Ethernet cannot run this boot (HCLK below 25 MHz). When the DMA reset
 * does not finish (no 50 MHz REF_CLK from the PHY), the PHY does not
 * answer, is not a LAN8742A or does not leave reset, or the TX FIFO
 * flush does not finish, poll() tries again after STM32_ETH_RETRY_MS,
 * doubling up to STM32_ETH_RETRY_MAX_MS; an attempt blocks the main
 * loop for at most the sum of the timeouts below. A fatal bus error
 * (DMASR.FBES) makes the next poll() reset and restart the MAC and DMA,
 * keeping the PHY and its link.
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
#ifndef STM32_ETH_RETRY_MS
#define STM32_ETH_RETRY_MS  1000u   /* first retry of an unfinished bring-up */
#endif
#ifndef STM32_ETH_RETRY_MAX_MS
#define STM32_ETH_RETRY_MAX_MS 60000u /* retries back off to this */
#endif
/* Time bounds on the hardware, by the board's millisecond clock (and by
 * the busy waits between polls, should that clock stand still). */
#define STM32_ETH_DMA_RESET_MS  500u  /* DMABMR.SR; ST's HAL allows 500 ms too */
#define STM32_ETH_PHY_RESET_MS  500u  /* LAN8742A BCR.RESET self-clears well within */
#define STM32_ETH_FLUSH_MS      10u   /* DMAOMR.FTF */
#define STM32_ETH_MDIO_MS       2u    /* one MDIO frame is ~27 us at 2.5 MHz MDC */
#define STM32_ETH_STOP_MS       10u   /* a 1518-byte frame leaves in 1.2 ms at 10 Mbit/s */
#define STM32_ETH_HCLK_MIN_HZ   25000000u /* RM0090 33: the MAC needs HCLK >= 25 MHz */

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
	/** Enable ETH_IRQn at the NVIC; called once, when the DMA first
	 *  runs with its interrupts unmasked (see eth_mac.h). */
	void (*irq_enable)(void);
	/** Busy-wait at least `us` microseconds, by a clock that runs with
	 *  interrupts masked. Required: it spaces the writes ES0206 asks to
	 *  space and paces the polls of the bounded waits. */
	void (*delay_us)(uint32_t us);
	/** Optional: print one line (no newline) on the console; the driver
	 *  reports its bring-up, retries and recoveries through it. */
	void (*log)(const char *line);
};

/** Where the driver stands. */
enum stm32_eth_state {
	STM32_ETH_OFF,              /* init not called, or Ethernet cannot run this boot */
	STM32_ETH_RETRY,            /* bring-up unfinished: poll() tries again */
	STM32_ETH_RUNNING,
};

/** Why the last bring-up failed (STM32_ETH_FAIL_NONE once running). */
enum stm32_eth_fail {
	STM32_ETH_FAIL_NONE,
	STM32_ETH_FAIL_HCLK,        /* HCLK below STM32_ETH_HCLK_MIN_HZ: not tried */
	STM32_ETH_FAIL_DMA_RESET,   /* DMABMR.SR stuck: no REF_CLK from the PHY */
	STM32_ETH_FAIL_MDIO,        /* MACMIIAR.MB stuck */
	STM32_ETH_FAIL_PHY_NONE,    /* MDIO reads all ones or all zeros */
	STM32_ETH_FAIL_PHY_ID,      /* a PHY, but not a LAN8742A */
	STM32_ETH_FAIL_PHY_RESET,   /* BCR.RESET stuck */
	STM32_ETH_FAIL_FLUSH,       /* DMAOMR.FTF stuck */
};

/** Driver state and counters beyond struct eth_mac_stats. */
struct stm32_eth_diag {
	enum stm32_eth_state state;
	enum stm32_eth_fail fail;
	uint16_t phy_id1, phy_id2;  /* as read at the last bring-up */
	uint32_t attempts;          /* bring-ups tried, the first included */
	uint32_t reinits;           /* MAC/DMA restarts after a fatal bus error */
	uint32_t rx_starved;        /* refills that found the pbuf pool empty */
	uint32_t rx_runts;          /* frames shorter than an Ethernet header + FCS */
	uint32_t rx_buf_unavail;    /* DMASR.RBUS: the RX DMA found no descriptor */
	uint32_t tx_ring_full;      /* frames dropped: not enough free descriptors */
	uint32_t tx_bounced;        /* frames copied: a payload outside DMA-reachable RAM */
	uint32_t tx_too_long;
	uint32_t tx_lost;           /* frames in flight dropped by a restart (also tx_errors) */
	uint32_t irqs;
	uint32_t fatal_bus;         /* DMASR.FBES: the DMA stopped */
	uint32_t link_flaps;        /* link lost and back between two polls (BSR latched low) */
	uint32_t mode_changes;      /* MACCR speed/duplex rewritten, the MAC stopped */
	uint32_t stop_timeouts;     /* the MAC did not go idle within STM32_ETH_STOP_MS */
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
