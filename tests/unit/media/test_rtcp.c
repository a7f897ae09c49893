// SPDX-License-Identifier: MIT
// Unit tests for media/rtcp*: compound iteration (strict and reduced-size), SR/RR/SDES/BYE,
// NACK packing with wraparound, PLI, FIR, REMB, transport-cc, truncation, write -> parse.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "media/rtcp.h"
#include "media/rtcp_fb.h"
#include "media/rtcp_report.h"

// A receiver's compound as Chromium sends it: RR with one block, then SDES CNAME.
static const uint8_t rr_sdes[] = {
    0x81, 0xc9, 0x00, 0x07, // RR, RC=1, 8 words
    0x00, 0x00, 0x00, 0x01, // reporter
    0x12, 0x34, 0x56, 0x78, // source
    0x40, 0x00, 0x00, 0x05, // fraction 64/256, cumulative lost 5
    0x00, 0x01, 0x1a, 0x2b, // extended highest seq: 1 cycle, 0x1a2b
    0x00, 0x00, 0x00, 0x10, // jitter 16
    0xaa, 0xbb, 0xcc, 0xdd, // LSR
    0x00, 0x01, 0x00, 0x00, // DLSR 1 s
    0x81, 0xca, 0x00, 0x06, // SDES, SC=1, 7 words
    0x00, 0x00, 0x00, 0x01, // the reporter's chunk
    0x01, 0x10, 'a',  'b',  // CNAME, 16 octets
    'c',  'd',  'e',  'f',  //
    'g',  'h',  'i',  'j',  //
    'k',  'l',  'm',  'n',  //
    'o',  'p',  0x00, 0x00, // null item, pad to the word
};
#define RR_LEN 32

static uint8_t *dup_exact(const uint8_t *p, size_t len)
{
    uint8_t *d = malloc(len ? len : 1);
    assert_non_null(d);
    if (len)
        memcpy(d, p, len);
    return d;
}

static void assert_rb_equal(const struct rtcp_rb *a, const struct rtcp_rb *b)
{
    assert_int_equal(a->ssrc, b->ssrc);
    assert_int_equal(a->fraction_lost, b->fraction_lost);
    assert_int_equal(a->cumulative_lost, b->cumulative_lost);
    assert_int_equal(a->highest_seq, b->highest_seq);
    assert_int_equal(a->jitter, b->jitter);
    assert_int_equal(a->lsr, b->lsr);
    assert_int_equal(a->dlsr, b->dlsr);
}

static void test_compound_iteration(void **state)
{
    (void)state;
    assert_int_equal(rtcp_compound_check(rr_sdes, sizeof rr_sdes, true), 2);
    struct rtcp_iter it;
    struct rtcp_hdr h;
    rtcp_iter_init(&it, rr_sdes, sizeof rr_sdes);
    assert_int_equal(rtcp_iter_next(&it, &h), 1);
    assert_int_equal(h.pt, RTCP_RR);
    assert_int_equal(h.count, 1);
    assert_int_equal(h.len, RR_LEN);
    assert_int_equal(h.body_len, RR_LEN - 4);
    struct rtcp_rr rr;
    assert_int_equal(rtcp_rr_parse(&rr, h.pkt, h.len), 0);
    assert_int_equal(rr.ssrc, 1);
    assert_int_equal(rr.rb_count, 1);
    assert_int_equal(rr.rb[0].ssrc, 0x12345678);
    assert_int_equal(rr.rb[0].fraction_lost, 64);
    assert_int_equal(rr.rb[0].cumulative_lost, 5);
    assert_int_equal(rr.rb[0].highest_seq, 0x11a2b);
    assert_int_equal(rr.rb[0].jitter, 16);
    assert_int_equal(rr.rb[0].lsr, 0xaabbccdd);
    assert_int_equal(rr.rb[0].dlsr, 65536);
    assert_int_equal(rtcp_iter_next(&it, &h), 1);
    assert_int_equal(h.pt, RTCP_SDES);
    struct rtcp_sdes sdes;
    assert_int_equal(rtcp_sdes_parse(&sdes, h.pkt, h.len), 0);
    assert_int_equal(sdes.count, 1);
    assert_int_equal(sdes.chunk[0].ssrc, 1);
    assert_int_equal(sdes.chunk[0].cname_len, 16);
    assert_memory_equal(sdes.chunk[0].cname, "abcdefghijklmnop", 16);
    assert_int_equal(rtcp_iter_next(&it, &h), 0);
    // Each parser refuses the other's packet.
    assert_int_equal(rtcp_sdes_parse(&sdes, rr_sdes, sizeof rr_sdes), VOX_EINVAL);
    struct rtcp_sr sr;
    assert_int_equal(rtcp_sr_parse(&sr, rr_sdes, sizeof rr_sdes), VOX_EINVAL);
}

