// SPDX-License-Identifier: MIT
// Tests for auth/access_token: mint/parse round trip, grant defaults, claim validation.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/access_token.h"
#include "auth/jwt.h"
#include "core/err.h"

#define SECRET     ((const uint8_t *)"api-secret-for-tests-0123456789")
#define SECRET_LEN 31
#define NOW        1700000000
#define ROOM       "3f2504e0-4f89-11d3-9a0c-0305e82c3301"

static void sample(struct access_token *t)
{
    memset(t, 0, sizeof *t);
    strcpy(t->iss, "APIk3y");
    strcpy(t->identity, "user-42");
    strcpy(t->name, "Ada Lovelace");
    strcpy(t->room, ROOM);
    strcpy(t->jti, "tok-1");
    strcpy(t->metadata, "{\"plan\":\"pro\"}\nline two");
    access_token_grants_init(&t->grants);
    t->grants.admin = true;
    t->grants.publish_data = true;
    strcpy(t->grants.role, "co_host");
    t->exp = NOW + 3600;
    t->nbf = NOW - 10;
    t->iat = NOW - 10;
}

// Parses, verifies and converts tok; returns the access_token_from_jwt() result.
static int decode(const char *tok, struct access_token *out, const char **why)
{
    struct jwt j;
    int rc = jwt_parse(tok, strlen(tok), &j, why);
    if (rc != VOX_OK)
        return rc;
    rc = jwt_verify_hs256(&j, SECRET, SECRET_LEN, NOW, 0, why);
    if (rc == VOX_OK)
        rc = access_token_from_jwt(&j, out, why);
    jwt_fini(&j);
    return rc;
}

// Signs a raw claims JSON text (with optional kid) and runs it through decode().
static int decode_claims(const char *claims_json, const char *kid, struct access_token *out,
                         const char **why)
{
    json_t *c = json_loads(claims_json, 0, NULL);
    assert_non_null(c);
    char *tok = NULL;
    assert_int_equal(jwt_sign_hs256(c, kid, SECRET, SECRET_LEN, &tok), VOX_OK);
    int rc = decode(tok, out, why);
    free(tok);
    json_decref(c);
    return rc;
}

static void test_round_trip(void **state)
{
    (void)state;
    struct access_token t, back;
    sample(&t);
    char *tok = NULL;
    const char *why = "unset";
    assert_int_equal(access_token_mint(&t, SECRET, SECRET_LEN, &tok), VOX_OK);
    assert_int_equal(decode(tok, &back, &why), VOX_OK);
    assert_null(why);
    assert_memory_equal(&t, &back, sizeof t);
    free(tok);
}

static void test_defaults(void **state)
{
    (void)state;
    struct access_token t;
    const char *why;
    assert_int_equal(decode_claims("{\"iss\":\"k\",\"sub\":\"u\",\"room\":\"" ROOM
                                   "\",\"exp\":1800000000}",
                                   NULL, &t, &why),
                     VOX_OK);
    assert_true(t.grants.join && t.grants.publish && t.grants.subscribe);
    assert_false(t.grants.publish_data || t.grants.admin || t.grants.hidden || t.grants.recorder);
    assert_string_equal(t.grants.role, "");
    assert_string_equal(t.name, "");
    assert_string_equal(t.metadata, "");
    assert_int_equal(t.nbf, 0);
    assert_int_equal(t.iat, 0);
    // A partial grants object keeps the defaults for what it omits.
    assert_int_equal(decode_claims("{\"iss\":\"k\",\"sub\":\"u\",\"room\":\"" ROOM
                                   "\",\"exp\":1800000000,\"grants\":{\"publish\":false,"
                                   "\"hidden\":true,\"future_flag\":1}}",
                                   "k", &t, &why),
                     VOX_OK);
    assert_true(t.grants.join && t.grants.subscribe && t.grants.hidden);
    assert_false(t.grants.publish);
}

