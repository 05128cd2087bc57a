/*
 * Scripted harness for the TCP engine: a fake netif records every IP
 * packet the engine sends, inject() feeds segments into fw_tcp_input(),
 * expect_tx()/expect_no_tx() check what went out, a fake clock drives the
 * timers, fixtures build each state by editing the one before. A failing
 * expectation prints the whole exchange, packetdrill style.
 *
 * Sequence numbers in tests are absolute; g.snd and g.rcv track the next
 * sequence number of the engine (SND.NXT) and of the peer (RCV.NXT) as the
 * fixtures leave them.
 */
#ifndef TCP_HARNESS_H
#define TCP_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "listen.h"
#include "tcb.h"
#include "fw_tcp.h"
#include "stats.h"
#include "timewait.h"

/* An address in text (IPv4 or IPv6) as the engine's type. */
struct fw_tcp_addr h_addr(const char *text);

#define H_LOCAL_IP  "192.0.2.2"
#define H_REMOTE_IP "192.0.2.1"
#define H_LOCAL_IP6  "2001:db8::2"
#define H_REMOTE_IP6 "2001:db8::1"
/* The family the harness speaks: false (IPv4, the default h_setup leaves)
 * or true (IPv6, h_setup6): inject(), the fixtures and the fake netif
 * then use H_LOCAL_IP6/H_REMOTE_IP6, so any script runs over either. */
extern bool h_ip6;
/* The device's and the peer's address in the harness's family. */
struct fw_tcp_addr h_local(void);
struct fw_tcp_addr h_remote(void);
#define H_LPORT 7u
#define H_RPORT 40000u
#define H_PEER_ISS 1000u
#define H_PEER_WND 8192u

#define F_S FW_TCP_SYN
#define F_A FW_TCP_ACK
#define F_F FW_TCP_FIN
#define F_R FW_TCP_RST
#define F_P FW_TCP_PSH

/* A SACK block (RFC 2018 3): [left, right). */
struct h_sack {
	uint32_t left, right;
};
#define H_SACK_MAX 4

/* A segment to inject; zero fields take defaults (ports, window). */
struct h_seg {
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t len;          /* payload bytes (a counting pattern) */
	uint16_t wnd;          /* 0 -> H_PEER_WND unless zero_wnd */
	bool zero_wnd;
	uint16_t mss;          /* MSS option when nonzero */
	uint16_t rport;        /* 0 -> H_RPORT */
	uint16_t lport;        /* 0 -> H_LPORT */
	bool bad_chksum;
	const uint8_t *raw_opts; /* raw option bytes (multiple of 4) */
	uint8_t raw_optlen;
	uint8_t doff_override;   /* data offset in words, when nonzero */
	bool ram;                /* in a PBUF_RAM pbuf (as the loopback netif delivers), not PBUF_POOL */
	bool dst_multicast;      /* to ff02::1 (IPv6) or 224.0.0.1, not to the device */
	bool sack_ok;            /* NOP, NOP, SACK-permitted after the MSS option (RFC 2018 2) */
	uint8_t sack_n;          /* NOP, NOP, SACK option with sack[0..sack_n) (RFC 2018 3) */
	struct h_sack sack[H_SACK_MAX];
};

/* What the fake netif saw. */
struct h_pkt {
	uint32_t t;
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t wnd, len, mss;
	uint16_t sport, dport;
	bool chksum_ok;
	uint8_t optlen;          /* option bytes (data offset - 20) */
	bool sack_ok;            /* SACK-permitted option seen */
	uint8_t sack_n;          /* SACK blocks seen, in order */
	struct h_sack sack[H_SACK_MAX];
	bool opt_bad;            /* an option ran past the header or had a bad length */
	bool ip6;                /* went out over IPv6 */
	uint8_t src[16], dst[16];/* IP addresses (IPv4 in the first 4 bytes) */
	uint8_t ttl;             /* TTL or hop limit */
};

/* The application side: records every callback. */
struct h_app {
	struct fw_tcp_conn *accepted;
	unsigned accepts, connects, eofs, errs;
	err_t last_err;
	uint32_t rx_bytes, sent_bytes;
	bool refuse_data;      /* recv_cb returns ERR_MEM */
	bool refuse_accept;    /* accept_cb returns ERR_VAL */
	bool close_on_eof;     /* fw_tcp_close() from recv_cb(NULL) */
	bool recved_at_once;   /* fw_tcp_recved() from recv_cb */
	bool echo_in_recv;     /* fw_tcp_write() of the data back from recv_cb */
	bool close_after_echo; /* fw_tcp_close() from recv_cb after the echo */
	bool abort_in_recv;    /* fw_tcp_abort() from recv_cb (data), returns ERR_ABRT */
	uint16_t accept_write; /* daytime: fw_tcp_write() of this many bytes, fw_tcp_close(), from accept_cb */
	uint16_t connect_write; /* fw_tcp_write() of this many bytes from connected_cb */
	bool recved_on_refuse; /* fw_tcp_recved(0) from recv_cb before refusing the data */
	bool abort_on_refuse;  /* fw_tcp_abort() from recv_cb, then refuse the data (ERR_MEM) */
	bool connect_on_err;   /* fw_tcp_connect() to the peer from err_cb (reuses the slot) */
	bool hold_data;        /* recv_cb keeps every pbuf in `held` (an echo whose peer reads nothing) */
	struct pbuf *held;     /* what hold_data kept; h_release_held() frees it (recved_at_once
	                        * still gives the bytes back at once) */
	uint8_t *rx_copy;      /* when set, every byte delivered is copied here, in order */
	uint32_t rx_copy_len;
	struct fw_tcp_conn *reopened; /* what connect_on_err opened */
	struct fw_tcp_conn *sent_to;  /* the handle sent_cb got last */
	unsigned nested;       /* callbacks called while another callback ran */
};

