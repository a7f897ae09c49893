// SPDX-License-Identifier: MIT
// Unit tests for media/rtp: a Chromium-style Opus packet with one-byte extensions, padding,
// CSRCs, two-byte extensions, truncation and corruption, in-place rewrites, write -> parse.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "media/rtp.h"

// Opus from Chromium with the extmap ids it offers: 1 ssrc-audio-level, 2 abs-send-time,
// 3 transport-wide-cc, 4 sdes:mid. Written by hand from RFC 3550 and RFC 8285.
static const uint8_t chrome_opus[] = {
    0x90, 0x6f, 0x1a, 0x2b,                         // V=2 X=1 CC=0, M=0 PT=111, seq 6699
    0x00, 0x01, 0xe2, 0x40,                         // timestamp 123456
    0x12, 0x34, 0x56, 0x78,                         // SSRC
    0xbe, 0xde, 0x00, 0x03,                         // one-byte extensions, 3 words
    0x10, 0x9e,                                     // id 1 len 1: voice, level 30 (-30 dBov)
    0x22, 0x12, 0x34, 0x56,                         // id 2 len 3: abs-send-time 0x123456
    0x31, 0x00, 0x2a,                               // id 3 len 2: transport-wide seq 42
    0x40, 0x30,                                     // id 4 len 1: mid "0"
    0x00,                                           // padding to the word
    0x78, 0x0b, 0xe4, 0xc1, 0x36, 0xec, 0xc5, 0x80, // Opus: TOC 0x78 (CELT FB 20 ms) + frame
};
#define CHROME_HDR_LEN 28

// A heap copy of exactly len bytes, so ASan sees any read past the end.
static uint8_t *dup_exact(const uint8_t *p, size_t len)
{
    uint8_t *d = malloc(len ? len : 1);
    assert_non_null(d);
    if (len)
        memcpy(d, p, len);
    return d;
}

static void test_chrome_opus(void **state)
{
    (void)state;
    struct rtp_hdr h;
    assert_int_equal(rtp_parse(&h, chrome_opus, sizeof chrome_opus), 0);
    assert_false(h.marker);
    assert_int_equal(h.pt, 111);
    assert_int_equal(h.seq, 6699);
    assert_int_equal(h.ts, 123456);
    assert_int_equal(h.ssrc, 0x12345678);
    assert_int_equal(h.csrc_count, 0);
    assert_int_equal(h.pad_len, 0);
    assert_true(h.has_ext);
    assert_int_equal(h.ext_profile, RTP_EXT_ONE);
    assert_int_equal(h.ext_len, 12);
    assert_ptr_equal(h.ext, chrome_opus + 16);
    assert_int_equal(h.header_len, CHROME_HDR_LEN);
    assert_ptr_equal(h.payload, chrome_opus + CHROME_HDR_LEN);
    assert_int_equal(h.payload_len, 8);
    assert_int_equal(h.payload[0], 0x78);

    const uint8_t *d;
    size_t n;
    bool voice;
    uint8_t level;
    assert_int_equal(rtp_ext_find(&h, 1, &d, &n), 0);
    assert_int_equal(rtp_ext_audio_level(d, n, &voice, &level), 0);
    assert_true(voice);
    assert_int_equal(level, 30);
    uint32_t ast;
    assert_int_equal(rtp_ext_find(&h, 2, &d, &n), 0);
    assert_int_equal(rtp_ext_abs_send_time(d, n, &ast), 0);
    assert_int_equal(ast, 0x123456);
    uint16_t tw;
    assert_int_equal(rtp_ext_find(&h, 3, &d, &n), 0);
    assert_int_equal(rtp_ext_twcc_seq(d, n, &tw), 0);
    assert_int_equal(tw, 42);
    char mid[17];
    assert_int_equal(rtp_ext_find(&h, 4, &d, &n), 0);
    assert_int_equal(rtp_ext_string(d, n, mid, sizeof mid), 0);
    assert_string_equal(mid, "0");
    assert_int_equal(rtp_ext_find(&h, 5, &d, &n), VOX_ENOTFOUND);
    assert_int_equal(rtp_ext_find(&h, 0, &d, &n), VOX_ENOTFOUND);
    assert_int_equal(rtp_ext_find(&h, 15, &d, &n), VOX_ENOTFOUND);
    assert_false(rtp_is_rtcp(chrome_opus, sizeof chrome_opus));
}

