/*
 * The fake Stellaris Ethernet Controller (fake_stellaris_enet.h).
 */
#include "fake_stellaris_enet.h"

#include <setjmp.h>
#include <stdarg.h>
#include <string.h>

#include <cmocka.h>

#include "stellaris_enet.h"
#include "stellaris_enet_regs.h"

struct fake_senet fsn;

#define FAKE_SENET_MR18_FULL  SENET_MR18_DPLX

void fake_senet_reset(void)
{
	memset(&fsn, 0, sizeof fsn);
	fsn.rctl = SENET_RCTL_BADCRC;
	fsn.im = SENET_INT_ALL;
	fsn.thr = SENET_THR_OFF;
	fsn.mdv = 0x80u;
	fsn.phy[SENET_PHY_MR1] = FAKE_SENET_MR1_UP;
	fsn.phy[SENET_PHY_MR2] = FAKE_SENET_MR2;
	fsn.phy[SENET_PHY_MR3] = FAKE_SENET_MR3;
	fsn.phy[SENET_PHY_MR18] = FAKE_SENET_MR18_FULL;
}

void fake_senet_set_link(bool up)
{
	if (up) {
		fsn.phy[SENET_PHY_MR1] |= SENET_MR1_LINK | SENET_MR1_ANEGC;
	} else {
		fsn.phy[SENET_PHY_MR1] &= (uint16_t)~(SENET_MR1_LINK | SENET_MR1_ANEGC);
		fsn.mr1_link_latched_low = true;
	}
}

/* ---------------------------------------------------------------- MII */

static uint16_t fake_phy_read(unsigned reg)
{
	if (fsn.no_phy)
		return 0;
	uint16_t v = fsn.phy[reg];
	if (reg == SENET_PHY_MR1 && fsn.mr1_link_latched_low) {
		v &= (uint16_t)~SENET_MR1_LINK;
		fsn.mr1_link_latched_low = false;
	}
	return v;
}

static void fake_mctl(uint32_t val)
{
	unsigned reg = (val >> 3) & 0x1Fu;

	fsn.mctl = val;
	if ((val & SENET_MCTL_START) == 0 || fsn.mii_stuck)
		return;
	if (val & SENET_MCTL_WRITE) {
		fsn.phy_writes[reg]++;
		/* MR0.RESET clears itself at once */
		fsn.phy[reg] = (uint16_t)(fsn.mtxd & ~(reg == SENET_PHY_MR0 ? SENET_MR0_RESET : 0u));
	} else {
		fsn.mrxd = fake_phy_read(reg);
	}
	fsn.mctl &= ~SENET_MCTL_START;
}

/* ---------------------------------------------------------------- RX FIFO */

static void fake_rx_push(const uint8_t *stream, size_t bytes)
{
	assert_true(fsn.rx_n < FAKE_SENET_RX_FRAMES);
	struct fake_senet_rx *f = &fsn.rx[(fsn.rx_head + fsn.rx_n) % FAKE_SENET_RX_FRAMES];
	f->n = (bytes + 3u) / 4u;
	assert_true(f->n <= FAKE_SENET_RX_WORDS);
	memset(f->w, 0, sizeof f->w);
	memcpy(f->w, stream, bytes);   /* little-endian words, the last one padded with 0 */
	fsn.rx_n++;
	fsn.ris |= SENET_INT_RXINT;
}

void fake_senet_rx_frame(const uint8_t *frame, size_t len)
{
	static uint8_t stream[4 * FAKE_SENET_RX_WORDS];
	size_t fl = SENET_FL_BYTES + len + SENET_FCS_BYTES;

	assert_true(fl <= sizeof stream);
	stream[0] = (uint8_t)fl;
	stream[1] = (uint8_t)(fl >> 8);
	memcpy(stream + SENET_FL_BYTES, frame, len);
	memset(stream + SENET_FL_BYTES + len, 0xA5, SENET_FCS_BYTES);   /* stand-in FCS */
	fake_rx_push(stream, fl);
}

void fake_senet_rx_raw(uint32_t fl, size_t words)
{
	static uint8_t stream[4 * FAKE_SENET_RX_WORDS];

	assert_true(words >= 1 && words <= FAKE_SENET_RX_WORDS);
	memset(stream, 0x3C, 4 * words);
	stream[0] = (uint8_t)fl;
	stream[1] = (uint8_t)(fl >> 8);
	fake_rx_push(stream, 4 * words);
}