static void test_compound_truncated(void **state)
{
    (void)state;
    for (size_t len = 0; len < sizeof rr_sdes; len++) {
        uint8_t *p = dup_exact(rr_sdes, len);
        int want = len == RR_LEN ? 1 : VOX_EINVAL;
        assert_int_equal(rtcp_compound_check(p, len, false), want);
        struct rtcp_rr rr;
        assert_int_equal(rtcp_rr_parse(&rr, p, len), len >= RR_LEN ? 0 : VOX_EINVAL);
        struct rtcp_iter it;
        struct rtcp_hdr h;
        rtcp_iter_init(&it, p, len);
        int r, n = 0;
        while ((r = rtcp_iter_next(&it, &h)) > 0)
            n++;
        assert_int_equal(n, len >= RR_LEN ? 1 : 0);
        assert_int_equal(r, len == 0 || len == RR_LEN ? 0 : VOX_EINVAL);
        free(p);
    }
}

static void test_compound_rules(void **state)
{
    (void)state;
    uint8_t p[sizeof rr_sdes + 4];
    memcpy(p, rr_sdes, sizeof rr_sdes);
    // Version other than 2 anywhere breaks the compound.
    p[RR_LEN] = 0x41;
    assert_int_equal(rtcp_compound_check(p, sizeof rr_sdes, false), VOX_EINVAL);
    // Reduced-size RTCP: SDES first is fine leniently, not strictly.
    memcpy(p, rr_sdes + RR_LEN, sizeof rr_sdes - RR_LEN);
    assert_int_equal(rtcp_compound_check(p, sizeof rr_sdes - RR_LEN, false), 1);
    assert_int_equal(rtcp_compound_check(p, sizeof rr_sdes - RR_LEN, true), VOX_EINVAL);
    // Trailing bytes that are not a whole packet.
    memcpy(p, rr_sdes, sizeof rr_sdes);
    memset(p + sizeof rr_sdes, 0, 4);
    assert_int_equal(rtcp_compound_check(p, sizeof rr_sdes + 2, false), VOX_EINVAL);
    p[sizeof rr_sdes] = 0x80; // a bare 4-byte header is a valid (empty) packet
    p[sizeof rr_sdes + 1] = RTCP_APP;
    assert_int_equal(rtcp_compound_check(p, sizeof p, false), 3);
    assert_int_equal(rtcp_compound_check(p, 0, false), VOX_EINVAL);
}

static void test_padding(void **state)
{
    (void)state;
    // RR with no blocks, padded by 4 octets: only the last packet may pad, strictly.
    uint8_t p[] = {0xa0, 0xc9, 0x00, 0x02, 0, 0, 0, 9, 0, 0, 0, 4};
    struct rtcp_hdr h;
    assert_int_equal(rtcp_hdr_parse(&h, p, sizeof p), 0);
    assert_true(h.padding);
    assert_int_equal(h.body_len, 4);
    struct rtcp_rr rr;
    assert_int_equal(rtcp_rr_parse(&rr, p, sizeof p), 0);
    assert_int_equal(rr.ssrc, 9);
    assert_int_equal(rtcp_compound_check(p, sizeof p, true), 1);
    uint8_t two[2 * sizeof p];
    memcpy(two, p, sizeof p);
    memcpy(two + sizeof p, p, sizeof p);
    assert_int_equal(rtcp_compound_check(two, sizeof two, false), 2);
    assert_int_equal(rtcp_compound_check(two, sizeof two, true), VOX_EINVAL);
    p[11] = 8; // the padding eats the SSRC: the RR is too short
    assert_int_equal(rtcp_hdr_parse(&h, p, sizeof p), 0);
    assert_int_equal(rtcp_rr_parse(&rr, p, sizeof p), VOX_EINVAL);
    p[11] = 9; // more than the body
    assert_int_equal(rtcp_hdr_parse(&h, p, sizeof p), VOX_EINVAL);
    p[11] = 0;
    assert_int_equal(rtcp_hdr_parse(&h, p, sizeof p), VOX_EINVAL);
}

