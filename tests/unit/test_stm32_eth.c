/*
 * STM32F4 ETH driver against a model of its DMA engine and PHY
 * (model_stm32_eth.c: descriptor rings walked as the hardware walks them,
 * an MDIO PHY, time, and the silicon behaviours a register file does not
 * show). Every test ends with the lwIP pools back where they started and
 * with the driver never having lost a write to ES0206, written DMAOMR
 * during a TX FIFO flush, or changed speed/duplex with the MAC running.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "board.h"
#include "lwip/init.h"
#include "lwip/memp.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/sys.h"
#include "stm32_eth.h"
#include "model_stm32_eth.h"
#include "stm32_eth_regs.h"

/* ---------------------------------------------------------------- board stubs */

/* One clock for everything: the model's, which the driver's busy waits
 * advance. */
uint32_t board_now_ms(void)
{
	return model_now_ms();
}

u32_t sys_now(void)
{
	return model_now_ms();
}

uint32_t fw_rand32(void)
{
	return 4;
}

void fw_assert_failed(const char *msg, const char *file, int line)
{
	fail_msg("lwIP assertion '%s' at %s:%d", msg, file, line);
}

/* ---------------------------------------------------------------- fixture */

static unsigned hw_setups;
static unsigned irq_enables;
static uint32_t dmaier_at_irq_enable;   /* DMAIER and DMAOMR when the NVIC */
static uint32_t dmaomr_at_irq_enable;   /* line was enabled */
static const uint32_t test_uid[3] = { 0x00470031u, 0x3436510Du, 0x32363739u };
static struct stm32_eth_config cfg;
static const struct eth_mac_ops *ops;
static uint8_t mac[6];
static char log_text[4096];     /* the driver's log lines, one per line */
static char diag_text[2048];    /* what ops->diag printed */

static void record_log(const char *line)
{
	size_t n = strlen(log_text);

	snprintf(log_text + n, sizeof log_text - n, "%s\n", line);
}

static void record_diag(const char *fmt, ...)
{
	size_t n = strlen(diag_text);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(diag_text + n, sizeof diag_text - n, fmt, ap);
	va_end(ap);
}

static void assert_logged(const char *want)
{
	if (strstr(log_text, want) == NULL)
		fail_msg("'%s' not in the driver's log:\n%s", want, log_text);
}

static void count_hw_setup(void)
{
	hw_setups++;
}

static void count_irq_enable(void)
{
	irq_enables++;
	dmaier_at_irq_enable = MODEL_REG(ETH_DMAIER);
	dmaomr_at_irq_enable = MODEL_REG(ETH_DMAOMR);
}

static u16_t pool_used(void)
{
	return lwip_stats.memp[MEMP_PBUF_POOL]->used;
}

static int group_setup(void **state)
{
	(void)state;
	lwip_init();
	return 0;
}

static void fixture_reset(void)
{
	stm32_eth_test_reset();
	model_reset();
	hw_setups = 0;
	irq_enables = 0;
	dmaier_at_irq_enable = 0;
	dmaomr_at_irq_enable = 0;
	model_advance_ms(1000);
	log_text[0] = '\0';
	diag_text[0] = '\0';
	memset(&cfg, 0, sizeof cfg);
	cfg.phy_addr = 0;
	cfg.hclk_hz = 168000000u;
	cfg.dma_lo = 0;
	cfg.dma_hi = UINTPTR_MAX;
	cfg.uid = test_uid;
	cfg.hw_setup = count_hw_setup;
	cfg.irq_enable = count_irq_enable;
	cfg.delay_us = model_delay_us;
	cfg.log = record_log;
	ops = stm32_eth_ops(&cfg);
}

/* Driver initialised on a PHY with link down. */
static int setup(void **state)
{
	(void)state;
	fixture_reset();
	assert_int_equal(ops->init(mac), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	stm32_eth_test_reset();
	/* Nothing leaked: every pool back to zero. */
	assert_int_equal(pool_used(), 0);
	assert_int_equal(lwip_stats.memp[MEMP_PBUF]->used, 0);
	assert_int_equal(lwip_stats.mem.used, 0);
	/* What no test may ever see the driver do to the silicon. */
	assert_int_equal(model.es0206_lost, 0);
	assert_int_equal(model.omr_written_in_flush, 0);
	assert_int_equal(model.mode_changed_running, 0);
	return 0;
}

static void fill_pattern(uint8_t *b, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + i * 7u);
}

static struct pbuf *pbuf_with(const uint8_t *data, u16_t len)
{
	struct pbuf *p = pbuf_alloc(PBUF_RAW, len, PBUF_RAM);
	assert_non_null(p);
	memcpy(p->payload, data, len);
	return p;
}

/* ---------------------------------------------------------------- init */

