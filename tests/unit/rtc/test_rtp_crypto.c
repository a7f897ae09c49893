// SPDX-License-Identifier: MIT
// Unit tests for rtc/rtp_crypto: SRTP and SRTCP round trips between two peers keyed by a real
// DTLS handshake and by fixed keys, for both profiles; tampering, replays, the replay window,
// buffer room, retransmissions, malformed input.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtc/dtls.h"
#include "rtc/rtp_crypto.h"

static const enum dtls_srtp_profile both[] = {DTLS_SRTP_AEAD_AES_128_GCM,
                                              DTLS_SRTP_AES128_CM_SHA1_80};

// Two peers' crypto: a protects what b unprotects and back.
struct peers {
    struct rtp_crypto *a, *b;
};

// Keys as DTLS-SRTP would give peer a; peer b's are the same pair crosswise.
static void fixed_keys(enum dtls_srtp_profile p, uint8_t seed, struct dtls_srtp_keys *a,
                       struct dtls_srtp_keys *b)
{
    memset(a, 0, sizeof *a);
    a->profile = p;
    a->key_len = 16;
    a->salt_len = p == DTLS_SRTP_AEAD_AES_128_GCM ? 12 : 14;
    for (size_t i = 0; i < DTLS_SRTP_KEY_MAX; i++) {
        a->local_key[i] = (uint8_t)(seed + i);
        a->remote_key[i] = (uint8_t)(seed + 0x40 + i);
    }
    for (size_t i = 0; i < DTLS_SRTP_SALT_MAX; i++) {
        a->local_salt[i] = (uint8_t)(seed + 0x80 + i);
        a->remote_salt[i] = (uint8_t)(seed + 0xc0 + i);
    }
    *b = *a;
    memcpy(b->local_key, a->remote_key, sizeof b->local_key);
    memcpy(b->remote_key, a->local_key, sizeof b->remote_key);
    memcpy(b->local_salt, a->remote_salt, sizeof b->local_salt);
    memcpy(b->remote_salt, a->local_salt, sizeof b->remote_salt);
}

static void peers_fixed(struct peers *p, enum dtls_srtp_profile profile)
{
    struct dtls_srtp_keys ka, kb;
    fixed_keys(profile, 1, &ka, &kb);
    p->a = rtp_crypto_new(&ka);
    p->b = rtp_crypto_new(&kb);
    assert_non_null(p->a);
    assert_non_null(p->b);
    assert_int_equal(rtp_crypto_profile(p->a), profile);
}

static void peers_fini(struct peers *p)
{
    rtp_crypto_free(p->a);
    rtp_crypto_free(p->b);
}

// ---- keys from a real handshake ----

struct wire {
    uint8_t data[16][DTLS_MTU];
    size_t len[16];
    int n;
};

static void on_send(void *user, const uint8_t *data, size_t len)
{
    struct wire *w = user;
    assert_true(w->n < 16);
    memcpy(w->data[w->n], data, len);
    w->len[w->n++] = len;
}

static void deliver(struct wire *w, struct dtls *to)
{
    for (int i = 0; i < w->n; i++)
        dtls_feed(to, w->data[i], w->len[i]);
    w->n = 0;
}

// Handshakes a client and a server in memory, offering only `profile`, and keys a and b from
// the client's and the server's exported keys.
static void peers_from_handshake(struct peers *p, enum dtls_srtp_profile profile)
{
    struct dtls_cert *cc = dtls_cert_new(), *sc = dtls_cert_new();
    assert_non_null(cc);
    assert_non_null(sc);
    char fc[128], fs[128];
    snprintf(fc, sizeof fc, "sha-256 %s", dtls_cert_fingerprint(cc));
    snprintf(fs, sizeof fs, "sha-256 %s", dtls_cert_fingerprint(sc));
    struct wire to_s = {0}, to_c = {0};
    struct dtls *c = dtls_new(cc, DTLS_ROLE_CLIENT, fs, on_send, &to_s);
    struct dtls *s = dtls_new(sc, DTLS_ROLE_SERVER, fc, on_send, &to_c);
    assert_int_equal(dtls_set_srtp_profiles(c, &profile, 1), 0);
    assert_int_equal(dtls_start(c), 0);
    for (int i = 0; i < 10 && (to_s.n || to_c.n); i++) {
        deliver(&to_s, s);
        deliver(&to_c, c);
    }
    struct dtls_srtp_keys kc, ks;
    assert_int_equal(dtls_srtp_keys(c, &kc), 0);
    assert_int_equal(dtls_srtp_keys(s, &ks), 0);
    assert_int_equal(kc.profile, profile);
    p->a = rtp_crypto_new(&kc);
    p->b = rtp_crypto_new(&ks);
    assert_non_null(p->a);
    assert_non_null(p->b);
    dtls_free(c);
    dtls_free(s);
    dtls_cert_free(cc);
    dtls_cert_free(sc);
}

