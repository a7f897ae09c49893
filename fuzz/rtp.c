// SPDX-License-Identifier: MIT
// Fuzzes RTP parsing and header extensions. A packet that parses must write back to the same
// bytes (padding content aside) and re-parse to the same fields; its extension elements must
// survive rtp_ext_write; every in-place rewrite must change exactly what it names.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "media/rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PKT   4096
#define MAX_ELEMS MAX_PKT // two octets per element at the least

static void require(int cond)
{
    if (!cond)
        abort();
}

static void same_header(const struct rtp_hdr *a, const struct rtp_hdr *b)
{
    require(a->marker == b->marker && a->pt == b->pt && a->seq == b->seq && a->ts == b->ts &&
            a->ssrc == b->ssrc && a->csrc_count == b->csrc_count && a->pad_len == b->pad_len &&
            a->header_len == b->header_len && a->payload_len == b->payload_len &&
            a->has_ext == b->has_ext && a->ext_profile == b->ext_profile &&
            a->ext_len == b->ext_len);
    require(memcmp(a->csrc, b->csrc, sizeof a->csrc[0] * a->csrc_count) == 0);
    require(a->ext_len == 0 || memcmp(a->ext, b->ext, a->ext_len) == 0);
    require(a->payload_len == 0 || memcmp(a->payload, b->payload, a->payload_len) == 0);
}

// Collects the elements; returns the walk's end code (0 clean, <0 malformed).
static int collect(const struct rtp_hdr *h, struct rtp_ext_elem *out, size_t *n)
{
    struct rtp_ext_iter it;
    struct rtp_ext_elem e;
    int r;
    *n = 0;
    rtp_ext_iter_init(&it, h);
    while ((r = rtp_ext_next(&it, &e)) > 0) {
        require(*n < MAX_ELEMS && e.data >= h->ext && e.data + e.len <= h->ext + h->ext_len);
        out[(*n)++] = e;
    }
    return r;
}

static void decode_all(const struct rtp_ext_elem *e)
{
    bool voice;
    uint8_t level;
    uint32_t ast;
    uint16_t tw;
    char s[RTP_EXT_STRMAX + 1];
    if (rtp_ext_audio_level(e->data, e->len, &voice, &level) == 0)
        require(level <= 127);
    if (rtp_ext_abs_send_time(e->data, e->len, &ast) == 0)
        require(ast <= 0xffffff);
    (void)rtp_ext_twcc_seq(e->data, e->len, &tw);
    if (rtp_ext_string(e->data, e->len, s, sizeof s) == 0)
        require(strlen(s) >= 1 && strlen(s) <= e->len);
}

static void check_extensions(const struct rtp_hdr *h)
{
    static struct rtp_ext_elem elems[MAX_ELEMS], again[MAX_ELEMS];
    size_t n, m;
    int r = collect(h, elems, &n);
    for (size_t i = 0; i < n; i++) {
        decode_all(&elems[i]);
        if (i >= 64)
            continue; // each find walks the block: keep the check linear in practice
        // find returns the first element with the id.
        const uint8_t *d;
        size_t len;
        require(rtp_ext_find(h, elems[i].id, &d, &len) == 0);
        size_t first = 0;
        while (elems[first].id != elems[i].id)
            first++;
        require(d == elems[first].data && len == elems[first].len);
    }
    if (r < 0 || !h->has_ext || rtp_ext_form(h->ext_profile) == 0)
        return;
    // Rebuild the block from the elements and walk it again.
    static uint8_t block[MAX_PKT];
    int bl = rtp_ext_write(block, sizeof block, h->ext_profile, elems, n);
    require(bl >= 0 && (size_t)bl <= h->ext_len);
    struct rtp_hdr b = *h;
    b.ext = block;
    b.ext_len = (size_t)bl;
    require(collect(&b, again, &m) == 0 && m == n);
    for (size_t i = 0; i < n; i++)
        require(again[i].id == elems[i].id && again[i].len == elems[i].len &&
                memcmp(again[i].data, elems[i].data, elems[i].len) == 0);
}

static void check_write(const struct rtp_hdr *h, const uint8_t *data, size_t size)
{
    static uint8_t out[MAX_PKT];
    require(rtp_write_header(out, sizeof out, h) == (int)h->header_len);
    require(memcmp(out, data, h->header_len) == 0);
    require(rtp_write(out, size, h) == (int)size);
    require(rtp_write(out, size - 1, h) == VOX_EINVAL);
    require(memcmp(out, data, size - h->pad_len) == 0 &&
            (!h->pad_len || out[size - 1] == data[size - 1]));
    struct rtp_hdr back;
    require(rtp_parse(&back, out, size) == 0);
    same_header(h, &back);
}

static void check_rewrites(const struct rtp_hdr *h, const uint8_t *data, size_t size)
{
    static uint8_t buf[MAX_PKT];
    memcpy(buf, data, size);
    uint16_t seq = (uint16_t)~h->seq;
    require(rtp_set_seq(buf, size, seq) == 0);
    require(rtp_set_ts(buf, size, ~h->ts) == 0);
    require(rtp_set_ssrc(buf, size, h->ssrc ^ 0x5a5a5a5a) == 0);
    require(rtp_set_pt(buf, size, (uint8_t)((h->pt + 1) & 0x7f)) == 0);
    require(rtp_set_marker(buf, size, !h->marker) == 0);
    struct rtp_hdr b;
    require(rtp_parse(&b, buf, size) == 0);
    require(b.seq == seq && b.ts == ~h->ts && b.ssrc == (h->ssrc ^ 0x5a5a5a5a) &&
            b.pt == ((h->pt + 1) & 0x7f) && b.marker == !h->marker);
    require(memcmp(buf + RTP_HDR_MIN, data + RTP_HDR_MIN, size - RTP_HDR_MIN) == 0);

    // Rewrite the first element of each id with inverted bytes; the rest of the packet stays.
    static struct rtp_ext_elem elems[MAX_ELEMS];
    size_t n;
    memcpy(buf, data, size);
    (void)collect(h, elems, &n);
    for (size_t i = 0; i < n && i < 64; i++) {
        const uint8_t *d;
        size_t len;
        if (rtp_ext_find(h, elems[i].id, &d, &len) != 0 || d != elems[i].data)
            continue; // a later duplicate of the id
        uint8_t v[RTP_EXT_STRMAX];
        for (size_t k = 0; k < len; k++)
            v[k] = (uint8_t)~d[k];
        require(rtp_ext_set(buf, size, elems[i].id, v, len) == 0);
        require(len == 0 || memcmp(buf + (d - data), v, len) == 0);
        require(rtp_ext_set(buf, size, elems[i].id, v, len + 1) == VOX_EINVAL);
    }
    require(memcmp(buf, data, h->header_len - h->ext_len) == 0);
    require(memcmp(buf + h->header_len, data + h->header_len, size - h->header_len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)rtp_is_rtcp(data, size);
    struct rtp_hdr h;
    if (size > MAX_PKT || rtp_parse(&h, data, size) != 0)
        return 0;
    require(h.header_len + h.payload_len + h.pad_len == size);
    require(h.payload == data + h.header_len);
    check_extensions(&h);
    check_write(&h, data, size);
    check_rewrites(&h, data, size);
    return 0;
}
