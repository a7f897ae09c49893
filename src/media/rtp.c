// SPDX-License-Identifier: MIT
// RTP fixed header, CSRC list, padding and header extensions: RFC 3550 §5.1 and §5.3.1,
// RFC 8285 (one- and two-byte elements), RFC 6464 audio level, RFC 5761 §4 demux.
#include "media/rtp.h"

#include <string.h>

#include "core/err.h"
#include "media/wire.h"

/*
 * Fixed header, then CSRCs, then the optional extension block:
 *
 *   byte 0        byte 1        bytes 2-3
 *   V V P X C C C C | M T T T T T T T | sequence number
 *   timestamp (32 bits)
 *   SSRC (32 bits)
 *   CSRC 1 .. CSRC n          n = the 4-bit CC field, 32 bits each
 *   profile (16) | words (16) only when X is set; then words * 4 bytes of elements
 *   payload ...
 *   padding ... | count       only when P is set; the last octet counts itself too
 *
 * V is 2. T is the 7-bit payload type, M the marker.
 */

int rtp_parse(struct rtp_hdr *h, const uint8_t *buf, size_t len)
{
    if (len < RTP_HDR_MIN || buf[0] >> 6 != 2)
        return VOX_EINVAL;
    memset(h, 0, sizeof *h);
    h->csrc_count = buf[0] & 0x0f;
    h->marker = buf[1] >> 7;
    h->pt = buf[1] & 0x7f;
    h->seq = wire_get16(buf + 2);
    h->ts = wire_get32(buf + 4);
    h->ssrc = wire_get32(buf + 8);
    size_t off = RTP_HDR_MIN + 4u * h->csrc_count;
    if (off > len)
        return VOX_EINVAL;
    for (unsigned i = 0; i < h->csrc_count; i++)
        h->csrc[i] = wire_get32(buf + RTP_HDR_MIN + 4 * i);
    if (buf[0] & 0x10) {
        if (len - off < 4)
            return VOX_EINVAL;
        h->has_ext = true;
        h->ext_profile = wire_get16(buf + off);
        h->ext_len = 4u * wire_get16(buf + off + 2);
        off += 4;
        if (h->ext_len > len - off)
            return VOX_EINVAL;
        h->ext = buf + off;
        off += h->ext_len;
    }
    h->header_len = off;
    size_t pad = 0;
    if (buf[0] & 0x20) {
        // The count includes itself, so 0 is impossible; it may eat the whole payload.
        pad = buf[len - 1];
        if (pad == 0 || pad > len - off)
            return VOX_EINVAL;
        h->pad_len = (uint8_t)pad;
    }
    h->payload = buf + off;
    h->payload_len = len - off - pad;
    return 0;
}

int rtp_is_rtcp(const uint8_t *buf, size_t len)
{
    return len >= 4 && buf[0] >> 6 == 2 && buf[1] >= 192 && buf[1] <= 223;
}

int rtp_ext_form(uint16_t profile)
{
    if (profile == RTP_EXT_ONE)
        return 1;
    if ((profile & 0xfff0) == RTP_EXT_TWO)
        return 2;
    return 0;
}

/*
 * One-byte elements (profile 0xBEDE):     Two-byte elements (profile 0x100 + appbits):
 *
 *   I I I I L L L L | data (L+1 bytes)      id (8) | length (8) | data (length bytes)
 *
 * ID 1-14 name an element; a 0 octet is padding in both forms; a one-byte ID 15 stops the
 * walk. Two-byte elements may be empty. The block is zero-padded to 32 bits.
 */

void rtp_ext_iter_init(struct rtp_ext_iter *it, const struct rtp_hdr *h)
{
    it->p = h->ext;
    it->len = h->has_ext ? h->ext_len : 0;
    it->off = 0;
    it->form = h->has_ext ? rtp_ext_form(h->ext_profile) : 0;
}

