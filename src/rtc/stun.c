// SPDX-License-Identifier: MIT
// STUN messages for ICE-lite: header and attribute parsing (RFC 8489 §5, §14), the ICE
// attributes (RFC 8445 §16.1), HMAC-SHA1 integrity (§14.5) and CRC-32 fingerprints (§14.7),
// and writers of binding requests and answers. Nothing here allocates or keeps state.
#include "rtc/stun.h"

#include <string.h>

#include <netinet/in.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <zlib.h>

// The header is 20 bytes, all big-endian:
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +---+---------------------------+-------------------------------+
//   |0 0| type: method and class    | length of what follows (%4==0)|
//   +---+---------------------------+-------------------------------+
//   |                 magic cookie 0x2112A442                       |
//   +---------------------------------------------------------------+
//   |            transaction id, 96 bits chosen by the sender       |
//   |                                                               |
//   |                                                               |
//   +---------------------------------------------------------------+
//
// The 14-bit type interleaves a 12-bit method (M) with the two class bits (C):
//
//   bit  13 12 11 10  9  8  7  6  5  4  3  2  1  0
//        M11 ...    M7 C1 M6 M5 M4 C0 M3 M2 M1 M0
//
// Then attributes, each a type-length-value starting on a 4-byte boundary:
//
//   +-------------------------------+-------------------------------+
//   | attribute type                | value length (without padding)|
//   +-------------------------------+-------------------------------+
//   | value, then 0..3 padding bytes to the next multiple of 4      |
//   +---------------------------------------------------------------+
//
// Types below 0x8000 are comprehension-required: a request carrying one we do not know is
// answered 420 with the list. Padding bytes may hold anything (RFC 5769 fills them with
// spaces), so they are never checked, but they are covered by the HMAC and the CRC.

#define MI_LEN          20 // HMAC-SHA1
#define FP_XOR          0x5354554eu
#define ATTR_HDR        4
#define XOR_ADDR_V4_LEN 8
#define XOR_ADDR_V6_LEN 20

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) << 32 | rd32(p + 4);
}

static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
    wr16(p, (uint16_t)(v >> 16));
    wr16(p + 2, (uint16_t)v);
}

static void wr64(uint8_t *p, uint64_t v)
{
    wr32(p, (uint32_t)(v >> 32));
    wr32(p + 4, (uint32_t)v);
}

static size_t pad4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

const char *stun_err_name(int err)
{
    static const char *const names[STUN_ERR_COUNT] = {
        "ok",           "short",     "not_stun", "length", "bad_attr", "fingerprint",
        "no_integrity", "integrity", "nospace",  "arg",    "crypto",
    };
    if (err > 0 || err <= -STUN_ERR_COUNT)
        return "unknown";
    return names[-err];
}

int stun_is_stun(const uint8_t *buf, size_t len)
{
    return len >= STUN_HEADER_LEN && buf[0] <= 3 && rd32(buf + 4) == STUN_MAGIC_COOKIE;
}

// HMAC-SHA1 of buf[0..mi_off) with the header length set as if MESSAGE-INTEGRITY ended the
// message (RFC 8489 §14.5), so attributes after it do not change the result. The header goes
// through a copy so neither the packet nor a contiguous scratch copy of it is needed.
// EVP_MAC_fetch per call costs what HMAC() costs (it fetches too); STUN rates are low.
static int hmac_sha1(const uint8_t *buf, size_t mi_off, const uint8_t *key, size_t key_len,
                     uint8_t out[MI_LEN])
{
    static const uint8_t no_key[1];
    uint8_t hdr[STUN_HEADER_LEN];
    memcpy(hdr, buf, sizeof hdr);
    wr16(hdr + 2, (uint16_t)(mi_off + ATTR_HDR + MI_LEN - STUN_HEADER_LEN));
    char digest[] = "SHA1";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    size_t n = 0;
    // A NULL key would mean "keep the previous key" to EVP_MAC_init.
    int ok = ctx && EVP_MAC_init(ctx, key_len ? key : no_key, key_len, params) &&
             EVP_MAC_update(ctx, hdr, sizeof hdr) &&
             EVP_MAC_update(ctx, buf + STUN_HEADER_LEN, mi_off - STUN_HEADER_LEN) &&
             EVP_MAC_final(ctx, out, &n, MI_LEN) && n == MI_LEN;
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return ok ? 0 : STUN_ERR_CRYPTO;
}

