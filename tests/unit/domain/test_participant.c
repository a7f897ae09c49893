// SPDX-License-Identifier: MIT
// Unit tests for domain/participant: media change rules, events, move/remove/admit.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/err.h"
#include "domain/participant.h"
#include "domain/perm.h"

static struct participant_media off_media;

// A context where actor (with its room-default perms) acts on itself in a video room.
static struct participant_change_ctx self_ctx(role r)
{
    struct participant_change_ctx x = {
        .actor = {r, perm_for_role(r, ROOM_VIDEO)},
        .target_role = r,
        .is_self = true,
        .screen_share_allowed = true,
        .target_media = &off_media,
    };
    return x;
}

static struct participant_change_ctx other_ctx(role actor, role target)
{
    struct participant_change_ctx x = self_ctx(actor);
    x.is_self = false;
    x.target_role = target;
    return x;
}

static int check(const struct participant_change_ctx *x, struct participant_change c)
{
    const char *why = NULL;
    int rc = participant_check_change(x, &c, &why);
    if (rc != VOX_OK)
        assert_non_null(why);
    return rc;
}

static void test_status_names(void **state)
{
    (void)state;
    static const char *const names[] = {"invited",      "waiting", "joining", "connected",
                                        "reconnecting", "left",    "removed", "denied"};
    for (int i = 0; i < PARTICIPANT_STATUS_COUNT; i++) {
        participant_status s;
        assert_int_equal(participant_status_parse(names[i], &s), VOX_OK);
        assert_int_equal(s, i);
        assert_string_equal(participant_status_name(s), names[i]);
    }
    participant_status s;
    assert_int_equal(participant_status_parse("kicked", &s), VOX_EINVAL);
    assert_string_equal(participant_status_name((participant_status)8), "unknown");
}

static void test_presence(void **state)
{
    (void)state;
    for (int i = 0; i < PARTICIPANT_STATUS_COUNT; i++) {
        bool present =
            i == PARTICIPANT_JOINING || i == PARTICIPANT_CONNECTED || i == PARTICIPANT_RECONNECTING;
        bool gone = i == PARTICIPANT_LEFT || i == PARTICIPANT_REMOVED || i == PARTICIPANT_DENIED;
        assert_int_equal(participant_is_present((participant_status)i), present);
        assert_int_equal(participant_is_gone((participant_status)i), gone);
    }
}

static void test_media_init(void **state)
{
    (void)state;
    struct participant_media m;
    memset(&m, 0xff, sizeof(m));
    participant_media_init(&m);
    assert_false(m.audio || m.video || m.screen_share || m.self_mute || m.self_deaf ||
                 m.server_mute || m.server_deaf || m.hand_raised || m.speaking);
    assert_int_equal(m.volume, 100);
}

static void test_self_participant(void **state)
{
    (void)state;
    struct participant_change_ctx x = self_ctx(ROLE_PARTICIPANT);
    assert_int_equal(check(&x, (struct participant_change){.has_audio = 1, .audio = 1}), VOX_OK);
    assert_int_equal(check(&x, (struct participant_change){.has_video = 1, .video = 1}), VOX_OK);
    assert_int_equal(
        check(&x, (struct participant_change){.has_screen_share = 1, .screen_share = 1}), VOX_OK);
    assert_int_equal(check(&x, (struct participant_change){.has_self_mute = 1,
                                                           .self_mute = 1,
                                                           .has_self_deaf = 1,
                                                           .self_deaf = 1,
                                                           .has_hand_raised = 1,
                                                           .hand_raised = 1}),
                     VOX_OK);
    // Server mute is moderation, even on oneself.
    assert_int_equal(check(&x, (struct participant_change){.has_server_mute = 1, .server_mute = 0}),
                     VOX_EFORBIDDEN);
    assert_int_equal(check(&x, (struct participant_change){.has_server_deaf = 1, .server_deaf = 0}),
                     VOX_EFORBIDDEN);
}

