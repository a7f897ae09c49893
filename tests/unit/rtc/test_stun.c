// SPDX-License-Identifier: MIT
// Unit tests for rtc/stun: the RFC 5769 test vectors (parse, integrity, fingerprint, every
// single-bit corruption), write -> parse round trips of each writer, buffers too small by one
// byte, and malformed messages: truncated, oversized, bad lengths, attributes past the end,
// FINGERPRINT not last, oversized USERNAME; the RFC 7983 demux test and username splitting.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "rtc/stun.h"

// ---- RFC 5769 vectors, byte for byte ----

static const char rfc_password[] = "VOkJxbRl1RmTxUk/WvJxBt";
static const uint8_t rfc_txid[STUN_TXID_LEN] = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                                                0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

// §2.1 sample request: SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME (space padded), MI, FP.
static const uint8_t rfc_request[] = {
    0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, // binding request, 88 bytes, cookie
    0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, // transaction id
    0xfa, 0x87, 0xdf, 0xae,                         //
    0x80, 0x22, 0x00, 0x10, 0x53, 0x54, 0x55, 0x4e, // SOFTWARE "STUN test client"
    0x20, 0x74, 0x65, 0x73, 0x74, 0x20, 0x63, 0x6c, //
    0x69, 0x65, 0x6e, 0x74,                         //
    0x00, 0x24, 0x00, 0x04, 0x6e, 0x00, 0x01, 0xff, // PRIORITY
    0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1, // ICE-CONTROLLED
    0x51, 0x26, 0x3b, 0x36,                         //
    0x00, 0x06, 0x00, 0x09, 0x65, 0x76, 0x74, 0x6a, // USERNAME "evtj:h6vY"
    0x3a, 0x68, 0x36, 0x76, 0x59, 0x20, 0x20, 0x20, //
    0x00, 0x08, 0x00, 0x14, 0x9a, 0xea, 0xa7, 0x0c, // MESSAGE-INTEGRITY
    0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, //
    0xb2, 0xd3, 0xf2, 0x49, 0xc1, 0xb5, 0x71, 0xa2, //
    0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf, // FINGERPRINT
};

// §2.2 sample IPv4 response: SOFTWARE, XOR-MAPPED-ADDRESS 192.0.2.1:32853, MI, FP.
static const uint8_t rfc_response_v4[] = {
    0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, // binding success, 60 bytes, cookie
    0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, // transaction id
    0xfa, 0x87, 0xdf, 0xae,                         //
    0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, // SOFTWARE "test vector"
    0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20, //
    0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, // XOR-MAPPED-ADDRESS
    0xe1, 0x12, 0xa6, 0x43,                         //
    0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, // MESSAGE-INTEGRITY
    0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9, //
    0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7, //
    0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96, // FINGERPRINT
};

// §2.3 sample IPv6 response: XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853.
static const uint8_t rfc_response_v6[] = {
    0x01, 0x01, 0x00, 0x48, 0x21, 0x12, 0xa4, 0x42, // binding success, 72 bytes, cookie
    0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, // transaction id
    0xfa, 0x87, 0xdf, 0xae,                         //
    0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, // SOFTWARE "test vector"
    0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20, //
    0x00, 0x20, 0x00, 0x14, 0x00, 0x02, 0xa1, 0x47, // XOR-MAPPED-ADDRESS
    0x01, 0x13, 0xa9, 0xfa, 0xa5, 0xd3, 0xf1, 0x79, //
    0xbc, 0x25, 0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9, //
    0x00, 0x08, 0x00, 0x14, 0xa3, 0x82, 0x95, 0x4e, // MESSAGE-INTEGRITY
    0x4b, 0xe6, 0x7b, 0xf1, 0x17, 0x84, 0xc9, 0x7c, //
    0x82, 0x92, 0xc2, 0x75, 0xbf, 0xe3, 0xed, 0x41, //
    0x80, 0x28, 0x00, 0x04, 0xc8, 0xfb, 0x0b, 0x4c, // FINGERPRINT
};

// §2.4 sample request with long-term authentication: USERNAME (katakana "matrix"), NONCE,
// REALM "example.org", MI keyed with MD5("username:example.org:TheMatrIX"); no FINGERPRINT.
static const uint8_t rfc_request_long_term[] = {
    0x00, 0x01, 0x00, 0x60, 0x21, 0x12, 0xa4, 0x42, // binding request, 96 bytes, cookie
    0x78, 0xad, 0x34, 0x33, 0xc6, 0xad, 0x72, 0xc0, // transaction id
    0x29, 0xda, 0x41, 0x2e,                         //
    0x00, 0x06, 0x00, 0x12, 0xe3, 0x83, 0x9e, 0xe3, // USERNAME, 18 bytes of UTF-8
    0x83, 0x88, 0xe3, 0x83, 0xaa, 0xe3, 0x83, 0x83, //
    0xe3, 0x82, 0xaf, 0xe3, 0x82, 0xb9, 0x00, 0x00, //
    0x00, 0x15, 0x00, 0x1c, 0x66, 0x2f, 0x2f, 0x34, // NONCE "f//499k954d6OL34oL9FSTvy64sA"
    0x39, 0x39, 0x6b, 0x39, 0x35, 0x34, 0x64, 0x36, //
    0x4f, 0x4c, 0x33, 0x34, 0x6f, 0x4c, 0x39, 0x46, //
    0x53, 0x54, 0x76, 0x79, 0x36, 0x34, 0x73, 0x41, //
    0x00, 0x14, 0x00, 0x0b, 0x65, 0x78, 0x61, 0x6d, // REALM "example.org"
    0x70, 0x6c, 0x65, 0x2e, 0x6f, 0x72, 0x67, 0x00, //
    0x00, 0x08, 0x00, 0x14, 0xf6, 0x70, 0x24, 0x65, // MESSAGE-INTEGRITY
    0x6d, 0xd6, 0x4a, 0x3e, 0x02, 0xb8, 0xe0, 0x71, //
    0x2e, 0x85, 0xc9, 0xa2, 0x8c, 0xa8, 0x96, 0x66, //
};

