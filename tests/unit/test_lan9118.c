/*
 * LAN9118 driver against a fake register block that behaves like the
 * chip (and QEMU's model of it) where the driver depends on it: BYTE_TEST
 * and ID_REV, self-clearing soft reset, PMT_CTRL.READY, MAC CSRs reached
 * through MAC_CSR_CMD/DATA, PHY registers through MII_ACC/MII_DATA, the TX
 * data FIFO (recorded word by word), and the RX status and data FIFOs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "eth_mac.h"
#include "lan9118.h"
#include "lan9118_regs.h"

#include "lwip/init.h"
#include "lwip/memp.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/sys.h"

#define FAKE_TX_WORDS   1024
#define FAKE_RX_STATUS  64
#define FAKE_RX_WORDS   16384
#define FAKE_TX_FREE    4608     /* TX data FIFO bytes free after reset (5 KiB FIFO less the status area) */
#define FAKE_ID_9118    0x01180001u

/* ---------------------------------------------------------------- fake chip */

struct fake_lan9118 {
	uint32_t id_rev;
	uint32_t byte_test;
	uint32_t hw_cfg;
	bool srst_stuck;            /* SRST never clears */
	unsigned srst_writes;
	uint32_t irq_cfg, int_sts, int_en, fifo_int, rx_cfg, tx_cfg, rx_drop;
	uint32_t mac_cmd, mac_data;
	uint32_t mac_csr[16];
	uint16_t phy[32];
	unsigned phy_writes[32];
	bool bsr_link_latched_low;  /* link dropped since BSR was last read */
	uint32_t tx[FAKE_TX_WORDS];
	size_t tx_n;
	uint32_t tx_free;
	uint32_t rxs[FAKE_RX_STATUS];
	size_t rxs_head, rxs_n;
	uint32_t rxd[FAKE_RX_WORDS];
	size_t rxd_head, rxd_n;
	unsigned rx_underflows;     /* data reads with the FIFO empty */
	unsigned unknown_access;
};

static struct fake_lan9118 fk;

static void fake_reset(void)
{
	memset(&fk, 0, sizeof fk);
	fk.id_rev = FAKE_ID_9118;
	fk.byte_test = LAN9118_BYTE_TEST_MAGIC;
	fk.tx_free = FAKE_TX_FREE;
	fk.phy[LAN9118_PHY_BSR] = 0x7809 | LAN9118_BSR_LINK;
	fk.mac_csr[LAN9118_MAC_ADDRL] = 0x33221102u;   /* 02:11:22:33:44:55 */
	fk.mac_csr[LAN9118_MAC_ADDRH] = 0x5544u;
}

static void fake_phy_access(uint32_t acc)
{
	unsigned reg = (acc >> 6) & 0x1Fu;

	if (acc & LAN9118_MII_WRITE) {
		fk.phy_writes[reg]++;
		/* BCR reset self-clears at once, as on QEMU */
		fk.phy[reg] = (uint16_t)(fk.mac_csr[LAN9118_MAC_MII_DATA] & ~(reg == LAN9118_PHY_BCR ? LAN9118_BCR_RESET : 0u));
	} else {
		uint16_t v = fk.phy[reg];
		/* 802.3 22.2.4.2.13: BSR link status latches low until read */
		if (reg == LAN9118_PHY_BSR && fk.bsr_link_latched_low) {
			v &= (uint16_t)~LAN9118_BSR_LINK;
			fk.bsr_link_latched_low = false;
		}
		fk.mac_csr[LAN9118_MAC_MII_DATA] = v;
	}
	fk.mac_csr[LAN9118_MAC_MII_ACC] = acc & ~LAN9118_MII_BUSY;
}

static void fake_mac_cmd(uint32_t cmd)
{
	unsigned idx = cmd & 0xFu;

	fk.mac_cmd = cmd & ~LAN9118_MAC_CSR_BUSY;
	if ((cmd & LAN9118_MAC_CSR_BUSY) == 0)
		return;
	if (cmd & LAN9118_MAC_CSR_READ) {
		fk.mac_data = fk.mac_csr[idx];
	} else if (idx == LAN9118_MAC_MII_ACC) {
		fake_phy_access(fk.mac_data);
	} else {
		fk.mac_csr[idx] = fk.mac_data;
	}
}