static void test_viewer_cannot_publish(void **state)
{
    (void)state;
    struct participant_change_ctx x = self_ctx(ROLE_VIEWER);
    assert_int_equal(check(&x, (struct participant_change){.has_audio = 1, .audio = 1}),
                     VOX_EFORBIDDEN);
    assert_int_equal(check(&x, (struct participant_change){.has_video = 1, .video = 1}),
                     VOX_EFORBIDDEN);
    assert_int_equal(
        check(&x, (struct participant_change){.has_screen_share = 1, .screen_share = 1}),
        VOX_EFORBIDDEN);
    // Even when an override grants the flags.
    x.actor.perms = PERM_ALL;
    assert_int_equal(check(&x, (struct participant_change){.has_audio = 1, .audio = 1}),
                     VOX_EFORBIDDEN);
    assert_int_equal(check(&x, (struct participant_change){.has_video = 1, .video = 1}),
                     VOX_EFORBIDDEN);
    // Turning things off, raising a hand and volume are fine.
    x = self_ctx(ROLE_VIEWER);
    assert_int_equal(check(&x, (struct participant_change){.has_audio = 1, .audio = 0}), VOX_OK);
    assert_int_equal(check(&x, (struct participant_change){.has_hand_raised = 1, .hand_raised = 1}),
                     VOX_OK);
    assert_int_equal(check(&x, (struct participant_change){.has_volume = 1, .volume = 50}), VOX_OK);
}

static void test_missing_flags(void **state)
{
    (void)state;
    struct participant_change_ctx x = self_ctx(ROLE_PARTICIPANT);
    x.actor.perms &= ~(PERM_SPEAK | PERM_VIDEO | PERM_STREAM);
    assert_int_equal(check(&x, (struct participant_change){.has_audio = 1, .audio = 1}),
                     VOX_EFORBIDDEN);
    assert_int_equal(check(&x, (struct participant_change){.has_video = 1, .video = 1}),
                     VOX_EFORBIDDEN);
    assert_int_equal(
        check(&x, (struct participant_change){.has_screen_share = 1, .screen_share = 1}),
        VOX_EFORBIDDEN);
    // Stage audience has no speak.
    x = self_ctx(ROLE_AUDIENCE);
    x.actor.perms = perm_for_role(ROLE_AUDIENCE, ROOM_STAGE);
    assert_int_equal(check(&x, (struct participant_change){.has_audio = 1, .audio = 1}),
                     VOX_EFORBIDDEN);
}

static void test_screen_share_room_flag(void **state)
{
    (void)state;
    struct participant_change_ctx x = self_ctx(ROLE_HOST);
    x.screen_share_allowed = false;
    assert_int_equal(
        check(&x, (struct participant_change){.has_screen_share = 1, .screen_share = 1}),
        VOX_EFORBIDDEN);
    assert_int_equal(
        check(&x, (struct participant_change){.has_screen_share = 1, .screen_share = 0}), VOX_OK);
}

static void test_server_muted_cannot_enable_audio(void **state)
{
    (void)state;
    struct participant_media muted = {.server_mute = true, .volume = 100};
    struct participant_change_ctx x = self_ctx(ROLE_PARTICIPANT);
    x.target_media = &muted;
    assert_int_equal(check(&x, (struct participant_change){.has_audio = 1, .audio = 1}),
                     VOX_EFORBIDDEN);
    // Cannot lift it oneself either.
    assert_int_equal(check(&x,
                           (struct participant_change){
                               .has_audio = 1, .audio = 1, .has_server_mute = 1, .server_mute = 0}),
                     VOX_EFORBIDDEN);
    // A moderator acting on itself can unmute and enable in one change.
    x = self_ctx(ROLE_MODERATOR);
    x.target_media = &muted;
    assert_int_equal(check(&x,
                           (struct participant_change){
                               .has_audio = 1, .audio = 1, .has_server_mute = 1, .server_mute = 0}),
                     VOX_OK);
    // NULL target media means nothing is muted.
    x = self_ctx(ROLE_PARTICIPANT);
    x.target_media = NULL;
    assert_int_equal(check(&x, (struct participant_change){.has_audio = 1, .audio = 1}), VOX_OK);
}