static const uint8_t lt_username[] = {0xe3, 0x83, 0x9e, 0xe3, 0x83, 0x88, 0xe3, 0x83, 0xaa,
                                      0xe3, 0x83, 0x83, 0xe3, 0x82, 0xaf, 0xe3, 0x82, 0xb9};

static const uint8_t *pw(void)
{
    return (const uint8_t *)rfc_password;
}

// ---- a test-local message builder, independent of the writers under test ----

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

// Starts a message of type with the RFC transaction id; returns its length (20).
static size_t msg_begin(uint8_t *buf, uint16_t type)
{
    put16(buf, type);
    put16(buf + 2, 0);
    put32(buf + 4, STUN_MAGIC_COOKIE);
    memcpy(buf + 8, rfc_txid, STUN_TXID_LEN);
    return STUN_HEADER_LEN;
}

// Appends an attribute with zero padding and updates the header length.
static size_t msg_attr(uint8_t *buf, size_t len, uint16_t type, const void *v, size_t n)
{
    put16(buf + len, type);
    put16(buf + len + 2, (uint16_t)n);
    memset(buf + len + 4, 0, (n + 3) & ~(size_t)3);
    if (n)
        memcpy(buf + len + 4, v, n);
    len += 4 + ((n + 3) & ~(size_t)3);
    put16(buf + 2, (uint16_t)(len - STUN_HEADER_LEN));
    return len;
}

// Appends a FINGERPRINT computed here with zlib.
static size_t msg_fingerprint(uint8_t *buf, size_t len)
{
    uint8_t v[4] = {0};
    size_t off = len;
    len = msg_attr(buf, len, STUN_ATTR_FINGERPRINT, v, 4);
    put32(buf + off + 4, (uint32_t)crc32(0L, buf, (uInt)off) ^ 0x5354554eu);
    return len;
}

// ---- RFC 5769 ----

// Every single flipped bit must fail the parse or the integrity check, with one exception the
// RFC makes: a flip in FINGERPRINT's type turns it into an attribute after MESSAGE-INTEGRITY,
// which is ignored. The message then parses without a fingerprint and still authenticates,
// and nothing it says has changed.
static void assert_every_bit_matters(const uint8_t *msg, size_t len, const uint8_t *key,
                                     size_t key_len)
{
    struct stun_msg orig;
    assert_int_equal(stun_parse(&orig, msg, len), 0);
    assert_true(orig.has_fingerprint);
    uint8_t *copy = malloc(len);
    for (size_t bit = 0; bit < len * 8; bit++) {
        memcpy(copy, msg, len);
        copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        struct stun_msg m;
        int rc = stun_parse(&m, copy, len);
        if (rc == 0)
            rc = stun_check_integrity(&m, copy, len, key, key_len);
        if (rc != 0)
            continue;
        if (bit / 8 < len - 8 || bit / 8 >= len - 6 || m.has_fingerprint)
            fail_msg("bit %zu flipped went unnoticed", bit);
        // Same contents apart from the fingerprint (pointers move to the copy).
        assert_int_equal(m.username_len, orig.username_len);
        assert_true(!m.username || m.username - copy == orig.username - msg);
        assert_memory_equal(m.txid, orig.txid, STUN_TXID_LEN);
        assert_int_equal(m.priority, orig.priority);
        assert_memory_equal(&m.mapped, &orig.mapped, sizeof m.mapped);
        assert_int_equal(m.integrity_off, orig.integrity_off);
    }
    free(copy);
}

static void test_rfc5769_request(void **state)
{
    (void)state;
    struct stun_msg m;
    assert_int_equal(stun_parse(&m, rfc_request, sizeof rfc_request), 0);
    assert_int_equal(m.method, STUN_METHOD_BINDING);
    assert_int_equal(m.cls, STUN_REQUEST);
    assert_memory_equal(m.txid, rfc_txid, STUN_TXID_LEN);
    assert_int_equal(m.username_len, 9);
    assert_memory_equal(m.username, "evtj:h6vY", 9);
    assert_ptr_equal(m.username, rfc_request + 64);
    assert_true(m.has_priority);
    assert_int_equal(m.priority, 0x6e0001ff);
    assert_true(m.has_ice_controlled);
    assert_false(m.has_ice_controlling);
    assert_true(m.ice_controlled == 0x932ff9b151263b36ull);
    assert_false(m.use_candidate);
    assert_false(m.has_mapped);
    assert_int_equal(m.integrity_off, 76);
    assert_int_equal(m.integrity_sha256_off, 0);
    assert_true(m.has_fingerprint);
    assert_int_equal(m.unknown_count, 0); // SOFTWARE is comprehension-optional
    assert_int_equal(m.error_code, 0);

    assert_int_equal(stun_check_integrity(&m, rfc_request, sizeof rfc_request, pw(), 22), 0);
    assert_int_equal(stun_check_integrity(&m, rfc_request, sizeof rfc_request,
                                          (const uint8_t *)"VOkJxbRl1RmTxUk/WvJxBu", 22),
                     STUN_ERR_INTEGRITY);
    assert_int_equal(stun_check_integrity(&m, rfc_request, sizeof rfc_request, pw(), 21),
                     STUN_ERR_INTEGRITY);
    assert_int_equal(stun_check_integrity(&m, rfc_request, sizeof rfc_request, NULL, 0),
                     STUN_ERR_INTEGRITY);
    assert_every_bit_matters(rfc_request, sizeof rfc_request, pw(), 22);

    struct stun_ufrag local, remote;
    assert_int_equal(stun_username_split(m.username, m.username_len, &local, &remote), 0);
    assert_int_equal(local.len, 4);
    assert_memory_equal(local.ptr, "evtj", 4);
    assert_int_equal(remote.len, 4);
    assert_memory_equal(remote.ptr, "h6vY", 4);
}

