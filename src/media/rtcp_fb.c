// SPDX-License-Identifier: MIT
// RTCP feedback messages: RFC 4585 §6.1-6.3 (common format, generic NACK, PLI), RFC 5104
// §4.3.1 (FIR), draft-alvestrand-rmcat-remb (REMB), draft-holmer-rmcat-transport-wide-cc.
#include "media/rtcp_fb.h"

#include <string.h>

#include "core/err.h"
#include "media/wire.h"

/*
 * Every feedback message shares this start (PT 205 RTPFB or 206 PSFB):
 *
 *   V P FMT | PT | length
 *   SSRC of packet sender                    32
 *   SSRC of media source                     32
 *   feedback control information (FCI)       by FMT, below
 */

// Parses the header of pkt, requires pt/fmt and at least min FCI bytes, and reads the SSRCs.
static int fb_expect(struct rtcp_hdr *h, const uint8_t *pkt, size_t len, uint8_t pt, uint8_t fmt,
                     size_t min, uint32_t *sender, uint32_t *media)
{
    int r = rtcp_hdr_parse(h, pkt, len);
    if (r < 0)
        return r;
    if (h->pt != pt || h->count != fmt || h->body_len < 8 + min)
        return VOX_EINVAL;
    *sender = wire_get32(h->body);
    *media = wire_get32(h->body + 4);
    return 0;
}

static void fb_hdr_write(uint8_t *out, uint8_t pt, uint8_t fmt, size_t len, uint32_t sender,
                         uint32_t media)
{
    rtcp_hdr_write(out, fmt, pt, len);
    wire_put32(out + 4, sender);
    wire_put32(out + 8, media);
}

/*
 * Generic NACK FCI, one or more of:
 *
 *   PID (16) | BLP (16)
 *
 * PID is a lost sequence number; bit i (LSB = 0) of BLP set means PID + i + 1 is lost too.
 */

int rtcp_nack_parse(struct rtcp_nack *nack, const uint8_t *pkt, size_t len)
{
    struct rtcp_hdr h;
    int r = fb_expect(&h, pkt, len, RTCP_RTPFB, RTCP_FMT_NACK, 4, &nack->sender_ssrc,
                      &nack->media_ssrc);
    if (r < 0)
        return r;
    nack->fci = h.body + 8;
    nack->pairs = (h.body_len - 8) / 4;
    return 0;
}

size_t rtcp_nack_lost(const struct rtcp_nack *nack, uint16_t *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < nack->pairs; i++) {
        uint16_t pid = wire_get16(nack->fci + 4 * i);
        uint16_t blp = wire_get16(nack->fci + 4 * i + 2);
        if (n < cap)
            out[n] = pid;
        n++;
        for (unsigned b = 0; b < 16; b++) {
            if (!(blp >> b & 1))
                continue;
            if (n < cap)
                out[n] = (uint16_t)(pid + b + 1);
            n++;
        }
    }
    return n;
}

int rtcp_nack_write(uint8_t *out, size_t cap, uint32_t sender_ssrc, uint32_t media_ssrc,
                    const uint16_t *seqs, size_t n)
{
    if (n == 0 || cap < RTCP_FB_HDR_LEN)
        return VOX_EINVAL;
    size_t off = RTCP_FB_HDR_LEN;
    uint16_t pid = seqs[0], blp = 0;
    for (size_t i = 1; i <= n; i++) {
        if (i < n) {
            uint16_t d = (uint16_t)(seqs[i] - pid);
            if (d <= 16) {
                blp |= d ? (uint16_t)(1u << (d - 1)) : 0;
                continue;
            }
        }
        if (cap - off < 4 || off + 4 > 4u * 0x10000)
            return VOX_EINVAL;
        wire_put16(out + off, pid);
        wire_put16(out + off + 2, blp);
        off += 4;
        if (i < n) {
            pid = seqs[i];
            blp = 0;
        }
    }
    fb_hdr_write(out, RTCP_RTPFB, RTCP_FMT_NACK, off, sender_ssrc, media_ssrc);
    return (int)off;
}

// PLI: no FCI.

int rtcp_pli_parse(struct rtcp_pli *pli, const uint8_t *pkt, size_t len)
{
    struct rtcp_hdr h;
    return fb_expect(&h, pkt, len, RTCP_PSFB, RTCP_FMT_PLI, 0, &pli->sender_ssrc, &pli->media_ssrc);
}

