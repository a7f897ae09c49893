// SPDX-License-Identifier: MIT
// Opus in and out of the benchmark. The tone is generated with a running phase so frames
// join without a click; the check skips the decoder's first frames (its warm-up) before it
// counts zero crossings and energy.
#include "tone.h"

#include <math.h>
#include <opus/opus.h>
#include <stdlib.h>

#include "core/mem.h"

#define BITRATE    32000
#define COMPLEXITY 5 // the encoder's cost stays small beside the receive path
#define WARMUP     5 // frames the check ignores

struct tone {
    OpusEncoder *enc;
    double phase;
    double amplitude;
};

struct tone *tone_new(bool silent)
{
    int err;
    OpusEncoder *enc = opus_encoder_create(TONE_RATE, 1, OPUS_APPLICATION_VOIP, &err);
    if (!enc)
        return NULL;
    opus_encoder_ctl(enc, OPUS_SET_BITRATE(BITRATE));
    opus_encoder_ctl(enc, OPUS_SET_COMPLEXITY(COMPLEXITY));
    opus_encoder_ctl(enc, OPUS_SET_INBAND_FEC(1));
    opus_encoder_ctl(enc, OPUS_SET_DTX(silent));
    struct tone *t = xcalloc(1, sizeof *t);
    t->enc = enc;
    // A sine's RMS is its amplitude / sqrt(2): this one sits at -TONE_LEVEL_DBOV.
    t->amplitude = silent ? 0 : 32767.0 * sqrt(2.0) * pow(10.0, -TONE_LEVEL_DBOV / 20.0);
    return t;
}

void tone_free(struct tone *t)
{
    if (!t)
        return;
    opus_encoder_destroy(t->enc);
    free(t);
}

int tone_next(struct tone *t, uint8_t *out, size_t cap)
{
    opus_int16 pcm[TONE_FRAME];
    double step = 2.0 * M_PI * TONE_HZ / TONE_RATE;
    for (int i = 0; i < TONE_FRAME; i++) {
        pcm[i] = (opus_int16)lrint(t->amplitude * sin(t->phase));
        t->phase += step;
    }
    t->phase = fmod(t->phase, 2.0 * M_PI);
    opus_int32 n = opus_encode(t->enc, pcm, TONE_FRAME, out, (opus_int32)cap);
    return n > 0 ? (int)n : -1;
}

struct tone_check {
    OpusDecoder *dec;
    uint64_t frames, errors;
    uint64_t samples, crossings;
    double energy;
    opus_int16 last;
};

struct tone_check *tone_check_new(void)
{
    int err;
    OpusDecoder *dec = opus_decoder_create(TONE_RATE, 1, &err);
    if (!dec)
        return NULL;
    struct tone_check *c = xcalloc(1, sizeof *c);
    c->dec = dec;
    return c;
}

void tone_check_free(struct tone_check *c)
{
    if (!c)
        return;
    opus_decoder_destroy(c->dec);
    free(c);
}

int tone_check_feed(struct tone_check *c, const uint8_t *pkt, size_t len)
{
    opus_int16 pcm[TONE_RATE / 10]; // the longest Opus packet is 120 ms; 100 ms suffices here
    int n = opus_decode(c->dec, pkt, (opus_int32)len, pcm, TONE_RATE / 10, 0);
    if (n <= 0) {
        c->errors++;
        return -1;
    }
    if (c->frames++ < WARMUP)
        return 0;
    for (int i = 0; i < n; i++) {
        if (c->last < 0 && pcm[i] >= 0)
            c->crossings++;
        c->last = pcm[i];
        c->energy += (double)pcm[i] * pcm[i];
    }
    c->samples += (uint64_t)n;
    return 0;
}

void tone_check_result(const struct tone_check *c, struct tone_result *r)
{
    r->frames = c->frames;
    r->errors = c->errors;
    r->hz = c->samples ? (double)c->crossings * TONE_RATE / (double)c->samples : 0;
    double rms = c->samples ? sqrt(c->energy / (double)c->samples) : 0;
    r->dbfs = rms > 0 ? 20.0 * log10(rms / 32768.0) : -200.0;
}
