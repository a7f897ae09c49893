// SPDX-License-Identifier: MIT
// 16-bit RTP sequence arithmetic (RFC 1982 style) and a per-source receive tracker for
// RTCP reception reports: extended highest seq, loss and jitter (RFC 3550 A.1, A.3, A.8).
#ifndef VOX_MEDIA_SEQ_H
#define VOX_MEDIA_SEQ_H

#include <stdbool.h>
#include <stdint.h>

#define SEQ_MAX_DROPOUT  3000 // a jump forward this far still counts as in sequence
#define SEQ_MAX_MISORDER 100  // a step back this far is a late packet, not a restart

// Signed distance a - b in [-32768, 32767]: positive when a is after b.
static inline int32_t seq_diff(uint16_t a, uint16_t b)
{
    return (int16_t)(uint16_t)(a - b);
}

// True when a comes after b modulo 2^16; of two seqs exactly 32768 apart the larger wins,
// so that seq_newer(a, b) and seq_newer(b, a) are never both true.
static inline bool seq_newer(uint16_t a, uint16_t b)
{
    uint16_t d = (uint16_t)(a - b);
    return d == 0x8000 ? a > b : d != 0 && d < 0x8000;
}

// The extended (32-bit) sequence number closest to ext_ref whose low 16 bits are seq,
// modulo 2^32; for placing a packet against the highest seen so far.
uint32_t seq_unwrap(uint32_t ext_ref, uint16_t seq);

// Receive state of one source; caller storage, set up by seq_tracker_init.
struct seq_tracker {
    uint16_t max_seq;
    uint32_t cycles; // shifted count of wraps: a multiple of 65536
    uint32_t base_seq;
    uint32_t bad_seq;
    uint32_t probation;
    uint32_t probation_init;
    uint32_t received;
    uint32_t expected_prior;
    uint32_t received_prior;
    uint32_t transit;
    uint64_t jitter; // scaled by 16, as in A.8; 64 bits so hostile timestamps cannot wrap it
    bool started;
    bool valid; // probation passed: the counters mean something
    bool has_transit;
};

// What goes into one report block for the source, as of a seq_tracker_report call.
struct seq_report {
    uint32_t ext_highest;
    uint32_t expected;
    uint32_t received;
    int32_t cumulative_lost; // clamped to the 24-bit signed range of the report block
    uint8_t fraction_lost;   // since the previous report, /256
    uint32_t jitter;         // RTP timestamp units
};

// Starts tracking a source. probation is how many packets in sequence make it valid
// (RFC 3550 suggests 2; 0 or 1 count from the first packet, fine after SRTP authentication).
void seq_tracker_init(struct seq_tracker *t, unsigned probation);
// Accounts one packet; arrival is its receive time in the stream's RTP clock units. Returns
// true when the packet counts (in sequence, late or duplicate), false while on probation or
// for a large jump that is not yet confirmed as a restart of the sender.
bool seq_tracker_update(struct seq_tracker *t, uint16_t seq, uint32_t rtp_ts, uint32_t arrival);
// Extended highest sequence number received so far.
uint32_t seq_tracker_ext_max(const struct seq_tracker *t);
// Fills *r and starts the next reporting interval (fraction lost is per interval).
void seq_tracker_report(struct seq_tracker *t, struct seq_report *r);

#endif
