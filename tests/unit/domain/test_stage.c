// SPDX-License-Identifier: MIT
// Unit tests for domain/stage: request states, who may request/decide, expiry, limits.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/err.h"
#include "domain/perm.h"
#include "domain/stage.h"

static void test_names(void **state)
{
    (void)state;
    static const char *const states[] = {"pending", "approved", "denied", "expired", "cancelled"};
    static const char *const ops[] = {"approve", "deny", "expire", "cancel"};
    for (int i = 0; i < STAGE_STATE_COUNT; i++) {
        stage_state s;
        assert_int_equal(stage_state_parse(states[i], &s), VOX_OK);
        assert_int_equal(s, i);
        assert_string_equal(stage_state_name(s), states[i]);
    }
    for (int i = 0; i < STAGE_OP_COUNT; i++) {
        stage_op o;
        assert_int_equal(stage_op_parse(ops[i], &o), VOX_OK);
        assert_int_equal(o, i);
        assert_string_equal(stage_op_name(o), ops[i]);
    }
    stage_state s;
    stage_op o;
    assert_int_equal(stage_state_parse("open", &s), VOX_EINVAL);
    assert_int_equal(stage_op_parse(NULL, &o), VOX_EINVAL);
    assert_string_equal(stage_state_name((stage_state)5), "unknown");
    assert_string_equal(stage_op_name((stage_op)4), "unknown");
}

static void test_transitions(void **state)
{
    (void)state;
    static const stage_state want[STAGE_OP_COUNT] = {STAGE_APPROVED, STAGE_DENIED, STAGE_EXPIRED,
                                                     STAGE_CANCELLED};
    for (int s = 0; s < STAGE_STATE_COUNT; s++) {
        for (int o = 0; o < STAGE_OP_COUNT; o++) {
            stage_state to = (stage_state)99;
            int rc = stage_request_transition((stage_state)s, (stage_op)o, &to);
            if (s == STAGE_PENDING) {
                assert_int_equal(rc, VOX_OK);
                assert_int_equal(to, want[o]);
            } else {
                assert_int_equal(rc, VOX_ECONFLICT);
                assert_int_equal(to, 99);
            }
        }
    }
    stage_state to;
    assert_int_equal(stage_request_transition((stage_state)9, STAGE_OP_DENY, &to), VOX_EINVAL);
    assert_int_equal(stage_request_transition(STAGE_PENDING, (stage_op)9, &to), VOX_EINVAL);
}

static void test_request_one_pending(void **state)
{
    (void)state;
    uint32_t aud = perm_for_role(ROLE_AUDIENCE, ROOM_STAGE);
    const char *why = NULL;
    assert_int_equal(stage_check_request(ROLE_AUDIENCE, aud, false, &why), VOX_OK);
    assert_int_equal(stage_check_request(ROLE_AUDIENCE, aud, true, &why), VOX_ECONFLICT);
    assert_non_null(why);
    assert_int_equal(stage_check_request(ROLE_VIEWER, aud, false, NULL), VOX_OK);
    assert_int_equal(stage_check_request(ROLE_PARTICIPANT,
                                         perm_for_role(ROLE_PARTICIPANT, ROOM_STAGE), false, NULL),
                     VOX_OK);
}

static void test_request_who(void **state)
{
    (void)state;
    // Already able to speak.
    assert_int_equal(stage_check_request(ROLE_SPEAKER, PERM_ALL, false, NULL), VOX_ECONFLICT);
    assert_int_equal(stage_check_request(ROLE_HOST, PERM_ALL, false, NULL), VOX_ECONFLICT);
    assert_int_equal(stage_check_request(ROLE_MODERATOR, PERM_ALL, false, NULL), VOX_ECONFLICT);
    // An override took request_to_speak away.
    assert_int_equal(stage_check_request(ROLE_AUDIENCE, PERM_CONNECT, false, NULL), VOX_EFORBIDDEN);
}