static uint32_t fake_rx_data_pop(void)
{
	if (fk.rxd_n == 0) {
		fk.rx_underflows++;
		return 0;
	}
	uint32_t w = fk.rxd[fk.rxd_head];
	fk.rxd_head = (fk.rxd_head + 1) % FAKE_RX_WORDS;
	fk.rxd_n--;
	return w;
}

uint32_t lan9118_rd(uint32_t off)
{
	if (off < LAN9118_TX_DATA_FIFO)
		return fake_rx_data_pop();
	switch (off) {
	case LAN9118_RX_STATUS_FIFO: {
		if (fk.rxs_n == 0)
			return 0;
		uint32_t s = fk.rxs[fk.rxs_head];
		fk.rxs_head = (fk.rxs_head + 1) % FAKE_RX_STATUS;
		fk.rxs_n--;
		return s;
	}
	case LAN9118_ID_REV:      return fk.id_rev;
	case LAN9118_BYTE_TEST:   return fk.byte_test;
	case LAN9118_HW_CFG:      return fk.hw_cfg;
	case LAN9118_PMT_CTRL:    return LAN9118_PMT_CTRL_READY;
	case LAN9118_IRQ_CFG:     return fk.irq_cfg;
	case LAN9118_INT_STS:     return fk.int_sts;
	case LAN9118_INT_EN:      return fk.int_en;
	case LAN9118_RX_FIFO_INF: return (uint32_t)(fk.rxs_n << 16) | (uint32_t)(fk.rxd_n * 4u);
	case LAN9118_TX_FIFO_INF: return fk.tx_free;
	case LAN9118_RX_DROP: {
		uint32_t d = fk.rx_drop;
		fk.rx_drop = 0;   /* clears on read */
		return d;
	}
	case LAN9118_MAC_CSR_CMD:  return fk.mac_cmd;
	case LAN9118_MAC_CSR_DATA: return fk.mac_data;
	default:
		fk.unknown_access++;
		return 0;
	}
}

void lan9118_wr(uint32_t off, uint32_t val)
{
	if (off >= LAN9118_TX_DATA_FIFO && off < LAN9118_RX_STATUS_FIFO) {
		assert_true(fk.tx_n < FAKE_TX_WORDS);
		fk.tx[fk.tx_n++] = val;
		return;
	}
	switch (off) {
	case LAN9118_HW_CFG:
		if (val & LAN9118_HW_CFG_SRST) {
			fk.srst_writes++;
			fk.hw_cfg = fk.srst_stuck ? LAN9118_HW_CFG_SRST : 0;
		} else {
			fk.hw_cfg = val;
		}
		break;
	case LAN9118_IRQ_CFG:      fk.irq_cfg = val; break;
	case LAN9118_INT_STS:      fk.int_sts &= ~val; break;
	case LAN9118_INT_EN:       fk.int_en = val; break;
	case LAN9118_FIFO_INT:     fk.fifo_int = val; break;
	case LAN9118_RX_CFG:       fk.rx_cfg = val; break;
	case LAN9118_TX_CFG:       fk.tx_cfg = val; break;
	case LAN9118_MAC_CSR_DATA: fk.mac_data = val; break;
	case LAN9118_MAC_CSR_CMD:  fake_mac_cmd(val); break;
	default:                   fk.unknown_access++; break;
	}
}

/* Queue a received frame as the chip does: a status word with the length
 * including the 4-byte FCS, then the bytes packed little-endian into
 * words, FCS included, the last word padded. */
static void fake_rx_frame(const uint8_t *frame, size_t len, uint32_t status_flags)
{
	size_t total = len + LAN9118_FCS_LEN;
	uint8_t buf[2048] = { 0 };

	assert_true(total <= sizeof buf && fk.rxs_n < FAKE_RX_STATUS);
	memcpy(buf, frame, len);
	memset(buf + len, 0xA5, LAN9118_FCS_LEN);   /* stand-in FCS */
	for (size_t i = 0; i < (total + 3) / 4; i++) {
		uint32_t w;
		memcpy(&w, buf + 4 * i, 4);
		assert_true(fk.rxd_n < FAKE_RX_WORDS);
		fk.rxd[(fk.rxd_head + fk.rxd_n++) % FAKE_RX_WORDS] = w;
	}
	fk.rxs[(fk.rxs_head + fk.rxs_n++) % FAKE_RX_STATUS] =
	    ((uint32_t)total << 16) | status_flags;
	fk.int_sts |= LAN9118_INT_RSFL;
}

