// SPDX-License-Identifier: MIT
// Unit tests for rtc/dtls: a client and a server handshake in memory by passing each other's
// datagrams; SRTP profile choice, crosswise key export, fingerprint mismatch, lost datagrams
// recovered by the retransmission timer, garbage input, close_notify.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "rtc/dtls.h"

#define QUEUE_MAX 64

// Datagrams one side sent that the other has not yet received.
struct queue {
    uint8_t data[QUEUE_MAX][DTLS_MTU];
    size_t len[QUEUE_MAX];
    int n;
    int sent; // all datagrams ever sent by this side
    int drop; // index (in `sent`) of one datagram to lose, or -1
};

struct pair {
    struct dtls *client, *server;
    struct queue to_server, to_client;
};

static struct dtls_cert *cert_a, *cert_b; // client's and server's

static void on_send(void *user, const uint8_t *data, size_t len)
{
    struct queue *q = user;
    assert_true(len > 0);
    assert_true(len <= DTLS_MTU);
    assert_true(data[0] >= 20 && data[0] <= 63); // RFC 7983: every datagram demuxes as DTLS
    if (q->sent++ == q->drop)
        return;
    assert_true(q->n < QUEUE_MAX);
    memcpy(q->data[q->n], data, len);
    q->len[q->n++] = len;
}

static void sdp_fingerprint(const struct dtls_cert *c, char *out, size_t cap)
{
    snprintf(out, cap, "%s %s", DTLS_FINGERPRINT_ALGO, dtls_cert_fingerprint(c));
}

// Makes both ends, each expecting the other's real fingerprint unless told otherwise.
static void pair_init(struct pair *p, const char *client_expects, const char *server_expects)
{
    char fa[128], fb[128];
    sdp_fingerprint(cert_a, fa, sizeof fa);
    sdp_fingerprint(cert_b, fb, sizeof fb);
    memset(p, 0, sizeof *p);
    p->to_server.drop = p->to_client.drop = -1;
    p->client = dtls_new(cert_a, DTLS_ROLE_CLIENT, client_expects ? client_expects : fb, on_send,
                         &p->to_server);
    p->server = dtls_new(cert_b, DTLS_ROLE_SERVER, server_expects ? server_expects : fa, on_send,
                         &p->to_client);
    assert_non_null(p->client);
    assert_non_null(p->server);
}

static void pair_fini(struct pair *p)
{
    dtls_free(p->client);
    dtls_free(p->server);
}

// Delivers every queued datagram; counts the feeds that completed a handshake.
static int deliver(struct queue *q, struct dtls *to)
{
    int connected = 0;
    for (int i = 0; i < q->n; i++) {
        int rc = dtls_feed(to, q->data[i], q->len[i]);
        assert_true(rc <= 1);
        connected += rc == 1;
    }
    q->n = 0;
    return connected;
}

static int is_done(const struct dtls *d)
{
    return dtls_state(d) != DTLS_STATE_HANDSHAKING && dtls_state(d) != DTLS_STATE_NEW;
}

// Waits for the earlier of the two retransmission timers and fires both; 0 when none runs.
static int fire_timers(struct pair *p)
{
    int tc = dtls_timeout_ms(p->client), ts = dtls_timeout_ms(p->server);
    if (tc < 0 && ts < 0)
        return 0;
    int wait = tc < 0 ? ts : ts < 0 ? tc : tc < ts ? tc : ts;
    assert_true(wait <= 4000);
    poll(NULL, 0, wait);
    if (dtls_timeout_ms(p->client) == 0)
        dtls_on_timeout(p->client);
    if (dtls_timeout_ms(p->server) == 0)
        dtls_on_timeout(p->server);
    return 1;
}