static void test_rfc5769_response_v4(void **state)
{
    (void)state;
    struct stun_msg m;
    assert_int_equal(stun_parse(&m, rfc_response_v4, sizeof rfc_response_v4), 0);
    assert_int_equal(m.method, STUN_METHOD_BINDING);
    assert_int_equal(m.cls, STUN_SUCCESS);
    assert_memory_equal(m.txid, rfc_txid, STUN_TXID_LEN);
    assert_true(m.has_mapped);
    const struct sockaddr_in *sin = (const struct sockaddr_in *)&m.mapped;
    assert_int_equal(sin->sin_family, AF_INET);
    assert_int_equal(ntohs(sin->sin_port), 32853);
    assert_int_equal(ntohl(sin->sin_addr.s_addr), 0xc0000201); // 192.0.2.1
    assert_true(m.has_fingerprint);
    assert_int_equal(m.integrity_off, 48);
    assert_int_equal(stun_check_integrity(&m, rfc_response_v4, sizeof rfc_response_v4, pw(), 22),
                     0);
    assert_int_equal(stun_check_integrity(&m, rfc_response_v4, sizeof rfc_response_v4,
                                          (const uint8_t *)"wrong", 5),
                     STUN_ERR_INTEGRITY);
    assert_every_bit_matters(rfc_response_v4, sizeof rfc_response_v4, pw(), 22);
}

static void test_rfc5769_response_v6(void **state)
{
    (void)state;
    struct stun_msg m;
    assert_int_equal(stun_parse(&m, rfc_response_v6, sizeof rfc_response_v6), 0);
    assert_int_equal(m.cls, STUN_SUCCESS);
    assert_true(m.has_mapped);
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&m.mapped;
    assert_int_equal(sin6->sin6_family, AF_INET6);
    assert_int_equal(ntohs(sin6->sin6_port), 32853);
    struct in6_addr want;
    assert_int_equal(inet_pton(AF_INET6, "2001:db8:1234:5678:11:2233:4455:6677", &want), 1);
    assert_memory_equal(&sin6->sin6_addr, &want, sizeof want);
    assert_true(m.has_fingerprint);
    assert_int_equal(stun_check_integrity(&m, rfc_response_v6, sizeof rfc_response_v6, pw(), 22),
                     0);
    assert_int_equal(stun_check_integrity(&m, rfc_response_v6, sizeof rfc_response_v6,
                                          (const uint8_t *)"VOkJxbRl1RmTxUk/WvJxB", 21),
                     STUN_ERR_INTEGRITY);
    assert_every_bit_matters(rfc_response_v6, sizeof rfc_response_v6, pw(), 22);
}

// The long-term key is MD5("user:realm:password"); ICE never uses it, but the HMAC is the same.
static void test_rfc5769_long_term(void **state)
{
    (void)state;
    const uint8_t *msg = rfc_request_long_term;
    size_t len = sizeof rfc_request_long_term;
    struct stun_msg m;
    assert_int_equal(stun_parse(&m, msg, len), 0);
    assert_int_equal(m.cls, STUN_REQUEST);
    assert_int_equal(m.method, STUN_METHOD_BINDING);
    assert_int_equal(m.username_len, sizeof lt_username);
    assert_memory_equal(m.username, lt_username, sizeof lt_username);
    assert_int_equal(m.nonce_len, 28);
    assert_memory_equal(m.nonce, "f//499k954d6OL34oL9FSTvy64sA", 28);
    assert_int_equal(m.realm_len, 11);
    assert_memory_equal(m.realm, "example.org", 11);
    assert_int_equal(m.integrity_off, len - 24);
    assert_false(m.has_fingerprint);
    assert_int_equal(m.unknown_count, 0); // REALM and NONCE are understood

    uint8_t in[64], key[16];
    size_t n = 0;
    memcpy(in, lt_username, sizeof lt_username);
    n += sizeof lt_username;
    memcpy(in + n, ":example.org:TheMatrIX", 22);
    n += 22;
    unsigned klen = 0;
    assert_int_equal(EVP_Digest(in, n, key, &klen, EVP_md5(), NULL), 1);
    assert_int_equal(klen, 16);
    assert_int_equal(stun_check_integrity(&m, msg, len, key, 16), 0);
    key[0] ^= 1;
    assert_int_equal(stun_check_integrity(&m, msg, len, key, 16), STUN_ERR_INTEGRITY);
    // Not a ufrag pair: no colon, and not ice-chars.
    struct stun_ufrag a, b;
    assert_int_equal(stun_username_split(m.username, m.username_len, &a, &b), STUN_ERR_BAD_ATTR);
}

// ---- writers ----

static const uint8_t key2[] = "a-much-longer-ice-password-0123";