// ---- packets ----

// An Opus packet as a browser sends it: 12-byte header with the marker clear, a one-byte
// header extension (RFC 8285) carrying ssrc-audio-level (id 1), and a 100-byte payload.
static size_t rtp_packet(uint8_t *buf, uint32_t ssrc, uint16_t seq, uint32_t ts)
{
    static const uint8_t ext[8] = {0xbe, 0xde, 0x00, 0x01, 0x10, 0x80 | 30, 0x00, 0x00};
    buf[0] = 0x90; // V=2, X=1
    buf[1] = 111;  // dynamic payload type of Opus
    buf[2] = (uint8_t)(seq >> 8), buf[3] = (uint8_t)seq;
    buf[4] = (uint8_t)(ts >> 24), buf[5] = (uint8_t)(ts >> 16);
    buf[6] = (uint8_t)(ts >> 8), buf[7] = (uint8_t)ts;
    buf[8] = (uint8_t)(ssrc >> 24), buf[9] = (uint8_t)(ssrc >> 16);
    buf[10] = (uint8_t)(ssrc >> 8), buf[11] = (uint8_t)ssrc;
    memcpy(buf + 12, ext, sizeof ext);
    for (size_t i = 0; i < 100; i++)
        buf[20 + i] = (uint8_t)(seq * 31 + i);
    return 120;
}