static void test_moderator_on_others(void **state)
{
    (void)state;
    struct participant_change_ctx x = other_ctx(ROLE_MODERATOR, ROLE_PARTICIPANT);
    assert_int_equal(check(&x, (struct participant_change){.has_server_mute = 1, .server_mute = 1}),
                     VOX_OK);
    assert_int_equal(check(&x, (struct participant_change){.has_server_deaf = 1, .server_deaf = 1}),
                     VOX_OK);
    assert_int_equal(check(&x, (struct participant_change){.has_audio = 1,
                                                           .audio = 0,
                                                           .has_video = 1,
                                                           .video = 0,
                                                           .has_screen_share = 1,
                                                           .screen_share = 0}),
                     VOX_OK);
    assert_int_equal(check(&x, (struct participant_change){.has_hand_raised = 1, .hand_raised = 0}),
                     VOX_OK);
    // Turning someone's media on, raising their hand, or touching their own settings: no.
    assert_int_equal(check(&x, (struct participant_change){.has_audio = 1, .audio = 1}),
                     VOX_EFORBIDDEN);
    assert_int_equal(check(&x, (struct participant_change){.has_video = 1, .video = 1}),
                     VOX_EFORBIDDEN);
    assert_int_equal(check(&x, (struct participant_change){.has_hand_raised = 1, .hand_raised = 1}),
                     VOX_EFORBIDDEN);
    assert_int_equal(check(&x, (struct participant_change){.has_self_mute = 1, .self_mute = 1}),
                     VOX_EFORBIDDEN);
    assert_int_equal(check(&x, (struct participant_change){.has_self_deaf = 1, .self_deaf = 0}),
                     VOX_EFORBIDDEN);
    assert_int_equal(check(&x, (struct participant_change){.has_volume = 1, .volume = 10}),
                     VOX_EFORBIDDEN);
}

static void test_moderator_cannot_touch_host(void **state)
{
    (void)state;
    struct participant_change c = {.has_server_mute = 1, .server_mute = 1};
    struct participant_change_ctx x = other_ctx(ROLE_MODERATOR, ROLE_HOST);
    assert_int_equal(check(&x, c), VOX_EFORBIDDEN);
    x = other_ctx(ROLE_MODERATOR, ROLE_MODERATOR);
    assert_int_equal(check(&x, c), VOX_EFORBIDDEN);
    x = other_ctx(ROLE_MODERATOR, ROLE_CO_HOST);
    assert_int_equal(check(&x, c), VOX_EFORBIDDEN);
    x = other_ctx(ROLE_HOST, ROLE_MODERATOR);
    assert_int_equal(check(&x, c), VOX_OK);
}

static void test_outranking_without_flag(void **state)
{
    (void)state;
    // A participant outranks a viewer but has no member permissions.
    struct participant_change_ctx x = other_ctx(ROLE_PARTICIPANT, ROLE_VIEWER);
    assert_int_equal(check(&x, (struct participant_change){.has_server_mute = 1, .server_mute = 1}),
                     VOX_EFORBIDDEN);
    assert_int_equal(check(&x, (struct participant_change){.has_audio = 1, .audio = 0}),
                     VOX_EFORBIDDEN);
    assert_int_equal(check(&x, (struct participant_change){.has_hand_raised = 1, .hand_raised = 0}),
                     VOX_EFORBIDDEN);
    // Mute without deafen.
    x = other_ctx(ROLE_MODERATOR, ROLE_PARTICIPANT);
    x.actor.perms &= ~PERM_DEAFEN_MEMBERS;
    assert_int_equal(check(&x, (struct participant_change){.has_server_deaf = 1, .server_deaf = 1}),
                     VOX_EFORBIDDEN);
}

