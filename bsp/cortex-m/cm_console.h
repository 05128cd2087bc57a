/*
 * board_console_putc() for a board whose console UART driver sends from a
 * struct uart_tx_ring: the bounded wait board.h promises, once.
 */
#ifndef CM_CONSOLE_H
#define CM_CONSOLE_H

struct uart_tx_ring;

/** Queue `c` on the console ring `tx`. While the ring is full, retry
 *  (interrupts masked for each try, so the TX interrupt can drain it in
 *  between) for at most UART_TX_RING_WAIT_MS of board_now_ms(), then drop
 *  the byte and count it (uart_tx_ring_give_up). */
void cm_console_putc(struct uart_tx_ring *tx, char c);

#endif