static void test_init_programs_mac_phy_and_rings(void **state)
{
	(void)state;
	assert_int_equal(hw_setups, 1);
	/* IEEE 802 bits: locally administered, unicast. */
	assert_int_equal(mac[0] & 0x03u, 0x02u);
	assert_int_equal(MODEL_REG(ETH_MACA0LR), (uint32_t)mac[0] | (uint32_t)mac[1] << 8 |
	    (uint32_t)mac[2] << 16 | (uint32_t)mac[3] << 24);
	assert_int_equal(MODEL_REG(ETH_MACA0HR) & 0xFFFFu, (uint32_t)mac[4] | (uint32_t)mac[5] << 8);
	/* own unicast, broadcast and all multicast (IPv6 ND's solicited-node groups) */
	assert_int_equal(MODEL_REG(ETH_MACFFR), ETH_MACFFR_PAM);
	assert_int_equal(model.phy_resets, 1);
	assert_int_equal(model.phy[PHY_ANAR], PHY_ANAR_ALL_CSMA);
	assert_true(model.phy[PHY_BCR] & PHY_BCR_ANEN);
	assert_false(MODEL_REG(ETH_DMABMR) & ETH_DMABMR_EDFE);     /* normal descriptors */
	assert_true(MODEL_REG(ETH_MACCR) & ETH_MACCR_TE);
	assert_true(MODEL_REG(ETH_MACCR) & ETH_MACCR_RE);
	assert_true(MODEL_REG(ETH_MACCR) & ETH_MACCR_RESET);      /* reserved bit kept */
	assert_true(MODEL_REG(ETH_DMAOMR) & ETH_DMAOMR_ST);
	assert_true(MODEL_REG(ETH_DMAOMR) & ETH_DMAOMR_SR);
	/* Every RX descriptor owns a pool pbuf; the last closes the ring. */
	assert_int_equal(pool_used(), STM32_ETH_RX_DESC);
	for (unsigned i = 0; i < STM32_ETH_RX_DESC; i++) {
		assert_true(model.rx_base[i].des0 & ETH_RDES0_OWN);
		assert_int_equal(model.rx_base[i].des1 & ETH_RDES1_RBS1_Msk, PBUF_POOL_BUFSIZE);
		assert_int_equal(!!(model.rx_base[i].des1 & ETH_RDES1_RER), i == STM32_ETH_RX_DESC - 1);
	}
	assert_true(model.tx_base[STM32_ETH_TX_DESC - 1].des0 & ETH_TDES0_TER);
}

static void test_init_configured_mac(void **state)
{
	static const uint8_t want[6] = { 0x02, 0x00, 0x5E, 0x10, 0x20, 0x30 };
	(void)state;
	stm32_eth_test_reset();
	fixture_reset();
	cfg.mac_set = true;
	memcpy(cfg.mac, want, 6);
	assert_int_equal(ops->init(mac), 0);
	assert_memory_equal(mac, want, 6);
	assert_int_equal(MODEL_REG(ETH_MACA0HR) & 0xFFFFu, 0x3020u);
}

/* While the bring-up is unfinished: nothing sent, nothing pending, link
 * down, the interrupt off, the ring's pbufs back in the pool. */
static void assert_not_running(enum stm32_eth_fail why)
{
	static const uint8_t b[60];

	assert_int_equal(stm32_eth_diag()->state, STM32_ETH_RETRY);
	assert_int_equal(stm32_eth_diag()->fail, why);
	assert_int_equal(irq_enables, 0);
	assert_int_equal(pool_used(), 0);
	assert_false(ops->rx_pending());
	assert_null(ops->rx());
	model_advance_ms(STM32_ETH_LINK_POLL_MS);
	assert_false(ops->link_up());
	struct pbuf *p = pbuf_with(b, sizeof b);
	assert_int_equal(ops->tx(p), -1);
	pbuf_free(p);
	assert_int_equal(model.wire_n, 0);
}

/* The next poll() after `ms` more retries; the one before does not (the
 * wait counts from the end of the failed attempt). */
static void retry_after(uint32_t ms)
{
	uint32_t tried = stm32_eth_diag()->attempts;

	model_advance_ms(ms - 1u);
	ops->poll();
	assert_int_equal(stm32_eth_diag()->attempts, tried);
	model_advance_ms(1);
	ops->poll();
	assert_int_equal(stm32_eth_diag()->attempts, tried + 1u);
}

/* No PHY on MDIO (all ones): init still succeeds (the MAC is on the chip,
 * the address from the unique ID), the bring-up waits; once the PHY
 * answers, the next retry brings the MAC up and enables the interrupt. */
static void test_init_without_phy_retries(void **state)
{
	(void)state;
	stm32_eth_test_reset();
	fixture_reset();
	model.phy_present = false;
	assert_int_equal(ops->init(mac), 0);
	assert_int_equal(mac[0] & 0x03u, 0x02u);
	assert_not_running(STM32_ETH_FAIL_PHY_NONE);
	assert_logged("eth: state=retry reason=phy-not-answering phy_id=0xffff:0xffff retry_ms=1000");
	model.phy_present = true;
	retry_after(STM32_ETH_RETRY_MS - STM32_ETH_LINK_POLL_MS);
	assert_int_equal(stm32_eth_diag()->state, STM32_ETH_RUNNING);
	assert_int_equal(irq_enables, 1);
	assert_int_equal(pool_used(), STM32_ETH_RX_DESC);
	assert_logged("eth: phy=lan8742a addr=0 id=0x0007:0xc131 rev=1\n");
	assert_logged("eth: state=running attempts=2\n");
}

/* No REF_CLK: the DMA reset is given 500 ms by the clock, then init goes
 * on without it; retries back off 1 s, 2 s, 4 s ... and the failure is
 * printed once. */
static void test_dma_reset_timeout_backs_off(void **state)
{
	(void)state;
	stm32_eth_test_reset();
	fixture_reset();
	model.no_ref_clk = true;
	uint32_t t0 = model_now_ms();
	assert_int_equal(ops->init(mac), 0);
	assert_true(model_now_ms() - t0 >= STM32_ETH_DMA_RESET_MS);
	assert_true(model_now_ms() - t0 < STM32_ETH_DMA_RESET_MS + 10u);
	assert_not_running(STM32_ETH_FAIL_DMA_RESET);
	assert_logged("reason=dma-reset-timeout");
	assert_logged("(no 50 MHz REF_CLK from the PHY on PA1?)");
	/* Each attempt spends the reset's bound before the next wait starts. */
	retry_after(STM32_ETH_RETRY_MS - STM32_ETH_LINK_POLL_MS);
	retry_after(2u * STM32_ETH_RETRY_MS);
	retry_after(4u * STM32_ETH_RETRY_MS);
	assert_int_equal(hw_setups, 4);
	char *first = strstr(log_text, "reason=dma-reset-timeout");
	assert_null(strstr(first + 1, "reason=dma-reset-timeout"));
	model.no_ref_clk = false;
	retry_after(8u * STM32_ETH_RETRY_MS);
	assert_int_equal(stm32_eth_diag()->state, STM32_ETH_RUNNING);
	assert_int_equal(irq_enables, 1);
}