int rtcp_pli_write(uint8_t *out, size_t cap, const struct rtcp_pli *pli)
{
    if (cap < RTCP_FB_HDR_LEN)
        return VOX_EINVAL;
    fb_hdr_write(out, RTCP_PSFB, RTCP_FMT_PLI, RTCP_FB_HDR_LEN, pli->sender_ssrc, pli->media_ssrc);
    return RTCP_FB_HDR_LEN;
}

/*
 * FIR FCI, one or more of:
 *
 *   SSRC of the encoder asked for a keyframe     32
 *   command seq nr (8) | reserved (24)
 */

int rtcp_fir_parse(struct rtcp_fir *fir, const uint8_t *pkt, size_t len)
{
    struct rtcp_hdr h;
    int r =
        fb_expect(&h, pkt, len, RTCP_PSFB, RTCP_FMT_FIR, 8, &fir->sender_ssrc, &fir->media_ssrc);
    if (r < 0)
        return r;
    fir->fci = h.body + 8;
    fir->count = (h.body_len - 8) / 8;
    return 0;
}

struct rtcp_fir_entry rtcp_fir_entry(const struct rtcp_fir *fir, size_t i)
{
    struct rtcp_fir_entry e = {wire_get32(fir->fci + 8 * i), fir->fci[8 * i + 4]};
    return e;
}

int rtcp_fir_write(uint8_t *out, size_t cap, uint32_t sender_ssrc,
                   const struct rtcp_fir_entry *entries, size_t n)
{
    if (n == 0 || n > 0x7ffe || cap < RTCP_FB_HDR_LEN || n > (cap - RTCP_FB_HDR_LEN) / 8)
        return VOX_EINVAL;
    size_t len = RTCP_FB_HDR_LEN + 8 * n;
    fb_hdr_write(out, RTCP_PSFB, RTCP_FMT_FIR, len, sender_ssrc, 0);
    for (size_t i = 0; i < n; i++) {
        uint8_t *p = out + RTCP_FB_HDR_LEN + 8 * i;
        wire_put32(p, entries[i].ssrc);
        p[4] = entries[i].seq;
        p[5] = p[6] = p[7] = 0;
    }
    return (int)len;
}

/*
 * REMB, an application layer feedback (FMT 15) with the media SSRC 0:
 *
 *   'R' 'E' 'M' 'B'
 *   num SSRC (8) | BR exp (6) | BR mantissa (18)
 *   SSRC feedback 1 .. num SSRC              32 each
 */

int rtcp_remb_parse(struct rtcp_remb *remb, const uint8_t *pkt, size_t len)
{
    struct rtcp_hdr h;
    uint32_t media;
    int r = fb_expect(&h, pkt, len, RTCP_PSFB, RTCP_FMT_AFB, 8, &remb->sender_ssrc, &media);
    if (r < 0)
        return r;
    const uint8_t *f = h.body + 8;
    if (memcmp(f, "REMB", 4) != 0)
        return VOX_EINVAL;
    remb->count = f[4];
    if (h.body_len - 16 < 4u * remb->count)
        return VOX_EINVAL;
    remb->exp = f[5] >> 2;
    remb->mantissa = wire_get24(f + 5) & 0x3ffff;
    if (remb->exp && (uint64_t)remb->mantissa >> (64 - remb->exp))
        remb->bitrate = UINT64_MAX;
    else
        remb->bitrate = (uint64_t)remb->mantissa << remb->exp;
    remb->ssrcs = f + 8;
    return 0;
}

uint32_t rtcp_remb_ssrc(const struct rtcp_remb *remb, size_t i)
{
    return wire_get32(remb->ssrcs + 4 * i);
}

int rtcp_remb_write(uint8_t *out, size_t cap, uint32_t sender_ssrc, uint64_t bitrate,
                    const uint32_t *ssrcs, size_t n)
{
    size_t len = RTCP_FB_HDR_LEN + 8 + 4 * n;
    if (n > 255 || len > cap)
        return VOX_EINVAL;
    unsigned exp = 0;
    while (bitrate >> exp > 0x3ffff)
        exp++;
    fb_hdr_write(out, RTCP_PSFB, RTCP_FMT_AFB, len, sender_ssrc, 0);
    uint8_t *f = out + RTCP_FB_HDR_LEN;
    memcpy(f, "REMB", 4);
    f[4] = (uint8_t)n;
    wire_put24(f + 5, (uint32_t)(exp << 18 | (bitrate >> exp)));
    for (size_t i = 0; i < n; i++)
        wire_put32(f + 8 + 4 * i, ssrcs[i]);
    return (int)len;
}