// CRC-32 of buf[0..fp_off) XOR'd with "STUN", so a STUN packet's CRC never matches that of a
// protocol it is multiplexed with (RFC 8489 §14.7).
static uint32_t fingerprint(const uint8_t *buf, size_t fp_off)
{
    return (uint32_t)crc32(0L, buf, (uInt)fp_off) ^ FP_XOR;
}

// ---- parsing ----

static int parse_header(struct stun_msg *m, const uint8_t *buf, size_t len)
{
    if (len < STUN_HEADER_LEN)
        return STUN_ERR_SHORT;
    if ((buf[0] & 0xC0) != 0 || rd32(buf + 4) != STUN_MAGIC_COOKIE)
        return STUN_ERR_NOT_STUN;
    size_t body = rd16(buf + 2);
    if (body % 4 != 0 || body != len - STUN_HEADER_LEN)
        return STUN_ERR_LENGTH;
    uint16_t t = rd16(buf);
    m->method = (uint16_t)((t & 0x000F) | (t & 0x00E0) >> 1 | (t & 0x3E00) >> 2);
    m->cls = (enum stun_class)((t >> 4 & 1) | (t >> 7 & 2));
    memcpy(m->txid, buf + 8, STUN_TXID_LEN);
    return 0;
}

// XOR-MAPPED-ADDRESS: a reserved byte, the family (1 IPv4, 2 IPv6), the port XOR the top
// half of the cookie, and the address XOR the cookie (IPv4) or cookie + transaction id (IPv6):
//
//   +---------------+---------------+-------------------------------+
//   | reserved      | family        | port ^ 0x2112                 |
//   +---------------+---------------+-------------------------------+
//   | address ^ (cookie | cookie.txid), 4 or 16 bytes               |
//   +---------------------------------------------------------------+
static int parse_xor_addr(struct stun_msg *m, const uint8_t *buf, const uint8_t *v, size_t n)
{
    if (n < 4)
        return STUN_ERR_BAD_ATTR;
    uint16_t port = rd16(v + 2) ^ (uint16_t)(STUN_MAGIC_COOKIE >> 16);
    if (v[1] == 1 && n == XOR_ADDR_V4_LEN) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&m->mapped;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        uint8_t *a = (uint8_t *)&sin->sin_addr;
        for (int i = 0; i < 4; i++)
            a[i] = v[4 + i] ^ buf[4 + i];
    } else if (v[1] == 2 && n == XOR_ADDR_V6_LEN) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&m->mapped;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        // bytes 4..19 of the header are exactly the cookie followed by the transaction id
        for (int i = 0; i < 16; i++)
            sin6->sin6_addr.s6_addr[i] = v[4 + i] ^ buf[4 + i];
    } else {
        return STUN_ERR_BAD_ATTR;
    }
    m->has_mapped = true;
    return 0;
}

// ERROR-CODE: 21 reserved bits, the class (3..6) in 3 bits, the number (0..99) in 8 bits,
// then a UTF-8 reason.
static int parse_error_code(struct stun_msg *m, const uint8_t *v, size_t n)
{
    if (n < 4 || n - 4 > STUN_REASON_MAX)
        return STUN_ERR_BAD_ATTR;
    int cls = v[2] & 7, num = v[3];
    if (cls < 3 || cls > 6 || num > 99)
        return STUN_ERR_BAD_ATTR;
    m->error_code = cls * 100 + num;
    m->error_reason = v + 4;
    m->error_reason_len = n - 4;
    return 0;
}

// Attribute types that are understood even when nothing of theirs is kept.
static bool is_known(uint16_t type)
{
    switch (type) {
    case STUN_ATTR_MAPPED_ADDRESS:
    case STUN_ATTR_UNKNOWN_ATTRIBUTES:
    case STUN_ATTR_PASSWORD_ALGORITHM:
    case STUN_ATTR_USERHASH:
        return true;
    default:
        return type >= 0x8000;
    }
}

