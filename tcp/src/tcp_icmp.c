/*
 * ICMP errors for TCP connections (RFC 1122 4.2.3.9, RFC 5927, RFC 1191,
 * RFC 6633; ICMPv6: RFC 4443, RFC 8201). tcp_raw.c hands over each ICMP
 * or ICMPv6 error that quotes a TCP segment of ours, the ICMPv6 ones
 * translated to ICMPv4's types and codes; what it means for the
 * connection is decided here.
 *
 * An ICMP message is easy to forge and says nothing authenticated, so:
 * - it must quote a sequence number we have sent and not yet had
 *   acknowledged, SND.UNA =< SEG.SEQ < SND.NXT (RFC 5927 4.1), else it is
 *   counted and ignored;
 * - in SYN_SENT a destination unreachable ends the open at once (RFC 1122
 *   4.2.3.9: codes 2-4 are hard errors; Linux ends the open on any code):
 *   the peer is not there, and 63 s of SYN retries help no one;
 * - in every other state errors are soft (RFC 5927 5.2, as Linux and the
 *   BSDs do): counted and kept in the TCB, and reported to the
 *   application as the reason if the connection later times out;
 * - "fragmentation needed" lowers the MSS (RFC 1191) but never below 536
 *   (RFC 1122 3.3.3: every host accepts 576-byte datagrams), so a forged
 *   next-hop MTU cannot shrink segments to a trickle;
 * - source quench is ignored (RFC 6633).
 */
#include "fw_tcp_config.h"
#include "lwip/icmp.h"
#include "lwip/prot/icmp.h"
#include "stats.h"
#include "tcb.h"

#define ICMP_PMTU_MIN 576u         /* RFC 1122 3.3.3 */
#define ICMP_TCPIP_HLEN 40u        /* IPv4 + TCP headers without options */
#define ICMP_PMTU6_MIN 1280u       /* RFC 8200 5: every IPv6 link carries 1280 bytes */
#define ICMP_TCPIP6_HLEN 60u       /* IPv6 + TCP headers without options */

/* What the application hears: a refusal as an RST would say it, or a
 * routing problem. */
static err_t icmp_err_of(uint8_t type, uint8_t code)
{
	if (type == ICMP_DUR && (code == ICMP_DUR_PROTO || code == ICMP_DUR_PORT))
		return ERR_CLSD;
	return ERR_RTE;
}

/* RFC 1191: MSS = MTU - 40, floored. A next-hop MTU of 0 (a router from
 * before RFC 1191) tells nothing: ignored. */
static void icmp_pmtu(struct fw_tcp_conn *tcb, uint16_t mtu)
{
	uint32_t mss;

	if (mtu == 0)
		return;
	mss = (mtu < ICMP_PMTU_MIN ? ICMP_PMTU_MIN : mtu) - ICMP_TCPIP_HLEN;
	if (mss < tcb->mss) {
		tcb->mss = (uint16_t)mss;
		STAT_INC(icmp_pmtu);
	}
}

/* RFC 8201 4: packet too big lowers the path MTU, never below 1280 (RFC
 * 8200 5: every link carries 1280), so MSS = MTU - 60 never drops below
 * 1220 whatever a forger claims. The segment that was too big is lost:
 * the one at SND.UNA goes again at once at the new size (the rest follow
 * as the ACKs and the timer ask, each cut to the new MSS); no congestion
 * response (a smaller path is not a loss signal). */
static void icmp_pmtu6(struct fw_tcp_conn *tcb, uint16_t mtu)
{
	uint32_t mss = (mtu < ICMP_PMTU6_MIN ? ICMP_PMTU6_MIN : mtu) - ICMP_TCPIP6_HLEN;

	if (mss >= tcb->mss)
		return;
	tcb->mss = (uint16_t)mss;
	STAT_INC(icmp6_pmtu);
	if (tcb->state != FW_TCP_SYN_SENT && tcb->state != FW_TCP_SYN_RCVD)
		tcb_resend_una(tcb);
}

void tcb_icmp_error(const struct fw_tcp_tuple *t, uint32_t seq, uint8_t type, uint8_t code, uint16_t mtu)
{
	struct fw_tcp_conn *tcb;

	if (type == ICMP_SQ)
		return;                               /* RFC 6633 */
	if (type != ICMP_DUR && type != ICMP_TE && type != ICMP_PP)
		return;
	tcb = tcb_lookup(t);
	if (tcb == NULL)
		return;                               /* TIME_WAIT or gone: nothing to do */
	if (!(seq_leq(tcb->snd_una, seq) && seq_lt(seq, tcb->snd_nxt))) {
		STAT_INC(icmp_bad_seq);
		return;
	}
	if (type == ICMP_DUR && code == ICMP_DUR_FRAG) {
		if (t->laddr.family == FW_TCP_IPV6)
			icmp_pmtu6(tcb, mtu);
		else
			icmp_pmtu(tcb, mtu);
		return;
	}
	switch ((enum fw_tcp_state)tcb->state) {
	case FW_TCP_SYN_SENT:
		if (type == ICMP_DUR) {
			STAT_INC(icmp_open_aborts);
			tcb_drop(tcb, icmp_err_of(type, code));
			return;
		}
		break;
	case FW_TCP_SYN_RCVD:
	case FW_TCP_ESTABLISHED:
	case FW_TCP_FIN_WAIT_1:
	case FW_TCP_FIN_WAIT_2:
	case FW_TCP_CLOSE_WAIT:
	case FW_TCP_CLOSING:
	case FW_TCP_LAST_ACK:
		break;
	case FW_TCP_CLOSED:
	case FW_TCP_LISTEN:
	case FW_TCP_TIME_WAIT:
		return;
	}
	STAT_INC(icmp_soft);
	tcb_set_soft_err(tcb, icmp_err_of(type, code));
}
