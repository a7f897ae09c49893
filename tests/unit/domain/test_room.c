// SPDX-License-Identifier: MIT
// Unit tests for domain/room: names, limits, capacity, bitrate bounds, media mode.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/err.h"
#include "domain/room.h"

static void test_type_names_round_trip(void **state)
{
    (void)state;
    static const char *const names[] = {"voice", "video", "screen_share", "broadcast", "stage"};
    for (int i = 0; i < ROOM_TYPE_COUNT; i++) {
        room_type t = ROOM_STAGE;
        assert_int_equal(room_type_parse(names[i], &t), VOX_OK);
        assert_int_equal(t, i);
        assert_string_equal(room_type_name(t), names[i]);
    }
    room_type t = ROOM_VIDEO;
    assert_int_equal(room_type_parse("Voice", &t), VOX_EINVAL);
    assert_int_equal(room_type_parse("", &t), VOX_EINVAL);
    assert_int_equal(room_type_parse("voice ", &t), VOX_EINVAL);
    assert_int_equal(room_type_parse(NULL, &t), VOX_EINVAL);
    assert_int_equal(t, ROOM_VIDEO);
    assert_string_equal(room_type_name((room_type)99), "unknown");
}

static void test_media_mode_names(void **state)
{
    (void)state;
    room_media_mode m = ROOM_MEDIA_P2P;
    assert_int_equal(room_media_mode_parse("sfu", &m), VOX_OK);
    assert_int_equal(m, ROOM_MEDIA_SFU);
    assert_int_equal(room_media_mode_parse("p2p", &m), VOX_OK);
    assert_int_equal(m, ROOM_MEDIA_P2P);
    assert_int_equal(room_media_mode_parse("mcu", &m), VOX_EINVAL);
    assert_string_equal(room_media_mode_name(ROOM_MEDIA_SFU), "sfu");
    assert_string_equal(room_media_mode_name(ROOM_MEDIA_P2P), "p2p");
    assert_string_equal(room_media_mode_name((room_media_mode)7), "unknown");
}

static void test_default_limits(void **state)
{
    (void)state;
    assert_int_equal(room_default_limit(ROOM_VOICE), 99);
    assert_int_equal(room_default_limit(ROOM_VIDEO), 50);
    assert_int_equal(room_default_limit(ROOM_SCREEN_SHARE), 50);
    assert_int_equal(room_default_limit(ROOM_BROADCAST), 1000);
    assert_int_equal(room_default_limit(ROOM_STAGE), 1000);
    assert_int_equal(room_default_limit((room_type)-1), 0);
}

static void test_effective_limit(void **state)
{
    (void)state;
    assert_int_equal(room_effective_limit(ROOM_VOICE, 0), 99);
    assert_int_equal(room_effective_limit(ROOM_VOICE, -5), 99);
    assert_int_equal(room_effective_limit(ROOM_VOICE, 10), 10);
    assert_int_equal(room_effective_limit(ROOM_VOICE, 99), 99);
    assert_int_equal(room_effective_limit(ROOM_VOICE, 500), 99);
    assert_int_equal(room_effective_limit(ROOM_STAGE, 0), 1000);
    assert_int_equal(room_effective_limit(ROOM_STAGE, 250), 250);
}

static void test_check_max_participants(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_int_equal(room_check_max_participants(ROOM_VOICE, 1, &why), VOX_OK);
    assert_int_equal(room_check_max_participants(ROOM_VOICE, 99, &why), VOX_OK);
    assert_null(why);
    assert_int_equal(room_check_max_participants(ROOM_VOICE, 100, &why), VOX_EINVAL);
    assert_non_null(why);
    why = NULL;
    assert_int_equal(room_check_max_participants(ROOM_VOICE, 0, &why), VOX_EINVAL);
    assert_non_null(why);
    assert_int_equal(room_check_max_participants(ROOM_VOICE, -1, NULL), VOX_EINVAL);
    assert_int_equal(room_check_max_participants(ROOM_STAGE, 1000, NULL), VOX_OK);
    assert_int_equal(room_check_max_participants(ROOM_STAGE, 1001, NULL), VOX_EINVAL);
    assert_int_equal(room_check_max_participants(ROOM_VIDEO, 51, NULL), VOX_EINVAL);
    assert_int_equal(room_check_max_participants((room_type)42, 1, NULL), VOX_EINVAL);
}

