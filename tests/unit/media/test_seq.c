// SPDX-License-Identifier: MIT
// Unit tests for media/seq: 16-bit comparisons across the wrap, unwrapping, and the
// reception tracker's loss, fraction, reordering, duplicates, restarts, probation and jitter.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "media/seq.h"

static void test_newer_and_diff(void **state)
{
    (void)state;
    assert_true(seq_newer(1, 0));
    assert_false(seq_newer(0, 1));
    assert_false(seq_newer(7, 7));
    assert_true(seq_newer(0, 65535));
    assert_false(seq_newer(65535, 0));
    assert_true(seq_newer(100, 65000));
    assert_true(seq_newer(32767, 0));
    assert_false(seq_newer(32769, 0)); // that far ahead is behind
    // Exactly half the space apart: one answer, the same whichever way round.
    assert_true(seq_newer(32768, 0) != seq_newer(0, 32768));
    assert_true(seq_newer(40000, 7232) != seq_newer(7232, 40000));
    assert_int_equal(seq_diff(0, 65535), 1);
    assert_int_equal(seq_diff(65535, 0), -1);
    assert_int_equal(seq_diff(10, 65530), 16);
    assert_int_equal(seq_diff(5, 5), 0);
    assert_int_equal(seq_diff(32767, 0), 32767);
    assert_int_equal(seq_diff(32768, 0), -32768);
    for (unsigned a = 0; a < 65536; a += 257)
        for (unsigned b = 0; b < 65536; b += 263)
            assert_int_equal(seq_newer((uint16_t)a, (uint16_t)b),
                             seq_diff((uint16_t)a, (uint16_t)b) > 0 ||
                                 (seq_diff((uint16_t)a, (uint16_t)b) == -32768 && a > b));
}

static void test_unwrap(void **state)
{
    (void)state;
    assert_int_equal(seq_unwrap(0x1fffe, 1), 0x20001);
    assert_int_equal(seq_unwrap(0x20001, 0xfffe), 0x1fffe);
    assert_int_equal(seq_unwrap(0x30000, 0), 0x30000);
    assert_int_equal(seq_unwrap(0x3000a, 5), 0x30005);
    assert_int_equal(seq_unwrap(100, 200), 200);
}

// Feeds seqs from..from+count-1 (mod 2^16), 960 ticks apart, arriving on time.
static void feed(struct seq_tracker *t, uint16_t from, unsigned count, unsigned skip_every)
{
    for (unsigned i = 0; i < count; i++) {
        if (skip_every && i % skip_every == skip_every - 1)
            continue;
        uint16_t s = (uint16_t)(from + i);
        uint32_t ts = (uint32_t)(from + i) * 960u;
        assert_true(seq_tracker_update(t, s, ts, ts + 5000));
    }
}

static void test_in_order_across_wrap(void **state)
{
    (void)state;
    struct seq_tracker t;
    seq_tracker_init(&t, 0);
    struct seq_report r;
    seq_tracker_report(&t, &r); // nothing yet: all zero
    assert_int_equal(r.expected, 0);
    assert_int_equal(r.ext_highest, 0);
    feed(&t, 65500, 100, 0);
    assert_int_equal(seq_tracker_ext_max(&t), 65536 + 63);
    seq_tracker_report(&t, &r);
    assert_int_equal(r.ext_highest, 65536 + 63);
    assert_int_equal(r.expected, 100);
    assert_int_equal(r.received, 100);
    assert_int_equal(r.cumulative_lost, 0);
    assert_int_equal(r.fraction_lost, 0);
    assert_int_equal(r.jitter, 0); // constant transit
}

