// SPDX-License-Identifier: MIT
// Unit tests for auth/basic: valid credentials, the shapes refused (no colon, empty key id,
// a NUL anywhere, too long, bad base64, parts that do not fit) and the empty secret, which
// is accepted here and fails the secret comparison instead.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "auth/b64.h"
#include "auth/basic.h"
#include "core/err.h"

static const char malformed[] = "malformed Basic credentials";
static const char shape[] = "Basic credentials must be key_id:secret";

struct parsed {
    int rc;
    const char *reason;
    char key[256], secret[256];
};

static void parse_b64(const char *b64, size_t len, struct parsed *out)
{
    memset(out, 'x', sizeof *out);
    out->reason = NULL;
    out->rc = basic_parse(b64, len, out->key, sizeof out->key, out->secret, sizeof out->secret,
                          &out->reason);
}

// Encodes plain[0..len) and parses it.
static void parse_plain(const char *plain, size_t len, struct parsed *out)
{
    char b64[512];
    assert_true(b64_encoded_len(len) < sizeof b64);
    int n = b64_encode((const uint8_t *)plain, len, b64, sizeof b64);
    assert_true(n >= 0);
    parse_b64(b64, (size_t)n, out);
}

static void expect_ok(const char *plain, size_t len, const char *key, const char *secret)
{
    struct parsed p;
    parse_plain(plain, len, &p);
    assert_int_equal(p.rc, 0);
    assert_string_equal(p.key, key);
    assert_string_equal(p.secret, secret);
}

static void expect_refused(const char *plain, size_t len, const char *reason)
{
    struct parsed p;
    parse_plain(plain, len, &p);
    assert_int_equal(p.rc, VOX_EINVAL);
    assert_string_equal(p.reason, reason);
    for (size_t i = 0; i < sizeof p.key; i++)
        assert_int_equal(p.key[i], 0); // wiped
    for (size_t i = 0; i < sizeof p.secret; i++)
        assert_int_equal(p.secret[i], 0);
}

#define OK(lit, key, secret) expect_ok(lit, sizeof(lit) - 1, key, secret)
#define REFUSED(lit, why)    expect_refused(lit, sizeof(lit) - 1, why)

static void test_valid(void **state)
{
    (void)state;
    OK("AK1234567890:s3cr3t-value", "AK1234567890", "s3cr3t-value");
    OK("a:b:c", "a", "b:c"); // split at the first colon: a key id cannot hold one
    OK("k:", "k", "");       // empty secret: accepted here, and no stored secret is empty
    OK("k: spaced secret ", "k", " spaced secret ");
    struct parsed p;
    parse_b64("YWxhZGRpbjpvcGVuc2VzYW1l", 24, &p); // RFC 7617 section 2's example
    assert_int_equal(p.rc, 0);
    assert_string_equal(p.key, "aladdin");
    assert_string_equal(p.secret, "opensesame");
}

static void test_shape(void **state)
{
    (void)state;
    REFUSED("nocolon", shape);
    REFUSED(":secret", shape); // empty key id
    REFUSED(":", shape);
}

// "id\0x:secret" must not pass for "id:secret", nor "id:sec\0junk" for "id:sec".
static void test_nul(void **state)
{
    (void)state;
    REFUSED("key\0x:secret", malformed);
    REFUSED("key:se\0cret", malformed);
    REFUSED("key:secret\0", malformed);
    REFUSED("\0:\0", malformed);
    REFUSED("\0", malformed);
}

static void test_length(void **state)
{
    (void)state;
    // 252 bytes are BASIC_MAX_B64 characters: the longest accepted.
    char plain[300];
    memset(plain, 's', sizeof plain);
    memcpy(plain, "k:", 2);
    struct parsed p;
    parse_plain(plain, 252, &p);
    assert_int_equal(p.rc, 0);
    assert_int_equal(strlen(p.secret), 250);
    expect_refused(plain, 253, malformed);
    expect_refused(plain, 300, malformed);
}

static void test_bad_base64(void **state)
{
    (void)state;
    static const char *const bad[] = {"!!!",
                                      "Zm9v=",
                                      "Zm9",
                                      "Zm9vYg",
                                      "Zm9vYg=",
                                      "a2V5OnNlY3JldA",
                                      "a2V5OnNlY3JldA== ",
                                      " a2V5OnNlY3JldA==",
                                      "a2V5Ol=="};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct parsed p;
        parse_b64(bad[i], strlen(bad[i]), &p);
        assert_int_equal(p.rc, VOX_EINVAL);
        assert_string_equal(p.reason, malformed);
    }
    struct parsed p;
    parse_b64("", 0, &p); // nothing at all
    assert_int_equal(p.rc, VOX_EINVAL);
    assert_string_equal(p.reason, malformed);
    parse_b64("a2V5OnNlY3JldA==", 16, &p); // "key:secret", as a control
    assert_int_equal(p.rc, 0);
}

// Parts that do not fit the caller's buffers are refused, not cut.
static void test_small_buffers(void **state)
{
    (void)state;
    static const char b64[] = "a2V5OnNlY3JldA=="; // "key:secret"
    char key[4], secret[7], big[64];
    const char *reason = NULL;
    assert_int_equal(basic_parse(b64, 16, key, 3, big, sizeof big, &reason), VOX_EINVAL);
    assert_string_equal(reason, malformed);
    reason = NULL;
    assert_int_equal(basic_parse(b64, 16, big, sizeof big, secret, 6, &reason), VOX_EINVAL);
    assert_string_equal(reason, malformed);
    assert_int_equal(basic_parse(b64, 16, key, sizeof key, secret, sizeof secret, &reason), 0);
    assert_string_equal(key, "key");
    assert_string_equal(secret, "secret");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),      cmocka_unit_test(test_shape),
        cmocka_unit_test(test_nul),        cmocka_unit_test(test_length),
        cmocka_unit_test(test_bad_base64), cmocka_unit_test(test_small_buffers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
