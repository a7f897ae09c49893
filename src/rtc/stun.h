// SPDX-License-Identifier: MIT
// STUN for ICE-lite: a bounds-checked parser of binding messages that borrows from the
// packet (RFC 8489 §5, §14; RFC 5389 §15), MESSAGE-INTEGRITY and FINGERPRINT checks, writers
// for the answers an ICE-lite agent sends (RFC 8445 §7.3), and the RFC 7983 demux test.
// Pure functions: no globals, no allocation; the caller owns every buffer.
#ifndef VOX_RTC_STUN_H
#define VOX_RTC_STUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

#define STUN_MAGIC_COOKIE 0x2112A442u
#define STUN_HEADER_LEN   20
#define STUN_TXID_LEN     12
// USERNAME must be fewer than 513 bytes (RFC 5389 §15.3); longer ones fail the parse.
#define STUN_USERNAME_MAX 512
// ERROR-CODE reasons are at most 763 bytes (RFC 8489 §14.8).
#define STUN_REASON_MAX 763
// How many unknown comprehension-required attribute types a parse lists for a 420 answer.
#define STUN_UNKNOWN_MAX 8
// An ICE ufrag is 4 to 256 ice-chars (RFC 8839 §5.4); stun_username_split allows 1 to 256.
#define STUN_UFRAG_MAX 256

#define STUN_METHOD_BINDING 0x001

// Message classes, as the two class bits of the message type (RFC 8489 §5).
enum stun_class {
    STUN_REQUEST = 0,
    STUN_INDICATION = 1,
    STUN_SUCCESS = 2,
    STUN_ERROR = 3,
};

// Attribute types this module reads or writes (RFC 8489 §18.3, RFC 8445 §16.1).
enum stun_attr {
    STUN_ATTR_MAPPED_ADDRESS = 0x0001,
    STUN_ATTR_USERNAME = 0x0006,
    STUN_ATTR_MESSAGE_INTEGRITY = 0x0008,
    STUN_ATTR_ERROR_CODE = 0x0009,
    STUN_ATTR_UNKNOWN_ATTRIBUTES = 0x000A,
    STUN_ATTR_REALM = 0x0014,
    STUN_ATTR_NONCE = 0x0015,
    STUN_ATTR_MESSAGE_INTEGRITY_SHA256 = 0x001C,
    STUN_ATTR_PASSWORD_ALGORITHM = 0x001D,
    STUN_ATTR_USERHASH = 0x001E,
    STUN_ATTR_XOR_MAPPED_ADDRESS = 0x0020,
    STUN_ATTR_PRIORITY = 0x0024,
    STUN_ATTR_USE_CANDIDATE = 0x0025,
    STUN_ATTR_SOFTWARE = 0x8022,
    STUN_ATTR_FINGERPRINT = 0x8028,
    STUN_ATTR_ICE_CONTROLLED = 0x8029,
    STUN_ATTR_ICE_CONTROLLING = 0x802A,
};

// Results. Every code is negative so voxd can count drops by -code (see stun_err_name).
enum stun_err {
    STUN_OK = 0,
    STUN_ERR_SHORT = -1,        // fewer than 20 bytes
    STUN_ERR_NOT_STUN = -2,     // first two bits set or no magic cookie
    STUN_ERR_LENGTH = -3,       // header length not a multiple of 4 or not the datagram's
    STUN_ERR_BAD_ATTR = -4,     // attribute past the end, wrong size or value, or after FINGERPRINT
    STUN_ERR_FINGERPRINT = -5,  // FINGERPRINT present but its CRC is wrong
    STUN_ERR_NO_INTEGRITY = -6, // stun_check_integrity on a message without MESSAGE-INTEGRITY
    STUN_ERR_INTEGRITY = -7,    // MESSAGE-INTEGRITY does not match the key
    STUN_ERR_NOSPACE = -8,      // a writer's buffer is too small
    STUN_ERR_ARG = -9,          // a writer's argument is out of range
    STUN_ERR_CRYPTO = -10,      // OpenSSL failed
};
#define STUN_ERR_COUNT 11 // codes 0 .. -10: a counter array indexed by -code has this size

