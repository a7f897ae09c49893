// SPDX-License-Identifier: MIT
// Unit tests for api/tokens: the claims POST /v1/tokens (and voxctl's offline mint) builds from
// a body, with every snprintf of the code under test checked for a source inside its own
// destination (undefined in C11, unseen by ASan and UBSan, and emptied by glibc).
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "api/tokens.h"

static int overlaps;

// Interposes libc's snprintf for the whole binary (libvox.a included): a "%s" argument that
// starts inside the destination is counted, then the call goes on as usual.
int snprintf(char *restrict buf, size_t n, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (strcmp(fmt, "%s") == 0 && n > 0) {
        va_list aq;
        va_copy(aq, ap);
        const char *s = va_arg(aq, const char *);
        va_end(aq);
        if (s >= buf && s < buf + n) {
            overlaps++; // finish the call defined-ly: a plain move, truncated like snprintf
            size_t len = strlen(s), m = len < n - 1 ? len : n - 1;
            memmove(buf, s, m);
            buf[m] = '\0';
            va_end(ap);
            return (int)len;
        }
    }
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

static void claims(struct access_token *t, const char *body_text)
{
    json_error_t e;
    json_t *b = json_loads(body_text, 0, &e);
    assert_non_null(b);
    overlaps = 0;
    tokens_claims(t, "AKABCDEFGHJKLMNPQRSTUV", b, 1700000000000);
    json_decref(b);
    assert_int_equal(overlaps, 0);
}

static void test_interposer_sees_overlap(void **state)
{
    (void)state;
    char buf[16] = "host";
    char *volatile alias = buf; // hides the aliasing from -Wrestrict
    overlaps = 0;
    snprintf(buf, sizeof buf, "%s", alias); // the very pattern the claims builder had
    assert_int_equal(overlaps, 1);
    assert_string_equal(buf, "host");
}

static void test_grants_without_role(void **state)
{
    (void)state;
    struct access_token t;
    claims(&t, "{\"identity\":\"alice\",\"room_id\":\"123e4567-e89b-12d3-a456-426614174000\","
               "\"grants\":{\"admin\":true}}");
    assert_string_equal(t.grants.role, "");
    assert_true(t.grants.admin);
    assert_true(t.grants.join);
    assert_string_equal(t.name, "alice"); // the name defaults to the identity
}

static void test_grants_with_role(void **state)
{
    (void)state;
    struct access_token t;
    claims(&t, "{\"identity\":\"bob\",\"name\":\"Bob\","
               "\"room_id\":\"123e4567-e89b-12d3-a456-426614174000\","
               "\"grants\":{\"role\":\"moderator\",\"publish\":false}}");
    assert_string_equal(t.grants.role, "moderator");
    assert_false(t.grants.publish);
    assert_string_equal(t.name, "Bob");
}

static void test_no_grants(void **state)
{
    (void)state;
    struct access_token t;
    claims(&t, "{\"identity\":\"carol\",\"room_id\":\"123e4567-e89b-12d3-a456-426614174000\"}");
    assert_string_equal(t.grants.role, "");
    assert_true(t.grants.subscribe);
    assert_int_equal(t.exp - t.iat, TOKENS_DEFAULT_TTL_S);
}

static void test_room_id_canonical(void **state)
{
    (void)state;
    struct access_token t;
    claims(&t, "{\"identity\":\"dan\",\"room_id\":\"123E4567-E89B-12D3-A456-42661417400A\"}");
    assert_string_equal(t.room, "123e4567-e89b-12d3-a456-42661417400a");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interposer_sees_overlap), cmocka_unit_test(test_grants_without_role),
        cmocka_unit_test(test_grants_with_role),        cmocka_unit_test(test_no_grants),
        cmocka_unit_test(test_room_id_canonical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
