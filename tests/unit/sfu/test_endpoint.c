// SPDX-License-Identifier: MIT
// Server-side media endpoints on a real media worker: one endpoint publishes Opus-sized frames
// from a thread of its own (as a voice agent's synthesis would), the worker numbers and
// forwards them, and another endpoint of the same room receives them as plain RTP on the
// control loop, renumbered for it, while an endpoint of another room receives nothing. The
// frames count as speech (levels), and a control loop that stops taking packets costs a
// bounded backlog, the rest dropped and counted. Also run under ThreadSanitizer.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "sfu/sfu.h"

#define FRAMES 40

struct got {
    int n;
    uint32_t ssrc;
    uint16_t first_seq, last_seq;
    uint32_t first_ts, last_ts;
    uint8_t pt;
    int bad_payload, gaps;
};

static struct got listener, stranger;
static int voice_levels;

static void on_rtp(void *user, const char *peer_id, const struct sfu_rtp_in *p)
{
    struct got *g = user;
    (void)peer_id;
    if (g->n == 0) {
        g->ssrc = p->ssrc;
        g->first_seq = p->seq;
        g->first_ts = p->ts;
        g->pt = p->pt;
    } else if ((uint16_t)(g->last_seq + 1) != p->seq || p->ts - g->last_ts != 960) {
        g->gaps++;
    }
    // Each frame's bytes are its index, repeated: what went in must come out.
    if (p->payload_len != 80 || p->payload[0] != p->payload[79])
        g->bad_payload++;
    g->last_seq = p->seq;
    g->last_ts = p->ts;
    g->n++;
}

static void on_levels(void *user, const char *room_id, const struct sfu_level *lv, size_t n)
{
    (void)user, (void)room_id;
    for (size_t i = 0; i < n; i++)
        voice_levels += strcmp(lv[i].track_id, "TA") == 0 && lv[i].voice && lv[i].level == 30;
}

static const struct sfu_events events = {.levels = on_levels};
static const struct sfu_endpoint_ops ops = {.rtp = on_rtp};

struct sender {
    struct sfu_endpoint_ref ref;
    int frames, pace_us;
    int refused; // checked on the main thread: cmocka's asserts are not for other threads
};

static void *send_frames(void *arg)
{
    struct sender *s = arg;
    for (int i = 0; i < s->frames; i++) {
        uint8_t frame[80];
        memset(frame, (uint8_t)i, sizeof frame);
        s->refused +=
            sfu_endpoint_send(&s->ref, 5000, frame, sizeof frame, 960, 30, true, i == 0) != 0;
        if (s->pace_us)
            usleep((useconds_t)s->pace_us);
    }
    return NULL;
}

static void stop_loop(uv_timer_t *t)
{
    uv_stop(t->loop);
}

static void run_for(uv_loop_t *loop, int ms)
{
    uv_timer_t guard;
    uv_timer_init(loop, &guard);
    uv_timer_start(&guard, stop_loop, (uint64_t)ms, 0);
    uv_run(loop, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&guard, NULL);
    uv_run(loop, UV_RUN_NOWAIT);
}

static void publish(struct sfu *s, const char *room, const struct sfu_peer_info *pub)
{
    struct sfu_track_desc t = {.kind = SFU_AUDIO, .ssrc = 5000, .clock_rate = 48000};
    snprintf(t.track_id, sizeof t.track_id, "TA");
    snprintf(t.peer_id, sizeof t.peer_id, "%s", pub->peer_id);
    t.pt_out[111] = 111;
    t.primary_pt = 111;
    t.audio_level_ext = 1;
    sfu_track_add(s, room, &t);
}

