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
 * that needs the room) once the DMA has cleared OWN. Its fields are read
 * in tx() only: TCP sends from its send queue in place and takes the
 * headers off again (and relinks the queue) as soon as tx() returns.
 *
 * Bring-up (eth_bring_up): the board's clocks and pins, the DMA soft
 * reset, the MAC's own interrupts masked, the PHY checked, reset and
 * started, then MAC, rings and DMA. A step that fails leaves the driver
 * in STM32_ETH_RETRY and poll() tries again later (stm32_eth.h).
 */
#include "stm32_eth.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "lwip/pbuf.h"
#include "stm32_eth_regs.h"

#define ETH_FCS_LEN         4u
#define ETH_HDR_LEN         14u
#define ETH_TX_FRAME_MAX    1518u   /* 1514 + an 802.1Q tag, FCS added by the MAC */
#define ETH_RX_BUF_SIZE     PBUF_POOL_BUFSIZE
#define ETH_DMA_PBL         32u
#define ETH_MII_DATA_Msk    0xFFFFu
#define ETH_HZ_150M         150000000u
#define ETH_HZ_100M         100000000u
#define ETH_HZ_60M          60000000u
#define ETH_HZ_35M          35000000u
#define ETH_US_PER_MS       1000u
#define ETH_POLL_US         10u     /* between two reads of a bit being waited for */
#define ETH_PHY_POLL_US     1000u   /* between two MDIO reads of BCR.RESET */
/* ES0206 (rev 18) 2.17.5, "Successive write operations to the same
 * register might not be fully taken into account": a write within four
 * TX_CLK/RX_CLK cycles of the previous one to the same MAC or DMA
 * register may be lost. At 10 Mbit/s those clocks run at 2.5 MHz, so
 * four are 1.6 us. */
#define ETH_ES0206_GAP_US   2u
#define ETH_LOG_MAX         160u
#define ETH_MODE_Msk        (ETH_MACCR_FES | ETH_MACCR_DM)

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
/* Its length as tx() saw it: the sender may change the pbuf's fields once
 * tx() returns, never its bytes (eth_mac.h). */
static uint16_t eth_tx_len[STM32_ETH_TX_DESC];
static unsigned eth_rx_head, eth_rx_count;
static unsigned eth_tx_tail, eth_tx_count;
static bool eth_rx_starving;

static const struct stm32_eth_config *eth_cfg;
static uint8_t eth_mac[6];
static uint32_t eth_mode = ETH_MODE_Msk;  /* MACCR speed/duplex; 100FD until a link says */
static bool eth_irq_on;
static uint32_t eth_retry_from, eth_retry_wait;
static volatile bool eth_bus_error;       /* set by the ISR, served by poll() */
static volatile uint32_t eth_bus_error_sr;
static bool eth_link;
static bool eth_link_polled;
static uint32_t eth_link_at;
static uint16_t eth_phy_bsr, eth_phy_pscsr, eth_phy_anlpar;   /* as last read */
static struct eth_mac_stats eth_st;
static struct stm32_eth_diag eth_diag;

static void eth_settle(enum stm32_eth_fail f);
static enum stm32_eth_fail eth_bring_up(void);
static void eth_recover_bus_error(void);

/* ---------------------------------------------------------------- time, registers */

