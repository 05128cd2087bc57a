/*
 * STM32F4 Ethernet MAC + DMA, zero copy both ways (see stm32_eth.h).
 *
 * Rings: normal descriptors, DSL = 0, wrapped by TER/RER on the last one.
 * RX: the descriptors holding a pbuf are the run [rx_head, rx_head +
 * rx_count) in ring order; the rest are empty and not owned by the DMA,
 * which stops there (RBUS) until rx_refill() attaches fresh pool pbufs and
 * issues a poll demand. A received frame leaves the ring as the pbufs the
 * DMA wrote into; frames dropped for errors are freed, never recycled in
 * place, so the run stays contiguous and in the DMA's order.
 * TX: [tx_tail, tx_tail + tx_count) are in flight; the frame's pbuf chain
 * is referenced on its last descriptor and freed by poll() (or by a tx()
 * that needs the room) once the DMA has cleared OWN.
 */
#include "stm32_eth.h"

#include <string.h>

#include "board.h"
#include "lwip/pbuf.h"
#include "stm32_eth_regs.h"

#define ETH_FCS_LEN         4u
#define ETH_HDR_LEN         14u
#define ETH_TX_FRAME_MAX    1518u   /* 1514 + an 802.1Q tag, FCS added by the MAC */
#define ETH_RX_BUF_SIZE     PBUF_POOL_BUFSIZE
#define ETH_DMA_PBL         32u
#define ETH_PHY_RESET_POLLS 5000u   /* MDIO reads, ~40 us each: LAN8742A resets in < 0.5 s */
#define ETH_ANLPAR          5u      /* IEEE 802.3 22.2.4.3.2 link partner ability */
#define ETH_AN_100FD        (1u << 8)
#define ETH_AN_100HD        (1u << 7)
#define ETH_AN_10FD         (1u << 6)
#define ETH_MII_DATA_Msk    0xFFFFu
#define ETH_HZ_150M         150000000u
#define ETH_HZ_100M         100000000u
#define ETH_HZ_60M          60000000u
#define ETH_HZ_35M          35000000u

_Static_assert(ETH_RX_BUF_SIZE % 4u == 0 && ETH_RX_BUF_SIZE <= ETH_RDES1_RBS1_Msk,
    "RX buffers: a multiple of 4 within RBS1 [33.6.8]");
#ifndef FW_HOST_TEST
_Static_assert(sizeof(struct stm32_eth_desc) == 16, "normal descriptor, DSL = 0");
#endif

#ifdef FW_HOST_TEST
#define ETH_DMB() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#else
#define ETH_DMB() __asm volatile("dmb" ::: "memory")
static inline uint32_t stm32_eth_rd(uint32_t off)
{
	return *(volatile uint32_t *)(STM32_ETH_BASE + off);
}

static inline void stm32_eth_wr(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(STM32_ETH_BASE + off) = v;
}

static inline void stm32_eth_wr_list(uint32_t off, const void *desc)
{
	stm32_eth_wr(off, (uint32_t)(uintptr_t)desc);
}
#endif

static struct stm32_eth_desc eth_rx_ring[STM32_ETH_RX_DESC] __attribute__((aligned(4)));
static struct stm32_eth_desc eth_tx_ring[STM32_ETH_TX_DESC] __attribute__((aligned(4)));
static struct pbuf *eth_rx_pbuf[STM32_ETH_RX_DESC];
static struct pbuf *eth_tx_pbuf[STM32_ETH_TX_DESC];    /* frame, on its LS descriptor */
static unsigned eth_rx_head, eth_rx_count;
static unsigned eth_tx_tail, eth_tx_count;
static bool eth_rx_starving;

static const struct stm32_eth_config *eth_cfg;
static bool eth_link;
static bool eth_link_polled;
static uint32_t eth_link_at;
static struct eth_mac_stats eth_st;
static struct stm32_eth_diag eth_diag;

/* ---------------------------------------------------------------- registers */

/* ES0182/ES0206 "successive write operations to the same register might
 * not be fully taken into account": write, read back, write again. */
static void eth_wr_settled(uint32_t off, uint32_t v)
{
	stm32_eth_wr(off, v);
	(void)stm32_eth_rd(off);
	stm32_eth_wr(off, v);
}

static bool eth_wait_clear(uint32_t off, uint32_t bits)
{
	for (uint32_t i = 0; i < STM32_ETH_SPINS; i++)
		if ((stm32_eth_rd(off) & bits) == 0)
			return true;
	return false;
}