static void test_volume_bounds_and_empty(void **state)
{
    (void)state;
    struct participant_change_ctx x = self_ctx(ROLE_PARTICIPANT);
    assert_int_equal(check(&x, (struct participant_change){.has_volume = 1, .volume = 0}), VOX_OK);
    assert_int_equal(check(&x, (struct participant_change){.has_volume = 1, .volume = 200}),
                     VOX_OK);
    assert_int_equal(check(&x, (struct participant_change){.has_volume = 1, .volume = 201}),
                     VOX_EINVAL);
    assert_int_equal(check(&x, (struct participant_change){.has_volume = 1, .volume = -1}),
                     VOX_EINVAL);
    // A value without its has_ flag is not a change.
    assert_int_equal(check(&x, (struct participant_change){.volume = 500, .audio = 1}), VOX_EINVAL);
}

static void test_apply_and_events(void **state)
{
    (void)state;
    struct participant_media before, after;
    participant_media_init(&before);
    after = before;
    struct participant_change c = {.has_audio = 1,
                                   .audio = 1,
                                   .has_hand_raised = 1,
                                   .hand_raised = 1,
                                   .has_server_mute = 1,
                                   .server_mute = 1,
                                   .has_volume = 1,
                                   .volume = 150,
                                   .video = 1};
    participant_apply_change(&after, &c);
    assert_true(after.audio);
    assert_false(after.video); // no has_video
    assert_true(after.hand_raised);
    assert_true(after.server_mute);
    assert_int_equal(after.volume, 150);

    const char *ev[PARTICIPANT_EVENTS_MAX];
    size_t n = participant_change_events(&before, &after, ev, PARTICIPANT_EVENTS_MAX);
    assert_int_equal(n, 3);
    assert_string_equal(ev[0], "participant.audio_enabled");
    assert_string_equal(ev[1], "participant.hand_raised");
    assert_string_equal(ev[2], "participant.muted");

    n = participant_change_events(&after, &before, ev, PARTICIPANT_EVENTS_MAX);
    assert_int_equal(n, 3);
    assert_string_equal(ev[0], "participant.audio_disabled");
    assert_string_equal(ev[1], "participant.hand_lowered");
    assert_string_equal(ev[2], "participant.unmuted");

    // max truncates.
    n = participant_change_events(&before, &after, ev, 1);
    assert_int_equal(n, 1);
    assert_int_equal(participant_change_events(&before, &before, ev, 8), 0);
}

static void test_all_events(void **state)
{
    (void)state;
    struct participant_media a, b;
    participant_media_init(&a);
    b = a;
    b.audio = b.video = b.screen_share = b.hand_raised = true;
    b.server_mute = b.server_deaf = b.self_mute = b.self_deaf = true;
    b.speaking = true; // speaking is not a change event
    static const char *const on[] = {"participant.audio_enabled",
                                     "participant.video_enabled",
                                     "participant.screen_share_started",
                                     "participant.hand_raised",
                                     "participant.muted",
                                     "participant.deafened",
                                     "participant.self_muted",
                                     "participant.self_deafened"};
    static const char *const offs[] = {"participant.audio_disabled",
                                       "participant.video_disabled",
                                       "participant.screen_share_stopped",
                                       "participant.hand_lowered",
                                       "participant.unmuted",
                                       "participant.undeafened",
                                       "participant.self_unmuted",
                                       "participant.self_undeafened"};
    const char *ev[PARTICIPANT_EVENTS_MAX];
    assert_int_equal(participant_change_events(&a, &b, ev, PARTICIPANT_EVENTS_MAX), 8);
    for (int i = 0; i < 8; i++)
        assert_string_equal(ev[i], on[i]);
    assert_int_equal(participant_change_events(&b, &a, ev, PARTICIPANT_EVENTS_MAX), 8);
    for (int i = 0; i < 8; i++)
        assert_string_equal(ev[i], offs[i]);
}