int rtp_ext_next(struct rtp_ext_iter *it, struct rtp_ext_elem *e)
{
    if (it->form == 0)
        return 0;
    while (it->off < it->len) {
        uint8_t b = it->p[it->off];
        if (b == 0 || (it->form == 1 && b >> 4 == 0)) {
            it->off++;
            continue;
        }
        size_t left = it->len - it->off;
        size_t hdr = it->form == 1 ? 1 : 2;
        size_t dlen;
        if (it->form == 1) {
            if (b >> 4 == 15) {
                it->off = it->len;
                return 0;
            }
            e->id = b >> 4;
            dlen = (b & 0x0f) + 1u;
        } else {
            if (left < 2)
                return VOX_EINVAL;
            e->id = b;
            dlen = it->p[it->off + 1];
        }
        if (hdr + dlen > left)
            return VOX_EINVAL;
        e->len = (uint8_t)dlen;
        e->data = it->p + it->off + hdr;
        it->off += hdr + dlen;
        return 1;
    }
    return 0;
}

int rtp_ext_find(const struct rtp_hdr *h, uint8_t id, const uint8_t **data, size_t *len)
{
    struct rtp_ext_iter it;
    struct rtp_ext_elem e;
    int r;
    rtp_ext_iter_init(&it, h);
    while ((r = rtp_ext_next(&it, &e)) > 0) {
        if (e.id == id) {
            *data = e.data;
            *len = e.len;
            return 0;
        }
    }
    return r < 0 ? r : VOX_ENOTFOUND;
}

int rtp_ext_write(uint8_t *out, size_t cap, uint16_t profile, const struct rtp_ext_elem *elems,
                  size_t n)
{
    int form = rtp_ext_form(profile);
    if (form == 0)
        return VOX_EINVAL;
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        const struct rtp_ext_elem *e = &elems[i];
        if (form == 1 && (e->id < 1 || e->id > 14 || e->len < 1 || e->len > 16))
            return VOX_EINVAL;
        if (form == 2 && e->id == 0)
            return VOX_EINVAL;
        size_t need = (size_t)form + e->len;
        if (need > cap - off)
            return VOX_EINVAL;
        if (form == 1) {
            out[off] = (uint8_t)(e->id << 4 | (e->len - 1));
        } else {
            out[off] = e->id;
            out[off + 1] = e->len;
        }
        if (e->len)
            memcpy(out + off + form, e->data, e->len);
        off += need;
    }
    while (off % 4) {
        if (off >= cap)
            return VOX_EINVAL;
        out[off++] = 0;
    }
    if (off > 4u * 0xffff)
        return VOX_EINVAL;
    return (int)off;
}

// RFC 6464 §3:  V | level (7 bits, -dBov)
int rtp_ext_audio_level(const uint8_t *data, size_t len, bool *voice, uint8_t *level)
{
    if (len != 1)
        return VOX_EINVAL;
    *voice = data[0] >> 7;
    *level = data[0] & 0x7f;
    return 0;
}

int rtp_ext_abs_send_time(const uint8_t *data, size_t len, uint32_t *ast)
{
    if (len != 3)
        return VOX_EINVAL;
    *ast = wire_get24(data);
    return 0;
}

int rtp_ext_twcc_seq(const uint8_t *data, size_t len, uint16_t *seq)
{
    if (len != 2)
        return VOX_EINVAL;
    *seq = wire_get16(data);
    return 0;
}

int rtp_ext_string(const uint8_t *data, size_t len, char *out, size_t cap)
{
    const uint8_t *nul = len ? memchr(data, 0, len) : NULL;
    size_t n = nul ? (size_t)(nul - data) : len;
    if (n == 0 || n >= cap)
        return VOX_EINVAL;
    memcpy(out, data, n);
    out[n] = '\0';
    return 0;
}

uint32_t rtp_abs_send_time_from_us(uint64_t us)
{
    // 6.18 fixed point: seconds * 2^18, keeping the low 24 bits. Split to avoid overflow.
    uint64_t sec = us / 1000000, frac = us % 1000000;
    return (uint32_t)(((sec << 18) + (frac << 18) / 1000000) & 0xffffff);
}

int rtp_set_seq(uint8_t *buf, size_t len, uint16_t seq)
{
    if (len < RTP_HDR_MIN)
        return VOX_EINVAL;
    wire_put16(buf + 2, seq);
    return 0;
}

int rtp_set_ts(uint8_t *buf, size_t len, uint32_t ts)
{
    if (len < RTP_HDR_MIN)
        return VOX_EINVAL;
    wire_put32(buf + 4, ts);
    return 0;
}

