/*
 * The MPS3 family: ARM's MPS3 FPGA board, the MPS2's successor. Its
 * images keep the CMSDK APB UARTs and the LAN9118, so the MPS2 family's
 * startup and board.h code serve it over the image's map (bsp/mps2/mps2.h).
 * What differs is the time source: AN547's SSE-300 subsystem has the SSE
 * system counter and timers instead of two CMSDK APB timers (its one
 * CMSDK timer runs on the 32 kHz clock), so the clock and the deadline
 * are one system timer frame (mps3_sse_time.c, drivers/timer/sse).
 */
#ifndef MPS3_H
#define MPS3_H

#include <stdint.h>

/** The SSE system counter and the timer frame the image uses, from its
 *  map file (an547.c). */
struct mps3_sse_time {
	uint32_t counter_hz;        /* the system counter's input clock */
	uintptr_t counter_ctrl_base; /* its control frame (Secure only) */
	uintptr_t timer_base;       /* the timer frame */
	uint8_t timer_irq;
};
extern const struct mps3_sse_time mps3_sse_time;

#endif