static void test_sr_round_trip_and_extensions(void **state)
{
    (void)state;
    struct rtcp_sr in = {
        .ssrc = 0x11223344,
        .ntp = 0xe8a1b2c3d4e5f607ull,
        .rtp_ts = 960000,
        .packet_count = 1000,
        .octet_count = 123456,
        .rb_count = 2,
        .rb = {{1, 0, -1, 0x10000, 5, 0, 0}, {2, 255, 7, 65535, 0, 0x12345678, 0x9abc}},
    };
    uint8_t out[128];
    int n = rtcp_sr_write(out, sizeof out, &in);
    assert_int_equal(n, 4 + 24 + 2 * 24);
    assert_int_equal(out[0], 0x82);
    assert_int_equal(out[1], RTCP_SR);
    assert_int_equal(out[3], n / 4 - 1);
    struct rtcp_sr sr;
    assert_int_equal(rtcp_sr_parse(&sr, out, (size_t)n), 0);
    assert_rb_equal(&sr.rb[0], &in.rb[0]);
    assert_rb_equal(&sr.rb[1], &in.rb[1]);
    assert_int_equal(sr.ssrc, in.ssrc);
    assert_true(sr.ntp == in.ntp);
    assert_int_equal(sr.rtp_ts, in.rtp_ts);
    assert_int_equal(sr.packet_count, 1000);
    assert_int_equal(sr.octet_count, 123456);
    assert_int_equal(rtcp_ntp_mid(sr.ntp), 0xb2c3d4e5);
    // A profile-specific extension after the blocks is skipped.
    out[3] += 2;
    memset(out + n, 0xee, 8);
    assert_int_equal(rtcp_sr_parse(&sr, out, (size_t)n + 8), 0);
    assert_int_equal(sr.rb_count, 2);
    // RC says 3 blocks but the length holds 2 (plus the 8 extension bytes).
    out[0] = 0x83;
    assert_int_equal(rtcp_sr_parse(&sr, out, (size_t)n + 8), VOX_EINVAL);
    // Writers refuse a small buffer and too many blocks.
    assert_int_equal(rtcp_sr_write(out, (size_t)n - 1, &in), VOX_EINVAL);
    in.rb_count = 32;
    assert_int_equal(rtcp_sr_write(out, sizeof out, &in), VOX_EINVAL);
    // An SR with no blocks is 28 bytes; 27 of them are not one.
    in.rb_count = 0;
    n = rtcp_sr_write(out, sizeof out, &in);
    assert_int_equal(n, 28);
    uint8_t *p = dup_exact(out, 28);
    assert_int_equal(rtcp_sr_parse(&sr, p, 28), 0);
    p[3] = 5; // 24 bytes: the SSRC and sender info need 24 after the header
    assert_int_equal(rtcp_sr_parse(&sr, p, 24), VOX_EINVAL);
    free(p);
}

static void test_rr_cumulative_lost_sign(void **state)
{
    (void)state;
    uint8_t p[RR_LEN];
    memcpy(p, rr_sdes, RR_LEN);
    struct {
        uint8_t b[3];
        int32_t v;
    } cases[] = {
        {{0xff, 0xff, 0xff}, -1}, {{0x80, 0x00, 0x00}, -8388608}, {{0x7f, 0xff, 0xff}, 8388607},
        {{0x00, 0x00, 0x00}, 0},  {{0xff, 0xff, 0xfd}, -3},       {{0x01, 0x00, 0x00}, 65536},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(p + 13, cases[i].b, 3);
        struct rtcp_rr rr;
        assert_int_equal(rtcp_rr_parse(&rr, p, sizeof p), 0);
        assert_int_equal(rr.rb[0].cumulative_lost, cases[i].v);
        uint8_t out[RR_LEN];
        assert_int_equal(rtcp_rr_write(out, sizeof out, &rr), RR_LEN);
        assert_memory_equal(out, p, RR_LEN);
    }
    // The writer clamps to 24 bits instead of wrapping into the other sign.
    struct rtcp_rr rr = {.ssrc = 1, .rb_count = 1, .rb = {{.ssrc = 2}}};
    uint8_t out[RR_LEN];
    rr.rb[0].cumulative_lost = 10000000;
    assert_int_equal(rtcp_rr_write(out, sizeof out, &rr), RR_LEN);
    assert_memory_equal(out + 13, "\x7f\xff\xff", 3);
    rr.rb[0].cumulative_lost = -10000000;
    assert_int_equal(rtcp_rr_write(out, sizeof out, &rr), RR_LEN);
    assert_memory_equal(out + 13, "\x80\x00\x00", 3);
    struct rtcp_rr back;
    assert_int_equal(rtcp_rr_parse(&back, out, sizeof out), 0);
    assert_int_equal(back.rb[0].cumulative_lost, RTCP_LOST_MIN);
    assert_int_equal(rtcp_rr_write(out, RR_LEN - 1, &rr), VOX_EINVAL);
    rr.rb_count = 0;
    assert_int_equal(rtcp_rr_write(out, sizeof out, &rr), 8);
    assert_int_equal(rtcp_rr_parse(&back, out, 8), 0);
    assert_int_equal(back.rb_count, 0);
}

