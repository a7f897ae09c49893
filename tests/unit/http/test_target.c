// SPDX-License-Identifier: MIT
// Unit tests for http/target: path decoding with %2F kept as written, NULs and malformed
// escapes refused, query pairs ('+' as space, empty keys and values, the pair limit), the
// absolute form, fragments, and targets that are not paths.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/target.h"

struct bytes {
    const char *p;
    size_t n;
};
// The literal's bytes, NULs included.
// clang-format off
#define S(lit) {lit, sizeof(lit) - 1}
// clang-format on

struct target_case {
    struct bytes in;
    const char *code; // NULL: accepted
    const char *path;
    int nquery;
    const char *query[4][2]; // the first pairs, key and value
};

static const struct target_case cases[] = {
    {S("/"), NULL, "/", 0, {{0}}},
    {S("/v1/rooms/abc"), NULL, "/v1/rooms/abc", 0, {{0}}},
    {S("/%41%62c"), NULL, "/Abc", 0, {{0}}},
    {S("/a%2Fb"), NULL, "/a%2Fb", 0, {{0}}},
    {S("/a%2fb/c"), NULL, "/a%2fb/c", 0, {{0}}}, // as written, not normalized
    {S("/a%252F"), NULL, "/a%2F", 0, {{0}}},     // one decoding only
    {S("/a+b"), NULL, "/a+b", 0, {{0}}},         // '+' is a space only in the query
    {S("/a;b=c"), NULL, "/a;b=c", 0, {{0}}},
    {S("/a%00b"), "invalid_path", NULL, 0, {{0}}},
    {S("/a\0b"), "invalid_path", NULL, 0, {{0}}},
    {S("/a%zz"), "invalid_path", NULL, 0, {{0}}},
    {S("/a%2"), "invalid_path", NULL, 0, {{0}}},
    {S("/a%"), "invalid_path", NULL, 0, {{0}}},
    {S("/a%g0"), "invalid_path", NULL, 0, {{0}}},
    {S("/p?a=b+c&d=%20e"), NULL, "/p", 2, {{"a", "b c"}, {"d", " e"}}},
    {S("/p?&&a&=b&c=&d==e&"), NULL, "/p", 4, {{"a", ""}, {"", "b"}, {"c", ""}, {"d", "=e"}}},
    {S("/q?%2F=%2f+%26"), NULL, "/q", 1, {{"/", "/ &"}}}, // the query decodes %2F
    {S("/q?a%3Db=c%26d"), NULL, "/q", 1, {{"a=b", "c&d"}}},
    {S("/q?x=%00"), "invalid_query", NULL, 0, {{0}}},
    {S("/q?%00=x"), "invalid_query", NULL, 0, {{0}}},
    {S("/q?x=\0"), "invalid_query", NULL, 0, {{0}}},
    {S("/q?x=%zz"), "invalid_query", NULL, 0, {{0}}},
    {S("/q?x=%4"), "invalid_query", NULL, 0, {{0}}},
    {S("/q?"), NULL, "/q", 0, {{0}}},
    {S("/p#frag?x=1"), NULL, "/p", 0, {{0}}},
    {S("/p?x=1#frag&y=2"), NULL, "/p", 1, {{"x", "1"}}},
    {S("/p#%00"), NULL, "/p", 0, {{0}}}, // the fragment is never decoded
    {S("http://example.com/v1/x?y=1"), NULL, "/v1/x", 1, {{"y", "1"}}},
    {S("HTTPS://example.com:8443/a%2Fb"), NULL, "/a%2Fb", 0, {{0}}},
    {S("http://h?q=1"), NULL, "/", 1, {{"q", "1"}}},
    {S("https://user@host:443"), NULL, "/", 0, {{0}}},
    {S("*"), "invalid_path", NULL, 0, {{0}}},
    {S("mailto:x"), "invalid_path", NULL, 0, {{0}}},
    {S("a/b"), "invalid_path", NULL, 0, {{0}}},
    {S("*x://h/p"), "invalid_path", NULL, 0, {{0}}}, // no scheme: '*' cannot begin one
    {S("1http://h/p"), "invalid_path", NULL, 0, {{0}}},
};

// Parses in with scratch malloc'd to exactly the documented size, so ASan sees overflows.
static int parse(struct bytes in, char **scratch, http_req *req, const char **code)
{
    *scratch = malloc(HTTP_TARGET_SCRATCH(in.n));
    memset(req, 0, sizeof *req);
    const char *message = NULL;
    *code = NULL;
    int rc = http_target_parse(in.p, in.n, *scratch, req, code, &message);
    if (rc)
        assert_non_null(message);
    return rc;
}

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct target_case *c = &cases[i];
        char *scratch;
        http_req req;
        const char *code;
        int rc = parse(c->in, &scratch, &req, &code);
        if (c->code) {
            if (rc != -1 || strcmp(code, c->code) != 0)
                fail_msg("case %zu: rc %d code %s, want %s", i, rc, code ? code : "-", c->code);
        } else {
            if (rc != 0)
                fail_msg("case %zu: refused (%s)", i, code);
            assert_string_equal(req.path, c->path);
            assert_int_equal(req.nquery, c->nquery);
            for (int q = 0; q < req.nquery && q < 4; q++) {
                assert_string_equal(req.query[q].key, c->query[q][0]);
                assert_string_equal(req.query[q].value, c->query[q][1]);
            }
        }
        free(scratch);
    }
}

// HTTP_MAX_QUERY pairs fit; one more is refused. Empty pairs ("&&") do not count.
static void test_query_limit(void **state)
{
    (void)state;
    for (int n = HTTP_MAX_QUERY; n <= HTTP_MAX_QUERY + 1; n++) {
        char buf[1024];
        size_t len = (size_t)snprintf(buf, sizeof buf, "/p?");
        for (int i = 0; i < n; i++)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "k%d=v%d&&", i, i);
        char *scratch;
        http_req req;
        const char *code;
        int rc = parse((struct bytes){buf, len}, &scratch, &req, &code);
        if (n == HTTP_MAX_QUERY) {
            assert_int_equal(rc, 0);
            assert_int_equal(req.nquery, HTTP_MAX_QUERY);
            assert_string_equal(req.query[HTTP_MAX_QUERY - 1].key, "k23");
            assert_string_equal(req.query[HTTP_MAX_QUERY - 1].value, "v23");
            assert_string_equal(http_query(&req, "k7"), "v7");
        } else {
            assert_int_equal(rc, -1);
            assert_string_equal(code, "invalid_query");
        }
        free(scratch);
    }
}

// The worst cases for scratch: every byte a separator or an escape that stays three bytes.
static void test_scratch_bound(void **state)
{
    (void)state;
    char buf[400];
    size_t len = 0;
    buf[len++] = '/';
    while (len + 3 <= 200)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%%2F");
    size_t plen = len;
    buf[len++] = '?';
    for (int i = 0; i < HTTP_MAX_QUERY && len + 2 < sizeof buf; i++)
        buf[len++] = 'k', buf[len++] = '&';
    char *scratch;
    http_req req;
    const char *code;
    assert_int_equal(parse((struct bytes){buf, len}, &scratch, &req, &code), 0);
    assert_int_equal(req.nquery, HTTP_MAX_QUERY);
    assert_int_equal(strlen(req.path), plen);
    free(scratch);
    // Only '?' and '&': no pair at all.
    assert_int_equal(parse((struct bytes)S("/?&&&&&&"), &scratch, &req, &code), 0);
    assert_int_equal(req.nquery, 0);
    free(scratch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_query_limit),
        cmocka_unit_test(test_scratch_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
