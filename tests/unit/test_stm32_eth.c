/*
 * STM32F4 ETH driver against a model of its DMA engine and PHY
 * (model_stm32_eth.c: descriptor rings walked as the hardware walks them,
 * an MDIO PHY). Every test ends with the lwIP pools back where they
 * started.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

static uint32_t now_ms;

uint32_t board_now_ms(void)
{
	return now_ms;
}

u32_t sys_now(void)
{
	return now_ms;
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
	now_ms = 1000;
	memset(&cfg, 0, sizeof cfg);
	cfg.phy_addr = 0;
	cfg.hclk_hz = 168000000u;
	cfg.dma_lo = 0;
	cfg.dma_hi = UINTPTR_MAX;
	cfg.uid = test_uid;
	cfg.hw_setup = count_hw_setup;
	cfg.irq_enable = count_irq_enable;
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
	assert_int_equal(model.phy_resets, 1);
	assert_int_equal(model.phy[PHY_ANAR], PHY_ANAR_ALL_CSMA);
	assert_true(model.phy[PHY_BCR] & PHY_BCR_ANEN);
	assert_false(MODEL_REG(ETH_DMABMR) & ETH_DMABMR_EDFE);     /* normal descriptors */
	assert_true(MODEL_REG(ETH_MACCR) & ETH_MACCR_TE);
	assert_true(MODEL_REG(ETH_MACCR) & ETH_MACCR_RE);
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

static void test_init_fails_without_phy(void **state)
{
	(void)state;
	stm32_eth_test_reset();
	fixture_reset();
	model.phy_present = false;
	assert_int_equal(ops->init(mac), -1);
	assert_int_equal(irq_enables, 0);          /* the line stays off */
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

static void test_link_down_up_via_mdio(void **state)
{
	(void)state;
	assert_false(ops->link_up());
	model.link = true;
	model.phy[5] = 0x01E1;                          /* partner: 100FD and below */
	assert_false(ops->link_up());               /* cached within the poll interval */
	now_ms += STM32_ETH_LINK_POLL_MS;
	assert_true(ops->link_up());
	assert_int_equal(ops->stats->link_changes, 1);
	assert_true(MODEL_REG(ETH_MACCR) & ETH_MACCR_FES);
	assert_true(MODEL_REG(ETH_MACCR) & ETH_MACCR_DM);
	assert_true(MODEL_REG(ETH_MACCR) & ETH_MACCR_RE);   /* mode change keeps RX/TX on */

	/* Cable pulled and replugged between two polls: BSR latched low. */
	model.link_dropped = true;
	now_ms += STM32_ETH_LINK_POLL_MS;
	assert_true(ops->link_up());                /* second read is the state now */
	model.link = false;
	now_ms += STM32_ETH_LINK_POLL_MS;
	assert_false(ops->link_up());
	assert_int_equal(ops->stats->link_changes, 2);

	model.link = true;
	model.phy[5] = 0x0021;                          /* partner: 10HD only */
	now_ms += STM32_ETH_LINK_POLL_MS;
	assert_true(ops->link_up());
	assert_false(MODEL_REG(ETH_MACCR) & ETH_MACCR_FES);
	assert_false(MODEL_REG(ETH_MACCR) & ETH_MACCR_DM);
	assert_int_equal(ops->stats->link_changes, 3);
}

static void test_isr_acknowledges_status(void **state)
{
	(void)state;
	MODEL_REG(ETH_DMASR) = ETH_DMASR_RS | ETH_DMASR_NIS | ETH_DMASR_FBES | ETH_DMASR_AIS;
	stm32_eth_isr();
	assert_int_equal(MODEL_REG(ETH_DMASR), 0);
	assert_int_equal(stm32_eth_diag()->irqs, 1);
	assert_int_equal(stm32_eth_diag()->fatal_bus, 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_programs_mac_phy_and_rings),
		T(test_init_configured_mac),
		T(test_init_fails_without_phy),
		T(test_init_enables_board_irq_last),
		T(test_mac_from_uid),
		T(test_tx_chain_scatter_gather),
		T(test_tx_completion_frees_pbufs),
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
		T(test_isr_acknowledges_status),
	};
	return cmocka_run_group_tests_name("stm32_eth", tests, group_setup, NULL);
}
