// SPDX-License-Identifier: MIT
// Fuzz target for STUN: stun_parse on the raw bytes, then on a copy whose header length,
// FINGERPRINT and MESSAGE-INTEGRITY are made right here (with zlib and OpenSSL's HMAC(), not
// the code under test), so mutations reach past both checks. Every borrowed pointer is read
// to its end; a parsed binding request is answered with each writer and every answer must
// parse and authenticate with the same key; the request writer must reproduce the request.
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zlib.h>

#include "rtc/stun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t key[] = "fuzz-ice-password-0123456789";
#define KEY_LEN    (sizeof key - 1)
#define REPAIR_MAX 8192

static volatile uint8_t sink;

// Reads p[0..n) so ASan sees any pointer that escapes its buffer.
static void touch(const uint8_t *p, size_t n)
{
    uint8_t x = 0;
    for (size_t i = 0; i < n; i++)
        x ^= p[i];
    sink = x;
}

static bool inside(const uint8_t *p, size_t n, const uint8_t *buf, size_t len)
{
    return !p || (p >= buf && n <= len && (size_t)(p - buf) <= len - n);
}

// Offset of a borrowed pointer, or SIZE_MAX for NULL, to compare parses of two buffers.
static size_t rel(const uint8_t *p, const uint8_t *buf)
{
    return p ? (size_t)(p - buf) : SIZE_MAX;
}

// Checks what a successful parse of buf[0..len) promises, and uses every field once.
static void check_msg(const struct stun_msg *m, const uint8_t *buf, size_t len)
{
    if (!inside(m->username, m->username_len, buf, len) ||
        !inside(m->realm, m->realm_len, buf, len) || !inside(m->nonce, m->nonce_len, buf, len) ||
        !inside(m->error_reason, m->error_reason_len, buf, len))
        abort();
    if (m->username_len > STUN_USERNAME_MAX || m->error_reason_len > STUN_REASON_MAX)
        abort();
    if (m->integrity_off &&
        (m->integrity_off < STUN_HEADER_LEN || m->integrity_off % 4 || m->integrity_off + 24 > len))
        abort();
    if (m->error_code && (m->error_code < 300 || m->error_code > 699))
        abort();
    if (m->has_mapped && m->mapped.ss_family != AF_INET && m->mapped.ss_family != AF_INET6)
        abort();
    touch(m->username, m->username_len);
    touch(m->realm, m->realm_len);
    touch(m->nonce, m->nonce_len);
    touch(m->error_reason, m->error_reason_len);
    int rc = stun_check_integrity(m, buf, len, key, KEY_LEN);
    if (rc != 0 && rc != STUN_ERR_INTEGRITY && rc != STUN_ERR_NO_INTEGRITY)
        abort();
    struct stun_ufrag l, r;
    if (m->username && stun_username_split(m->username, m->username_len, &l, &r) == 0) {
        if (l.len + r.len + 1 != m->username_len || l.ptr != m->username || l.ptr[l.len] != ':')
            abort();
    }
}

// Parses an answer a writer produced and checks it is an authenticated binding answer.
static void parse_answer(const uint8_t *out, int n, const uint8_t *txid, enum stun_class cls,
                         bool keyed, struct stun_msg *a)
{
    if (n <= 0 || !stun_is_stun(out, (size_t)n) || stun_parse(a, out, (size_t)n) != 0)
        abort();
    if (a->cls != cls || a->method != STUN_METHOD_BINDING || !a->has_fingerprint ||
        memcmp(a->txid, txid, STUN_TXID_LEN) != 0)
        abort();
    int rc = stun_check_integrity(a, out, (size_t)n, key, KEY_LEN);
    if (rc != (keyed ? 0 : STUN_ERR_NO_INTEGRITY))
        abort();
}

static void answer_request(const struct stun_msg *m)
{
    uint8_t out[2048];
    struct stun_msg a;
    struct sockaddr_in dflt = {.sin_family = AF_INET, .sin_port = htons(32853)};
    dflt.sin_addr.s_addr = htonl(0xc0000201);
    const struct sockaddr *to =
        m->has_mapped ? (const struct sockaddr *)&m->mapped : (const struct sockaddr *)&dflt;
    int n = stun_write_binding_success(out, sizeof out, m->txid, to, key, KEY_LEN);
    parse_answer(out, n, m->txid, STUN_SUCCESS, true, &a);
    size_t alen =
        to->sa_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
    if (!a.has_mapped || memcmp(&a.mapped, to, alen) != 0)
        abort();

    n = stun_write_binding_error(out, sizeof out, m->txid, 400, NULL, NULL, 0);
    parse_answer(out, n, m->txid, STUN_ERROR, false, &a);
    if (a.error_code != 400)
        abort();

    if (m->unknown_count) {
        size_t k = m->unknown_count < STUN_UNKNOWN_MAX ? m->unknown_count : STUN_UNKNOWN_MAX;
        n = stun_write_binding_unknown(out, sizeof out, m->txid, m->unknown, k, key, KEY_LEN);
        parse_answer(out, n, m->txid, STUN_ERROR, true, &a);
        if (a.error_code != 420)
            abort();
    }

    // The request writer takes a C string: only usernames without a NUL round trip.
    char user[STUN_USERNAME_MAX + 1];
    if (m->username && memchr(m->username, 0, m->username_len))
        return;
    if (m->username) {
        memcpy(user, m->username, m->username_len);
        user[m->username_len] = '\0';
    }
    n = stun_write_binding_request(out, sizeof out, m->txid, m->username ? user : NULL, m->priority,
                                   m->use_candidate, m->ice_controlling, key, KEY_LEN);
    parse_answer(out, n, m->txid, STUN_REQUEST, true, &a);
    if (a.username_len != m->username_len ||
        (m->username && memcmp(a.username, m->username, m->username_len) != 0) || !a.has_priority ||
        a.priority != m->priority || a.use_candidate != m->use_candidate ||
        !a.has_ice_controlling || a.ice_controlling != m->ice_controlling)
        abort();
}