// A parsed message. Pointers borrow from the buffer given to stun_parse and live as long as
// it does; they are not NUL-terminated. Absent attributes leave their fields zero. Of an
// attribute that appears twice, only the first counts (RFC 8489 §14).
struct stun_msg {
    uint16_t method; // STUN_METHOD_BINDING for everything ICE sends
    enum stun_class cls;
    uint8_t txid[STUN_TXID_LEN];
    const uint8_t *username; // username_len (<= STUN_USERNAME_MAX) bytes
    size_t username_len;
    const uint8_t *realm; // long-term credentials only: parsed, never used by ICE
    size_t realm_len;
    const uint8_t *nonce;
    size_t nonce_len;
    size_t integrity_off;        // offset in buf of MESSAGE-INTEGRITY's TLV header, 0 if absent
    size_t integrity_sha256_off; // the same for MESSAGE-INTEGRITY-SHA256 (not verified here)
    bool has_fingerprint;        // present, last and correct (a wrong one fails the parse)
    bool has_priority;
    bool use_candidate;
    bool has_ice_controlling;
    bool has_ice_controlled;
    bool has_mapped;
    uint32_t priority;
    uint64_t ice_controlling; // tie breakers
    uint64_t ice_controlled;
    struct sockaddr_storage mapped; // XOR-MAPPED-ADDRESS decoded to a sockaddr_in or _in6
    int error_code;                 // 300..699 from ERROR-CODE, 0 if absent
    const uint8_t *error_reason;    // error_reason_len bytes of UTF-8, may be empty
    size_t error_reason_len;
    size_t unknown_count;               // unknown comprehension-required attributes, all of them
    uint16_t unknown[STUN_UNKNOWN_MAX]; // the first STUN_UNKNOWN_MAX of their types
};

// One ICE username fragment, borrowed from the USERNAME it was split from.
struct stun_ufrag {
    const uint8_t *ptr;
    size_t len;
};

// Short stable name of a stun_err code ("short", "not_stun", ...), for metric labels.
const char *stun_err_name(int err);

// Cheap RFC 7983 demux test on a datagram: 1 if it looks like STUN (first byte 0..3, at least
// 20 bytes, magic cookie), else 0. Say yes before stun_parse, which checks the rest.
int stun_is_stun(const uint8_t *buf, size_t len);

// Parses the whole datagram buf[0..len) into *m (zeroed first; unspecified on error) and
// verifies FINGERPRINT if present; returns 0 or a negative stun_err. Attributes after
// MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are skipped (RFC 8489
// §14.5); FINGERPRINT must be last. m borrows from buf.
int stun_parse(struct stun_msg *m, const uint8_t *buf, size_t len);

// Checks the MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5) of the message m was parsed from,
// buf[0..len), in constant time; returns 0, STUN_ERR_NO_INTEGRITY, STUN_ERR_INTEGRITY, or
// STUN_ERR_ARG if m does not fit buf. With ICE short-term credentials the key is the password.
int stun_check_integrity(const struct stun_msg *m, const uint8_t *buf, size_t len,
                         const uint8_t *key, size_t key_len);

// Writes a binding success answer to transaction txid into out[0..cap): XOR-MAPPED-ADDRESS of
// mapped (AF_INET or AF_INET6), then MESSAGE-INTEGRITY with key unless key is NULL, then
// FINGERPRINT. Returns the length, STUN_ERR_NOSPACE, or STUN_ERR_ARG; never writes past cap.
int stun_write_binding_success(uint8_t *out, size_t cap, const uint8_t txid[STUN_TXID_LEN],
                               const struct sockaddr *mapped, const uint8_t *key, size_t key_len);

// Writes a binding error answer: ERROR-CODE code (300..699) with reason (NULL: the usual
// phrase of that code), MESSAGE-INTEGRITY unless key is NULL (400 and 401 answers have none),
// FINGERPRINT. Returns the length, STUN_ERR_NOSPACE, or STUN_ERR_ARG; never writes past cap.
int stun_write_binding_error(uint8_t *out, size_t cap, const uint8_t txid[STUN_TXID_LEN], int code,
                             const char *reason, const uint8_t *key, size_t key_len);

// Writes the 420 answer to a request with unknown comprehension-required attributes:
// ERROR-CODE 420 and UNKNOWN-ATTRIBUTES listing types[0..n) (n >= 1, as stun_msg.unknown
// holds them), MESSAGE-INTEGRITY unless key is NULL, FINGERPRINT. Returns as the others.
int stun_write_binding_unknown(uint8_t *out, size_t cap, const uint8_t txid[STUN_TXID_LEN],
                               const uint16_t *types, size_t n, const uint8_t *key, size_t key_len);

// Writes a binding request as a controlling ICE agent sends it (connectivity and consent
// checks): USERNAME (NUL-terminated, unless NULL), PRIORITY, USE-CANDIDATE if use_candidate,
// ICE-CONTROLLING with tie_breaker, MESSAGE-INTEGRITY unless key is NULL, FINGERPRINT.
// Returns the length, STUN_ERR_NOSPACE, or STUN_ERR_ARG; never writes past cap.
int stun_write_binding_request(uint8_t *out, size_t cap, const uint8_t txid[STUN_TXID_LEN],
                               const char *username, uint32_t priority, bool use_candidate,
                               uint64_t tie_breaker, const uint8_t *key, size_t key_len);

// Splits a request's USERNAME "local:remote" (RFC 8445 §7.2.2: the receiver's ufrag comes
// first, so on the SFU it is ours) into two fragments borrowed from username; returns 0, or
// STUN_ERR_BAD_ATTR unless both are 1..STUN_UFRAG_MAX ice-chars (ALPHA DIGIT + /).
int stun_username_split(const uint8_t *username, size_t len, struct stun_ufrag *local,
                        struct stun_ufrag *remote);

#endif