// One attribute before any MESSAGE-INTEGRITY; v[0..n) lies inside buf.
static int parse_attr(struct stun_msg *m, const uint8_t *buf, size_t off, uint16_t type,
                      const uint8_t *v, size_t n)
{
    switch (type) {
    case STUN_ATTR_USERNAME:
        if (n > STUN_USERNAME_MAX)
            return STUN_ERR_BAD_ATTR;
        if (!m->username) {
            m->username = v;
            m->username_len = n;
        }
        return 0;
    case STUN_ATTR_REALM:
        if (!m->realm) {
            m->realm = v;
            m->realm_len = n;
        }
        return 0;
    case STUN_ATTR_NONCE:
        if (!m->nonce) {
            m->nonce = v;
            m->nonce_len = n;
        }
        return 0;
    case STUN_ATTR_MESSAGE_INTEGRITY:
        if (n != MI_LEN)
            return STUN_ERR_BAD_ATTR;
        m->integrity_off = off;
        return 0;
    case STUN_ATTR_MESSAGE_INTEGRITY_SHA256:
        // at least 16 bytes, at most 32, a multiple of 4 (RFC 8489 §14.6)
        if (n < 16 || n > 32 || n % 4 != 0)
            return STUN_ERR_BAD_ATTR;
        m->integrity_sha256_off = off;
        return 0;
    case STUN_ATTR_PRIORITY:
        if (n != 4)
            return STUN_ERR_BAD_ATTR;
        if (!m->has_priority)
            m->priority = rd32(v);
        m->has_priority = true;
        return 0;
    case STUN_ATTR_USE_CANDIDATE:
        if (n != 0)
            return STUN_ERR_BAD_ATTR;
        m->use_candidate = true;
        return 0;
    case STUN_ATTR_ICE_CONTROLLING:
        if (n != 8)
            return STUN_ERR_BAD_ATTR;
        if (!m->has_ice_controlling)
            m->ice_controlling = rd64(v);
        m->has_ice_controlling = true;
        return 0;
    case STUN_ATTR_ICE_CONTROLLED:
        if (n != 8)
            return STUN_ERR_BAD_ATTR;
        if (!m->has_ice_controlled)
            m->ice_controlled = rd64(v);
        m->has_ice_controlled = true;
        return 0;
    case STUN_ATTR_XOR_MAPPED_ADDRESS:
        return m->has_mapped ? 0 : parse_xor_addr(m, buf, v, n);
    case STUN_ATTR_ERROR_CODE:
        return m->error_code ? 0 : parse_error_code(m, v, n);
    default:
        if (!is_known(type)) {
            if (m->unknown_count < STUN_UNKNOWN_MAX)
                m->unknown[m->unknown_count] = type;
            m->unknown_count++;
        }
        return 0;
    }
}

// FINGERPRINT at off: exactly 4 bytes, the last attribute, with the right CRC.
static int parse_fingerprint(struct stun_msg *m, const uint8_t *buf, size_t len, size_t off,
                             size_t n)
{
    if (n != 4 || off + ATTR_HDR + 4 != len)
        return STUN_ERR_BAD_ATTR;
    if (rd32(buf + off + ATTR_HDR) != fingerprint(buf, off))
        return STUN_ERR_FINGERPRINT;
    m->has_fingerprint = true;
    return 0;
}

int stun_parse(struct stun_msg *m, const uint8_t *buf, size_t len)
{
    memset(m, 0, sizeof *m);
    int rc = parse_header(m, buf, len);
    // Both off and len are multiples of 4 from here on, so a TLV header always fits.
    for (size_t off = STUN_HEADER_LEN; rc == 0 && off < len;) {
        uint16_t type = rd16(buf + off);
        size_t n = rd16(buf + off + 2);
        if (pad4(n) > len - off - ATTR_HDR)
            return STUN_ERR_BAD_ATTR;
        // What follows MESSAGE-INTEGRITY is not covered by it, so only the SHA-256 variant
        // and FINGERPRINT count there, and only FINGERPRINT after MESSAGE-INTEGRITY-SHA256.
        bool skip = m->integrity_sha256_off ||
                    (m->integrity_off && type != STUN_ATTR_MESSAGE_INTEGRITY_SHA256);
        if (type == STUN_ATTR_FINGERPRINT)
            rc = parse_fingerprint(m, buf, len, off, n);
        else if (!skip)
            rc = parse_attr(m, buf, off, type, buf + off + ATTR_HDR, n);
        off += ATTR_HDR + pad4(n);
    }
    return rc;
}

int stun_check_integrity(const struct stun_msg *m, const uint8_t *buf, size_t len,
                         const uint8_t *key, size_t key_len)
{
    size_t off = m->integrity_off;
    if (!off)
        return STUN_ERR_NO_INTEGRITY;
    if (off < STUN_HEADER_LEN || len < off + ATTR_HDR + MI_LEN)
        return STUN_ERR_ARG;
    uint8_t mac[MI_LEN];
    int rc = hmac_sha1(buf, off, key, key_len, mac);
    if (rc)
        return rc;
    return CRYPTO_memcmp(mac, buf + off + ATTR_HDR, MI_LEN) == 0 ? 0 : STUN_ERR_INTEGRITY;
}

// ---- writing ----

