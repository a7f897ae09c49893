// SPDX-License-Identifier: MIT
// RTCP feedback (RFC 4585 §6): generic NACK and transport-wide cc (RTPFB), PLI, FIR
// (RFC 5104 §4.3.1) and REMB (PSFB). Parsers over one packet (pkt/len as rtcp_iter_next
// gives them) borrow it; writers fill a caller buffer and return the length or VOX_EINVAL.
#ifndef VOX_MEDIA_RTCP_FB_H
#define VOX_MEDIA_RTCP_FB_H

#include <stddef.h>
#include <stdint.h>

#include "media/rtcp.h"

enum rtcp_fmt {
    RTCP_FMT_NACK = 1, // RTPFB
    RTCP_FMT_TWCC = 15,
    RTCP_FMT_PLI = 1, // PSFB
    RTCP_FMT_FIR = 4,
    RTCP_FMT_AFB = 15, // application layer feedback: REMB
};

#define RTCP_FB_HDR_LEN 12 // common header + sender SSRC + media SSRC

// Generic NACK: fci points at `pairs` PID/BLP words in the packet.
struct rtcp_nack {
    uint32_t sender_ssrc;
    uint32_t media_ssrc;
    size_t pairs;
    const uint8_t *fci;
};

struct rtcp_pli {
    uint32_t sender_ssrc;
    uint32_t media_ssrc;
};

struct rtcp_fir_entry {
    uint32_t ssrc;
    uint8_t seq;
};

// FIR: fci points at `count` 8-byte entries in the packet; read them with rtcp_fir_entry.
struct rtcp_fir {
    uint32_t sender_ssrc;
    uint32_t media_ssrc;
    size_t count;
    const uint8_t *fci;
};

// REMB: bitrate = mantissa << exp, saturated at UINT64_MAX; ssrcs points at `count` SSRCs.
struct rtcp_remb {
    uint32_t sender_ssrc;
    uint64_t bitrate;
    uint8_t exp;
    uint32_t mantissa;
    uint8_t count;
    const uint8_t *ssrcs;
};

// Transport-wide cc feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1),
// checked by rtcp_twcc_parse so that rtcp_twcc_next stays inside chunks and deltas.
struct rtcp_twcc {
    uint32_t sender_ssrc;
    uint32_t media_ssrc;
    uint16_t base_seq;
    uint16_t status_count;
    int32_t ref_time; // signed 24 bits, multiples of 64 ms
    uint8_t fb_count;
    uint16_t recv_count; // statuses that carry a receive delta
    const uint8_t *chunks;
    size_t chunks_len;
    const uint8_t *deltas;
    size_t deltas_len;
};

enum rtcp_twcc_status {
    RTCP_TWCC_NOT_RECEIVED = 0,
    RTCP_TWCC_SMALL_DELTA = 1, // received, delta 0..63.75 ms
    RTCP_TWCC_LARGE_DELTA = 2, // received, delta signed 16 bits
};

// One packet's feedback: delta is in 250 µs units and meaningful when received.
struct rtcp_twcc_pkt {
    uint16_t seq;
    uint8_t status;
    int32_t delta;
};

// Walks a parsed rtcp_twcc; it must outlive the walk.
struct rtcp_twcc_iter {
    const struct rtcp_twcc *fb;
    size_t chunk_off;
    unsigned pos; // symbol index inside the current chunk
    size_t delta_off;
    uint32_t done;
};

// Parses an RTPFB generic NACK (at least one PID/BLP pair); 0 or VOX_EINVAL.
int rtcp_nack_parse(struct rtcp_nack *nack, const uint8_t *pkt, size_t len);
// Expands the NACK's pairs into lost sequence numbers, in packet order (duplicates kept),
// writing at most cap of them; returns how many there are in all.
size_t rtcp_nack_lost(const struct rtcp_nack *nack, uint16_t *out, size_t cap);
// Writes a NACK covering every seq in seqs (n >= 1): a seq within 16 after the current
// pair's PID joins its bitmask, any other opens a pair, so sorted input (modulo 2^16) packs
// tightest.
int rtcp_nack_write(uint8_t *out, size_t cap, uint32_t sender_ssrc, uint32_t media_ssrc,
                    const uint16_t *seqs, size_t n);

// Parses a PSFB PLI; 0 or VOX_EINVAL.
int rtcp_pli_parse(struct rtcp_pli *pli, const uint8_t *pkt, size_t len);
int rtcp_pli_write(uint8_t *out, size_t cap, const struct rtcp_pli *pli);

// Parses a PSFB FIR (at least one entry); 0 or VOX_EINVAL.
int rtcp_fir_parse(struct rtcp_fir *fir, const uint8_t *pkt, size_t len);
// Returns entry i < fir->count of a parsed FIR.
struct rtcp_fir_entry rtcp_fir_entry(const struct rtcp_fir *fir, size_t i);
// Writes a FIR with n >= 1 entries (the media SSRC field is 0, as RFC 5104 asks).
int rtcp_fir_write(uint8_t *out, size_t cap, uint32_t sender_ssrc,
                   const struct rtcp_fir_entry *entries, size_t n);

// Parses a PSFB REMB (AFB with the "REMB" identifier); 0 or VOX_EINVAL.
int rtcp_remb_parse(struct rtcp_remb *remb, const uint8_t *pkt, size_t len);
// Returns SSRC i < remb->count of a parsed REMB.
uint32_t rtcp_remb_ssrc(const struct rtcp_remb *remb, size_t i);
// Writes a REMB for bitrate (bits/s, rounded down to 18 bits of mantissa) and n <= 255 SSRCs.
int rtcp_remb_write(uint8_t *out, size_t cap, uint32_t sender_ssrc, uint64_t bitrate,
                    const uint32_t *ssrcs, size_t n);

// Parses an RTPFB transport-wide cc feedback, checking that its chunks cover status_count
// packets and its deltas fit the packet; 0 or VOX_EINVAL.
int rtcp_twcc_parse(struct rtcp_twcc *fb, const uint8_t *pkt, size_t len);
// Starts a walk over a parsed feedback's per-packet statuses.
void rtcp_twcc_iter_init(struct rtcp_twcc_iter *it, const struct rtcp_twcc *fb);
// Yields the next packet's status: 1 and *p filled, 0 after status_count, VOX_EINVAL if fb
// was not what rtcp_twcc_parse produced.
int rtcp_twcc_next(struct rtcp_twcc_iter *it, struct rtcp_twcc_pkt *p);

#endif
