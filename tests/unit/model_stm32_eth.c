/*
 * The STM32F4 ETH DMA and PHY model (model_stm32_eth.h).
 */
#include "model_stm32_eth.h"

#include <setjmp.h>
#include <stdarg.h>
#include <string.h>

#include <cmocka.h>

#include "stm32_eth_regs.h"

struct model_stm32_eth model;

#define MODEL_NS_PER_US   1000u
#define MODEL_NS_PER_MS   1000000u
#define MODEL_PSCSR_AUTODONE (1u << 12)
#define MODEL_PSCSR_RSVD  (1u << 6)     /* reads 1 on the LAN8742A */

void model_reset(void)
{
	memset(&model, 0, sizeof model);
	model.phy_present = true;
	model.phy[PHY_ID1] = PHY_ID1_LAN8742A;
	model.phy[PHY_ID2] = PHY_ID2_LAN8742A | 1u;
	model_phy_speed(PHY_PSCSR_100FD);
}

void model_phy_speed(unsigned pscsr_speed)
{
	model.phy[PHY_PSCSR] = (uint16_t)(MODEL_PSCSR_AUTODONE | MODEL_PSCSR_RSVD |
	    (pscsr_speed << PHY_PSCSR_SPEED_Pos));
}

void model_delay_us(uint32_t us)
{
	model.now_ns += (uint64_t)us * MODEL_NS_PER_US;
}

uint32_t model_now_ms(void)
{
	return (uint32_t)(model.now_ns / MODEL_NS_PER_MS);
}

void model_advance_ms(uint32_t ms)
{
	model.now_ns += (uint64_t)ms * MODEL_NS_PER_MS;
}

void model_mmc_rx_half_full(void)
{
	MODEL_REG(ETH_MMCRIR) |= ETH_MMCRIMR_RGUFM;   /* status bits sit where the mask bits do */
}

bool model_irq_line(void)
{
	bool dma = (MODEL_REG(ETH_DMASR) & MODEL_REG(ETH_DMAIER) & ETH_DMASR_W1C_Msk) != 0;
	bool mmc = (MODEL_REG(ETH_MMCRIR) & ~MODEL_REG(ETH_MMCRIMR) & ETH_MMCRIMR_ALL) != 0 ||
	    (MODEL_REG(ETH_MMCTIR) & ~MODEL_REG(ETH_MMCTIMR) & ETH_MMCTIMR_ALL) != 0;
	bool mac = (MODEL_REG(ETH_MACSR) & ~MODEL_REG(ETH_MACIMR) &
	    (ETH_MACIMR_PMTIM | ETH_MACIMR_TSTIM)) != 0;
	return dma || mmc || mac;
}

static uint16_t phy_bsr(void)
{
	uint16_t v = PHY_BSR_ANDONE;

	if (model.link && !model.link_dropped)
		v |= PHY_BSR_LINK;
	model.link_dropped = false;
	return v;
}

static void model_mdio(uint32_t v)
{
	unsigned pa = (v >> ETH_MACMIIAR_PA_Pos) & 31u, r = (v >> ETH_MACMIIAR_MR_Pos) & 31u;

	/* IEEE 802.3 22.2.4: the MDC divider must give <= 2.5 MHz at 168 MHz. */
	assert_int_equal(v & (7u << ETH_MACMIIAR_CR_Pos), ETH_MACMIIAR_CR_DIV102);
	if (!model.phy_present || pa != 0) {
		MODEL_REG(ETH_MACMIIDR) = 0xFFFF;    /* nobody drives MDIO */
		return;
	}
	if ((v & ETH_MACMIIAR_MW) == 0) {
		MODEL_REG(ETH_MACMIIDR) = r == PHY_BSR ? phy_bsr() : model.phy[r];
		return;
	}
	uint16_t d = (uint16_t)MODEL_REG(ETH_MACMIIDR);
	if (r == PHY_BCR && (d & PHY_BCR_RESET)) {
		model.phy_resets++;
		model.phy[PHY_ANAR] = 0x0061;      /* some reset value the driver must override */
		d &= (uint16_t)~PHY_BCR_RESET; /* reset completes at once */
	}
	model.phy[r] = d;
}

static struct stm32_eth_desc *model_next(struct stm32_eth_desc *d, struct stm32_eth_desc *base,
    bool end, bool chained)
{
	if (chained)
		return (struct stm32_eth_desc *)d->des3;
	return end ? base : d + 1;
}