static uint32_t eth_mdc_divider(uint32_t hclk)
{
	/* MDC must stay at or below 2.5 MHz [33.8.1, ETH_MACMIIAR CR]. */
	if (hclk >= ETH_HZ_150M)
		return ETH_MACMIIAR_CR_DIV102;
	if (hclk >= ETH_HZ_100M)
		return ETH_MACMIIAR_CR_DIV62;
	if (hclk >= ETH_HZ_60M)
		return ETH_MACMIIAR_CR_DIV42;
	if (hclk >= ETH_HZ_35M)
		return ETH_MACMIIAR_CR_DIV26;
	return ETH_MACMIIAR_CR_DIV16;
}

static uint32_t eth_mii_cmd(unsigned reg)
{
	return ((uint32_t)eth_cfg->phy_addr << ETH_MACMIIAR_PA_Pos) |
	    ((uint32_t)reg << ETH_MACMIIAR_MR_Pos) | eth_mdc_divider(eth_cfg->hclk_hz) |
	    ETH_MACMIIAR_MB;
}

static int eth_mdio_read(unsigned reg, uint16_t *v)
{
	if (!eth_wait_clear(ETH_MACMIIAR, ETH_MACMIIAR_MB))
		return -1;
	stm32_eth_wr(ETH_MACMIIAR, eth_mii_cmd(reg));
	if (!eth_wait_clear(ETH_MACMIIAR, ETH_MACMIIAR_MB))
		return -1;
	*v = (uint16_t)(stm32_eth_rd(ETH_MACMIIDR) & ETH_MII_DATA_Msk);
	return 0;
}

static int eth_mdio_write(unsigned reg, uint16_t v)
{
	if (!eth_wait_clear(ETH_MACMIIAR, ETH_MACMIIAR_MB))
		return -1;
	stm32_eth_wr(ETH_MACMIIDR, v);
	stm32_eth_wr(ETH_MACMIIAR, eth_mii_cmd(reg) | ETH_MACMIIAR_MW);
	return eth_wait_clear(ETH_MACMIIAR, ETH_MACMIIAR_MB) ? 0 : -1;
}

/* ---------------------------------------------------------------- PHY */

static int eth_phy_init(void)
{
	uint16_t id1, id2, bcr = PHY_BCR_RESET;

	/* Any PHY that answers will do: only IEEE 802.3 clause 22 registers
	 * are used. All ones is an MDIO line nobody drives. */
	if (eth_mdio_read(PHY_ID1, &id1) != 0 || eth_mdio_read(PHY_ID2, &id2) != 0 ||
	    (id1 == ETH_MII_DATA_Msk && id2 == ETH_MII_DATA_Msk))
		return -1;
	if (eth_mdio_write(PHY_BCR, PHY_BCR_RESET) != 0)
		return -1;
	for (uint32_t i = 0; i < ETH_PHY_RESET_POLLS && (bcr & PHY_BCR_RESET); i++)
		if (eth_mdio_read(PHY_BCR, &bcr) != 0)
			return -1;
	if (bcr & PHY_BCR_RESET)
		return -1;
	if (eth_mdio_write(PHY_ANAR, PHY_ANAR_ALL_CSMA) != 0)
		return -1;
	return eth_mdio_write(PHY_BCR, PHY_BCR_ANEN | PHY_BCR_ANRESTART);
}

/* Speed and duplex from what both ends advertised (IEEE 802.3 28B.3
 * priority order), applied to MACCR. */
static void eth_apply_link_mode(void)
{
	uint16_t anar = 0, anlpar = 0;
	uint32_t cr = stm32_eth_rd(ETH_MACCR) & ~(ETH_MACCR_FES | ETH_MACCR_DM);

	(void)eth_mdio_read(PHY_ANAR, &anar);
	(void)eth_mdio_read(ETH_ANLPAR, &anlpar);
	uint16_t common = anar & anlpar;
	if (common & ETH_AN_100FD)
		cr |= ETH_MACCR_FES | ETH_MACCR_DM;
	else if (common & ETH_AN_100HD)
		cr |= ETH_MACCR_FES;
	else if (common & ETH_AN_10FD)
		cr |= ETH_MACCR_DM;
	eth_wr_settled(ETH_MACCR, cr);
}

