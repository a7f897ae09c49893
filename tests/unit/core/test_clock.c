// SPDX-License-Identifier: MIT
// Unit tests for core/clock: RFC 3339 formatting against libc's gmtime_r/strftime, and
// parsing of RFC 3339 UTC timestamps and millisecond integers.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/err.h"

#define MAX_MS 253402300799999LL // 9999-12-31T23:59:59.999Z

static void reference_format(int64_t ms, char out[64])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    assert_non_null(gmtime_r(&t, &tm));
    size_t n = strftime(out, 64, "%Y-%m-%dT%H:%M:%S", &tm);
    assert_int_equal(n, 19);
    snprintf(out + n, 64 - n, ".%03dZ", (int)(ms % 1000));
}

static void check_format(int64_t ms)
{
    char got[32], want[64];
    memset(got, 'X', sizeof got);
    clock_format_rfc3339(ms, got);
    reference_format(ms, want);
    if (strcmp(got, want) != 0)
        fail_msg("ms=%lld: got %s want %s", (long long)ms, got, want);
    assert_int_equal(strlen(got), 24);
}

static int64_t utc_ms(int y, int mon, int d, int h, int mi, int s, int ms)
{
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mon - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = s};
    return (int64_t)timegm(&tm) * 1000 + ms;
}

static void test_format_fixed_points(void **state)
{
    (void)state;
    char out[32];
    clock_format_rfc3339(0, out);
    assert_string_equal(out, "1970-01-01T00:00:00.000Z");
    clock_format_rfc3339(1, out);
    assert_string_equal(out, "1970-01-01T00:00:00.001Z");
    clock_format_rfc3339(951782400000LL + 86399999, out);
    assert_string_equal(out, "2000-02-29T23:59:59.999Z");
    clock_format_rfc3339(MAX_MS, out);
    assert_string_equal(out, "9999-12-31T23:59:59.999Z");
    clock_format_rfc3339(-5, out); // negative times clamp to the epoch
    assert_string_equal(out, "1970-01-01T00:00:00.000Z");
}

static void test_format_leap_days_and_edges(void **state)
{
    (void)state;
    static const int years[] = {1972, 1996, 2000, 2004, 2024, 2028, 2400, 4000, 9996};
    for (size_t i = 0; i < sizeof years / sizeof years[0]; i++) {
        int y = years[i];
        check_format(utc_ms(y, 2, 28, 23, 59, 59, 999));
        check_format(utc_ms(y, 2, 29, 0, 0, 0, 0));
        check_format(utc_ms(y, 2, 29, 12, 34, 56, 789));
        check_format(utc_ms(y, 3, 1, 0, 0, 0, 0));
    }
    static const int non_leap[] = {1900 + 100, 2100, 2200, 2300, 2023, 9999};
    for (size_t i = 0; i < sizeof non_leap / sizeof non_leap[0]; i++) {
        check_format(utc_ms(non_leap[i], 2, 28, 23, 59, 59, 999));
        check_format(utc_ms(non_leap[i], 3, 1, 0, 0, 0, 0));
    }
    for (int y = 1970; y <= 9999; y += 7) { // year boundaries
        check_format(utc_ms(y, 1, 1, 0, 0, 0, 0));
        check_format(utc_ms(y, 12, 31, 23, 59, 59, 999));
    }
    check_format(MAX_MS);
}

static void test_format_many_instants(void **state)
{
    (void)state;
    uint64_t x = 0x9E3779B97F4A7C15ull; // fixed seed: failures reproduce
    for (int i = 0; i < 200000; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        int64_t ms = (int64_t)((x >> 11) % (uint64_t)(MAX_MS + 1));
        check_format(ms);
    }
    for (int64_t ms = 0; ms < 3 * 86400000LL; ms += 999983) // every part of a few days
        check_format(ms);
}

static void test_parse_round_trips_format(void **state)
{
    (void)state;
    uint64_t x = 12345;
    for (int i = 0; i < 20000; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        int64_t ms = (int64_t)((x >> 11) % (uint64_t)(MAX_MS + 1)), back = -1;
        char s[32];
        clock_format_rfc3339(ms, s);
        assert_int_equal(clock_parse_time(s, &back), 0);
        if (back != ms)
            fail_msg("%s parsed to %lld, want %lld", s, (long long)back, (long long)ms);
    }
}

static void expect_parse(const char *s, int64_t want)
{
    int64_t got = -12345;
    int rc = clock_parse_time(s, &got);
    if (rc != 0 || got != want)
        fail_msg("\"%s\": rc=%d ms=%lld, want %lld", s, rc, (long long)got, (long long)want);
}

static void expect_reject(const char *s)
{
    int64_t got = -12345;
    int rc = clock_parse_time(s, &got);
    if (rc != VOX_EINVAL || got != -12345)
        fail_msg("\"%s\" accepted: rc=%d ms=%lld", s ? s : "(null)", rc, (long long)got);
}

