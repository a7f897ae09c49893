// SPDX-License-Identifier: MIT
// Speaking detection: starts on the first loud interval, rides over short pauses, stops after
// the release, and a muted track is silent whatever its level.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "media/speaking.h"

static void test_attack_hold_release(void **state)
{
    (void)state;
    struct speaking s = {0};
    assert_false(speaking_update(&s, 127, false)); // silence stays silent
    assert_false(speaking_update(&s, SPEAKING_LEVEL + 1, false));
    assert_true(speaking_update(&s, 30, false)); // loud: speaking at once
    assert_true(s.on);
    assert_false(speaking_update(&s, 100, false)); // a pause between words: still speaking
    assert_false(speaking_update(&s, 100, false));
    assert_false(speaking_update(&s, SPEAKING_LEVEL, false)); // loud again (the threshold counts)
    for (int i = 0; i < SPEAKING_RELEASE - 1; i++)
        assert_false(speaking_update(&s, 127, false));
    assert_true(s.on);
    assert_true(speaking_update(&s, 127, false)); // the release: stops
    assert_false(s.on);
    assert_int_equal(s.level, 127);
}

static void test_muted_is_silent(void **state)
{
    (void)state;
    struct speaking s = {0};
    assert_false(speaking_update(&s, 0, true));
    assert_true(speaking_update(&s, 0, false));
    for (int i = 0; i < SPEAKING_RELEASE - 1; i++)
        assert_false(speaking_update(&s, 0, true));
    assert_true(speaking_update(&s, 0, true)); // a mute releases like silence does
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attack_hold_release),
        cmocka_unit_test(test_muted_is_silent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