/* A frame leaves the FIFO (and MACNP) once its last word is read. */
static uint32_t fake_rx_pop(void)
{
	fsn.rx_reads++;
	if (fsn.rx_n == 0) {
		fsn.rx_underflows++;
		return 0;
	}
	struct fake_senet_rx *f = &fsn.rx[fsn.rx_head];
	uint32_t w = f->w[fsn.rx_pos++];
	if (fsn.rx_pos == f->n) {
		fsn.rx_pos = 0;
		fsn.rx_head = (fsn.rx_head + 1u) % FAKE_SENET_RX_FRAMES;
		fsn.rx_n--;
	}
	return w;
}

static void fake_rctl(uint32_t val)
{
	fsn.rctl = val;
	if (val & SENET_RCTL_RSTFIFO) {
		fsn.rstfifo_writes++;
		if (val & SENET_RCTL_RXEN)
			fsn.rstfifo_with_rxen++;
		fsn.rx_n = fsn.rx_pos = 0;
		fsn.rctl &= ~SENET_RCTL_RSTFIFO;   /* self-clearing */
	}
}

/* ---------------------------------------------------------------- TX FIFO */

/* NEWTX: the data length leads; the frame is that plus the header. */
static void fake_tx_send(void)
{
	const uint8_t *b = (const uint8_t *)fsn.tx;
	size_t len = (size_t)(b[0] | b[1] << 8) + SENET_HDR_BYTES;

	fsn.tx_newtx++;
	assert_true(fsn.tx_n * 4u >= SENET_FL_BYTES + len);
	assert_true(fsn.sent_n < FAKE_SENET_SENT && len <= FAKE_SENET_SENT_MAX);
	memcpy(fsn.sent[fsn.sent_n], b + SENET_FL_BYTES, len);
	fsn.sent_len[fsn.sent_n++] = len;
	memcpy(fsn.tx_last, fsn.tx, fsn.tx_n * sizeof fsn.tx[0]);
	fsn.tx_last_n = fsn.tx_n;
	fsn.tx_n = 0;
}

static bool fake_tx_busy(void)
{
	return fsn.tx_stuck || fsn.tx_busy_reads > 0;
}

size_t fake_senet_sent(unsigned n, uint8_t *buf, size_t max)
{
	if (n >= fsn.sent_n)
		return 0;
	memcpy(buf, fsn.sent[n], fsn.sent_len[n] < max ? fsn.sent_len[n] : max);
	return fsn.sent_len[n];
}

/* ---------------------------------------------------------------- the bus */

uint32_t stellaris_enet_rd(uint32_t off)
{
	if (fsn.removed)
		return 0;
	switch (off) {
	case SENET_MACRIS:  return fsn.ris;
	case SENET_MACIM:   return fsn.im;
	case SENET_MACRCTL: return fsn.rctl;
	case SENET_MACTCTL: return fsn.tctl;
	case SENET_MACDATA: return fake_rx_pop();
	case SENET_MACIA0:  return fsn.ia0;
	case SENET_MACIA1:  return fsn.ia1;
	case SENET_MACTHR:  return fsn.thr;
	case SENET_MACMCTL: return fsn.mctl;
	case SENET_MACMDV:  return fsn.mdv;
	case SENET_MACMRXD: return fsn.mrxd;
	case SENET_MACNP:   return (uint32_t)fsn.rx_n;
	case SENET_MACTR:
		if (fsn.tx_stuck)
			return SENET_TR_NEWTX;
		if (fsn.tx_busy_reads > 0) {
			fsn.tx_busy_reads--;
			return SENET_TR_NEWTX;
		}
		return 0;
	default:
		fsn.unknown_access++;
		return 0;
	}
}

void stellaris_enet_wr(uint32_t off, uint32_t val)
{
	if (fsn.removed)
		return;
	switch (off) {
	case SENET_MACIACK: fsn.ris &= ~val; break;
	case SENET_MACIM:   fsn.im = val & SENET_INT_ALL; break;
	case SENET_MACRCTL: fake_rctl(val); break;
	case SENET_MACTCTL: fsn.tctl = val; break;
	case SENET_MACDATA:
		if (fake_tx_busy())
			fsn.tx_writes_busy++;
		assert_true(fsn.tx_n < FAKE_SENET_TX_WORDS);
		fsn.tx[fsn.tx_n++] = val;
		break;
	case SENET_MACIA0:  fsn.ia0 = val; break;
	case SENET_MACIA1:  fsn.ia1 = val & 0xFFFFu; break;
	case SENET_MACTHR:  fsn.thr = val & 0x3Fu; break;
	case SENET_MACMCTL: fake_mctl(val); break;
	case SENET_MACMDV:  fsn.mdv = val & SENET_MDV_DIV_MAX; break;
	case SENET_MACMTXD: fsn.mtxd = val & 0xFFFFu; break;
	case SENET_MACTR:
		if (val & SENET_TR_NEWTX)
			fake_tx_send();
		break;
	default:
		fsn.unknown_access++;
		break;
	}
}
