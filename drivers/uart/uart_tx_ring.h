/*
 * Console TX ring shared by the UART drivers: the main loop queues bytes,
 * the UART's TX interrupt (or the producer itself, with interrupts masked)
 * moves them to the data register, so console output never waits for the
 * wire. Callers serialise the consumer side: it runs in the TX interrupt
 * or with interrupts masked, never both at once.
 *
 * The policy is here once, for every UART under it (uart_tx_ring.c):
 *   - the producer moves what the UART can take before it queues, so a
 *     byte is refused only when the UART and the ring are both full;
 *   - the TX interrupt is enabled only while the ring holds bytes: a
 *     level-triggered "data register empty" interrupt (STM32 TXE) would
 *     otherwise fire forever, and an edge-triggered one (CMSDK "TX full
 *     went clear") would fire once per byte for nothing;
 *   - a full ring waits at most UART_TX_RING_WAIT_MS for room, then drops
 *     and counts, and the rest of that burst drops at once.
 */
#ifndef UART_TX_RING_H
#define UART_TX_RING_H

#include <stdbool.h>
#include <stdint.h>

/* Ring size in bytes (a power of two, so the free-running indices wrap
 * cleanly; 4 KiB holds a whole `stats` reply, so a reader that pauses a
 * few ms loses neither its tail nor the prompt) and the longest wait for
 * room before a byte is dropped. The documented build-time knobs
 * FW_CONSOLE_TX_BYTES and FW_CONSOLE_TX_WAIT_MS still set them. */
#ifndef UART_TX_RING_BYTES
#ifdef FW_CONSOLE_TX_BYTES
#define UART_TX_RING_BYTES FW_CONSOLE_TX_BYTES
#else
#define UART_TX_RING_BYTES 4096u
#endif
#endif
#ifndef UART_TX_RING_WAIT_MS
#ifdef FW_CONSOLE_TX_WAIT_MS
#define UART_TX_RING_WAIT_MS FW_CONSOLE_TX_WAIT_MS
#else
#define UART_TX_RING_WAIT_MS 2u
#endif
#endif

#define UART_TX_RING_MASK (UART_TX_RING_BYTES - 1u)
_Static_assert(UART_TX_RING_BYTES >= 2u && (UART_TX_RING_BYTES & UART_TX_RING_MASK) == 0,
    "UART_TX_RING_BYTES (FW_CONSOLE_TX_BYTES): power of two, so the free-running indices wrap cleanly");

/** The UART under a ring, as the shared pump drives it. */
struct uart_tx_port {
	bool (*room)(void);         /* the data register takes a byte now */
	void (*write)(uint8_t b);   /* put one byte in the data register */
	void (*irq)(bool on);       /* enable or disable the TX interrupt */
};

struct uart_tx_ring {
	const struct uart_tx_port *port;
	uint8_t buf[UART_TX_RING_BYTES];
	volatile uint32_t head;     /* written by the producer only */
	volatile uint32_t tail;     /* written by the consumer only */
	uint32_t dropped;           /* bytes refused because the ring stayed full */
	bool dropping;              /* last byte dropped: drop at once until room */
	bool irq_on;                /* the TX interrupt enable, as last set */
};

/** Empty the ring and attach it to its UART, whose TX interrupt the driver
 *  has left disabled (the pump enables it when bytes wait). */
void uart_tx_ring_init(struct uart_tx_ring *r, const struct uart_tx_port *port);

/** Move bytes to the UART while it has room, then leave its TX interrupt
 *  enabled exactly when bytes remain. The TX interrupt handler calls it
 *  (after acknowledging its UART's interrupt); so does the producer. */
void uart_tx_ring_pump(struct uart_tx_ring *r);

/** Queue one byte and start an idle UART. Call with interrupts masked.
 *  False when the UART and the ring are both full. */
bool uart_tx_ring_queue(struct uart_tx_ring *r, uint8_t b);

/** The full-ring policy: `waited_ms` is how long the caller has retried
 *  this byte. Returns true when it should give up and drop the byte
 *  (counted). Once one byte is dropped the rest of a burst drops without
 *  waiting, so a console nobody reads costs the main loop one wait, not
 *  one per byte; the first byte that fits ends the dropping. */
bool uart_tx_ring_give_up(struct uart_tx_ring *r, uint32_t waited_ms);

/** Bytes dropped because the ring stayed full (board_console_tx_dropped). */
static inline uint32_t uart_tx_ring_dropped(const struct uart_tx_ring *r)
{
	return r->dropped;
}

/* ---- the ring itself (the pump's primitives) ---- */

static inline bool uart_tx_ring_empty(const struct uart_tx_ring *r)
{
	return r->head == r->tail;
}

static inline bool uart_tx_ring_full(const struct uart_tx_ring *r)
{
	return r->head - r->tail >= UART_TX_RING_BYTES;
}

/** Store one byte; false when the ring is full. */
static inline bool uart_tx_ring_put(struct uart_tx_ring *r, uint8_t b)
{
	uint32_t h = r->head;

	if (h - r->tail >= UART_TX_RING_BYTES)
		return false;
	r->buf[h & UART_TX_RING_MASK] = b;
	r->head = h + 1u;
	return true;
}

/** Take the oldest byte; false when the ring is empty. */
static inline bool uart_tx_ring_get(struct uart_tx_ring *r, uint8_t *b)
{
	uint32_t t = r->tail;

	if (t == r->head)
		return false;
	*b = r->buf[t & UART_TX_RING_MASK];
	r->tail = t + 1u;
	return true;
}

/** A byte was queued: a later full ring waits again before dropping. */
static inline void uart_tx_ring_accepted(struct uart_tx_ring *r)
{
	r->dropping = false;
}

#endif