static void test_loss_and_fraction_per_interval(void **state)
{
    (void)state;
    struct seq_tracker t;
    seq_tracker_init(&t, 0);
    feed(&t, 1000, 400, 4); // every 4th lost: 100 of 400
    struct seq_report r;
    seq_tracker_report(&t, &r);
    // The last sent (1399) is the 4th of its group, so the highest received is 1398.
    assert_int_equal(r.ext_highest, 1398);
    assert_int_equal(r.expected, 399);
    assert_int_equal(r.received, 300);
    assert_int_equal(r.cumulative_lost, 99);
    assert_int_equal(r.fraction_lost, 99 * 256 / 399);
    // A clean interval: fraction 0, cumulative stays.
    feed(&t, 1399, 200, 0);
    seq_tracker_report(&t, &r);
    assert_int_equal(r.fraction_lost, 0);
    assert_int_equal(r.cumulative_lost, 99);
    assert_int_equal(r.expected, 599);
    // An interval with nothing new reports no loss.
    seq_tracker_report(&t, &r);
    assert_int_equal(r.fraction_lost, 0);
    // Half lost in the next interval.
    feed(&t, 1599, 100, 2);
    seq_tracker_report(&t, &r);
    assert_int_equal(r.fraction_lost, 49 * 256 / 99);
    assert_int_equal(r.cumulative_lost, 99 + 49);
}

static void test_reordering_and_duplicates(void **state)
{
    (void)state;
    struct seq_tracker t;
    seq_tracker_init(&t, 0);
    static const uint16_t order[] = {65533, 65535, 65534, 0, 2, 1, 3};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        assert_true(seq_tracker_update(&t, order[i], order[i] * 960u, order[i] * 960u));
    struct seq_report r;
    seq_tracker_report(&t, &r);
    assert_int_equal(r.ext_highest, 65536 + 3);
    assert_int_equal(r.expected, 7);
    assert_int_equal(r.received, 7);
    assert_int_equal(r.cumulative_lost, 0);
    // A late packet from before the wrap does not move the highest back or add a cycle.
    assert_true(seq_tracker_update(&t, 65533, 0, 0));
    assert_int_equal(seq_tracker_ext_max(&t), 65536 + 3);
    // Duplicates make cumulative lost negative, as RFC 3550 allows; fraction stays 0.
    assert_true(seq_tracker_update(&t, 2, 0, 0));
    assert_true(seq_tracker_update(&t, 3, 0, 0));
    seq_tracker_report(&t, &r);
    assert_int_equal(r.received, 10);
    assert_int_equal(r.cumulative_lost, -3);
    assert_int_equal(r.fraction_lost, 0);
}

static void test_probation(void **state)
{
    (void)state;
    struct seq_tracker t;
    seq_tracker_init(&t, 2);
    assert_false(seq_tracker_update(&t, 500, 0, 0)); // first of two
    assert_false(seq_tracker_update(&t, 700, 0, 0)); // not consecutive: start over
    assert_false(seq_tracker_update(&t, 900, 0, 0));
    struct seq_report r;
    seq_tracker_report(&t, &r);
    assert_int_equal(r.expected, 0);
    assert_true(seq_tracker_update(&t, 901, 0, 0)); // two in a row: valid from here
    assert_true(seq_tracker_update(&t, 902, 0, 0));
    seq_tracker_report(&t, &r);
    assert_int_equal(r.ext_highest, 902);
    assert_int_equal(r.expected, 2);
    assert_int_equal(r.received, 2);
    // Probation 1 counts the very first packet.
    seq_tracker_init(&t, 1);
    assert_true(seq_tracker_update(&t, 0, 0, 0));
    seq_tracker_report(&t, &r);
    assert_int_equal(r.expected, 1);
    assert_int_equal(r.ext_highest, 0); // seq 0 first is not a wrap
}

static void test_jump_and_restart(void **state)
{
    (void)state;
    struct seq_tracker t;
    seq_tracker_init(&t, 0);
    feed(&t, 1000, 10, 0);
    // One stray packet far away is ignored, and the stream goes on.
    assert_false(seq_tracker_update(&t, 30000, 0, 0));
    assert_true(seq_tracker_update(&t, 1010, 0, 0));
    assert_int_equal(seq_tracker_ext_max(&t), 1010);
    // A forward jump under MAX_DROPOUT is in sequence: the gap counts as lost.
    assert_true(seq_tracker_update(&t, 1010 + 2999, 0, 0));
    struct seq_report r;
    seq_tracker_report(&t, &r);
    assert_int_equal(r.cumulative_lost, 2998);
    // The sender restarts at 30000: the second packet in a row confirms it.
    assert_false(seq_tracker_update(&t, 30000, 0, 0));
    assert_true(seq_tracker_update(&t, 30001, 0, 0));
    assert_true(seq_tracker_update(&t, 30002, 0, 0));
    seq_tracker_report(&t, &r);
    assert_int_equal(r.ext_highest, 30002);
    assert_int_equal(r.expected, 2);
    assert_int_equal(r.received, 2);
    assert_int_equal(r.cumulative_lost, 0);
    assert_int_equal(r.fraction_lost, 0);
}