static void test_sdes(void **state)
{
    (void)state;
    // Two chunks: the first carries NOTE then CNAME, the second no items at all.
    uint8_t p[] = {
        0x82, 0xca, 0x00, 0x06, // SDES, SC=2
        0x00, 0x00, 0x00, 0x01, // chunk 1
        0x07, 0x02, 'h',  'i',  // NOTE "hi"
        0x01, 0x03, 'x',  'y',  // CNAME "xyz"
        'z',  0x00, 0x00, 0x00, // null item, pad
        0x00, 0x00, 0x00, 0x02, // chunk 2
        0x00, 0x00, 0x00, 0x00, // no items
    };
    struct rtcp_sdes s;
    assert_int_equal(rtcp_sdes_parse(&s, p, sizeof p), 0);
    assert_int_equal(s.count, 2);
    assert_int_equal(s.chunk[0].cname_len, 3);
    assert_memory_equal(s.chunk[0].cname, "xyz", 3);
    assert_int_equal(s.chunk[1].ssrc, 2);
    assert_null(s.chunk[1].cname);
    // Write -> parse keeps SSRCs and CNAMEs (other items are not written).
    uint8_t out[64];
    int n = rtcp_sdes_write(out, sizeof out, &s);
    assert_int_equal(n, 4 + 12 + 8);
    struct rtcp_sdes back;
    assert_int_equal(rtcp_sdes_parse(&back, out, (size_t)n), 0);
    assert_int_equal(back.count, 2);
    assert_int_equal(back.chunk[0].ssrc, 1);
    assert_int_equal(back.chunk[0].cname_len, 3);
    assert_memory_equal(back.chunk[0].cname, "xyz", 3);
    assert_null(back.chunk[1].cname);
    assert_int_equal(rtcp_sdes_write(out, (size_t)n - 1, &s), VOX_EINVAL);
    assert_int_equal(rtcp_sdes_write(out, 3, &s), VOX_EINVAL);
    // Corruptions: a third chunk that is not there, an item past the end, no terminator.
    p[0] = 0x83;
    assert_int_equal(rtcp_sdes_parse(&s, p, sizeof p), VOX_EINVAL);
    p[0] = 0x82;
    p[13] = 20;
    assert_int_equal(rtcp_sdes_parse(&s, p, sizeof p), VOX_EINVAL);
    p[13] = 3;
    p[3] = 0x03; // 16 bytes: the first chunk's list is cut inside its CNAME
    assert_int_equal(rtcp_sdes_parse(&s, p, 16), VOX_EINVAL);
    // A chunk whose null octet is the last of the packet still fits its word.
    uint8_t q[] = {0x81, 0xca, 0x00, 0x02, 0, 0, 0, 5, 1, 1, 'a', 0};
    assert_int_equal(rtcp_sdes_parse(&s, q, sizeof q), 0);
    assert_int_equal(s.chunk[0].cname_len, 1);
    q[11] = 'b';
    assert_int_equal(rtcp_sdes_parse(&s, q, sizeof q), VOX_EINVAL);
}

static void test_bye(void **state)
{
    (void)state;
    uint8_t p[] = {0x82, 0xcb, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 2, 4, 'g', 'o', 'n', 'e', 0, 0, 0};
    struct rtcp_bye b;
    assert_int_equal(rtcp_bye_parse(&b, p, sizeof p), 0);
    assert_int_equal(b.count, 2);
    assert_int_equal(b.ssrc[1], 2);
    assert_int_equal(b.reason_len, 4);
    assert_memory_equal(b.reason, "gone", 4);
    uint8_t out[32];
    int n = rtcp_bye_write(out, sizeof out, &b);
    assert_int_equal(n, sizeof p);
    assert_memory_equal(out, p, sizeof p);
    assert_int_equal(rtcp_bye_write(out, sizeof p - 1, &b), VOX_EINVAL);
    p[12] = 8; // reason longer than the packet
    assert_int_equal(rtcp_bye_parse(&b, p, sizeof p), VOX_EINVAL);
    p[0] = 0x85; // five sources, room for four
    assert_int_equal(rtcp_bye_parse(&b, p, sizeof p), VOX_EINVAL);
    // Without a reason.
    uint8_t q[] = {0x81, 0xcb, 0x00, 0x01, 0, 0, 0, 7};
    assert_int_equal(rtcp_bye_parse(&b, q, sizeof q), 0);
    assert_null(b.reason);
    assert_int_equal(rtcp_bye_write(out, sizeof out, &b), 8);
    assert_memory_equal(out, q, 8);
}

