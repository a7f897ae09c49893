// SPDX-License-Identifier: MIT
// Output numbering = input numbering + offset, per source; a rebase picks new offsets so the
// first packet after it follows the last one sent: sequence + 1, timestamp + elapsed time.
#include "media/rewrite.h"

static int seq_newer(uint16_t a, uint16_t b) // a after b, modulo 2^16
{
    return a != b && (uint16_t)(a - b) < 0x8000;
}

static int ts_newer(uint32_t a, uint32_t b)
{
    return a != b && (uint32_t)(a - b) < 0x80000000u;
}

void rewrite_init(struct rewrite *rw, uint32_t out_ssrc, uint32_t clock_rate, uint16_t first_seq,
                  uint32_t first_ts)
{
    *rw = (struct rewrite){.out_ssrc = out_ssrc, .clock_rate = clock_rate};
    // As if a packet first_seq - 1 / first_ts had just gone out, so the first real packet
    // lands on first_seq and first_ts.
    rw->max_out_seq = (uint16_t)(first_seq - 1);
    rw->max_out_ts = first_ts;
    rw->rebase = 1;
}

void rewrite_rebase(struct rewrite *rw)
{
    rw->rebase = 1;
}

static void rebase(struct rewrite *rw, uint32_t in_ssrc, uint16_t in_seq, uint32_t in_ts,
                   int64_t now_ms)
{
    uint32_t out_ts = rw->max_out_ts;
    if (rw->started) {
        int64_t gap_ms = now_ms > rw->max_out_ms ? now_ms - rw->max_out_ms : 0;
        uint64_t ticks = (uint64_t)gap_ms * rw->clock_rate / 1000;
        out_ts += ticks ? (uint32_t)ticks : 1; // strictly after, even within the same ms
    }
    if (rw->started && in_ssrc != rw->in_ssrc)
        rw->prev_ssrc = rw->in_ssrc;
    rw->in_ssrc = in_ssrc;
    rw->base_in_seq = in_seq;
    rw->seq_off = (uint16_t)(rw->max_out_seq + 1 - in_seq);
    rw->ts_off = out_ts - in_ts;
    rw->rebase = 0;
}

int rewrite_map(struct rewrite *rw, uint32_t in_ssrc, uint16_t in_seq, uint32_t in_ts,
                int64_t now_ms, uint16_t *out_seq, uint32_t *out_ts)
{
    if (rw->started && in_ssrc != rw->in_ssrc && in_ssrc == rw->prev_ssrc)
        return -1;
    if (rw->rebase || in_ssrc != rw->in_ssrc || !rw->started)
        rebase(rw, in_ssrc, in_seq, in_ts, now_ms);
    else if (seq_newer(rw->base_in_seq, in_seq))
        return -1; // from before this source's first forwarded packet
    uint16_t s = (uint16_t)(in_seq + rw->seq_off);
    uint32_t t = in_ts + rw->ts_off;
    if (!rw->started || seq_newer(s, rw->max_out_seq))
        rw->max_out_seq = s;
    if (!rw->started || ts_newer(t, rw->max_out_ts)) {
        rw->max_out_ts = t;
        rw->max_out_ms = now_ms;
    }
    rw->started = 1;
    *out_seq = s;
    *out_ts = t;
    return 0;
}
