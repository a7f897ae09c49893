// SPDX-License-Identifier: MIT
// vox-bench's run: the server and its rooms, the synthetic participants, the phases of a
// scenario (speakers join, listeners join, warm-up, measurement window) and what is counted
// across all participants. One libuv loop runs it all, on one core.
#ifndef VOX_BENCH_BENCH_H
#define VOX_BENCH_BENCH_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "flags.h"
#include "procstat.h"

#define BENCH_MAX_ROOMS      16
#define BENCH_FINE_NS        10000    // delay histograms: 10 us buckets...
#define BENCH_FINE_BUCKETS   20000    // ...up to 200 ms...
#define BENCH_COARSE_NS      10000000 // ...then 10 ms buckets...
#define BENCH_COARSE_BUCKETS 6000     // ...up to 60 s (the last one holds everything later)
#define BENCH_DELAY_BUCKETS  (BENCH_FINE_BUCKETS + BENCH_COARSE_BUCKETS)
#define BENCH_ERRORS_SHOWN   5 // participant errors printed as they happen

struct part;
struct dtls_cert;

enum bench_phase {
    BENCH_SPEAKERS,  // publishers of the listener scenarios join and connect
    BENCH_LISTENERS, // everyone else joins, until each receives every stream it should
    BENCH_WARMUP,
    BENCH_WINDOW, // the measurement window
    BENCH_DONE,
};

// A histogram of delays in the window.
struct bench_hist {
    uint32_t *bucket;         // BENCH_DELAY_BUCKETS of them
    uint64_t n, over, max_ns; // over: delays of 200 ms or more
};

// A snapshot at either end of the window.
struct bench_mark {
    uint64_t at_ns;
    uint64_t rx_packets, rx_audio, rx_video, rx_bytes;
    uint64_t self_us; // vox-bench's own CPU time (getrusage)
    struct procstat voxd;
    struct procstat_machine machine;
};

struct bench {
    uv_loop_t *loop;
    struct flags f;
    struct sockaddr_in http; // voxd's HTTP and WebSocket address
    char key_id[64], secret[160];
    int nrooms;
    char rooms[BENCH_MAX_ROOMS][40];
    int room_listeners[BENCH_MAX_ROOMS];
    struct dtls_cert *cert; // one certificate for every synthetic peer
    const char *fingerprint;
    uint32_t run_id;
    struct part **parts;
    int nparts;
    int nspeakers;  // parts[0..nspeakers) join in BENCH_SPEAKERS
    int next_start; // the next part to start
    uv_timer_t media_timer, tick_timer;
    enum bench_phase phase;
    uint64_t t_start, phase_t0, deadline;
    uint64_t t_listeners_start; // the first listener phase join was started
    uint64_t t_speakers_ready, t_all_receiving;
    bool speakers_timed_out, listeners_timed_out;
    // Media received by every subscriber.
    uint64_t rx_packets, rx_audio, rx_video, rx_bytes, unknown_ssrc, bad_rtp;
    bool in_window;
    // Send -> the kernel queued it at the subscriber (what voxd and the kernel add), and
    // send -> vox-bench handled it (that plus our own loop's lag).
    struct bench_hist fwd_delay, seen_delay;
    struct procstat voxd_start, voxd_speakers, voxd_listeners, voxd_end;
    struct bench_mark w0, w1;
    int errors_shown;
    int exit_code;
    bool closing;
};

// A progress line on stderr (unless --quiet), prefixed with the seconds since the start.
void bench_log(struct bench *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
// Counts one delay in h.
void bench_hist_add(struct bench_hist *h, uint64_t ns);
// The delay (ms) below which a fraction q of h's delays fall (the bucket's upper edge).
double bench_hist_rank(const struct bench_hist *h, double q);

#endif