// Runs the handshake to its end (both ends connected, failed or closed, or nothing left to
// say); returns how many timer rounds it needed.
static int run(struct pair *p)
{
    int timers = 0, connected = 0;
    assert_int_equal(dtls_start(p->client), 0);
    for (int round = 0; round < 200; round++) {
        if (p->to_server.n == 0 && p->to_client.n == 0) {
            if (is_done(p->client) && is_done(p->server))
                break;
            if (!fire_timers(p))
                break;
            timers++;
            continue;
        }
        connected += deliver(&p->to_server, p->server);
        connected += deliver(&p->to_client, p->client);
    }
    if (dtls_state(p->client) == DTLS_STATE_CONNECTED &&
        dtls_state(p->server) == DTLS_STATE_CONNECTED)
        assert_int_equal(connected, 2); // dtls_feed said 1 exactly once on each side
    return timers;
}

static void assert_connected(struct pair *p, enum dtls_srtp_profile want)
{
    assert_int_equal(dtls_state(p->client), DTLS_STATE_CONNECTED);
    assert_int_equal(dtls_state(p->server), DTLS_STATE_CONNECTED);
    assert_string_equal(dtls_error(p->client), "");
    assert_string_equal(dtls_error(p->server), "");
    struct dtls_srtp_keys kc, ks;
    assert_int_equal(dtls_srtp_keys(p->client, &kc), 0);
    assert_int_equal(dtls_srtp_keys(p->server, &ks), 0);
    assert_int_equal(kc.profile, want);
    assert_int_equal(ks.profile, want);
    assert_int_equal(kc.key_len, 16);
    assert_int_equal(kc.salt_len, want == DTLS_SRTP_AEAD_AES_128_GCM ? 12 : 14);
    assert_int_equal(ks.key_len, kc.key_len);
    assert_int_equal(ks.salt_len, kc.salt_len);
    // What one side sends with, the other receives with; the two directions differ.
    assert_memory_equal(kc.local_key, ks.remote_key, kc.key_len);
    assert_memory_equal(kc.remote_key, ks.local_key, kc.key_len);
    assert_memory_equal(kc.local_salt, ks.remote_salt, kc.salt_len);
    assert_memory_equal(kc.remote_salt, ks.local_salt, kc.salt_len);
    assert_memory_not_equal(kc.local_key, kc.remote_key, kc.key_len);
    assert_memory_not_equal(kc.local_salt, kc.remote_salt, kc.salt_len);
}

static int group_setup(void **state)
{
    (void)state;
    cert_a = dtls_cert_new();
    cert_b = dtls_cert_new();
    return cert_a && cert_b ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    dtls_cert_free(cert_a);
    dtls_cert_free(cert_b);
    return 0;
}

static void test_fingerprint_form(void **state)
{
    (void)state;
    const char *f = dtls_cert_fingerprint(cert_a);
    assert_int_equal(strlen(f), DTLS_FINGERPRINT_LEN - 1);
    for (size_t i = 0; f[i]; i++) {
        if (i % 3 == 2)
            assert_int_equal(f[i], ':');
        else
            assert_non_null(strchr("0123456789ABCDEF", f[i]));
    }
    assert_string_not_equal(f, dtls_cert_fingerprint(cert_b)); // a fresh key each time
    dtls_cert_free(NULL);
    dtls_free(NULL);
}

static void test_handshake_prefers_gcm(void **state)
{
    (void)state;
    struct pair p;
    pair_init(&p, NULL, NULL);
    assert_int_equal(dtls_state(p.client), DTLS_STATE_NEW);
    assert_int_equal(dtls_timeout_ms(p.client), -1);
    struct dtls_srtp_keys k;
    assert_int_equal(dtls_srtp_keys(p.client, &k), VOX_ECONFLICT);
    assert_int_equal(run(&p), 0);
    assert_connected(&p, DTLS_SRTP_AEAD_AES_128_GCM);
    assert_int_equal(dtls_role(p.client), DTLS_ROLE_CLIENT);
    assert_int_equal(dtls_role(p.server), DTLS_ROLE_SERVER);
    assert_int_equal(dtls_timeout_ms(p.client), -1); // nothing left to retransmit
    assert_string_equal(dtls_srtp_profile_name(k.profile), "none");
    assert_string_equal(dtls_state_name(dtls_state(p.server)), "connected");
    // Profiles can no longer change.
    enum dtls_srtp_profile only = DTLS_SRTP_AES128_CM_SHA1_80;
    assert_int_equal(dtls_set_srtp_profiles(p.server, &only, 1), VOX_ECONFLICT);
    pair_fini(&p);
}

