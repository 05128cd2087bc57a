/*
 * The loopback teardown self-test: both ends of finwait's
 * TCP in this firmware, over lwIP's loopback netif at 127.0.0.1, open,
 * exchange data and close in every way RFC 9293 allows, with TIME_WAIT
 * expiry timed by the board's deadline timer. Built when FW_SELFTEST is
 * defined (bsp/stm32f4/boards/netduinoplus2/board.mk: the board with no Ethernet MAC);
 * otherwise the calls below compile to nothing.
 *
 * Output, parsed by tests/e2e/test_selftest.py:
 *   selftest CASE: PASS detail      one line per case, or FAIL
 *   selftest: N passed, M failed    at the end
 */
#ifndef SELFTEST_H
#define SELFTEST_H

#include <stdbool.h>
#include <stdint.h>

#ifdef FW_SELFTEST

/** Begin: after fw_tcp_init(), services_init() and console_init(). */
void selftest_start(uint32_t now);

/** One step, from the main loop before netif_poll_all() delivers what the
 *  step queued on the loopback netif. False once the test has finished. */
bool selftest_poll(uint32_t now);

#else

static inline void selftest_start(uint32_t now) { (void)now; }
static inline bool selftest_poll(uint32_t now) { (void)now; return false; }

#endif
#endif
