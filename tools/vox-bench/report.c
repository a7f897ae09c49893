// SPDX-License-Identifier: MIT
// Summaries of a run. Loss and jitter are per stream over the window (a stream that starts
// inside it counts from its first packet); times are per participant; voxd's CPU is the
// change of utime + stime of all its threads across the window, over the window's length.
#include "report.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "core/mem.h"
#include "mpeer.h"
#include "part.h"
#include "tone.h"

#define MAX_REASONS  3
#define SILENCE_DBFS -60.0 // decoded below this: a DTX (silent) speaker
#define STEPS        5

// The steps from join to first audio at a subscriber, in order.
static const char *const step_names[STEPS] = {"joined", "offer", "ice", "dtls", "audio"};

struct dist {
    double *v;
    int n;
};

struct summary {
    double p50, p95, p99, max;
    int n;
};

struct report {
    int parts, publishers, subscribers, started, opened, joined, pub_up, sub_up, failed;
    const char *reasons[MAX_REASONS];
    int nreasons;
    struct summary join_audio, start_audio; // ms
    struct summary steps[STEPS];            // ms, each from the end of the one before
    double speakers_s, fill_audio_s, fill_all_s;
    int expected_streams, live_streams, stalled_streams;
    struct summary loss_audio, loss_video, jitter_audio, jitter_video; // %, ms
    uint64_t expected, received;                                       // window, all streams
    double window_s, pps, audio_pps, video_pps, mbps;
    struct summary fwd, seen; // ms: send -> kernel receive, send -> handled by vox-bench
    uint64_t fwd_over, seen_over;
    struct tone_result tone;
    int tone_streams, loud_streams; // decoded; of which carry the tone (the rest DTX silence)
    double voxd_cores, bench_cores, per_core;
    double machine_busy, machine_softirq, machine_steal, machine_other; // cores
    double udp_in_pps, udp_out_pps;
    uint64_t udp_rcvbuf_errors, udp_sndbuf_errors;
    int top_tid[2];
    char top_comm[2][20];
    double top_cores[2];
    long rss_start, rss_speakers, rss_listeners, rss_end;
    double rss_per_sub_kb;
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double rank(const double *v, int n, double q)
{
    if (n == 0)
        return 0;
    int i = (int)ceil(q * n) - 1;
    return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

static struct summary summarize(struct dist *d)
{
    struct summary s = {0};
    if (d->n == 0)
        return s;
    qsort(d->v, (size_t)d->n, sizeof *d->v, cmp_double);
    s.n = d->n;
    s.p50 = rank(d->v, d->n, 0.50);
    s.p95 = rank(d->v, d->n, 0.95);
    s.p99 = rank(d->v, d->n, 0.99);
    s.max = d->v[d->n - 1];
    return s;
}

static void dist_add(struct dist *d, int cap, double v)
{
    if (d->n < cap)
        d->v[d->n++] = v;
}

static void note_reason(struct report *r, const char *why)
{
    for (int i = 0; i < r->nreasons; i++)
        if (strncmp(r->reasons[i], why, 40) == 0)
            return;
    if (r->nreasons < MAX_REASONS)
        r->reasons[r->nreasons++] = why;
}

static void count_parts(const struct bench *b, struct report *r)
{
    r->parts = b->nparts;
    for (int i = 0; i < b->nparts; i++) {
        const struct part *p = b->parts[i];
        r->publishers += p->publishes;
        r->subscribers += p->expect > 0;
        r->started += p->t_start != 0;
        r->opened += p->t_open != 0;
        r->joined += p->t_joined != 0;
        r->pub_up += p->t_pub_up != 0;
        r->sub_up += p->t_sub_up != 0;
        if (p->state == PART_FAILED) {
            r->failed++;
            note_reason(r, p->error);
        }
    }
}

// Where a subscriber's join -> first audio time goes: the joined answer, voxd's offer, the
// ICE check answered, the DTLS handshake, the first Opus packet.
static bool step_times(const struct part *p, double out[STEPS])
{
    const struct mpeer_stats *st = p->sub ? mpeer_stats(p->sub) : NULL;
    if (!st || !st->t_ice_ns || !st->t_dtls_ns || !p->t_offer || !p->t_first_audio)
        return false;
    uint64_t t[STEPS + 1] = {p->t_join,    p->t_joined,   p->t_offer,
                             st->t_ice_ns, st->t_dtls_ns, p->t_first_audio};
    for (int i = 0; i < STEPS; i++) {
        if (t[i + 1] < t[i])
            return false; // a restarted peer: its times do not line up
        out[i] = (double)(t[i + 1] - t[i]) / 1e6;
    }
    return true;
}

static void steps(const struct bench *b, struct report *r, bool meeting)
{
    struct dist d[STEPS];
    for (int i = 0; i < STEPS; i++)
        d[i] = (struct dist){xcalloc((size_t)b->nparts, sizeof(double)), 0};
    for (int i = 0; i < b->nparts; i++) {
        const struct part *p = b->parts[i];
        double v[STEPS];
        if (p->expect == 0 || (p->publishes && !meeting) || !step_times(p, v))
            continue;
        for (int k = 0; k < STEPS; k++)
            dist_add(&d[k], b->nparts, v[k]);
    }
    for (int i = 0; i < STEPS; i++) {
        r->steps[i] = summarize(&d[i]);
        free(d[i].v);
    }
}

// Join -> first audio at every subscriber that does not publish (in a meeting: everyone),
// and the time the last of them got audio, and every stream, after the listener phase began.
static void join_times(const struct bench *b, struct report *r)
{
    int cap = b->nparts;
    struct dist ja = {xcalloc((size_t)cap, sizeof(double)), 0};
    struct dist sa = {xcalloc((size_t)cap, sizeof(double)), 0};
    uint64_t last_audio = 0, last_all = 0;
    bool all_audio = true, all_streams = true;
    bool meeting = b->f.scenario == SCENARIO_MEETING;
    for (int i = 0; i < b->nparts; i++) {
        const struct part *p = b->parts[i];
        if (p->expect == 0 || (p->publishes && !meeting))
            continue;
        if (p->t_first_audio && p->t_join) {
            dist_add(&ja, cap, (double)(p->t_first_audio - p->t_join) / 1e6);
            dist_add(&sa, cap, (double)(p->t_first_audio - p->t_start) / 1e6);
        }
        last_audio = p->t_first_audio > last_audio ? p->t_first_audio : last_audio;
        last_all = p->t_all > last_all ? p->t_all : last_all;
        all_audio &= p->t_first_audio != 0;
        all_streams &= p->t_all != 0;
    }
    steps(b, r, meeting);
    r->join_audio = summarize(&ja);
    r->start_audio = summarize(&sa);
    free(ja.v);
    free(sa.v);
    if (b->t_speakers_ready && b->nspeakers)
        r->speakers_s = (double)(b->t_speakers_ready - b->t_start) / 1e9;
    // -1: some subscriber never got there.
    r->fill_audio_s = all_audio ? (double)(last_audio - b->t_listeners_start) / 1e9 : -1;
    r->fill_all_s = all_streams ? (double)(last_all - b->t_listeners_start) / 1e9 : -1;
}

static void stream_window(const struct part_stream *s, uint32_t *expected, uint32_t *received)
{
    uint32_t ext0 = s->w0_set ? s->w_ext0 : s->tr.base_seq - 1;
    uint32_t recv0 = s->w0_set ? s->w_recv0 : 0;
    *expected = s->w1_set ? s->w_ext1 - ext0 : 0;
    *received = s->w1_set ? s->w_recv1 - recv0 : 0;
    if (*expected > (1u << 30) || *received > (1u << 30)) // the sender restarted meanwhile
        *expected = *received = 0;
}

static void streams(const struct bench *b, struct report *r)
{
    int cap = b->nparts * PART_MAX_STREAMS;
    struct dist la = {xcalloc((size_t)cap, sizeof(double)), 0};
    struct dist lv = {xcalloc((size_t)cap, sizeof(double)), 0};
    struct dist ja = {xcalloc((size_t)cap, sizeof(double)), 0};
    struct dist jv = {xcalloc((size_t)cap, sizeof(double)), 0};
    double hz = 0;
    for (int i = 0; i < b->nparts; i++) {
        const struct part *p = b->parts[i];
        r->expected_streams += p->expect;
        for (int k = 0; k < p->nst; k++) {
            const struct part_stream *s = &p->st[k];
            uint32_t exp, got;
            stream_window(s, &exp, &got);
            r->live_streams++;
            if (got == 0) {
                r->stalled_streams++;
                continue;
            }
            double loss = exp > got ? 100.0 * (exp - got) / exp : 0;
            double jit = (double)s->jitter * 1000.0 / s->clock;
            dist_add(s->video ? &lv : &la, cap, loss);
            dist_add(s->video ? &jv : &ja, cap, jit);
            r->expected += exp;
            r->received += got < exp ? got : exp;
            if (s->check) {
                struct tone_result t;
                tone_check_result(s->check, &t);
                r->tone.frames += t.frames;
                r->tone.errors += t.errors;
                r->tone_streams++;
                if (t.dbfs > SILENCE_DBFS) { // a talker: the same tone everywhere
                    r->tone.dbfs = t.dbfs;
                    hz += t.hz;
                    r->loud_streams++;
                }
            }
        }
    }
    r->tone.hz = r->loud_streams ? hz / r->loud_streams : 0;
    r->loss_audio = summarize(&la);
    r->loss_video = summarize(&lv);
    r->jitter_audio = summarize(&ja);
    r->jitter_video = summarize(&jv);
    free(la.v);
    free(lv.v);
    free(ja.v);
    free(jv.v);
}

static struct summary hist_summary(const struct bench_hist *h)
{
    struct summary s = {
        .n = (int)(h->n > 0x7fffffff ? 0x7fffffff : h->n),
        .p50 = bench_hist_rank(h, 0.50),
        .p95 = bench_hist_rank(h, 0.95),
        .p99 = bench_hist_rank(h, 0.99),
        .max = (double)h->max_ns / 1e6,
    };
    return s;
}

static void rates(const struct bench *b, struct report *r)
{
    r->window_s = (double)(b->w1.at_ns - b->w0.at_ns) / 1e9;
    if (r->window_s <= 0)
        return;
    r->pps = (double)(b->w1.rx_packets - b->w0.rx_packets) / r->window_s;
    r->audio_pps = (double)(b->w1.rx_audio - b->w0.rx_audio) / r->window_s;
    r->video_pps = (double)(b->w1.rx_video - b->w0.rx_video) / r->window_s;
    r->mbps = (double)(b->w1.rx_bytes - b->w0.rx_bytes) * 8 / 1e6 / r->window_s;
    r->bench_cores = (double)(b->w1.self_us - b->w0.self_us) / 1e6 / r->window_s;
    const struct procstat_machine *m0 = &b->w0.machine, *m1 = &b->w1.machine;
    if (m0->ok && m1->ok) {
        double ticks = procstat_hz() * r->window_s;
        r->machine_busy = (double)(m1->busy - m0->busy) / ticks;
        r->machine_softirq = (double)(m1->softirq - m0->softirq) / ticks;
        r->machine_steal = (double)(m1->steal - m0->steal) / ticks;
        r->udp_in_pps = (double)(m1->udp_in - m0->udp_in) / r->window_s;
        r->udp_out_pps = (double)(m1->udp_out - m0->udp_out) / r->window_s;
        r->udp_rcvbuf_errors = m1->udp_rcvbuf_errors - m0->udp_rcvbuf_errors;
        r->udp_sndbuf_errors = m1->udp_sndbuf_errors - m0->udp_sndbuf_errors;
    }
    r->fwd = hist_summary(&b->fwd_delay);
    r->seen = hist_summary(&b->seen_delay);
    r->fwd_over = b->fwd_delay.over;
    r->seen_over = b->seen_delay.over;
}

// voxd's CPU over the window, its two busiest threads, and its memory at each phase.
static void voxd(const struct bench *b, struct report *r)
{
    const struct procstat *a = &b->w0.voxd, *z = &b->w1.voxd;
    r->voxd_cores = procstat_cores(a, z);
    r->per_core = r->voxd_cores > 0 ? r->pps / r->voxd_cores : 0;
    double secs = (double)(z->at_ns - a->at_ns) / 1e9;
    for (int i = 0; i < z->nthreads && secs > 0; i++)
        for (int k = 0; k < a->nthreads; k++) {
            if (a->thr[k].tid != z->thr[i].tid)
                continue;
            double c = (double)(z->thr[i].ticks - a->thr[k].ticks) / procstat_hz() / secs;
            int slot = c > r->top_cores[0] ? 0 : c > r->top_cores[1] ? 1 : -1;
            if (slot == 0) {
                r->top_cores[1] = r->top_cores[0];
                r->top_tid[1] = r->top_tid[0];
                memcpy(r->top_comm[1], r->top_comm[0], sizeof r->top_comm[0]);
            }
            if (slot >= 0) {
                r->top_cores[slot] = c;
                r->top_tid[slot] = z->thr[i].tid;
                snprintf(r->top_comm[slot], sizeof r->top_comm[slot], "%s", z->thr[i].comm);
            }
        }
    // What neither voxd nor vox-bench used: other processes, and softirq time that no
    // process is charged for (on loopback, the delivery of every datagram sent).
    r->machine_other = r->machine_busy - r->machine_softirq - r->voxd_cores - r->bench_cores;
    if (r->machine_other < 0)
        r->machine_other = 0; // /proc/stat and per-process ticks are sampled apart
    r->rss_start = b->voxd_start.ok ? b->voxd_start.rss_kb : -1;
    r->rss_speakers = b->voxd_speakers.ok ? b->voxd_speakers.rss_kb : r->rss_start;
    r->rss_listeners = b->voxd_listeners.ok ? b->voxd_listeners.rss_kb : -1;
    r->rss_end = b->voxd_end.ok ? b->voxd_end.rss_kb : -1;
    int subs = b->nparts - b->nspeakers;
    long base = b->f.scenario == SCENARIO_MEETING ? r->rss_start : r->rss_speakers;
    if (subs > 0 && base > 0 && r->rss_listeners > 0)
        r->rss_per_sub_kb = (double)(r->rss_listeners - base) / subs;
}

static json_t *summary_json(const struct summary *s)
{
    return json_pack("{s:i, s:f, s:f, s:f, s:f}", "n", s->n, "p50", s->p50, "p95", s->p95, "p99",
                     s->p99, "max", s->max);
}

static void print_json(const struct bench *b, const struct report *r)
{
    json_t *reasons = json_array();
    for (int i = 0; i < r->nreasons; i++)
        json_array_append_new(reasons, json_string(r->reasons[i]));
    json_t *j = json_pack(
        "{s:s, s:i, s:i, s:i, s:i, s:b, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:o}",
        "scenario", flags_scenario_name(b->f.scenario), "rooms", b->nrooms, "speakers",
        b->nspeakers, "talkers_per_room", b->f.talkers, "listeners", b->nparts - b->nspeakers,
        "video", b->f.video, "participants", r->parts, "started", r->started, "ws_open", r->opened,
        "joined", r->joined, "publishers", r->publishers, "publishers_connected", r->pub_up,
        "subscribers", r->subscribers, "subscribers_connected", r->sub_up, "failed", r->failed,
        "failures", reasons);
    json_object_set_new(j, "join_to_first_audio_ms", summary_json(&r->join_audio));
    json_object_set_new(j, "connect_to_first_audio_ms", summary_json(&r->start_audio));
    json_t *st = json_object();
    for (int i = 0; i < STEPS; i++)
        json_object_set_new(st, step_names[i], summary_json(&r->steps[i]));
    json_object_set_new(j, "join_steps_ms", st);
    json_object_set_new(j, "speakers_publishing_s", json_real(r->speakers_s));
    json_object_set_new(j, "all_receive_audio_s", json_real(r->fill_audio_s));
    json_object_set_new(j, "all_receive_every_stream_s", json_real(r->fill_all_s));
    json_object_set_new(j, "join_phase_timed_out", json_boolean(b->listeners_timed_out));
    json_object_set_new(
        j, "streams",
        json_pack("{s:i, s:i, s:i, s:I, s:I, s:o, s:o, s:o, s:o}", "expected", r->expected_streams,
                  "present", r->live_streams, "silent_in_window", r->stalled_streams,
                  "packets_expected", (json_int_t)r->expected, "packets_received",
                  (json_int_t)r->received, "audio_loss_pct", summary_json(&r->loss_audio),
                  "video_loss_pct", summary_json(&r->loss_video), "audio_jitter_ms",
                  summary_json(&r->jitter_audio), "video_jitter_ms",
                  summary_json(&r->jitter_video)));
    json_object_set_new(j, "window_s", json_real(r->window_s));
    json_object_set_new(j, "rx_packets_per_s", json_real(r->pps));
    json_object_set_new(j, "rx_audio_packets_per_s", json_real(r->audio_pps));
    json_object_set_new(j, "rx_video_packets_per_s", json_real(r->video_pps));
    json_object_set_new(j, "rx_mbit_per_s", json_real(r->mbps));
    json_object_set_new(j, "send_to_kernel_receive_ms", summary_json(&r->fwd));
    json_object_set_new(j, "send_to_handled_ms", summary_json(&r->seen));
    json_object_set_new(j, "opus",
                        json_pack("{s:i, s:i, s:I, s:I, s:f, s:f}", "streams", r->tone_streams,
                                  "with_tone", r->loud_streams, "frames",
                                  (json_int_t)r->tone.frames, "errors", (json_int_t)r->tone.errors,
                                  "tone_hz", r->tone.hz, "dbfs", r->tone.dbfs));
    json_object_set_new(j, "voxd",
                        json_pack("{s:i, s:f, s:s, s:f, s:I, s:I, s:I, s:I, s:f, s:f}", "pid",
                                  b->f.voxd_pid, "cpu_cores", r->voxd_cores, "busiest_thread",
                                  r->top_comm[0], "busiest_thread_cores", r->top_cores[0],
                                  "rss_kb_start", (json_int_t)r->rss_start, "rss_kb_after_speakers",
                                  (json_int_t)r->rss_speakers, "rss_kb_after_joins",
                                  (json_int_t)r->rss_listeners, "rss_kb_end",
                                  (json_int_t)r->rss_end, "rss_kb_per_subscriber",
                                  r->rss_per_sub_kb, "forwarded_packets_per_core_s", r->per_core));
    json_object_set_new(j, "bench_cpu_cores", json_real(r->bench_cores));
    json_object_set_new(j, "machine",
                        json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:I, s:I}", "busy_cores",
                                  r->machine_busy, "softirq_cores", r->machine_softirq,
                                  "steal_cores", r->machine_steal, "other_cores", r->machine_other,
                                  "udp_in_per_s", r->udp_in_pps, "udp_out_per_s", r->udp_out_pps,
                                  "udp_rcvbuf_errors", (json_int_t)r->udp_rcvbuf_errors,
                                  "udp_sndbuf_errors", (json_int_t)r->udp_sndbuf_errors));
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
    puts(text);
    free(text);
    json_decref(j);
}

