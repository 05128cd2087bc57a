/*
 * Console TX ring shared by the UART drivers: the main loop queues bytes,
 * the UART's TX interrupt (or the producer itself, with interrupts masked)
 * moves them to the data register, so console output never waits for the
 * wire. Callers serialise the consumer side: it runs in the TX interrupt
 * or with interrupts masked, never both at once.
 */
#ifndef UART_TX_RING_H
#define UART_TX_RING_H

#include <stdbool.h>
#include <stdint.h>

/* Ring size in bytes (a power of two, so the free-running indices wrap
 * cleanly) and the longest wait for room before a byte is dropped. The
 * documented build-time knobs FW_CONSOLE_TX_BYTES and FW_CONSOLE_TX_WAIT_MS
 * (make CFLAGS_EXTRA=-DFW_CONSOLE_TX_BYTES=4096) still set them. */
#ifndef UART_TX_RING_BYTES
#ifdef FW_CONSOLE_TX_BYTES
#define UART_TX_RING_BYTES FW_CONSOLE_TX_BYTES
#else
#define UART_TX_RING_BYTES 2048u
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

struct uart_tx_ring {
	uint8_t buf[UART_TX_RING_BYTES];
	volatile uint32_t head;     /* written by the producer only */
	volatile uint32_t tail;     /* written by the consumer only */
	uint32_t dropped;           /* bytes refused because the ring stayed full */
	bool dropping;              /* last byte dropped: drop at once until room */
};

static inline void uart_tx_ring_reset(struct uart_tx_ring *r)
{
	r->head = r->tail = 0;
	r->dropped = 0;
	r->dropping = false;
}

static inline bool uart_tx_ring_empty(const struct uart_tx_ring *r)
{
	return r->head == r->tail;
}

static inline bool uart_tx_ring_full(const struct uart_tx_ring *r)
{
	return r->head - r->tail >= UART_TX_RING_BYTES;
}

/** Queue one byte; false when the ring is full. */
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

/** The full-ring policy: `waited_ms` is how long the caller has retried
 *  this byte. Returns true when it should give up and drop the byte
 *  (counted). Once one byte is dropped the rest of a burst drops without
 *  waiting, so a console nobody reads costs the main loop one wait, not
 *  one per byte; the first byte that fits ends the dropping. */
static inline bool uart_tx_ring_give_up(struct uart_tx_ring *r, uint32_t waited_ms)
{
	if (!r->dropping && waited_ms < UART_TX_RING_WAIT_MS)
		return false;
	r->dropping = true;
	r->dropped++;
	return true;
}

/** A byte was queued: a later full ring waits again before dropping. */
static inline void uart_tx_ring_accepted(struct uart_tx_ring *r)
{
	r->dropping = false;
}

#endif