/* ---------------------------------------------------------------- lwIP host glue */

u32_t sys_now(void)
{
	return 0;
}

uint32_t fw_rand32(void)
{
	return 4;   /* chosen by fair dice roll */
}

void fw_assert_failed(const char *msg, const char *file, int line)
{
	fail_msg("lwIP assertion '%s' at %s:%d", msg, file, line);
}

/* ---------------------------------------------------------------- fixtures */

static uint16_t pool_used_at_start;
static unsigned irq_enables;
static uint32_t irq_cfg_at_enable;   /* IRQ_CFG when the board's line was enabled */

static void count_irq_enable(void)
{
	irq_enables++;
	irq_cfg_at_enable = fk.irq_cfg;
}

static const struct lan9118_config cfg = { .base = 0, .irq_enable = count_irq_enable };
static const struct eth_mac_ops *ops;

static int setup(void **state)
{
	(void)state;
	fake_reset();
	lan9118_test_reset();
	irq_enables = 0;
	irq_cfg_at_enable = 0;
	ops = lan9118_ops(&cfg);
	pool_used_at_start = lwip_stats.memp[MEMP_PBUF_POOL]->used;
	return 0;
}

/* Every test ends with the pool as it found it and nothing left queued. */
static int teardown(void **state)
{
	(void)state;
	lan9118_test_reset();
	assert_int_equal(lwip_stats.memp[MEMP_PBUF_POOL]->used, pool_used_at_start);
	return 0;
}

static uint8_t mac[6];

static void init_ok(void)
{
	assert_int_equal(ops->init(mac), 0);
	fk.tx_n = 0;
}

static void frame_fill(uint8_t *f, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		f[i] = (uint8_t)(seed + i * 7u);
}

/* ---------------------------------------------------------------- init */

/* Reset, ID check and bring-up: soft reset once, the IRQ pin driven
 * push-pull active-high, RX status interrupt on, MAC TX/RX on, TX on with
 * status overrun allowed, the PHY reset and auto-negotiating. */
static void test_init_resets_and_configures(void **state)
{
	(void)state;
	assert_int_equal(ops->init(mac), 0);
	assert_int_equal(fk.srst_writes, 1);
	assert_int_equal(fk.irq_cfg,
	    LAN9118_IRQ_CFG_EN | LAN9118_IRQ_CFG_POL | LAN9118_IRQ_CFG_TYPE);
	assert_true(fk.int_en & LAN9118_INT_RSFL);
	assert_true(fk.int_en & LAN9118_INT_RXE);
	uint32_t cr = fk.mac_csr[LAN9118_MAC_CR];
	assert_true((cr & (LAN9118_MAC_CR_TXEN | LAN9118_MAC_CR_RXEN)) ==
	    (LAN9118_MAC_CR_TXEN | LAN9118_MAC_CR_RXEN));
	assert_false(cr & LAN9118_MAC_CR_PRMS);
	assert_false(cr & LAN9118_MAC_CR_BCAST);   /* broadcast (ARP) must be received */
	assert_int_equal(fk.tx_cfg, LAN9118_TX_CFG_TX_ON | LAN9118_TX_CFG_TXSAO);
	assert_int_equal(fk.phy_writes[LAN9118_PHY_BCR], 2);   /* reset, then auto-neg */
	assert_int_equal(fk.phy[LAN9118_PHY_BCR], LAN9118_BCR_ANENABLE | LAN9118_BCR_ANRESTART);
	assert_int_equal(fk.phy[LAN9118_PHY_ANAR], LAN9118_ANAR_ALL_10_100);
	assert_int_equal(fk.unknown_access, 0);
}