/*
 * Transport-wide cc feedback (RTPFB FMT 15), after the SSRCs:
 *
 *   base sequence number (16) | packet status count (16)
 *   reference time (24, signed, x 64 ms) | feedback packet count (8)
 *   packet chunks, 16 bits each, until they cover status count packets
 *   receive deltas, one per received packet: 8 bits (small) or 16 signed (large), x 250 us
 *   zero padding to 32 bits
 *
 * A chunk is a run length or a status vector:
 *
 *   0 | S S | run length (13)                every packet of the run has status S
 *   1 | 0 | 14 one-bit statuses              0 not received, 1 small delta
 *   1 | 1 | 7 two-bit statuses               0 not received, 1 small, 2 large, 3 reserved
 */

static unsigned chunk_symbols(uint16_t c)
{
    if (!(c & 0x8000))
        return c & 0x1fff;
    return c & 0x4000 ? 7 : 14;
}

static unsigned chunk_symbol(uint16_t c, unsigned i)
{
    if (!(c & 0x8000))
        return c >> 13 & 3;
    if (c & 0x4000)
        return c >> (12 - 2 * i) & 3;
    return c >> (13 - i) & 1;
}

int rtcp_twcc_parse(struct rtcp_twcc *fb, const uint8_t *pkt, size_t len)
{
    struct rtcp_hdr h;
    int r =
        fb_expect(&h, pkt, len, RTCP_RTPFB, RTCP_FMT_TWCC, 8, &fb->sender_ssrc, &fb->media_ssrc);
    if (r < 0)
        return r;
    const uint8_t *f = h.body + 8;
    size_t flen = h.body_len - 16;
    fb->base_seq = wire_get16(f);
    fb->status_count = wire_get16(f + 2);
    fb->ref_time = (int32_t)(wire_get24(f + 4) ^ 0x800000) - 0x800000;
    fb->fb_count = f[7];
    fb->chunks = f + 8;
    size_t off = 0, need = 0;
    unsigned left = fb->status_count, recv = 0;
    while (left) {
        if (flen - off < 2)
            return VOX_EINVAL;
        uint16_t c = wire_get16(fb->chunks + off);
        off += 2;
        unsigned n = chunk_symbols(c);
        n = n < left ? n : left;
        if (!(c & 0x8000)) {
            // A run: one status for all n packets.
            unsigned s = chunk_symbol(c, 0);
            if (s == 3)
                return VOX_EINVAL;
            need += (size_t)s * n; // 1 byte per small delta, 2 per large one
            recv += s ? n : 0;
        }
        for (unsigned i = 0; (c & 0x8000) && i < n; i++) {
            unsigned s = chunk_symbol(c, i);
            if (s == 3)
                return VOX_EINVAL;
            need += s;
            recv += s != 0;
        }
        left -= n;
    }
    if (need > flen - off)
        return VOX_EINVAL;
    fb->chunks_len = off;
    fb->deltas = fb->chunks + off;
    fb->deltas_len = need;
    fb->recv_count = (uint16_t)recv;
    return 0;
}

void rtcp_twcc_iter_init(struct rtcp_twcc_iter *it, const struct rtcp_twcc *fb)
{
    memset(it, 0, sizeof *it);
    it->fb = fb;
}

int rtcp_twcc_next(struct rtcp_twcc_iter *it, struct rtcp_twcc_pkt *p)
{
    const struct rtcp_twcc *fb = it->fb;
    if (it->done >= fb->status_count)
        return 0;
    uint16_t c;
    for (;;) {
        if (it->chunk_off + 2 > fb->chunks_len)
            return VOX_EINVAL;
        c = wire_get16(fb->chunks + it->chunk_off);
        if (it->pos < chunk_symbols(c))
            break;
        it->chunk_off += 2;
        it->pos = 0;
    }
    unsigned s = chunk_symbol(c, it->pos++);
    size_t dlen = s; // bytes of delta this status carries
    if (s == 3 || dlen > fb->deltas_len - it->delta_off)
        return VOX_EINVAL;
    p->delta = 0;
    if (s == RTCP_TWCC_SMALL_DELTA)
        p->delta = fb->deltas[it->delta_off];
    else if (s == RTCP_TWCC_LARGE_DELTA)
        p->delta = (int16_t)wire_get16(fb->deltas + it->delta_off);
    it->delta_off += dlen;
    p->status = (uint8_t)s;
    p->seq = (uint16_t)(fb->base_seq + it->done);
    it->done++;
    return 1;
}