static void test_parse_valid(void **state)
{
    (void)state;
    int64_t base = utc_ms(2024, 2, 29, 13, 45, 6, 0);
    expect_parse("2024-02-29T13:45:06Z", base);
    expect_parse("2024-02-29T13:45:06.000Z", base);
    expect_parse("2024-02-29T13:45:06.5Z", base + 500);
    expect_parse("2024-02-29T13:45:06.05Z", base + 50);
    expect_parse("2024-02-29T13:45:06.123Z", base + 123);
    expect_parse("2024-02-29T13:45:06.123999Z", base + 123); // truncated to ms
    expect_parse("1970-01-01T00:00:00Z", 0);
    expect_parse("9999-12-31T23:59:59.999Z", MAX_MS);
    expect_parse("2000-02-29T00:00:00Z", 951782400000LL);
    // Plain integers are ms since the epoch.
    expect_parse("0", 0);
    expect_parse("1", 1);
    expect_parse("1709214306000", 1709214306000LL);
    expect_parse("253402300799999", MAX_MS);
}

static void test_parse_rejects(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "abc",
        "-1",
        "12.5",
        "1e3",
        "0x10",
        "123abc",
        "2024-02-29",
        "2024-02-29T13:45",
        "2024-02-29T13:45:06",       // no zone
        "2024-02-29T13:45:06+00:00", // only Z is accepted
        "2024-02-29T13:45:06+01:00",
        "2024-02-29T13:45:06-05:00",
        "2024-02-29T13:45:06.123+02:00",
        "2024-02-29T13:45:06z",
        "2024-02-29t13:45:06Z",
        "2024-02-29 13:45:06Z",
        "2024-02-29T13:45:06ZZ",
        "2024-02-29T13:45:06Z ",
        "2024-02-29T13:45:06.12aZ",
        "2024-13-01T00:00:00Z",
        "2024-00-10T00:00:00Z",
        "2024-01-32T00:00:00Z",
        "2024-01-01T24:00:00Z",
        "2024-01-01T23:60:00Z",
        "1969-12-31T23:59:59Z", // before the epoch
        "10000-01-01T00:00:00Z",
        "2024-02-29T13:45:06.0000000000000000000000000000000Z", // over the length limit
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_reject(bad[i]);
    expect_reject(NULL);
}

// Was a bug (fixed) (src/core/clock.c, clock_parse_time): strptime does not check the day against
// the month and timegm() normalizes, so impossible dates are accepted and silently moved:
// "2023-02-29T00:00:00Z" parses to 2023-03-01 and "2024-04-31T00:00:00Z" to 2024-05-01.
static void test_parse_rejects_impossible_dates(void **state)
{
    (void)state;
    expect_reject("2023-02-29T00:00:00Z");
    expect_reject("2023-02-30T00:00:00Z");
    expect_reject("2024-04-31T00:00:00Z");
    expect_reject("2100-02-29T00:00:00Z");
}

// Was a bug (fixed) (src/core/clock.c, clock_parse_time): RFC 3339 needs 1+ digits after '.', and
// 2-digit fields; "2024-01-01T00:00:00.Z", "2024-1-1T0:0:0Z" and "2024-01-01T 1:00:00Z" are
// accepted (the fraction loop allows zero digits; glibc strptime takes 1-digit and space-padded
// numbers). The integer form goes through strtoll, which skips leading blanks, takes '+'
// and saturates: " 123", "+5" and "99999999999999999999" (-> INT64_MAX) are accepted.
static void test_parse_rejects_loose_syntax(void **state)
{
    (void)state;
    expect_reject("2024-01-01T00:00:00.Z");
    expect_reject("2024-1-1T0:0:0Z");
    expect_reject("2024-01-01T 1:00:00Z");
    expect_reject(" 123");
    expect_reject("+5");
    expect_reject("99999999999999999999");
}

static void test_now_and_mono(void **state)
{
    (void)state;
    int64_t now = clock_now_ms();
    int64_t t = (int64_t)time(NULL) * 1000;
    assert_true(now > 1600000000000LL);
    assert_true(now >= t - 2000 && now <= t + 2000);
    uint64_t a = clock_mono_ns();
    for (int i = 0; i < 1000; i++) {
        uint64_t b = clock_mono_ns();
        assert_true(b >= a);
        a = b;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_fixed_points),
        cmocka_unit_test(test_format_leap_days_and_edges),
        cmocka_unit_test(test_format_many_instants),
        cmocka_unit_test(test_parse_round_trips_format),
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_parse_rejects_impossible_dates),
        cmocka_unit_test(test_parse_rejects_loose_syntax),
        cmocka_unit_test(test_now_and_mono),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