static void handshake_with(const enum dtls_srtp_profile *client_list, size_t nc,
                           const enum dtls_srtp_profile *server_list, size_t ns,
                           enum dtls_srtp_profile want)
{
    struct pair p;
    pair_init(&p, NULL, NULL);
    if (client_list)
        assert_int_equal(dtls_set_srtp_profiles(p.client, client_list, nc), 0);
    if (server_list)
        assert_int_equal(dtls_set_srtp_profiles(p.server, server_list, ns), 0);
    run(&p);
    assert_connected(&p, want);
    assert_string_equal(dtls_srtp_profile_name(want), want == DTLS_SRTP_AEAD_AES_128_GCM
                                                          ? "AEAD_AES_128_GCM"
                                                          : "AES128_CM_SHA1_80");
    pair_fini(&p);
}

static void test_profile_sha1_when_one_side_offers_only_it(void **state)
{
    (void)state;
    const enum dtls_srtp_profile sha1[] = {DTLS_SRTP_AES128_CM_SHA1_80};
    const enum dtls_srtp_profile sha1_first[] = {DTLS_SRTP_AES128_CM_SHA1_80,
                                                 DTLS_SRTP_AEAD_AES_128_GCM};
    handshake_with(sha1, 1, NULL, 0, DTLS_SRTP_AES128_CM_SHA1_80);
    handshake_with(NULL, 0, sha1, 1, DTLS_SRTP_AES128_CM_SHA1_80);
    // The server's preference decides when both are offered.
    handshake_with(sha1_first, 2, NULL, 0, DTLS_SRTP_AEAD_AES_128_GCM);
    handshake_with(NULL, 0, sha1_first, 2, DTLS_SRTP_AES128_CM_SHA1_80);
}

static void test_no_common_profile_fails(void **state)
{
    (void)state;
    const enum dtls_srtp_profile gcm[] = {DTLS_SRTP_AEAD_AES_128_GCM};
    const enum dtls_srtp_profile sha1[] = {DTLS_SRTP_AES128_CM_SHA1_80};
    struct pair p;
    pair_init(&p, NULL, NULL);
    assert_int_equal(dtls_set_srtp_profiles(p.client, gcm, 1), 0);
    assert_int_equal(dtls_set_srtp_profiles(p.server, sha1, 1), 0);
    run(&p);
    assert_int_not_equal(dtls_state(p.client), DTLS_STATE_CONNECTED);
    assert_int_not_equal(dtls_state(p.server), DTLS_STATE_CONNECTED);
    assert_int_equal(dtls_state(p.client), DTLS_STATE_FAILED);
    assert_non_null(strstr(dtls_error(p.client), "SRTP"));
    struct dtls_srtp_keys k;
    assert_int_equal(dtls_srtp_keys(p.client, &k), VOX_ECONFLICT);
    pair_fini(&p);
}

static void test_set_profiles_rejects_bad_lists(void **state)
{
    (void)state;
    struct pair p;
    pair_init(&p, NULL, NULL);
    const enum dtls_srtp_profile bad[] = {(enum dtls_srtp_profile)0x0002};
    const enum dtls_srtp_profile twice[] = {DTLS_SRTP_AEAD_AES_128_GCM, DTLS_SRTP_AEAD_AES_128_GCM};
    assert_int_equal(dtls_set_srtp_profiles(p.client, bad, 1), VOX_EINVAL);
    assert_int_equal(dtls_set_srtp_profiles(p.client, bad, 0), VOX_EINVAL);
    assert_int_equal(dtls_set_srtp_profiles(p.client, twice, 2), VOX_EINVAL);
    run(&p); // the defaults still hold
    assert_connected(&p, DTLS_SRTP_AEAD_AES_128_GCM);
    pair_fini(&p);
}

