/*
 * The fake LAN9118 (fake_lan9118.h).
 */
#include "fake_lan9118.h"

#include <setjmp.h>
#include <stdarg.h>
#include <string.h>

#include <cmocka.h>

#include "lan9118.h"
#include "lan9118_regs.h"

struct fake_lan9118 fk;

void fake_lan9118_reset(void)
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

void fake_lan9118_rx_frame(const uint8_t *frame, size_t len, uint32_t status_flags)
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

/* Command A fields the driver may use (datasheet 3.12.4.1). */
#define FAKE_TXA_OFFSET(a)  (((a) >> 16) & 0x1Fu)
#define FAKE_TXA_END_ALIGN  (3u << 24)

size_t fake_lan9118_sent(unsigned n, uint8_t *buf, size_t max)
{
	size_t i = 0, len = 0;
	unsigned frame = 0;

	while (i + 2 <= fk.tx_n) {
		uint32_t a = fk.tx[i];
		uint32_t size = a & 0x7FFu, off = FAKE_TXA_OFFSET(a);
		uint32_t words = (off + size + 3u) / 4u;

		assert_int_equal(a & FAKE_TXA_END_ALIGN, 0);   /* 4-byte end alignment */
		assert_true(i + 2 + words <= fk.tx_n);
		if (a & LAN9118_TXA_FS)
			len = 0;
		const uint8_t *data = (const uint8_t *)&fk.tx[i + 2];
		for (uint32_t k = 0; k < size; k++, len++)
			if (frame == n && len < max)
				buf[len] = data[off + k];
		i += 2 + words;
		if (a & LAN9118_TXA_LS) {
			if (frame == n)
				return len;
			frame++;
		}
	}
	return 0;
}
