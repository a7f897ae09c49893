// SPDX-License-Identifier: MIT
// DTLS 1.2 for one peer connection (RFC 6347), with the use_srtp extension and the SRTP key
// export of DTLS-SRTP (RFC 5764) and the certificate fingerprint check of RFC 8122. No I/O:
// received records go in through dtls_feed(), datagrams to send come out through a callback.
#ifndef VOX_RTC_DTLS_H
#define VOX_RTC_DTLS_H

#include <stddef.h>
#include <stdint.h>

#define DTLS_MTU 1200 // largest datagram a dtls sends (fits any path that carries WebRTC)

// The hash of our fingerprint as SDP names it, and the size of dtls_cert_fingerprint()'s
// string with its NUL (32 bytes as "AB:" each, the last colon becoming the NUL).
#define DTLS_FINGERPRINT_ALGO "sha-256"
#define DTLS_FINGERPRINT_LEN  (32 * 3)

// SRTP protection profiles, numbered as in the IANA registry (RFC 5764 section 4.1.2).
enum dtls_srtp_profile {
    DTLS_SRTP_NONE = 0,
    DTLS_SRTP_AES128_CM_SHA1_80 = 0x0001, // SRTP_AES128_CM_HMAC_SHA1_80 (RFC 5764)
    DTLS_SRTP_AEAD_AES_128_GCM = 0x0007,  // SRTP_AEAD_AES_128_GCM (RFC 7714)
};

#define DTLS_SRTP_KEY_MAX  16 // master key bytes of either profile
#define DTLS_SRTP_SALT_MAX 14 // master salt bytes: 14 for AES_CM, 12 for GCM

// The SRTP master keys DTLS-SRTP exported, already split by role: local protects what we
// send, remote unprotects what we receive.
struct dtls_srtp_keys {
    enum dtls_srtp_profile profile;
    size_t key_len, salt_len;
    uint8_t local_key[DTLS_SRTP_KEY_MAX], local_salt[DTLS_SRTP_SALT_MAX];
    uint8_t remote_key[DTLS_SRTP_KEY_MAX], remote_salt[DTLS_SRTP_SALT_MAX];
};

// Our side of the handshake. A browser's offer says a=setup:actpass and we answer
// a=setup:passive (server); an answer of a=setup:active from the browser also makes us the
// server. We are the client only when the remote SDP says a=setup:passive.
enum dtls_role { DTLS_ROLE_SERVER, DTLS_ROLE_CLIENT };

enum dtls_state {
    DTLS_STATE_NEW,         // made, no record exchanged yet
    DTLS_STATE_HANDSHAKING, // started, or a first record fed
    DTLS_STATE_CONNECTED,   // handshake done, fingerprint checked, SRTP keys exported
    DTLS_STATE_FAILED,      // fatal error (dtls_error() says which); terminal
    DTLS_STATE_CLOSED,      // close_notify sent or received; terminal
};

// The process's certificate: a fresh ECDSA P-256 key and a self-signed certificate for it,
// with the SSL_CTX every dtls of the process is made from. Made once at start and shared
// read-only by every media worker: OpenSSL 3 allows SSL objects to be created from one
// SSL_CTX in several threads at once, and nothing changes the context after
// dtls_cert_new() returns.
struct dtls_cert;

// Generates the key and certificate; NULL when OpenSSL fails (dtls_cert_new logs why).
struct dtls_cert *dtls_cert_new(void);
// Frees the certificate. Every dtls made from it must have been freed first. NULL is fine.
void dtls_cert_free(struct dtls_cert *cert);
// The SHA-256 fingerprint of the certificate as SDP writes it after "sha-256 ":
// "AB:CD:..." in upper-case hex. Owned by cert.
const char *dtls_cert_fingerprint(const struct dtls_cert *cert);

// One peer connection's DTLS. Used by one thread at a time (its media worker).
struct dtls;

// Called with each datagram to send (at most DTLS_MTU bytes). data is valid only during the
// call. It fires from inside dtls_start(), dtls_feed(), dtls_on_timeout() and dtls_close(),
// and must not call back into the same dtls.
typedef void (*dtls_send_cb)(void *user, const uint8_t *data, size_t len);

// Makes a connection in state new. remote_fingerprint is the value of the remote SDP's
// a=fingerprint ("sha-256 AB:CD:...": hash name, space, colon-separated hex; sha-1, sha-256,
// sha-384 and sha-512 are understood, case-insensitively), copied. The handshake succeeds
// only with a peer whose certificate has that fingerprint. NULL when the fingerprint is
// malformed or names another hash. cert must outlive the dtls.
struct dtls *dtls_new(struct dtls_cert *cert, enum dtls_role role, const char *remote_fingerprint,
                      dtls_send_cb send, void *user);
// Frees the connection without sending anything (dtls_close() first for a polite goodbye).
// NULL is fine.
void dtls_free(struct dtls *d);

// Restricts the SRTP profiles offered (client) or accepted (server) to list, most preferred
// first. The default is AEAD_AES_128_GCM, then AES128_CM_SHA1_80. Only before dtls_start()
// or the first dtls_feed(). 0, or VOX_EINVAL for an empty list or unknown profile, or
// VOX_ECONFLICT once the handshake has begun.
int dtls_set_srtp_profiles(struct dtls *d, const enum dtls_srtp_profile *list, size_t n);

// Begins the handshake: a client sends its ClientHello, a server waits for one. Called by
// the first dtls_feed() when not called before; does nothing when already begun. 0, or
// VOX_EIO (failed) or VOX_ECONFLICT (closed).
int dtls_start(struct dtls *d);

// Processes one received datagram. It must be DTLS (RFC 7983: first byte 20..63), otherwise
// VOX_EINVAL and nothing happens. Drives the handshake; once connected, answers a peer's
// retransmitted last flight and handles alerts and close_notify (application data is
// dropped: no data channels yet). Records that fail to decode are dropped, as DTLS does.
// Returns 1 when this datagram completed the handshake (dtls_srtp_keys() is now
// available), 0 when the connection goes on, VOX_EIO once it has failed and VOX_ECONFLICT
// once it is closed (by this datagram or before: dtls_error() says why it failed).
int dtls_feed(struct dtls *d, const uint8_t *in, size_t len);

// Milliseconds until dtls_on_timeout() must be called (0: now), or -1 when no
// retransmission timer runs (before start, after the handshake, after failure).
int dtls_timeout_ms(const struct dtls *d);
// Retransmits the last flight when its timer has expired (nothing if not). Timers start at
// 100 ms and double up to 4 s; the expiry after the 12th unanswered retransmission fails the
// handshake ("timed out"), about 34 s after it began. 0, or VOX_EIO (failed) or
// VOX_ECONFLICT (closed).
int dtls_on_timeout(struct dtls *d);

// Sends close_notify and moves to closed (only from handshaking or connected).
void dtls_close(struct dtls *d);

enum dtls_state dtls_state(const struct dtls *d);
// "new", "handshaking", "connected", "failed", "closed".
const char *dtls_state_name(enum dtls_state st);
// Why the connection failed, for logs and metrics ("" when it has not).
const char *dtls_error(const struct dtls *d);
enum dtls_role dtls_role(const struct dtls *d);

// Copies the SRTP keys exported at the end of the handshake. 0, or VOX_ECONFLICT when not
// connected.
int dtls_srtp_keys(const struct dtls *d, struct dtls_srtp_keys *out);
// "AEAD_AES_128_GCM", "AES128_CM_SHA1_80", or "none".
const char *dtls_srtp_profile_name(enum dtls_srtp_profile p);

#endif