// A fingerprint of the right form that is not the peer's.
static void wrong_fingerprint(const struct dtls_cert *c, char *out, size_t cap)
{
    sdp_fingerprint(c, out, cap);
    char *last = out + strlen(out) - 1;
    *last = *last == '0' ? '1' : '0';
}

static void test_client_refuses_wrong_fingerprint(void **state)
{
    (void)state;
    char wrong[128];
    wrong_fingerprint(cert_b, wrong, sizeof wrong);
    struct pair p;
    pair_init(&p, wrong, NULL);
    run(&p);
    assert_int_equal(dtls_state(p.client), DTLS_STATE_FAILED);
    assert_string_equal(dtls_error(p.client),
                        "the peer's certificate does not match the fingerprint of its SDP");
    // The client's alert fails the server too, with OpenSSL's name for it.
    assert_int_equal(dtls_state(p.server), DTLS_STATE_FAILED);
    assert_non_null(strstr(dtls_error(p.server), "bad certificate"));
    struct dtls_srtp_keys k;
    assert_int_equal(dtls_srtp_keys(p.client, &k), VOX_ECONFLICT);
    assert_int_equal(dtls_srtp_keys(p.server, &k), VOX_ECONFLICT);
    // Failed is terminal.
    uint8_t rec[13] = {22, 0xfe, 0xfd};
    assert_int_equal(dtls_feed(p.client, rec, sizeof rec), VOX_EIO);
    assert_int_equal(dtls_on_timeout(p.client), VOX_EIO);
    assert_int_equal(dtls_timeout_ms(p.client), -1);
    pair_fini(&p);
}

static void test_server_refuses_wrong_fingerprint(void **state)
{
    (void)state;
    char wrong[128];
    sdp_fingerprint(cert_b, wrong, sizeof wrong); // the server's own, not the client's
    struct pair p;
    pair_init(&p, NULL, wrong);
    run(&p);
    assert_int_equal(dtls_state(p.server), DTLS_STATE_FAILED);
    assert_string_equal(dtls_error(p.server),
                        "the peer's certificate does not match the fingerprint of its SDP");
    assert_int_not_equal(dtls_state(p.client), DTLS_STATE_CONNECTED);
    assert_int_equal(dtls_state(p.client), DTLS_STATE_FAILED);
    pair_fini(&p);
}

static void test_fingerprint_forms_accepted_and_refused(void **state)
{
    (void)state;
    char ok[128], lower[128];
    snprintf(ok, sizeof ok, "SHA-256 %s", dtls_cert_fingerprint(cert_b));
    snprintf(lower, sizeof lower, "sha-256 %s", dtls_cert_fingerprint(cert_b));
    for (char *c = lower; *c; c++)
        if (*c >= 'A' && *c <= 'F')
            *c = (char)(*c - 'A' + 'a');
    const char *good[] = {ok, lower};
    for (size_t i = 0; i < 2; i++) {
        struct pair p;
        pair_init(&p, good[i], NULL);
        run(&p);
        assert_connected(&p, DTLS_SRTP_AEAD_AES_128_GCM);
        pair_fini(&p);
    }
    char trailing[140], short_fp[128], sha1_long[140];
    snprintf(trailing, sizeof trailing, "sha-256 %s:", dtls_cert_fingerprint(cert_b));
    snprintf(short_fp, sizeof short_fp, "sha-256 %.92s", dtls_cert_fingerprint(cert_b));
    snprintf(sha1_long, sizeof sha1_long, "sha-1 %s", dtls_cert_fingerprint(cert_b));
    const char *bad[] = {
        NULL,          "",       "sha-256", "sha-256 ", "md5 AB:CD",
        "sha-256  AB", trailing, short_fp,  sha1_long,  "x 00:11",
    };
    struct queue q = {.drop = -1};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_null(dtls_new(cert_a, DTLS_ROLE_CLIENT, bad[i], on_send, &q));
    // Other hashes are understood: a sha-1 value of the right length makes a dtls.
    struct dtls *d =
        dtls_new(cert_a, DTLS_ROLE_CLIENT,
                 "sha-1 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33", on_send, &q);
    assert_non_null(d);
    dtls_free(d);
}

