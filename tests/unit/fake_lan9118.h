/*
 * A fake LAN9118 register block for host tests of drivers/eth/lan9118
 * (test_lan9118.c, the MAC contract suite). It behaves like the chip (and
 * QEMU's model of it, hw/net/lan9118.c) where the driver depends on it:
 * BYTE_TEST and ID_REV, self-clearing soft reset, PMT_CTRL.READY, MAC
 * CSRs reached through MAC_CSR_CMD/DATA, PHY registers through
 * MII_ACC/MII_DATA, the TX data FIFO (recorded word by word), and the RX
 * status and data FIFOs. It defines the driver's hooks lan9118_rd/wr.
 */
#ifndef FAKE_LAN9118_H
#define FAKE_LAN9118_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAKE_TX_WORDS   1024
#define FAKE_RX_STATUS  64
#define FAKE_RX_WORDS   16384
#define FAKE_TX_FREE    4608     /* TX data FIFO bytes free after reset (5 KiB FIFO less the status area) */
#define FAKE_ID_9118    0x01180001u

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

extern struct fake_lan9118 fk;

/** Power-on: a LAN9118 with the EEPROM address 02:11:22:33:44:55, link
 *  up, empty FIFOs, 4608 bytes free in the TX data FIFO. */
void fake_lan9118_reset(void);

/** Queue a received frame as the chip does: a status word with the length
 *  including the 4-byte FCS, then the bytes packed little-endian into
 *  words, FCS included, the last word padded; RSFL is raised. */
void fake_lan9118_rx_frame(const uint8_t *frame, size_t len, uint32_t status_flags);

/** Frame `n` (0: the first) as the chip puts it on the wire from the TX
 *  data FIFO: the buffers FS..LS, each command A's BUF_SIZE bytes from
 *  its data start offset. Returns its length (at most `max` bytes are
 *  copied to buf), or 0 when fewer frames were written. */
size_t fake_lan9118_sent(unsigned n, uint8_t *buf, size_t max);

#endif