static void test_success_round_trip(void **state)
{
    (void)state;
    uint8_t txid[STUN_TXID_LEN];
    for (int i = 0; i < STUN_TXID_LEN; i++)
        txid[i] = (uint8_t)(0xa0 + i);

    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(50000)};
    inet_pton(AF_INET, "198.51.100.7", &sin.sin_addr);
    uint8_t out[128];
    int n = stun_write_binding_success(out, sizeof out, txid, (struct sockaddr *)&sin, key2,
                                       sizeof key2 - 1);
    assert_int_equal(n, 20 + 12 + 24 + 8);
    assert_true(stun_is_stun(out, (size_t)n));
    struct stun_msg m;
    assert_int_equal(stun_parse(&m, out, (size_t)n), 0);
    assert_int_equal(m.cls, STUN_SUCCESS);
    assert_int_equal(m.method, STUN_METHOD_BINDING);
    assert_memory_equal(m.txid, txid, STUN_TXID_LEN);
    assert_true(m.has_mapped && m.has_fingerprint);
    const struct sockaddr_in *got = (const struct sockaddr_in *)&m.mapped;
    assert_int_equal(got->sin_family, AF_INET);
    assert_int_equal(got->sin_port, sin.sin_port);
    assert_int_equal(got->sin_addr.s_addr, sin.sin_addr.s_addr);
    assert_int_equal(stun_check_integrity(&m, out, (size_t)n, key2, sizeof key2 - 1), 0);
    assert_int_equal(stun_check_integrity(&m, out, (size_t)n, pw(), 22), STUN_ERR_INTEGRITY);

    // IPv6, and the RFC's own answer: same XOR'd address bytes as §2.3.
    struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons(32853)};
    inet_pton(AF_INET6, "2001:db8:1234:5678:11:2233:4455:6677", &sin6.sin6_addr);
    n = stun_write_binding_success(out, sizeof out, rfc_txid, (struct sockaddr *)&sin6, pw(), 22);
    assert_int_equal(n, 20 + 24 + 24 + 8);
    assert_memory_equal(out + 20, rfc_response_v6 + 36, 24);
    assert_int_equal(stun_parse(&m, out, (size_t)n), 0);
    assert_memory_equal(&((struct sockaddr_in6 *)&m.mapped)->sin6_addr, &sin6.sin6_addr, 16);
    assert_int_equal(stun_check_integrity(&m, out, (size_t)n, pw(), 22), 0);

    // Without a key: no MESSAGE-INTEGRITY, still a FINGERPRINT.
    n = stun_write_binding_success(out, sizeof out, txid, (struct sockaddr *)&sin, NULL, 0);
    assert_int_equal(n, 20 + 12 + 8);
    assert_int_equal(stun_parse(&m, out, (size_t)n), 0);
    assert_int_equal(m.integrity_off, 0);
    assert_true(m.has_fingerprint);
    assert_int_equal(stun_check_integrity(&m, out, (size_t)n, key2, 4), STUN_ERR_NO_INTEGRITY);

    struct sockaddr bad = {.sa_family = AF_UNIX};
    assert_int_equal(stun_write_binding_success(out, sizeof out, txid, &bad, NULL, 0),
                     STUN_ERR_ARG);
    assert_int_equal(stun_write_binding_success(out, sizeof out, txid, NULL, NULL, 0),
                     STUN_ERR_ARG);
}

static void test_error_round_trip(void **state)
{
    (void)state;
    uint8_t out[1024];
    struct stun_msg m;
    int n = stun_write_binding_error(out, sizeof out, rfc_txid, 401, NULL, NULL, 0);
    assert_true(n > 0);
    assert_int_equal(stun_parse(&m, out, (size_t)n), 0);
    assert_int_equal(m.cls, STUN_ERROR);
    assert_int_equal(m.method, STUN_METHOD_BINDING);
    assert_int_equal(m.error_code, 401);
    assert_int_equal(m.error_reason_len, 12);
    assert_memory_equal(m.error_reason, "Unauthorized", 12);
    assert_int_equal(m.integrity_off, 0);
    assert_true(m.has_fingerprint);

    n = stun_write_binding_error(out, sizeof out, rfc_txid, 487, "who controls?", pw(), 22);
    assert_true(n > 0);
    assert_int_equal(stun_parse(&m, out, (size_t)n), 0);
    assert_int_equal(m.error_code, 487);
    assert_int_equal(m.error_reason_len, 13);
    assert_memory_equal(m.error_reason, "who controls?", 13);
    assert_int_equal(stun_check_integrity(&m, out, (size_t)n, pw(), 22), 0);

    n = stun_write_binding_error(out, sizeof out, rfc_txid, 500, "", NULL, 0);
    assert_int_equal(stun_parse(&m, out, (size_t)n), 0);
    assert_int_equal(m.error_code, 500);
    assert_int_equal(m.error_reason_len, 0);

    char longest[STUN_REASON_MAX + 2];
    memset(longest, 'r', sizeof longest);
    longest[STUN_REASON_MAX] = '\0';
    n = stun_write_binding_error(out, sizeof out, rfc_txid, 699, longest, NULL, 0);
    assert_true(n > 0);
    assert_int_equal(stun_parse(&m, out, (size_t)n), 0);
    assert_int_equal(m.error_reason_len, STUN_REASON_MAX);
    longest[STUN_REASON_MAX] = 'r';
    longest[STUN_REASON_MAX + 1] = '\0';
    assert_int_equal(stun_write_binding_error(out, sizeof out, rfc_txid, 699, longest, NULL, 0),
                     STUN_ERR_ARG);
    assert_int_equal(stun_write_binding_error(out, sizeof out, rfc_txid, 299, NULL, NULL, 0),
                     STUN_ERR_ARG);
    assert_int_equal(stun_write_binding_error(out, sizeof out, rfc_txid, 700, NULL, NULL, 0),
                     STUN_ERR_ARG);
}

