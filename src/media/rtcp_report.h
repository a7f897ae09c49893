// SPDX-License-Identifier: MIT
// RTCP sender and receiver reports, SDES and BYE (RFC 3550 §6.4-6.6): parsers over one packet
// (pkt/len as rtcp_iter_next gives them) and writers into a caller buffer.
#ifndef VOX_MEDIA_RTCP_REPORT_H
#define VOX_MEDIA_RTCP_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "media/rtcp.h"

#define RTCP_MAX_RB     31 // the 5-bit count
#define RTCP_RB_LEN     24
#define RTCP_LOST_MAX   0x7fffff // cumulative lost is a signed 24-bit field
#define RTCP_LOST_MIN   (-0x800000)
#define RTCP_MAX_CHUNKS 31
#define RTCP_SDES_CNAME 1

// One reception report block (RFC 3550 §6.4.1).
struct rtcp_rb {
    uint32_t ssrc;
    uint8_t fraction_lost;   // fixed point, /256
    int32_t cumulative_lost; // sign-extended from 24 bits; duplicates can make it negative
    uint32_t highest_seq;    // extended: cycles << 16 | highest seq
    uint32_t jitter;         // RTP timestamp units
    uint32_t lsr;            // middle 32 bits of the last SR's NTP time, 0 if none
    uint32_t dlsr;           // delay since that SR, 1/65536 s
};

struct rtcp_sr {
    uint32_t ssrc;
    uint64_t ntp; // 32.32 fixed-point seconds since 1900
    uint32_t rtp_ts;
    uint32_t packet_count;
    uint32_t octet_count;
    uint8_t rb_count;
    struct rtcp_rb rb[RTCP_MAX_RB];
};

struct rtcp_rr {
    uint32_t ssrc;
    uint8_t rb_count;
    struct rtcp_rb rb[RTCP_MAX_RB];
};

// One SDES chunk; cname borrows the packet (not NUL-terminated), NULL when it has none.
struct rtcp_sdes_chunk {
    uint32_t ssrc;
    const uint8_t *cname;
    uint8_t cname_len;
};

struct rtcp_sdes {
    uint8_t count;
    struct rtcp_sdes_chunk chunk[RTCP_MAX_CHUNKS];
};

// reason borrows the packet and is not NUL-terminated; NULL when absent.
struct rtcp_bye {
    uint8_t count;
    uint32_t ssrc[RTCP_MAX_CHUNKS];
    const uint8_t *reason;
    uint8_t reason_len;
};

// Parse the packet at pkt (type SR, RR, SDES or BYE; trailing profile extensions of SR/RR
// are ignored); 0 or VOX_EINVAL on another type or short or corrupt input.
int rtcp_sr_parse(struct rtcp_sr *sr, const uint8_t *pkt, size_t len);
int rtcp_rr_parse(struct rtcp_rr *rr, const uint8_t *pkt, size_t len);
int rtcp_sdes_parse(struct rtcp_sdes *sdes, const uint8_t *pkt, size_t len);
int rtcp_bye_parse(struct rtcp_bye *bye, const uint8_t *pkt, size_t len);

// Write one packet into out and return its length, or VOX_EINVAL when a count is out of range
// or cap is too small. Cumulative lost is clamped to 24 bits. The SDES writer emits each
// chunk with its CNAME item only (a chunk without a cname gets an empty item list).
int rtcp_sr_write(uint8_t *out, size_t cap, const struct rtcp_sr *sr);
int rtcp_rr_write(uint8_t *out, size_t cap, const struct rtcp_rr *rr);
int rtcp_sdes_write(uint8_t *out, size_t cap, const struct rtcp_sdes *sdes);
int rtcp_bye_write(uint8_t *out, size_t cap, const struct rtcp_bye *bye);

#endif