static void test_nack_parse(void **state)
{
    (void)state;
    uint8_t p[] = {
        0x81, 0xcd, 0x00, 0x04, // RTPFB NACK, 5 words
        0x00, 0x00, 0x00, 0x01, // sender
        0x00, 0x00, 0x00, 0x02, // media source
        0x00, 0x64, 0x00, 0x05, // PID 100, BLP: 101, 103
        0xff, 0xfe, 0x80, 0x01, // PID 65534, BLP: 65535 and 65534+16 = 14
    };
    struct rtcp_nack nk;
    assert_int_equal(rtcp_nack_parse(&nk, p, sizeof p), 0);
    assert_int_equal(nk.sender_ssrc, 1);
    assert_int_equal(nk.media_ssrc, 2);
    assert_int_equal(nk.pairs, 2);
    uint16_t lost[40];
    assert_int_equal(rtcp_nack_lost(&nk, lost, 40), 6);
    static const uint16_t want[] = {100, 101, 103, 65534, 65535, 14};
    assert_memory_equal(lost, want, sizeof want);
    uint16_t few[2] = {0, 0};
    assert_int_equal(rtcp_nack_lost(&nk, few, 2), 6); // the total, only 2 written
    assert_int_equal(few[1], 101);
    // No FCI, wrong FMT, truncated.
    p[3] = 0x02;
    assert_int_equal(rtcp_nack_parse(&nk, p, 12), VOX_EINVAL);
    p[3] = 0x04;
    p[0] = 0x82;
    assert_int_equal(rtcp_nack_parse(&nk, p, sizeof p), VOX_EINVAL);
    p[0] = 0x81;
    assert_int_equal(rtcp_nack_parse(&nk, p, sizeof p - 1), VOX_EINVAL);
}

// Writes a NACK for seqs, parses it back and returns the lost list in out.
static size_t nack_round_trip(const uint16_t *seqs, size_t n, uint8_t *pkt, size_t cap, int *len,
                              uint16_t *out, size_t ocap)
{
    *len = rtcp_nack_write(pkt, cap, 5, 6, seqs, n);
    assert_true(*len > 0);
    struct rtcp_nack nk;
    assert_int_equal(rtcp_nack_parse(&nk, pkt, (size_t)*len), 0);
    assert_int_equal(nk.sender_ssrc, 5);
    assert_int_equal(nk.media_ssrc, 6);
    return rtcp_nack_lost(&nk, out, ocap);
}

static void test_nack_packing(void **state)
{
    (void)state;
    uint8_t pkt[256];
    uint16_t out[256];
    int len;
    // Across the wrap: 65534 opens the pair, 65535, 0 and 1 join its mask, 20 opens another.
    static const uint16_t wrap[] = {65534, 65535, 0, 1, 20};
    assert_int_equal(nack_round_trip(wrap, 5, pkt, sizeof pkt, &len, out, 256), 5);
    assert_int_equal(len, 12 + 8);
    assert_memory_equal(pkt + 12, "\xff\xfe\x00\x07\x00\x14\x00\x00", 8);
    assert_memory_equal(out, wrap, sizeof wrap);
    // 17 in a row fit one pair; the 18th opens a second.
    uint16_t run[18];
    for (int i = 0; i < 18; i++)
        run[i] = (uint16_t)(65530 + i);
    assert_int_equal(nack_round_trip(run, 17, pkt, sizeof pkt, &len, out, 256), 17);
    assert_int_equal(len, 16);
    assert_memory_equal(pkt + 12, "\xff\xfa\xff\xff", 4);
    assert_int_equal(nack_round_trip(run, 18, pkt, sizeof pkt, &len, out, 256), 18);
    assert_int_equal(len, 20);
    assert_memory_equal(out, run, sizeof run);
    // Duplicates collapse; a seq before the PID opens its own pair, and every seq is kept.
    static const uint16_t mixed[] = {10, 10, 12, 5, 6, 40000};
    size_t n = nack_round_trip(mixed, 6, pkt, sizeof pkt, &len, out, 256);
    assert_int_equal(len, 12 + 12);
    static const uint16_t want[] = {10, 12, 5, 6, 40000};
    assert_int_equal(n, 5);
    assert_memory_equal(out, want, sizeof want);
    // Refusals: nothing to NACK, no room for the second pair.
    assert_int_equal(rtcp_nack_write(pkt, sizeof pkt, 1, 2, wrap, 0), VOX_EINVAL);
    assert_int_equal(rtcp_nack_write(pkt, 19, 1, 2, wrap, 5), VOX_EINVAL);
    assert_int_equal(rtcp_nack_write(pkt, 11, 1, 2, wrap, 1), VOX_EINVAL);
}