struct h_state {
	struct fw_tcp_listener *listener;
	struct fw_tcp_conn *tcb;
	uint32_t iss;          /* the engine's ISS as seen in its SYN */
	uint32_t snd, rcv;     /* engine's SND.NXT, peer's next sequence number */
};

extern uint32_t h_now;
/* A copy of the engine's counters (fw_tcp_get_stats). */
struct fw_tcp_stats h_stats(void);
extern struct h_app app;
extern struct h_state g;

int h_setup(void **state);
/* h_setup, then the harness speaks IPv6. */
int h_setup6(void **state);
/* fw_tcp_init() again with another RFC 6528 key (a reboot, as the engine
 * sees it); nothing may be open. */
void h_reinit(const uint8_t key[16]);
int h_teardown(void **state);

void h_inject(struct h_seg s);
#define inject(...) h_inject((struct h_seg){ __VA_ARGS__ })
/* Full path: IP datagram into netif->input (ip4_input, raw PCB, tcp_raw.c). */
void h_inject_ip(struct h_seg s);
/* ICMP error (type, code, next-hop MTU for "fragmentation needed") from
 * the remote address, quoting our segment from g.tcb's port (H_LPORT
 * without one) to H_RPORT at `seq`; _from: from `lport`. */
void h_inject_icmp(uint8_t type, uint8_t code, uint16_t next_mtu, uint32_t seq, bool bad_chksum);
void h_inject_icmp_from(uint16_t lport, uint8_t type, uint8_t code, uint16_t next_mtu, uint32_t seq,
                        bool bad_chksum);
/* ICMPv6 error (RFC 4443: type, code, the 32-bit field: MTU of packet
 * too big) from the remote IPv6 address, through ip6_input(), quoting our
 * IPv6 segment from g.tcb's port to H_RPORT at `seq`. */
void h_inject_icmp6(uint8_t type, uint8_t code, uint32_t mtu, uint32_t seq, bool bad_chksum);

void h_expect_tx(const char *file, int line, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t len);
#define expect_tx(f, s, a, l) h_expect_tx(__FILE__, __LINE__, (f), (s), (a), (l))
void h_expect_no_tx(const char *file, int line);
#define expect_no_tx() h_expect_no_tx(__FILE__, __LINE__)
/* The ACK for in-order data that needs nothing else (RFC 9293 3.8.6.3):
 * with FW_TCP_DELAYED_ACK nothing goes out for FW_TCP_ACK_DELAY_MS, then
 * the bare ACK; without, the ACK at once. */
void h_expect_delayed_ack(const char *file, int line, uint32_t seq, uint32_t ack);
#define expect_delayed_ack(s, a) h_expect_delayed_ack(__FILE__, __LINE__, (s), (a))
/* The ACK at once or, if none went out yet, at FW_TCP_ACK_DELAY_MS at the
 * latest (a run of segments, where every second full one is ACKed at once). */
void h_expect_ack_by_delay(const char *file, int line, uint32_t seq, uint32_t ack);
#define expect_ack_by_delay(s, a) h_expect_ack_by_delay(__FILE__, __LINE__, (s), (a))
/* The next packet sent, for checks beyond expect_tx (window, MSS). */
const struct h_pkt *h_last_tx(void);
unsigned h_tx_pending(void);
/* The next packet not yet checked (NULL when none). */
const struct h_pkt *h_peek_tx(void);
void h_tx_drain(void);
/* Consume the next packet after checking it with h_peek_tx(). */
void h_tx_head_skip(void);
void h_fail(const char *file, int line, const char *fmt, ...);
#define expect_state(tcb, s) do { \
	if (fw_tcp_get_state(tcb) != (s)) h_fail(__FILE__, __LINE__, "state %s, expected %s", \
		fw_tcp_state_name(fw_tcp_get_state(tcb)), fw_tcp_state_name(s)); } while (0)