void model_tx_run(void)
{
	uint8_t frame[MODEL_FRAME_MAX];
	size_t len = 0;
	bool in_frame = false;
	unsigned descs = 0;

	if (model.tx_paused || model.tx_cur == NULL)
		return;
	while (model.tx_cur->des0 & ETH_TDES0_OWN) {
		struct stm32_eth_desc *d = model.tx_cur;
		uint32_t s = d->des0;
		size_t n = d->des1 & ETH_TDES1_TBS1_Msk;

		/* A frame starts with FS and no FS appears inside one. */
		assert_true(!in_frame == !!(s & ETH_TDES0_FS));
		assert_true(d - model.tx_base < (ptrdiff_t)STM32_ETH_TX_DESC);
		in_frame = true;
		assert_true(len + n <= sizeof frame);
		memcpy(frame + len, (const void *)d->des2, n);
		len += n;
		descs++;
		if (s & ETH_TDES0_LS) {
			assert_true(model.wire_n < MODEL_WIRE_MAX);
			memcpy(model.wire[model.wire_n], frame, len);
			model.wire_len[model.wire_n++] = len;
			model.tx_descs = descs;
			s |= model.tx_error;
			model.tx_error = 0;
			in_frame = false;
			len = 0;
			descs = 0;
			MODEL_REG(ETH_DMASR) |= ETH_DMASR_TS | ETH_DMASR_NIS;
		}
		d->des0 = s & ~ETH_TDES0_OWN;
		model.tx_cur = model_next(d, model.tx_base, s & ETH_TDES0_TER, s & ETH_TDES0_TCH);
	}
	/* The DMA never stops inside a frame it was given whole. */
	assert_false(in_frame);
	MODEL_REG(ETH_DMASR) |= ETH_DMASR_TBUS;
}

/* Owned descriptors from the RX pointer hold at least `total` bytes? */
static bool model_rx_room(size_t total)
{
	struct stm32_eth_desc *d = model.rx_cur;
	size_t room = 0;

	for (unsigned i = 0; i < STM32_ETH_RX_DESC && room < total; i++) {
		if ((d->des0 & ETH_RDES0_OWN) == 0)
			return false;
		room += d->des1 & ETH_RDES1_RBS1_Msk;
		d = model_next(d, model.rx_base, d->des1 & ETH_RDES1_RER, d->des1 & ETH_RDES1_RCH);
	}
	return room >= total;
}

unsigned model_rx(const uint8_t *frame, size_t len, uint32_t err)
{
	uint8_t buf[MODEL_FRAME_MAX + 4];
	size_t total = len + 4, off = 0;
	unsigned used = 0;

	memcpy(buf, frame, len);
	memset(buf + len, MODEL_FCS_BYTE, 4);
	if (model.rx_cur == NULL || !model_rx_room(total)) {
		model.missed++;
		MODEL_REG(ETH_DMASR) |= ETH_DMASR_RBUS | ETH_DMASR_AIS;
		return 0;
	}
	while (off < total) {
		struct stm32_eth_desc *d = model.rx_cur;
		size_t bs = d->des1 & ETH_RDES1_RBS1_Msk;
		size_t n = total - off < bs ? total - off : bs;

		assert_true(d->des2 % 4 == 0 && bs % 4 == 0);    /* RM0090 33.6.8 */
		memcpy((void *)d->des2, buf + off, n);
		uint32_t s = off == 0 ? ETH_RDES0_FS : 0;
		off += n;
		if (off == total)
			s |= ETH_RDES0_LS | ((uint32_t)total << ETH_RDES0_FL_Pos) | err;
		d->des0 = s;
		used++;
		model.rx_cur = model_next(d, model.rx_base, d->des1 & ETH_RDES1_RER, d->des1 & ETH_RDES1_RCH);
	}
	MODEL_REG(ETH_DMASR) |= ETH_DMASR_RS | ETH_DMASR_NIS;
	return used;
}

/* FTF clears once the flush is over. */
static bool model_flushing(void)
{
	if (!model.flush_stuck && model.now_ns >= model.flush_until_ns)
		MODEL_REG(ETH_DMAOMR) &= ~ETH_DMAOMR_FTF;
	return (MODEL_REG(ETH_DMAOMR) & ETH_DMAOMR_FTF) != 0;
}