// Everything on, as a participant publishing all it can would be.
static struct participant_media all_on(void)
{
    struct participant_media m;
    participant_media_init(&m);
    m.audio = m.video = m.screen_share = m.hand_raised = true;
    return m;
}

static bool has_event(const char **ev, size_t n, const char *type)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ev[i], type) == 0)
            return true;
    return false;
}

static void test_enforce_server_mute(void **state)
{
    (void)state;
    // A moderator's mute, applied as a change, takes the audio with it and says so.
    struct participant_media before = all_on(), m = before;
    struct participant_change mute = {.has_server_mute = true, .server_mute = true};
    participant_apply_change(&m, &mute);
    participant_media_enforce(&m, ROLE_PARTICIPANT, perm_for_role(ROLE_PARTICIPANT, ROOM_VIDEO));
    assert_true(m.server_mute);
    assert_false(m.audio);
    assert_true(m.video && m.screen_share && m.hand_raised); // only the audio is muted
    const char *ev[PARTICIPANT_EVENTS_MAX];
    size_t n = participant_change_events(&before, &m, ev, PARTICIPANT_EVENTS_MAX);
    assert_int_equal(n, 2);
    assert_true(has_event(ev, n, "participant.audio_disabled"));
    assert_true(has_event(ev, n, "participant.muted"));

    // Muted, it cannot turn the audio back on; unmuted, it can again (the unmute alone does
    // not turn the audio on).
    struct participant_change_ctx x = self_ctx(ROLE_PARTICIPANT);
    x.target_media = &m;
    assert_int_equal(check(&x, (struct participant_change){.has_audio = true, .audio = true}),
                     VOX_EFORBIDDEN);
    struct participant_change unmute = {.has_server_mute = true, .server_mute = false};
    participant_apply_change(&m, &unmute);
    participant_media_enforce(&m, ROLE_PARTICIPANT, perm_for_role(ROLE_PARTICIPANT, ROOM_VIDEO));
    assert_false(m.audio);
    assert_int_equal(check(&x, (struct participant_change){.has_audio = true, .audio = true}),
                     VOX_OK);
}

static void test_enforce_demoted_speaker(void **state)
{
    (void)state;
    struct participant_media before = all_on(), m = before;
    participant_media_enforce(&m, ROLE_AUDIENCE, perm_for_role(ROLE_AUDIENCE, ROOM_STAGE));
    assert_false(m.audio || m.video || m.screen_share);
    assert_true(m.hand_raised);
    const char *ev[PARTICIPANT_EVENTS_MAX];
    size_t n = participant_change_events(&before, &m, ev, PARTICIPANT_EVENTS_MAX);
    assert_int_equal(n, 3);
    assert_true(has_event(ev, n, "participant.audio_disabled"));
    assert_true(has_event(ev, n, "participant.video_disabled"));
    assert_true(has_event(ev, n, "participant.screen_share_stopped"));
}