/* The MAC address comes from ADDRL (bytes 0-3) and ADDRH (bytes 4-5), so
 * whatever the EEPROM (QEMU: -nic mac=) loaded is what the netif uses. */
static void test_init_reads_mac_from_csrs(void **state)
{
	static const uint8_t want[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

	(void)state;
	init_ok();
	assert_memory_equal(mac, want, 6);
}

static void test_init_rejects_unknown_chip_id(void **state)
{
	(void)state;
	fk.id_rev = 0x12340001u;
	assert_int_equal(ops->init(mac), -1);
	assert_int_equal(fk.srst_writes, 0);
}

static void test_init_accepts_lan9220(void **state)
{
	(void)state;
	fk.id_rev = 0x92200000u;   /* the chip on the real MPS2 board */
	assert_int_equal(ops->init(mac), 0);
}

static void test_init_fails_without_byte_test(void **state)
{
	(void)state;
	fk.byte_test = 0xFFFFFFFFu;   /* nothing on the bus */
	assert_int_equal(ops->init(mac), -1);
}

/* A reset that never completes ends in an error, not a hang. */
static void test_init_fails_when_reset_never_clears(void **state)
{
	(void)state;
	fk.srst_stuck = true;
	assert_int_equal(ops->init(mac), -1);
}

/* The board's line is enabled once, and only after IRQ_CFG drives the
 * pin push-pull active-high: the reset setting reads as asserted. */
static void test_init_enables_board_irq_after_irq_cfg(void **state)
{
	(void)state;
	assert_int_equal(irq_enables, 0);   /* the constructor touches nothing */
	init_ok();
	assert_int_equal(irq_enables, 1);
	assert_int_equal(irq_cfg_at_enable,
	    LAN9118_IRQ_CFG_EN | LAN9118_IRQ_CFG_POL | LAN9118_IRQ_CFG_TYPE);
}

/* A chip that does not answer leaves the line disabled. */
static void test_init_failure_leaves_irq_disabled(void **state)
{
	(void)state;
	fk.byte_test = 0xFFFFFFFFu;
	assert_int_equal(ops->init(mac), -1);
	assert_int_equal(irq_enables, 0);
}

/* Without a configuration there is no chip to talk to. */
static void test_init_without_config_fails(void **state)
{
	(void)state;
	lan9118_test_reset();
	assert_int_equal(ops->init(mac), -1);
	assert_int_equal(fk.srst_writes, 0);
	assert_int_equal(irq_enables, 0);
}

/* ---------------------------------------------------------------- link */

/* Link from PHY BSR bit 2 over MII; each change is counted once. */
static void test_link_follows_phy_bsr(void **state)
{
	(void)state;
	init_ok();
	assert_true(ops->link_up());
	assert_true(ops->link_up());
	assert_int_equal(ops->stats->link_changes, 1);
	fk.phy[LAN9118_PHY_BSR] &= (uint16_t)~LAN9118_BSR_LINK;
	assert_false(ops->link_up());
	assert_int_equal(ops->stats->link_changes, 2);
}

/* A link that dropped and came back since the last look reads low once
 * (latched); the driver reads BSR twice and reports the present state. */
static void test_link_reads_through_latched_low(void **state)
{
	(void)state;
	init_ok();
	assert_true(ops->link_up());
	fk.bsr_link_latched_low = true;
	assert_true(ops->link_up());
	assert_int_equal(ops->stats->link_changes, 1);
}

/* ---------------------------------------------------------------- TX */

/* A 2-pbuf chain is sent as two TX buffers: A(FS, 14) B(len 21), the
 * 14 header bytes in 4 words (last one padded); A(LS, 7) B(len 21), the
 * 7 payload bytes in 2 words. Words carry bytes little-endian. */
static void test_tx_two_pbuf_chain(void **state)
{
	uint8_t hdr[14], pay[7];

	(void)state;
	init_ok();
	frame_fill(hdr, sizeof hdr, 0x10);
	frame_fill(pay, sizeof pay, 0x80);
	struct pbuf *p = pbuf_alloc(PBUF_RAW, sizeof hdr, PBUF_RAM);
	struct pbuf *q = pbuf_alloc(PBUF_RAW, sizeof pay, PBUF_RAM);
	assert_non_null(p);
	assert_non_null(q);
	memcpy(p->payload, hdr, sizeof hdr);
	memcpy(q->payload, pay, sizeof pay);
	pbuf_cat(p, q);

	assert_int_equal(ops->tx(p), 0);

	assert_int_equal(fk.tx_n, 2 + 4 + 2 + 2);
	uint32_t tag = fk.tx[1] >> 16;
	assert_int_equal(fk.tx[0], LAN9118_TXA_FS | 14u);
	assert_int_equal(fk.tx[1], LAN9118_TXB_TAG(tag) | 21u);
	uint8_t got[16] = { 0 };
	memcpy(got, &fk.tx[2], 16);
	assert_memory_equal(got, hdr, sizeof hdr);
	assert_int_equal(got[14], 0);
	assert_int_equal(got[15], 0);
	assert_int_equal(fk.tx[6], LAN9118_TXA_LS | 7u);
	assert_int_equal(fk.tx[7], LAN9118_TXB_TAG(tag) | 21u);
	memset(got, 0, sizeof got);
	memcpy(got, &fk.tx[8], 8);
	assert_memory_equal(got, pay, sizeof pay);
	assert_int_equal(got[7], 0);
	assert_int_equal(ops->stats->tx_frames, 1);
	assert_int_equal(ops->stats->tx_bytes, 21);
	pbuf_free(p);
}

/* A one-pbuf frame is a single buffer with FS and LS both set. */
static void test_tx_single_buffer_is_first_and_last(void **state)
{
	(void)state;
	init_ok();
	struct pbuf *p = pbuf_alloc(PBUF_RAW, 60, PBUF_RAM);
	assert_non_null(p);
	memset(p->payload, 0x5A, 60);
	assert_int_equal(ops->tx(p), 0);
	assert_int_equal(fk.tx_n, 2 + 15);
	assert_int_equal(fk.tx[0], LAN9118_TXA_FS | LAN9118_TXA_LS | 60u);
	assert_int_equal(fk.tx[1] & 0x7FFu, 60u);
	pbuf_free(p);
}

/* Not enough room in the TX data FIFO: nothing is written, the frame is
 * dropped and counted, and the caller keeps its pbuf. */
static void test_tx_without_fifo_space_is_dropped(void **state)
{
	(void)state;
	init_ok();
	fk.tx_free = 60;   /* 8 command bytes + 60 data bytes do not fit */
	struct pbuf *p = pbuf_alloc(PBUF_RAW, 60, PBUF_RAM);
	assert_non_null(p);
	assert_int_equal(ops->tx(p), -1);
	assert_int_equal(fk.tx_n, 0);
	assert_int_equal(ops->stats->tx_errors, 1);
	assert_int_equal(ops->stats->tx_frames, 0);
	pbuf_free(p);
}

static void test_tx_oversized_frame_is_dropped(void **state)
{
	(void)state;
	init_ok();
	struct pbuf *p = pbuf_alloc(PBUF_RAW, LAN9118_TX_MAX_LEN + 1, PBUF_RAM);
	assert_non_null(p);
	assert_int_equal(ops->tx(p), -1);
	assert_int_equal(fk.tx_n, 0);
	assert_int_equal(ops->stats->tx_errors, 1);
	pbuf_free(p);
}

/* ---------------------------------------------------------------- RX */

/* The interrupt moves the frame into one pool pbuf without its FCS,
 * acknowledges RSFL and empties both FIFOs; ops->rx hands it over once. */
static void test_rx_frame_into_pbuf(void **state)
{
	uint8_t f[61];   /* odd length: the last FIFO word is part frame, part FCS */

	(void)state;
	init_ok();
	frame_fill(f, sizeof f, 3);
	fake_rx_frame(f, sizeof f, 0);

	lan9118_isr();

	assert_int_equal(fk.int_sts & LAN9118_INT_RSFL, 0);
	assert_int_equal(fk.rxs_n, 0);
	assert_int_equal(fk.rxd_n, 0);
	assert_int_equal(fk.rx_underflows, 0);
	struct pbuf *p = ops->rx();
	assert_non_null(p);
	assert_int_equal(p->tot_len, sizeof f);
	assert_int_equal(p->type_internal, PBUF_TYPE_FLAG_STRUCT_DATA_CONTIGUOUS | PBUF_TYPE_ALLOC_SRC_MASK_STD_MEMP_PBUF_POOL);
	assert_memory_equal(p->payload, f, sizeof f);
	assert_null(ops->rx());
	assert_int_equal(ops->stats->rx_frames, 1);
	assert_int_equal(ops->stats->rx_bytes, sizeof f);
	pbuf_free(p);
}

/* rx_pending() is the queue, not a counter: true from the interrupt that
 * queued a frame until rx() has taken the last one. */
static void test_rx_pending_follows_queue(void **state)
{
	uint8_t f[60];

	(void)state;
	init_ok();
	frame_fill(f, sizeof f, 5);
	assert_false(ops->rx_pending());
	fake_rx_frame(f, sizeof f, 0);
	assert_false(ops->rx_pending());   /* still in the chip's FIFO */
	fake_rx_frame(f, sizeof f, 0);
	lan9118_isr();
	assert_true(ops->rx_pending());
	struct pbuf *a = ops->rx();
	assert_true(ops->rx_pending());
	struct pbuf *b = ops->rx();
	assert_false(ops->rx_pending());
	assert_non_null(a);
	assert_non_null(b);
	pbuf_free(a);
	pbuf_free(b);
	ops->poll();                       /* nothing to do, and harmless */
	assert_false(ops->rx_pending());
	assert_int_equal(fk.unknown_access, 0);
}

/* A full-size frame and a minimum one back to back, in order. */
static void test_rx_two_frames_in_order(void **state)
{
	uint8_t big[1514], small[42];

	(void)state;
	init_ok();
	frame_fill(big, sizeof big, 9);
	frame_fill(small, sizeof small, 200);
	fake_rx_frame(big, sizeof big, 0);
	fake_rx_frame(small, sizeof small, 0);
	lan9118_isr();
	struct pbuf *a = ops->rx();
	struct pbuf *b = ops->rx();
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->tot_len, sizeof big);
	assert_int_equal(pbuf_memcmp(a, 0, big, sizeof big), 0);
	assert_int_equal(b->tot_len, sizeof small);
	assert_int_equal(pbuf_memcmp(b, 0, small, sizeof small), 0);
	assert_int_equal(fk.rxd_n, 0);
	pbuf_free(a);
	pbuf_free(b);
}