static bool eth_link_up(void)
{
	uint32_t now = board_now_ms();
	uint16_t bsr;

	if (eth_cfg == NULL)
		return false;
	if (eth_link_polled && now - eth_link_at < STM32_ETH_LINK_POLL_MS)
		return eth_link;
	eth_link_polled = true;
	eth_link_at = now;
	/* BSR's link bit latches low: the second read is the state now. */
	bool up = eth_mdio_read(PHY_BSR, &bsr) == 0 && eth_mdio_read(PHY_BSR, &bsr) == 0 &&
	    (bsr & PHY_BSR_LINK) && (bsr & PHY_BSR_ANDONE);
	if (up != eth_link) {
		eth_st.link_changes++;
		if (up)
			eth_apply_link_mode();
		eth_link = up;
	}
	return eth_link;
}

/* ---------------------------------------------------------------- MAC address */

#define ETH_FNV_OFFSET      0x811C9DC5u
#define ETH_FNV_PRIME       0x01000193u
#define ETH_MAC_LOCAL       0x02u   /* IEEE 802: locally administered */
#define ETH_MAC_GROUP       0x01u   /* IEEE 802: multicast */

static uint32_t eth_fnv1a(const uint32_t uid[3], uint32_t h)
{
	for (unsigned i = 0; i < 12; i++) {
		h ^= (uid[i / 4] >> (8u * (i % 4))) & 0xFFu;
		h *= ETH_FNV_PRIME;
	}
	return h;
}

void stm32_eth_mac_from_uid(const uint32_t uid[3], uint8_t mac[6])
{
	uint32_t a = eth_fnv1a(uid, ETH_FNV_OFFSET);
	uint32_t b = eth_fnv1a(uid, a);

	mac[0] = (uint8_t)(((a >> 24) & ~(uint32_t)(ETH_MAC_LOCAL | ETH_MAC_GROUP)) | ETH_MAC_LOCAL);
	mac[1] = (uint8_t)(a >> 16);
	mac[2] = (uint8_t)(a >> 8);
	mac[3] = (uint8_t)a;
	mac[4] = (uint8_t)(b >> 8);
	mac[5] = (uint8_t)b;
}

static void eth_set_mac(const uint8_t mac[6])
{
	stm32_eth_wr(ETH_MACA0HR, ETH_MACA0HR_MO | (uint32_t)mac[4] | ((uint32_t)mac[5] << 8));
	stm32_eth_wr(ETH_MACA0LR, (uint32_t)mac[0] | ((uint32_t)mac[1] << 8) |
	    ((uint32_t)mac[2] << 16) | ((uint32_t)mac[3] << 24));
}

/* ---------------------------------------------------------------- RX */

static unsigned eth_rx_idx(unsigned i)
{
	return i % STM32_ETH_RX_DESC;
}

static void eth_rx_refill(void)
{
	bool added = false;

	while (eth_rx_count < STM32_ETH_RX_DESC) {
		struct pbuf *q = pbuf_alloc(PBUF_RAW, ETH_RX_BUF_SIZE, PBUF_POOL);
		if (q == NULL) {
			if (!eth_rx_starving)
				eth_diag.rx_starved++;
			eth_rx_starving = true;
			break;
		}
		eth_rx_starving = false;
		unsigned t = eth_rx_idx(eth_rx_head + eth_rx_count);
		struct stm32_eth_desc *d = &eth_rx_ring[t];
		eth_rx_pbuf[t] = q;
		d->des2 = (stm32_eth_addr_t)(uintptr_t)q->payload;
		d->des1 = ETH_RX_BUF_SIZE | (t == STM32_ETH_RX_DESC - 1u ? ETH_RDES1_RER : 0u);
		ETH_DMB();
		d->des0 = ETH_RDES0_OWN;
		eth_rx_count++;
		added = true;
	}
	if (added) {
		ETH_DMB();
		/* Resumes a DMA suspended on an unowned descriptor [33.6.8]. */
		stm32_eth_wr(ETH_DMARPDR, 0);
	}
}

/* Take `n` descriptors off the head; their pbufs become a chain holding
 * `len` bytes, or are freed when `len` is 0 (a dropped frame). */
static struct pbuf *eth_rx_take(unsigned n, uint32_t len)
{
	struct pbuf *p = NULL;

	for (unsigned i = 0; i < n; i++) {
		unsigned h = eth_rx_idx(eth_rx_head + i);
		struct pbuf *q = eth_rx_pbuf[h];
		uint32_t seg = len < ETH_RX_BUF_SIZE ? len : ETH_RX_BUF_SIZE;

		eth_rx_pbuf[h] = NULL;
		eth_rx_ring[h].des0 = 0;
		len -= seg;
		if (seg == 0) {
			pbuf_free(q);
			continue;
		}
		pbuf_realloc(q, (u16_t)seg);
		if (p == NULL)
			p = q;
		else
			pbuf_cat(p, q);
	}
	eth_rx_head = eth_rx_idx(eth_rx_head + n);
	eth_rx_count -= n;
	return p;
}

