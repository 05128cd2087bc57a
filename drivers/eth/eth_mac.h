/*
 * The MAC contract: what an Ethernet MAC driver offers the netif bridge
 * (port/lwip/ethif.c): six operations, a block of counters and an
 * optional printout for people. Frames travel as lwIP pbufs; the driver
 * knows nothing of IP or TCP.
 *
 * Contexts. Every operation runs in the main loop, which is the only
 * thread (lwIP is NO_SYS), so no two operations ever run at once. The
 * driver's interrupt handler, `<driver>_isr()`, is not an operation: the
 * board's vector calls it, and it does no more than acknowledge the
 * device, count, and move frames into PBUF_POOL pbufs queued for rx() (a
 * DMA that writes into pbufs by itself needs only the acknowledgement);
 * it calls nothing of lwIP but pbuf_alloc(), which is safe there because
 * lwipopts.h sets SYS_LIGHTWEIGHT_PROT. The bridge calls rx_pending()
 * with interrupts masked, just before the main loop sleeps.
 *
 * Diagnostics. A driver may offer diag(), a printout of what only it
 * knows (the console's `eth`); the bridge never calls it.
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
 * patches the operations. A new driver starts from drivers/eth/template/;
 * tests/unit/test_eth_contract.c holds every driver to this contract.
 */
#ifndef ETH_MAC_H
#define ETH_MAC_H

#include <stdbool.h>
#include <stdint.h>

struct pbuf;

/* Counters, for people (the console's `stats`), never for control flow:
 * the bridge decides nothing from them. They only grow, and wrap at 2^32. */
struct eth_mac_stats {
	uint32_t rx_frames;           /* good frames received */
	uint32_t rx_bytes;            /* their bytes, FCS not included */
	uint32_t rx_dropped_nopbuf;   /* frame arrived, pbuf pool empty */
	uint32_t rx_dropped_queue;    /* frame arrived, RX queue to main loop full */
	uint32_t rx_missed;           /* frame arrived, the device had no receive buffer
	                               * ready although the pool had pbufs (every DMA
	                               * descriptor still held a frame the main loop had
	                               * not taken, or the device's FIFO overflowed); 0
	                               * from a driver whose device cannot tell */
	uint32_t rx_errors;           /* CRC, length, overrun... as the MAC reports */
	uint32_t tx_frames;           /* frames sent (counted by tx or, for a DMA, by poll) */
	uint32_t tx_bytes;
	uint32_t tx_errors;           /* no room in the MAC, underflow, too long */
	uint32_t link_changes;        /* link_up() saw the state differ from its last answer */
};

/** printf-like sink for diag(): the console's console_printf. */
typedef void eth_mac_print_fn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct eth_mac_ops {
	/** Reset the MAC and PHY, check that the device answers, put the
	 *  station address into mac[6] (the device's own, or the one the
	 *  config gives), start reception and enable the interrupt through
	 *  the config's irq_enable. Called once, by ethif_init() (from
	 *  netif_add()), before any other operation. Returns 0, or -1 when
	 *  no device answers or it cannot work this boot (the interrupt is
	 *  then left disabled).
	 *
	 *  Deferred bring-up: a driver that knows its device is there (an
	 *  on-chip MAC) and knows the station address without it may instead
	 *  return 0 when the device is not ready (its PHY silent or still in
	 *  reset, a clock from the PHY missing). The interrupt then stays
	 *  disabled, tx() refuses, rx() and rx_pending() have nothing,
	 *  link_up() says down, and poll() retries the bring-up at the
	 *  bounded rate the driver's header gives, enabling the interrupt
	 *  once it succeeds. The bridge needs to do nothing about it. */
	int (*init)(uint8_t mac[6]);

	/** Send one frame: the pbuf chain p, Ethernet header first, FCS not
	 *  included (the MAC appends it); zero-length pbufs in the chain are
	 *  skipped. The caller keeps its reference: a driver that sends in
	 *  place (DMA) takes a reference of its own (pbuf_ref) and drops it
	 *  once the hardware is done, from poll() (or from a later tx() that
	 *  needs the room); a copying driver holds nothing after returning.
	 *  The pbufs' fields (payload, len, tot_len, next) are read inside
	 *  tx() only: once it returns the sender may change them (TCP sends a
	 *  segment from its send queue in place, then takes the headers off
	 *  and links the queue back behind it). The bytes never change while
	 *  the driver holds its reference: TCP resends a pbuf whose ref is
	 *  above 1 from a copy. Such pbufs carry PBUF_NEEDS_COPY for lwIP's
	 *  own queues (ARP, ND), which keep packets past the call and re-read
	 *  the fields; a driver that keeps a reference may ignore it. Returns 0
	 *  when the frame was handed to the hardware, or -1 when it was
	 *  dropped (no room, too long): counted in tx_errors, and the bridge
	 *  reports ERR_IF. */
	int (*tx)(struct pbuf *p);

	/** The next received frame, oldest first, as a pbuf chain of
	 *  PBUF_POOL pbufs holding the frame without its FCS, or NULL when
	 *  none is waiting. Ownership passes to the caller (the bridge hands
	 *  it to netif->input). May refill the device's receive buffers; does
	 *  no other housekeeping (that is poll's). */
	struct pbuf *(*rx)(void);

	/** True when a received frame is waiting for rx(), read from the
	 *  driver's and device's state (queue indices, descriptor ownership),
	 *  never from counters. No false negatives: a frame the interrupt
	 *  has queued, or the DMA has finished writing, makes it true before
	 *  rx() is called, so the main loop does not sleep on it. It may be
	 *  true for a frame rx() then drops as erroneous (rx() returns NULL
	 *  and the next call says false). Changes nothing; safe with
	 *  interrupts masked. */
	bool (*rx_pending)(void);

	/** Housekeeping, called by the bridge once per main-loop pass (from
	 *  ethif_poll(), before it drains rx()): release transmitted frames
	 *  (a DMA driver's TX reclaim, which also counts them), read counters
	 *  the device keeps, refill receive buffers starved by an empty pool.
	 *  Bounded; a driver with nothing to do has an empty one. Never
	 *  blocks, except where the driver re-initialises its device from
	 *  here (a deferred bring-up's retry, recovery from a fatal device
	 *  error the interrupt flagged): that waits on the device within
	 *  bounds the driver's header gives. */
	void (*poll)(void);

	/** PHY link state (up: link established and, where the PHY says so,
	 *  auto-negotiation done; the MAC is set to the negotiated mode). May
	 *  take MDIO reads, which are slow: the bridge asks at init and then
	 *  every ETHIF_LINK_POLL_MS; a driver may answer from a cache younger
	 *  than that. Counts link_changes. */
	bool (*link_up)(void);

	/** The driver's counters, valid before init. */
	const struct eth_mac_stats *stats;

	/** Optional (NULL when the driver has none): print what only the
	 *  driver knows (device and PHY identity, state, negotiated mode,
	 *  key registers, its own counters) through `print`, as console
	 *  records: lines `eth: key=value ...` or `eth.<part>: ...`. Reads
	 *  only what reading cannot change (no clear-on-read counters, no
	 *  latched PHY bits: those it reports as last seen). Valid before
	 *  init. */
	void (*diag)(eth_mac_print_fn *print);
};

#endif