/* Pool exhausted: the frame is read out of the FIFO and discarded,
 * counted as rx_dropped_nopbuf; nothing leaks (the pool's use is back to
 * its start once the test's own pbufs are freed: see teardown). */
static void test_rx_with_pool_exhausted_is_counted_not_leaked(void **state)
{
	struct pbuf *held[PBUF_POOL_SIZE + 1];
	size_t n = 0;
	uint8_t f[100];

	(void)state;
	init_ok();
	while (n < PBUF_POOL_SIZE + 1 &&
	    (held[n] = pbuf_alloc(PBUF_RAW, PBUF_POOL_BUFSIZE, PBUF_POOL)) != NULL)
		n++;
	assert_int_equal(n, PBUF_POOL_SIZE - pool_used_at_start);
	uint16_t err_before = lwip_stats.memp[MEMP_PBUF_POOL]->err;

	frame_fill(f, sizeof f, 1);
	fake_rx_frame(f, sizeof f, 0);
	lan9118_isr();

	assert_int_equal(ops->stats->rx_dropped_nopbuf, 1);
	assert_int_equal(ops->stats->rx_frames, 0);
	assert_int_equal(fk.rxd_n, 0);
	assert_int_equal(fk.rxs_n, 0);
	assert_null(ops->rx());
	assert_int_equal(lwip_stats.memp[MEMP_PBUF_POOL]->err, err_before + 1);
	for (size_t i = 0; i < n; i++)
		pbuf_free(held[i]);
	assert_int_equal(lwip_stats.memp[MEMP_PBUF_POOL]->used, pool_used_at_start);

	/* and the next frame, with pbufs back, gets through */
	fake_rx_frame(f, sizeof f, 0);
	lan9118_isr();
	struct pbuf *p = ops->rx();
	assert_non_null(p);
	assert_int_equal(pbuf_memcmp(p, 0, f, sizeof f), 0);
	pbuf_free(p);
}