/* Descriptors in the frame at the head (FS..LS), 0 while the DMA still
 * owns part of it. *status gets the LS descriptor's RDES0. */
static unsigned eth_rx_frame_len(uint32_t *status)
{
	for (unsigned n = 0; n < eth_rx_count; n++) {
		uint32_t s = eth_rx_ring[eth_rx_idx(eth_rx_head + n)].des0;
		if (s & ETH_RDES0_OWN)
			return 0;
		if (n == 0 && (s & ETH_RDES0_FS) == 0) {
			*status = ETH_RDES0_ES;   /* a tail without its head: drop it */
			return 1;
		}
		if (s & ETH_RDES0_LS) {
			*status = s;
			return n + 1;
		}
	}
	/* No last segment yet. A frame filling the whole ring can never end. */
	if (eth_rx_count == STM32_ETH_RX_DESC) {
		*status = ETH_RDES0_ES;
		return eth_rx_count;
	}
	return 0;
}

static struct pbuf *eth_rx_frame(void)
{
	for (unsigned tries = 0; tries < STM32_ETH_RX_DESC; tries++) {
		uint32_t s = 0;
		unsigned n = eth_rx_frame_len(&s);
		if (n == 0)
			return NULL;
		uint32_t fl = (s >> ETH_RDES0_FL_Pos) & ETH_RDES0_FL_Msk;
		if (s & (ETH_RDES0_ES | ETH_RDES0_DE)) {
			eth_st.rx_errors++;
			(void)eth_rx_take(n, 0);
			continue;
		}
		if (fl < ETH_HDR_LEN + ETH_FCS_LEN || fl > n * ETH_RX_BUF_SIZE) {
			eth_diag.rx_runts += fl < ETH_HDR_LEN + ETH_FCS_LEN;
			eth_st.rx_errors++;
			(void)eth_rx_take(n, 0);
			continue;
		}
		eth_st.rx_frames++;
		eth_st.rx_bytes += fl - ETH_FCS_LEN;
		return eth_rx_take(n, fl - ETH_FCS_LEN);
	}
	return NULL;
}

/* ---------------------------------------------------------------- TX */

static unsigned eth_tx_idx(unsigned i)
{
	return i % STM32_ETH_TX_DESC;
}

static void eth_tx_reclaim(void)
{
	while (eth_tx_count > 0) {
		struct stm32_eth_desc *d = &eth_tx_ring[eth_tx_tail];
		uint32_t s = d->des0;
		if (s & ETH_TDES0_OWN)
			break;
		struct pbuf *f = eth_tx_pbuf[eth_tx_tail];
		if (f != NULL) {
			/* Status is written to the last segment's TDES0 [33.6.7];
			 * ES covers underflow (UF), carrier loss, collisions. */
			if (s & ETH_TDES0_ES) {
				eth_st.tx_errors++;
			} else {
				eth_st.tx_frames++;
				eth_st.tx_bytes += f->tot_len;
			}
			eth_tx_pbuf[eth_tx_tail] = NULL;
			pbuf_free(f);
		}
		d->des0 = eth_tx_tail == STM32_ETH_TX_DESC - 1u ? ETH_TDES0_TER : 0u;
		eth_tx_tail = eth_tx_idx(eth_tx_tail + 1u);
		eth_tx_count--;
	}
}

/* Segments with data in `p`; *reachable false when one lies where the
 * DMA cannot read (CCM, flash) or is longer than a descriptor holds. */
static unsigned eth_tx_segments(const struct pbuf *p, bool *reachable)
{
	unsigned n = 0;

	*reachable = true;
	for (const struct pbuf *q = p; q != NULL; q = q->next) {
		if (q->len == 0)
			continue;
		uintptr_t a = (uintptr_t)q->payload;
		if (a < eth_cfg->dma_lo || a + q->len > eth_cfg->dma_hi || q->len > ETH_TDES1_TBS1_Msk)
			*reachable = false;
		n++;
	}
	return n;
}

