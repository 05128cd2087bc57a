/*
 * Initial sequence numbers (RFC 6528): ISN = M + F(localip, localport,
 * remoteip, remoteport, secretkey), with M a 4-microsecond-ish clock taken
 * from the millisecond time base (x250) and F SipHash-2-4 keyed at boot;
 * the same key picks ephemeral ports (RFC 6056 3.3.3), and the same keyed
 * function gives the engine's other unpredictable words (isn_prf32:
 * rate-limit allowances, the TIME_WAIT hash key).
 */
#ifndef ISN_H
#define ISN_H

#include <stdbool.h>
#include <stdint.h>
#include "tcp_types.h"

/** Set the 128-bit secret key (from board entropy at boot). */
void isn_init(const uint8_t key[16]);

/** ISN for a new connection on `t` at time now_ms. */
uint32_t isn_generate(const struct fw_tcp_tuple *t, uint32_t now_ms);

/** RFC 6056 algorithm 3's offset for ephemeral ports toward t's remote
 *  address and port (t->lport is not read). */
uint32_t isn_port_offset(const struct fw_tcp_tuple *t);

/** What an isn_prf32() word is for: each use has a stream of its own. */
enum isn_prf_domain {
	ISN_PRF_CHALLENGE = 1,   /* each second's global challenge ACK allowance */
	ISN_PRF_TW_CHALLENGE,    /* each second's TIME_WAIT challenge ACK allowance */
	ISN_PRF_TW_HASH,         /* the TIME_WAIT table's hash key */
};

/** A word nobody off the board can predict: SipHash-2-4 of (domain, x)
 *  under the boot secret (RFC 6528's F, put to the engine's other uses). */
uint32_t isn_prf32(enum isn_prf_domain domain, uint32_t x);

/** SYN cookie (RFC 4987 3.6) for the SYN with ISN `peer_isn` on `t`, made
 *  in time step `count` (taken modulo 2^16) with MSS table index `mss_idx` (0..7). */
uint32_t isn_cookie(const struct fw_tcp_tuple *t, uint32_t peer_isn, uint32_t count, unsigned mss_idx);

/** `cookie` is one of ours for `t` and `peer_isn`, made in step `count` or
 *  the one before: true, and its MSS index in *mss_idx. */
bool isn_cookie_check(const struct fw_tcp_tuple *t, uint32_t peer_isn, uint32_t cookie, uint32_t count,
                      unsigned *mss_idx);

/** SipHash-2-4 of `len` bytes (exposed for its test vectors). */
uint64_t isn_siphash24(const uint8_t key[16], const void *data, uint32_t len);

#endif