static void test_pli_fir(void **state)
{
    (void)state;
    static const uint8_t pli_pkt[] = {0x81, 0xce, 0x00, 0x02, 0, 0, 0, 1, 0xab, 0xcd, 0xef, 0x01};
    struct rtcp_pli pli;
    assert_int_equal(rtcp_pli_parse(&pli, pli_pkt, sizeof pli_pkt), 0);
    assert_int_equal(pli.sender_ssrc, 1);
    assert_int_equal(pli.media_ssrc, 0xabcdef01);
    uint8_t out[64];
    assert_int_equal(rtcp_pli_write(out, sizeof out, &pli), 12);
    assert_memory_equal(out, pli_pkt, 12);
    assert_int_equal(rtcp_pli_write(out, 11, &pli), VOX_EINVAL);
    assert_int_equal(rtcp_pli_parse(&pli, pli_pkt, 11), VOX_EINVAL);
    struct rtcp_fir fir;
    assert_int_equal(rtcp_fir_parse(&fir, pli_pkt, sizeof pli_pkt), VOX_EINVAL); // FMT 1
    // A reduced-size compound of just a PLI is fine for receivers.
    assert_int_equal(rtcp_compound_check(pli_pkt, sizeof pli_pkt, false), 1);

    struct rtcp_fir_entry e[2] = {{0x1111, 7}, {0x2222, 255}};
    int n = rtcp_fir_write(out, sizeof out, 9, e, 2);
    assert_int_equal(n, 12 + 16);
    assert_int_equal(out[0], 0x84);
    assert_int_equal(out[1], RTCP_PSFB);
    assert_int_equal(rtcp_fir_parse(&fir, out, (size_t)n), 0);
    assert_int_equal(fir.sender_ssrc, 9);
    assert_int_equal(fir.media_ssrc, 0);
    assert_int_equal(fir.count, 2);
    assert_int_equal(rtcp_fir_entry(&fir, 1).ssrc, 0x2222);
    assert_int_equal(rtcp_fir_entry(&fir, 1).seq, 255);
    assert_int_equal(rtcp_fir_entry(&fir, 0).seq, 7);
    assert_int_equal(rtcp_fir_parse(&fir, out, (size_t)n - 1), VOX_EINVAL);
    assert_int_equal(rtcp_fir_write(out, 27, 9, e, 2), VOX_EINVAL);
    assert_int_equal(rtcp_fir_write(out, sizeof out, 9, e, 0), VOX_EINVAL);
    out[3] = 2; // no entries
    assert_int_equal(rtcp_fir_parse(&fir, out, 12), VOX_EINVAL);
}

static void test_remb(void **state)
{
    (void)state;
    // 1,000,000 bit/s = 250000 << 2, for one SSRC.
    uint8_t p[] = {
        0x8f, 0xce, 0x00, 0x05, // PSFB AFB, 6 words
        0x00, 0x00, 0x00, 0x01, // sender
        0x00, 0x00, 0x00, 0x00, // media source: always 0
        'R',  'E',  'M',  'B',  //
        0x01, 0x0b, 0xd0, 0x90, // 1 SSRC, exp 2, mantissa 250000
        0x12, 0x34, 0x56, 0x78, // the SSRC
    };
    struct rtcp_remb r;
    assert_int_equal(rtcp_remb_parse(&r, p, sizeof p), 0);
    assert_int_equal(r.sender_ssrc, 1);
    assert_int_equal(r.exp, 2);
    assert_int_equal(r.mantissa, 250000);
    assert_true(r.bitrate == 1000000);
    assert_int_equal(r.count, 1);
    assert_int_equal(rtcp_remb_ssrc(&r, 0), 0x12345678);
    uint8_t out[64];
    uint32_t ssrc = 0x12345678;
    assert_int_equal(rtcp_remb_write(out, sizeof out, 1, 1000000, &ssrc, 1), sizeof p);
    assert_memory_equal(out, p, sizeof p);
    // Large rates round down to 18 bits of mantissa; the biggest exponent saturates.
    uint64_t big = 0x123456789abull;
    int n = rtcp_remb_write(out, sizeof out, 1, big, NULL, 0);
    assert_int_equal(n, 20);
    assert_int_equal(rtcp_remb_parse(&r, out, (size_t)n), 0);
    assert_true(r.bitrate <= big && r.bitrate > big - (big >> 17));
    assert_int_equal(r.count, 0);
    n = rtcp_remb_write(out, sizeof out, 1, UINT64_MAX, NULL, 0);
    assert_int_equal(rtcp_remb_parse(&r, out, (size_t)n), 0);
    assert_int_equal(r.exp, 46);
    out[17] = 0xff; // exp 63, mantissa with high bits: beyond 64 bits
    assert_int_equal(rtcp_remb_parse(&r, out, (size_t)n), 0);
    assert_true(r.bitrate == UINT64_MAX);
    // Not REMB, SSRCs past the end, refusals.
    p[12] = 'X';
    assert_int_equal(rtcp_remb_parse(&r, p, sizeof p), VOX_EINVAL);
    p[12] = 'R';
    p[16] = 2;
    assert_int_equal(rtcp_remb_parse(&r, p, sizeof p), VOX_EINVAL);
    assert_int_equal(rtcp_remb_parse(&r, p, 16), VOX_EINVAL);
    assert_int_equal(rtcp_remb_write(out, 23, 1, 1, &ssrc, 1), VOX_EINVAL);
    assert_int_equal(rtcp_remb_write(out, sizeof out, 1, 1, &ssrc, 256), VOX_EINVAL);
}

