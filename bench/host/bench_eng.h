/*
 * What the host benchmark driver (bench_main.c) needs of a TCP engine:
 * finwait's (eng_finwait.c) or lwIP's (eng_lwip.c), each serving the same
 * application on port BENCH_PORT: every byte received is written back,
 * and the server either closes right after its reply (active close, it
 * ends in TIME_WAIT) or when the peer's FIN arrives (passive close).
 * One connection at a time exchanges data (the others only stay open),
 * so the application counts the bytes it echoed since the last accept.
 */
#ifndef BENCH_ENG_H
#define BENCH_ENG_H

#include <stdbool.h>
#include <stdint.h>

#define BENCH_PORT 7

extern uint32_t bench_now_ms;   /* simulated clock, ms */

/** Engine name for the output ("finwait", "lwip"). */
extern const char eng_name[];

/** After lwip_init() and the netif: start the engine, listen on BENCH_PORT. */
void eng_start(void);

/** What the application does on the connections from now on: echo every
 *  byte and close right after echoing `close_after` bytes (the server
 *  closes first) or only when the peer's FIN arrives. */
void eng_app(bool server_closes_first, uint32_t close_after);

/** Run the engine's timers that are due at bench_now_ms, as the firmware's
 *  main loop would. */
void eng_timers(void);

/** The next time eng_timers() has work: lwIP's fixed TCP_TMR_INTERVAL
 *  tick, finwait's earliest deadline (false when none). */
bool eng_next_timer(uint32_t *at);

/** Connections in TIME_WAIT now. */
unsigned eng_time_wait_count(void);

/** Application errors seen (callbacks that should not have run). */
unsigned eng_app_errors(void);

#endif