static void test_decide(void **state)
{
    (void)state;
    uint32_t mod = perm_for_role(ROLE_MODERATOR, ROOM_STAGE);
    const char *why = NULL;
    assert_int_equal(stage_check_decide(mod, STAGE_PENDING, &why), VOX_OK);
    assert_int_equal(stage_check_decide(mod, STAGE_APPROVED, &why), VOX_ECONFLICT);
    assert_int_equal(stage_check_decide(mod, STAGE_EXPIRED, &why), VOX_ECONFLICT);
    assert_int_equal(
        stage_check_decide(perm_for_role(ROLE_SPEAKER, ROOM_STAGE), STAGE_PENDING, &why),
        VOX_EFORBIDDEN);
    assert_int_equal(
        stage_check_decide(perm_for_role(ROLE_AUDIENCE, ROOM_STAGE), STAGE_PENDING, NULL),
        VOX_EFORBIDDEN);
}

static void test_expiry(void **state)
{
    (void)state;
    int64_t t0 = 1700000000000;
    assert_false(stage_request_expired(t0, t0, 1000));
    assert_false(stage_request_expired(t0, t0 + 999, 1000));
    assert_true(stage_request_expired(t0, t0 + 1000, 1000));
    assert_true(stage_request_expired(t0, t0 + 5000, 1000));
    assert_false(stage_request_expired(t0, t0 - 5000, 1000)); // clock went back
    assert_false(stage_request_expired(t0, t0 + 5000, 0));    // no ttl
    assert_false(stage_request_expired(t0, t0 + 5000, -1));
    assert_true(stage_request_expired(INT64_MIN, INT64_MAX, INT64_MAX));
    assert_false(stage_request_expired(INT64_MAX - 10, INT64_MAX, INT64_MAX));
    assert_true(stage_request_expired(0, STAGE_REQUEST_TTL_MS, STAGE_REQUEST_TTL_MS));
}

static void test_moderator_limit(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_int_equal(stage_check_moderator_limit(0, 3, &why), VOX_OK);
    assert_int_equal(stage_check_moderator_limit(2, 3, &why), VOX_OK);
    assert_int_equal(stage_check_moderator_limit(3, 3, &why), VOX_ECONFLICT);
    assert_non_null(why);
    assert_int_equal(stage_check_moderator_limit(4, 3, NULL), VOX_ECONFLICT);
    assert_int_equal(stage_check_moderator_limit(100, 0, NULL), VOX_OK);
}

static void test_promotion(void **state)
{
    (void)state;
    assert_int_equal(stage_role_after(STAGE_OP_APPROVE, ROLE_AUDIENCE), ROLE_SPEAKER);
    assert_int_equal(stage_role_after(STAGE_OP_APPROVE, ROLE_PARTICIPANT), ROLE_SPEAKER);
    assert_int_equal(stage_role_after(STAGE_OP_DENY, ROLE_AUDIENCE), ROLE_AUDIENCE);
    assert_int_equal(stage_role_after(STAGE_OP_EXPIRE, ROLE_AUDIENCE), ROLE_AUDIENCE);
    assert_int_equal(stage_role_after(STAGE_OP_APPROVE, ROLE_MODERATOR), ROLE_MODERATOR);
    // The promoted role can speak on a stage; the audience cannot.
    assert_true(perm_has(perm_for_role(ROLE_SPEAKER, ROOM_STAGE), PERM_SPEAK));
    assert_false(perm_has(perm_for_role(ROLE_AUDIENCE, ROOM_STAGE), PERM_SPEAK));
}

static void test_demote(void **state)
{
    (void)state;
    uint32_t mod = perm_for_role(ROLE_MODERATOR, ROOM_STAGE);
    uint32_t sp = perm_for_role(ROLE_SPEAKER, ROOM_STAGE);
    assert_int_equal(stage_check_demote(mod, false, ROLE_SPEAKER, NULL), VOX_OK);
    assert_int_equal(stage_check_demote(sp, true, ROLE_SPEAKER, NULL), VOX_OK);
    assert_int_equal(stage_check_demote(sp, false, ROLE_SPEAKER, NULL), VOX_EFORBIDDEN);
    assert_int_equal(stage_check_demote(mod, false, ROLE_AUDIENCE, NULL), VOX_ECONFLICT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_transitions),
        cmocka_unit_test(test_request_one_pending),
        cmocka_unit_test(test_request_who),
        cmocka_unit_test(test_decide),
        cmocka_unit_test(test_expiry),
        cmocka_unit_test(test_moderator_limit),
        cmocka_unit_test(test_promotion),
        cmocka_unit_test(test_demote),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
