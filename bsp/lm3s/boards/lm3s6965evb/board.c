/*
 * The board interface (board.h) for the EK-LM3S6965: SysTick running free
 * as the millisecond clock, GPTM Timer 1A as the 1 ms wake-up, Timer 0A
 * for the deadline, UART0 for the console, the on-chip Ethernet
 * Controller. Handlers here only call the drivers' ISRs, which move data
 * and set flags. Interrupt masking, idle and reset are the core's
 * (bsp/cortex-m/cortex_m.c).
 *
 * Why the roles differ from mps2-an385's (where SysTick is the wake-up
 * and a timer counter is the clock): QEMU's GPTM cannot be read (GPTMTAR
 * reads 0), and a clock that counts tick interrupts loses every tick
 * QEMU delivers late. SysTick's counter can be read on silicon and in
 * QEMU alike, so it is the clock, and a GPTM, which only has to
 * interrupt, wakes the main loop.
 */
#include "board.h"

#include <stdio.h>

#include "cm_console.h"
#include "cm_systick_clock.h"
#include "cortex_m.h"
#include "lm3s.h"
#include "lm3s6965.h"
#include "stellaris_enet.h"
#include "stellaris_gptm.h"
#include "stellaris_uart.h"
#include "uart_tx_ring.h"

#define EVB_CONSOLE_BAUD   115200u   /* the board's FTDI virtual COM port; QEMU ignores it */
#define EVB_WAKE_HZ        1000u     /* lwIP's timeouts and the console never wait longer than 1 ms */
#define EVB_MS_PER_S       1000u
#define EVB_LINE_MAX       64u

/* UART0 is the console; the family's fault handlers write to it too,
 * perhaps before board_init(). */
const struct lm3s_console lm3s_console = {
	.uart_base = LM3S_UART0_BASE,
};

static struct lm3s_clock evb_clock;
static uint32_t evb_ticks_per_ms;

static void evb_puts(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			board_console_putc('\r');
		board_console_putc(*s);
	}
}

void board_init(void)
{
	evb_clock = lm3s_clock_init();
	evb_ticks_per_ms = evb_clock.sysclk_hz / EVB_MS_PER_S;
	lm3s_clock_gate(LM3S_RCGC1_UART0 | LM3S_RCGC1_TIMER0 | LM3S_RCGC1_TIMER1,
	    LM3S_RCGC2_GPIOA | LM3S_RCGC2_EMAC0 | LM3S_RCGC2_EPHY0);
	/* PA0/PA1 to UART0 ("GPIO Pins and Alternate Functions") */
	*lm3s_reg(LM3S_GPIOA_BASE, LM3S_GPIO_AFSEL) |= LM3S_PA_UART0;
	*lm3s_reg(LM3S_GPIOA_BASE, LM3S_GPIO_DEN) |= LM3S_PA_UART0;

	stellaris_uart_init(LM3S_UART0_BASE, evb_clock.sysclk_hz, EVB_CONSOLE_BAUD);
	cm_systick_clock_init(LM3S_PRIO_SYSTICK);
	stellaris_gptm_tick_init(LM3S_TIMER1_BASE, evb_clock.sysclk_hz, EVB_WAKE_HZ);
	stellaris_gptm_init(LM3S_TIMER0_BASE, evb_clock.sysclk_hz);

	lm3s_irq_enable(LM3S_IRQ_UART0, LM3S_PRIO_UART);
	lm3s_irq_enable(LM3S_IRQ_TIMER0A, LM3S_PRIO_TIMER);
	lm3s_irq_enable(LM3S_IRQ_TIMER1A, LM3S_PRIO_TIMER);
	cm_irq_enable();

	char line[EVB_LINE_MAX];
	snprintf(line, sizeof line, "clock: sysclk=%lu source=%s\n",
	    (unsigned long)evb_clock.sysclk_hz, evb_clock.source);
	evb_puts(line);
}

const char *board_name(void)
{
	return "lm3s6965evb";
}