/* A PHY that answers but is not a LAN8742A is not driven (register 31
 * would be misread): its ID is printed. */
static void test_phy_id_checked(void **state)
{
	(void)state;
	stm32_eth_test_reset();
	fixture_reset();
	model.phy[PHY_ID1] = 0x2000u;            /* a DP83848 */
	model.phy[PHY_ID2] = 0x5C90u;
	assert_int_equal(ops->init(mac), 0);
	assert_not_running(STM32_ETH_FAIL_PHY_ID);
	assert_logged("eth: state=retry reason=phy-not-lan8742a phy_id=0x2000:0x5c90");
	assert_int_equal(model.phy_resets, 0);
	model.phy[PHY_ID1] = PHY_ID1_LAN8742A;
	model.phy[PHY_ID2] = PHY_ID2_LAN8742A | 1u;
	retry_after(STM32_ETH_RETRY_MS - STM32_ETH_LINK_POLL_MS);
	assert_int_equal(stm32_eth_diag()->state, STM32_ETH_RUNNING);
}

/* On the 16 MHz HSI fallback the MAC cannot run: init says so and fails
 * without touching the hardware. */
static void test_hclk_below_25mhz_refused(void **state)
{
	(void)state;
	stm32_eth_test_reset();
	fixture_reset();
	cfg.hclk_hz = 16000000u;
	assert_int_equal(ops->init(mac), -1);
	assert_int_equal(hw_setups, 0);
	assert_int_equal(irq_enables, 0);
	assert_int_equal(stm32_eth_diag()->state, STM32_ETH_OFF);
	assert_logged("eth: state=off reason=hclk-below-25mhz hclk_hz=16000000");
	ops->poll();
	assert_int_equal(stm32_eth_diag()->attempts, 0);
}

/* The reset leaves the MAC's own interrupts unmasked. They are masked:
 * a MMC counter passing 2^31 raises a status only reading that counter
 * clears, which the handler cannot acknowledge; unmasked, the line would
 * stay up and the handler re-enter for good. */
static void test_init_masks_mmc_pmt_timestamp_irqs(void **state)
{
	(void)state;
	assert_int_equal(model.dma_resets, 1);
	assert_int_equal(MODEL_REG(ETH_MMCRIMR) & ETH_MMCRIMR_ALL, ETH_MMCRIMR_ALL);
	assert_int_equal(MODEL_REG(ETH_MMCTIMR) & ETH_MMCTIMR_ALL, ETH_MMCTIMR_ALL);
	assert_true(MODEL_REG(ETH_MACIMR) & ETH_MACIMR_TSTIM);
	assert_true(MODEL_REG(ETH_MACIMR) & ETH_MACIMR_PMTIM);
	model_mmc_rx_half_full();
	assert_false(model_irq_line());
	stm32_eth_isr();
	assert_false(model_irq_line());
}

/* FTF is written once and waited for before DMAOMR is written again (the
 * teardown checks no write landed mid-flush); a flush that never ends
 * fails the bring-up, which is retried. */
static void test_tx_flush_waited_and_bounded(void **state)
{
	(void)state;
	assert_int_equal(stm32_eth_diag()->state, STM32_ETH_RUNNING);
	assert_true(MODEL_REG(ETH_DMAOMR) & ETH_DMAOMR_ST);
	stm32_eth_test_reset();
	fixture_reset();
	model.flush_stuck = true;
	uint32_t t0 = model_now_ms();
	assert_int_equal(ops->init(mac), 0);
	assert_true(model_now_ms() - t0 >= STM32_ETH_FLUSH_MS);
	assert_not_running(STM32_ETH_FAIL_FLUSH);
	assert_false(MODEL_REG(ETH_DMAOMR) & (ETH_DMAOMR_ST | ETH_DMAOMR_SR));
	assert_logged("reason=tx-flush-timeout");
	model.flush_stuck = false;
	retry_after(STM32_ETH_RETRY_MS - STM32_ETH_LINK_POLL_MS);
	assert_int_equal(stm32_eth_diag()->state, STM32_ETH_RUNNING);
}

/* ES0206 2.17.5 in the model: a second write within four 10 Mbit/s MII
 * clocks is lost. The driver's writes all keep the gap (the teardown
 * checks it for every test); the model does catch one that does not. */
static void test_es0206_gap_kept(void **state)
{
	(void)state;
	assert_int_equal(model.es0206_lost, 0);
	uint32_t cr = MODEL_REG(ETH_MACCR);
	stm32_eth_wr(ETH_MACCR, cr);
	stm32_eth_wr(ETH_MACCR, cr | ETH_MACCR_DM);     /* ~10 ns later */
	assert_int_equal(model.es0206_lost, 1);
	assert_int_equal(MODEL_REG(ETH_MACCR), cr);
	model.es0206_lost = 0;
}
/* The board's NVIC line is enabled once, after the DMA interrupts are
 * unmasked and the DMA is started. */
static void test_init_enables_board_irq_last(void **state)
{
	(void)state;
	assert_int_equal(irq_enables, 1);
	assert_true(dmaier_at_irq_enable & ETH_DMAIER_NISE);
	assert_true(dmaier_at_irq_enable & ETH_DMAIER_RIE);
	assert_true(dmaomr_at_irq_enable & ETH_DMAOMR_SR);
	assert_true(dmaomr_at_irq_enable & ETH_DMAOMR_ST);
}