// Loses one datagram of one side and checks the timer brings the handshake home.
static void lose_one(int from_client, int index)
{
    struct pair p;
    pair_init(&p, NULL, NULL);
    (from_client ? &p.to_server : &p.to_client)->drop = index;
    int timers = run(&p);
    assert_connected(&p, DTLS_SRTP_AEAD_AES_128_GCM);
    assert_true(timers >= 1);
    pair_fini(&p);
}

static void test_lost_datagrams_are_retransmitted(void **state)
{
    (void)state;
    struct pair p;
    pair_init(&p, NULL, NULL);
    run(&p);
    assert_connected(&p, DTLS_SRTP_AEAD_AES_128_GCM);
    int client_sent = p.to_server.sent, server_sent = p.to_client.sent;
    pair_fini(&p);
    // Client: ClientHello, then its second flight (certificate .. Finished). Server: its
    // first flight, then ChangeCipherSpec and Finished, whose loss the connected server
    // repairs when the client's retransmitted flight reaches it.
    assert_true(client_sent >= 2 && server_sent >= 2);
    for (int i = 0; i < client_sent; i++)
        lose_one(1, i);
    for (int i = 0; i < server_sent; i++)
        lose_one(0, i);
}

static void test_timer_resends_and_backs_off(void **state)
{
    (void)state;
    struct queue q = {.drop = -1};
    char fb[128];
    sdp_fingerprint(cert_b, fb, sizeof fb);
    struct dtls *d = dtls_new(cert_a, DTLS_ROLE_CLIENT, fb, on_send, &q);
    assert_int_equal(dtls_timeout_ms(d), -1);
    assert_int_equal(dtls_on_timeout(d), 0); // not started: nothing to do
    assert_int_equal(dtls_start(d), 0);
    assert_int_equal(dtls_state(d), DTLS_STATE_HANDSHAKING);
    assert_int_equal(q.n, 1);
    int t = dtls_timeout_ms(d);
    assert_true(t > 0 && t <= 100);
    assert_int_equal(dtls_on_timeout(d), 0); // not expired yet: nothing resent
    assert_int_equal(q.n, 1);
    // Each expiry resends the ClientHello and doubles the next wait (100, 200, 400 ms).
    int prev = 0;
    for (int i = 0; i < 3; i++) {
        poll(NULL, 0, dtls_timeout_ms(d));
        assert_int_equal(dtls_timeout_ms(d), 0);
        assert_int_equal(dtls_on_timeout(d), 0);
        assert_int_equal(q.n, 2 + i);
        assert_memory_equal(q.data[1 + i], q.data[0], 13 - 8); // same record type and epoch
        t = dtls_timeout_ms(d);
        assert_true(t > prev);
        prev = t;
    }
    assert_true(prev > 200 && prev <= 800);
    dtls_free(d);
}

