// SPDX-License-Identifier: MIT
// Unit tests for domain/session: every state x op pair against an independent table.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/err.h"
#include "domain/session.h"

// The allowed transitions, written out as the design states them; everything else is 409.
static const struct {
    session_state from;
    session_op op;
    session_state to;
} allowed[] = {
    {SESSION_SCHEDULED, SESSION_OP_PREPARE, SESSION_READY},
    {SESSION_SCHEDULED, SESSION_OP_START, SESSION_ACTIVE},
    {SESSION_SCHEDULED, SESSION_OP_CANCEL, SESSION_CANCELLED},
    {SESSION_READY, SESSION_OP_START, SESSION_ACTIVE},
    {SESSION_READY, SESSION_OP_CANCEL, SESSION_CANCELLED},
    {SESSION_READY, SESSION_OP_FAIL, SESSION_FAILED},
    {SESSION_ACTIVE, SESSION_OP_PAUSE, SESSION_PAUSED},
    {SESSION_ACTIVE, SESSION_OP_END, SESSION_COMPLETED},
    {SESSION_ACTIVE, SESSION_OP_FAIL, SESSION_FAILED},
    {SESSION_PAUSED, SESSION_OP_RESUME, SESSION_ACTIVE},
    {SESSION_PAUSED, SESSION_OP_END, SESSION_COMPLETED},
    {SESSION_PAUSED, SESSION_OP_FAIL, SESSION_FAILED},
};

static int expected_next(session_state from, session_op op, session_state *to)
{
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
        if (allowed[i].from == from && allowed[i].op == op) {
            *to = allowed[i].to;
            return 1;
        }
    }
    return 0;
}

static void test_all_pairs(void **state)
{
    (void)state;
    int ok = 0, refused = 0;
    for (int s = 0; s < SESSION_STATE_COUNT; s++) {
        for (int o = 0; o < SESSION_OP_COUNT; o++) {
            session_state want, got = (session_state)77;
            int rc = session_transition((session_state)s, (session_op)o, &got);
            if (expected_next((session_state)s, (session_op)o, &want)) {
                assert_int_equal(rc, VOX_OK);
                assert_int_equal(got, want);
                ok++;
            } else {
                assert_int_equal(rc, VOX_ECONFLICT);
                assert_int_equal(got, 77); // untouched on refusal
                refused++;
            }
        }
    }
    assert_int_equal(ok, 12);
    assert_int_equal(refused, 49 - 12);
}

static void test_terminal_accept_nothing(void **state)
{
    (void)state;
    for (int s = 0; s < SESSION_STATE_COUNT; s++) {
        bool any = false;
        for (int o = 0; o < SESSION_OP_COUNT; o++) {
            session_state to;
            any |= session_transition((session_state)s, (session_op)o, &to) == VOX_OK;
        }
        assert_int_equal(session_is_terminal((session_state)s), !any);
    }
    assert_true(session_is_terminal(SESSION_COMPLETED));
    assert_true(session_is_terminal(SESSION_FAILED));
    assert_true(session_is_terminal(SESSION_CANCELLED));
    assert_false(session_is_terminal(SESSION_PAUSED));
}

static void test_is_live(void **state)
{
    (void)state;
    for (int s = 0; s < SESSION_STATE_COUNT; s++) {
        bool live = s == SESSION_ACTIVE || s == SESSION_PAUSED;
        assert_int_equal(session_is_live((session_state)s), live);
    }
}

static void test_out_of_range(void **state)
{
    (void)state;
    session_state to = SESSION_READY;
    assert_int_equal(session_transition((session_state)7, SESSION_OP_START, &to), VOX_EINVAL);
    assert_int_equal(session_transition(SESSION_ACTIVE, (session_op)7, &to), VOX_EINVAL);
    assert_int_equal(session_transition((session_state)-1, SESSION_OP_START, &to), VOX_EINVAL);
    assert_int_equal(to, SESSION_READY);
}

static void test_names(void **state)
{
    (void)state;
    static const char *const states[] = {"scheduled", "ready",  "active",   "paused",
                                         "completed", "failed", "cancelled"};
    static const char *const ops[] = {"prepare", "start",  "pause", "resume",
                                      "end",     "cancel", "fail"};
    for (int i = 0; i < SESSION_STATE_COUNT; i++) {
        session_state s;
        assert_int_equal(session_state_parse(states[i], &s), VOX_OK);
        assert_int_equal(s, i);
        assert_string_equal(session_state_name(s), states[i]);
    }
    for (int i = 0; i < SESSION_OP_COUNT; i++) {
        session_op o;
        assert_int_equal(session_op_parse(ops[i], &o), VOX_OK);
        assert_int_equal(o, i);
        assert_string_equal(session_op_name(o), ops[i]);
    }
    session_state s;
    session_op o;
    assert_int_equal(session_state_parse("ACTIVE", &s), VOX_EINVAL);
    assert_int_equal(session_state_parse(NULL, &s), VOX_EINVAL);
    assert_int_equal(session_op_parse("stop", &o), VOX_EINVAL);
    assert_string_equal(session_state_name((session_state)9), "unknown");
    assert_string_equal(session_op_name((session_op)9), "unknown");
}

static void test_full_lifecycle(void **state)
{
    (void)state;
    static const session_op path[] = {SESSION_OP_PREPARE, SESSION_OP_START, SESSION_OP_PAUSE,
                                      SESSION_OP_RESUME,  SESSION_OP_PAUSE, SESSION_OP_END};
    session_state s = SESSION_SCHEDULED;
    for (size_t i = 0; i < sizeof(path) / sizeof(path[0]); i++)
        assert_int_equal(session_transition(s, path[i], &s), VOX_OK);
    assert_int_equal(s, SESSION_COMPLETED);
    assert_int_equal(session_transition(s, SESSION_OP_START, &s), VOX_ECONFLICT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_pairs), cmocka_unit_test(test_terminal_accept_nothing),
        cmocka_unit_test(test_is_live),   cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_names),     cmocka_unit_test(test_full_lifecycle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
