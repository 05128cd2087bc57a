/*
 * Staying alive and recovering under loss: the PBUF_RAM heap reserve
 * application data cannot take (found by the e2e fault tests: two stalled
 * echo connections filled the heap and no ACK, retransmission or ping
 * reply could be sent again).
 */
#include <string.h>
#include "harness.h"
#include "lwip/stats.h"

#define R_CONNS 3u
#define R_RPORT0 41000u
#define R_ACK_LEN 20u          /* a bare TCP header */
#define R_ICMP_ECHO_LEN 84u    /* IP + ICMP echo of a 56-byte ping, as icmp_input() copies it */
#define R_ARP_LEN 28u          /* SIZEOF_ETHARP_HDR */

static uint32_t heap_free(void)
{
	return (uint32_t)(lwip_stats.mem.avail - lwip_stats.mem.used);
}

static const uint8_t r_buf[FW_TCP_MSS];

/* Three connections write full segments in turn until tcp_write() says
 * ERR_MEM; each connection's first unacknowledged sequence number in snd[]. */
static unsigned fill_heap(struct tcb *c[R_CONNS], uint32_t snd[R_CONNS])
{
	unsigned writes = 0;
	err_t err = ERR_OK;

	fixture_listen();
	for (unsigned i = 0; i < R_CONNS; i++)
		c[i] = h_establish_from((uint16_t)(R_RPORT0 + i), &snd[i]);
	while (err == ERR_OK && writes < R_CONNS * FW_TCP_SNDQ_PBUFS) {
		err = tcp_write(c[writes % R_CONNS], r_buf, FW_TCP_MSS, h_now);
		writes += err == ERR_OK;
	}
	assert_int_equal(err, ERR_MEM);
	h_tx_drain();
	return writes;
}

/*
 * The heap's reserve (FW_TCP_HEAP_RESERVE, config.h explains the number):
 * tcp_write() x N on three connections   -> ERR_MEM, heap never below the reserve
 * < P. 10 bytes on conn 0                -> > . ACK (RFC 9293 3.10.7.4 seventh)
 * RTO                                    -> > P. 1460 retransmitted on each (RFC 6298 5.4)
 * < . to a closed port                   -> > R (RFC 9293 3.10.7.1)
 * and an ICMP echo reply plus an ARP packet still fit beside a full segment;
 * < . ACK of conn 0's first segment      -> sent_cb, tcp_write() works again.
 */
static void heap_reserve_keeps_acks_rtx_rst_alive(void **state)
{
	struct tcb *c[R_CONNS];
	uint32_t snd[R_CONNS], rcv = H_PEER_ISS + 1u;
	struct pbuf *p[7];
	(void)state;

	unsigned writes = fill_heap(c, snd);
	assert_true(writes >= 2u);
	assert_true(heap_free() >= FW_TCP_HEAP_RESERVE);
	assert_true(heap_free() < FW_TCP_HEAP_RESERVE + 2u * FW_TCP_MSS);   /* it was filled */
	assert_int_equal(tcp_get_stats()->sndq_heap_reserve, 1);
	assert_int_equal(tcp_get_stats()->sndq_full, 0);

	inject(.flags = F_P | F_A, .seq = rcv, .ack = snd[0], .len = 10, .rport = R_RPORT0);
	rcv += 10;
	expect_tx(F_A, c[0]->snd_nxt, rcv, 0);

	h_advance(c[0]->rto);
	for (unsigned i = 0; i < R_CONNS; i++) {
		assert_non_null(h_peek_tx());
		assert_int_equal(h_peek_tx()->len, FW_TCP_MSS);
		h_tx_head_skip();
	}
	expect_no_tx();
	assert_int_equal(tcp_get_stats()->retransmits, R_CONNS);

	inject(.flags = F_A, .seq = 77, .ack = 1234, .lport = 9);
	expect_tx(F_R, 1234, 0, 0);
	assert_int_equal(tcp_get_stats()->pbuf_fail, 0);

	/* What the rest of the stack needs at once fits too. */
	p[0] = pbuf_alloc(PBUF_IP, R_ACK_LEN + FW_TCP_MSS, PBUF_RAM);
	for (unsigned i = 1; i < 5; i++)
		p[i] = pbuf_alloc(PBUF_IP, R_ACK_LEN, PBUF_RAM);
	p[5] = pbuf_alloc(PBUF_LINK, R_ICMP_ECHO_LEN, PBUF_RAM);
	p[6] = pbuf_alloc(PBUF_LINK, R_ARP_LEN, PBUF_RAM);
	for (unsigned i = 0; i < 7; i++) {
		assert_non_null(p[i]);
		pbuf_free(p[i]);
	}

	/* The application waits for sent_cb and writes again. */
	assert_int_equal(tcp_write(c[0], r_buf, FW_TCP_MSS, h_now), ERR_MEM);
	inject(.flags = F_A, .seq = rcv, .ack = snd[0] + FW_TCP_MSS, .rport = R_RPORT0);
	assert_int_equal(app.sent_bytes, FW_TCP_MSS);
	assert_int_equal(tcp_write(c[0], r_buf, FW_TCP_MSS, h_now), ERR_OK);
	assert_true(heap_free() >= FW_TCP_HEAP_RESERVE);
	for (unsigned i = 0; i < R_CONNS; i++)
		tcp_abort(c[i]);
	h_tx_drain();
}

const struct CMUnitTest tcp_recovery_tests[] = {
	H_TEST(heap_reserve_keeps_acks_rtx_rst_alive),
};
const size_t tcp_recovery_count = sizeof tcp_recovery_tests / sizeof tcp_recovery_tests[0];