static void print_summary(const char *name, const struct summary *s, const char *unit)
{
    if (s->n == 0)
        printf("  %-22s none\n", name);
    else
        printf("  %-22s p50 %.3g%s  p95 %.3g%s  max %.3g%s  (%d)\n", name, s->p50, unit, s->p95,
               unit, s->max, unit, s->n);
}

static void print_text(const struct bench *b, const struct report *r)
{
    const struct flags *f = &b->f;
    int talking = 0, publishing = 0;
    for (int i = 0; i < b->nparts; i++) {
        talking += b->parts[i]->talks;
        publishing += b->parts[i]->publishes;
    }
    char talk[64] = "";
    if (talking < publishing)
        snprintf(talk, sizeof talk, " (%d talking, the rest DTX silence)", talking);
    printf("vox-bench %s: %d speaker%s%s + %d %s in %d room%s, %s, window %.1f s after %d s "
           "warm-up\n",
           flags_scenario_name(f->scenario), b->nspeakers, b->nspeakers == 1 ? "" : "s", talk,
           b->nparts - b->nspeakers, f->scenario == SCENARIO_MEETING ? "participants" : "listeners",
           b->nrooms, b->nrooms == 1 ? "" : "s", f->video ? "audio+video" : "audio", r->window_s,
           f->warmup);
    printf("  participants           %d: ws open %d, joined %d, publishing %d/%d, receiving "
           "%d/%d, failed %d\n",
           r->parts, r->opened, r->joined, r->pub_up, r->publishers, r->sub_up, r->subscribers,
           r->failed);
    for (int i = 0; i < r->nreasons; i++)
        printf("    failure: %s\n", r->reasons[i]);
    if (b->nspeakers)
        printf("  speakers publishing    after %.2f s%s\n", r->speakers_s,
               b->speakers_timed_out ? " (deadline passed)" : "");
    print_summary("join -> first audio", &r->join_audio, " ms");
    print_summary("connect -> first audio", &r->start_audio, " ms");
    printf("  join steps p50 (p95)  ");
    for (int i = 0; i < STEPS; i++)
        printf(" %s %.1f (%.1f)", step_names[i], r->steps[i].p50, r->steps[i].p95);
    printf(" ms\n");
    char fa[32], fs[32];
    snprintf(fa, sizeof fa, r->fill_audio_s < 0 ? "never" : "%.2f s", r->fill_audio_s);
    snprintf(fs, sizeof fs, r->fill_all_s < 0 ? "never" : "%.2f s", r->fill_all_s);
    printf("  every subscriber has   audio after %s, every stream it should after %s%s\n", fa, fs,
           b->listeners_timed_out ? " (join deadline passed)" : "");
    printf("  streams                %d expected, %d present, %d silent in the window\n",
           r->expected_streams, r->live_streams, r->stalled_streams);
    double total_loss = r->expected ? 100.0 * (double)(r->expected - r->received) / r->expected : 0;
    printf("  loss                   %.4f %% of %llu packets; audio streams median %.3f %% worst "
           "%.3f %%",
           total_loss, (unsigned long long)r->expected, r->loss_audio.p50, r->loss_audio.max);
    if (r->loss_video.n)
        printf("; video median %.3f %% worst %.3f %%", r->loss_video.p50, r->loss_video.max);
    printf("\n  jitter                 audio median %.2f ms worst %.2f ms", r->jitter_audio.p50,
           r->jitter_audio.max);
    if (r->jitter_video.n)
        printf("; video median %.2f ms worst %.2f ms", r->jitter_video.p50, r->jitter_video.max);
    printf("\n  received               %.0f packets/s (audio %.0f, video %.0f), %.1f Mbit/s\n",
           r->pps, r->audio_pps, r->video_pps, r->mbps);
    printf("  send -> kernel receive p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms (%d "
           "packets, %llu over 200 ms): voxd's forwarding\n",
           r->fwd.p50, r->fwd.p95, r->fwd.p99, r->fwd.max, r->fwd.n,
           (unsigned long long)r->fwd_over);
    printf("  send -> handled        p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms: with "
           "vox-bench's own loop\n",
           r->seen.p50, r->seen.p95, r->seen.p99, r->seen.max);
    printf("  opus                   %d stream%s decoded: %llu frames, %llu errors; %d with the "
           "tone (%.1f Hz at %.1f dBFS), %d silent\n",
           r->tone_streams, r->tone_streams == 1 ? "" : "s", (unsigned long long)r->tone.frames,
           (unsigned long long)r->tone.errors, r->loud_streams, r->tone.hz, r->tone.dbfs,
           r->tone_streams - r->loud_streams);
    if (f->voxd_pid) {
        printf("  voxd cpu               %.1f %% of one core (all threads); busiest thread %d "
               "(%s) %.1f %%, next %.1f %%\n",
               100 * r->voxd_cores, r->top_tid[0], r->top_comm[0], 100 * r->top_cores[0],
               100 * r->top_cores[1]);
        printf("  voxd rss               %.1f MB at start, %.1f after speakers, %.1f after "
               "joins, %.1f at end: %.1f KB per subscriber\n",
               r->rss_start / 1024.0, r->rss_speakers / 1024.0, r->rss_listeners / 1024.0,
               r->rss_end / 1024.0, r->rss_per_sub_kb);
        printf("  forwarding             %.0f packets/s / %.3f core = %.0f packets/s per core\n",
               r->pps, r->voxd_cores, r->per_core);
    }
    printf("  vox-bench cpu          %.1f %% of one core\n", 100 * r->bench_cores);
    printf("  machine                %.2f of %ld cores busy: softirq %.2f, steal %.2f, other "
           "processes %.2f\n",
           r->machine_busy, sysconf(_SC_NPROCESSORS_ONLN), r->machine_softirq, r->machine_steal,
           r->machine_other);
    printf("  kernel udp             %.0f datagrams/s in, %.0f out; %llu dropped at full receive "
           "buffers, %llu at full send buffers\n",
           r->udp_in_pps, r->udp_out_pps, (unsigned long long)r->udp_rcvbuf_errors,
           (unsigned long long)r->udp_sndbuf_errors);
}

void report_print(struct bench *b)
{
    struct report r;
    memset(&r, 0, sizeof r);
    count_parts(b, &r);
    join_times(b, &r);
    streams(b, &r);
    rates(b, &r);
    voxd(b, &r);
    if (b->f.json)
        print_json(b, &r);
    else
        print_text(b, &r);
    fflush(stdout);
    if (r.failed || b->speakers_timed_out || b->listeners_timed_out || r.stalled_streams ||
        r.tone.errors)
        b->exit_code = 1;
}
