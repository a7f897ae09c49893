// SPDX-License-Identifier: MIT
// SRTP and SRTCP for one peer connection through libsrtp2 (RFC 3711; AEAD_AES_128_GCM of
// RFC 7714), keyed by DTLS-SRTP. Packets are protected and unprotected in place, in the
// caller's buffer; nothing is allocated per packet by this module.
#ifndef VOX_RTC_RTP_CRYPTO_H
#define VOX_RTC_RTP_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "rtc/dtls.h"

// Bytes protect adds to a packet, so a caller's buffer must have that much room past it.
#define RTP_CRYPTO_GCM_TAG      16 // AEAD_AES_128_GCM authentication tag (RFC 7714 section 14.2)
#define RTP_CRYPTO_SHA1_80_TAG  10 // AES_CM_128_HMAC_SHA1_80 authentication tag (RFC 3711)
#define RTP_CRYPTO_SRTCP_INDEX  4  // E flag and SRTCP index, RTCP only (RFC 3711 section 3.4)
#define RTP_CRYPTO_MAX_OVERHEAD (RTP_CRYPTO_GCM_TAG + RTP_CRYPTO_SRTCP_INDEX) // any profile

// The replay window of inbound SRTP streams, in packets: deep enough for a video burst that
// arrives reordered and for retransmissions without RTX. (libsrtp's SRTCP window is 128.)
#define RTP_CRYPTO_REPLAY_WINDOW 1024

// Results besides 0. Unprotect failures are a peer's or an attacker's doing, not ours:
// count them by rtp_crypto_err_name() and drop the packet.
enum rtp_crypto_err {
    RTP_CRYPTO_EAUTH = -20,   // authentication failed: tampered, wrong key, or not SRTP at all
    RTP_CRYPTO_EREPLAY = -21, // seen before, or older than the replay window
    RTP_CRYPTO_EOTHER = -22,  // too short or malformed, no room for the tag, libsrtp failure
};

// One peer connection's SRTP sessions: inbound (the remote key: unprotects RTP and RTCP,
// replay protection on, any SSRC) and outbound (the local key: protects, any SSRC). One
// rtp_crypto is used by one thread only (its media worker); different ones may be used by
// different threads at once.
struct rtp_crypto;

// Initializes libsrtp2 once per process; safe to call any number of times, from any thread.
// 0, or RTP_CRYPTO_EOTHER when libsrtp cannot start. rtp_crypto_new() calls it.
int rtp_crypto_global_init(void);

// Makes the sessions from keys (dtls_srtp_keys() after the handshake), copied. NULL when the
// profile is unknown or libsrtp refuses the keys.
struct rtp_crypto *rtp_crypto_new(const struct dtls_srtp_keys *keys);
// Frees both sessions and wipes their keys. NULL is fine.
void rtp_crypto_free(struct rtp_crypto *c);

// Bytes protect adds to an RTP packet (the tag) and to an RTCP packet (tag and index).
size_t rtp_crypto_rtp_overhead(const struct rtp_crypto *c);
size_t rtp_crypto_rtcp_overhead(const struct rtp_crypto *c);
enum dtls_srtp_profile rtp_crypto_profile(const struct rtp_crypto *c);

// Encrypts the RTP packet buf[0..*len) in place and appends the tag; *len grows by
// rtp_crypto_rtp_overhead(), within cap, buf's size. A packet with the same SSRC and sequence
// number may be protected again, for a retransmission, only with the same bytes (SRTP would
// otherwise reuse keystream). 0, or RTP_CRYPTO_EOTHER (no room, malformed header).
int rtp_crypto_protect_rtp(struct rtp_crypto *c, uint8_t *buf, size_t *len, size_t cap);
// Checks and decrypts the SRTP packet buf[0..*len) in place; *len shrinks to the RTP packet.
// 0, RTP_CRYPTO_EAUTH, RTP_CRYPTO_EREPLAY or RTP_CRYPTO_EOTHER; after a failure the bytes
// of buf are unspecified.
int rtp_crypto_unprotect_rtp(struct rtp_crypto *c, uint8_t *buf, size_t *len);
// The same for a compound RTCP packet (SRTCP, always encrypted).
int rtp_crypto_protect_rtcp(struct rtp_crypto *c, uint8_t *buf, size_t *len, size_t cap);
int rtp_crypto_unprotect_rtcp(struct rtp_crypto *c, uint8_t *buf, size_t *len);

// "ok", "auth", "replay", "other": the drop reason label for metrics.
const char *rtp_crypto_err_name(int err);

#endif