// Transport-cc feedback for seqs 100-109 with a run, a two-bit vector, small, large deltas.
static const uint8_t twcc_pkt[] = {
    0x8f, 0xcd, 0x00, 0x08, // RTPFB FMT 15, 9 words
    0x00, 0x00, 0x00, 0x01, // sender
    0x00, 0x00, 0x00, 0x02, // media source
    0x00, 0x64, 0x00, 0x0a, // base seq 100, 10 statuses
    0xff, 0xff, 0xff, 0x07, // reference time -1 (x 64 ms), feedback count 7
    0x20, 0x05, 0xe1, 0x40, // run: 5 x small; 2-bit vector: large, none, small, small, none
    0x04, 0x08, 0x0c, 0x10, // small deltas for 100-103
    0x14, 0xff, 0x9c, 0x01, // 104 small, 105 large (-100), 107 small
    0x02, 0x00, 0x00, 0x00, // 108 small, zero padding to the word
};

static void test_twcc(void **state)
{
    (void)state;
    struct rtcp_twcc fb;
    assert_int_equal(rtcp_twcc_parse(&fb, twcc_pkt, sizeof twcc_pkt), 0);
    assert_int_equal(fb.sender_ssrc, 1);
    assert_int_equal(fb.media_ssrc, 2);
    assert_int_equal(fb.base_seq, 100);
    assert_int_equal(fb.status_count, 10);
    assert_int_equal(fb.ref_time, -1);
    assert_int_equal(fb.fb_count, 7);
    assert_int_equal(fb.recv_count, 8);
    assert_int_equal(fb.chunks_len, 4);
    assert_int_equal(fb.deltas_len, 9);
    struct rtcp_twcc_iter it;
    struct rtcp_twcc_pkt pk;
    static const uint8_t st[] = {1, 1, 1, 1, 1, 2, 0, 1, 1, 0};
    static const int32_t dl[] = {4, 8, 12, 16, 20, -100, 0, 1, 2, 0};
    rtcp_twcc_iter_init(&it, &fb);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(rtcp_twcc_next(&it, &pk), 1);
        assert_int_equal(pk.seq, 100 + i);
        assert_int_equal(pk.status, st[i]);
        assert_int_equal(pk.delta, dl[i]);
    }
    assert_int_equal(rtcp_twcc_next(&it, &pk), 0);

    uint8_t p[sizeof twcc_pkt];
    memcpy(p, twcc_pkt, sizeof p);
    p[15] = 0x0d; // 13 statuses: the first delta bytes read as a third chunk (a long run of
                  // not received), and the 9 delta bytes still fit after it
    assert_int_equal(rtcp_twcc_parse(&fb, p, sizeof p), 0);
    assert_int_equal(fb.chunks_len, 6);
    p[3] = 0x05; // the packet ends after two chunks: the third is missing
    assert_int_equal(rtcp_twcc_parse(&fb, p, 24), VOX_EINVAL);
    p[15] = 0x0a; // with 10 statuses the chunks fit but the deltas do not
    assert_int_equal(rtcp_twcc_parse(&fb, p, 24), VOX_EINVAL);
    memcpy(p, twcc_pkt, sizeof p);
    p[21] = 0x0c; // run of 12 small deltas covers all 10: 10 delta bytes, 11 available
    assert_int_equal(rtcp_twcc_parse(&fb, p, sizeof p), 0);
    assert_int_equal(fb.recv_count, 10);
    p[20] = 0x40; // run of large deltas: 20 bytes needed
    assert_int_equal(rtcp_twcc_parse(&fb, p, sizeof p), VOX_EINVAL);
    p[20] = 0x60; // reserved status
    assert_int_equal(rtcp_twcc_parse(&fb, p, sizeof p), VOX_EINVAL);
    memcpy(p, twcc_pkt, sizeof p);
    p[23] = 0x70; // vector with a reserved two-bit status
    assert_int_equal(rtcp_twcc_parse(&fb, p, sizeof p), VOX_EINVAL);
    for (size_t len = 0; len < sizeof twcc_pkt; len++) {
        uint8_t *q = dup_exact(twcc_pkt, len);
        assert_int_equal(rtcp_twcc_parse(&fb, q, len), VOX_EINVAL);
        free(q);
    }
    // The same feedback with the P bit and a padding count instead of bare zeros.
    memcpy(p, twcc_pkt, sizeof p);
    p[0] |= 0x20;
    p[sizeof p - 1] = 3;
    assert_int_equal(rtcp_twcc_parse(&fb, p, sizeof p), 0);
    p[sizeof p - 1] = 4; // padding would eat a delta
    assert_int_equal(rtcp_twcc_parse(&fb, p, sizeof p), VOX_EINVAL);
}