static void test_enforce_keeps_what_is_allowed(void **state)
{
    (void)state;
    // A speaker keeps everything; each missing flag takes exactly its own source.
    struct participant_media m = all_on();
    participant_media_enforce(&m, ROLE_SPEAKER, perm_for_role(ROLE_SPEAKER, ROOM_STAGE));
    assert_true(m.audio && m.video && m.screen_share);
    uint32_t talk = perm_for_role(ROLE_PARTICIPANT, ROOM_VIDEO);
    m = all_on();
    participant_media_enforce(&m, ROLE_PARTICIPANT, talk & ~PERM_VIDEO);
    assert_true(m.audio && !m.video && m.screen_share);
    m = all_on();
    participant_media_enforce(&m, ROLE_PARTICIPANT, talk & ~PERM_STREAM);
    assert_true(m.audio && m.video && !m.screen_share);
    m = all_on();
    participant_media_enforce(&m, ROLE_PARTICIPANT, talk & ~PERM_SPEAK);
    assert_true(!m.audio && m.video && m.screen_share);
    // A viewer publishes nothing, whatever an override grants.
    m = all_on();
    participant_media_enforce(&m, ROLE_VIEWER, PERM_ALL);
    assert_false(m.audio || m.video || m.screen_share);
    // Server deafen is about hearing: the audio stays.
    m = all_on();
    m.server_deaf = true;
    participant_media_enforce(&m, ROLE_PARTICIPANT, talk);
    assert_true(m.audio);
}

static void test_move(void **state)
{
    (void)state;
    struct participant_actor mod = {ROLE_MODERATOR, perm_for_role(ROLE_MODERATOR, ROOM_VOICE)};
    struct participant_actor part = {ROLE_PARTICIPANT, perm_for_role(ROLE_PARTICIPANT, ROOM_VOICE)};
    const char *why = NULL;
    assert_int_equal(participant_check_move(&mod, false, ROLE_PARTICIPANT, PERM_CONNECT, &why),
                     VOX_OK);
    assert_int_equal(participant_check_move(&mod, false, ROLE_HOST, PERM_CONNECT, &why),
                     VOX_EFORBIDDEN);
    assert_int_equal(participant_check_move(&part, false, ROLE_VIEWER, PERM_CONNECT, &why),
                     VOX_EFORBIDDEN);
    assert_int_equal(participant_check_move(&mod, false, ROLE_PARTICIPANT, 0, &why),
                     VOX_EFORBIDDEN);
    assert_int_equal(participant_check_move(&part, true, ROLE_PARTICIPANT, PERM_CONNECT, &why),
                     VOX_OK);
    assert_int_equal(participant_check_move(&part, true, ROLE_PARTICIPANT, PERM_SPEAK, &why),
                     VOX_EFORBIDDEN);
}

static void test_remove(void **state)
{
    (void)state;
    struct participant_actor mod = {ROLE_MODERATOR, perm_for_role(ROLE_MODERATOR, ROOM_VOICE)};
    struct participant_actor host = {ROLE_HOST, PERM_ALL};
    struct participant_actor part = {ROLE_PARTICIPANT, perm_for_role(ROLE_PARTICIPANT, ROOM_VOICE)};
    struct participant_actor manager = {ROLE_MODERATOR, PERM_MANAGE_ROOM};
    const char *why = NULL;
    assert_int_equal(
        participant_check_remove(&mod, false, ROLE_PARTICIPANT, PARTICIPANT_CONNECTED, &why),
        VOX_OK);
    assert_int_equal(
        participant_check_remove(&manager, false, ROLE_VIEWER, PARTICIPANT_WAITING, &why), VOX_OK);
    assert_int_equal(participant_check_remove(&mod, false, ROLE_HOST, PARTICIPANT_CONNECTED, &why),
                     VOX_EFORBIDDEN);
    assert_int_equal(
        participant_check_remove(&part, false, ROLE_VIEWER, PARTICIPANT_CONNECTED, &why),
        VOX_EFORBIDDEN);
    assert_int_equal(participant_check_remove(&host, true, ROLE_HOST, PARTICIPANT_CONNECTED, &why),
                     VOX_EINVAL);
    assert_int_equal(participant_check_remove(&host, false, ROLE_CO_HOST, PARTICIPANT_LEFT, &why),
                     VOX_ECONFLICT);
}