// A message under construction in out[0..cap); err sticks once something did not fit.
struct wbuf {
    uint8_t *p;
    size_t cap;
    size_t len;
    int err;
};

static void wb_begin(struct wbuf *w, uint8_t *out, size_t cap, enum stun_class cls,
                     const uint8_t txid[STUN_TXID_LEN])
{
    *w = (struct wbuf){.p = out, .cap = cap, .len = STUN_HEADER_LEN};
    if (cap < STUN_HEADER_LEN) {
        w->err = STUN_ERR_NOSPACE;
        return;
    }
    uint16_t m = STUN_METHOD_BINDING, c = (uint16_t)cls;
    wr16(out,
         (uint16_t)((m & 0xF) | (m & 0x70) << 1 | (m & 0xF80) << 2 | (c & 1) << 4 | (c & 2) << 7));
    wr16(out + 2, 0);
    wr32(out + 4, STUN_MAGIC_COOKIE);
    memcpy(out + 8, txid, STUN_TXID_LEN);
}

// Appends a TLV header for n value bytes plus zeroed padding and returns the value, or NULL.
static uint8_t *wb_attr(struct wbuf *w, uint16_t type, size_t n)
{
    if (w->err)
        return NULL;
    // The header's 16-bit length bounds a message, whatever the caller's buffer holds.
    if (n > 0xFFFF || w->len - STUN_HEADER_LEN + ATTR_HDR + pad4(n) > 0xFFFF) {
        w->err = STUN_ERR_ARG;
        return NULL;
    }
    if (w->cap - w->len < ATTR_HDR + pad4(n)) {
        w->err = STUN_ERR_NOSPACE;
        return NULL;
    }
    uint8_t *a = w->p + w->len;
    wr16(a, type);
    wr16(a + 2, (uint16_t)n);
    memset(a + ATTR_HDR, 0, pad4(n));
    w->len += ATTR_HDR + pad4(n);
    wr16(w->p + 2, (uint16_t)(w->len - STUN_HEADER_LEN));
    return a + ATTR_HDR;
}

static void wb_bytes(struct wbuf *w, uint16_t type, const void *v, size_t n)
{
    uint8_t *a = wb_attr(w, type, n);
    if (a && n)
        memcpy(a, v, n);
}

// Appends MESSAGE-INTEGRITY (when key is set) and FINGERPRINT; returns the length or error.
static int wb_finish(struct wbuf *w, const uint8_t *key, size_t key_len)
{
    if (key) {
        size_t mi_off = w->len;
        uint8_t *mi = wb_attr(w, STUN_ATTR_MESSAGE_INTEGRITY, MI_LEN);
        if (mi && (w->err = hmac_sha1(w->p, mi_off, key, key_len, mi)) != 0)
            return w->err;
    }
    size_t fp_off = w->len;
    uint8_t *fp = wb_attr(w, STUN_ATTR_FINGERPRINT, 4);
    if (!fp)
        return w->err;
    wr32(fp, fingerprint(w->p, fp_off));
    return (int)w->len;
}

static int write_xor_addr(struct wbuf *w, const struct sockaddr *sa)
{
    const uint8_t *addr;
    size_t alen;
    uint16_t port;
    uint8_t family;
    if (!sa)
        return STUN_ERR_ARG;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
        addr = (const uint8_t *)&sin->sin_addr;
        alen = 4;
        port = ntohs(sin->sin_port);
        family = 1;
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
        addr = sin6->sin6_addr.s6_addr;
        alen = 16;
        port = ntohs(sin6->sin6_port);
        family = 2;
    } else {
        return STUN_ERR_ARG;
    }
    uint8_t *v = wb_attr(w, STUN_ATTR_XOR_MAPPED_ADDRESS, 4 + alen);
    if (!v)
        return w->err;
    v[1] = family;
    wr16(v + 2, port ^ (uint16_t)(STUN_MAGIC_COOKIE >> 16));
    for (size_t i = 0; i < alen; i++)
        v[4 + i] = addr[i] ^ w->p[4 + i]; // cookie, then transaction id
    return 0;
}

int stun_write_binding_success(uint8_t *out, size_t cap, const uint8_t txid[STUN_TXID_LEN],
                               const struct sockaddr *mapped, const uint8_t *key, size_t key_len)
{
    struct wbuf w;
    wb_begin(&w, out, cap, STUN_SUCCESS, txid);
    if (w.err)
        return w.err;
    int rc = write_xor_addr(&w, mapped);
    return rc ? rc : wb_finish(&w, key, key_len);
}

