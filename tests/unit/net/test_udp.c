// SPDX-License-Identifier: MIT
// UDP batches on loopback: a burst sent with sendmmsg arrives whole and in order through
// recvmmsg, the burst callback runs, oversized datagrams are refused and counted.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "net/udp.h"

#define N 200 // well inside a default receive buffer: all sent before the first read

struct fx {
    uv_loop_t loop;
    struct udp a, b;
    int got, bursts, bad;
    uv_timer_t guard;
};

static void on_recv_b(void *user, const uint8_t *data, size_t len, const struct sockaddr *from)
{
    struct fx *f = user;
    (void)from;
    int seq;
    if (len != 100 || (memcpy(&seq, data, sizeof seq), seq != f->got))
        f->bad++;
    if (++f->got == N) {
        udp_close(&f->a, NULL);
        udp_close(&f->b, NULL);
        uv_close((uv_handle_t *)&f->guard, NULL);
    }
}

static void on_recv_a(void *user, const uint8_t *data, size_t len, const struct sockaddr *from)
{
    (void)user, (void)data, (void)len, (void)from;
}

static void on_burst(void *user)
{
    ((struct fx *)user)->bursts++;
}

static void on_guard(uv_timer_t *t)
{
    struct fx *f = t->data;
    fail_msg("%d of %d datagrams within 10 s", f->got, N);
}

static void test_batch_roundtrip(void **state)
{
    (void)state;
    struct fx *f = calloc(1, sizeof *f); // struct udp holds its batch: keep it off the stack
    uv_loop_init(&f->loop);
    assert_int_equal(udp_open(&f->a, &f->loop, "127.0.0.1", 0, on_recv_a, NULL, f), 0);
    assert_int_equal(udp_open(&f->b, &f->loop, "127.0.0.1", 0, on_recv_b, on_burst, f), 0);
    assert_true(f->b.port > 0);
    struct sockaddr_in to;
    uv_ip4_addr("127.0.0.1", f->b.port, &to);
    uint8_t big[UDP_MTU + 1] = {0};
    udp_send(&f->a, big, sizeof big, (struct sockaddr *)&to);
    assert_int_equal(f->a.stats.tx_dropped, 1);
    for (int i = 0; i < N; i++) {
        uint8_t *slot = udp_slot(&f->a);
        memset(slot, 0xab, 100);
        memcpy(slot, &i, sizeof i);
        udp_commit(&f->a, 100, (struct sockaddr *)&to);
        if (i % 50 == 49) // a full batch goes out by itself; flush the rest now and then
            udp_flush(&f->a);
    }
    udp_flush(&f->a);
    assert_int_equal(f->a.stats.tx_packets, N);
    uv_timer_init(&f->loop, &f->guard);
    f->guard.data = f;
    uv_timer_start(&f->guard, on_guard, 10000, 0);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_int_equal(f->got, N);
    assert_int_equal(f->bad, 0);
    assert_true(f->bursts > 0);
    assert_true(f->bursts < N); // datagrams came in batches, not one read each
    assert_int_equal(f->b.stats.rx_packets, N);
    assert_int_equal(uv_loop_close(&f->loop), 0);
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
