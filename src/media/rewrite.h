// SPDX-License-Identifier: MIT
// Sequence number and timestamp rewriting for one forwarded stream (a subscriber's copy of a
// track). The subscriber sees one SSRC with continuous sequence numbers and timestamps while
// the source behind it changes: a publisher that reconnects (new SSRC), a replaced track, or
// packets withheld by the server (mute) are all joined without a gap a decoder would treat as
// loss, and without going backwards. Pure and allocation-free.
#ifndef VOX_MEDIA_REWRITE_H
#define VOX_MEDIA_REWRITE_H

#include <stdint.h>

struct rewrite {
    uint32_t out_ssrc;
    uint32_t clock_rate; // Hz of the RTP timestamps (48000 for Opus, 90000 for video)
    uint32_t in_ssrc;    // current source
    uint32_t prev_ssrc;  // the source before it, whose late packets are dropped
    uint16_t seq_off, base_in_seq, max_out_seq;
    uint32_t ts_off, max_out_ts;
    int64_t max_out_ms; // wall clock when max_out_ts went out
    int started, rebase;
};

// Starts a stream that will go out as out_ssrc, its first packet numbered first_seq and
// stamped first_ts (random values, RFC 3550 section 5.1).
void rewrite_init(struct rewrite *rw, uint32_t out_ssrc, uint32_t clock_rate, uint16_t first_seq,
                  uint32_t first_ts);
// Maps a packet of source in_ssrc to the output numbering. 0 with *out_seq and *out_ts set,
// or -1: drop it (a late packet of the previous source, or older than the current source's
// first forwarded packet, which would reuse a number already sent). Another in_ssrc becomes
// the source and rebases.
int rewrite_map(struct rewrite *rw, uint32_t in_ssrc, uint16_t in_seq, uint32_t in_ts,
                int64_t now_ms, uint16_t *out_seq, uint32_t *out_ts);
// The next packet continues the output from the last one sent, with its timestamp advanced
// by the wall-clock time in between: call it when forwarding resumes after the server
// withheld packets (server mute lifted, a subscription resumed).
void rewrite_rebase(struct rewrite *rw);

#endif
