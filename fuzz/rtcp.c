// SPDX-License-Identifier: MIT
// Fuzzes RTCP compound packets: every packet goes through every parser, and each one that
// parses is written back by its writer and re-parsed to the same fields (NACKs to the same
// set of lost seqs, which the writer may pack differently). Transport-cc is walked in full.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "media/rtcp.h"
#include "media/rtcp_fb.h"
#include "media/rtcp_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PKT   8192
#define MAX_LOST  (17 * 256)
#define MAX_ITEMS 512

static uint8_t out[RTCP_FB_HDR_LEN + 4 * MAX_LOST + MAX_PKT];

static void require(int cond)
{
    if (!cond)
        abort();
}

static void same_rb(const struct rtcp_rb *a, const struct rtcp_rb *b)
{
    require(a->ssrc == b->ssrc && a->fraction_lost == b->fraction_lost &&
            a->cumulative_lost == b->cumulative_lost && a->highest_seq == b->highest_seq &&
            a->jitter == b->jitter && a->lsr == b->lsr && a->dlsr == b->dlsr);
    require(a->cumulative_lost >= RTCP_LOST_MIN && a->cumulative_lost <= RTCP_LOST_MAX);
}

static void check_sr(const uint8_t *p, size_t len)
{
    struct rtcp_sr a, b;
    if (rtcp_sr_parse(&a, p, len) != 0)
        return;
    int n = rtcp_sr_write(out, sizeof out, &a);
    require(n > 0 && rtcp_sr_parse(&b, out, (size_t)n) == 0);
    require(rtcp_sr_write(out, (size_t)n - 1, &a) == VOX_EINVAL);
    require(a.ssrc == b.ssrc && a.ntp == b.ntp && a.rtp_ts == b.rtp_ts &&
            a.packet_count == b.packet_count && a.octet_count == b.octet_count &&
            a.rb_count == b.rb_count);
    for (unsigned i = 0; i < a.rb_count; i++)
        same_rb(&a.rb[i], &b.rb[i]);
}

static void check_rr(const uint8_t *p, size_t len)
{
    struct rtcp_rr a, b;
    if (rtcp_rr_parse(&a, p, len) != 0)
        return;
    int n = rtcp_rr_write(out, sizeof out, &a);
    require(n > 0 && rtcp_rr_parse(&b, out, (size_t)n) == 0);
    require(a.ssrc == b.ssrc && a.rb_count == b.rb_count);
    for (unsigned i = 0; i < a.rb_count; i++)
        same_rb(&a.rb[i], &b.rb[i]);
}

static void check_sdes(const uint8_t *p, size_t len)
{
    struct rtcp_sdes a, b;
    if (rtcp_sdes_parse(&a, p, len) != 0)
        return;
    int n = rtcp_sdes_write(out, sizeof out, &a);
    require(n > 0 && rtcp_sdes_parse(&b, out, (size_t)n) == 0 && a.count == b.count);
    for (unsigned i = 0; i < a.count; i++) {
        const struct rtcp_sdes_chunk *x = &a.chunk[i], *y = &b.chunk[i];
        require(x->ssrc == y->ssrc && !x->cname == !y->cname && x->cname_len == y->cname_len);
        require(!x->cname || memcmp(x->cname, y->cname, x->cname_len) == 0);
        require(!x->cname || (x->cname >= p && x->cname + x->cname_len <= p + len));
    }
}

static void check_bye(const uint8_t *p, size_t len)
{
    struct rtcp_bye a, b;
    if (rtcp_bye_parse(&a, p, len) != 0)
        return;
    int n = rtcp_bye_write(out, sizeof out, &a);
    require(n > 0 && rtcp_bye_parse(&b, out, (size_t)n) == 0);
    require(a.count == b.count && !a.reason == !b.reason && a.reason_len == b.reason_len);
    require(memcmp(a.ssrc, b.ssrc, 4u * a.count) == 0);
    require(!a.reason || memcmp(a.reason, b.reason, a.reason_len) == 0);
}

static int cmp_u16(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

// Sorts and dedups s[0..n) in place; returns the new count.
static size_t uniq(uint16_t *s, size_t n)
{
    qsort(s, n, sizeof *s, cmp_u16);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || s[m - 1] != s[i])
            s[m++] = s[i];
    return m;
}

static void check_nack(const uint8_t *p, size_t len)
{
    static uint16_t lost[MAX_LOST], again[MAX_LOST];
    struct rtcp_nack a, b;
    if (rtcp_nack_parse(&a, p, len) != 0)
        return;
    size_t n = rtcp_nack_lost(&a, lost, MAX_LOST);
    require(n >= a.pairs && n <= 17 * a.pairs);
    if (n > MAX_LOST)
        return;
    int w = rtcp_nack_write(out, sizeof out, a.sender_ssrc, a.media_ssrc, lost, n);
    require(w > 0 && rtcp_nack_parse(&b, out, (size_t)w) == 0);
    require(b.sender_ssrc == a.sender_ssrc && b.media_ssrc == a.media_ssrc);
    require(b.pairs <= n);
    size_t m = rtcp_nack_lost(&b, again, MAX_LOST);
    require(m <= MAX_LOST);
    n = uniq(lost, n);
    m = uniq(again, m);
    require(n == m && memcmp(lost, again, n * sizeof lost[0]) == 0);
}

