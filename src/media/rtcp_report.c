// SPDX-License-Identifier: MIT
// RTCP SR and RR (RFC 3550 §6.4), SDES CNAME (§6.5) and BYE (§6.6).
#include "media/rtcp_report.h"

#include <string.h>

#include "core/err.h"
#include "media/wire.h"

/*
 * Sender report (PT 200, count = report blocks); a receiver report (PT 201) is the same
 * without the sender info:
 *
 *   header                                   V P RC | 200 | length
 *   sender SSRC                              32
 *   NTP timestamp, seconds | fraction        32 | 32          sender info,
 *   RTP timestamp                            32               SR only
 *   sender's packet count | octet count      32 | 32
 *   report block 1 .. RC                     24 bytes each, below
 *   profile-specific extensions              optional, ignored
 *
 * A report block:
 *
 *   SSRC of the source                       32
 *   fraction lost (8) | cumulative lost (24, signed)
 *   extended highest sequence number         32
 *   interarrival jitter                      32
 *   last SR (LSR) | delay since last SR (DLSR)   32 | 32
 */

static void rb_read(struct rtcp_rb *rb, const uint8_t *p)
{
    rb->ssrc = wire_get32(p);
    rb->fraction_lost = p[4];
    uint32_t lost = wire_get24(p + 5);
    rb->cumulative_lost = (int32_t)(lost ^ 0x800000) - 0x800000;
    rb->highest_seq = wire_get32(p + 8);
    rb->jitter = wire_get32(p + 12);
    rb->lsr = wire_get32(p + 16);
    rb->dlsr = wire_get32(p + 20);
}

static void rb_write(uint8_t *p, const struct rtcp_rb *rb)
{
    int32_t lost = rb->cumulative_lost;
    if (lost > RTCP_LOST_MAX)
        lost = RTCP_LOST_MAX;
    if (lost < RTCP_LOST_MIN)
        lost = RTCP_LOST_MIN;
    wire_put32(p, rb->ssrc);
    p[4] = rb->fraction_lost;
    wire_put24(p + 5, (uint32_t)lost & 0xffffff);
    wire_put32(p + 8, rb->highest_seq);
    wire_put32(p + 12, rb->jitter);
    wire_put32(p + 16, rb->lsr);
    wire_put32(p + 20, rb->dlsr);
}

// Parses the header of pkt and requires type pt and a body of at least min bytes plus
// per_count bytes for each of the header's count.
static int hdr_expect(struct rtcp_hdr *h, const uint8_t *pkt, size_t len, uint8_t pt, size_t min,
                      size_t per_count)
{
    int r = rtcp_hdr_parse(h, pkt, len);
    if (r < 0)
        return r;
    if (h->pt != pt || h->body_len < min + per_count * h->count)
        return VOX_EINVAL;
    return 0;
}

int rtcp_sr_parse(struct rtcp_sr *sr, const uint8_t *pkt, size_t len)
{
    struct rtcp_hdr h;
    int r = hdr_expect(&h, pkt, len, RTCP_SR, 24, RTCP_RB_LEN);
    if (r < 0)
        return r;
    const uint8_t *b = h.body;
    sr->ssrc = wire_get32(b);
    sr->ntp = (uint64_t)wire_get32(b + 4) << 32 | wire_get32(b + 8);
    sr->rtp_ts = wire_get32(b + 12);
    sr->packet_count = wire_get32(b + 16);
    sr->octet_count = wire_get32(b + 20);
    sr->rb_count = h.count;
    for (unsigned i = 0; i < h.count; i++)
        rb_read(&sr->rb[i], b + 24 + RTCP_RB_LEN * i);
    return 0;
}

int rtcp_rr_parse(struct rtcp_rr *rr, const uint8_t *pkt, size_t len)
{
    struct rtcp_hdr h;
    int r = hdr_expect(&h, pkt, len, RTCP_RR, 4, RTCP_RB_LEN);
    if (r < 0)
        return r;
    rr->ssrc = wire_get32(h.body);
    rr->rb_count = h.count;
    for (unsigned i = 0; i < h.count; i++)
        rb_read(&rr->rb[i], h.body + 4 + RTCP_RB_LEN * i);
    return 0;
}

int rtcp_sr_write(uint8_t *out, size_t cap, const struct rtcp_sr *sr)
{
    if (sr->rb_count > RTCP_MAX_RB)
        return VOX_EINVAL;
    size_t len = RTCP_HDR_LEN + 24 + (size_t)RTCP_RB_LEN * sr->rb_count;
    if (len > cap)
        return VOX_EINVAL;
    rtcp_hdr_write(out, sr->rb_count, RTCP_SR, len);
    uint8_t *b = out + RTCP_HDR_LEN;
    wire_put32(b, sr->ssrc);
    wire_put32(b + 4, (uint32_t)(sr->ntp >> 32));
    wire_put32(b + 8, (uint32_t)sr->ntp);
    wire_put32(b + 12, sr->rtp_ts);
    wire_put32(b + 16, sr->packet_count);
    wire_put32(b + 20, sr->octet_count);
    for (unsigned i = 0; i < sr->rb_count; i++)
        rb_write(b + 24 + RTCP_RB_LEN * i, &sr->rb[i]);
    return (int)len;
}