/* RX queue full: the frame is discarded from the FIFO and counted as
 * rx_dropped_queue, before any pbuf is taken for it. */
static void test_rx_with_queue_full_is_counted(void **state)
{
	uint8_t f[64];

	(void)state;
	init_ok();
	for (unsigned i = 0; i <= LAN9118_RX_QUEUE; i++) {
		frame_fill(f, sizeof f, (uint8_t)i);
		fake_rx_frame(f, sizeof f, 0);
	}
	lan9118_isr();
	assert_int_equal(ops->stats->rx_frames, LAN9118_RX_QUEUE);
	assert_int_equal(ops->stats->rx_dropped_queue, 1);
	assert_int_equal(fk.rxd_n, 0);
	assert_int_equal(lwip_stats.memp[MEMP_PBUF_POOL]->used,
	    pool_used_at_start + LAN9118_RX_QUEUE);
	for (unsigned i = 0; i < LAN9118_RX_QUEUE; i++) {
		struct pbuf *p = ops->rx();
		assert_non_null(p);
		frame_fill(f, sizeof f, (uint8_t)i);
		assert_int_equal(pbuf_memcmp(p, 0, f, sizeof f), 0);
		pbuf_free(p);
	}
	assert_null(ops->rx());
}

/* A status with the error summary bit (CRC, runt, too long...) is counted
 * and its data discarded; so are lengths no Ethernet frame has. */