static void check_pli(const uint8_t *p, size_t len)
{
    struct rtcp_pli a, b;
    if (rtcp_pli_parse(&a, p, len) != 0)
        return;
    int n = rtcp_pli_write(out, sizeof out, &a);
    require(n == RTCP_FB_HDR_LEN && rtcp_pli_parse(&b, out, (size_t)n) == 0);
    require(a.sender_ssrc == b.sender_ssrc && a.media_ssrc == b.media_ssrc);
}

static void check_fir(const uint8_t *p, size_t len)
{
    static struct rtcp_fir_entry e[MAX_ITEMS];
    struct rtcp_fir a, b;
    if (rtcp_fir_parse(&a, p, len) != 0)
        return;
    require(a.count >= 1 && a.fci + 8 * a.count <= p + len);
    if (a.count > MAX_ITEMS)
        return;
    for (size_t i = 0; i < a.count; i++)
        e[i] = rtcp_fir_entry(&a, i);
    int n = rtcp_fir_write(out, sizeof out, a.sender_ssrc, e, a.count);
    require(n > 0 && rtcp_fir_parse(&b, out, (size_t)n) == 0);
    require(b.sender_ssrc == a.sender_ssrc && b.media_ssrc == 0 && b.count == a.count);
    for (size_t i = 0; i < a.count; i++) {
        struct rtcp_fir_entry x = rtcp_fir_entry(&b, i);
        require(x.ssrc == e[i].ssrc && x.seq == e[i].seq);
    }
}

static void check_remb(const uint8_t *p, size_t len)
{
    uint32_t ssrcs[255];
    struct rtcp_remb a, b;
    if (rtcp_remb_parse(&a, p, len) != 0)
        return;
    require(a.ssrcs + 4u * a.count <= p + len);
    for (unsigned i = 0; i < a.count; i++)
        ssrcs[i] = rtcp_remb_ssrc(&a, i);
    int n = rtcp_remb_write(out, sizeof out, a.sender_ssrc, a.bitrate, ssrcs, a.count);
    require(n > 0 && rtcp_remb_parse(&b, out, (size_t)n) == 0);
    require(b.sender_ssrc == a.sender_ssrc && b.count == a.count);
    // Exact unless the parse saturated a rate beyond 64 bits.
    require(a.bitrate == UINT64_MAX ? b.bitrate <= a.bitrate : b.bitrate == a.bitrate);
    for (unsigned i = 0; i < a.count; i++)
        require(rtcp_remb_ssrc(&b, i) == ssrcs[i]);
}

static void check_twcc(const uint8_t *p, size_t len)
{
    struct rtcp_twcc fb;
    if (rtcp_twcc_parse(&fb, p, len) != 0)
        return;
    require(fb.deltas + fb.deltas_len <= p + len && fb.recv_count <= fb.status_count);
    struct rtcp_twcc_iter it;
    struct rtcp_twcc_pkt pk;
    unsigned n = 0, recv = 0;
    int r;
    rtcp_twcc_iter_init(&it, &fb);
    while ((r = rtcp_twcc_next(&it, &pk)) > 0) {
        require(pk.seq == (uint16_t)(fb.base_seq + n) && pk.status <= RTCP_TWCC_LARGE_DELTA);
        recv += pk.status != RTCP_TWCC_NOT_RECEIVED;
        n++;
    }
    require(r == 0 && n == fb.status_count && recv == fb.recv_count);
    require(it.delta_off == fb.deltas_len);
}

static void check_packet(const uint8_t *p, size_t len)
{
    check_sr(p, len);
    check_rr(p, len);
    check_sdes(p, len);
    check_bye(p, len);
    check_nack(p, len);
    check_pli(p, len);
    check_fir(p, len);
    check_remb(p, len);
    check_twcc(p, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_PKT)
        return 0;
    int lenient = rtcp_compound_check(data, size, false);
    int strict = rtcp_compound_check(data, size, true);
    require(strict < 0 || strict == lenient);
    struct rtcp_iter it;
    struct rtcp_hdr h, first;
    int r, n = 0;
    // The header parser alone: inside the buffer, and the same packet the walk starts with.
    int hr = rtcp_hdr_parse(&first, data, size);
    require(hr != 0 || (first.pkt == data && first.len >= RTCP_HDR_LEN && first.len <= size &&
                        first.body + first.body_len <= first.pkt + first.len));
    rtcp_iter_init(&it, data, size);
    while ((r = rtcp_iter_next(&it, &h)) > 0) {
        require(h.pkt >= data && h.pkt + h.len <= data + size && h.len >= RTCP_HDR_LEN);
        require(h.body + h.body_len <= h.pkt + h.len);
        check_packet(h.pkt, h.len);
        require(n > 0 || (hr == 0 && h.len == first.len && h.pt == first.pt));
        n++;
    }
    require(lenient < 0 ? (r < 0 || n == 0) : (r == 0 && n == lenient));
    // The parsers also take a buffer longer than the packet they start with.
    check_packet(data, size);
    return 0;
}