static void eth_tx_queue(struct pbuf *f, unsigned n)
{
	unsigned first = eth_tx_idx(eth_tx_tail + eth_tx_count);
	unsigned i = 0, at = first;

	for (struct pbuf *q = f; q != NULL; q = q->next) {
		if (q->len == 0)
			continue;
		struct stm32_eth_desc *d = &eth_tx_ring[at];
		uint32_t s = at == STM32_ETH_TX_DESC - 1u ? ETH_TDES0_TER : 0u;
		i++;
		if (i == 1)
			s |= ETH_TDES0_FS;
		if (i == n)
			s |= ETH_TDES0_LS | ETH_TDES0_IC;
		d->des2 = (stm32_eth_addr_t)(uintptr_t)q->payload;
		d->des1 = q->len;
		/* The first descriptor is handed over last, so the DMA never
		 * starts on a half-built frame. */
		d->des0 = s | (i == 1 ? 0u : ETH_TDES0_OWN);
		eth_tx_pbuf[at] = i == n ? f : NULL;
		at = eth_tx_idx(at + 1u);
	}
	eth_tx_count += n;
	ETH_DMB();
	eth_tx_ring[first].des0 |= ETH_TDES0_OWN;
	ETH_DMB();
	stm32_eth_wr(ETH_DMATPDR, 0);
}

static int eth_tx(struct pbuf *p)
{
	bool reachable;

	if (eth_cfg == NULL)
		return -1;
	eth_tx_reclaim();
	unsigned n = eth_tx_segments(p, &reachable);
	if (n == 0 || p->tot_len > ETH_TX_FRAME_MAX) {
		eth_diag.tx_too_long += n != 0;
		eth_st.tx_errors++;
		return -1;
	}
	struct pbuf *f = p;
	if (reachable) {
		pbuf_ref(p);
	} else {
		/* A payload the DMA cannot read goes out as a copy in the
		 * lwIP heap, which is in SRAM. */
		f = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
		if (f == NULL) {
			eth_st.tx_errors++;
			return -1;
		}
		eth_diag.tx_bounced++;
		n = 1;
	}
	if (n > STM32_ETH_TX_DESC - eth_tx_count) {
		eth_diag.tx_ring_full++;
		eth_st.tx_errors++;
		pbuf_free(f);
		return -1;
	}
	eth_tx_queue(f, n);
	return 0;
}

/* ---------------------------------------------------------------- service */

static void eth_count_missed(void)
{
	/* Frames lost because no descriptor was ready (MFC) or the RX FIFO
	 * overflowed meanwhile (MFA): both come from a pool that ran dry. */
	uint32_t m = stm32_eth_rd(ETH_DMAMFBOCR);

	eth_st.rx_dropped_nopbuf += (m & ETH_DMAMFBOCR_MFC_Msk) +
	    ((m >> ETH_DMAMFBOCR_MFA_Pos) & ETH_DMAMFBOCR_MFA_Msk);
}

static struct pbuf *eth_rx(void)
{
	if (eth_cfg == NULL)
		return NULL;
	struct pbuf *p = eth_rx_frame();
	eth_rx_refill();
	return p;
}

/* A whole frame at the ring's head that the DMA has handed back (or a
 * broken one rx() will drop), read from the descriptors themselves: the
 * DMA closes them before it raises RS, so a frame received just before
 * the main loop sleeps is seen here and the loop does not sleep on it. */
static bool eth_rx_pending(void)
{
	uint32_t s;

	return eth_cfg != NULL && eth_rx_frame_len(&s) != 0;
}

/* Housekeeping from the main loop: frames the DMA has sent give their
 * pbufs back, the missed-frame counter is read (it clears on read), and
 * a ring starved by an empty pool is refilled from pbufs freed since. */
static void eth_poll(void)
{
	if (eth_cfg == NULL)
		return;
	eth_tx_reclaim();
	eth_count_missed();
	eth_rx_refill();
}

void stm32_eth_isr(void)
{
	uint32_t sr = stm32_eth_rd(ETH_DMASR);

	/* Acknowledge only; the main loop walks the rings. */
	stm32_eth_wr(ETH_DMASR, sr & ETH_DMASR_W1C_Msk);
	eth_diag.irqs++;
	if (sr & ETH_DMASR_FBES)
		eth_diag.fatal_bus++;
}

/* ---------------------------------------------------------------- init */