static void test_garbage_never_connects(void **state)
{
    (void)state;
    srand(7);
    struct pair p;
    pair_init(&p, NULL, NULL);
    uint8_t buf[1500];
    assert_int_equal(dtls_feed(p.server, buf, 0), VOX_EINVAL);
    buf[0] = 0x80; // RTP, not DTLS
    assert_int_equal(dtls_feed(p.server, buf, 100), VOX_EINVAL);
    buf[0] = 64;
    assert_int_equal(dtls_feed(p.server, buf, 100), VOX_EINVAL);
    assert_int_equal(dtls_state(p.server), DTLS_STATE_NEW);
    for (int i = 0; i < 2000; i++) {
        size_t n = 1 + (size_t)rand() % sizeof buf;
        for (size_t j = 0; j < n; j++)
            buf[j] = (uint8_t)rand();
        buf[0] = (uint8_t)(20 + rand() % 44);
        if (i % 2) { // a plausible DTLS 1.2 record header over garbage
            buf[1] = 0xfe, buf[2] = 0xfd;
            buf[0] = (uint8_t)(20 + i % 4);
        }
        dtls_feed(p.server, buf, n);
        dtls_feed(p.client, buf, n);
        assert_int_not_equal(dtls_state(p.server), DTLS_STATE_CONNECTED);
        assert_int_not_equal(dtls_state(p.client), DTLS_STATE_CONNECTED);
    }
    pair_fini(&p);
}

static void test_garbage_after_connect_is_dropped(void **state)
{
    (void)state;
    struct pair p;
    pair_init(&p, NULL, NULL);
    run(&p);
    assert_connected(&p, DTLS_SRTP_AEAD_AES_128_GCM);
    srand(11);
    uint8_t buf[1500];
    for (int i = 0; i < 2000; i++) {
        size_t n = 13 + (size_t)rand() % (sizeof buf - 13);
        for (size_t j = 0; j < n; j++)
            buf[j] = (uint8_t)rand();
        buf[0] = (uint8_t)(20 + i % 4);
        buf[1] = 0xfe, buf[2] = 0xfd;
        buf[3] = 0, buf[4] = (uint8_t)(i % 3); // epochs 0..2
        assert_int_equal(dtls_feed(p.server, buf, n), 0);
    }
    // Unauthenticated records never end an established association (RFC 6347 4.1.2.7).
    assert_int_equal(dtls_state(p.server), DTLS_STATE_CONNECTED);
    pair_fini(&p);
}

static void test_close_notify(void **state)
{
    (void)state;
    struct pair p;
    pair_init(&p, NULL, NULL);
    run(&p);
    assert_connected(&p, DTLS_SRTP_AEAD_AES_128_GCM);
    dtls_close(p.client);
    assert_int_equal(dtls_state(p.client), DTLS_STATE_CLOSED);
    assert_int_equal(p.to_server.n, 1);
    assert_int_equal(dtls_feed(p.server, p.to_server.data[0], p.to_server.len[0]), VOX_ECONFLICT);
    assert_int_equal(dtls_state(p.server), DTLS_STATE_CLOSED);
    assert_string_equal(dtls_error(p.server), "");
    assert_int_equal(p.to_client.n, 1); // the server's own close_notify in answer
    dtls_close(p.server);               // a second close sends nothing
    assert_int_equal(p.to_client.n, 1);
    struct dtls_srtp_keys k;
    assert_int_equal(dtls_srtp_keys(p.server, &k), VOX_ECONFLICT);
    pair_fini(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fingerprint_form),
        cmocka_unit_test(test_handshake_prefers_gcm),
        cmocka_unit_test(test_profile_sha1_when_one_side_offers_only_it),
        cmocka_unit_test(test_no_common_profile_fails),
        cmocka_unit_test(test_set_profiles_rejects_bad_lists),
        cmocka_unit_test(test_client_refuses_wrong_fingerprint),
        cmocka_unit_test(test_server_refuses_wrong_fingerprint),
        cmocka_unit_test(test_fingerprint_forms_accepted_and_refused),
        cmocka_unit_test(test_lost_datagrams_are_retransmitted),
        cmocka_unit_test(test_timer_resends_and_backs_off),
        cmocka_unit_test(test_garbage_never_connects),
        cmocka_unit_test(test_garbage_after_connect_is_dropped),
        cmocka_unit_test(test_close_notify),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