static void test_mac_from_uid(void **state)
{
	uint32_t uid2[3] = { test_uid[0], test_uid[1], test_uid[2] ^ 1u };
	uint8_t a[6], b[6];
	(void)state;
	stm32_eth_mac_from_uid(test_uid, a);
	stm32_eth_mac_from_uid(uid2, b);
	assert_memory_not_equal(a, b, 6);
	assert_int_equal(a[0] & 0x03u, 0x02u);
	assert_int_equal(b[0] & 0x03u, 0x02u);
	assert_memory_equal(a, mac, 6);      /* the default the driver used */
}

/* ---------------------------------------------------------------- TX */

/* A 3-pbuf chain (header in PBUF_RAM, payload by reference, a tail) goes
 * out as 3 descriptors FS..LS; the model gathers the same bytes. A
 * zero-length pbuf in the chain takes no descriptor. */
static void test_tx_chain_scatter_gather(void **state)
{
	uint8_t hdr[34], body[700], tail[90], want[824];
	(void)state;
	fill_pattern(hdr, sizeof hdr, 1);
	fill_pattern(body, sizeof body, 2);
	fill_pattern(tail, sizeof tail, 3);
	struct pbuf *p = pbuf_with(hdr, sizeof hdr);
	struct pbuf *empty = pbuf_alloc(PBUF_RAW, 0, PBUF_RAM);
	struct pbuf *ref = pbuf_alloc(PBUF_RAW, sizeof body, PBUF_REF);
	ref->payload = body;
	pbuf_cat(p, empty);
	pbuf_cat(p, ref);
	pbuf_cat(p, pbuf_with(tail, sizeof tail));
	memcpy(want, hdr, 34);
	memcpy(want + 34, body, 700);
	memcpy(want + 734, tail, 90);

	assert_int_equal(ops->tx(p), 0);
	assert_int_equal(model.wire_n, 1);
	assert_int_equal(model.tx_descs, 3);
	assert_int_equal(model.wire_len[0], sizeof want);
	assert_memory_equal(model.wire[0], want, sizeof want);
	assert_int_equal(p->ref, 2);               /* the driver's reference */
	pbuf_free(p);
	ops->poll();                               /* reclaims */
	assert_null(ops->rx());
	assert_int_equal(ops->stats->tx_frames, 1);
	assert_int_equal(ops->stats->tx_bytes, sizeof want);
	assert_int_equal(lwip_stats.memp[MEMP_PBUF]->used, 0);
	assert_int_equal(lwip_stats.mem.used, 0);
}

/* The pbufs stay referenced while the DMA owns their descriptors and are
 * freed by poll() once it hands them back (OWN cleared); rx() leaves TX
 * alone. */
static void test_tx_completion_frees_pbufs(void **state)
{
	uint8_t b[60];
	(void)state;
	fill_pattern(b, sizeof b, 9);
	model.tx_paused = true;
	for (int i = 0; i < 3; i++) {
		struct pbuf *p = pbuf_with(b, sizeof b);
		assert_int_equal(ops->tx(p), 0);
		pbuf_free(p);
	}
	assert_true(lwip_stats.mem.used > 0);      /* held by the driver */
	ops->poll();
	assert_null(ops->rx());
	assert_true(lwip_stats.mem.used > 0);      /* DMA still owns them */
	model.tx_paused = false;
	model_tx_run();
	assert_int_equal(model.wire_n, 3);
	assert_null(ops->rx());
	assert_true(lwip_stats.mem.used > 0);      /* rx() reclaims nothing */
	assert_int_equal(ops->stats->tx_frames, 0);
	ops->poll();
	assert_int_equal(lwip_stats.mem.used, 0);
	assert_int_equal(ops->stats->tx_frames, 3);
}

/* The sender changes the pbuf's fields once tx() returns (TCP, sending
 * from its send queue in place, takes the headers off and links the
 * queue back behind it), never its bytes: the frame on the wire and its
 * count are what tx() was given. */
static void test_tx_fields_read_in_tx_only(void **state)
{
	uint8_t b[60], rest[100];
	(void)state;
	fill_pattern(b, sizeof b, 4);
	fill_pattern(rest, sizeof rest, 5);
	struct pbuf *p = pbuf_with(b, sizeof b);
	model.tx_paused = true;
	assert_int_equal(ops->tx(p), 0);
	assert_int_equal(pbuf_remove_header(p, 14), 0);
	pbuf_cat(p, pbuf_with(rest, sizeof rest));
	model.tx_paused = false;
	model_tx_run();
	assert_int_equal(model.wire_n, 1);
	assert_int_equal(model.wire_len[0], sizeof b);
	assert_memory_equal(model.wire[0], b, sizeof b);
	ops->poll();                               /* the driver's reference dropped */
	assert_int_equal(ops->stats->tx_frames, 1);
	assert_int_equal(ops->stats->tx_bytes, sizeof b);
	assert_int_equal(p->ref, 1);
	pbuf_free(p);
	assert_int_equal(lwip_stats.mem.used, 0);
}

/* TX ring full: a frame that needs more descriptors than are free is
 * dropped and counted, and sending works again once the DMA catches up. */
