/*
 * finwait's TCP: the application API and the engine's lifecycle.
 * (The application API is added by the engine; the lifecycle below is what
 * firmware/main.c drives.)
 */
#ifndef TCP_H
#define TCP_H

#include <stdbool.h>
#include <stdint.h>

/** Create the raw PCB for protocol 6 and reset every table. `now` in ms;
 *  `key` seeds the RFC 6528 ISN generator. Call after lwip_init(). */
void tcp_init(uint32_t now, const uint8_t key[16]);

/** Run every timer that is due at `now` (retransmission, 2MSL, FIN_WAIT_2,
 *  CLOSE_WAIT watchdog). The main loop calls it when the board's deadline
 *  timer fires. */
void tcp_timers(uint32_t now);

/** Earliest time the engine needs tcp_timers(): true and *at set, or false
 *  when nothing is pending. The main loop arms the board's one-shot
 *  deadline timer with it after every input and timer run. */
bool tcp_next_deadline(uint32_t *at);

#endif
