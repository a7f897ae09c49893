// SPDX-License-Identifier: MIT
// Rewriting across what happens to real streams: a steady stream keeps its spacing, reordering
// maps consistently, a publisher restart (new SSRC, new random numbering) continues the output
// with no gap and timestamps advanced by the time in between, a mute gap is closed on resume,
// and late packets of a previous source are dropped rather than reusing numbers.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "media/rewrite.h"

static void map_ok(struct rewrite *rw, uint32_t ssrc, uint16_t seq, uint32_t ts, int64_t ms,
                   uint16_t want_seq, uint32_t want_ts)
{
    uint16_t s;
    uint32_t t;
    assert_int_equal(rewrite_map(rw, ssrc, seq, ts, ms, &s, &t), 0);
    assert_int_equal(s, want_seq);
    assert_int_equal(t, want_ts);
}

static void test_steady_and_reordered(void **state)
{
    (void)state;
    struct rewrite rw;
    rewrite_init(&rw, 0xabc, 48000, 1000, 5000);
    map_ok(&rw, 7, 65534, 4000000000u, 0, 1000, 5000);
    map_ok(&rw, 7, 65535, 4000000960u, 20, 1001, 5960);
    map_ok(&rw, 7, 1, 4000002880u, 60, 1003, 7880); // input wraps; 0 is late
    map_ok(&rw, 7, 0, 4000001920u, 61, 1002, 6920); // the late one fills its own place
    assert_int_equal(rw.max_out_seq, 1003);
    assert_int_equal(rw.max_out_ts, 7880);
}

static void test_publisher_restart(void **state)
{
    (void)state;
    struct rewrite rw;
    rewrite_init(&rw, 0xabc, 48000, 10, 100);
    for (int i = 0; i < 50; i++)
        map_ok(&rw, 1, (uint16_t)(300 + i), 9000u + 960u * (uint32_t)i, 20 * i, (uint16_t)(10 + i),
               100u + 960u * (uint32_t)i);
    // Last out: seq 59, ts 100 + 960*49 = 47140 at 980 ms. The publisher comes back 500 ms
    // later with a new SSRC and new random numbering.
    map_ok(&rw, 2, 40000, 123456789u, 1480, 60, 47140 + 500 * 48);
    map_ok(&rw, 2, 40001, 123456789u + 960, 1500, 61, 47140 + 500 * 48 + 960);
    // A late packet of the old source is dropped, not given a number already used.
    uint16_t s;
    uint32_t t;
    assert_int_equal(rewrite_map(&rw, 1, 350, 9000u + 960u * 50, 1501, &s, &t), -1);
    // And one from before the new source's first packet too.
    assert_int_equal(rewrite_map(&rw, 2, 39999, 123456789u - 960, 1502, &s, &t), -1);
    map_ok(&rw, 2, 40002, 123456789u + 1920, 1520, 62, 47140 + 500 * 48 + 1920);
}

static void test_mute_gap_closed(void **state)
{
    (void)state;
    struct rewrite rw;
    rewrite_init(&rw, 5, 48000, 0, 0);
    map_ok(&rw, 9, 100, 1000, 0, 0, 0);
    map_ok(&rw, 9, 101, 1960, 20, 1, 960);
    // Packets 102..199 are withheld (server mute) for 2 s; forwarding resumes.
    rewrite_rebase(&rw);
    map_ok(&rw, 9, 200, 1000 + 960 * 100, 2020, 2, 960 + 2000 * 48);
    map_ok(&rw, 9, 201, 1000 + 960 * 101, 2040, 3, 960 + 2000 * 48 + 960);
}

static void test_rebase_same_ms_moves_forward(void **state)
{
    (void)state;
    struct rewrite rw;
    rewrite_init(&rw, 5, 90000, 0, 0);
    map_ok(&rw, 9, 10, 500, 100, 0, 0);
    map_ok(&rw, 8, 77, 12345, 100, 1, 1); // a switch within the same millisecond: ts + 1
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steady_and_reordered),
        cmocka_unit_test(test_publisher_restart),
        cmocka_unit_test(test_mute_gap_closed),
        cmocka_unit_test(test_rebase_same_ms_moves_forward),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