static void test_ext_iterator_order(void **state)
{
    (void)state;
    struct rtp_hdr h;
    assert_int_equal(rtp_parse(&h, chrome_opus, sizeof chrome_opus), 0);
    struct rtp_ext_iter it;
    struct rtp_ext_elem e;
    static const uint8_t ids[] = {1, 2, 3, 4}, lens[] = {1, 3, 2, 1};
    rtp_ext_iter_init(&it, &h);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(rtp_ext_next(&it, &e), 1);
        assert_int_equal(e.id, ids[i]);
        assert_int_equal(e.len, lens[i]);
    }
    assert_int_equal(rtp_ext_next(&it, &e), 0);
    assert_int_equal(rtp_ext_next(&it, &e), 0);
}

static void test_truncated_prefixes(void **state)
{
    (void)state;
    for (size_t len = 0; len <= sizeof chrome_opus; len++) {
        uint8_t *p = dup_exact(chrome_opus, len);
        struct rtp_hdr h;
        int r = rtp_parse(&h, p, len);
        if (len < CHROME_HDR_LEN) {
            assert_int_equal(r, VOX_EINVAL);
        } else {
            // A shorter datagram is a valid packet with a shorter payload.
            assert_int_equal(r, 0);
            assert_int_equal(h.payload_len, len - CHROME_HDR_LEN);
        }
        free(p);
    }
}

static void test_corrupt_headers(void **state)
{
    (void)state;
    uint8_t p[sizeof chrome_opus];
    struct rtp_hdr h;
    for (int v = 0; v < 4; v++) {
        memcpy(p, chrome_opus, sizeof p);
        p[0] = (uint8_t)((p[0] & 0x3f) | v << 6);
        assert_int_equal(rtp_parse(&h, p, sizeof p), v == 2 ? 0 : VOX_EINVAL);
    }
    // Extension length beyond the datagram.
    memcpy(p, chrome_opus, sizeof p);
    p[15] = 0x05;
    assert_int_equal(rtp_parse(&h, p, sizeof p), 0); // 20 bytes of ext still fit
    assert_int_equal(h.payload_len, 0);
    p[15] = 0x06;
    assert_int_equal(rtp_parse(&h, p, sizeof p), VOX_EINVAL);
    p[14] = 0xff;
    assert_int_equal(rtp_parse(&h, p, sizeof p), VOX_EINVAL);
    // An element that runs past the block: parse is fine, the walk reports it.
    memcpy(p, chrome_opus, sizeof p);
    p[25] = 0x4f; // id 4 claims 16 bytes
    assert_int_equal(rtp_parse(&h, p, sizeof p), 0);
    const uint8_t *d;
    size_t n;
    assert_int_equal(rtp_ext_find(&h, 3, &d, &n), 0); // found before the bad element
    assert_int_equal(rtp_ext_find(&h, 4, &d, &n), VOX_EINVAL);
    assert_int_equal(rtp_ext_find(&h, 9, &d, &n), VOX_EINVAL);
    // ID 15 ends the walk, hiding what follows.
    memcpy(p, chrome_opus, sizeof p);
    p[22] = 0xf1;
    assert_int_equal(rtp_parse(&h, p, sizeof p), 0);
    assert_int_equal(rtp_ext_find(&h, 2, &d, &n), 0);
    assert_int_equal(rtp_ext_find(&h, 4, &d, &n), VOX_ENOTFOUND);
    // An unknown profile has no elements.
    memcpy(p, chrome_opus, sizeof p);
    p[12] = 0xab;
    assert_int_equal(rtp_parse(&h, p, sizeof p), 0);
    assert_int_equal(rtp_ext_find(&h, 1, &d, &n), VOX_ENOTFOUND);
}

