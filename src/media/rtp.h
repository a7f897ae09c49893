// SPDX-License-Identifier: MIT
// RTP packets (RFC 3550 §5.1) and their header extensions (RFC 8285): parsing, in-place
// rewriting for forwarding, writing for server-originated packets, rtcp-mux demux (RFC 5761).
// Every function is pure and allocation-free; pointers in results borrow the caller's buffer.
#ifndef VOX_MEDIA_RTP_H
#define VOX_MEDIA_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RTP_HDR_MIN    12
#define RTP_MAX_CSRC   15
#define RTP_EXT_ONE    0xBEDEu // one-byte extension profile
#define RTP_EXT_TWO    0x1000u // two-byte extension profile: 0x100 in the top 12 bits + appbits
#define RTP_EXT_STRMAX 255     // longest mid/rid value (two-byte form)

// A parsed RTP header. payload and ext point into the buffer given to rtp_parse and live as
// long as it does; an in-place rewrite of that buffer leaves the struct stale.
struct rtp_hdr {
    bool marker;
    uint8_t pt;
    uint16_t seq;
    uint32_t ts;
    uint32_t ssrc;
    uint8_t csrc_count;
    uint32_t csrc[RTP_MAX_CSRC];
    uint8_t pad_len;   // 0 when the P bit is clear, else padding octets including the count
    size_t header_len; // fixed header + CSRCs + extension block
    const uint8_t *payload;
    size_t payload_len; // padding excluded
    bool has_ext;
    uint16_t ext_profile;
    const uint8_t *ext; // extension data after the profile/length word
    size_t ext_len;     // bytes, a multiple of 4
};

// One header extension element; data borrows the packet (or the writer's input).
struct rtp_ext_elem {
    uint8_t id;
    uint8_t len;
    const uint8_t *data;
};

// Walks the elements of one extension block; see rtp_ext_iter_init.
struct rtp_ext_iter {
    const uint8_t *p;
    size_t len;
    size_t off;
    int form; // 1 one-byte, 2 two-byte, 0 a profile we do not read
};

// Parses one RTP packet from buf (version 2, CSRCs, extension block, padding); 0 or
// VOX_EINVAL. The packet must fill len exactly (padding is counted from its last octet).
int rtp_parse(struct rtp_hdr *h, const uint8_t *buf, size_t len);
// True when the packet is RTCP on an rtcp-mux port: version 2 and a second octet of 192-223
// (RFC 5761 §4); decide STUN/DTLS/RTP first by the first octet (RFC 7983).
int rtp_is_rtcp(const uint8_t *buf, size_t len);

// Returns 1 for the one-byte profile, 2 for the two-byte one, 0 for any other profile.
int rtp_ext_form(uint16_t profile);
// Starts a walk over h's extension elements (none when h has no block or an unknown profile).
void rtp_ext_iter_init(struct rtp_ext_iter *it, const struct rtp_hdr *h);
// Yields the next element: 1 and *e filled, 0 at the end, VOX_EINVAL when an element runs
// past the block. Padding is skipped; a one-byte ID 15 ends the walk (RFC 8285 §4.2).
int rtp_ext_next(struct rtp_ext_iter *it, struct rtp_ext_elem *e);
// Finds the first element with this id: 0 and *data/*len set (into the packet),
// VOX_ENOTFOUND, or VOX_EINVAL when the block is malformed before it.
int rtp_ext_find(const struct rtp_hdr *h, uint8_t id, const uint8_t **data, size_t *len);
// Encodes elements into out in the form profile names, zero-padded to 32 bits, for
// rtp_hdr.ext; returns the length written or VOX_EINVAL (bad id or length, cap too small).
int rtp_ext_write(uint8_t *out, size_t cap, uint16_t profile, const struct rtp_ext_elem *elems,
                  size_t n);

// Decodes ssrc-audio-level (RFC 6464): voice activity flag and level in -dBov (0 loudest,
// 127 silence); 0 or VOX_EINVAL.
int rtp_ext_audio_level(const uint8_t *data, size_t len, bool *voice, uint8_t *level);
// Decodes abs-send-time: 24-bit 6.18 fixed-point seconds; 0 or VOX_EINVAL.
int rtp_ext_abs_send_time(const uint8_t *data, size_t len, uint32_t *ast);
// Decodes the transport-wide-cc sequence number (16 bits); 0 or VOX_EINVAL.
int rtp_ext_twcc_seq(const uint8_t *data, size_t len, uint16_t *seq);
// Copies a mid, rid or repaired-rid value into out as a C string (a NUL in the value ends
// it, as senders may pad); 0, or VOX_EINVAL when empty or out is too small.
int rtp_ext_string(const uint8_t *data, size_t len, char *out, size_t cap);
// Converts microseconds of a clock to the 24-bit abs-send-time value (wraps every 64 s).
uint32_t rtp_abs_send_time_from_us(uint64_t us);

// In-place rewrites of a packet already in buf (at least a fixed header, else VOX_EINVAL):
// sequence number, timestamp, SSRC, payload type (0-127) and marker bit; 0 or VOX_EINVAL.
int rtp_set_seq(uint8_t *buf, size_t len, uint16_t seq);
int rtp_set_ts(uint8_t *buf, size_t len, uint32_t ts);
int rtp_set_ssrc(uint8_t *buf, size_t len, uint32_t ssrc);
int rtp_set_pt(uint8_t *buf, size_t len, uint8_t pt);
int rtp_set_marker(uint8_t *buf, size_t len, bool marker);
// Overwrites the value of extension element id in the packet in buf with vlen bytes of val
// (the length must equal the element's); 0, VOX_ENOTFOUND, or VOX_EINVAL.
int rtp_ext_set(uint8_t *buf, size_t len, uint8_t id, const uint8_t *val, size_t vlen);
// rtp_ext_set for the transport-wide-cc sequence number and the abs-send-time value.
int rtp_ext_set_twcc_seq(uint8_t *buf, size_t len, uint8_t id, uint16_t seq);
int rtp_ext_set_abs_send_time(uint8_t *buf, size_t len, uint8_t id, uint32_t ast);

// Writes h's fixed header, CSRCs and extension block (h->ext, h->ext_len) into out, with the
// P bit set when h->pad_len > 0; returns the header length or VOX_EINVAL. The caller appends
// the payload and padding; h->payload and h->header_len are not read.
int rtp_write_header(uint8_t *out, size_t cap, const struct rtp_hdr *h);
// Writes the whole packet: header, h->payload_len bytes of h->payload and h->pad_len padding
// octets, the last one holding the count; length or VOX_EINVAL. out may be the buffer h was
// parsed from if the header keeps its length; otherwise the inputs must not overlap out.
int rtp_write(uint8_t *out, size_t cap, const struct rtp_hdr *h);

#endif