static void test_room_rules(void **state)
{
    (void)state;
    struct access_token t;
    const char *why;
    assert_int_equal(
        decode_claims("{\"iss\":\"k\",\"sub\":\"u\",\"exp\":1800000000}", NULL, &t, &why),
        VOX_EUNAUTH);
    assert_string_equal(why, "missing room");
    // An admin token that does not join needs no room.
    assert_int_equal(decode_claims("{\"iss\":\"k\",\"sub\":\"u\",\"exp\":1800000000,"
                                   "\"grants\":{\"join\":false,\"admin\":true}}",
                                   NULL, &t, &why),
                     VOX_OK);
    assert_string_equal(t.room, "");
    assert_int_equal(decode_claims("{\"iss\":\"k\",\"sub\":\"u\",\"exp\":1800000000,"
                                   "\"room\":\"3F2504E0-4F89-11D3-9A0C-0305E82C3301\"}",
                                   NULL, &t, &why),
                     VOX_OK);
    assert_string_equal(t.room, ROOM);
    static const char *const bad[] = {
        "3f2504e0-4f89-11d3-9a0c-0305e82c330",
        "3f2504e0-4f89-11d3-9a0c-0305e82c33011",
        "3f2504e0f4f89-11d3-9a0c-0305e82c3301",
        "3f2504e0-4f89-11d3-9a0c-0305e82c330g",
        "lobby",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char claims[256];
        snprintf(claims, sizeof claims,
                 "{\"iss\":\"k\",\"sub\":\"u\",\"exp\":1800000000,\"room\":\"%s\"}", bad[i]);
        assert_int_equal(decode_claims(claims, NULL, &t, &why), VOX_EUNAUTH);
        assert_string_equal(why, "invalid room");
    }
}

struct bad_case {
    const char *claims;
    const char *reason;
};

static void test_invalid_claims(void **state)
{
    (void)state;
#define BASE "\"iss\":\"k\",\"room\":\"" ROOM "\",\"exp\":1800000000"
    static const struct bad_case cases[] = {
        {"{" BASE "}", "missing identity"},
        {"{" BASE ",\"sub\":\"\"}", "invalid identity"},
        {"{" BASE ",\"sub\":42}", "malformed claims"}, // caught by jwt_parse
        {"{" BASE ",\"sub\":\"a\\nb\"}", "invalid identity"},
        {"{\"sub\":\"u\",\"room\":\"" ROOM "\",\"exp\":1800000000}", "missing iss"},
        {"{\"iss\":\"\",\"sub\":\"u\",\"room\":\"" ROOM "\",\"exp\":1800000000}", "invalid iss"},
        {"{\"iss\":\"k\",\"sub\":\"u\",\"room\":\"" ROOM "\"}", "missing exp"},
        {"{" BASE ",\"sub\":\"u\",\"name\":7}", "invalid name"},
        {"{" BASE ",\"sub\":\"u\",\"name\":\"a\\tb\"}", "invalid name"},
        {"{" BASE ",\"sub\":\"u\",\"jti\":[]}", "invalid jti"},
        {"{" BASE ",\"sub\":\"u\",\"metadata\":{\"a\":1}}", "invalid metadata"},
        {"{\"iss\":\"k\",\"exp\":1800000000,\"sub\":\"u\",\"room\":null}", "invalid room"},
        {"{" BASE ",\"sub\":\"u\",\"grants\":[]}", "invalid grants"},
        {"{" BASE ",\"sub\":\"u\",\"grants\":true}", "invalid grants"},
        {"{" BASE ",\"sub\":\"u\",\"grants\":{\"join\":1}}", "invalid grants"},
        {"{" BASE ",\"sub\":\"u\",\"grants\":{\"admin\":\"true\"}}", "invalid grants"},
        {"{" BASE ",\"sub\":\"u\",\"grants\":{\"hidden\":null}}", "invalid grants"},
        {"{" BASE ",\"sub\":\"u\",\"grants\":{\"role\":5}}", "invalid role"},
        {"{" BASE ",\"sub\":\"u\",\"grants\":{\"role\":\"Host\"}}", "invalid role"},
        {"{" BASE ",\"sub\":\"u\",\"grants\":{\"role\":\"a_very_long_role_x\"}}", "invalid role"},
    };
#undef BASE
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct access_token t;
        const char *why = NULL;
        int rc = decode_claims(cases[i].claims, NULL, &t, &why);
        if (rc != VOX_EUNAUTH || !why || strcmp(why, cases[i].reason) != 0)
            fail_msg("case %zu (%s): rc %d reason %s", i, cases[i].claims, rc, why);
        assert_string_equal(t.identity, ""); // nothing half-filled leaks out
    }
}