uint32_t board_now_ms(void)
{
	uint32_t s = cm_irq_save();
	uint64_t ticks = cm_systick_clock_ticks();
	cm_irq_restore(s);
	return (uint32_t)(ticks / evb_ticks_per_ms);
}

void board_console_putc(char c)
{
	cm_console_putc(stellaris_uart_tx_ring(), c);
}

uint32_t board_console_tx_dropped(void)
{
	return uart_tx_ring_dropped(stellaris_uart_tx_ring());
}

int board_console_getc(void)
{
	return stellaris_uart_getc();
}

void board_deadline_arm(uint32_t at_ms)
{
	uint32_t s = cm_irq_save();
	stellaris_gptm_arm(board_now_ms(), at_ms);
	lm3s_irq_clear_pending(LM3S_IRQ_TIMER0A);
	cm_irq_restore(s);
}

void board_deadline_cancel(void)
{
	uint32_t s = cm_irq_save();
	stellaris_gptm_cancel();
	lm3s_irq_clear_pending(LM3S_IRQ_TIMER0A);
	cm_irq_restore(s);
}

bool board_deadline_fired(void)
{
	uint32_t s = cm_irq_save();
	bool fired = stellaris_gptm_take_fired();
	cm_irq_restore(s);
	return fired;
}

/* The Ethernet Controller's line; the driver's init calls this once the
 * MAC's sources are masked to the ones its handler serves. */
static void evb_eth_irq_enable(void)
{
	lm3s_irq_enable(LM3S_IRQ_ETH, LM3S_PRIO_ETH);
}

/* Not const: the station address is read from USER0/USER1 at first use. */
static struct stellaris_enet_config evb_eth = {
	.base = LM3S_ETH_BASE,
	.mac = { 0x02, 0x00, 0x5e, 0x6d, 0x65, 0x01 },   /* locally administered, if USER0/1 are blank */
	.irq_enable = evb_eth_irq_enable,
};

const struct eth_mac_ops *board_eth_mac(void)
{
	evb_eth.clk_hz = evb_clock.sysclk_hz;
	(void)lm3s_user_mac(evb_eth.mac);
	return stellaris_enet_ops(&evb_eth);
}

static bool evb_entropy_warned;

/* Boot-time entropy: the LM3S6965 has no RNG, QEMU zeroes RAM, so the
 * sources are timing: the clock's SysTick count at a 20 ns resolution,
 * driven by the host's clock (QEMU without -icount) and so jittered by
 * host scheduling. Callers mix several samples. A few bits per sample,
 * and on silicon that boots the same way every time, fewer: far from the
 * 128 bits of the ISN key. Said once at boot. */
uint32_t board_entropy32(void)
{
	if (!evb_entropy_warned) {
		evb_entropy_warned = true;
		evb_puts("entropy: no hardware RNG, ISN and port key from timer jitter (weak)\n");
	}
	uint32_t s = cm_irq_save();
	uint64_t t = cm_systick_clock_ticks();
	cm_irq_restore(s);
	uint32_t x = (uint32_t)t ^ (uint32_t)(t >> 32);

	return cm_mix32(x);
}

/* ---------------------------------------------------------------- handlers */

void SysTick_Handler(void)
{
	cm_systick_clock_isr();
}

void UART0_IRQHandler(void)
{
	stellaris_uart_isr();
}

void TIMER0A_IRQHandler(void)
{
	stellaris_gptm_isr();
}

/* Only a wake-up: ends the main loop's WFI every millisecond. */
void TIMER1A_IRQHandler(void)
{
	stellaris_gptm_tick_isr();
}

void ETH_IRQHandler(void)
{
	stellaris_enet_isr();
}

/* newlib's allocator reaches _sbrk; finwait never allocates, so make any
 * attempt fail instead of growing into the stack. */
void *_sbrk(int incr);
void *_sbrk(int incr)
{
	(void)incr;
	return (void *)-1;
}