static void eth_rings_init(void)
{
	memset(eth_tx_ring, 0, sizeof eth_tx_ring);
	memset(eth_rx_ring, 0, sizeof eth_rx_ring);
	eth_tx_ring[STM32_ETH_TX_DESC - 1u].des0 = ETH_TDES0_TER;
	eth_tx_tail = 0;
	eth_tx_count = 0;
	eth_rx_head = 0;
	eth_rx_count = 0;
	eth_rx_refill();
	stm32_eth_wr_list(ETH_DMATDLAR, eth_tx_ring);
	stm32_eth_wr_list(ETH_DMARDLAR, eth_rx_ring);
}

static void eth_start(void)
{
	uint32_t omr = ETH_DMAOMR_RSF | ETH_DMAOMR_TSF;

	stm32_eth_wr(ETH_DMAIER, ETH_DMAIER_NISE | ETH_DMAIER_AISE | ETH_DMAIER_RIE |
	    ETH_DMAIER_TIE | ETH_DMAIER_ROIE | ETH_DMAIER_TUIE | ETH_DMAIER_RBUIE |
	    ETH_DMAIER_FBEIE);
	/* Start order from RM0090 33.6.10 step 10: MAC TX, flush, MAC RX, DMA. */
	eth_wr_settled(ETH_MACCR, stm32_eth_rd(ETH_MACCR) | ETH_MACCR_TE);
	eth_wr_settled(ETH_DMAOMR, omr | ETH_DMAOMR_FTF);
	(void)eth_wait_clear(ETH_DMAOMR, ETH_DMAOMR_FTF);
	eth_wr_settled(ETH_MACCR, stm32_eth_rd(ETH_MACCR) | ETH_MACCR_RE);
	eth_wr_settled(ETH_DMAOMR, omr | ETH_DMAOMR_ST | ETH_DMAOMR_SR);
}

static int eth_init(uint8_t mac[6])
{
	static const uint32_t no_uid[3];

	if (eth_cfg == NULL)
		return -1;
	if (eth_cfg->hw_setup != NULL)
		eth_cfg->hw_setup();
	/* The reset completes only with the PHY's 50 MHz REF_CLK running. */
	stm32_eth_wr(ETH_DMABMR, ETH_DMABMR_SR);
	if (!eth_wait_clear(ETH_DMABMR, ETH_DMABMR_SR) || eth_phy_init() != 0)
		return -1;
	if (eth_cfg->mac_set)
		memcpy(mac, eth_cfg->mac, 6);
	else
		stm32_eth_mac_from_uid(eth_cfg->uid != NULL ? eth_cfg->uid : no_uid, mac);
	eth_set_mac(mac);
	stm32_eth_wr(ETH_MACFFR, 0);
	eth_wr_settled(ETH_MACCR, ETH_MACCR_FES | ETH_MACCR_DM);
	stm32_eth_wr(ETH_DMABMR, ETH_DMABMR_AAB | ETH_DMABMR_FB | (ETH_DMA_PBL << ETH_DMABMR_PBL_Pos));
	eth_rings_init();
	eth_link = false;
	eth_link_polled = false;
	eth_start();
	if (eth_cfg->irq_enable != NULL)
		eth_cfg->irq_enable();
	return 0;
}

static const struct eth_mac_ops eth_ops = {
	.init = eth_init,
	.tx = eth_tx,
	.rx = eth_rx,
	.rx_pending = eth_rx_pending,
	.poll = eth_poll,
	.link_up = eth_link_up,
	.stats = &eth_st,
};

const struct eth_mac_ops *stm32_eth_ops(const struct stm32_eth_config *cfg)
{
	eth_cfg = cfg;
	return &eth_ops;
}

const struct stm32_eth_diag *stm32_eth_diag(void)
{
	return &eth_diag;
}

#ifdef FW_HOST_TEST
void stm32_eth_test_reset(void)
{
	for (unsigned i = 0; i < STM32_ETH_RX_DESC; i++)
		if (eth_rx_pbuf[i] != NULL)
			pbuf_free(eth_rx_pbuf[i]);
	for (unsigned i = 0; i < STM32_ETH_TX_DESC; i++)
		if (eth_tx_pbuf[i] != NULL)
			pbuf_free(eth_tx_pbuf[i]);
	memset(eth_rx_pbuf, 0, sizeof eth_rx_pbuf);
	memset(eth_tx_pbuf, 0, sizeof eth_tx_pbuf);
	eth_rx_head = eth_rx_count = eth_tx_tail = eth_tx_count = 0;
	eth_rx_starving = false;
	eth_cfg = NULL;
	eth_link = eth_link_polled = false;
	eth_link_at = 0;
	memset(&eth_st, 0, sizeof eth_st);
	memset(&eth_diag, 0, sizeof eth_diag);
}
#endif