static void test_admit(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_int_equal(participant_check_admit(ROLE_HOST, PARTICIPANT_WAITING, &why), VOX_OK);
    assert_int_equal(participant_check_admit(ROLE_CO_HOST, PARTICIPANT_WAITING, &why), VOX_OK);
    assert_int_equal(participant_check_admit(ROLE_MODERATOR, PARTICIPANT_WAITING, &why),
                     VOX_EFORBIDDEN);
    assert_int_equal(participant_check_admit(ROLE_PARTICIPANT, PARTICIPANT_WAITING, &why),
                     VOX_EFORBIDDEN);
    assert_int_equal(participant_check_admit(ROLE_HOST, PARTICIPANT_CONNECTED, &why),
                     VOX_ECONFLICT);
    assert_int_equal(participant_check_admit(ROLE_HOST, PARTICIPANT_DENIED, NULL), VOX_ECONFLICT);
}

static void test_publish_and_forward(void **state)
{
    (void)state;
    const char *why = NULL;
    participant_source src;
    assert_int_equal(participant_source_parse("screen_share", &src), 0);
    assert_int_equal(src, SOURCE_SCREEN_SHARE);
    assert_int_equal(participant_source_parse("Camera", &src), VOX_EINVAL);
    assert_string_equal(participant_source_name(SOURCE_MICROPHONE), "microphone");
    assert_int_equal(
        participant_check_publish(ROLE_PARTICIPANT, PERM_ALL, true, SOURCE_CAMERA, &why), 0);
    assert_int_equal(
        participant_check_publish(ROLE_VIEWER, PERM_ALL, true, SOURCE_MICROPHONE, &why),
        VOX_EFORBIDDEN);
    assert_string_equal(why, "viewers cannot publish");
    assert_int_equal(participant_check_publish(ROLE_AUDIENCE, PERM_ALL & ~PERM_SPEAK, true,
                                               SOURCE_MICROPHONE, &why),
                     VOX_EFORBIDDEN);
    assert_int_equal(
        participant_check_publish(ROLE_PARTICIPANT, PERM_ALL, false, SOURCE_SCREEN_SHARE, &why),
        VOX_EFORBIDDEN);
    assert_string_equal(why, "screen sharing is off in this room");
    struct participant_media m;
    participant_media_init(&m);
    assert_true(participant_may_forward(&m, ROLE_PARTICIPANT, PERM_ALL, SOURCE_MICROPHONE));
    m.server_mute = true; // server mute stops the microphone only
    assert_false(participant_may_forward(&m, ROLE_PARTICIPANT, PERM_ALL, SOURCE_MICROPHONE));
    assert_true(participant_may_forward(&m, ROLE_PARTICIPANT, PERM_ALL, SOURCE_CAMERA));
    m.server_mute = false; // a demotion to viewer stops everything
    assert_false(participant_may_forward(&m, ROLE_VIEWER, PERM_ALL, SOURCE_CAMERA));
    assert_false(participant_may_forward(&m, ROLE_PARTICIPANT, PERM_ALL & ~PERM_STREAM,
                                         SOURCE_SCREEN_SHARE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_presence),
        cmocka_unit_test(test_media_init),
        cmocka_unit_test(test_self_participant),
        cmocka_unit_test(test_viewer_cannot_publish),
        cmocka_unit_test(test_missing_flags),
        cmocka_unit_test(test_screen_share_room_flag),
        cmocka_unit_test(test_server_muted_cannot_enable_audio),
        cmocka_unit_test(test_moderator_on_others),
        cmocka_unit_test(test_moderator_cannot_touch_host),
        cmocka_unit_test(test_outranking_without_flag),
        cmocka_unit_test(test_volume_bounds_and_empty),
        cmocka_unit_test(test_apply_and_events),
        cmocka_unit_test(test_all_events),
        cmocka_unit_test(test_enforce_server_mute),
        cmocka_unit_test(test_enforce_demoted_speaker),
        cmocka_unit_test(test_enforce_keeps_what_is_allowed),
        cmocka_unit_test(test_move),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_admit),
        cmocka_unit_test(test_publish_and_forward),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