static void test_capacity_voice_full_at_99(void **state)
{
    (void)state;
    assert_int_equal(room_check_capacity(ROOM_VOICE, 0, 0), VOX_OK);
    assert_int_equal(room_check_capacity(ROOM_VOICE, 0, 98), VOX_OK);
    assert_int_equal(room_check_capacity(ROOM_VOICE, 0, 99), VOX_EFULL);
    assert_int_equal(room_check_capacity(ROOM_VOICE, 0, 150), VOX_EFULL);
    assert_int_equal(room_check_capacity(ROOM_VOICE, 0, -1), VOX_EINVAL);
}

static void test_capacity_stage_and_lower_max(void **state)
{
    (void)state;
    assert_int_equal(room_check_capacity(ROOM_STAGE, 0, 999), VOX_OK);
    assert_int_equal(room_check_capacity(ROOM_STAGE, 0, 1000), VOX_EFULL);
    assert_int_equal(room_check_capacity(ROOM_VIDEO, 2, 1), VOX_OK);
    assert_int_equal(room_check_capacity(ROOM_VIDEO, 2, 2), VOX_EFULL);
    // A max above the type's ceiling does not raise it.
    assert_int_equal(room_check_capacity(ROOM_VOICE, 5000, 99), VOX_EFULL);
}

static void test_bitrate_bounds(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_int_equal(room_check_bitrate(7999, &why), VOX_EINVAL);
    assert_non_null(why);
    assert_int_equal(room_check_bitrate(8000, NULL), VOX_OK);
    assert_int_equal(room_check_bitrate(64000, NULL), VOX_OK);
    assert_int_equal(room_check_bitrate(384000, NULL), VOX_OK);
    assert_int_equal(room_check_bitrate(384001, NULL), VOX_EINVAL);
    assert_int_equal(room_check_bitrate(0, NULL), VOX_EINVAL);
    assert_int_equal(room_check_bitrate(-64000, NULL), VOX_EINVAL);
}

static void test_default_bitrates_are_valid(void **state)
{
    (void)state;
    assert_int_equal(room_default_bitrate(ROOM_VOICE), 64000);
    for (int t = 0; t < ROOM_TYPE_COUNT; t++)
        assert_int_equal(room_check_bitrate(room_default_bitrate((room_type)t), NULL), VOX_OK);
}

static void test_media_mode_fit(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_int_equal(room_check_media_mode(ROOM_STAGE, ROOM_MEDIA_SFU, 0, &why), VOX_OK);
    assert_int_equal(room_check_media_mode(ROOM_VIDEO, ROOM_MEDIA_P2P, 2, &why), VOX_OK);
    assert_int_equal(room_check_media_mode(ROOM_VOICE, ROOM_MEDIA_P2P, 4, &why), VOX_OK);
    assert_int_equal(room_check_media_mode(ROOM_VOICE, ROOM_MEDIA_P2P, 5, &why), VOX_EINVAL);
    assert_int_equal(room_check_media_mode(ROOM_VOICE, ROOM_MEDIA_P2P, 0, &why), VOX_EINVAL);
    assert_int_equal(room_check_media_mode(ROOM_STAGE, ROOM_MEDIA_P2P, 2, &why), VOX_EINVAL);
    assert_non_null(why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_names_round_trip),
        cmocka_unit_test(test_media_mode_names),
        cmocka_unit_test(test_default_limits),
        cmocka_unit_test(test_effective_limit),
        cmocka_unit_test(test_check_max_participants),
        cmocka_unit_test(test_capacity_voice_full_at_99),
        cmocka_unit_test(test_capacity_stage_and_lower_max),
        cmocka_unit_test(test_bitrate_bounds),
        cmocka_unit_test(test_default_bitrates_are_valid),
        cmocka_unit_test(test_media_mode_fit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
