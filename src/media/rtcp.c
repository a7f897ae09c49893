// SPDX-License-Identifier: MIT
// RTCP common header and compound iteration (RFC 3550 §6.1 and Appendix A.2), lenient
// enough for reduced-size RTCP (RFC 5506), never reading past a packet's own length.
#include "media/rtcp.h"

#include "core/err.h"
#include "media/wire.h"

/*
 * Every RTCP packet starts with the same word:
 *
 *   V V P C C C C C | packet type (8) | length (16)
 *
 * V is 2; C is the 5-bit report/source count or, in feedback packets, the FMT. length is
 * the packet's size in 32-bit words minus one, header included, so the smallest packet is
 * the header alone. With P set the last octet of the packet counts the padding octets,
 * itself included. A compound is such packets back to back in one UDP datagram.
 */

int rtcp_hdr_parse(struct rtcp_hdr *h, const uint8_t *buf, size_t len)
{
    if (len < RTCP_HDR_LEN || buf[0] >> 6 != 2)
        return VOX_EINVAL;
    size_t plen = 4u * ((size_t)wire_get16(buf + 2) + 1);
    if (plen > len)
        return VOX_EINVAL;
    h->count = buf[0] & 0x1f;
    h->pt = buf[1];
    h->padding = buf[0] & 0x20;
    h->pkt = buf;
    h->len = plen;
    h->body = buf + RTCP_HDR_LEN;
    h->body_len = plen - RTCP_HDR_LEN;
    if (h->padding) {
        uint8_t pad = buf[plen - 1];
        if (pad == 0 || pad > h->body_len)
            return VOX_EINVAL;
        h->body_len -= pad;
    }
    return 0;
}

void rtcp_iter_init(struct rtcp_iter *it, const uint8_t *buf, size_t len)
{
    it->buf = buf;
    it->len = len;
    it->off = 0;
}

int rtcp_iter_next(struct rtcp_iter *it, struct rtcp_hdr *h)
{
    if (it->off >= it->len)
        return 0;
    int r = rtcp_hdr_parse(h, it->buf + it->off, it->len - it->off);
    if (r < 0)
        return r;
    it->off += h->len;
    return 1;
}

int rtcp_compound_check(const uint8_t *buf, size_t len, bool strict)
{
    struct rtcp_iter it;
    struct rtcp_hdr h;
    int n = 0, r;
    bool padded = false;
    rtcp_iter_init(&it, buf, len);
    while ((r = rtcp_iter_next(&it, &h)) > 0) {
        if (strict && ((n == 0 && h.pt != RTCP_SR && h.pt != RTCP_RR) || padded))
            return VOX_EINVAL;
        padded = h.padding;
        n++;
    }
    if (r < 0 || n == 0)
        return VOX_EINVAL;
    return n;
}

void rtcp_hdr_write(uint8_t *out, uint8_t count, uint8_t pt, size_t len)
{
    out[0] = (uint8_t)(0x80 | (count & 0x1f));
    out[1] = pt;
    wire_put16(out + 2, (uint16_t)(len / 4 - 1));
}

uint32_t rtcp_ntp_mid(uint64_t ntp)
{
    return (uint32_t)(ntp >> 16);
}
