/*
 * Fault reporting shared by the Cortex-M families that print faults on a
 * polled console: HardFault_Handler finds the stacked exception frame
 * and cm_fault_report() prints it with the fault status registers, then
 * halts; cm_fault_unexpected() is the report of a stray exception. The
 * family supplies the console (its startup file defines the two hooks).
 */
#ifndef CM_FAULT_H
#define CM_FAULT_H

#include <stdint.h>

/* ---- the family's side ---- */

/** Make the console UART send, polled; may run before board_init(). */
void cm_fault_console_start(void);

/** Send one byte, polled. */
void cm_fault_putc(char c);

/* ---- what this file gives ---- */

/** The HardFault (and escalated MemManage/BusFault/UsageFault) entry:
 *  passes the stacked frame (MSP or PSP per EXC_RETURN) on, naked. */
void HardFault_Handler(void);

/** Print the exception frame (ARMv7-M B1.5.6: r0-r3, r12, lr, pc, xPSR)
 *  and CFSR/HFSR/MMFAR/BFAR, then stop: the message is the point. */
void cm_fault_report(const uint32_t *frame, uint32_t exc_return) __attribute__((noreturn));

/** "FATAL: unexpected exception" with IPSR, then stop. */
void cm_fault_unexpected(void) __attribute__((noreturn));

#endif