static void test_padding(void **state)
{
    (void)state;
    uint8_t p[] = {
        0xa0, 0x60, 0x00, 0x01, // P=1, PT 96, seq 1
        0x00, 0x00, 0x00, 0x09, // timestamp
        0x00, 0x00, 0x00, 0x07, // SSRC
        0xaa, 0xbb, 0xcc,       // payload
        0x00, 0x00, 0x00, 0x04, // 4 octets of padding
    };
    struct rtp_hdr h;
    assert_int_equal(rtp_parse(&h, p, sizeof p), 0);
    assert_int_equal(h.pad_len, 4);
    assert_int_equal(h.payload_len, 3);
    assert_int_equal(h.payload[2], 0xcc);
    p[sizeof p - 1] = 7; // padding is the whole payload: a probe packet
    assert_int_equal(rtp_parse(&h, p, sizeof p), 0);
    assert_int_equal(h.payload_len, 0);
    p[sizeof p - 1] = 8; // more than the payload
    assert_int_equal(rtp_parse(&h, p, sizeof p), VOX_EINVAL);
    p[sizeof p - 1] = 0; // the count includes itself: 0 is impossible
    assert_int_equal(rtp_parse(&h, p, sizeof p), VOX_EINVAL);
    p[sizeof p - 1] = 255;
    assert_int_equal(rtp_parse(&h, p, sizeof p), VOX_EINVAL);
    // P set on a bare header: the count would be the SSRC's last byte.
    assert_int_equal(rtp_parse(&h, p, 12), VOX_EINVAL);
}

static void test_csrcs(void **state)
{
    (void)state;
    uint8_t p[] = {
        0x82, 0xe0, 0xff, 0xff, // CC=2, M=1, PT 96, seq 65535
        0x01, 0x02, 0x03, 0x04, // timestamp
        0x05, 0x06, 0x07, 0x08, // SSRC
        0x00, 0x00, 0x00, 0x11, // CSRC 1
        0x00, 0x00, 0x00, 0x22, // CSRC 2
        0xde, 0xad,             // payload
    };
    struct rtp_hdr h;
    assert_int_equal(rtp_parse(&h, p, sizeof p), 0);
    assert_true(h.marker);
    assert_int_equal(h.pt, 96);
    assert_int_equal(h.seq, 65535);
    assert_int_equal(h.csrc_count, 2);
    assert_int_equal(h.csrc[0], 0x11);
    assert_int_equal(h.csrc[1], 0x22);
    assert_int_equal(h.header_len, 20);
    assert_int_equal(h.payload_len, 2);
    assert_false(h.has_ext);
    assert_int_equal(rtp_parse(&h, p, 19), VOX_EINVAL);
    assert_int_equal(rtp_parse(&h, p, 20), 0);
    assert_int_equal(h.payload_len, 0);
    p[0] = 0x8f; // 15 CSRCs do not fit
    assert_int_equal(rtp_parse(&h, p, sizeof p), VOX_EINVAL);
    // No extension elements without the X bit.
    const uint8_t *d;
    size_t n;
    p[0] = 0x82;
    assert_int_equal(rtp_parse(&h, p, sizeof p), 0);
    assert_int_equal(rtp_ext_find(&h, 1, &d, &n), VOX_ENOTFOUND);
}