static void test_tx_ring_full(void **state)
{
	uint8_t b[60];
	(void)state;
	fill_pattern(b, sizeof b, 5);
	model.tx_paused = true;
	for (unsigned i = 0; i < STM32_ETH_TX_DESC - 1; i++) {
		struct pbuf *p = pbuf_with(b, sizeof b);
		assert_int_equal(ops->tx(p), 0);
		pbuf_free(p);
	}
	struct pbuf *two = pbuf_with(b, 30);
	pbuf_cat(two, pbuf_with(b + 30, 30));
	assert_int_equal(ops->tx(two), -1);        /* 2 needed, 1 free */
	assert_int_equal(ops->stats->tx_errors, 1);
	assert_int_equal(stm32_eth_diag()->tx_ring_full, 1);
	model.tx_paused = false;
	model_tx_run();
	assert_int_equal(ops->tx(two), 0);
	pbuf_free(two);
	assert_int_equal(model.wire_n, STM32_ETH_TX_DESC);
	ops->poll();
	assert_null(ops->rx());
	assert_int_equal(ops->stats->tx_frames, STM32_ETH_TX_DESC);
	assert_int_equal(lwip_stats.mem.used, 0);
}

/* Underflow or carrier loss: ES on the last descriptor -> tx_errors. */
static void test_tx_error_counted(void **state)
{
	uint8_t b[60] = { 0 };
	(void)state;
	model.tx_error = ETH_TDES0_ES | ETH_TDES0_UF;
	struct pbuf *p = pbuf_with(b, sizeof b);
	assert_int_equal(ops->tx(p), 0);
	pbuf_free(p);
	ops->poll();
	assert_null(ops->rx());
	assert_int_equal(ops->stats->tx_errors, 1);
	assert_int_equal(ops->stats->tx_frames, 0);
}

static void test_tx_too_long_dropped(void **state)
{
	static uint8_t big[1519];
	(void)state;
	struct pbuf *p = pbuf_with(big, sizeof big);
	assert_int_equal(ops->tx(p), -1);
	pbuf_free(p);
	assert_int_equal(ops->stats->tx_errors, 1);
	assert_int_equal(stm32_eth_diag()->tx_too_long, 1);
	assert_int_equal(model.wire_n, 0);
}

/* A payload the DMA cannot reach (CCM, flash) goes out as one copied
 * descriptor with the same bytes. */
static void test_tx_unreachable_payload_bounced(void **state)
{
	static const uint8_t rom[64] = { 0xAA, 0xBB, 0xCC };
	(void)state;
	cfg.dma_lo = (uintptr_t)1;
	cfg.dma_hi = (uintptr_t)2;
	struct pbuf *p = pbuf_alloc(PBUF_RAW, sizeof rom, PBUF_ROM);
	p->payload = (void *)(uintptr_t)rom;
	assert_int_equal(ops->tx(p), 0);
	pbuf_free(p);
	assert_int_equal(stm32_eth_diag()->tx_bounced, 1);
	assert_int_equal(model.tx_descs, 1);
	assert_memory_equal(model.wire[0], rom, sizeof rom);
	ops->poll();
	assert_null(ops->rx());
	assert_int_equal(lwip_stats.mem.used, 0);   /* the copy is freed */
}

/* ---------------------------------------------------------------- RX */

/* Zero copy: the frame comes back in the very pbuf whose payload the
 * descriptor pointed at, trimmed to the frame without its FCS. */
static void test_rx_single_frame_zero_copy(void **state)
{
	uint8_t f[60];
	(void)state;
	fill_pattern(f, sizeof f, 11);
	void *buf = (void *)model.rx_cur->des2;
	assert_int_equal(model_rx(f, sizeof f, 0), 1);
	struct pbuf *p = ops->rx();
	assert_non_null(p);
	assert_ptr_equal(p->payload, buf);
	assert_int_equal(p->tot_len, sizeof f);
	assert_null(p->next);
	assert_memory_equal(p->payload, f, sizeof f);
	assert_int_equal(pool_used(), STM32_ETH_RX_DESC + 1);   /* ring refilled */
	/* The rest of the ring is still the DMA's: nothing to take. */
	assert_null(ops->rx());
	assert_int_equal(pool_used(), STM32_ETH_RX_DESC + 1);
	assert_int_equal(ops->stats->rx_errors, 0);
	pbuf_free(p);
	assert_int_equal(ops->stats->rx_frames, 1);
	assert_int_equal(ops->stats->rx_bytes, sizeof f);
}

/* A frame longer than one 1536-byte buffer spans two descriptors and
 * arrives as a 2-pbuf chain. */
static void test_rx_frame_larger_than_one_buffer(void **state)
{
	static uint8_t f[2000];
	(void)state;
	fill_pattern(f, sizeof f, 13);
	assert_int_equal(model_rx(f, sizeof f, 0), 2);
	struct pbuf *p = ops->rx();
	assert_non_null(p);
	assert_int_equal(p->tot_len, sizeof f);
	assert_int_equal(p->len, PBUF_POOL_BUFSIZE);
	assert_non_null(p->next);
	assert_int_equal(p->next->len, sizeof f - PBUF_POOL_BUFSIZE);
	uint8_t got[sizeof f];
	assert_int_equal(pbuf_copy_partial(p, got, sizeof got, 0), sizeof f);
	assert_memory_equal(got, f, sizeof f);
	pbuf_free(p);
}

/* 1534 + FCS = 1538: the second descriptor holds only FCS bytes; its pbuf
 * is freed and the frame is one pbuf. */
static void test_rx_fcs_split_across_buffers(void **state)
{
	static uint8_t f[1534];
	(void)state;
	fill_pattern(f, sizeof f, 17);
	assert_int_equal(model_rx(f, sizeof f, 0), 2);
	struct pbuf *p = ops->rx();
	assert_non_null(p);
	assert_null(p->next);
	assert_int_equal(p->tot_len, sizeof f);
	assert_memory_equal(p->payload, f, sizeof f);
	pbuf_free(p);
	assert_int_equal(pool_used(), STM32_ETH_RX_DESC);
}

/* Pool empty: received frames stay with the application, the ring cannot
 * be refilled, the DMA finds no owned descriptor and misses frames
 * (counted as rx_dropped_nopbuf); when pbufs return the ring refills and
 * reception resumes. */
