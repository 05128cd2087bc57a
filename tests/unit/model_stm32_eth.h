/*
 * A model of the STM32F4 ETH DMA engine and its PHY, for host tests of
 * drivers/eth/stm32 (test_stm32_eth.c, the MAC contract suite).
 *
 * It plays the hardware: a register file whose writes have their RM0090
 * effects (DMABMR soft reset, MACMIIAR MDIO cycles, poll demands), a TX
 * engine that walks descriptors from DMATDLAR while OWN is set, gathering
 * FS..LS into a frame on the "wire", and an RX engine that spreads an
 * arriving frame (FCS appended) over owned descriptors by their RBS1,
 * writing FS/LS/FL/ES back and clearing OWN, or counts it missed
 * (DMAMFBOCR.MFC) when the descriptor at its pointer is not owned. Both
 * wrap on TER/RER (or follow TCH/RCH). It defines the driver's register
 * hooks stm32_eth_rd/wr/wr_list.
 *
 * Time and silicon behaviour no register file shows: the model keeps a
 * clock (model.now_ns) that the driver's delay hook (model_delay_us) and
 * every register access (MODEL_ACCESS_NS) advance; the soft reset clears
 * the MAC's registers and needs REF_CLK; the TX FIFO flush takes time and
 * counts DMAOMR writes made while it runs; ES0206's lost writes (a write
 * to a listed register within MODEL_ES0206_NS of the previous one is
 * dropped and counted); MACCR speed/duplex changes made while the MAC or
 * DMA runs are counted; the ETH interrupt line, MMC counters included.
 */
#ifndef MODEL_STM32_ETH_H
#define MODEL_STM32_ETH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stm32_eth.h"

#define MODEL_FRAME_MAX   2048u
#define MODEL_WIRE_MAX    32u
#define MODEL_FCS_BYTE    0xFCu
#define MODEL_REG_WORDS   (0x1060u / 4u)
#define MODEL_ACCESS_NS   10u       /* one register access on the AHB */
#define MODEL_ES0206_NS   1600u     /* four 2.5 MHz MII clocks */
#define MODEL_FLUSH_NS    3000u     /* a TX FIFO flush */

struct model_stm32_eth {
	uint32_t reg[MODEL_REG_WORDS];
	struct stm32_eth_desc *rx_base, *rx_cur, *tx_base, *tx_cur;
	bool tx_paused;             /* DMA ignores poll demands (a busy wire) */
	uint32_t tx_error;          /* TDES0 bits to report on the next frame */
	uint32_t missed;            /* DMAMFBOCR.MFC, cleared on read */
	uint8_t wire[MODEL_WIRE_MAX][MODEL_FRAME_MAX];
	size_t wire_len[MODEL_WIRE_MAX];
	unsigned wire_n;
	unsigned tx_descs;          /* descriptors the last frame used */
	/* time and silicon */
	uint64_t now_ns;
	uint64_t written_ns[MODEL_REG_WORDS];   /* last write taken, per register */
	bool no_ref_clk;            /* the soft reset never completes */
	bool flush_stuck;           /* DMAOMR.FTF never clears */
	uint64_t flush_until_ns;    /* FTF reads set until then */
	unsigned dma_resets;
	unsigned es0206_lost;       /* writes dropped: too soon after the last one */
	unsigned omr_written_in_flush;
	unsigned mode_changed_running; /* MACCR FES/DM changed with TE/RE or ST/SR on */
	/* PHY */
	bool phy_present;
	uint16_t phy[32];
	bool link;
	bool link_dropped;          /* BSR link bit latched low until read */
	unsigned phy_resets;
};

extern struct model_stm32_eth model;

/** A register of the model, as the driver last left it (or the DMA). */
#define MODEL_REG(off) model.reg[(off) / 4u]

/** Power-on: registers zero, rings unknown, nothing on the wire, a
 *  LAN8742A answering at PHY address 0 with the link down. */
void model_reset(void);

/** The TX DMA runs: every descriptor it owns goes out (unless paused). */
void model_tx_run(void);

/** A frame arrives from the wire; `err` is RDES0 error bits to report.
 *  Returns descriptors used, or 0 when it was missed. */
unsigned model_rx(const uint8_t *frame, size_t len, uint32_t err);

/** The driver's delay hook: time passes. */
void model_delay_us(uint32_t us);

/** The milliseconds of model.now_ns, for a test's board_now_ms(). */
uint32_t model_now_ms(void);

/** Let `ms` pass. */
void model_advance_ms(uint32_t ms);

/** The MMC's good-unicast RX counter passes 2^31: its half-full
 *  interrupt status is set, and stays set until the counter is read. */
void model_mmc_rx_half_full(void);

/** The ETH interrupt line: an enabled DMA status, or an unmasked MMC,
 *  PMT or time stamp interrupt. */
bool model_irq_line(void);

/** The PHY reports `pscsr_speed` (PHY_PSCSR_10HD ...) in register 31. */
void model_phy_speed(unsigned pscsr_speed);

#endif
