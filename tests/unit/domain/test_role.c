// SPDX-License-Identifier: MIT
// Unit tests for domain/role: names and the rank order used for acting on others.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/err.h"
#include "domain/role.h"

static void test_names(void **state)
{
    (void)state;
    static const char *const names[] = {"host",   "co_host", "moderator", "participant",
                                        "viewer", "speaker", "audience"};
    for (int i = 0; i < ROLE_COUNT; i++) {
        role r = ROLE_HOST;
        assert_int_equal(role_parse(names[i], &r), VOX_OK);
        assert_int_equal(r, i);
        assert_string_equal(role_name(r), names[i]);
    }
    role r = ROLE_VIEWER;
    assert_int_equal(role_parse("admin", &r), VOX_EINVAL);
    assert_int_equal(role_parse("co-host", &r), VOX_EINVAL);
    assert_int_equal(role_parse(NULL, &r), VOX_EINVAL);
    assert_int_equal(r, ROLE_VIEWER);
    assert_string_equal(role_name((role)ROLE_COUNT), "unknown");
}

static void test_ranks(void **state)
{
    (void)state;
    assert_int_equal(role_rank(ROLE_HOST), 5);
    assert_true(role_rank(ROLE_HOST) > role_rank(ROLE_CO_HOST));
    assert_true(role_rank(ROLE_CO_HOST) > role_rank(ROLE_MODERATOR));
    assert_true(role_rank(ROLE_MODERATOR) > role_rank(ROLE_PARTICIPANT));
    assert_int_equal(role_rank(ROLE_PARTICIPANT), role_rank(ROLE_SPEAKER));
    assert_true(role_rank(ROLE_SPEAKER) > role_rank(ROLE_AUDIENCE));
    assert_int_equal(role_rank(ROLE_VIEWER), role_rank(ROLE_AUDIENCE));
    assert_int_equal(role_rank((role)-3), 0);
}

static void test_outranks(void **state)
{
    (void)state;
    assert_true(role_outranks(ROLE_HOST, ROLE_CO_HOST));
    assert_true(role_outranks(ROLE_MODERATOR, ROLE_PARTICIPANT));
    assert_true(role_outranks(ROLE_MODERATOR, ROLE_SPEAKER));
    assert_false(role_outranks(ROLE_MODERATOR, ROLE_HOST));
    assert_false(role_outranks(ROLE_MODERATOR, ROLE_MODERATOR));
    assert_false(role_outranks(ROLE_HOST, ROLE_HOST));
    assert_false(role_outranks(ROLE_PARTICIPANT, ROLE_SPEAKER));
    for (int r = 0; r < ROLE_COUNT; r++)
        assert_false(role_outranks((role)r, ROLE_HOST));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_ranks),
        cmocka_unit_test(test_outranks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