static void test_rx_errors_are_counted_and_discarded(void **state)
{
	uint8_t f[1600];

	(void)state;
	init_ok();
	frame_fill(f, sizeof f, 0);
	fake_rx_frame(f, 64, LAN9118_RXS_ES);
	fake_rx_frame(f, 10, 0);      /* shorter than an Ethernet header */
	fake_rx_frame(f, 1519, 0);    /* 1523 with FCS: longer than a VLAN frame */
	fake_rx_frame(f, 60, 0);      /* the good one after them */
	lan9118_isr();
	assert_int_equal(ops->stats->rx_errors, 3);
	assert_int_equal(ops->stats->rx_frames, 1);
	assert_int_equal(fk.rxd_n, 0);
	assert_int_equal(fk.rx_underflows, 0);
	struct pbuf *p = ops->rx();
	assert_non_null(p);
	assert_int_equal(p->tot_len, 60);
	assert_int_equal(pbuf_memcmp(p, 0, f, 60), 0);
	pbuf_free(p);
}

/* The receiver-error interrupt and the chip's own drop counter feed
 * rx_errors. */
static void test_rx_error_interrupts_are_counted(void **state)
{
	(void)state;
	init_ok();
	fk.int_sts = LAN9118_INT_RXE | LAN9118_INT_RXDF;
	fk.rx_drop = 5;
	lan9118_isr();
	assert_int_equal(ops->stats->rx_errors, 6);
	assert_int_equal(fk.int_sts, 0);
	assert_int_equal(fk.rx_drop, 0);
}

/* An interrupt with nothing pending touches no FIFO. */
static void test_isr_with_nothing_pending(void **state)
{
	(void)state;
	init_ok();
	lan9118_isr();
	assert_int_equal(fk.rx_underflows, 0);
	assert_null(ops->rx());
	assert_int_equal(ops->stats->rx_errors, 0);
}

int main(void)
{
	lwip_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_resets_and_configures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_reads_mac_from_csrs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_rejects_unknown_chip_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_accepts_lan9220, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_fails_without_byte_test, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_fails_when_reset_never_clears, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_enables_board_irq_after_irq_cfg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_failure_leaves_irq_disabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_without_config_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_follows_phy_bsr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_reads_through_latched_low, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_two_pbuf_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_single_buffer_is_first_and_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_without_fifo_space_is_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_oversized_frame_is_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_frame_into_pbuf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_pending_follows_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_two_frames_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_with_pool_exhausted_is_counted_not_leaked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_with_queue_full_is_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_errors_are_counted_and_discarded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_error_interrupts_are_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_isr_with_nothing_pending, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
