// SPDX-License-Identifier: MIT
// Sequence tracking for reception reports, after RFC 3550 A.1 (validity and wraps), A.3
// (expected and lost packets) and A.8 (interarrival jitter).
#include "media/seq.h"

#include <string.h>

#define SEQ_MOD 0x10000u

uint32_t seq_unwrap(uint32_t ext_ref, uint16_t seq)
{
    return ext_ref + (uint32_t)seq_diff(seq, (uint16_t)ext_ref);
}

void seq_tracker_init(struct seq_tracker *t, unsigned probation)
{
    memset(t, 0, sizeof *t);
    t->probation_init = probation ? probation : 1;
    t->bad_seq = SEQ_MOD + 1; // matches no seq
}

// Makes seq the first packet of a fresh sequence: the source is new or has restarted.
static void restart(struct seq_tracker *t, uint16_t seq)
{
    t->base_seq = seq;
    t->max_seq = seq;
    t->bad_seq = SEQ_MOD + 1;
    t->cycles = 0;
    t->received = 0;
    t->received_prior = 0;
    t->expected_prior = 0;
    t->valid = true;
}

// Sorts a packet into the sequence; true when it counts as received.
static bool sequence(struct seq_tracker *t, uint16_t seq)
{
    if (!t->valid) {
        // On probation: only consecutive packets bring the source closer to valid.
        if (seq == (uint16_t)(t->max_seq + 1)) {
            t->max_seq = seq;
            if (--t->probation == 0) {
                restart(t, seq);
                return true;
            }
        } else {
            t->probation = t->probation_init - 1;
            t->max_seq = seq;
        }
        return false;
    }
    uint16_t udelta = (uint16_t)(seq - t->max_seq);
    if (udelta < SEQ_MAX_DROPOUT) {
        if (seq < t->max_seq)
            t->cycles += SEQ_MOD; // forward across 65535 -> 0
        t->max_seq = seq;
    } else if (udelta <= SEQ_MOD - SEQ_MAX_MISORDER) {
        // A big jump. Believe it only when the next packet follows it: the sender restarted.
        if (seq != t->bad_seq) {
            t->bad_seq = (seq + 1) & (SEQ_MOD - 1);
            return false;
        }
        restart(t, seq);
    }
    // Otherwise late or duplicate: counted, the maximum stays.
    return true;
}

bool seq_tracker_update(struct seq_tracker *t, uint16_t seq, uint32_t rtp_ts, uint32_t arrival)
{
    if (!t->started) {
        t->started = true;
        t->probation = t->probation_init;
        t->max_seq = (uint16_t)(seq - 1);
    }
    if (!sequence(t, seq))
        return false;
    t->received++;
    // Jitter: smoothed |D| of successive transit times, J += (|D| - J) / 16, kept x16.
    uint32_t transit = arrival - rtp_ts;
    if (t->has_transit) {
        int32_t d = (int32_t)(transit - t->transit);
        uint64_t ad = (uint64_t)(d < 0 ? -(int64_t)d : (int64_t)d);
        t->jitter += ad - ((t->jitter + 8) >> 4);
    }
    t->transit = transit;
    t->has_transit = true;
    return true;
}

uint32_t seq_tracker_ext_max(const struct seq_tracker *t)
{
    return t->cycles + t->max_seq;
}

void seq_tracker_report(struct seq_tracker *t, struct seq_report *r)
{
    memset(r, 0, sizeof *r);
    if (!t->valid)
        return;
    r->ext_highest = seq_tracker_ext_max(t);
    r->expected = r->ext_highest - t->base_seq + 1;
    r->received = t->received;
    int64_t lost = (int64_t)r->expected - t->received;
    r->cumulative_lost = lost > 0x7fffff ? 0x7fffff : lost < -0x800000 ? -0x800000 : (int32_t)lost;
    uint32_t expected_interval = r->expected - t->expected_prior;
    uint32_t received_interval = t->received - t->received_prior;
    t->expected_prior = r->expected;
    t->received_prior = t->received;
    int64_t lost_interval = (int64_t)expected_interval - received_interval;
    if (expected_interval && lost_interval > 0) {
        int64_t f = (lost_interval << 8) / expected_interval;
        r->fraction_lost = (uint8_t)(f > 255 ? 255 : f);
    }
    uint64_t j = t->jitter >> 4;
    r->jitter = j > UINT32_MAX ? UINT32_MAX : (uint32_t)j;
}
