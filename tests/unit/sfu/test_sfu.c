// SPDX-License-Identifier: MIT
// The media plane's threads with the real workers: start two, open peers in rooms (rooms
// spread over workers), answer an ICE check on a worker's UDP port with the credentials
// sfu_peer_open handed out, refuse one with a wrong password, add and remove tracks and down
// tracks, see the counters arrive on the control loop, and stop cleanly. Also run under
// ThreadSanitizer (scripts/tsan.sh): control loop and workers share nothing but mailboxes.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rtc/stun.h"
#include "sfu/sfu.h"

static int states;

static void on_state(void *user, const char *peer_id, enum sfu_peer_state st, const char *why)
{
    (void)user, (void)peer_id, (void)st, (void)why;
    states++;
}

static const struct sfu_events events = {.peer_state = on_state};

// Sends a binding request for peer to its worker and returns the answer's length (0: none
// within 2 s).
static int check(const struct sfu_peer_info *peer, const char *pwd, uint8_t *ans, size_t cap)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)peer->port)};
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    uint8_t req[512], txid[STUN_TXID_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    char user[64];
    snprintf(user, sizeof user, "%s:remote", peer->ufrag);
    int n = stun_write_binding_request(req, sizeof req, txid, user, 12345, true, 99,
                                       (const uint8_t *)pwd, strlen(pwd));
    assert_true(n > 0);
    struct timeval tv = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sendto(fd, req, (size_t)n, 0, (struct sockaddr *)&to, sizeof to);
    ssize_t got = recv(fd, ans, cap, 0);
    close(fd);
    return got > 0 ? (int)got : 0;
}

static void stop_loop(uv_timer_t *t)
{
    uv_stop(t->loop);
}

static void test_workers_answer_checks_and_stop(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    char err[160];
    struct sfu_config cfg = {.workers = 2, .bind_ip = "127.0.0.1", .port = 0};
    struct sfu *s = sfu_new(&loop, &cfg, &events, NULL, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(sfu_worker_count(s), 2);
    assert_true(sfu_worker_port(s, 0) > 0 && sfu_worker_port(s, 1) > 0);
    assert_int_equal(strlen(sfu_fingerprint(s)), 32 * 3 - 1);

    struct sfu_peer_info a, b, c;
    assert_int_equal(sfu_peer_open(s, "room-1", "alice", SFU_PUBLISHER, &a), 0);
    assert_int_equal(sfu_peer_open(s, "room-1", "bob", SFU_SUBSCRIBER, &b), 0);
    assert_int_equal(sfu_peer_open(s, "room-2", "carol", SFU_PUBLISHER, &c), 0);
    assert_int_equal(a.port, b.port);     // one room, one worker
    assert_int_not_equal(a.port, c.port); // the second room goes to the less loaded worker
    assert_int_equal(strlen(a.ufrag), SFU_UFRAG_LEN);
    assert_string_not_equal(a.ufrag, b.ufrag);

    uint8_t ans[512];
    int n = check(&a, a.pwd, ans, sizeof ans);
    assert_true(n > 0);
    struct stun_msg m;
    assert_int_equal(stun_parse(&m, ans, (size_t)n), 0);
    assert_int_equal(m.cls, STUN_SUCCESS);
    assert_int_equal(
        stun_check_integrity(&m, ans, (size_t)n, (const uint8_t *)a.pwd, strlen(a.pwd)), 0);
    assert_int_equal(check(&c, "not-the-password", ans, sizeof ans), 0); // dropped

    struct sfu_track_desc t = {.kind = SFU_AUDIO, .ssrc = 1234, .clock_rate = 48000};
    snprintf(t.track_id, sizeof t.track_id, "TR1");
    snprintf(t.peer_id, sizeof t.peer_id, "%s", a.peer_id);
    t.pt_out[111] = 111;
    sfu_track_add(s, "room-1", &t);
    sfu_down_add(s, "room-1", b.peer_id, "TR1", 777);
    sfu_track_withhold(s, "room-1", "TR1", true);
    sfu_peer_receive(s, "room-1", b.peer_id, false);
    sfu_down_remove(s, "room-1", b.peer_id, "TR1");
    sfu_track_remove(s, "room-1", "TR1");

    // Counters come back with the workers' 2 s reports; the control loop must run for it.
    uv_timer_t guard;
    uv_timer_init(&loop, &guard);
    uv_timer_start(&guard, stop_loop, 2600, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&guard, NULL);
    struct sfu_counters k;
    sfu_counters(s, &k);
    assert_true(k.peers >= 3);
    assert_true(k.rx_packets >= 2);
    assert_true(k.dropped[2] >= 1); // stun_auth: the wrong password
    sfu_peer_close(s, "room-1", a.peer_id);
    sfu_peer_close(s, "room-1", b.peer_id);
    sfu_free(s);                   // carol's peer goes with its worker
    uv_run(&loop, UV_RUN_DEFAULT); // the sfu's mailbox handle closes
    assert_int_equal(uv_loop_close(&loop), 0);
    (void)states;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workers_answer_checks_and_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