static void test_two_byte_extensions(void **state)
{
    (void)state;
    uint8_t p[64] = {0x90, 0x60, 0, 5, 0, 0, 0, 1, 0, 0, 0, 2, 0x10, 0x05, 0x00, 0x07};
    uint8_t *e = p + 16; // 28 bytes of elements
    size_t o = 0;
    e[o++] = 1; // id 1, empty
    e[o++] = 0;
    e[o++] = 0;   // padding
    e[o++] = 200; // id 200, 17 bytes: beyond what the one-byte form allows
    e[o++] = 17;
    for (int i = 0; i < 17; i++)
        e[o++] = (uint8_t)('a' + i);
    e[o++] = 3;
    e[o++] = 2;
    e[o++] = 0x01;
    e[o++] = 0x02;
    while (o < 28)
        e[o++] = 0;
    p[44] = 0x55; // payload
    struct rtp_hdr h;
    assert_int_equal(rtp_parse(&h, p, 45), 0);
    assert_int_equal(rtp_ext_form(h.ext_profile), 2);
    assert_int_equal(h.ext_len, 28);
    assert_int_equal(h.payload_len, 1);
    const uint8_t *d;
    size_t n;
    assert_int_equal(rtp_ext_find(&h, 1, &d, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(rtp_ext_find(&h, 200, &d, &n), 0);
    assert_int_equal(n, 17);
    char rid[32];
    assert_int_equal(rtp_ext_string(d, n, rid, sizeof rid), 0);
    assert_string_equal(rid, "abcdefghijklmnopq");
    assert_int_equal(rtp_ext_string(d, n, rid, 17), VOX_EINVAL); // no room for the NUL
    uint16_t tw;
    assert_int_equal(rtp_ext_find(&h, 3, &d, &n), 0);
    assert_int_equal(rtp_ext_twcc_seq(d, n, &tw), 0);
    assert_int_equal(tw, 0x0102);
    assert_int_equal(rtp_ext_find(&h, 15, &d, &n), VOX_ENOTFOUND); // 15 is just an id here
    // Overrunning element, and a lone id byte at the end of the block.
    e[4] = 30;
    assert_int_equal(rtp_parse(&h, p, 45), 0);
    assert_int_equal(rtp_ext_find(&h, 200, &d, &n), VOX_EINVAL);
    e[4] = 17;
    e[27] = 9;
    assert_int_equal(rtp_parse(&h, p, 45), 0);
    assert_int_equal(rtp_ext_find(&h, 9, &d, &n), VOX_EINVAL);
}

static void test_decoders_reject_bad_lengths(void **state)
{
    (void)state;
    const uint8_t v[4] = {0x7f, 0, 'x', 0};
    bool voice;
    uint8_t level;
    uint32_t ast;
    uint16_t tw;
    char s[8];
    assert_int_equal(rtp_ext_audio_level(v, 1, &voice, &level), 0);
    assert_false(voice);
    assert_int_equal(level, 127);
    assert_int_equal(rtp_ext_audio_level(v, 2, &voice, &level), VOX_EINVAL);
    assert_int_equal(rtp_ext_audio_level(v, 0, &voice, &level), VOX_EINVAL);
    assert_int_equal(rtp_ext_abs_send_time(v, 2, &ast), VOX_EINVAL);
    assert_int_equal(rtp_ext_abs_send_time(v, 4, &ast), VOX_EINVAL);
    assert_int_equal(rtp_ext_twcc_seq(v, 1, &tw), VOX_EINVAL);
    assert_int_equal(rtp_ext_twcc_seq(v, 3, &tw), VOX_EINVAL);
    assert_int_equal(rtp_ext_string(v, 0, s, sizeof s), VOX_EINVAL);
    assert_int_equal(rtp_ext_string(v + 1, 3, s, sizeof s), VOX_EINVAL); // starts with NUL
    assert_int_equal(rtp_ext_string(v + 2, 2, s, sizeof s), 0);          // NUL-padded
    assert_string_equal(s, "x");
    assert_int_equal(rtp_abs_send_time_from_us(1000000), 1u << 18);
    assert_int_equal(rtp_abs_send_time_from_us(500000), 1u << 17);
    assert_int_equal(rtp_abs_send_time_from_us(64000000), 0); // wraps every 64 s
    assert_int_equal(rtp_abs_send_time_from_us(65250000), (1u << 18) + (1u << 16));
}

static void test_in_place_rewrites(void **state)
{
    (void)state;
    uint8_t p[sizeof chrome_opus];
    memcpy(p, chrome_opus, sizeof p);
    assert_int_equal(rtp_set_seq(p, sizeof p, 65535), 0);
    assert_int_equal(rtp_set_ts(p, sizeof p, 0xfffffff0), 0);
    assert_int_equal(rtp_set_ssrc(p, sizeof p, 0xcafebabe), 0);
    assert_int_equal(rtp_set_pt(p, sizeof p, 96), 0);
    assert_int_equal(rtp_set_marker(p, sizeof p, true), 0);
    assert_int_equal(rtp_ext_set_twcc_seq(p, sizeof p, 3, 0xbeef), 0);
    assert_int_equal(rtp_ext_set_abs_send_time(p, sizeof p, 2, 0xabcdef), 0);
    struct rtp_hdr h;
    assert_int_equal(rtp_parse(&h, p, sizeof p), 0);
    assert_int_equal(h.seq, 65535);
    assert_int_equal(h.ts, 0xfffffff0);
    assert_int_equal(h.ssrc, 0xcafebabe);
    assert_int_equal(h.pt, 96);
    assert_true(h.marker);
    const uint8_t *d;
    size_t n;
    uint16_t tw;
    uint32_t ast;
    assert_int_equal(rtp_ext_find(&h, 3, &d, &n), 0);
    assert_int_equal(rtp_ext_twcc_seq(d, n, &tw), 0);
    assert_int_equal(tw, 0xbeef);
    assert_int_equal(rtp_ext_find(&h, 2, &d, &n), 0);
    assert_int_equal(rtp_ext_abs_send_time(d, n, &ast), 0);
    assert_int_equal(ast, 0xabcdef);
    // Everything else is untouched: extensions 1 and 4 and the payload.
    assert_memory_equal(p + 16, chrome_opus + 16, 2);
    assert_memory_equal(p + 25, chrome_opus + 25, sizeof p - 25);
    assert_int_equal(rtp_set_marker(p, sizeof p, false), 0);
    assert_int_equal(p[1], 96);

    // Refusals.
    const uint8_t two[2] = {1, 2};
    assert_int_equal(rtp_set_pt(p, sizeof p, 128), VOX_EINVAL);
    assert_int_equal(rtp_set_seq(p, 11, 1), VOX_EINVAL);
    assert_int_equal(rtp_set_ts(p, 11, 1), VOX_EINVAL);
    assert_int_equal(rtp_set_ssrc(p, 11, 1), VOX_EINVAL);
    assert_int_equal(rtp_set_marker(p, 11, true), VOX_EINVAL);
    assert_int_equal(rtp_ext_set(p, sizeof p, 1, two, 2), VOX_EINVAL); // length differs
    assert_int_equal(rtp_ext_set(p, sizeof p, 7, two, 2), VOX_ENOTFOUND);
    assert_int_equal(rtp_ext_set(p, 20, 3, two, 2), VOX_EINVAL); // not a whole packet
}

static void test_write_reproduces_chrome_packet(void **state)
{
    (void)state;
    struct rtp_hdr h;
    assert_int_equal(rtp_parse(&h, chrome_opus, sizeof chrome_opus), 0);
    uint8_t out[64];
    assert_int_equal(rtp_write_header(out, sizeof out, &h), CHROME_HDR_LEN);
    assert_memory_equal(out, chrome_opus, CHROME_HDR_LEN);
    assert_int_equal(rtp_write(out, sizeof out, &h), sizeof chrome_opus);
    assert_memory_equal(out, chrome_opus, sizeof chrome_opus);
    assert_int_equal(rtp_write(out, sizeof chrome_opus - 1, &h), VOX_EINVAL);
    assert_int_equal(rtp_write_header(out, CHROME_HDR_LEN - 1, &h), VOX_EINVAL);
    // In place over the very buffer it was parsed from.
    uint8_t p[sizeof chrome_opus];
    memcpy(p, chrome_opus, sizeof p);
    assert_int_equal(rtp_parse(&h, p, sizeof p), 0);
    h.seq = 7;
    assert_int_equal(rtp_write(p, sizeof p, &h), sizeof p);
    assert_int_equal(p[3], 7);
    assert_memory_equal(p + 4, chrome_opus + 4, sizeof p - 4);
}

static void test_write_parse_round_trip(void **state)
{
    (void)state;
    static const uint8_t level = 0x85, tw[2] = {0x12, 0x34}, mid[] = "audio0";
    struct rtp_ext_elem elems[] = {{1, 1, &level}, {3, 2, tw}, {4, 6, mid}};
    uint8_t ext[32];
    int el = rtp_ext_write(ext, sizeof ext, RTP_EXT_ONE, elems, 3);
    assert_int_equal(el, 12); // 2 + 3 + 7 octets, already a whole number of words
    const uint8_t payload[5] = {1, 2, 3, 4, 5};
    struct rtp_hdr in = {
        .marker = true,
        .pt = 111,
        .seq = 65535,
        .ts = 0xdeadbeef,
        .ssrc = 42,
        .csrc_count = 3,
        .csrc = {7, 8, 9},
        .pad_len = 3,
        .payload = payload,
        .payload_len = sizeof payload,
        .has_ext = true,
        .ext_profile = RTP_EXT_ONE,
        .ext = ext,
        .ext_len = (size_t)el,
    };
    uint8_t out[128];
    int n = rtp_write(out, sizeof out, &in);
    assert_int_equal(n, 12 + 12 + 4 + el + 5 + 3);
    uint8_t *exact = dup_exact(out, (size_t)n);
    struct rtp_hdr h;
    assert_int_equal(rtp_parse(&h, exact, (size_t)n), 0);
    assert_true(h.marker);
    assert_int_equal(h.pt, 111);
    assert_int_equal(h.seq, 65535);
    assert_int_equal(h.ts, 0xdeadbeef);
    assert_int_equal(h.ssrc, 42);
    assert_int_equal(h.csrc_count, 3);
    assert_int_equal(h.csrc[2], 9);
    assert_int_equal(h.pad_len, 3);
    assert_int_equal(h.payload_len, 5);
    assert_memory_equal(h.payload, payload, 5);
    assert_int_equal(h.ext_len, (size_t)el);
    const uint8_t *d;
    size_t dl;
    char s[16];
    assert_int_equal(rtp_ext_find(&h, 4, &d, &dl), 0);
    assert_int_equal(rtp_ext_string(d, dl, s, sizeof s), 0);
    assert_string_equal(s, "audio0");
    free(exact);

    // Two-byte form keeps empty and long elements.
    uint8_t big[40];
    memset(big, 'z', sizeof big);
    struct rtp_ext_elem two[] = {{1, 0, NULL}, {250, 40, big}};
    el = rtp_ext_write(ext, sizeof ext, RTP_EXT_TWO | 3, two, 2);
    assert_int_equal(el, VOX_EINVAL); // 44 bytes do not fit in 32
    uint8_t ext2[64];
    el = rtp_ext_write(ext2, sizeof ext2, RTP_EXT_TWO | 3, two, 2);
    assert_int_equal(el, 44);
    in.ext_profile = RTP_EXT_TWO | 3;
    in.ext = ext2;
    in.ext_len = (size_t)el;
    in.pad_len = 0;
    in.csrc_count = 0;
    n = rtp_write(out, sizeof out, &in);
    assert_true(n > 0);
    assert_int_equal(rtp_parse(&h, out, (size_t)n), 0);
    assert_int_equal(rtp_ext_find(&h, 1, &d, &dl), 0);
    assert_int_equal(dl, 0);
    assert_int_equal(rtp_ext_find(&h, 250, &d, &dl), 0);
    assert_int_equal(dl, 40);
    assert_memory_equal(d, big, 40);
}

static void test_ext_write_exact_bytes_and_refusals(void **state)
{
    (void)state;
    static const uint8_t level = 0x85, tw[2] = {0x12, 0x34}, mid[] = "a";
    struct rtp_ext_elem elems[] = {{1, 1, &level}, {3, 2, tw}, {4, 1, mid}};
    uint8_t ext[16];
    assert_int_equal(rtp_ext_write(ext, sizeof ext, RTP_EXT_ONE, elems, 3), 8);
    static const uint8_t want[] = {0x10, 0x85, 0x31, 0x12, 0x34, 0x40, 'a', 0};
    assert_memory_equal(ext, want, sizeof want);
    assert_int_equal(rtp_ext_write(ext, 7, RTP_EXT_ONE, elems, 3), VOX_EINVAL);
    assert_int_equal(rtp_ext_write(ext, sizeof ext, 0x1234, elems, 3), VOX_EINVAL);
    assert_int_equal(rtp_ext_write(ext, sizeof ext, RTP_EXT_ONE, elems, 0), 0);
    struct rtp_ext_elem bad[] = {{15, 1, &level}, {0, 1, &level}, {1, 0, &level}, {1, 17, mid}};
    for (int i = 0; i < 4; i++)
        assert_int_equal(rtp_ext_write(ext, sizeof ext, RTP_EXT_ONE, &bad[i], 1), VOX_EINVAL);
    assert_int_equal(rtp_ext_write(ext, sizeof ext, RTP_EXT_TWO, &bad[1], 1), VOX_EINVAL);
    assert_int_equal(rtp_ext_write(ext, sizeof ext, RTP_EXT_TWO, &bad[0], 1), 4);
    // Header writer refusals.
    struct rtp_hdr h = {.pt = 128};
    uint8_t out[64];
    assert_int_equal(rtp_write_header(out, sizeof out, &h), VOX_EINVAL);
    h.pt = 0;
    h.csrc_count = 16;
    assert_int_equal(rtp_write_header(out, sizeof out, &h), VOX_EINVAL);
    h.csrc_count = 0;
    h.has_ext = true;
    h.ext = ext;
    h.ext_len = 6;
    assert_int_equal(rtp_write_header(out, sizeof out, &h), VOX_EINVAL);
    h.ext_len = 0; // an empty block is legal
    assert_int_equal(rtp_write_header(out, sizeof out, &h), 16);
    struct rtp_hdr back;
    assert_int_equal(rtp_parse(&back, out, 16), 0);
    assert_true(back.has_ext);
    assert_int_equal(back.ext_len, 0);
}

static void test_rtcp_demux(void **state)
{
    (void)state;
    uint8_t p[4] = {0x80, 0, 0, 1};
    for (int b = 0; b < 256; b++) {
        p[1] = (uint8_t)b;
        assert_int_equal(rtp_is_rtcp(p, sizeof p), b >= 192 && b <= 223);
    }
    p[1] = 200;
    assert_false(rtp_is_rtcp(p, 3));
    p[0] = 0x40; // version 1
    assert_false(rtp_is_rtcp(p, sizeof p));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chrome_opus),
        cmocka_unit_test(test_ext_iterator_order),
        cmocka_unit_test(test_truncated_prefixes),
        cmocka_unit_test(test_corrupt_headers),
        cmocka_unit_test(test_padding),
        cmocka_unit_test(test_csrcs),
        cmocka_unit_test(test_two_byte_extensions),
        cmocka_unit_test(test_decoders_reject_bad_lengths),
        cmocka_unit_test(test_in_place_rewrites),
        cmocka_unit_test(test_write_reproduces_chrome_packet),
        cmocka_unit_test(test_write_parse_round_trip),
        cmocka_unit_test(test_ext_write_exact_bytes_and_refusals),
        cmocka_unit_test(test_rtcp_demux),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