static void test_unknown_round_trip(void **state)
{
    (void)state;
    // A request with three unknown comprehension-required attributes, one optional one.
    uint8_t req[128];
    size_t len = msg_begin(req, 0x0001);
    len = msg_attr(req, len, 0x0003, "\0\0\0\0", 4);
    len = msg_attr(req, len, 0x8123, "opt", 3);
    len = msg_attr(req, len, 0x7fff, NULL, 0);
    len = msg_attr(req, len, 0x0026, "x", 1);
    len = msg_fingerprint(req, len);
    struct stun_msg m;
    assert_int_equal(stun_parse(&m, req, len), 0);
    assert_int_equal(m.unknown_count, 3);
    assert_int_equal(m.unknown[0], 0x0003);
    assert_int_equal(m.unknown[1], 0x7fff);
    assert_int_equal(m.unknown[2], 0x0026);

    uint8_t out[128];
    int n =
        stun_write_binding_unknown(out, sizeof out, m.txid, m.unknown, m.unknown_count, pw(), 22);
    assert_true(n > 0);
    struct stun_msg a;
    assert_int_equal(stun_parse(&a, out, (size_t)n), 0);
    assert_int_equal(a.cls, STUN_ERROR);
    assert_int_equal(a.error_code, 420);
    assert_memory_equal(a.error_reason, "Unknown Attribute", 17);
    // UNKNOWN-ATTRIBUTES itself is understood, so it is not listed back.
    assert_int_equal(a.unknown_count, 0);
    assert_int_equal(stun_check_integrity(&a, out, (size_t)n, pw(), 22), 0);
    // The list follows ERROR-CODE (4 + 21 bytes, padded to 28) and is zero padded.
    assert_int_equal(rd16(out + 48), STUN_ATTR_UNKNOWN_ATTRIBUTES);
    assert_int_equal(rd16(out + 50), 6);
    assert_memory_equal(out + 52, "\x00\x03\x7f\xff\x00\x26\x00\x00", 8);

    // More than STUN_UNKNOWN_MAX: all counted, the first few listed.
    len = msg_begin(req, 0x0001);
    for (uint16_t t = 0x0100; t < 0x0100 + STUN_UNKNOWN_MAX + 3; t++)
        len = msg_attr(req, len, t, NULL, 0);
    assert_int_equal(stun_parse(&m, req, len), 0);
    assert_int_equal(m.unknown_count, STUN_UNKNOWN_MAX + 3);
    assert_int_equal(m.unknown[STUN_UNKNOWN_MAX - 1], 0x0100 + STUN_UNKNOWN_MAX - 1);

    assert_int_equal(stun_write_binding_unknown(out, sizeof out, m.txid, m.unknown, 0, NULL, 0),
                     STUN_ERR_ARG);
    assert_int_equal(stun_write_binding_unknown(out, sizeof out, m.txid, NULL, 1, NULL, 0),
                     STUN_ERR_ARG);
}

static void test_request_round_trip(void **state)
{
    (void)state;
    uint8_t out[1024];
    struct stun_msg m;
    int n = stun_write_binding_request(out, sizeof out, rfc_txid, "evtj:h6vY", 0x6e0001ff, true,
                                       0x0102030405060708ull, pw(), 22);
    assert_true(n > 0);
    assert_true(stun_is_stun(out, (size_t)n));
    assert_int_equal(stun_parse(&m, out, (size_t)n), 0);
    assert_int_equal(m.cls, STUN_REQUEST);
    assert_int_equal(m.method, STUN_METHOD_BINDING);
    assert_memory_equal(m.txid, rfc_txid, STUN_TXID_LEN);
    assert_int_equal(m.username_len, 9);
    assert_memory_equal(m.username, "evtj:h6vY", 9);
    assert_true(m.has_priority);
    assert_int_equal(m.priority, 0x6e0001ff);
    assert_true(m.use_candidate);
    assert_true(m.has_ice_controlling);
    assert_false(m.has_ice_controlled);
    assert_true(m.ice_controlling == 0x0102030405060708ull);
    assert_true(m.has_fingerprint);
    assert_int_equal(stun_check_integrity(&m, out, (size_t)n, pw(), 22), 0);

    // A consent check: no USE-CANDIDATE; and a bare request without a username or key.
    n = stun_write_binding_request(out, sizeof out, rfc_txid, "a:b", 1, false, 0, pw(), 22);
    assert_int_equal(stun_parse(&m, out, (size_t)n), 0);
    assert_false(m.use_candidate);
    assert_int_equal(stun_check_integrity(&m, out, (size_t)n, pw(), 22), 0);
    n = stun_write_binding_request(out, sizeof out, rfc_txid, NULL, 1, false, 0, NULL, 0);
    assert_int_equal(stun_parse(&m, out, (size_t)n), 0);
    assert_null(m.username);
    assert_int_equal(m.integrity_off, 0);

    // The longest USERNAME goes; one byte more is refused.
    char user[STUN_USERNAME_MAX + 2];
    memset(user, 'u', sizeof user);
    user[STUN_USERNAME_MAX] = '\0';
    n = stun_write_binding_request(out, sizeof out, rfc_txid, user, 1, false, 0, pw(), 22);
    assert_true(n > 0);
    assert_int_equal(stun_parse(&m, out, (size_t)n), 0);
    assert_int_equal(m.username_len, STUN_USERNAME_MAX);
    assert_int_equal(stun_check_integrity(&m, out, (size_t)n, pw(), 22), 0);
    user[STUN_USERNAME_MAX] = 'u';
    user[STUN_USERNAME_MAX + 1] = '\0';
    assert_int_equal(
        stun_write_binding_request(out, sizeof out, rfc_txid, user, 1, false, 0, pw(), 22),
        STUN_ERR_ARG);
}

