/*
 * The board.h functions shared by every STM32F4 board: SysTick time base,
 * USART console, TIM2 deadline timer, entropy. Interrupt masking, idle and
 * reset are the core's (bsp/cortex-m/cortex_m.c).
 */
#include <stdio.h>

#include "board.h"
#include "cm_console.h"
#include "cortex_m.h"
#include "stm32_board.h"
#include "stm32_rng.h"
#include "stm32_timer.h"
#include "stm32_usart.h"
#include "stm32f4_regs.h"
#include "uart_tx_ring.h"

/* SysTick counts board.h's milliseconds: the most urgent priority (the
 * reset value), so time never stalls behind another handler. */
#define STM32_PRIO_SYSTICK  0x00u
#define STM32_LINE_MAX      128u
#define STM32_HZ_PER_MHZ    1000000u
#define STM32_US_CHUNK      1000u   /* delay_us in pieces SysTick's 1 ms period holds */

static struct stm32_clocks board_clk;
static volatile uint32_t board_ms;
static bool board_rng_warned;

void SysTick_Handler(void);
void TIM2_IRQHandler(void);
void USART1_IRQHandler(void);
void USART3_IRQHandler(void);

void SysTick_Handler(void)
{
	board_ms++;
}

void TIM2_IRQHandler(void)
{
	stm32_tim_isr();
}

/* Only the board's console USART has its interrupt enabled. */
void USART1_IRQHandler(void)
{
	stm32_usart_isr();
}

void USART3_IRQHandler(void)
{
	stm32_usart_isr();
}

void stm32_board_puts(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			stm32_usart_putc('\r');
		stm32_usart_putc(*s);
	}
}

void stm32_board_log(const char *line)
{
	for (; *line != '\0'; line++) {
		if (*line == '\n')
			board_console_putc('\r');
		board_console_putc(*line);
	}
	board_console_putc('\r');
	board_console_putc('\n');
}

/* SysTick counts the processor clock down from RVR [ARMv7-M B3.3]; the
 * ticks that pass are summed across its wraps, which come every 1 ms, so
 * a wait is cut into pieces shorter than that. Interrupts taken meanwhile
 * only make it longer. */
static void board_delay_ticks(uint32_t ticks)
{
	uint32_t period = CM_SYST_RVR + 1u;
	uint32_t last = CM_SYST_CVR;

	while (ticks > 0) {
		uint32_t now = CM_SYST_CVR;
		uint32_t gone = last >= now ? last - now : last + period - now;
		last = now;
		ticks = gone >= ticks ? 0 : ticks - gone;
	}
}

void stm32_board_delay_us(uint32_t us)
{
	uint32_t per_us = board_clk.sysclk_hz / STM32_HZ_PER_MHZ;

	for (; us > STM32_US_CHUNK; us -= STM32_US_CHUNK)
		board_delay_ticks(STM32_US_CHUNK * per_us);
	/* +1: the first tick seen may be a partial one. */
	board_delay_ticks(us * per_us + 1u);
}

void stm32_fatal(const char *what, uint32_t detail)
{
	char line[STM32_LINE_MAX];

	(void)cm_irq_save();
	snprintf(line, sizeof line, "fatal: %s (%lu)\n", what, (unsigned long)detail);
	stm32_board_puts(line);
	cm_halt();
}

static void board_console_init(const struct stm32_board_cfg *cfg)
{
	uintptr_t en = STM32_RCC_BASE + (cfg->console_on_apb2 ? RCC_APB2ENR : RCC_APB1ENR);
	uint32_t pclk = cfg->console_on_apb2 ? board_clk.pclk2_hz : board_clk.pclk1_hz;

	stm32_set(en, cfg->console_enable_bit);
	stm32_gpio_af(cfg->console_pins, cfg->console_npins);
	stm32_usart_init(cfg->console_base, pclk, cfg->console_irq);
}