/* Fire every deadline up to `ms` from now, each at its exact time. */
void h_advance(uint32_t ms);
unsigned h_tcbs_in_use(void);
/* PBUF_POOL buffers free now (lwIP's MEMP_STATS). */
unsigned h_pool_free(void);
/* Free what hold_data kept (the application catches up). */
void h_release_held(void);
/* The IP packet sent last, as bytes. */
const uint8_t *h_last_tx_bytes(unsigned *len);
/* A zero-copy DMA MAC driver: while on, each packet sent is also kept by
 * reference (pbuf_ref) with its frame's address and length as handed
 * over, until h_dma_release() (teardown releases too). */
#define H_DMA_MAX 4
void h_dma_hold(bool on);
unsigned h_dma_held(void);
/* Frame i as the DMA reads it: still the `len` bytes it was sent as. */
bool h_dma_frame_intact(unsigned i, const uint8_t *bytes, unsigned len);
void h_dma_release(void);
/* The netif as an Ethernet MAC behind lwIP's ARP (on), or back to the
 * plain IP netif with the ARP table emptied (off, before teardown). */
void h_ethernet(bool on);
unsigned h_arp_requests_sent(void);
void h_inject_arp_reply(const char *ip, const uint8_t mac[6]);
unsigned h_tw_in_use(void);

/* Fixtures: each leaves g.tcb in the named state and no packet pending. */
void fixture_listen(void);
/* Another listener, with the harness's callbacks (teardown closes it). */
struct fw_tcp_listener *h_listen(uint16_t port);
void fixture_established(void);
void fixture_syn_sent(void);
void fixture_fin_wait_1(void);
void fixture_fin_wait_2(void);
void fixture_closing(void);
void fixture_close_wait(void);
void fixture_last_ack(void);
/* FIN_WAIT_2 -> TIME_WAIT by the peer's FIN, ACKed. */
void fixture_time_wait(void);
/* One more connection to the listener from port `rport`, ESTABLISHED;
 * its ISS+1 in *snd (the peer's next sequence number is H_PEER_ISS + 1). */
struct fw_tcp_conn *h_establish_from(uint16_t rport, uint32_t *snd);
/* The same to local port `lport` (0: H_LPORT), from `rport`. */
struct fw_tcp_conn *h_establish_on(uint16_t lport, uint16_t rport, uint32_t *snd);

/* Test lists, one per file. */
extern const struct CMUnitTest tcp_ipv6_tests[];
extern const size_t tcp_ipv6_count;
extern const struct CMUnitTest tcp_teardown_tests[];
extern const size_t tcp_teardown_count;
extern const struct CMUnitTest tcp_rst_tests[];
extern const size_t tcp_rst_count;
extern const struct CMUnitTest tcp_listen_tests[];
extern const size_t tcp_listen_count;
extern const struct CMUnitTest tcp_open_tests[];
extern const size_t tcp_open_count;
extern const struct CMUnitTest tcp_hardening_tests[];
extern const size_t tcp_hardening_count;
extern const struct CMUnitTest tcp_coalesce_tests[];
extern const size_t tcp_coalesce_count;
extern const struct CMUnitTest tcp_icmp_tests[];
extern const size_t tcp_icmp_count;
extern const struct CMUnitTest tcp_api_tests[];
extern const size_t tcp_api_count;
extern const struct CMUnitTest tcp_recovery_tests[];
extern const size_t tcp_recovery_count;
extern const struct CMUnitTest tcp_challenge_tests[];
extern const size_t tcp_challenge_count;
extern const struct CMUnitTest tcp_tw_reopen_tests[];
extern const size_t tcp_tw_reopen_count;
extern const struct CMUnitTest tcp_rxbudget_tests[];
extern const size_t tcp_rxbudget_count;
extern const struct CMUnitTest tcp_synflood_tests[];
extern const size_t tcp_synflood_count;
extern const struct CMUnitTest tcp_liveness_tests[];
extern const size_t tcp_liveness_count;
extern const struct CMUnitTest tcp_cc_tests[];
extern const size_t tcp_cc_count;
extern const struct CMUnitTest tcp_nagle_tests[];
extern const size_t tcp_nagle_count;
extern const struct CMUnitTest tcp_sack_tests[];
extern const size_t tcp_sack_count;
extern const struct CMUnitTest tcp_delack_tests[];
extern const size_t tcp_delack_count;
extern const struct CMUnitTest tcp_altcp_tests[];
extern const size_t tcp_altcp_count;

#define H_TEST(fn) cmocka_unit_test_setup_teardown(fn, h_setup, h_teardown)
/* The same script over IPv6 (h_setup6). */
#define H_TEST6(fn) cmocka_unit_test_setup_teardown(fn, h_setup6, h_teardown)
/* The largest MSS the harness's family allows (MTU 1500 - 40, or - 60 over IPv6). */
#define H_MSS_MAX ((uint16_t)(FW_TCP_MSS - (h_ip6 ? 20u : 0u)))

#endif