static void eth_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void eth_log(const char *fmt, ...)
{
	char line[ETH_LOG_MAX];
	va_list ap;

	if (eth_cfg->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	eth_cfg->log(line);
}

/* A bound in time on a wait for the hardware: the board's millisecond
 * clock, and the busy waits spent in between, whichever ends it first,
 * so the bound holds with interrupts masked too. */
struct eth_deadline {
	uint32_t t0, limit_ms, waited_us;
};

static void eth_deadline_start(struct eth_deadline *d, uint32_t limit_ms)
{
	d->t0 = board_now_ms();
	d->limit_ms = limit_ms;
	d->waited_us = 0;
}

/* False once the limit has passed; otherwise waits `us` and says true. */
static bool eth_deadline_wait(struct eth_deadline *d, uint32_t us)
{
	if (board_now_ms() - d->t0 > d->limit_ms || d->waited_us >= d->limit_ms * ETH_US_PER_MS)
		return false;
	eth_cfg->delay_us(us);
	d->waited_us += us;
	return true;
}

/* Until (register & mask) == want, at most limit_ms. */
static bool eth_wait(uint32_t off, uint32_t mask, uint32_t want, uint32_t limit_ms)
{
	struct eth_deadline d;

	eth_deadline_start(&d, limit_ms);
	while ((stm32_eth_rd(off) & mask) != want)
		if (!eth_deadline_wait(&d, ETH_POLL_US))
			return false;
	return true;
}

/* A write to a register ES0206 2.17.5 names (MACCR, MACFFR, MACA0HR/LR,
 * DMABMR, DMAOMR here), then the erratum's gap, so the next write to it
 * always comes late enough to be taken (its first workaround). */
static void eth_wr_spaced(uint32_t off, uint32_t v)
{
	stm32_eth_wr(off, v);
	eth_cfg->delay_us(ETH_ES0206_GAP_US);
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
	if (!eth_wait(ETH_MACMIIAR, ETH_MACMIIAR_MB, 0, STM32_ETH_MDIO_MS))
		return -1;
	stm32_eth_wr(ETH_MACMIIAR, eth_mii_cmd(reg));
	if (!eth_wait(ETH_MACMIIAR, ETH_MACMIIAR_MB, 0, STM32_ETH_MDIO_MS))
		return -1;
	*v = (uint16_t)(stm32_eth_rd(ETH_MACMIIDR) & ETH_MII_DATA_Msk);
	return 0;
}

static int eth_mdio_write(unsigned reg, uint16_t v)
{
	if (!eth_wait(ETH_MACMIIAR, ETH_MACMIIAR_MB, 0, STM32_ETH_MDIO_MS))
		return -1;
	stm32_eth_wr(ETH_MACMIIDR, v);
	stm32_eth_wr(ETH_MACMIIAR, eth_mii_cmd(reg) | ETH_MACMIIAR_MW);
	return eth_wait(ETH_MACMIIAR, ETH_MACMIIAR_MB, 0, STM32_ETH_MDIO_MS) ? 0 : -1;
}

/* ---------------------------------------------------------------- PHY */

static bool eth_phy_is_lan8742a(void)
{
	return eth_diag.phy_id1 == PHY_ID1_LAN8742A &&
	    (eth_diag.phy_id2 & PHY_ID2_MODEL_Msk) == PHY_ID2_LAN8742A;
}

/* The PHY's identity: register 31's speed indication below is the
 * LAN8742A's own (datasheet, register 31), another PHY's would be
 * misread. All ones is an MDIO line nobody drives, all zeros one held
 * low. */
static enum stm32_eth_fail eth_phy_identify(void)
{
	uint16_t id1, id2;

	if (eth_mdio_read(PHY_ID1, &id1) != 0 || eth_mdio_read(PHY_ID2, &id2) != 0)
		return STM32_ETH_FAIL_MDIO;
	eth_diag.phy_id1 = id1;
	eth_diag.phy_id2 = id2;
	if ((id1 == ETH_MII_DATA_Msk && id2 == ETH_MII_DATA_Msk) || (id1 == 0 && id2 == 0))
		return STM32_ETH_FAIL_PHY_NONE;
	if (!eth_phy_is_lan8742a())
		return STM32_ETH_FAIL_PHY_ID;
	return STM32_ETH_FAIL_NONE;
}

/* Identify, soft reset (BCR.RESET self-clears), advertise every CSMA/CD
 * mode and restart auto-negotiation. */
static enum stm32_eth_fail eth_phy_init(void)
{
	struct eth_deadline d;
	uint16_t bcr;
	enum stm32_eth_fail f = eth_phy_identify();

	if (f != STM32_ETH_FAIL_NONE)
		return f;
	if (eth_mdio_write(PHY_BCR, PHY_BCR_RESET) != 0)
		return STM32_ETH_FAIL_MDIO;
	eth_deadline_start(&d, STM32_ETH_PHY_RESET_MS);
	do {
		if (eth_mdio_read(PHY_BCR, &bcr) != 0)
			return STM32_ETH_FAIL_MDIO;
		if ((bcr & PHY_BCR_RESET) == 0)
			break;
	} while (eth_deadline_wait(&d, ETH_PHY_POLL_US));
	if (bcr & PHY_BCR_RESET)
		return STM32_ETH_FAIL_PHY_RESET;
	if (eth_mdio_write(PHY_ANAR, PHY_ANAR_ALL_CSMA) != 0 ||
	    eth_mdio_write(PHY_BCR, PHY_BCR_ANEN | PHY_BCR_ANRESTART) != 0)
		return STM32_ETH_FAIL_MDIO;
	return STM32_ETH_FAIL_NONE;
}

/* ---------------------------------------------------------------- MAC start, stop, mode */

/* Start order from RM0090 33.6.10 step 10: MAC transmitter, TX FIFO
 * flush, MAC receiver, then both DMAs. FTF is written once: DMAOMR
 * "should not be written to until this bit is cleared" [33.8.3, FTF],
 * and a flush that never ends is a failure, not something to run over. */
static enum stm32_eth_fail eth_start(void)
{
	uint32_t omr = ETH_DMAOMR_RSF | ETH_DMAOMR_TSF;

	eth_wr_spaced(ETH_MACCR, stm32_eth_rd(ETH_MACCR) | ETH_MACCR_TE);
	eth_wr_spaced(ETH_DMAOMR, omr | ETH_DMAOMR_FTF);
	if (!eth_wait(ETH_DMAOMR, ETH_DMAOMR_FTF, 0, STM32_ETH_FLUSH_MS))
		return STM32_ETH_FAIL_FLUSH;
	eth_wr_spaced(ETH_MACCR, stm32_eth_rd(ETH_MACCR) | ETH_MACCR_RE);
	eth_wr_spaced(ETH_DMAOMR, omr | ETH_DMAOMR_ST | ETH_DMAOMR_SR);
	return STM32_ETH_FAIL_NONE;
}

/* Stopping, in the order the MAC's documentation gives for pausing
 * transmission: TX DMA off, the frame in progress finished (TPS stopped,
 * the TX FIFO empty and the frame controller idle, ETH_MACDBGR), MAC
 * transmitter and receiver off, the RX FIFO drained, RX DMA off. Both
 * DMAs keep their place in the rings for the restart [33.8.3, DMAOMR ST
 * and SR]. */
static void eth_stop(void)
{
	uint32_t omr = stm32_eth_rd(ETH_DMAOMR);

	eth_wr_spaced(ETH_DMAOMR, omr & ~ETH_DMAOMR_ST);
	bool idle = eth_wait(ETH_DMASR, ETH_DMASR_TPS_Msk, 0, STM32_ETH_STOP_MS) &&
	    eth_wait(ETH_MACDBGR, ETH_MACDBGR_TFNE | ETH_MACDBGR_MTFCS_Msk, 0, STM32_ETH_STOP_MS);
	eth_wr_spaced(ETH_MACCR, stm32_eth_rd(ETH_MACCR) & ~(ETH_MACCR_TE | ETH_MACCR_RE));
	idle = eth_wait(ETH_MACDBGR, ETH_MACDBGR_RFFL_Msk, 0, STM32_ETH_STOP_MS) && idle;
	eth_wr_spaced(ETH_DMAOMR, omr & ~(ETH_DMAOMR_ST | ETH_DMAOMR_SR));
	if (!idle)
		eth_diag.stop_timeouts++;
}

/* FES and DM change only with the MAC stopped, then it starts again. */
static enum stm32_eth_fail eth_set_mode(uint32_t mode)
{
	eth_stop();
	eth_wr_spaced(ETH_MACCR, (stm32_eth_rd(ETH_MACCR) & ~ETH_MODE_Msk) | mode);
	eth_mode = mode;
	eth_diag.mode_changes++;
	return eth_start();
}

/* ---------------------------------------------------------------- link */

/* Speed and duplex as the PHY runs them: the LAN8742A's speed indication
 * (register 31, bits 4:2), not ANAR & ANLPAR, which a partner that does
 * not auto-negotiate leaves empty while the PHY settles on its speed by
 * parallel detection (IEEE 802.3 28.2.3.1). False while it names none
 * of the four modes. */
static bool eth_mode_from_pscsr(uint16_t pscsr, uint32_t *mode)
{
	switch ((pscsr >> PHY_PSCSR_SPEED_Pos) & PHY_PSCSR_SPEED_Msk) {
	case PHY_PSCSR_10HD:
		*mode = 0;
		return true;
	case PHY_PSCSR_10FD:
		*mode = ETH_MACCR_DM;
		return true;
	case PHY_PSCSR_100HD:
		*mode = ETH_MACCR_FES;
		return true;
	case PHY_PSCSR_100FD:
		*mode = ETH_MACCR_FES | ETH_MACCR_DM;
		return true;
	default:
		return false;
	}
}

/* On a link coming up: the PHY's mode into MACCR. False keeps the link
 * reported down (no mode yet, or the MAC did not restart). */
static bool eth_link_mode_apply(void)
{
	uint16_t pscsr, anlpar;
	uint32_t mode;

	if (eth_mdio_read(PHY_PSCSR, &pscsr) != 0 || !eth_mode_from_pscsr(pscsr, &mode))
		return false;
	eth_phy_pscsr = pscsr;
	if (eth_mdio_read(PHY_ANLPAR, &anlpar) == 0)
		eth_phy_anlpar = anlpar;
	if (mode == eth_mode)
		return true;
	enum stm32_eth_fail f = eth_set_mode(mode);
	if (f == STM32_ETH_FAIL_NONE)
		return true;
	eth_settle(f);
	return false;
}

/* BSR's link bit latches low (IEEE 802.3 22.2.4.2.13): the first read
 * says whether the link held since the last one, the second what it is
 * now. Up now but lost meanwhile is a flap: it is reported down once, so
 * the next poll takes it up as a new link, whose partner may have come
 * back at another speed. */
static bool eth_phy_link(void)
{
	uint16_t was, bsr;

	if (eth_mdio_read(PHY_BSR, &was) != 0 || eth_mdio_read(PHY_BSR, &bsr) != 0)
		return false;
	eth_phy_bsr = bsr;
	bool up = (bsr & PHY_BSR_LINK) && (bsr & PHY_BSR_ANDONE);
	if (up && eth_link && (was & PHY_BSR_LINK) == 0) {
		eth_diag.link_flaps++;
		return false;
	}
	return up;
}

static bool eth_link_up(void)
{
	uint32_t now = board_now_ms();

	if (eth_cfg == NULL)
		return false;
	if (eth_link_polled && now - eth_link_at < STM32_ETH_LINK_POLL_MS)
		return eth_link;
	eth_link_polled = true;
	eth_link_at = now;
	bool up = eth_diag.state == STM32_ETH_RUNNING && eth_phy_link();
	if (up && !eth_link)
		up = eth_link_mode_apply();
	if (up != eth_link) {
		eth_st.link_changes++;
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
				eth_st.tx_bytes += eth_tx_len[eth_tx_tail];
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
		eth_tx_len[at] = i == n ? f->tot_len : 0u;
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

	if (eth_cfg == NULL || eth_diag.state != STM32_ETH_RUNNING) {
		eth_st.tx_errors++;
		return -1;
	}
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

/* Frames lost because no descriptor was ready (MFC) or the RX FIFO
 * overflowed meanwhile (MFA); the register clears on read. While refills
 * find the pool empty that is the pool's doing (rx_dropped_nopbuf);
 * otherwise every descriptor held a frame the main loop had not taken
 * yet (rx_missed). */
static void eth_count_missed(void)
{
	uint32_t m = stm32_eth_rd(ETH_DMAMFBOCR);
	uint32_t n = (m & ETH_DMAMFBOCR_MFC_Msk) + ((m >> ETH_DMAMFBOCR_MFA_Pos) & ETH_DMAMFBOCR_MFA_Msk);

	if (eth_rx_starving)
		eth_st.rx_dropped_nopbuf += n;
	else
		eth_st.rx_missed += n;
}

static struct pbuf *eth_rx(void)
{
	if (eth_cfg == NULL || eth_diag.state != STM32_ETH_RUNNING)
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

/* Housekeeping from the main loop: a due retry of the bring-up, or a
 * recovery; else frames the DMA has sent give their pbufs back, the
 * missed-frame counter is read and a ring starved by an empty pool is
 * refilled from pbufs freed since. */
static void eth_poll(void)
{
	if (eth_cfg == NULL)
		return;
	switch (eth_diag.state) {
	case STM32_ETH_OFF:
		return;
	case STM32_ETH_RETRY:
		if (board_now_ms() - eth_retry_from >= eth_retry_wait)
			eth_settle(eth_bring_up());
		return;
	case STM32_ETH_RUNNING:
		break;
	}
	if (eth_bus_error) {
		eth_recover_bus_error();
		return;
	}
	eth_tx_reclaim();
	eth_count_missed();
	eth_rx_refill();
}

void stm32_eth_isr(void)
{
	uint32_t sr = stm32_eth_rd(ETH_DMASR);

	/* Acknowledge, count, flag; the main loop walks the rings. */
	stm32_eth_wr(ETH_DMASR, sr & ETH_DMASR_W1C_Msk);
	eth_diag.irqs++;
	if (sr & ETH_DMASR_RBUS)
		eth_diag.rx_buf_unavail++;
	if (sr & ETH_DMASR_FBES) {
		eth_diag.fatal_bus++;
		eth_bus_error_sr = sr;
		eth_bus_error = true;
	}
}

/* ---------------------------------------------------------------- bring-up */

/* The pbufs parked in the rings go back; frames still in flight are
 * lost (counted as TX errors). */
static void eth_rings_release(void)
{
	for (unsigned i = 0; i < STM32_ETH_RX_DESC; i++) {
		if (eth_rx_pbuf[i] != NULL)
			pbuf_free(eth_rx_pbuf[i]);
		eth_rx_pbuf[i] = NULL;
	}
	for (unsigned i = 0; i < STM32_ETH_TX_DESC; i++) {
		if (eth_tx_pbuf[i] == NULL)
			continue;
		pbuf_free(eth_tx_pbuf[i]);
		eth_tx_pbuf[i] = NULL;
		eth_diag.tx_lost++;
		eth_st.tx_errors++;
	}
	eth_rx_head = eth_rx_count = eth_tx_tail = eth_tx_count = 0;
}

static void eth_rings_init(void)
{
	eth_rings_release();
	memset(eth_tx_ring, 0, sizeof eth_tx_ring);
	memset(eth_rx_ring, 0, sizeof eth_rx_ring);
	eth_tx_ring[STM32_ETH_TX_DESC - 1u].des0 = ETH_TDES0_TER;
	eth_rx_refill();
	stm32_eth_wr_list(ETH_DMATDLAR, eth_tx_ring);
	stm32_eth_wr_list(ETH_DMARDLAR, eth_rx_ring);
}

/* The soft reset of the whole MAC subsystem, which completes only with
 * the PHY's 50 MHz REF_CLK running [33.8.3, DMABMR SR]. It leaves every
 * MAC interrupt unmasked; those the driver never serves are masked, as
 * ST's HAL does: the MMC counters' (their status clears only at the
 * counter, so at 2^31 frames the line would stay asserted and the
 * handler re-enter for good) and the time stamp and PMT ones. */
static enum stm32_eth_fail eth_dma_reset(void)
{
	eth_wr_spaced(ETH_DMABMR, ETH_DMABMR_SR);
	if (!eth_wait(ETH_DMABMR, ETH_DMABMR_SR, 0, STM32_ETH_DMA_RESET_MS))
		return STM32_ETH_FAIL_DMA_RESET;
	stm32_eth_wr(ETH_MACIMR, ETH_MACIMR_TSTIM | ETH_MACIMR_PMTIM);
	stm32_eth_wr(ETH_MMCRIMR, ETH_MMCRIMR_ALL);
	stm32_eth_wr(ETH_MMCTIMR, ETH_MMCTIMR_ALL);
	return STM32_ETH_FAIL_NONE;
}

/* After the reset: station address, filter (own unicast, broadcast and
 * every multicast: IPv6 neighbour discovery reaches us at solicited-node
 * groups, RFC 4861 7.2.1, which the hash filter would need kept in step
 * with MLD; lwIP drops the groups it has not joined),
 * speed/duplex (the reserved bits as the reset left them), bus mode,
 * rings, DMA interrupts, start. */
static enum stm32_eth_fail eth_mac_dma_start(void)
{
	eth_wr_spaced(ETH_MACA0HR, ETH_MACA0HR_MO | (uint32_t)eth_mac[4] | ((uint32_t)eth_mac[5] << 8));
	eth_wr_spaced(ETH_MACA0LR, (uint32_t)eth_mac[0] | ((uint32_t)eth_mac[1] << 8) |
	    ((uint32_t)eth_mac[2] << 16) | ((uint32_t)eth_mac[3] << 24));
	eth_wr_spaced(ETH_MACFFR, ETH_MACFFR_PAM);
	eth_wr_spaced(ETH_MACCR, (stm32_eth_rd(ETH_MACCR) &
	    ~(ETH_MODE_Msk | ETH_MACCR_TE | ETH_MACCR_RE)) | eth_mode);
	eth_wr_spaced(ETH_DMABMR, ETH_DMABMR_AAB | ETH_DMABMR_FB | (ETH_DMA_PBL << ETH_DMABMR_PBL_Pos));
	eth_rings_init();
	stm32_eth_wr(ETH_DMAIER, ETH_DMAIER_NISE | ETH_DMAIER_AISE | ETH_DMAIER_RIE |
	    ETH_DMAIER_TIE | ETH_DMAIER_ROIE | ETH_DMAIER_TUIE | ETH_DMAIER_RBUIE |
	    ETH_DMAIER_FBEIE);
	return eth_start();
}

static enum stm32_eth_fail eth_bring_up(void)
{
	enum stm32_eth_fail f;

	eth_diag.attempts++;
	if (eth_cfg->hw_setup != NULL)
		eth_cfg->hw_setup();
	f = eth_dma_reset();
	if (f == STM32_ETH_FAIL_NONE)
		f = eth_phy_init();
	if (f == STM32_ETH_FAIL_NONE)
		f = eth_mac_dma_start();
	return f;
}

static const char *eth_fail_name(enum stm32_eth_fail f)
{
	switch (f) {
	case STM32_ETH_FAIL_NONE:
		return "none";
	case STM32_ETH_FAIL_HCLK:
		return "hclk-below-25mhz";
	case STM32_ETH_FAIL_DMA_RESET:
		return "dma-reset-timeout";
	case STM32_ETH_FAIL_MDIO:
		return "mdio-timeout";
	case STM32_ETH_FAIL_PHY_NONE:
		return "phy-not-answering";
	case STM32_ETH_FAIL_PHY_ID:
		return "phy-not-lan8742a";
	case STM32_ETH_FAIL_PHY_RESET:
		return "phy-reset-timeout";
	case STM32_ETH_FAIL_FLUSH:
		return "tx-flush-timeout";
	}
	return "?";
}

/* What a person can check, after a failure's name. */
static const char *eth_fail_hint(enum stm32_eth_fail f)
{
	switch (f) {
	case STM32_ETH_FAIL_DMA_RESET:
		return " (no 50 MHz REF_CLK from the PHY on PA1?)";
	case STM32_ETH_FAIL_MDIO:
	case STM32_ETH_FAIL_PHY_NONE:
		return " (nothing answers on MDIO PA2/MDC PC1 at this PHY address)";
	case STM32_ETH_FAIL_NONE:
	case STM32_ETH_FAIL_HCLK:
	case STM32_ETH_FAIL_PHY_ID:
	case STM32_ETH_FAIL_PHY_RESET:
	case STM32_ETH_FAIL_FLUSH:
		break;
	}
	return "";
}

/* Running: the PHY's identity said the first time (at boot, or when a
 * retry succeeds), the interrupt enabled the first time. */
static void eth_running(void)
{
	if (eth_diag.state != STM32_ETH_RUNNING) {
		eth_log("eth: phy=lan8742a addr=%u id=0x%04x:0x%04x rev=%u",
		    (unsigned)eth_cfg->phy_addr, (unsigned)eth_diag.phy_id1,
		    (unsigned)eth_diag.phy_id2, (unsigned)(eth_diag.phy_id2 & ~PHY_ID2_MODEL_Msk));
		if (eth_diag.attempts > 1)
			eth_log("eth: state=running attempts=%lu", (unsigned long)eth_diag.attempts);
	}
	eth_diag.state = STM32_ETH_RUNNING;
	eth_retry_wait = STM32_ETH_RETRY_MS;
	if (!eth_irq_on && eth_cfg->irq_enable != NULL)
		eth_cfg->irq_enable();
	eth_irq_on = true;
}

/* Failed: the rings' pbufs back to the pool, the link down, a retry after
 * eth_retry_wait, which doubles with each failed retry. A failure is
 * printed when it differs from the last one. */
static void eth_failed(enum stm32_eth_fail f)
{
	bool news = f != eth_diag.fail || eth_diag.state != STM32_ETH_RETRY;

	eth_rings_release();
	if (eth_diag.state == STM32_ETH_RETRY)
		eth_retry_wait = eth_retry_wait >= STM32_ETH_RETRY_MAX_MS / 2u ?
		    STM32_ETH_RETRY_MAX_MS : 2u * eth_retry_wait;
	eth_diag.state = STM32_ETH_RETRY;
	eth_retry_from = board_now_ms();
	if (news)
		eth_log("eth: state=retry reason=%s phy_id=0x%04x:0x%04x retry_ms=%lu%s",
		    eth_fail_name(f), (unsigned)eth_diag.phy_id1, (unsigned)eth_diag.phy_id2,
		    (unsigned long)eth_retry_wait, eth_fail_hint(f));
	if (eth_link) {
		eth_link = false;
		eth_st.link_changes++;
	}
	eth_link_polled = false;
}

/* Where a bring-up, recovery or restart leaves the driver. */
static void eth_settle(enum stm32_eth_fail f)
{
	if (f == STM32_ETH_FAIL_NONE)
		eth_running();
	else
		eth_failed(f);
	eth_diag.fail = f;
}

/* DMASR.FBES: the DMA has stopped all its bus accesses, and only a soft
 * reset restarts it [33.8.3, DMASR FBES]. Done here, not in the ISR: it
 * takes the rings' pbufs back and waits on the hardware. The PHY keeps
 * its link, so the MAC comes back in the mode it had. */
static void eth_recover_bus_error(void)
{
	uint32_t sr = eth_bus_error_sr;

	eth_bus_error = false;
	eth_diag.reinits++;
	eth_log("eth: fatal_bus_error dmasr=0x%08lx ebs=%lu reinits=%lu: MAC and DMA restarted",
	    (unsigned long)sr, (unsigned long)((sr >> ETH_DMASR_EBS_Pos) & ETH_DMASR_EBS_Msk),
	    (unsigned long)eth_diag.reinits);
	eth_rings_release();
	enum stm32_eth_fail f = eth_dma_reset();
	if (f == STM32_ETH_FAIL_NONE)
		f = eth_mac_dma_start();
	eth_settle(f);
}

static int eth_init(uint8_t mac[6])
{
	static const uint32_t no_uid[3];

	if (eth_cfg == NULL || eth_cfg->delay_us == NULL)
		return -1;
	if (eth_cfg->mac_set)
		memcpy(eth_mac, eth_cfg->mac, 6);
	else
		stm32_eth_mac_from_uid(eth_cfg->uid != NULL ? eth_cfg->uid : no_uid, eth_mac);
	memcpy(mac, eth_mac, 6);
	eth_link = false;
	eth_link_polled = false;
	eth_retry_wait = STM32_ETH_RETRY_MS;
	if (eth_cfg->hclk_hz < STM32_ETH_HCLK_MIN_HZ) {
		eth_diag.fail = STM32_ETH_FAIL_HCLK;
		eth_log("eth: state=off reason=%s hclk_hz=%lu (RM0090 33: the Ethernet MAC needs "
		    "HCLK >= 25 MHz)", eth_fail_name(eth_diag.fail), (unsigned long)eth_cfg->hclk_hz);
		return -1;
	}
	eth_settle(eth_bring_up());
	return 0;
}

/* ---------------------------------------------------------------- diagnostics */

static const char *eth_state_name(enum stm32_eth_state s)
{
	switch (s) {
	case STM32_ETH_OFF:
		return "off";
	case STM32_ETH_RETRY:
		return "retry";
	case STM32_ETH_RUNNING:
		return "running";
	}
	return "?";
}

/* The `eth` console command's lines (eth_mac.h, diag). PHY registers as
 * link_up() last read them: reading BSR again would clear its latch. */
static void eth_diag_print(eth_mac_print_fn *print)
{
	uint32_t mode;
	bool known = eth_link && eth_mode_from_pscsr(eth_phy_pscsr, &mode);

	print("eth: driver=stm32 state=%s reason=%s attempts=%lu reinits=%lu hclk_hz=%lu\n",
	    eth_state_name(eth_diag.state), eth_fail_name(eth_diag.fail),
	    (unsigned long)eth_diag.attempts, (unsigned long)eth_diag.reinits,
	    (unsigned long)(eth_cfg != NULL ? eth_cfg->hclk_hz : 0));
	print("eth.phy: addr=%u id=0x%04x:0x%04x model=%s link=%s speed=%s duplex=%s "
	    "bsr=0x%04x pscsr=0x%04x anlpar=0x%04x\n",
	    eth_cfg != NULL ? (unsigned)eth_cfg->phy_addr : 0u,
	    (unsigned)eth_diag.phy_id1, (unsigned)eth_diag.phy_id2,
	    eth_phy_is_lan8742a() ? "lan8742a" : "unknown", eth_link ? "up" : "down",
	    !known ? "none" : (mode & ETH_MACCR_FES) ? "100" : "10",
	    !known ? "none" : (mode & ETH_MACCR_DM) ? "full" : "half",
	    (unsigned)eth_phy_bsr, (unsigned)eth_phy_pscsr, (unsigned)eth_phy_anlpar);
	/* Off, the MAC's clock may never have been enabled: nothing to read. */
	if (eth_diag.state == STM32_ETH_OFF)
		print("eth.mac: registers=unclocked\n");
	else
		print("eth.mac: maccr=0x%08lx dmasr=0x%08lx dmaomr=0x%08lx dmaier=0x%08lx "
		    "macdbgr=0x%08lx\n", (unsigned long)stm32_eth_rd(ETH_MACCR),
		    (unsigned long)stm32_eth_rd(ETH_DMASR), (unsigned long)stm32_eth_rd(ETH_DMAOMR),
		    (unsigned long)stm32_eth_rd(ETH_DMAIER), (unsigned long)stm32_eth_rd(ETH_MACDBGR));
	print("eth.diag: irqs=%lu rx_buf_unavail=%lu rx_starved=%lu rx_runts=%lu tx_ring_full=%lu "
	    "tx_bounced=%lu tx_too_long=%lu tx_lost=%lu fatal_bus=%lu link_flaps=%lu "
	    "mode_changes=%lu stop_timeouts=%lu\n",
	    (unsigned long)eth_diag.irqs, (unsigned long)eth_diag.rx_buf_unavail,
	    (unsigned long)eth_diag.rx_starved, (unsigned long)eth_diag.rx_runts,
	    (unsigned long)eth_diag.tx_ring_full, (unsigned long)eth_diag.tx_bounced,
	    (unsigned long)eth_diag.tx_too_long, (unsigned long)eth_diag.tx_lost,
	    (unsigned long)eth_diag.fatal_bus, (unsigned long)eth_diag.link_flaps,
	    (unsigned long)eth_diag.mode_changes, (unsigned long)eth_diag.stop_timeouts);
}

static const struct eth_mac_ops eth_ops = {
	.init = eth_init,
	.tx = eth_tx,
	.rx = eth_rx,
	.rx_pending = eth_rx_pending,
	.poll = eth_poll,
	.link_up = eth_link_up,
	.stats = &eth_st,
	.diag = eth_diag_print,
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
	eth_rings_release();
	eth_rx_starving = false;
	eth_cfg = NULL;
	memset(eth_mac, 0, sizeof eth_mac);
	eth_mode = ETH_MODE_Msk;
	eth_irq_on = false;
	eth_retry_from = eth_retry_wait = 0;
	eth_bus_error = false;
	eth_bus_error_sr = 0;
	eth_link = eth_link_polled = false;
	eth_link_at = 0;
	eth_phy_bsr = eth_phy_pscsr = eth_phy_anlpar = 0;
	memset(&eth_st, 0, sizeof eth_st);
	memset(&eth_diag, 0, sizeof eth_diag);
}
#endif
