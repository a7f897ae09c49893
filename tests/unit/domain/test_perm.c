// SPDX-License-Identifier: MIT
// Unit tests for domain/perm: names, role defaults per room type, override precedence.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/err.h"
#include "domain/perm.h"

static void test_names_cover_all_bits(void **state)
{
    (void)state;
    static const char *const names[] = {"connect",
                                        "speak",
                                        "mute_members",
                                        "deafen_members",
                                        "move_members",
                                        "use_voice_activity",
                                        "priority_speaker",
                                        "stream",
                                        "video",
                                        "request_to_speak",
                                        "manage_stage",
                                        "manage_room",
                                        "record"};
    assert_int_equal(perm_defs_count, 13);
    uint32_t seen = 0;
    for (size_t i = 0; i < perm_defs_count; i++) {
        assert_string_equal(perm_defs[i].name, names[i]);
        assert_int_equal(perm_defs[i].flag, UINT32_C(1) << i);
        uint32_t f = 0;
        assert_int_equal(perm_parse_name(names[i], &f), VOX_OK);
        assert_int_equal(f, perm_defs[i].flag);
        assert_string_equal(perm_name(f), names[i]);
        seen |= f;
    }
    assert_int_equal(seen, PERM_ALL);
    uint32_t f = 7;
    assert_int_equal(perm_parse_name("use_vad", &f), VOX_EINVAL);
    assert_int_equal(perm_parse_name(NULL, &f), VOX_EINVAL);
    assert_int_equal(f, 7);
    assert_null(perm_name(PERM_SPEAK | PERM_VIDEO));
    assert_null(perm_name(0));
    assert_null(perm_name(UINT32_C(1) << 20));
}

static void test_host_and_co_host(void **state)
{
    (void)state;
    for (int t = 0; t < ROOM_TYPE_COUNT; t++) {
        assert_int_equal(perm_for_role(ROLE_HOST, (room_type)t), PERM_ALL);
        assert_int_equal(perm_for_role(ROLE_CO_HOST, (room_type)t), PERM_ALL & ~PERM_MANAGE_ROOM);
    }
}

static void test_moderator(void **state)
{
    (void)state;
    uint32_t want = PERM_CONNECT | PERM_SPEAK | PERM_MUTE_MEMBERS | PERM_DEAFEN_MEMBERS |
                    PERM_MOVE_MEMBERS | PERM_USE_VAD | PERM_STREAM | PERM_VIDEO | PERM_MANAGE_STAGE;
    assert_int_equal(perm_for_role(ROLE_MODERATOR, ROOM_VOICE), want);
    assert_int_equal(perm_for_role(ROLE_MODERATOR, ROOM_STAGE), want);
    assert_false(perm_has(want, PERM_MANAGE_ROOM));
    assert_false(perm_has(want, PERM_RECORD));
}

static void test_participant(void **state)
{
    (void)state;
    uint32_t talk =
        PERM_CONNECT | PERM_SPEAK | PERM_USE_VAD | PERM_STREAM | PERM_VIDEO | PERM_REQUEST_TO_SPEAK;
    assert_int_equal(perm_for_role(ROLE_PARTICIPANT, ROOM_VOICE), talk);
    assert_int_equal(perm_for_role(ROLE_PARTICIPANT, ROOM_VIDEO), talk);
    // On a stage the plain participant only listens until approved.
    uint32_t stage = perm_for_role(ROLE_PARTICIPANT, ROOM_STAGE);
    assert_int_equal(stage, PERM_CONNECT | PERM_REQUEST_TO_SPEAK);
    assert_false(perm_has(stage, PERM_SPEAK));
    assert_false(perm_has(stage, PERM_VIDEO));
    assert_false(perm_has(stage, PERM_STREAM));
}

