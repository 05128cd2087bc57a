/*
 * The board interface: the only thing portable code (app/, tcp/, port/lwip/)
 * knows of the hardware. Each board implements every function here; on
 * Cortex-M the core's part (interrupt masking, idle, reboot, the console's
 * bounded wait) is shared, in bsp/cortex-m/.
 *
 * Interrupt handlers only move data and set flags; the main loop does the
 * work. Times are milliseconds on one free-running 32-bit clock that wraps
 * after ~49.7 days: compare them only through differences.
 */
#ifndef BOARD_H
#define BOARD_H

#include <stdbool.h>
#include <stdint.h>

struct eth_mac_ops;

/** Clocks, pins, console UART, time base and deadline timer; called first. */
void board_init(void);

/** Board name as printed in the boot banner, e.g. "mps2-an385". */
const char *board_name(void);

/** Milliseconds since boot, from the 1 ms time base. */
uint32_t board_now_ms(void);

/* ---- console UART (RX and TX are interrupt driven and buffered) ---- */

/** Queue one byte for the console and return; the UART's TX interrupt
 *  sends it. When the ring (UART_TX_RING_BYTES, set by -DFW_CONSOLE_TX_BYTES)
 *  is full, waits at most UART_TX_RING_WAIT_MS (-DFW_CONSOLE_TX_WAIT_MS)
 *  for room, so output stays complete while the host reads, then drops the
 *  byte and counts it: a console nobody reads never stalls the network
 *  loop. Fault handlers write polled, not through here. */
void board_console_putc(char c);

/** Console bytes board_console_putc() dropped because the ring stayed full. */
uint32_t board_console_tx_dropped(void);

/** Next received console byte, or -1 when none is waiting. */
int board_console_getc(void);

/* ---- one-shot deadline timer (the hardware timer behind 2MSL) ----
 *
 * One deadline at a time, absolute, in board_now_ms() time. Arming again
 * replaces the previous deadline. A deadline that is now or already past
 * fires at once. Deadlines longer than the counter can hold are chained in
 * the driver. When it fires the ISR only sets a flag, which
 * board_deadline_fired() returns and clears.
 */
void board_deadline_arm(uint32_t at_ms);
void board_deadline_cancel(void);
bool board_deadline_fired(void);

/** The board's Ethernet MAC, or NULL when it has none. */
const struct eth_mac_ops *board_eth_mac(void);

/** 32 bits of boot-time entropy for seeding keys (RNG, unique ID, jitter). */
uint32_t board_entropy32(void);

/* ---- interrupts and sleep ---- */

/** Mask interrupts; returns the previous state for board_irq_restore().
 *  Nests. Used for lwIP's SYS_ARCH_PROTECT and the idle check below. */
uint32_t board_irq_save(void);
void board_irq_restore(uint32_t state);

/** Sleep until the next interrupt. Call with interrupts masked by
 *  board_irq_save(), after checking that no work is pending: an interrupt
 *  that arrives after the check still ends the sleep (its handler runs
 *  after board_irq_restore()), so no wake-up is lost. */
void board_idle(void);

/** Reset the chip. */
void board_reboot(void) __attribute__((noreturn));

#endif