// The phrase RFC 8489 §14.8 and RFC 8445 §16.2 suggest for code, or a generic one.
static const char *default_reason(int code)
{
    switch (code) {
    case 300:
        return "Try Alternate";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 420:
        return "Unknown Attribute";
    case 438:
        return "Stale Nonce";
    case 487:
        return "Role Conflict";
    case 500:
        return "Server Error";
    default:
        return "Error";
    }
}

static int write_error_code(struct wbuf *w, int code, const char *reason)
{
    if (code < 300 || code > 699)
        return STUN_ERR_ARG;
    if (!reason)
        reason = default_reason(code);
    size_t rlen = strlen(reason);
    if (rlen > STUN_REASON_MAX)
        return STUN_ERR_ARG;
    uint8_t *v = wb_attr(w, STUN_ATTR_ERROR_CODE, 4 + rlen);
    if (!v)
        return w->err;
    v[2] = (uint8_t)(code / 100);
    v[3] = (uint8_t)(code % 100);
    memcpy(v + 4, reason, rlen);
    return 0;
}

int stun_write_binding_error(uint8_t *out, size_t cap, const uint8_t txid[STUN_TXID_LEN], int code,
                             const char *reason, const uint8_t *key, size_t key_len)
{
    struct wbuf w;
    wb_begin(&w, out, cap, STUN_ERROR, txid);
    if (w.err)
        return w.err;
    int rc = write_error_code(&w, code, reason);
    return rc ? rc : wb_finish(&w, key, key_len);
}

int stun_write_binding_unknown(uint8_t *out, size_t cap, const uint8_t txid[STUN_TXID_LEN],
                               const uint16_t *types, size_t n, const uint8_t *key, size_t key_len)
{
    if (!types || n == 0 || n > 0xFFFF / 2)
        return STUN_ERR_ARG;
    struct wbuf w;
    wb_begin(&w, out, cap, STUN_ERROR, txid);
    if (w.err)
        return w.err;
    int rc = write_error_code(&w, 420, NULL);
    if (rc)
        return rc;
    uint8_t *v = wb_attr(&w, STUN_ATTR_UNKNOWN_ATTRIBUTES, 2 * n);
    if (!v)
        return w.err;
    for (size_t i = 0; i < n; i++)
        wr16(v + 2 * i, types[i]);
    return wb_finish(&w, key, key_len);
}

int stun_write_binding_request(uint8_t *out, size_t cap, const uint8_t txid[STUN_TXID_LEN],
                               const char *username, uint32_t priority, bool use_candidate,
                               uint64_t tie_breaker, const uint8_t *key, size_t key_len)
{
    size_t ulen = username ? strnlen(username, STUN_USERNAME_MAX + 1) : 0;
    if (ulen > STUN_USERNAME_MAX)
        return STUN_ERR_ARG;
    struct wbuf w;
    wb_begin(&w, out, cap, STUN_REQUEST, txid);
    if (username)
        wb_bytes(&w, STUN_ATTR_USERNAME, username, ulen);
    uint8_t *v = wb_attr(&w, STUN_ATTR_PRIORITY, 4);
    if (v)
        wr32(v, priority);
    if (use_candidate)
        wb_attr(&w, STUN_ATTR_USE_CANDIDATE, 0);
    v = wb_attr(&w, STUN_ATTR_ICE_CONTROLLING, 8);
    if (v)
        wr64(v, tie_breaker);
    return w.err ? w.err : wb_finish(&w, key, key_len);
}

// ---- ICE usernames ----

static bool is_ice_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

// Length of the ice-char run at p[0..len): stops at the first other byte.
static size_t ice_run(const uint8_t *p, size_t len)
{
    size_t i = 0;
    while (i < len && is_ice_char(p[i]))
        i++;
    return i;
}

int stun_username_split(const uint8_t *username, size_t len, struct stun_ufrag *local,
                        struct stun_ufrag *remote)
{
    if (!username)
        return STUN_ERR_BAD_ATTR;
    size_t a = ice_run(username, len);
    if (a == 0 || a > STUN_UFRAG_MAX || a >= len || username[a] != ':')
        return STUN_ERR_BAD_ATTR;
    const uint8_t *r = username + a + 1;
    size_t rlen = len - a - 1;
    if (rlen == 0 || rlen > STUN_UFRAG_MAX || ice_run(r, rlen) != rlen)
        return STUN_ERR_BAD_ATTR;
    *local = (struct stun_ufrag){username, a};
    *remote = (struct stun_ufrag){r, rlen};
    return 0;
}