int rtcp_rr_write(uint8_t *out, size_t cap, const struct rtcp_rr *rr)
{
    if (rr->rb_count > RTCP_MAX_RB)
        return VOX_EINVAL;
    size_t len = RTCP_HDR_LEN + 4 + (size_t)RTCP_RB_LEN * rr->rb_count;
    if (len > cap)
        return VOX_EINVAL;
    rtcp_hdr_write(out, rr->rb_count, RTCP_RR, len);
    wire_put32(out + RTCP_HDR_LEN, rr->ssrc);
    for (unsigned i = 0; i < rr->rb_count; i++)
        rb_write(out + RTCP_HDR_LEN + 4 + RTCP_RB_LEN * i, &rr->rb[i]);
    return (int)len;
}

/*
 * SDES (PT 202, count = chunks). Each chunk starts on a 32-bit boundary:
 *
 *   SSRC/CSRC                                32
 *   type (8) | length (8) | text (length)    repeated items; CNAME is type 1
 *   0 | 0 ...                                a null type ends the list, then zeros up to
 *                                            the next 32-bit boundary (at least one octet)
 */

// Reads one chunk at body[*off]; leaves *off at the next chunk's start.
static int sdes_chunk(struct rtcp_sdes_chunk *c, const uint8_t *body, size_t blen, size_t *off)
{
    size_t o = *off;
    if (blen - o < 4)
        return VOX_EINVAL;
    c->ssrc = wire_get32(body + o);
    c->cname = NULL;
    c->cname_len = 0;
    o += 4;
    for (;;) {
        if (o >= blen)
            return VOX_EINVAL; // no terminating null item
        uint8_t type = body[o];
        if (type == 0)
            break;
        if (blen - o < 2 || (size_t)body[o + 1] > blen - o - 2)
            return VOX_EINVAL;
        if (type == RTCP_SDES_CNAME && !c->cname) {
            c->cname = body + o + 2;
            c->cname_len = body[o + 1];
        }
        o += 2u + body[o + 1];
    }
    // Skip the null octet and pad to the boundary; the padding must lie in the body.
    o = (o + 4) & ~(size_t)3;
    if (o > blen)
        return VOX_EINVAL;
    *off = o;
    return 0;
}

int rtcp_sdes_parse(struct rtcp_sdes *sdes, const uint8_t *pkt, size_t len)
{
    struct rtcp_hdr h;
    int r = hdr_expect(&h, pkt, len, RTCP_SDES, 0, 0);
    if (r < 0)
        return r;
    sdes->count = h.count;
    size_t off = 0;
    for (unsigned i = 0; i < h.count; i++)
        if ((r = sdes_chunk(&sdes->chunk[i], h.body, h.body_len, &off)) < 0)
            return r;
    return 0;
}

int rtcp_sdes_write(uint8_t *out, size_t cap, const struct rtcp_sdes *sdes)
{
    if (sdes->count > RTCP_MAX_CHUNKS || cap < RTCP_HDR_LEN)
        return VOX_EINVAL;
    size_t off = RTCP_HDR_LEN;
    for (unsigned i = 0; i < sdes->count; i++) {
        const struct rtcp_sdes_chunk *c = &sdes->chunk[i];
        size_t items = c->cname ? 2u + c->cname_len : 0;
        size_t clen = (4 + items + 4) & ~(size_t)3; // room for the null item and padding
        if (clen > cap - off)
            return VOX_EINVAL;
        memset(out + off, 0, clen);
        wire_put32(out + off, c->ssrc);
        if (c->cname) {
            out[off + 4] = RTCP_SDES_CNAME;
            out[off + 5] = c->cname_len;
            memcpy(out + off + 6, c->cname, c->cname_len);
        }
        off += clen;
    }
    if (off > 4u * 0x10000)
        return VOX_EINVAL;
    rtcp_hdr_write(out, sdes->count, RTCP_SDES, off);
    return (int)off;
}

/*
 * BYE (PT 203, count = sources):
 *
 *   SSRC/CSRC 1 .. SC                        32 each
 *   length (8) | reason for leaving          optional, zero-padded to 32 bits
 */

int rtcp_bye_parse(struct rtcp_bye *bye, const uint8_t *pkt, size_t len)
{
    struct rtcp_hdr h;
    int r = hdr_expect(&h, pkt, len, RTCP_BYE, 0, 4);
    if (r < 0)
        return r;
    bye->count = h.count;
    for (unsigned i = 0; i < h.count; i++)
        bye->ssrc[i] = wire_get32(h.body + 4 * i);
    bye->reason = NULL;
    bye->reason_len = 0;
    size_t off = 4u * h.count;
    if (off < h.body_len) {
        uint8_t n = h.body[off];
        if (n > h.body_len - off - 1)
            return VOX_EINVAL;
        bye->reason = h.body + off + 1;
        bye->reason_len = n;
    }
    return 0;
}

int rtcp_bye_write(uint8_t *out, size_t cap, const struct rtcp_bye *bye)
{
    if (bye->count > RTCP_MAX_CHUNKS)
        return VOX_EINVAL;
    size_t off = RTCP_HDR_LEN + 4u * bye->count;
    size_t len = off + (bye->reason ? (1u + bye->reason_len + 3) & ~(size_t)3 : 0);
    if (len > cap)
        return VOX_EINVAL;
    rtcp_hdr_write(out, bye->count, RTCP_BYE, len);
    for (unsigned i = 0; i < bye->count; i++)
        wire_put32(out + RTCP_HDR_LEN + 4 * i, bye->ssrc[i]);
    if (bye->reason) {
        memset(out + off, 0, len - off);
        out[off] = bye->reason_len;
        memcpy(out + off + 1, bye->reason, bye->reason_len);
    }
    return (int)len;
}