static void test_listeners_and_speaker(void **state)
{
    (void)state;
    for (int t = 0; t < ROOM_TYPE_COUNT; t++) {
        assert_int_equal(perm_for_role(ROLE_VIEWER, (room_type)t),
                         PERM_CONNECT | PERM_REQUEST_TO_SPEAK);
        assert_int_equal(perm_for_role(ROLE_AUDIENCE, (room_type)t),
                         PERM_CONNECT | PERM_REQUEST_TO_SPEAK);
    }
    uint32_t sp = perm_for_role(ROLE_SPEAKER, ROOM_STAGE);
    assert_true(perm_has(sp, PERM_CONNECT | PERM_SPEAK | PERM_USE_VAD));
    assert_false(perm_has(sp, PERM_MUTE_MEMBERS));
    assert_false(perm_has(sp, PERM_MANAGE_STAGE));
    assert_int_equal(perm_for_role((role)42, ROOM_VOICE), 0);
}

static void test_compute_without_overrides(void **state)
{
    (void)state;
    for (int r = 0; r < ROLE_COUNT; r++)
        assert_int_equal(perm_compute((role)r, ROOM_VOICE, NULL, NULL),
                         perm_for_role((role)r, ROOM_VOICE));
}

static void test_override_precedence(void **state)
{
    (void)state;
    // Role deny removes, role allow adds.
    struct perm_override ro = {.allow = PERM_RECORD, .deny = PERM_VIDEO};
    uint32_t f = perm_compute(ROLE_PARTICIPANT, ROOM_VIDEO, &ro, NULL);
    assert_false(perm_has(f, PERM_VIDEO));
    assert_true(perm_has(f, PERM_RECORD));
    assert_true(perm_has(f, PERM_SPEAK));
    // Allow wins over deny within one override.
    struct perm_override both = {.allow = PERM_SPEAK, .deny = PERM_SPEAK};
    assert_true(perm_has(perm_compute(ROLE_VIEWER, ROOM_VOICE, &both, NULL), PERM_SPEAK));
    // Identity override beats the role override in both directions.
    struct perm_override id_allow = {.allow = PERM_VIDEO};
    assert_true(perm_has(perm_compute(ROLE_PARTICIPANT, ROOM_VIDEO, &ro, &id_allow), PERM_VIDEO));
    struct perm_override role_allow = {.allow = PERM_SPEAK};
    struct perm_override id_deny = {.deny = PERM_SPEAK};
    f = perm_compute(ROLE_AUDIENCE, ROOM_STAGE, &role_allow, &id_deny);
    assert_false(perm_has(f, PERM_SPEAK));
    assert_int_equal(f, PERM_CONNECT | PERM_REQUEST_TO_SPEAK);
    // Identity override alone.
    f = perm_compute(ROLE_HOST, ROOM_VOICE, NULL, &id_deny);
    assert_int_equal(f, PERM_ALL & ~PERM_SPEAK);
}

static void test_override_unknown_bits_dropped(void **state)
{
    (void)state;
    struct perm_override junk = {.allow = UINT32_C(0xffff0000)};
    assert_int_equal(perm_compute(ROLE_VIEWER, ROOM_VOICE, &junk, NULL),
                     PERM_CONNECT | PERM_REQUEST_TO_SPEAK);
}

static void test_has(void **state)
{
    (void)state;
    assert_true(perm_has(PERM_SPEAK | PERM_VIDEO, PERM_SPEAK));
    assert_true(perm_has(PERM_SPEAK | PERM_VIDEO, PERM_SPEAK | PERM_VIDEO));
    assert_false(perm_has(PERM_SPEAK, PERM_SPEAK | PERM_VIDEO));
    assert_false(perm_has(PERM_ALL, 0));
    assert_false(perm_has(0, PERM_CONNECT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_cover_all_bits),
        cmocka_unit_test(test_host_and_co_host),
        cmocka_unit_test(test_moderator),
        cmocka_unit_test(test_participant),
        cmocka_unit_test(test_listeners_and_speaker),
        cmocka_unit_test(test_compute_without_overrides),
        cmocka_unit_test(test_override_precedence),
        cmocka_unit_test(test_override_unknown_bits_dropped),
        cmocka_unit_test(test_has),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