static void test_rx_ring_exhaustion_and_recovery(void **state)
{
	struct pbuf *hold[PBUF_POOL_SIZE];
	unsigned nhold = 0;
	uint8_t f[64];
	(void)state;
	fill_pattern(f, sizeof f, 19);
	while (pool_used() < PBUF_POOL_SIZE)
		hold[nhold++] = pbuf_alloc(PBUF_RAW, PBUF_POOL_BUFSIZE, PBUF_POOL);
	for (unsigned i = 0; i < STM32_ETH_RX_DESC; i++) {
		assert_int_equal(model_rx(f, sizeof f, 0), 1);
		hold[nhold++] = ops->rx();
		assert_non_null(hold[nhold - 1]);
	}
	assert_int_equal(stm32_eth_diag()->rx_starved, 1);     /* one episode */
	for (int i = 0; i < 3; i++)
		assert_int_equal(model_rx(f, sizeof f, 0), 0);     /* missed */
	assert_false(ops->rx_pending());
	assert_null(ops->rx());
	ops->poll();                                           /* reads MFC */
	assert_int_equal(ops->stats->rx_dropped_nopbuf, 3);
	assert_int_equal(stm32_eth_diag()->rx_starved, 1);

	for (unsigned i = 0; i < nhold; i++)
		pbuf_free(hold[i]);
	ops->poll();                                           /* refills */
	assert_int_equal(pool_used(), STM32_ETH_RX_DESC);
	assert_null(ops->rx());
	assert_int_equal(model_rx(f, sizeof f, 0), 1);
	struct pbuf *p = ops->rx();
	assert_non_null(p);
	assert_memory_equal(p->payload, f, sizeof f);
	pbuf_free(p);
	assert_int_equal(ops->stats->rx_frames, STM32_ETH_RX_DESC + 1);
}

/* rx_pending() reads the ring: true once the DMA has closed a whole
 * frame (before any interrupt or rx()), false while it still writes the
 * last buffer, true for a broken frame until rx() has dropped it. */
static void test_rx_pending_follows_descriptors(void **state)
{
	static uint8_t f[2000];
	(void)state;
	fill_pattern(f, sizeof f, 31);
	assert_false(ops->rx_pending());
	struct stm32_eth_desc *last = &model.rx_base[1];
	assert_int_equal(model_rx(f, sizeof f, 0), 2);
	assert_true(ops->rx_pending());
	uint32_t closed = last->des0;
	last->des0 = ETH_RDES0_OWN;                 /* the DMA, mid-frame */
	assert_false(ops->rx_pending());
	last->des0 = closed;
	assert_true(ops->rx_pending());
	struct pbuf *p = ops->rx();
	assert_non_null(p);
	assert_int_equal(p->tot_len, sizeof f);
	pbuf_free(p);
	assert_false(ops->rx_pending());

	assert_int_equal(model_rx(f, 64, ETH_RDES0_ES | ETH_RDES0_CE), 1);
	assert_true(ops->rx_pending());
	assert_null(ops->rx());
	assert_false(ops->rx_pending());
	assert_int_equal(ops->stats->rx_errors, 1);
}

/* CRC error (ES+CE) and a runt are dropped and counted; their buffers go
 * back to the pool and the ring, and the next good frame gets through. */
static void test_rx_error_frames_dropped(void **state)
{
	uint8_t f[64], runt[10];
	(void)state;
	fill_pattern(f, sizeof f, 23);
	fill_pattern(runt, sizeof runt, 29);
	assert_int_equal(model_rx(f, sizeof f, ETH_RDES0_ES | ETH_RDES0_CE), 1);
	assert_int_equal(model_rx(runt, sizeof runt, 0), 1);
	assert_int_equal(model_rx(f, sizeof f, 0), 1);
	struct pbuf *p = ops->rx();
	assert_non_null(p);
	assert_memory_equal(p->payload, f, sizeof f);
	pbuf_free(p);
	assert_int_equal(ops->stats->rx_errors, 2);
	assert_int_equal(stm32_eth_diag()->rx_runts, 1);
	assert_int_equal(ops->stats->rx_frames, 1);
	assert_int_equal(pool_used(), STM32_ETH_RX_DESC);
	/* Ring order survived: the model's pointer meets owned descriptors
	 * all the way round. */
	for (unsigned i = 0; i < 2 * STM32_ETH_RX_DESC; i++) {
		assert_int_equal(model_rx(f, sizeof f, 0), 1);
		p = ops->rx();
		assert_non_null(p);
		pbuf_free(p);
	}
}

/* A frame arriving while the driver has not yet looked: the DMA still
 * owns the rest of the ring, rx() returns frames in order. */
static void test_rx_frames_in_order_across_wrap(void **state)
{
	uint8_t f[80];
	(void)state;
	for (unsigned round = 0; round < 3; round++) {
		for (unsigned i = 0; i < STM32_ETH_RX_DESC - 1; i++) {
			fill_pattern(f, sizeof f, (uint8_t)(round * 16 + i));
			assert_int_equal(model_rx(f, sizeof f, 0), 1);
		}
		for (unsigned i = 0; i < STM32_ETH_RX_DESC - 1; i++) {
			fill_pattern(f, sizeof f, (uint8_t)(round * 16 + i));
			struct pbuf *p = ops->rx();
			assert_non_null(p);
			assert_memory_equal(p->payload, f, sizeof f);
			pbuf_free(p);
		}
		assert_null(ops->rx());
	}
	assert_int_equal(ops->stats->rx_errors, 0);
	assert_int_equal(ops->stats->rx_frames, 3 * (STM32_ETH_RX_DESC - 1));
}