// A compound RTCP packet: a receiver report with one report block, then an SDES CNAME.
static size_t rtcp_packet(uint8_t *buf, uint32_t ssrc)
{
    static const uint8_t rr[32] = {
        0x81, 201,  0x00, 0x07, 0, 0, 0, 0,   // RR, RC=1, 8 words; sender SSRC below
        0x11, 0x22, 0x33, 0x44,               // source SSRC
        0x05, 0x00, 0x00, 0x02,               // fraction lost, cumulative lost
        0x00, 0x00, 0x10, 0x00,               // highest sequence number
        0x00, 0x00, 0x00, 0x20,               // jitter
        0x00, 0x00, 0x00, 0x00, 0, 0, 0, 0x10 // LSR, DLSR
    };
    static const uint8_t sdes[16] = {0x81, 202, 0x00, 0x03, 0,   0,   0,    0,
                                     1,    4,   'v',  'o',  'x', 'd', 0x00, 0x00};
    memcpy(buf, rr, sizeof rr);
    memcpy(buf + sizeof rr, sdes, sizeof sdes);
    for (int i = 0; i < 4; i++)
        buf[4 + i] = buf[sizeof rr + 4 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
    return sizeof rr + sizeof sdes;
}

typedef int (*protect_fn)(struct rtp_crypto *, uint8_t *, size_t *, size_t);
typedef int (*unprotect_fn)(struct rtp_crypto *, uint8_t *, size_t *);

// Protects plain[0..len) into a heap buffer of exactly len + overhead bytes (ASan sees any
// write past the tag) and returns it with *out_len set.
static uint8_t *protect_exact(protect_fn protect, struct rtp_crypto *c, const uint8_t *plain,
                              size_t len, size_t overhead, size_t *out_len)
{
    uint8_t *buf = malloc(len + overhead);
    memcpy(buf, plain, len);
    *out_len = len;
    assert_int_equal(protect(c, buf, out_len, len + overhead), 0);
    assert_int_equal(*out_len, len + overhead);
    return buf;
}

// The round trip both ways, tampering and replay, for RTP or RTCP.
static void check_round_trips(struct peers *p, int rtcp)
{
    protect_fn protect = rtcp ? rtp_crypto_protect_rtcp : rtp_crypto_protect_rtp;
    unprotect_fn unprotect = rtcp ? rtp_crypto_unprotect_rtcp : rtp_crypto_unprotect_rtp;
    size_t overhead = rtcp ? rtp_crypto_rtcp_overhead(p->a) : rtp_crypto_rtp_overhead(p->a);
    size_t header = rtcp ? 8 : 20; // what stays in the clear (RTCP: first header and SSRC)
    struct rtp_crypto *ends[2][2] = {{p->a, p->b}, {p->b, p->a}};
    for (int dir = 0; dir < 2; dir++) {
        struct rtp_crypto *tx = ends[dir][0], *rx = ends[dir][1];
        for (uint16_t seq = 1000; seq < 1004; seq++) {
            uint8_t plain[256];
            size_t len = rtcp ? rtcp_packet(plain, 0xa1b2c3d4u + dir)
                              : rtp_packet(plain, 0xa1b2c3d4u + dir, seq, 960u * seq);
            size_t n;
            uint8_t *wire = protect_exact(protect, tx, plain, len, overhead, &n);
            assert_memory_equal(wire, plain, header);
            assert_memory_not_equal(wire + header, plain + header, len - header); // encrypted
            // Each single flipped bit fails authentication: header, payload, tag.
            size_t spots[] = {1, header + 3, len - 1, n - 1};
            for (size_t i = 0; i < sizeof spots / sizeof spots[0]; i++) {
                uint8_t bad[300];
                memcpy(bad, wire, n);
                bad[spots[i]] ^= 0x04;
                size_t bn = n;
                assert_int_equal(unprotect(rx, bad, &bn), RTP_CRYPTO_EAUTH);
            }
            uint8_t copy[300];
            memcpy(copy, wire, n);
            size_t m = n;
            assert_int_equal(unprotect(rx, wire, &m), 0);
            assert_int_equal(m, len);
            assert_memory_equal(wire, plain, len);
            m = n; // the same packet again
            assert_int_equal(unprotect(rx, copy, &m), RTP_CRYPTO_EREPLAY);
            free(wire);
        }
    }
}

static void test_rtp_round_trip_fixed_keys(void **state)
{
    (void)state;
    for (int i = 0; i < 2; i++) {
        struct peers p;
        peers_fixed(&p, both[i]);
        assert_int_equal(rtp_crypto_rtp_overhead(p.a),
                         i == 0 ? RTP_CRYPTO_GCM_TAG : RTP_CRYPTO_SHA1_80_TAG);
        check_round_trips(&p, 0);
        peers_fini(&p);
    }
}

static void test_rtcp_round_trip_fixed_keys(void **state)
{
    (void)state;
    for (int i = 0; i < 2; i++) {
        struct peers p;
        peers_fixed(&p, both[i]);
        assert_int_equal(rtp_crypto_rtcp_overhead(p.a),
                         (i == 0 ? RTP_CRYPTO_GCM_TAG : RTP_CRYPTO_SHA1_80_TAG) +
                             RTP_CRYPTO_SRTCP_INDEX);
        assert_true(rtp_crypto_rtcp_overhead(p.a) <= RTP_CRYPTO_MAX_OVERHEAD);
        check_round_trips(&p, 1);
        peers_fini(&p);
    }
}

static void test_round_trips_with_handshake_keys(void **state)
{
    (void)state;
    for (int i = 0; i < 2; i++) {
        struct peers p;
        peers_from_handshake(&p, both[i]);
        assert_int_equal(rtp_crypto_profile(p.a), both[i]);
        check_round_trips(&p, 0);
        check_round_trips(&p, 1);
        peers_fini(&p);
    }
}

static void test_wrong_key_fails_auth(void **state)
{
    (void)state;
    for (int i = 0; i < 2; i++) {
        struct dtls_srtp_keys ka, kb, kx, ky;
        fixed_keys(both[i], 1, &ka, &kb);
        fixed_keys(both[i], 2, &kx, &ky);
        struct rtp_crypto *a = rtp_crypto_new(&ka), *stranger = rtp_crypto_new(&ky);
        uint8_t buf[256];
        size_t len = rtp_packet(buf, 1, 1, 1);
        assert_int_equal(rtp_crypto_protect_rtp(a, buf, &len, sizeof buf), 0);
        assert_int_equal(rtp_crypto_unprotect_rtp(stranger, buf, &len), RTP_CRYPTO_EAUTH);
        len = rtcp_packet(buf, 1);
        assert_int_equal(rtp_crypto_protect_rtcp(a, buf, &len, sizeof buf), 0);
        assert_int_equal(rtp_crypto_unprotect_rtcp(stranger, buf, &len), RTP_CRYPTO_EAUTH);
        // Our own packets do not come back through our inbound key either.
        len = rtp_packet(buf, 1, 2, 2);
        assert_int_equal(rtp_crypto_protect_rtp(a, buf, &len, sizeof buf), 0);
        assert_int_equal(rtp_crypto_unprotect_rtp(a, buf, &len), RTP_CRYPTO_EAUTH);
        rtp_crypto_free(a);
        rtp_crypto_free(stranger);
    }
}

// Packets arriving out of order are fine within the window, refused beyond it.
static void test_replay_window(void **state)
{
    (void)state;
    for (int i = 0; i < 2; i++) {
        struct peers p;
        peers_fixed(&p, both[i]);
        enum { N = 1200 };
        static uint8_t wire[N][160];
        static size_t wlen[N];
        for (int s = 0; s < N; s++) {
            wlen[s] = rtp_packet(wire[s], 42, (uint16_t)s, 960u * (uint32_t)s);
            assert_int_equal(rtp_crypto_protect_rtp(p.a, wire[s], &wlen[s], sizeof wire[s]), 0);
        }
        size_t n = wlen[N - 1];
        assert_int_equal(rtp_crypto_unprotect_rtp(p.b, wire[N - 1], &n), 0);
        int oldest_ok = N - 1 - (RTP_CRYPTO_REPLAY_WINDOW - 1);
        n = wlen[oldest_ok];
        assert_int_equal(rtp_crypto_unprotect_rtp(p.b, wire[oldest_ok], &n), 0);
        n = wlen[N - 2];
        assert_int_equal(rtp_crypto_unprotect_rtp(p.b, wire[N - 2], &n), 0);
        n = wlen[oldest_ok - 1];
        assert_int_equal(rtp_crypto_unprotect_rtp(p.b, wire[oldest_ok - 1], &n),
                         RTP_CRYPTO_EREPLAY);
        n = wlen[0];
        assert_int_equal(rtp_crypto_unprotect_rtp(p.b, wire[0], &n), RTP_CRYPTO_EREPLAY);
        peers_fini(&p);
    }
}

// Several SSRCs share the sessions (ssrc_any_*), and a retransmission of the same packet may
// be protected again; the receiver takes it once.
static void test_many_ssrcs_and_retransmission(void **state)
{
    (void)state;
    for (int i = 0; i < 2; i++) {
        struct peers p;
        peers_fixed(&p, both[i]);
        for (uint32_t ssrc = 1; ssrc <= 20; ssrc++) {
            uint8_t plain[160], buf[160];
            size_t len = rtp_packet(plain, ssrc * 7919, 5, 5);
            memcpy(buf, plain, len);
            size_t n = len;
            assert_int_equal(rtp_crypto_protect_rtp(p.a, buf, &n, sizeof buf), 0);
            assert_int_equal(rtp_crypto_unprotect_rtp(p.b, buf, &n), 0);
            assert_memory_equal(buf, plain, len);
        }
        uint8_t plain[160], first[160], again[160];
        size_t len = rtp_packet(plain, 99, 77, 77);
        memcpy(first, plain, len);
        memcpy(again, plain, len);
        size_t n1 = len, n2 = len;
        assert_int_equal(rtp_crypto_protect_rtp(p.a, first, &n1, sizeof first), 0);
        assert_int_equal(rtp_crypto_protect_rtp(p.a, again, &n2, sizeof again), 0);
        assert_int_equal(n1, n2);
        assert_memory_equal(first, again, n1);
        assert_int_equal(rtp_crypto_unprotect_rtp(p.b, first, &n1), 0);
        assert_int_equal(rtp_crypto_unprotect_rtp(p.b, again, &n2), RTP_CRYPTO_EREPLAY);
        peers_fini(&p);
    }
}

static void test_bad_input(void **state)
{
    (void)state;
    for (int i = 0; i < 2; i++) {
        struct peers p;
        peers_fixed(&p, both[i]);
        uint8_t buf[256], plain[256];
        size_t len = rtp_packet(plain, 3, 3, 3);
        memcpy(buf, plain, len);
        // No room for the tag: refused before anything is written.
        size_t n = len;
        assert_int_equal(rtp_crypto_protect_rtp(p.a, buf, &n, len + 1), RTP_CRYPTO_EOTHER);
        assert_int_equal(n, len);
        assert_memory_equal(buf, plain, len);
        n = 8;
        assert_int_equal(rtp_crypto_protect_rtcp(p.a, buf, &n, 8 + 4), RTP_CRYPTO_EOTHER);
        // Too short, or not version 2.
        n = 11;
        assert_int_equal(rtp_crypto_protect_rtp(p.a, buf, &n, sizeof buf), RTP_CRYPTO_EOTHER);
        n = 12 + rtp_crypto_rtp_overhead(p.a) - 1;
        assert_int_equal(rtp_crypto_unprotect_rtp(p.b, buf, &n), RTP_CRYPTO_EOTHER);
        n = 7;
        assert_int_equal(rtp_crypto_unprotect_rtcp(p.b, buf, &n), RTP_CRYPTO_EOTHER);
        buf[0] = 0x40;
        n = len;
        assert_int_equal(rtp_crypto_protect_rtp(p.a, buf, &n, sizeof buf), RTP_CRYPTO_EOTHER);
        // A header whose extension runs past the packet.
        memcpy(buf, plain, len);
        buf[14] = 0x01, buf[15] = 0x00;
        n = 40;
        assert_int_not_equal(rtp_crypto_unprotect_rtp(p.b, buf, &n), 0);
        // Random bytes that pass for SRTP and SRTCP never authenticate.
        srand(3);
        for (int k = 0; k < 500; k++) {
            n = 12 + (size_t)rand() % 200;
            for (size_t j = 0; j < n; j++)
                buf[j] = (uint8_t)rand();
            buf[0] = (uint8_t)(0x80 | (buf[0] & 0x2f)); // V=2, no extension, any CSRC count
            int rc = k % 2 ? rtp_crypto_unprotect_rtp(p.b, buf, &n)
                           : rtp_crypto_unprotect_rtcp(p.b, buf, &n);
            assert_true(rc < 0);
        }
        peers_fini(&p);
    }
}

static void test_new_refuses_bad_keys(void **state)
{
    (void)state;
    assert_int_equal(rtp_crypto_global_init(), 0);
    assert_int_equal(rtp_crypto_global_init(), 0);
    struct dtls_srtp_keys a, b;
    fixed_keys(DTLS_SRTP_AEAD_AES_128_GCM, 1, &a, &b);
    a.salt_len = 14; // GCM's salt is 12
    assert_null(rtp_crypto_new(&a));
    fixed_keys(DTLS_SRTP_AES128_CM_SHA1_80, 1, &a, &b);
    a.key_len = 32;
    assert_null(rtp_crypto_new(&a));
    a.key_len = 16;
    a.profile = DTLS_SRTP_NONE;
    assert_null(rtp_crypto_new(&a));
    rtp_crypto_free(NULL);
    assert_string_equal(rtp_crypto_err_name(0), "ok");
    assert_string_equal(rtp_crypto_err_name(RTP_CRYPTO_EAUTH), "auth");
    assert_string_equal(rtp_crypto_err_name(RTP_CRYPTO_EREPLAY), "replay");
    assert_string_equal(rtp_crypto_err_name(RTP_CRYPTO_EOTHER), "other");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rtp_round_trip_fixed_keys),
        cmocka_unit_test(test_rtcp_round_trip_fixed_keys),
        cmocka_unit_test(test_round_trips_with_handshake_keys),
        cmocka_unit_test(test_wrong_key_fails_auth),
        cmocka_unit_test(test_replay_window),
        cmocka_unit_test(test_many_ssrcs_and_retransmission),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_new_refuses_bad_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
