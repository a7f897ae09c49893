// SPDX-License-Identifier: MIT
// The audio vox-bench speakers send and the check its listeners run: a 440 Hz tone encoded
// by libopus in 20 ms frames (48 kHz mono, VOIP), and a decoder that proves what arrived is
// intact Opus of that tone (every packet decodes; the pitch and level come out as sent).
#ifndef VOX_BENCH_TONE_H
#define VOX_BENCH_TONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TONE_RATE       48000
#define TONE_FRAME      960 // samples in 20 ms
#define TONE_HZ         440.0
#define TONE_LEVEL_DBOV 30 // RMS level of the tone, as the ssrc-audio-level extension says it

struct tone;

// An encoder of the tone, or with silent of digital silence with DTX on: then most frames
// come out as 1 or 2 bytes, which a WebRTC sender does not send, and one every 400 ms is a
// real frame. NULL when libopus refuses.
struct tone *tone_new(bool silent);
void tone_free(struct tone *t);
// Encodes the next 20 ms into out[0..cap); the packet's length (at most 2: a DTX frame not
// to send), or -1.
int tone_next(struct tone *t, uint8_t *out, size_t cap);

struct tone_check;

struct tone_result {
    uint64_t frames, errors; // packets decoded, packets opus_decode refused
    double hz;               // pitch estimated from zero crossings (0 before enough audio)
    double dbfs;             // RMS level of what was decoded
};

struct tone_check *tone_check_new(void);
void tone_check_free(struct tone_check *c);
// Decodes one Opus packet; 0, or -1 when opus_decode refuses it (counted).
int tone_check_feed(struct tone_check *c, const uint8_t *pkt, size_t len);
void tone_check_result(const struct tone_check *c, struct tone_result *r);

#endif