static void test_compound_of_everything(void **state)
{
    (void)state;
    // What voxd will send a publisher: RR + SDES, then NACK, PLI, FIR and REMB.
    uint8_t buf[512];
    size_t off = 0;
    int n;
    struct rtcp_rr rr = {.ssrc = 1, .rb_count = 1, .rb = {{.ssrc = 2, .cumulative_lost = -2}}};
    struct rtcp_sdes sd = {.count = 1, .chunk = {{1, (const uint8_t *)"voxd", 4}}};
    uint16_t lost[] = {3, 4, 9};
    struct rtcp_pli pli = {1, 2};
    struct rtcp_fir_entry fe = {2, 1};
    uint32_t ssrc = 2;
    n = rtcp_rr_write(buf + off, sizeof buf - off, &rr);
    off += (size_t)n;
    n = rtcp_sdes_write(buf + off, sizeof buf - off, &sd);
    off += (size_t)n;
    n = rtcp_nack_write(buf + off, sizeof buf - off, 1, 2, lost, 3);
    off += (size_t)n;
    n = rtcp_pli_write(buf + off, sizeof buf - off, &pli);
    off += (size_t)n;
    n = rtcp_fir_write(buf + off, sizeof buf - off, 1, &fe, 1);
    off += (size_t)n;
    n = rtcp_remb_write(buf + off, sizeof buf - off, 1, 300000, &ssrc, 1);
    assert_true(n > 0);
    off += (size_t)n;
    assert_int_equal(rtcp_compound_check(buf, off, true), 6);
    struct rtcp_iter it;
    struct rtcp_hdr h;
    static const uint8_t pts[] = {RTCP_RR, RTCP_SDES, RTCP_RTPFB, RTCP_PSFB, RTCP_PSFB, RTCP_PSFB};
    static const uint8_t fmts[] = {1, 1, RTCP_FMT_NACK, RTCP_FMT_PLI, RTCP_FMT_FIR, RTCP_FMT_AFB};
    rtcp_iter_init(&it, buf, off);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(rtcp_iter_next(&it, &h), 1);
        assert_int_equal(h.pt, pts[i]);
        assert_int_equal(h.count, fmts[i]);
    }
    assert_int_equal(rtcp_iter_next(&it, &h), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compound_iteration),
        cmocka_unit_test(test_compound_truncated),
        cmocka_unit_test(test_compound_rules),
        cmocka_unit_test(test_padding),
        cmocka_unit_test(test_sr_round_trip_and_extensions),
        cmocka_unit_test(test_rr_cumulative_lost_sign),
        cmocka_unit_test(test_sdes),
        cmocka_unit_test(test_bye),
        cmocka_unit_test(test_nack_parse),
        cmocka_unit_test(test_nack_packing),
        cmocka_unit_test(test_pli_fir),
        cmocka_unit_test(test_remb),
        cmocka_unit_test(test_twcc),
        cmocka_unit_test(test_compound_of_everything),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