static void test_endpoint_publishes_and_receives(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    char err[160];
    struct sfu_config cfg = {.workers = 1, .bind_ip = "127.0.0.1", .port = 0};
    struct sfu *s = sfu_new(&loop, &cfg, &events, NULL, err, sizeof err);
    assert_non_null(s);

    struct sfu_peer_info a, b, c;
    struct sfu_endpoint_ref ra, rb, rc;
    assert_int_equal(sfu_endpoint_open(s, "room-1", "agent", &ops, NULL, &a, &ra), 0);
    assert_int_equal(sfu_endpoint_open(s, "room-1", "recorder", &ops, &listener, &b, &rb), 0);
    assert_int_equal(sfu_endpoint_open(s, "room-2", "other", &ops, &stranger, &c, &rc), 0);
    assert_string_not_equal(a.peer_id, b.peer_id);
    publish(s, "room-1", &a);
    sfu_down_add(s, "room-1", b.peer_id, "TA", 9000);
    sfu_down_add(s, "room-2", c.peer_id, "TA", 9001); // not that room's track: nothing

    struct sender snd = {.ref = ra, .frames = FRAMES, .pace_us = 10000};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, send_frames, &snd), 0);
    run_for(&loop, FRAMES * 10 + 600);
    pthread_join(th, NULL);
    run_for(&loop, 300);
    assert_int_equal(snd.refused, 0);

    assert_int_equal(listener.n, FRAMES);
    assert_int_equal(listener.ssrc, 9000); // the SSRC its down track was given
    assert_int_equal(listener.pt, 111);
    assert_int_equal(listener.gaps, 0);
    assert_int_equal(listener.bad_payload, 0);
    assert_int_equal(stranger.n, 0);
    assert_true(voice_levels >= 1); // the agent's frames count as speech in its room

    // A frame for a track the endpoint never published, and one after the close: dropped.
    uint8_t frame[80] = {0};
    assert_int_equal(sfu_endpoint_send(&ra, 4242, frame, sizeof frame, 960, 127, false, false), 0);
    assert_int_equal(sfu_endpoint_send(&ra, 5000, frame, 0, 960, 127, false, false), -1);
    sfu_peer_close(s, "room-1", a.peer_id);
    assert_int_equal(sfu_endpoint_send(&ra, 5000, frame, sizeof frame, 960, 127, false, false), 0);
    run_for(&loop, 200);
    assert_int_equal(listener.n, FRAMES);

    sfu_peer_close(s, "room-1", b.peer_id);
    sfu_peer_close(s, "room-2", c.peer_id);
    sfu_free(s);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

static struct got flood;

static void test_backlog_is_bounded(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    char err[160];
    struct sfu_config cfg = {.workers = 1, .bind_ip = "127.0.0.1", .port = 0};
    struct sfu *s = sfu_new(&loop, &cfg, NULL, NULL, err, sizeof err);
    assert_non_null(s);
    struct sfu_peer_info a, b;
    struct sfu_endpoint_ref ra, rb;
    assert_int_equal(sfu_endpoint_open(s, "room-1", "agent", &ops, NULL, &a, &ra), 0);
    assert_int_equal(sfu_endpoint_open(s, "room-1", "recorder", &ops, &flood, &b, &rb), 0);
    publish(s, "room-1", &a);
    sfu_down_add(s, "room-1", b.peer_id, "TA", 9000);

    // The control loop does not run while 5,000 frames go through the worker: only the
    // backlog's worth waits for it.
    struct sender snd = {.ref = ra, .frames = SFU_ENDPOINT_BACKLOG + 904, .pace_us = 0};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, send_frames, &snd), 0);
    pthread_join(th, NULL);
    sleep(1);             // the worker works through its inbox meanwhile
    run_for(&loop, 2600); // the packets, then the worker's 2 s counters
    assert_int_equal(flood.n, SFU_ENDPOINT_BACKLOG);
    struct sfu_counters k;
    sfu_counters(s, &k);
    assert_true(k.tx_dropped >= 904);

    sfu_peer_close(s, "room-1", a.peer_id);
    sfu_peer_close(s, "room-1", b.peer_id);
    sfu_free(s);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_endpoint_publishes_and_receives),
        cmocka_unit_test(test_backlog_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
