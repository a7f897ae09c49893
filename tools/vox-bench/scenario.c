// SPDX-License-Identifier: MIT
// Scenario phases. Speakers first (the listener scenarios), so that a listener's join time
// measures what a late joiner sees: a room where audio already flows. Then the listeners (all
// at once for a stage, a bounded number in flight otherwise), a warm-up, and the window in
// which loss, jitter, delay, packet rates and voxd's CPU are measured.
#include "scenario.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench.h"
#include "core/clock.h"
#include "core/mem.h"
#include "part.h"
#include "report.h"
#include "rest.h"

#define MS              1000000ull
#define SEC             (1000 * MS)
#define TICK_MS         20
#define MEDIA_MS        1 // publishers' frames go out within 1 ms of their due time
#define REST_TIMEOUT_MS 10000
#define EXIT_GRACE_MS   3000

// ---- setup ----

static const char *error_message(json_t *ans)
{
    const char *m = json_string_value(json_object_get(json_object_get(ans, "error"), "message"));
    return m ? m : "no error message";
}

static int create_org(struct bench *b, char *err, size_t errcap)
{
    char auth[512], name[96];
    snprintf(auth, sizeof auth, "Bearer %s", b->f.admin_token);
    snprintf(name, sizeof name, "vox-bench %08x", b->run_id);
    json_t *body = json_pack("{s:s}", "name", name), *ans = NULL;
    int status = 0, rc = rest_call(&b->http, "POST", "/v1/orgs", auth, body, REST_TIMEOUT_MS,
                                   &status, &ans, err, errcap);
    json_decref(body);
    json_t *key = json_object_get(ans, "api_key");
    const char *id = json_string_value(json_object_get(key, "id"));
    const char *secret = json_string_value(json_object_get(key, "secret"));
    if (rc == 0 && (status != 201 || !id || !secret)) {
        snprintf(err, errcap, "POST /v1/orgs answered %d: %s", status, error_message(ans));
        rc = -1;
    }
    if (rc == 0) {
        snprintf(b->key_id, sizeof b->key_id, "%s", id);
        snprintf(b->secret, sizeof b->secret, "%s", secret);
    }
    json_decref(ans);
    return rc;
}

static int create_room(struct bench *b, int r, char *err, size_t errcap)
{
    char auth[300], name[96];
    if (rest_basic_auth(b->key_id, b->secret, auth, sizeof auth)) {
        snprintf(err, errcap, "api key too long");
        return -1;
    }
    snprintf(name, sizeof name, "vox-bench-%s-%08x-%d", flags_scenario_name(b->f.scenario),
             b->run_id, r);
    // A stage takes 1,000 participants and only its speakers publish; a meeting is a video
    // room, where everyone may publish audio and video.
    const char *type = b->f.scenario == SCENARIO_MEETING ? "video" : "stage";
    json_t *body = json_pack("{s:s, s:s}", "name", name, "type", type), *ans = NULL;
    int status = 0, rc = rest_call(&b->http, "POST", "/v1/rooms", auth, body, REST_TIMEOUT_MS,
                                   &status, &ans, err, errcap);
    json_decref(body);
    const char *id = json_string_value(json_object_get(ans, "id"));
    if (rc == 0 && (status != 201 || !id)) {
        snprintf(err, errcap, "POST /v1/rooms answered %d: %s", status, error_message(ans));
        rc = -1;
    }
    if (rc == 0)
        snprintf(b->rooms[r], sizeof b->rooms[r], "%s", id);
    json_decref(ans);
    return rc;
}

// Rooms of at most --room-size participants, each with its own speakers.
static int plan_rooms(struct bench *b, char *err, size_t errcap)
{
    const struct flags *f = &b->f;
    if (f->scenario == SCENARIO_MEETING || f->room) {
        b->nrooms = 1;
        return 0;
    }
    int per_room = f->room_size - f->speakers;
    b->nrooms = (f->listeners + per_room - 1) / per_room;
    if (b->nrooms > BENCH_MAX_ROOMS) {
        snprintf(err, errcap, "%d listeners need %d rooms of %d; at most %d", f->listeners,
                 b->nrooms, f->room_size, BENCH_MAX_ROOMS);
        return -1;
    }
    return 0;
}

