/*
 * The board interface (board.h) for the MPS2 AN385: TIMER1 running free
 * as the millisecond clock, SysTick as a 1 ms wake-up tick, TIMER0 for the
 * deadline, UART0 for the console, the LAN9118 for Ethernet. Handlers here
 * only call the drivers' ISRs, which move data and set flags. Interrupt
 * masking, idle and reset are the core's (bsp/cortex-m/cortex_m.c).
 */
#include "board.h"

#include "an385.h"
#include "cm_console.h"
#include "cmsdk_timer.h"
#include "cmsdk_uart.h"
#include "cortex_m.h"
#include "lan9118.h"
#include "mps2.h"
#include "uart_tx_ring.h"

#define AN385_CONSOLE_BAUD   115200u   /* QEMU ignores it; real boards' USB-serial expects it */

/* UART0 is the console; the family's fault handlers (startup.c) write to
 * it too, perhaps before board_init(). */
const struct mps2_console mps2_console = {
	.uart_base = AN385_UART0_BASE,
	.pclk_hz = AN385_SYSCLK_HZ,
};

void board_init(void)
{
	cmsdk_uart_init(mps2_console.uart_base, mps2_console.pclk_hz, AN385_CONSOLE_BAUD);
	cm_systick_init_1ms(AN385_SYSCLK_HZ, AN385_PRIO_SYSTICK);

	cmsdk_clock_init(AN385_TIMER1_BASE);
	cmsdk_timer_init(AN385_TIMER0_BASE, AN385_SYSCLK_HZ);

	an385_irq_enable(AN385_IRQ_UART0_RX, AN385_PRIO_UART);
	an385_irq_enable(AN385_IRQ_UART0_TX, AN385_PRIO_UART);
	an385_irq_enable(AN385_IRQ_TIMER0, AN385_PRIO_TIMER);
	an385_irq_enable(AN385_IRQ_TIMER1, AN385_PRIO_TIMER);
	cm_irq_enable();
}

const char *board_name(void)
{
	return "mps2-an385";
}

uint32_t board_now_ms(void)
{
	uint32_t s = cm_irq_save();
	uint64_t ticks = cmsdk_clock_ticks();
	cm_irq_restore(s);
	return cmsdk_timer_ticks_to_ms(ticks, AN385_SYSCLK_HZ);
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

void board_deadline_arm(uint32_t at_ms)
{
	uint32_t s = cm_irq_save();
	cmsdk_timer_arm(board_now_ms(), at_ms);
	an385_irq_clear_pending(AN385_IRQ_TIMER0);
	cm_irq_restore(s);
}

void board_deadline_cancel(void)
{
	uint32_t s = cm_irq_save();
	cmsdk_timer_cancel();
	an385_irq_clear_pending(AN385_IRQ_TIMER0);
	cm_irq_restore(s);
}

bool board_deadline_fired(void)
{
	uint32_t s = cm_irq_save();
	bool fired = cmsdk_timer_take_fired();
	cm_irq_restore(s);
	return fired;
}

/* The LAN9118's line; the driver's init calls this once the chip drives
 * its IRQ pin in a defined state. */
static void an385_eth_irq_enable(void)
{
	an385_irq_enable(AN385_IRQ_ETHERNET, AN385_PRIO_ETHERNET);
}

static const struct lan9118_config an385_eth = {
	.base = AN385_LAN9118_BASE,
	.irq_enable = an385_eth_irq_enable,
};

const struct eth_mac_ops *board_eth_mac(void)
{
	return lan9118_ops(&an385_eth);
}

static bool an385_entropy_warned;

/* Boot-time entropy: QEMU zeroes RAM and has no RNG, so the sources are
 * timing: SysTick's phase and the clock timer's count, both driven by
 * the host's clock (QEMU without -icount) and so jittered by
 * host scheduling. Callers mix several samples. That is a few bits per
 * sample, and on an FPGA board that boots the same way every time, fewer:
 * far from the 128 bits of the ISN key. Said once at boot. */
uint32_t board_entropy32(void)
{
	if (!an385_entropy_warned) {
		an385_entropy_warned = true;
		for (const char *m = "entropy: no hardware RNG, ISN and port key from timer jitter (weak)\n"; *m; m++)
			board_console_putc(*m);
	}
	uint32_t s = cm_irq_save();
	uint64_t t = cmsdk_clock_ticks();
	cm_irq_restore(s);
	uint32_t x = CM_SYST_CVR ^ (uint32_t)t ^ (uint32_t)(t >> 32);

	return cm_mix32(x);
}

/* ---------------------------------------------------------------- handlers */

/* Only a wake-up: ends the main loop's WFI every millisecond so lwIP's
 * timeouts and the console never wait longer than that. */
void SysTick_Handler(void)
{
}

void UART0RX_IRQHandler(void)
{
	cmsdk_uart_rx_isr();
}

void UART0TX_IRQHandler(void)
{
	cmsdk_uart_tx_isr();
}

void TIMER0_IRQHandler(void)
{
	cmsdk_timer_isr();
}

void TIMER1_IRQHandler(void)
{
	cmsdk_clock_isr();
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
