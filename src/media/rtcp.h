// SPDX-License-Identifier: MIT
// RTCP common header and compound packets (RFC 3550 §6.1, reduced-size RTCP of RFC 5506).
// Packet types live in rtcp_report.h (SR, RR, SDES, BYE) and rtcp_fb.h (RFC 4585 feedback).
// Pure and allocation-free; pointers in results borrow the caller's buffer.
#ifndef VOX_MEDIA_RTCP_H
#define VOX_MEDIA_RTCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RTCP_HDR_LEN 4

enum rtcp_pt {
    RTCP_SR = 200,
    RTCP_RR = 201,
    RTCP_SDES = 202,
    RTCP_BYE = 203,
    RTCP_APP = 204,
    RTCP_RTPFB = 205, // transport-layer feedback: fmt 1 NACK, 15 transport-wide cc
    RTCP_PSFB = 206,  // payload-specific feedback: fmt 1 PLI, 4 FIR, 15 REMB
    RTCP_XR = 207,
};

// One RTCP packet inside a compound. pkt/len cover the whole packet (header and padding);
// body/body_len what follows the 4-byte header, padding excluded.
struct rtcp_hdr {
    uint8_t count; // RC, SC or FMT: the 5 low bits of the first octet
    uint8_t pt;
    bool padding;
    const uint8_t *pkt;
    size_t len;
    const uint8_t *body;
    size_t body_len;
};

// Walks the packets of a compound; see rtcp_iter_init.
struct rtcp_iter {
    const uint8_t *buf;
    size_t len;
    size_t off;
};

// Parses the header of the packet starting at buf (version 2, its length inside len, a
// padding count inside its body); 0 or VOX_EINVAL. Bytes after the packet are not looked at.
int rtcp_hdr_parse(struct rtcp_hdr *h, const uint8_t *buf, size_t len);
// Starts a walk over the compound packet buf[0..len); buf must outlive the walk.
void rtcp_iter_init(struct rtcp_iter *it, const uint8_t *buf, size_t len);
// Yields the next packet: 1 and *h filled, 0 at the end, VOX_EINVAL when the rest does not
// hold a valid packet (the walk then stays at the bad packet).
int rtcp_iter_next(struct rtcp_iter *it, struct rtcp_hdr *h);
// Checks a whole compound: every packet valid and the lengths adding up to len. strict adds
// RFC 3550 A.2's rules (first packet SR or RR, padding only on the last); browsers send
// reduced-size RTCP, so receivers pass false. Returns the packet count or VOX_EINVAL.
int rtcp_compound_check(const uint8_t *buf, size_t len, bool strict);

// Writes a common header for a packet of len bytes (a multiple of 4, at least 4) into out,
// which must hold 4 bytes; count is the 5-bit RC/SC/FMT. Used by the packet writers.
void rtcp_hdr_write(uint8_t *out, uint8_t count, uint8_t pt, size_t len);
// The middle 32 bits of a 64-bit NTP timestamp, as carried in LSR (RFC 3550 §6.4.1).
uint32_t rtcp_ntp_mid(uint64_t ntp);

#endif