int rtp_set_ssrc(uint8_t *buf, size_t len, uint32_t ssrc)
{
    if (len < RTP_HDR_MIN)
        return VOX_EINVAL;
    wire_put32(buf + 8, ssrc);
    return 0;
}

int rtp_set_pt(uint8_t *buf, size_t len, uint8_t pt)
{
    if (len < RTP_HDR_MIN || pt > 127)
        return VOX_EINVAL;
    buf[1] = (uint8_t)((buf[1] & 0x80) | pt);
    return 0;
}

int rtp_set_marker(uint8_t *buf, size_t len, bool marker)
{
    if (len < RTP_HDR_MIN)
        return VOX_EINVAL;
    buf[1] = (uint8_t)((buf[1] & 0x7f) | (marker ? 0x80 : 0));
    return 0;
}

int rtp_ext_set(uint8_t *buf, size_t len, uint8_t id, const uint8_t *val, size_t vlen)
{
    struct rtp_hdr h;
    const uint8_t *data;
    size_t dlen;
    int r = rtp_parse(&h, buf, len);
    if (r == 0)
        r = rtp_ext_find(&h, id, &data, &dlen);
    if (r != 0)
        return r;
    if (dlen != vlen)
        return VOX_EINVAL;
    // data points into buf, which the caller lent us writable.
    memmove(buf + (data - buf), val, vlen);
    return 0;
}

int rtp_ext_set_twcc_seq(uint8_t *buf, size_t len, uint8_t id, uint16_t seq)
{
    uint8_t v[2];
    wire_put16(v, seq);
    return rtp_ext_set(buf, len, id, v, sizeof v);
}

int rtp_ext_set_abs_send_time(uint8_t *buf, size_t len, uint8_t id, uint32_t ast)
{
    uint8_t v[3];
    wire_put24(v, ast);
    return rtp_ext_set(buf, len, id, v, sizeof v);
}

int rtp_write_header(uint8_t *out, size_t cap, const struct rtp_hdr *h)
{
    if (h->csrc_count > RTP_MAX_CSRC || h->pt > 127 || h->ext_len % 4 || h->ext_len > 4u * 0xffff ||
        (h->ext_len && !h->has_ext))
        return VOX_EINVAL;
    size_t need = RTP_HDR_MIN + 4u * h->csrc_count + (h->has_ext ? 4 + h->ext_len : 0);
    if (need > cap)
        return VOX_EINVAL;
    out[0] = (uint8_t)(0x80 | (h->pad_len ? 0x20 : 0) | (h->has_ext ? 0x10 : 0) | h->csrc_count);
    out[1] = (uint8_t)((h->marker ? 0x80 : 0) | h->pt);
    wire_put16(out + 2, h->seq);
    wire_put32(out + 4, h->ts);
    wire_put32(out + 8, h->ssrc);
    size_t off = RTP_HDR_MIN;
    for (unsigned i = 0; i < h->csrc_count; i++, off += 4)
        wire_put32(out + off, h->csrc[i]);
    if (h->has_ext) {
        wire_put16(out + off, h->ext_profile);
        wire_put16(out + off + 2, (uint16_t)(h->ext_len / 4));
        if (h->ext_len)
            memmove(out + off + 4, h->ext, h->ext_len);
        off += 4 + h->ext_len;
    }
    return (int)off;
}

int rtp_write(uint8_t *out, size_t cap, const struct rtp_hdr *h)
{
    int hl = rtp_write_header(out, cap, h);
    if (hl < 0)
        return hl;
    size_t off = (size_t)hl;
    if (h->payload_len > cap - off || h->pad_len > cap - off - h->payload_len ||
        off + h->payload_len + h->pad_len > (size_t)INT32_MAX)
        return VOX_EINVAL;
    if (h->payload_len)
        memmove(out + off, h->payload, h->payload_len);
    off += h->payload_len;
    if (h->pad_len) {
        memset(out + off, 0, h->pad_len - 1u);
        out[off + h->pad_len - 1] = h->pad_len;
        off += h->pad_len;
    }
    return (int)off;
}
