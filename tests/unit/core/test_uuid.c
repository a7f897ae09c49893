// SPDX-License-Identifier: MIT
// Unit tests for core/uuid: v4 format and bits, uniqueness, v7 timestamp bits and ordering.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/uuid.h"

#define N 10000

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1; // uppercase is not allowed either
}

// 8-4-4-4-12 lowercase hex, the given version nibble, RFC variant (10xx).
static void assert_uuid_shape(const char *u, int version)
{
    assert_int_equal(strlen(u), 36);
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            assert_int_equal(u[i], '-');
        else if (hexval(u[i]) < 0)
            fail_msg("%s: bad character at %d", u, i);
    }
    assert_int_equal(hexval(u[14]), version);
    assert_int_equal(hexval(u[19]) >> 2, 2);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void test_v4_format_and_uniqueness(void **state)
{
    (void)state;
    char(*ids)[UUID_STR_LEN] = calloc(N, UUID_STR_LEN);
    int variants[4] = {0}, hex_seen[36][16] = {{0}};
    for (int i = 0; i < N; i++) {
        memset(ids[i], 'Z', UUID_STR_LEN);
        uuid_new(ids[i]);
        assert_uuid_shape(ids[i], 4);
        variants[hexval(ids[i][19]) & 3]++;
        for (int j = 0; j < 36; j++)
            if (hexval(ids[i][j]) >= 0)
                hex_seen[j][hexval(ids[i][j])]++;
    }
    // The two variant bits below the fixed ones are random: each value shows up.
    for (int v = 0; v < 4; v++)
        assert_true(variants[v] > N / 8);
    // Every random nibble position takes all 16 values over 10k ids.
    for (int j = 0; j < 36; j++) {
        if (j == 8 || j == 13 || j == 18 || j == 23 || j == 14 || j == 19)
            continue;
        for (int h = 0; h < 16; h++)
            if (hex_seen[j][h] == 0)
                fail_msg("position %d never had nibble %x", j, h);
    }
    qsort(ids, N, UUID_STR_LEN, cmp_str);
    for (int i = 1; i < N; i++)
        assert_string_not_equal(ids[i - 1], ids[i]);
    free(ids);
}

// The first 48 bits (12 hex digits, skipping the dash) are the big-endian ms timestamp.
static int64_t v7_timestamp(const char *u)
{
    int64_t ms = 0;
    for (int i = 0; i < 13; i++)
        if (i != 8)
            ms = ms << 4 | hexval(u[i]);
    return ms;
}

static void test_v7_timestamp_bits(void **state)
{
    (void)state;
    static const int64_t times[] = {
        0, 1, 255, 256, 0x0123456789abLL, 1709214306123LL, 253402300799999LL, (1LL << 48) - 1};
    char u[UUID_STR_LEN];
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        uuid_new_v7(u, times[i]);
        assert_uuid_shape(u, 7);
        assert_int_equal(v7_timestamp(u), times[i]);
    }
    uuid_new_v7(u, 0x0123456789abLL);
    assert_memory_equal(u, "01234567-89ab-7", 15);
}

static void test_v7_ordering(void **state)
{
    (void)state;
    char prev[UUID_STR_LEN], cur[UUID_STR_LEN];
    int64_t base = 1709214306000LL;
    uuid_new_v7(prev, base);
    // Later milliseconds sort later, whatever the random tail.
    for (int i = 1; i < N; i++) {
        int64_t ms = base + i * 37;
        uuid_new_v7(cur, ms);
        assert_uuid_shape(cur, 7);
        if (strcmp(prev, cur) >= 0)
            fail_msg("%s (ms %lld) does not sort after %s", cur, (long long)ms, prev);
        memcpy(prev, cur, sizeof cur);
    }
    // Same millisecond: still unique, same 48-bit prefix.
    char a[UUID_STR_LEN], b[UUID_STR_LEN];
    uuid_new_v7(a, base);
    uuid_new_v7(b, base);
    assert_string_not_equal(a, b);
    assert_memory_equal(a, b, 13);
}

static void test_random_bytes(void **state)
{
    (void)state;
    uint8_t a[64] = {0}, b[64] = {0};
    uuid_random_bytes(a, sizeof a);
    uuid_random_bytes(b, sizeof b);
    assert_memory_not_equal(a, b, sizeof a);
    uint8_t big[70000];
    memset(big, 0, sizeof big);
    uuid_random_bytes(big, sizeof big); // larger than one getrandom() guarantee
    int zeros = 0;
    for (size_t i = 0; i < sizeof big; i++)
        zeros += big[i] == 0;
    assert_true(zeros < 1000); // ~273 expected; a short fill would leave many
    uuid_random_bytes(NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v4_format_and_uniqueness),
        cmocka_unit_test(test_v7_timestamp_bits),
        cmocka_unit_test(test_v7_ordering),
        cmocka_unit_test(test_random_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