/* ---------------------------------------------------------------- link, irq */

/* The link as the bridge polls it. */
static bool poll_link(void)
{
	model_advance_ms(STM32_ETH_LINK_POLL_MS);
	return ops->link_up();
}

static uint32_t maccr_mode(void)
{
	return MODEL_REG(ETH_MACCR) & (ETH_MACCR_FES | ETH_MACCR_DM);
}

static void test_link_down_up_via_mdio(void **state)
{
	(void)state;
	assert_false(ops->link_up());
	model.link = true;
	assert_false(ops->link_up());               /* cached within the poll interval */
	assert_true(poll_link());
	assert_int_equal(ops->stats->link_changes, 1);
	assert_int_equal(maccr_mode(), ETH_MACCR_FES | ETH_MACCR_DM);
	assert_true(MODEL_REG(ETH_MACCR) & ETH_MACCR_RE);
	model.link = false;
	assert_false(poll_link());
	assert_int_equal(ops->stats->link_changes, 2);
}

/* The speed and duplex are the PHY's (register 31), not ANAR & ANLPAR: a
 * partner that does not auto-negotiate leaves ANLPAR empty while the PHY
 * runs 100 full duplex by parallel detection, and a partner advertising
 * everything may still end at 10 half (a forced link). */
static void test_link_mode_from_phy_register_31(void **state)
{
	(void)state;
	model.link = true;
	model.phy[PHY_ANLPAR] = 0;
	model_phy_speed(PHY_PSCSR_100FD);
	assert_true(poll_link());
	assert_int_equal(maccr_mode(), ETH_MACCR_FES | ETH_MACCR_DM);
	model.link = false;
	assert_false(poll_link());
	model.link = true;
	model.phy[PHY_ANLPAR] = 0x01E1u;
	model_phy_speed(PHY_PSCSR_10HD);
	assert_true(poll_link());
	assert_int_equal(maccr_mode(), 0);
	/* A speed indication that is none of the four modes: not up yet. */
	model.link = false;
	assert_false(poll_link());
	model.link = true;
	model.phy[PHY_PSCSR] = 0;
	assert_false(poll_link());
	model_phy_speed(PHY_PSCSR_10FD);
	assert_true(poll_link());
	assert_int_equal(maccr_mode(), ETH_MACCR_DM);
}

/* Cable pulled and replugged between two polls: BSR's first read is
 * latched low. That is a flap: reported down once, then up as a new link
 * whose mode is read again (the partner came back at 10 half). */
static void test_link_flap_seen(void **state)
{
	(void)state;
	model.link = true;
	assert_true(poll_link());
	model.link_dropped = true;
	model_phy_speed(PHY_PSCSR_10HD);
	assert_false(poll_link());
	assert_int_equal(stm32_eth_diag()->link_flaps, 1);
	assert_int_equal(ops->stats->link_changes, 2);
	assert_true(poll_link());
	assert_int_equal(ops->stats->link_changes, 3);
	assert_int_equal(maccr_mode(), 0);
}

/* One frame out and one in: MAC and both DMAs run. */
static void assert_traffic_flows(uint8_t seed)
{
	uint8_t f[64];
	unsigned sent = model.wire_n;

	fill_pattern(f, sizeof f, seed);
	struct pbuf *p = pbuf_with(f, sizeof f);
	assert_int_equal(ops->tx(p), 0);
	pbuf_free(p);
	assert_int_equal(model.wire_n, sent + 1u);
	assert_memory_equal(model.wire[sent], f, sizeof f);
	assert_int_equal(model_rx(f, sizeof f, 0), 1);
	p = ops->rx();
	assert_non_null(p);
	assert_memory_equal(p->payload, f, sizeof f);
	pbuf_free(p);
	ops->poll();
}

/* A new mode goes into MACCR with the MAC and DMA stopped (the model
 * counts a change made while they run; the teardown checks none was),
 * then they run again and frames flow in both directions. */
static void test_mode_change_with_mac_stopped(void **state)
{
	(void)state;
	model.link = true;
	model_phy_speed(PHY_PSCSR_100HD);
	assert_true(poll_link());
	assert_int_equal(maccr_mode(), ETH_MACCR_FES);
	assert_int_equal(stm32_eth_diag()->mode_changes, 1);
	assert_int_equal(stm32_eth_diag()->stop_timeouts, 0);
	assert_true(MODEL_REG(ETH_MACCR) & ETH_MACCR_TE);
	assert_true(MODEL_REG(ETH_MACCR) & ETH_MACCR_RE);
	assert_int_equal(MODEL_REG(ETH_DMAOMR) & (ETH_DMAOMR_ST | ETH_DMAOMR_SR),
	    ETH_DMAOMR_ST | ETH_DMAOMR_SR);
	assert_traffic_flows(41);
	/* Same mode again after a drop: MACCR is left alone. */
	model.link = false;
	assert_false(poll_link());
	model.link = true;
	assert_true(poll_link());
	assert_int_equal(stm32_eth_diag()->mode_changes, 1);
}

/* DMASR.FBES: the handler only acknowledges and flags it; the next poll()
 * resets and restarts MAC and DMA, the frame in flight is lost (counted),
 * the rings are fresh, the PHY's link and the MAC's mode are kept, and
 * traffic flows again. */