// Every writer refuses every buffer smaller than what it needs and writes nothing past it.
static void test_writers_respect_cap(void **state)
{
    (void)state;
    struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons(9)};
    const uint16_t types[] = {0x0003, 0x0004};
    for (int w = 0; w < 4; w++) {
        uint8_t full[256];
        int need = 0;
        for (size_t cap = 0; cap <= sizeof full; cap++) {
            uint8_t buf[256 + 16];
            memset(buf, 0xee, sizeof buf);
            int n;
            switch (w) {
            case 0:
                n = stun_write_binding_success(buf, cap, rfc_txid, (struct sockaddr *)&sin6, pw(),
                                               22);
                break;
            case 1:
                n = stun_write_binding_error(buf, cap, rfc_txid, 400, NULL, pw(), 22);
                break;
            case 2:
                n = stun_write_binding_unknown(buf, cap, rfc_txid, types, 2, pw(), 22);
                break;
            default:
                n = stun_write_binding_request(buf, cap, rfc_txid, "evtj:h6vY", 7, true, 9, pw(),
                                               22);
                break;
            }
            for (size_t i = cap; i < sizeof buf; i++)
                assert_int_equal(buf[i], 0xee);
            if (n > 0) {
                need = n;
                assert_int_equal((size_t)n, cap); // the first cap that works is exactly enough
                memcpy(full, buf, (size_t)n);
                break;
            }
            assert_int_equal(n, STUN_ERR_NOSPACE);
        }
        assert_true(need > 0);
        struct stun_msg m;
        assert_int_equal(stun_parse(&m, full, (size_t)need), 0);
        assert_int_equal(stun_check_integrity(&m, full, (size_t)need, pw(), 22), 0);
    }
}

// ---- malformed input ----

static void test_truncated_and_oversized(void **state)
{
    (void)state;
    struct stun_msg m;
    uint8_t buf[sizeof rfc_request + 8];
    for (size_t len = 0; len < sizeof rfc_request; len++) {
        memcpy(buf, rfc_request, len);
        int rc = stun_parse(&m, buf, len);
        assert_int_equal(rc, len < STUN_HEADER_LEN ? STUN_ERR_SHORT : STUN_ERR_LENGTH);
    }
    memcpy(buf, rfc_request, sizeof rfc_request);
    memset(buf + sizeof rfc_request, 0, 8);
    assert_int_equal(stun_parse(&m, buf, sizeof rfc_request + 4), STUN_ERR_LENGTH);
    assert_int_equal(stun_parse(&m, buf, sizeof rfc_request + 8), STUN_ERR_LENGTH);
    // Header length grown to match the padding: the zero attribute is after FINGERPRINT.
    put16(buf + 2, (uint16_t)(sizeof rfc_request + 4 - STUN_HEADER_LEN));
    assert_int_equal(stun_parse(&m, buf, sizeof rfc_request + 4), STUN_ERR_BAD_ATTR);
    assert_int_equal(stun_parse(&m, NULL, 0), STUN_ERR_SHORT);
}

static void test_header_checks(void **state)
{
    (void)state;
    struct stun_msg m;
    uint8_t buf[64];
    size_t len = msg_begin(buf, 0x0001);
    assert_int_equal(stun_parse(&m, buf, len), 0); // a bare binding request is fine
    assert_int_equal(m.cls, STUN_REQUEST);

    buf[0] = 0x40; // top bits set
    assert_int_equal(stun_parse(&m, buf, len), STUN_ERR_NOT_STUN);
    buf[0] = 0x80;
    assert_int_equal(stun_parse(&m, buf, len), STUN_ERR_NOT_STUN);
    buf[0] = 0x00;
    buf[7] ^= 1; // cookie
    assert_int_equal(stun_parse(&m, buf, len), STUN_ERR_NOT_STUN);
    buf[7] ^= 1;

    // Length not a multiple of 4, even when it matches the datagram.
    memset(buf + 20, 0, 8);
    put16(buf + 2, 2);
    assert_int_equal(stun_parse(&m, buf, 22), STUN_ERR_LENGTH);
    put16(buf + 2, 4);
    assert_int_equal(stun_parse(&m, buf, 20), STUN_ERR_LENGTH);
    assert_int_equal(stun_parse(&m, buf, 28), STUN_ERR_LENGTH);

    // Classes and a method other than binding decode from the interleaved type bits.
    static const struct {
        uint16_t type;
        uint16_t method;
        enum stun_class cls;
    } types[] = {
        {0x0011, 1, STUN_INDICATION},  {0x0101, 1, STUN_SUCCESS},   {0x0111, 1, STUN_ERROR},
        {0x3eef, 0xfff, STUN_REQUEST}, {0x3fff, 0xfff, STUN_ERROR},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        len = msg_begin(buf, types[i].type);
        assert_int_equal(stun_parse(&m, buf, len), 0);
        assert_int_equal(m.method, types[i].method);
        assert_int_equal(m.cls, types[i].cls);
    }
}

