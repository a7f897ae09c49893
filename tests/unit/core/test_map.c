// SPDX-License-Identifier: MIT
// The hash map against a brute-force model: random puts, gets and deletes (deletion's backward
// shift is where open addressing goes wrong), long keys refused, iteration sees every value.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/map.h"

#define KEYS 600

static void test_against_model(void **state)
{
    (void)state;
    map m;
    map_init(&m);
    static int vals[KEYS];
    int present[KEYS] = {0};
    uint32_t rng = 12345;
    for (int step = 0; step < 200000; step++) {
        rng = rng * 1103515245u + 12345u;
        int k = (int)((rng >> 8) % KEYS);
        char key[16];
        snprintf(key, sizeof key, "k%d", k);
        switch ((rng >> 4) % 3) {
        case 0:
            assert_int_equal(map_puts(&m, key, &vals[k]), 0);
            present[k] = 1;
            break;
        case 1:
            assert_ptr_equal(map_dels(&m, key), present[k] ? &vals[k] : NULL);
            present[k] = 0;
            break;
        default:
            assert_ptr_equal(map_gets(&m, key), present[k] ? &vals[k] : NULL);
        }
    }
    size_t n = 0;
    for (int k = 0; k < KEYS; k++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", k);
        assert_ptr_equal(map_gets(&m, key), present[k] ? &vals[k] : NULL);
        n += (size_t)present[k];
    }
    assert_int_equal(m.count, n);
    size_t pos = 0, seen = 0;
    while (map_next(&m, &pos, NULL))
        seen++;
    assert_int_equal(seen, n);
    map_fini(&m);
}

static void test_binary_and_long_keys(void **state)
{
    (void)state;
    map m;
    map_init(&m);
    uint8_t a[18] = {2, 0, 1, 2, 127, 0, 0, 1}, b[18] = {2, 0, 1, 3, 127, 0, 0, 1};
    int x, y;
    assert_int_equal(map_put(&m, a, sizeof a, &x), 0);
    assert_int_equal(map_put(&m, b, sizeof b, &y), 0);
    assert_ptr_equal(map_get(&m, a, sizeof a), &x);
    assert_ptr_equal(map_get(&m, b, sizeof b), &y);
    assert_null(map_get(&m, a, 8)); // a prefix is another key
    char lng[MAP_KEY_MAX + 2];
    memset(lng, 'z', sizeof lng - 1);
    lng[sizeof lng - 1] = '\0';
    assert_int_equal(map_puts(&m, lng, &x), -1);
    assert_null(map_gets(&m, lng));
    map_fini(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_model),
        cmocka_unit_test(test_binary_and_long_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
