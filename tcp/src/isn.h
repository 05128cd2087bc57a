/*
 * Initial sequence numbers (RFC 6528): ISN = M + F(localip, localport,
 * remoteip, remoteport, secretkey), with M a 4-microsecond-ish clock taken
 * from the millisecond time base (x250) and F SipHash-2-4 keyed at boot.
 * The same key picks ephemeral ports (RFC 6056 3.3.3).
 */
#ifndef ISN_H
#define ISN_H

#include <stdint.h>
#include "tcp_types.h"

/** Set the 128-bit secret key (from board entropy at boot). */
void isn_init(const uint8_t key[16]);

/** ISN for a new connection on `t` at time now_ms. */
uint32_t isn_generate(const struct fw_tcp_tuple *t, uint32_t now_ms);

/** RFC 6056 algorithm 3's offset for ephemeral ports toward t's remote
 *  address and port (t->lport is not read). */
uint32_t isn_port_offset(const struct fw_tcp_tuple *t);

/** SipHash-2-4 of `len` bytes (exposed for its test vectors). */
uint64_t isn_siphash24(const uint8_t key[16], const void *data, uint32_t len);

#endif