static void test_cumulative_lost_clamps(void **state)
{
    (void)state;
    struct seq_tracker t;
    seq_tracker_init(&t, 0);
    uint16_t s = 0;
    // Jumps of 2999 stay in sequence; 3000 of them lose about 9 million packets.
    for (int i = 0; i < 3000; i++, s = (uint16_t)(s + 2999))
        assert_true(seq_tracker_update(&t, s, 0, 0));
    struct seq_report r;
    seq_tracker_report(&t, &r);
    assert_int_equal(r.received, 3000);
    assert_int_equal(r.expected, 2999u * 2999 + 1);
    assert_int_equal(r.cumulative_lost, 0x7fffff);
    assert_int_equal(r.fraction_lost, 255); // 2998/2999 of the interval
}

static void test_jitter(void **state)
{
    (void)state;
    struct seq_tracker t;
    seq_tracker_init(&t, 0);
    struct seq_report r;
    // 20 ms Opus at 48 kHz; arrivals alternate 0 and 160 ticks (3.3 ms) late, so |D| = 160.
    double ref = 0;
    for (unsigned i = 0; i < 200; i++) {
        uint32_t ts = 1000000u + i * 960;
        uint32_t arrival = ts + 7777 + (i % 2 ? 160 : 0);
        assert_true(seq_tracker_update(&t, (uint16_t)(40000 + i), ts, arrival));
        if (i > 0)
            ref += (160 - ref) / 16;
        if (i == 1) {
            seq_tracker_report(&t, &r);
            assert_int_equal(r.jitter, 10); // 160/16 after the first difference
        }
    }
    seq_tracker_report(&t, &r);
    assert_true(abs((int)r.jitter - (int)(ref + 0.5)) <= 1);
    assert_true(r.jitter >= 158 && r.jitter <= 160);
    // Steady arrivals again: jitter decays toward 0.
    for (unsigned i = 200; i < 400; i++) {
        uint32_t ts = 1000000u + i * 960;
        assert_true(seq_tracker_update(&t, (uint16_t)(40000 + i), ts, ts + 7777));
    }
    seq_tracker_report(&t, &r);
    assert_true(r.jitter < 3);
    // Timestamps and arrivals that wrap 2^32 do not disturb it.
    seq_tracker_init(&t, 0);
    for (unsigned i = 0; i < 100; i++) {
        uint32_t ts = 0xffffff00u + i * 960;
        assert_true(seq_tracker_update(&t, (uint16_t)i, ts, ts + 0x80000000u));
    }
    seq_tracker_report(&t, &r);
    assert_int_equal(r.jitter, 0);
    // A hostile source swinging by 2^31 each packet saturates instead of wrapping.
    seq_tracker_init(&t, 0);
    for (unsigned i = 0; i < 1000; i++)
        assert_true(seq_tracker_update(&t, (uint16_t)i, 0, i % 2 ? 0x7fffffffu : 0));
    seq_tracker_report(&t, &r);
    assert_true(r.jitter > 0x70000000u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_newer_and_diff),
        cmocka_unit_test(test_unwrap),
        cmocka_unit_test(test_in_order_across_wrap),
        cmocka_unit_test(test_loss_and_fraction_per_interval),
        cmocka_unit_test(test_reordering_and_duplicates),
        cmocka_unit_test(test_probation),
        cmocka_unit_test(test_jump_and_restart),
        cmocka_unit_test(test_cumulative_lost_clamps),
        cmocka_unit_test(test_jitter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
