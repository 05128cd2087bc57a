/*
 * The board interface (board.h) for every MPS2 family image, from the
 * image's map (mps2_map): the CMSDK APB UART as the console, SysTick as
 * a 1 ms wake-up tick, the LAN9118 for Ethernet; the clock and the
 * deadline are the time source's (mps2_time_init). Handlers here only
 * call the drivers' ISRs, which move data and set flags. Interrupt
 * masking, idle and reset are the core's (bsp/cortex-m/cortex_m.c).
 */
#include "board.h"

#include "cm_console.h"
#include "cmsdk_uart.h"
#include "cortex_m.h"
#include "lan9118.h"
#include "mps2.h"
#include "uart_tx_ring.h"

#define MPS2_CONSOLE_BAUD   115200u   /* QEMU ignores it; real boards' USB-serial expects it */

/* A board's name is its folder's, which is its QEMU machine (family.mk). */
#ifndef MPS2_BOARD_NAME
#error "MPS2_BOARD_NAME: the family fragment passes the board's name"
#endif

void mps2_irq_enable(unsigned irq, uint8_t prio)
{
	cm_nvic_set_priority(irq, prio);
	cm_nvic_clear_pending(irq);
	cm_nvic_enable(irq);
}

void board_init(void)
{
	cmsdk_uart_init(mps2_map.console.base, mps2_map.console.pclk_hz, MPS2_CONSOLE_BAUD);
	cm_systick_init_1ms(mps2_map.cpu_hz, MPS2_PRIO_SYSTICK);
	mps2_time_init();

	mps2_irq_enable(mps2_map.console.irq_rx, MPS2_PRIO_UART);
	mps2_irq_enable(mps2_map.console.irq_tx, MPS2_PRIO_UART);
	cm_irq_enable();
}

const char *board_name(void)
{
	return MPS2_BOARD_NAME;
}

void board_console_putc(char c)
{
	cm_console_putc(cmsdk_uart_tx_ring(), c);
}

uint32_t board_console_tx_dropped(void)
{
	return uart_tx_ring_dropped(cmsdk_uart_tx_ring());
}

int board_console_getc(void)
{
	return cmsdk_uart_getc();
}

/* The LAN9118's line; the driver's init calls this once the chip drives
 * its IRQ pin in a defined state. */
static void mps2_eth_irq_enable(void)
{
	mps2_irq_enable(mps2_map.eth.irq, MPS2_PRIO_ETHERNET);
}

const struct eth_mac_ops *board_eth_mac(void)
{
	static struct lan9118_config eth;

	eth.base = mps2_map.eth.base;
	eth.irq_enable = mps2_eth_irq_enable;
	return lan9118_ops(&eth);
}

static bool mps2_entropy_warned;

/* Boot-time entropy: QEMU zeroes RAM and has no RNG, so the sources are
 * timing: SysTick's phase and the clock's count, both driven by the
 * host's clock (QEMU without -icount) and so jittered by host
 * scheduling. Callers mix several samples. That is a few bits per sample,
 * and on an FPGA board that boots the same way every time, fewer: far
 * from the 128 bits of the ISN key. Said once at boot. */
uint32_t board_entropy32(void)
{
	if (!mps2_entropy_warned) {
		mps2_entropy_warned = true;
		for (const char *m = "entropy: no hardware RNG, ISN and port key from timer jitter (weak)\n"; *m; m++)
			board_console_putc(*m);
	}
	uint32_t s = cm_irq_save();
	uint64_t t = mps2_time_ticks();
	cm_irq_restore(s);
	return cm_mix32(CM_SYST_CVR ^ (uint32_t)t ^ (uint32_t)(t >> 32));
}

/* ---------------------------------------------------------------- handlers */

/* Only a wake-up: ends the main loop's WFI every millisecond so lwIP's
 * timeouts and the console never wait longer than that. */
void SysTick_Handler(void)
{
}

void CONSOLE_RX_IRQHandler(void)
{
	cmsdk_uart_rx_isr();
}

void CONSOLE_TX_IRQHandler(void)
{
	cmsdk_uart_tx_isr();
}

void ETHERNET_IRQHandler(void)
{
	lan9118_isr();
}

/* newlib's allocator reaches _sbrk; finwait never allocates, so make any
 * attempt fail instead of growing into the stack. */
void *_sbrk(int incr);
void *_sbrk(int incr)
{
	(void)incr;
	return (void *)-1;
}