static int make_parts(struct bench *b, char *err, size_t errcap)
{
    const struct flags *f = &b->f;
    bool meeting = f->scenario == SCENARIO_MEETING;
    int tracks = 1 + (f->video ? 1 : 0), k = meeting ? 0 : f->speakers;
    b->nspeakers = k * b->nrooms;
    b->nparts = b->nspeakers + f->listeners;
    b->parts = xcalloc((size_t)b->nparts, sizeof *b->parts);
    int idx = 0;
    for (int r = 0; r < b->nrooms; r++)
        for (int j = 0; j < k; j++, idx++) {
            if (!(b->parts[idx] = part_new(b, idx, r, true, (k - 1) * tracks, err, errcap)))
                return -1;
            b->parts[idx]->talks = j < f->talkers;
        }
    for (int i = 0; i < f->listeners; i++, idx++) {
        int r = i % b->nrooms;
        int expect = meeting ? (f->listeners - 1) * tracks : k * tracks;
        if (!(b->parts[idx] = part_new(b, idx, r, meeting, expect, err, errcap)))
            return -1;
        b->parts[idx]->decode = i < f->decode;
        b->parts[idx]->talks = meeting && i < f->talkers;
        b->room_listeners[r]++;
    }
    return 0;
}

int scenario_setup(struct bench *b, char *err, size_t errcap)
{
    if (plan_rooms(b, err, errcap))
        return -1;
    if (b->f.admin_token) {
        if (create_org(b, err, errcap))
            return -1;
        for (int r = 0; r < b->nrooms; r++)
            if (create_room(b, r, err, errcap))
                return -1;
    } else {
        snprintf(b->key_id, sizeof b->key_id, "%s", b->f.key_id);
        snprintf(b->secret, sizeof b->secret, "%s", b->f.secret);
        snprintf(b->rooms[0], sizeof b->rooms[0], "%s", b->f.room);
    }
    return make_parts(b, err, errcap);
}

// ---- phases ----

static void mark(struct bench *b, struct bench_mark *m)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    m->at_ns = clock_mono_ns();
    m->rx_packets = b->rx_packets;
    m->rx_audio = b->rx_audio;
    m->rx_video = b->rx_video;
    m->rx_bytes = b->rx_bytes;
    m->self_us = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u +
                 (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    if (b->f.voxd_pid)
        procstat_read(b->f.voxd_pid, &m->voxd);
    procstat_machine_read(&m->machine);
}

static void read_voxd(struct bench *b, struct procstat *out)
{
    if (b->f.voxd_pid)
        procstat_read(b->f.voxd_pid, out);
}

static void enter(struct bench *b, enum bench_phase ph, uint64_t now, uint64_t length_ns)
{
    b->phase = ph;
    b->phase_t0 = now;
    b->deadline = now + length_ns;
}

static void on_exit_timer(uv_timer_t *t)
{
    uv_stop(t->loop); // some handle did not close in time: the process ends anyway
}

static void shutdown_run(struct bench *b)
{
    b->closing = true;
    uv_timer_stop(&b->media_timer);
    uv_timer_stop(&b->tick_timer);
    uv_close((uv_handle_t *)&b->media_timer, NULL);
    uv_close((uv_handle_t *)&b->tick_timer, NULL);
    for (int i = 0; i < b->nparts; i++)
        part_free(b->parts[i]);
    free(b->parts);
    b->parts = NULL;
    b->nparts = 0;
    static uv_timer_t exit_timer;
    uv_timer_init(b->loop, &exit_timer);
    uv_timer_start(&exit_timer, on_exit_timer, EXIT_GRACE_MS, 0);
    uv_unref((uv_handle_t *)&exit_timer);
}

static void start_more(struct bench *b, uint64_t now)
{
    int conc = b->f.join_concurrency, inflight = 0;
    if (conc > 0)
        for (int i = b->nspeakers; i < b->next_start; i++)
            inflight += b->parts[i]->state == PART_CONNECTING || b->parts[i]->state == PART_JOINING;
    while (b->next_start < b->nparts && (conc == 0 || inflight < conc)) {
        part_start(b->parts[b->next_start++], now);
        inflight++;
    }
}

static void begin_listeners(struct bench *b, uint64_t now)
{
    enter(b, BENCH_LISTENERS, now, (uint64_t)b->f.join_timeout * SEC);
    b->t_listeners_start = now;
    if (b->nspeakers < b->nparts)
        bench_log(b, "starting %d %s", b->nparts - b->nspeakers,
                  b->f.scenario == SCENARIO_MEETING ? "participants" : "listeners");
    start_more(b, now);
}