static void on_parsed(const struct stun_msg *m, const uint8_t *buf, size_t len)
{
    check_msg(m, buf, len);
    if (m->cls == STUN_REQUEST && m->method == STUN_METHOD_BINDING)
        answer_request(m);
}

static void put16(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xFFFF);
}

// Rewrites a trailing FINGERPRINT's CRC, if the last 8 bytes look like one.
static void fix_fingerprint(uint8_t *b, size_t len)
{
    const uint8_t *a = b + len - 8;
    if (len >= STUN_HEADER_LEN + 8 && a[0] == 0x80 && a[1] == 0x28 && a[2] == 0 && a[3] == 4)
        put32(b + len - 4, (uint32_t)crc32(0L, b, (uInt)(len - 8)) ^ 0x5354554eu);
}

// Rewrites the MESSAGE-INTEGRITY at off as RFC 8489 §14.5 defines it, then the FINGERPRINT.
static void fix_integrity(uint8_t *b, size_t len, size_t off)
{
    uint8_t saved[2] = {b[2], b[3]};
    put16(b + 2, off + 24 - STUN_HEADER_LEN);
    unsigned n = 0;
    if (!HMAC(EVP_sha1(), key, (int)KEY_LEN, b, off, b + off + 4, &n) || n != 20)
        abort();
    b[2] = saved[0];
    b[3] = saved[1];
    fix_fingerprint(b, len);
}

static bool same_fields(const struct stun_msg *a, const uint8_t *abuf, const struct stun_msg *b,
                        const uint8_t *bbuf)
{
    return a->method == b->method && a->cls == b->cls &&
           memcmp(a->txid, b->txid, STUN_TXID_LEN) == 0 &&
           rel(a->username, abuf) == rel(b->username, bbuf) && a->username_len == b->username_len &&
           a->integrity_off == b->integrity_off &&
           a->integrity_sha256_off == b->integrity_sha256_off &&
           a->has_fingerprint == b->has_fingerprint && a->priority == b->priority &&
           a->use_candidate == b->use_candidate && a->ice_controlling == b->ice_controlling &&
           a->ice_controlled == b->ice_controlled && a->has_mapped == b->has_mapped &&
           memcmp(&a->mapped, &b->mapped, sizeof a->mapped) == 0 &&
           a->error_code == b->error_code && a->unknown_count == b->unknown_count;
}

// The input as a message that passes the header checks, its CRC and then its HMAC made right.
static void fuzz_repaired(const uint8_t *data, size_t size)
{
    if (size < STUN_HEADER_LEN || size > REPAIR_MAX || size % 4 != 0)
        return;
    uint8_t *b = malloc(size);
    if (!b)
        return;
    memcpy(b, data, size);
    b[0] &= 0x3F;
    put16(b + 2, size - STUN_HEADER_LEN);
    put32(b + 4, STUN_MAGIC_COOKIE);
    fix_fingerprint(b, size);
    struct stun_msg m, m2;
    int rc = stun_parse(&m, b, size);
    if (rc == STUN_ERR_SHORT || rc == STUN_ERR_NOT_STUN || rc == STUN_ERR_LENGTH ||
        rc == STUN_ERR_FINGERPRINT)
        abort(); // all made right above
    if (rc == 0 && m.integrity_off) {
        fix_integrity(b, size, m.integrity_off);
        // The HMAC and CRC bytes are not fields, so the parse must say the same, and pass.
        if (stun_parse(&m2, b, size) != 0 || !same_fields(&m, b, &m2, b) ||
            stun_check_integrity(&m2, b, size, key, KEY_LEN) != 0)
            abort();
    }
    if (rc == 0)
        on_parsed(&m, b, size);
    free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct stun_msg m;
    int rc = stun_parse(&m, data, size);
    if (rc > 0 || rc <= -STUN_ERR_COUNT)
        abort();
    if (rc == 0) {
        // The demux claims only first bytes 0..3 (RFC 7983); the parser allows methods whose
        // type starts higher, which no demultiplexed STUN can carry.
        if (data[0] <= 3 && !stun_is_stun(data, size))
            abort();
        on_parsed(&m, data, size);
    }
    fuzz_repaired(data, size);
    return 0;
}