static void test_bad_attributes(void **state)
{
    (void)state;
    struct stun_msg m;
    uint8_t buf[1024];
    // Attribute running past the end: declared 8, only 4 there.
    size_t len = msg_begin(buf, 0x0001);
    len = msg_attr(buf, len, STUN_ATTR_PRIORITY, "\1\2\3\4", 4);
    put16(buf + 22, 8);
    assert_int_equal(stun_parse(&m, buf, len), STUN_ERR_BAD_ATTR);
    // Its padding running past the end: 5 bytes declared, 8 with padding, 4 there.
    put16(buf + 22, 5);
    assert_int_equal(stun_parse(&m, buf, len), STUN_ERR_BAD_ATTR);

    // Known attributes with the wrong size.
    static const struct {
        uint16_t type;
        size_t n;
    } wrong[] = {
        {STUN_ATTR_PRIORITY, 3},
        {STUN_ATTR_PRIORITY, 8},
        {STUN_ATTR_USE_CANDIDATE, 4},
        {STUN_ATTR_ICE_CONTROLLING, 4},
        {STUN_ATTR_ICE_CONTROLLED, 12},
        {STUN_ATTR_MESSAGE_INTEGRITY, 16},
        {STUN_ATTR_MESSAGE_INTEGRITY_SHA256, 12},
        {STUN_ATTR_MESSAGE_INTEGRITY_SHA256, 18},
        {STUN_ATTR_MESSAGE_INTEGRITY_SHA256, 36},
        {STUN_ATTR_XOR_MAPPED_ADDRESS, 3},
        {STUN_ATTR_XOR_MAPPED_ADDRESS, 12},
        {STUN_ATTR_ERROR_CODE, 2},
        {STUN_ATTR_FINGERPRINT, 8},
    };
    uint8_t zero[64] = {0};
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        len = msg_begin(buf, 0x0001);
        len = msg_attr(buf, len, wrong[i].type, zero, wrong[i].n);
        assert_int_equal(stun_parse(&m, buf, len), STUN_ERR_BAD_ATTR);
    }
    // XOR-MAPPED-ADDRESS of an unknown family, or an IPv4 family with IPv6 length.
    len = msg_begin(buf, 0x0101);
    len = msg_attr(buf, len, STUN_ATTR_XOR_MAPPED_ADDRESS, "\0\3\0\0\0\0\0\0", 8);
    assert_int_equal(stun_parse(&m, buf, len), STUN_ERR_BAD_ATTR);
    len = msg_begin(buf, 0x0101);
    uint8_t v4long[20] = {0, 1};
    len = msg_attr(buf, len, STUN_ATTR_XOR_MAPPED_ADDRESS, v4long, 20);
    assert_int_equal(stun_parse(&m, buf, len), STUN_ERR_BAD_ATTR);
    // ERROR-CODE with a class out of 3..6 or a number over 99.
    len = msg_begin(buf, 0x0111);
    len = msg_attr(buf, len, STUN_ATTR_ERROR_CODE, "\0\0\7\0", 4);
    assert_int_equal(stun_parse(&m, buf, len), STUN_ERR_BAD_ATTR);
    len = msg_begin(buf, 0x0111);
    len = msg_attr(buf, len, STUN_ATTR_ERROR_CODE, "\0\0\4\144", 4);
    assert_int_equal(stun_parse(&m, buf, len), STUN_ERR_BAD_ATTR);
    len = msg_begin(buf, 0x0111);
    len = msg_attr(buf, len, STUN_ATTR_ERROR_CODE, "\0\0\4\1why", 7);
    assert_int_equal(stun_parse(&m, buf, len), 0);
    assert_int_equal(m.error_code, 401);
    assert_memory_equal(m.error_reason, "why", 3);
}

static void test_username_limit(void **state)
{
    (void)state;
    struct stun_msg m;
    uint8_t buf[1024], user[STUN_USERNAME_MAX + 1];
    memset(user, 'u', sizeof user);
    size_t len = msg_begin(buf, 0x0001);
    len = msg_attr(buf, len, STUN_ATTR_USERNAME, user, STUN_USERNAME_MAX);
    assert_int_equal(stun_parse(&m, buf, len), 0);
    assert_int_equal(m.username_len, STUN_USERNAME_MAX);
    len = msg_begin(buf, 0x0001);
    len = msg_attr(buf, len, STUN_ATTR_USERNAME, user, STUN_USERNAME_MAX + 1);
    assert_int_equal(stun_parse(&m, buf, len), STUN_ERR_BAD_ATTR);
}

static void test_fingerprint_rules(void **state)
{
    (void)state;
    struct stun_msg m;
    uint8_t buf[256];
    size_t len = msg_begin(buf, 0x0001);
    len = msg_attr(buf, len, STUN_ATTR_PRIORITY, "\0\0\0\1", 4);
    len = msg_fingerprint(buf, len);
    assert_int_equal(stun_parse(&m, buf, len), 0);
    assert_true(m.has_fingerprint);
    buf[len - 1] ^= 0x80;
    assert_int_equal(stun_parse(&m, buf, len), STUN_ERR_FINGERPRINT);

    // FINGERPRINT with a correct CRC of what precedes it, then another attribute.
    len = msg_begin(buf, 0x0001);
    len = msg_fingerprint(buf, len);
    len = msg_attr(buf, len, STUN_ATTR_SOFTWARE, "late", 4);
    assert_int_equal(stun_parse(&m, buf, len), STUN_ERR_BAD_ATTR);
}

// Only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT count after MESSAGE-INTEGRITY (RFC 8489 §14.5).
static void test_after_integrity_ignored(void **state)
{
    (void)state;
    uint8_t buf[256];
    int n = stun_write_binding_request(buf, sizeof buf, rfc_txid, "ab:cd", 5, false, 1, pw(), 22);
    assert_true(n > 0);
    // Drop the FINGERPRINT and append what an attacker could add without the key.
    size_t len = (size_t)n - 8;
    len = msg_attr(buf, len, STUN_ATTR_USE_CANDIDATE, NULL, 0);
    len = msg_attr(buf, len, STUN_ATTR_PRIORITY, "\xff\xff\xff\xff", 4);
    len = msg_attr(buf, len, STUN_ATTR_USERNAME, "zz:yy", 5);
    len = msg_attr(buf, len, 0x0003, NULL, 0);
    len = msg_attr(buf, len, STUN_ATTR_PRIORITY, "\1", 1); // even malformed ones
    uint8_t sha[32] = {0};
    size_t sha_off = len;
    len = msg_attr(buf, len, STUN_ATTR_MESSAGE_INTEGRITY_SHA256, sha, 32);
    len = msg_attr(buf, len, STUN_ATTR_ICE_CONTROLLED, "\0", 1);
    len = msg_fingerprint(buf, len);
    struct stun_msg m;
    assert_int_equal(stun_parse(&m, buf, len), 0);
    assert_false(m.use_candidate);
    assert_int_equal(m.priority, 5);
    assert_memory_equal(m.username, "ab:cd", 5);
    assert_int_equal(m.unknown_count, 0);
    assert_false(m.has_ice_controlled);
    assert_int_equal(m.integrity_sha256_off, sha_off);
    assert_true(m.has_fingerprint);
    assert_int_equal(stun_check_integrity(&m, buf, len, pw(), 22), 0);
}