static void phase_speakers(struct bench *b, uint64_t now)
{
    int ready = 0;
    for (int i = 0; i < b->nspeakers; i++)
        ready += b->parts[i]->t_pub_up || b->parts[i]->state == PART_FAILED;
    if (ready < b->nspeakers && now < b->deadline)
        return;
    b->speakers_timed_out = ready < b->nspeakers;
    b->t_speakers_ready = now;
    read_voxd(b, &b->voxd_speakers);
    bench_log(b, "%d of %d speakers publishing", ready, b->nspeakers);
    begin_listeners(b, now);
}

static void progress(struct bench *b, uint64_t now, int settled)
{
    static uint64_t last;
    if (now - last < SEC)
        return;
    last = now;
    int joined = 0;
    for (int i = b->nspeakers; i < b->nparts; i++)
        joined += b->parts[i]->t_joined != 0;
    bench_log(b, "joined %d, receiving everything %d of %d", joined, settled,
              b->nparts - b->nspeakers);
}

static void phase_listeners(struct bench *b, uint64_t now)
{
    start_more(b, now);
    int settled = 0;
    for (int i = 0; i < b->nparts; i++)
        settled += i < b->next_start && part_settled(b->parts[i]);
    if (settled < b->nparts && now < b->deadline) {
        progress(b, now, settled - b->nspeakers);
        return;
    }
    b->listeners_timed_out = settled < b->nparts;
    b->t_all_receiving = now;
    read_voxd(b, &b->voxd_listeners);
    bench_log(b, "%d of %d participants receive every stream they should%s", settled, b->nparts,
              b->listeners_timed_out ? " (join deadline passed)" : "");
    enter(b, BENCH_WARMUP, now, (uint64_t)b->f.warmup * SEC);
}

static void begin_window(struct bench *b, uint64_t now)
{
    for (int i = 0; i < b->nparts; i++)
        part_mark(b->parts[i], false);
    mark(b, &b->w0);
    b->in_window = true;
    enter(b, BENCH_WINDOW, now, (uint64_t)b->f.seconds * SEC);
    bench_log(b, "measuring for %d s", b->f.seconds);
}

static void end_window(struct bench *b, uint64_t now)
{
    mark(b, &b->w1);
    for (int i = 0; i < b->nparts; i++)
        part_mark(b->parts[i], true);
    b->in_window = false;
    b->voxd_end = b->w1.voxd;
    enter(b, BENCH_DONE, now, 0);
    report_print(b);
    shutdown_run(b);
}

static void on_tick(uv_timer_t *t)
{
    struct bench *b = t->data;
    uint64_t now = clock_mono_ns();
    for (int i = 0; i < b->next_start; i++)
        part_tick(b->parts[i], now);
    switch (b->phase) {
    case BENCH_SPEAKERS:
        phase_speakers(b, now);
        break;
    case BENCH_LISTENERS:
        phase_listeners(b, now);
        break;
    case BENCH_WARMUP:
        if (now >= b->deadline)
            begin_window(b, now);
        break;
    case BENCH_WINDOW:
        if (now >= b->deadline)
            end_window(b, now);
        break;
    case BENCH_DONE:
        break;
    }
}

static void on_media(uv_timer_t *t)
{
    struct bench *b = t->data;
    uint64_t now = clock_mono_ns();
    for (int i = 0; i < b->next_start; i++)
        if (b->parts[i]->publishes)
            part_send(b->parts[i], now);
}

void scenario_start(struct bench *b)
{
    uint64_t now = clock_mono_ns();
    b->t_start = now;
    read_voxd(b, &b->voxd_start);
    uv_timer_init(b->loop, &b->tick_timer);
    uv_timer_init(b->loop, &b->media_timer);
    b->tick_timer.data = b->media_timer.data = b;
    uv_timer_start(&b->tick_timer, on_tick, TICK_MS, TICK_MS);
    uv_timer_start(&b->media_timer, on_media, MEDIA_MS, MEDIA_MS);
    if (b->nspeakers == 0) {
        begin_listeners(b, now);
        return;
    }
    enter(b, BENCH_SPEAKERS, now, (uint64_t)b->f.join_timeout * SEC);
    bench_log(b, "starting %d speakers in %d room%s", b->nspeakers, b->nrooms,
              b->nrooms > 1 ? "s" : "");
    for (; b->next_start < b->nspeakers; b->next_start++)
        part_start(b->parts[b->next_start], now);
}