static void test_lengths(void **state)
{
    (void)state;
    struct access_token t;
    const char *why;
    char claims[4096], s[1100];
    memset(s, 'x', 128);
    s[128] = '\0';
    snprintf(claims, sizeof claims,
             "{\"iss\":\"k\",\"sub\":\"%s\",\"name\":\"%s\",\"room\":\"" ROOM
             "\",\"exp\":1800000000}",
             s, s);
    assert_int_equal(decode_claims(claims, NULL, &t, &why), VOX_OK);
    assert_int_equal(strlen(t.identity), 128);
    s[128] = 'x';
    s[129] = '\0';
    snprintf(claims, sizeof claims,
             "{\"iss\":\"k\",\"sub\":\"%s\",\"room\":\"" ROOM "\",\"exp\":1800000000}", s);
    assert_int_equal(decode_claims(claims, NULL, &t, &why), VOX_EUNAUTH);
    assert_string_equal(why, "invalid identity");
    memset(s, 'm', 1025);
    s[1025] = '\0';
    snprintf(claims, sizeof claims,
             "{\"iss\":\"k\",\"sub\":\"u\",\"metadata\":\"%s\",\"room\":\"" ROOM
             "\",\"exp\":1800000000}",
             s);
    assert_int_equal(decode_claims(claims, NULL, &t, &why), VOX_EUNAUTH);
    assert_string_equal(why, "invalid metadata");
    s[1024] = '\0';
    snprintf(claims, sizeof claims,
             "{\"iss\":\"k\",\"sub\":\"u\",\"metadata\":\"%s\",\"room\":\"" ROOM
             "\",\"exp\":1800000000}",
             s);
    assert_int_equal(decode_claims(claims, NULL, &t, &why), VOX_OK);
    assert_int_equal(strlen(t.metadata), 1024);
    // Multi-byte UTF-8 counts in bytes: 43 three-byte characters = 129 bytes.
    s[0] = '\0';
    for (int i = 0; i < 43; i++)
        strcat(s, "\xe2\x82\xac");
    snprintf(claims, sizeof claims,
             "{\"iss\":\"k\",\"sub\":\"u\",\"name\":\"%s\",\"room\":\"" ROOM
             "\",\"exp\":1800000000}",
             s);
    assert_int_equal(decode_claims(claims, NULL, &t, &why), VOX_EUNAUTH);
    assert_string_equal(why, "invalid name");
}

static void test_kid_must_match_iss(void **state)
{
    (void)state;
    struct access_token t;
    const char *why;
    const char *claims =
        "{\"iss\":\"keyA\",\"sub\":\"u\",\"room\":\"" ROOM "\",\"exp\":1800000000}";
    assert_int_equal(decode_claims(claims, "keyA", &t, &why), VOX_OK);
    assert_int_equal(decode_claims(claims, "keyB", &t, &why), VOX_EUNAUTH);
    assert_string_equal(why, "kid does not match iss");
}

static void test_mint_rejects(void **state)
{
    (void)state;
    struct access_token t;
    char *tok = (char *)"sentinel";
    sample(&t);
    t.identity[0] = '\0';
    assert_int_equal(access_token_mint(&t, SECRET, SECRET_LEN, &tok), VOX_EINVAL);
    assert_null(tok);
    sample(&t);
    memset(t.name, 'n', sizeof t.name); // not NUL-terminated
    assert_int_equal(access_token_mint(&t, SECRET, SECRET_LEN, &tok), VOX_EINVAL);
    sample(&t);
    strcpy(t.room, "not-a-uuid");
    assert_int_equal(access_token_mint(&t, SECRET, SECRET_LEN, &tok), VOX_EINVAL);
    sample(&t);
    strcpy(t.grants.role, "Bad Role");
    assert_int_equal(access_token_mint(&t, SECRET, SECRET_LEN, &tok), VOX_EINVAL);
    sample(&t);
    strcpy(t.name, "\xc3\x28"); // invalid UTF-8
    assert_int_equal(access_token_mint(&t, SECRET, SECRET_LEN, &tok), VOX_EINVAL);
    sample(&t);
    assert_int_equal(access_token_mint(&t, SECRET, 0, &tok), VOX_EINVAL);
    assert_null(tok);
}