/* A debugger sets DBGMCU_CR (OpenOCD's stm32f4x.cfg writes
 * DBG_SLEEP|DBG_STOP|DBG_STANDBY when it attaches) and only a power-on
 * reset clears it. With DBG_SLEEP set, every WFI runs under the STM32F4
 * erratum "Debugging Sleep/Stop mode with WFE/WFI entry" (ES0206; cm_idle
 * is written for it), and Sleep keeps HCLK on. Left as the debugger set
 * it; said at boot, so a board that still runs a debugger's setting is
 * seen. The simulator maps no DBGMCU. */
static void board_debug_report(void)
{
	char line[STM32_LINE_MAX];

	if (!stm32_board_on_silicon())
		return;
	uint32_t cr = stm32_rd(STM32_DBGMCU_BASE + DBGMCU_CR);
	if ((cr & (DBGMCU_CR_DBG_SLEEP | DBGMCU_CR_DBG_STOP | DBGMCU_CR_DBG_STANDBY)) == 0)
		return;
	snprintf(line, sizeof line, "debug: dbgmcu_cr=0x%08lx (debug in low-power modes, set by a "
	    "debugger; cleared by power-off)\n", (unsigned long)cr);
	stm32_board_puts(line);
}

void stm32_board_init(const struct stm32_board_cfg *cfg)
{
	char line[STM32_LINE_MAX];

	stm32_clock_init(&cfg->clock, &board_clk);
	cm_systick_init_1ms(board_clk.sysclk_hz, STM32_PRIO_SYSTICK);
	board_console_init(cfg);
	stm32_set(STM32_RCC_BASE + RCC_APB1ENR, RCC_APB1ENR_TIM2EN);
	stm32_tim_init(board_clk.timclk1_hz);
	snprintf(line, sizeof line, "clock: sysclk=%lu timclk=%lu source=%s\n",
	    (unsigned long)board_clk.sysclk_hz, (unsigned long)board_clk.timclk1_hz,
	    stm32_clk_source_name(board_clk.source));
	stm32_board_puts(line);
	board_debug_report();
}

const struct stm32_clocks *stm32_board_clocks(void)
{
	return &board_clk;
}

bool stm32_board_on_silicon(void)
{
	return board_clk.source != STM32_CLK_UNMODELLED;
}

void stm32_board_uid(uint32_t uid[3])
{
	for (unsigned i = 0; i < 3; i++)
		uid[i] = stm32_board_on_silicon() ? stm32_rd(STM32_UID_BASE + 4u * i) : 0;
}

uint32_t board_now_ms(void)
{
	return board_ms;
}

void board_console_putc(char c)
{
	cm_console_putc(stm32_usart_tx_ring(), c);
}

uint32_t board_console_tx_dropped(void)
{
	return uart_tx_ring_dropped(stm32_usart_tx_ring());
}

int board_console_getc(void)
{
	return stm32_usart_getc();
}

void board_deadline_arm(uint32_t at_ms)
{
	stm32_tim_arm(board_now_ms(), at_ms);
}

void board_deadline_cancel(void)
{
	stm32_tim_cancel();
}

bool board_deadline_fired(void)
{
	return stm32_tim_fired();
}

uint32_t board_entropy32(void)
{
	uint32_t uid[3];
	uint32_t r = 0;

	stm32_board_uid(uid);
	/* SysTick's current value adds the boot-time jitter of whatever ran
	 * before; the RNG is the real source when it has its 48 MHz clock. */
	uint32_t mix = uid[0] ^ (uid[1] << 7) ^ (uid[2] << 13) ^
	    CM_SYST_CVR ^ (board_ms << 16);
	if (stm32_board_on_silicon() && stm32_rng_read(&r))
		return r ^ mix;
	if (!board_rng_warned)
		stm32_board_puts("entropy: RNG not available, using unique ID and SysTick jitter\n");
	board_rng_warned = true;
	return mix;
}