static void test_duplicates_first_wins(void **state)
{
    (void)state;
    uint8_t buf[256];
    size_t len = msg_begin(buf, 0x0001);
    len = msg_attr(buf, len, STUN_ATTR_USERNAME, "a:b", 3);
    len = msg_attr(buf, len, STUN_ATTR_PRIORITY, "\0\0\0\1", 4);
    len = msg_attr(buf, len, STUN_ATTR_USERNAME, "c:d", 3);
    len = msg_attr(buf, len, STUN_ATTR_PRIORITY, "\0\0\0\2", 4);
    struct stun_msg m;
    assert_int_equal(stun_parse(&m, buf, len), 0);
    assert_memory_equal(m.username, "a:b", 3);
    assert_int_equal(m.priority, 1);
}

// ---- demux and helpers ----

static void test_is_stun(void **state)
{
    (void)state;
    assert_true(stun_is_stun(rfc_request, sizeof rfc_request));
    assert_true(stun_is_stun(rfc_response_v6, sizeof rfc_response_v6));
    assert_false(stun_is_stun(rfc_request, 19));
    assert_false(stun_is_stun(NULL, 0));
    uint8_t buf[sizeof rfc_request];
    memcpy(buf, rfc_request, sizeof buf);
    for (int first = 4; first < 256; first++) { // DTLS is 20..63, RTP/RTCP 128..191
        buf[0] = (uint8_t)first;
        assert_false(stun_is_stun(buf, sizeof buf));
    }
    buf[0] = 3;
    assert_true(stun_is_stun(buf, sizeof buf));
    buf[5] = 0;
    assert_false(stun_is_stun(buf, sizeof buf));
}

static void test_username_split(void **state)
{
    (void)state;
    struct stun_ufrag l = {0}, r = {0};
    const char *ok = "Ab+/9:x";
    assert_int_equal(stun_username_split((const uint8_t *)ok, strlen(ok), &l, &r), 0);
    assert_int_equal(l.len, 5);
    assert_ptr_equal(l.ptr, ok);
    assert_int_equal(r.len, 1);
    assert_ptr_equal(r.ptr, ok + 6);
    static const char *const bad[] = {"",         ":",        "abcd",         "abcd:",   ":abcd",
                                      "ab:cd:ef", "ab cd:ef", "ab:c\xc3\xa9", "ab:cd\n", "ab\0:cd"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = i == 9 ? 6 : strlen(bad[i]);
        assert_int_equal(stun_username_split((const uint8_t *)bad[i], n, &l, &r),
                         STUN_ERR_BAD_ATTR);
    }
    assert_int_equal(stun_username_split(NULL, 0, &l, &r), STUN_ERR_BAD_ATTR);
    char big[2 * STUN_UFRAG_MAX + 3];
    memset(big, 'a', sizeof big);
    big[STUN_UFRAG_MAX] = ':';
    assert_int_equal(stun_username_split((const uint8_t *)big, 2 * STUN_UFRAG_MAX + 1, &l, &r), 0);
    assert_int_equal(stun_username_split((const uint8_t *)big, 2 * STUN_UFRAG_MAX + 2, &l, &r),
                     STUN_ERR_BAD_ATTR);
    big[STUN_UFRAG_MAX] = 'a';
    big[STUN_UFRAG_MAX + 1] = ':';
    assert_int_equal(stun_username_split((const uint8_t *)big, 2 * STUN_UFRAG_MAX + 2, &l, &r),
                     STUN_ERR_BAD_ATTR);
}

static void test_err_names(void **state)
{
    (void)state;
    assert_string_equal(stun_err_name(STUN_OK), "ok");
    assert_string_equal(stun_err_name(STUN_ERR_SHORT), "short");
    assert_string_equal(stun_err_name(STUN_ERR_FINGERPRINT), "fingerprint");
    assert_string_equal(stun_err_name(STUN_ERR_CRYPTO), "crypto");
    assert_string_equal(stun_err_name(-STUN_ERR_COUNT), "unknown");
    assert_string_equal(stun_err_name(1), "unknown");
    for (int e = 0; e < STUN_ERR_COUNT; e++)
        assert_string_not_equal(stun_err_name(-e), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc5769_request),
        cmocka_unit_test(test_rfc5769_response_v4),
        cmocka_unit_test(test_rfc5769_response_v6),
        cmocka_unit_test(test_rfc5769_long_term),
        cmocka_unit_test(test_success_round_trip),
        cmocka_unit_test(test_error_round_trip),
        cmocka_unit_test(test_unknown_round_trip),
        cmocka_unit_test(test_request_round_trip),
        cmocka_unit_test(test_writers_respect_cap),
        cmocka_unit_test(test_truncated_and_oversized),
        cmocka_unit_test(test_header_checks),
        cmocka_unit_test(test_bad_attributes),
        cmocka_unit_test(test_username_limit),
        cmocka_unit_test(test_fingerprint_rules),
        cmocka_unit_test(test_after_integrity_ignored),
        cmocka_unit_test(test_duplicates_first_wins),
        cmocka_unit_test(test_is_stun),
        cmocka_unit_test(test_username_split),
        cmocka_unit_test(test_err_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