static void test_expired_token(void **state)
{
    (void)state;
    struct access_token t, back;
    sample(&t);
    t.exp = NOW - 1;
    char *tok = NULL;
    const char *why;
    assert_int_equal(access_token_mint(&t, SECRET, SECRET_LEN, &tok), VOX_OK);
    assert_int_equal(decode(tok, &back, &why), VOX_EUNAUTH);
    assert_string_equal(why, "token expired");
    free(tok);
}

// Runs access_token_check_times() on sample() with the given times; checks the reason.
static void check_times(int64_t iat, int64_t exp, int64_t max_ttl, const char *reason)
{
    struct access_token t;
    sample(&t);
    t.iat = iat;
    t.exp = exp;
    const char *why = "unset";
    int rc = access_token_check_times(&t, NOW, max_ttl, &why);
    if (!reason) {
        assert_int_equal(rc, VOX_OK);
        assert_null(why);
    } else {
        assert_int_equal(rc, VOX_EUNAUTH);
        assert_string_equal(why, reason);
    }
}

static void test_check_times(void **state)
{
    (void)state;
    const char *too_long = "token lifetime exceeds the server's --token-max-ttl";
    // exp is exact: valid while now < exp.
    check_times(NOW - 10, NOW + 1, 3600, NULL);
    check_times(NOW - 10, NOW, 3600, "token expired");
    check_times(NOW - 10, NOW - 1, 3600, "token expired");
    // The lifetime is exp - iat, at most max_ttl, to the second.
    check_times(NOW, NOW + 3600, 3600, NULL);
    check_times(NOW, NOW + 3601, 3600, too_long);
    check_times(NOW - 3000, NOW + 601, 3600, too_long); // mostly spent, still too long
    check_times(NOW - 3000, NOW + 600, 3600, NULL);
    // Without iat the remaining time counts.
    check_times(0, NOW + 3600, 3600, NULL);
    check_times(0, NOW + 3601, 3600, too_long);
    // iat may be ahead of the server's clock by the leeway only.
    check_times(NOW + ACCESS_TOKEN_LEEWAY_S, NOW + 60, 3600, NULL);
    check_times(NOW + ACCESS_TOKEN_LEEWAY_S + 1, NOW + 60, 3600,
                "token issued in the future (iat is later than the server's clock)");
    // Extreme values do not overflow into acceptance; max_ttl 0 means no cap.
    check_times(INT64_MIN, NOW + 1, 3600, too_long);
    check_times(NOW, INT64_MAX, 3600, too_long);
    check_times(NOW, NOW + 100 * 86400, 0, NULL);
    // A NULL reason pointer is allowed.
    struct access_token t;
    sample(&t);
    assert_int_equal(access_token_check_times(&t, NOW, 60, NULL), VOX_EUNAUTH);
}

static void test_from_jwt_null(void **state)
{
    (void)state;
    struct access_token t;
    struct jwt j;
    const char *why;
    memset(&j, 0, sizeof j);
    assert_int_equal(access_token_from_jwt(NULL, &t, &why), VOX_EUNAUTH);
    assert_int_equal(access_token_from_jwt(&j, &t, &why), VOX_EUNAUTH);
    assert_string_equal(why, "malformed token");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),    cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_room_rules),    cmocka_unit_test(test_invalid_claims),
        cmocka_unit_test(test_lengths),       cmocka_unit_test(test_kid_must_match_iss),
        cmocka_unit_test(test_mint_rejects),  cmocka_unit_test(test_expired_token),
        cmocka_unit_test(test_from_jwt_null), cmocka_unit_test(test_check_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