static void test_fatal_bus_error_reinitialises(void **state)
{
	uint8_t f[64];
	(void)state;
	fill_pattern(f, sizeof f, 43);
	model.link = true;
	model_phy_speed(PHY_PSCSR_10FD);
	assert_true(poll_link());
	model.tx_paused = true;
	struct pbuf *p = pbuf_with(f, sizeof f);
	assert_int_equal(ops->tx(p), 0);
	pbuf_free(p);
	MODEL_REG(ETH_DMASR) |= ETH_DMASR_FBES | ETH_DMASR_AIS;
	stm32_eth_isr();
	assert_int_equal(model.dma_resets, 1);         /* not from the ISR */
	assert_int_equal(stm32_eth_diag()->fatal_bus, 1);
	ops->poll();
	assert_int_equal(model.dma_resets, 2);
	assert_int_equal(stm32_eth_diag()->reinits, 1);
	assert_int_equal(stm32_eth_diag()->tx_lost, 1);
	assert_int_equal(ops->stats->tx_errors, 1);
	assert_int_equal(stm32_eth_diag()->state, STM32_ETH_RUNNING);
	assert_int_equal(irq_enables, 1);
	assert_int_equal(pool_used(), STM32_ETH_RX_DESC);
	assert_int_equal(lwip_stats.mem.used, 0);
	assert_int_equal(maccr_mode(), ETH_MACCR_DM);
	assert_int_equal(MODEL_REG(ETH_MMCRIMR) & ETH_MMCRIMR_ALL, ETH_MMCRIMR_ALL);
	assert_logged("eth: fatal_bus_error dmasr=0x");
	assert_true(poll_link());
	assert_int_equal(ops->stats->link_changes, 1);
	model.tx_paused = false;
	assert_int_equal(model.wire_n, 0);          /* the lost frame never left */
	assert_traffic_flows(45);
}

/* The ring full of frames the main loop has not taken (the pool has
 * pbufs): the DMA finds no descriptor (RBUS) and misses the next frame.
 * That is rx_missed, not rx_dropped_nopbuf; RBUS is counted apart. */
static void test_rx_buffer_unavailable_counted_apart(void **state)
{
	uint8_t f[64];
	(void)state;
	fill_pattern(f, sizeof f, 47);
	for (unsigned i = 0; i < STM32_ETH_RX_DESC; i++)
		assert_int_equal(model_rx(f, sizeof f, 0), 1);
	assert_int_equal(model_rx(f, sizeof f, 0), 0);
	stm32_eth_isr();
	assert_int_equal(stm32_eth_diag()->rx_buf_unavail, 1);
	ops->poll();
	assert_int_equal(ops->stats->rx_missed, 1);
	assert_int_equal(ops->stats->rx_dropped_nopbuf, 0);
	for (unsigned i = 0; i < STM32_ETH_RX_DESC; i++) {
		struct pbuf *p = ops->rx();
		assert_non_null(p);
		pbuf_free(p);
	}
	assert_int_equal(model_rx(f, sizeof f, 0), 1);
	ops->poll();
	assert_int_equal(ops->stats->rx_missed, 1);
}

/* `eth` on the console: state, PHY identity and mode, MAC registers and
 * the driver's counters, as records; BSR is reported as last read, so
 * the printout does not clear its latch. */
static void test_diag_printout(void **state)
{
	(void)state;
	model.link = true;
	assert_true(poll_link());
	model.link_dropped = true;
	ops->diag(record_diag);
	assert_true(model.link_dropped);
	static const char *const want[] = {
		"eth: driver=stm32 state=running reason=none attempts=1 reinits=0 hclk_hz=168000000\n",
		"eth.phy: addr=0 id=0x0007:0xc131 model=lan8742a link=up speed=100 duplex=full bsr=0x",
		"eth.mac: maccr=0x0000c80c dmasr=0x",
		"eth.diag: irqs=0 rx_buf_unavail=0 ",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (strstr(diag_text, want[i]) == NULL)
			fail_msg("'%s' missing from:\n%s", want[i], diag_text);
}

static void test_isr_acknowledges_status(void **state)
{
	(void)state;
	MODEL_REG(ETH_DMASR) = ETH_DMASR_RS | ETH_DMASR_NIS | ETH_DMASR_FBES | ETH_DMASR_AIS;
	stm32_eth_isr();
	assert_int_equal(MODEL_REG(ETH_DMASR), 0);
	assert_false(model_irq_line());
	assert_int_equal(stm32_eth_diag()->irqs, 1);
	assert_int_equal(stm32_eth_diag()->fatal_bus, 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_programs_mac_phy_and_rings),
		T(test_init_configured_mac),
		T(test_init_without_phy_retries),
		T(test_dma_reset_timeout_backs_off),
		T(test_phy_id_checked),
		T(test_hclk_below_25mhz_refused),
		T(test_init_masks_mmc_pmt_timestamp_irqs),
		T(test_tx_flush_waited_and_bounded),
		T(test_es0206_gap_kept),
		T(test_init_enables_board_irq_last),
		T(test_mac_from_uid),
		T(test_tx_chain_scatter_gather),
		T(test_tx_completion_frees_pbufs),
		T(test_tx_fields_read_in_tx_only),
		T(test_tx_ring_full),
		T(test_tx_error_counted),
		T(test_tx_too_long_dropped),
		T(test_tx_unreachable_payload_bounced),
		T(test_rx_single_frame_zero_copy),
		T(test_rx_frame_larger_than_one_buffer),
		T(test_rx_fcs_split_across_buffers),
		T(test_rx_ring_exhaustion_and_recovery),
		T(test_rx_pending_follows_descriptors),
		T(test_rx_error_frames_dropped),
		T(test_rx_frames_in_order_across_wrap),
		T(test_link_down_up_via_mdio),
		T(test_link_mode_from_phy_register_31),
		T(test_link_flap_seen),
		T(test_mode_change_with_mac_stopped),
		T(test_fatal_bus_error_reinitialises),
		T(test_rx_buffer_unavailable_counted_apart),
		T(test_diag_printout),
		T(test_isr_acknowledges_status),
	};
	return cmocka_run_group_tests_name("stm32_eth", tests, group_setup, NULL);
}