uint32_t stm32_eth_rd(uint32_t off)
{
	assert_true(off / 4u < MODEL_REG_WORDS);
	model.now_ns += MODEL_ACCESS_NS;
	switch (off) {
	case ETH_DMAMFBOCR: {
		uint32_t v = model.missed;
		model.missed = 0;
		return v;
	}
	case ETH_DMAOMR:
		(void)model_flushing();
		return MODEL_REG(off);
	case ETH_DMASR:
		/* TPS: stopped without ST, else suspended (nothing to send). */
		return (MODEL_REG(off) & ~ETH_DMASR_TPS_Msk) |
		    (MODEL_REG(ETH_DMAOMR) & ETH_DMAOMR_ST ? 6u << 20 : 0u);
	default:
		return model.reg[off / 4u];
	}
}

/* The registers ES0206 2.17.5 names, among those the driver writes. */
static bool model_es0206_reg(uint32_t off)
{
	return off == ETH_MACCR || off == ETH_MACFFR || off == ETH_MACA0HR || off == ETH_MACA0LR ||
	    off == ETH_DMABMR || off == ETH_DMAOMR;
}

/* The erratum: a write too soon after the last one taken is lost. */
static bool model_write_taken(uint32_t off)
{
	if (!model_es0206_reg(off))
		return true;
	uint64_t *last = &model.written_ns[off / 4u];
	if (*last != 0 && model.now_ns - *last < MODEL_ES0206_NS) {
		model.es0206_lost++;
		return false;
	}
	*last = model.now_ns;
	return true;
}

/* DMABMR.SR resets every MAC register, given REF_CLK. */
static void model_soft_reset(uint32_t v)
{
	if (model.no_ref_clk) {
		MODEL_REG(ETH_DMABMR) = v;
		return;
	}
	model.dma_resets++;
	memset(model.reg, 0, sizeof model.reg);
	MODEL_REG(ETH_MACCR) = ETH_MACCR_RESET;
	model.rx_base = model.rx_cur = model.tx_base = model.tx_cur = NULL;
}

static void model_write_maccr(uint32_t v)
{
	uint32_t old = MODEL_REG(ETH_MACCR), mode = ETH_MACCR_FES | ETH_MACCR_DM;
	uint32_t on = ETH_MACCR_TE | ETH_MACCR_RE;

	if (((old ^ v) & mode) != 0 && (((old | v) & on) != 0 ||
	    (MODEL_REG(ETH_DMAOMR) & (ETH_DMAOMR_ST | ETH_DMAOMR_SR)) != 0))
		model.mode_changed_running++;
	MODEL_REG(ETH_MACCR) = v;
}

void stm32_eth_wr(uint32_t off, uint32_t v)
{
	assert_true(off / 4u < MODEL_REG_WORDS);
	model.now_ns += MODEL_ACCESS_NS;
	if (!model_write_taken(off))
		return;
	switch (off) {
	case ETH_DMABMR:
		if (v & ETH_DMABMR_SR)
			model_soft_reset(v);
		else
			MODEL_REG(off) = v;
		return;
	case ETH_MACCR:
		model_write_maccr(v);
		return;
	case ETH_MACMIIAR:
		if (v & ETH_MACMIIAR_MB)
			model_mdio(v);
		MODEL_REG(off) = v & ~ETH_MACMIIAR_MB;
		return;
	case ETH_DMATPDR:
		model_tx_run();
		return;
	case ETH_DMASR:
		MODEL_REG(off) &= ~v;
		return;
	case ETH_DMAOMR:
		/* "should not be written to until this bit is cleared" */
		if (model_flushing())
			model.omr_written_in_flush++;
		MODEL_REG(off) = v;
		if (v & ETH_DMAOMR_FTF)
			model.flush_until_ns = model.now_ns + MODEL_FLUSH_NS;
		if (v & ETH_DMAOMR_ST)
			model_tx_run();
		return;
	default:
		MODEL_REG(off) = v;
		return;
	}
}

void stm32_eth_wr_list(uint32_t off, const void *desc)
{
	if (off == ETH_DMARDLAR)
		model.rx_base = model.rx_cur = (struct stm32_eth_desc *)(uintptr_t)desc;
	else if (off == ETH_DMATDLAR)
		model.tx_base = model.tx_cur = (struct stm32_eth_desc *)(uintptr_t)desc;
	else
		fail_msg("descriptor list address written to 0x%x", (unsigned)off);
}
