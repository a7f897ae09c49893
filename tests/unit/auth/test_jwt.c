// SPDX-License-Identifier: MIT
// Tests for auth/jwt: RFC 7515 A.1 known answer, sign/parse/verify round trips, algorithm
// confusion, time checks, and malformed tokens.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth/b64.h"
#include "auth/jwt.h"
#include "core/err.h"

// RFC 7515 appendix A.1: the example token and its key (signature checked independently
// with python3 hmac before being hard-coded here).
static const char rfc_token[] =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0"
    "cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
static const uint8_t rfc_key[] = {
    0x03, 0x23, 0x35, 0x4b, 0x2b, 0x0f, 0xa5, 0xbc, 0x83, 0x7e, 0x06, 0x65, 0x77, 0x7b, 0xa6, 0x8f,
    0x5a, 0xb3, 0x28, 0xe6, 0xf0, 0x54, 0xc9, 0x28, 0xa9, 0x0f, 0x84, 0xb2, 0xd2, 0x50, 0x2e, 0xbf,
    0xd3, 0xfb, 0x5a, 0x92, 0xd2, 0x06, 0x47, 0xef, 0x96, 0x8a, 0xb4, 0xc3, 0x77, 0x62, 0x3d, 0x22,
    0x3d, 0x2e, 0x21, 0x72, 0x05, 0x2e, 0x4f, 0x08, 0xc0, 0xcd, 0x9a, 0xf5, 0x67, 0xd0, 0x80, 0xa3};

#define KEY     ((const uint8_t *)"secret-key-0123456789")
#define KEY_LEN 21
#define NOW     1700000000

// Builds base64url(header).base64url(payload).HMAC-SHA256(key) from raw JSON text, so tests
// can craft headers the signer would never produce.
static char *craft(const char *header, const char *payload, const uint8_t *key, size_t keylen)
{
    static char tok[16384];
    size_t pos = 0;
    pos += (size_t)b64url_encode((const uint8_t *)header, strlen(header), tok, sizeof tok);
    tok[pos++] = '.';
    pos += (size_t)b64url_encode((const uint8_t *)payload, strlen(payload), tok + pos,
                                 sizeof tok - pos);
    uint8_t md[32];
    unsigned int mdlen = 0;
    HMAC(EVP_sha256(), key, (int)keylen, (const uint8_t *)tok, pos, md, &mdlen);
    tok[pos++] = '.';
    b64url_encode(md, mdlen, tok + pos, sizeof tok - pos);
    return tok;
}

static int parse_str(const char *tok, struct jwt *j, const char **why)
{
    return jwt_parse(tok, strlen(tok), j, why);
}

static void expect_parse_fail(const char *tok, size_t len, const char *reason)
{
    struct jwt j;
    const char *why = NULL;
    assert_int_equal(jwt_parse(tok, len, &j, &why), VOX_EUNAUTH);
    assert_non_null(why);
    if (reason)
        assert_string_equal(why, reason);
    assert_null(j.header);
    assert_null(j.claims);
    assert_null(j.signing_input);
}

static void test_rfc7515_a1_known_answer(void **state)
{
    (void)state;
    struct jwt j;
    const char *why = NULL;
    assert_int_equal(parse_str(rfc_token, &j, &why), VOX_OK);
    assert_null(why);
    assert_string_equal(j.iss, "joe");
    assert_true(j.has_exp);
    assert_int_equal(j.exp, 1300819380);
    assert_false(j.has_nbf);
    assert_null(j.kid);
    assert_null(j.sub);
    assert_int_equal(jwt_verify_hs256(&j, rfc_key, sizeof rfc_key, 1300819379, 0, &why), 0);
    assert_int_equal(jwt_verify_hs256(&j, rfc_key, sizeof rfc_key, 1300819380, 0, &why),
                     VOX_EUNAUTH);
    assert_string_equal(why, "token expired");
    assert_int_equal(jwt_verify_hs256(&j, rfc_key, sizeof rfc_key - 1, 0, 0, &why), VOX_EUNAUTH);
    assert_string_equal(why, "bad signature");
    jwt_fini(&j);
}

static void test_sign_known_answer(void **state)
{
    (void)state;
    // Expected value from: printf '%s' "$hdr.$payload" | openssl dgst -sha256 -hmac ...
    static const char want[] =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImtleTEifQ"
        ".eyJzdWIiOiJhbGljZSIsImV4cCI6MjAwMDAwMDAwMH0.twbBeFEtdWbi1f5S2LISXLzUT9_bjEeHwj71Y2VIR5o";
    json_t *c = json_pack("{s:s, s:I}", "sub", "alice", "exp", (json_int_t)2000000000);
    char *tok = NULL;
    assert_int_equal(jwt_sign_hs256(c, "key1", KEY, KEY_LEN, &tok), VOX_OK);
    assert_string_equal(tok, want);
    free(tok);
    json_decref(c);
}

static void test_round_trip(void **state)
{
    (void)state;
    json_t *c = json_pack("{s:s, s:s, s:I, s:I, s:I, s:{s:b}}", "iss", "APIabc", "sub", "bob",
                          "exp", (json_int_t)NOW + 60, "nbf", (json_int_t)NOW - 5, "iat",
                          (json_int_t)NOW - 5, "grants", "join", 1);
    char *tok = NULL;
    assert_int_equal(jwt_sign_hs256(c, NULL, KEY, KEY_LEN, &tok), VOX_OK);
    struct jwt j;
    const char *why = "unset";
    assert_int_equal(parse_str(tok, &j, &why), VOX_OK);
    assert_null(why);
    assert_null(j.kid);
    assert_string_equal(j.iss, "APIabc");
    assert_string_equal(j.sub, "bob");
    assert_int_equal(j.exp, NOW + 60);
    assert_int_equal(j.nbf, NOW - 5);
    assert_int_equal(j.iat, NOW - 5);
    assert_true(j.has_exp && j.has_nbf && j.has_iat);
    assert_int_equal(jwt_verify_hs256(&j, KEY, KEY_LEN, NOW, 0, &why), VOX_OK);
    assert_null(why);
    assert_int_equal(jwt_verify_hs256(&j, (const uint8_t *)"other", 5, NOW, 0, &why), VOX_EUNAUTH);
    assert_string_equal(why, "bad signature");
    jwt_fini(&j);
    jwt_fini(&j); // idempotent
    free(tok);
    json_decref(c);
}

static void test_sign_rejects(void **state)
{
    (void)state;
    char *tok = (char *)"sentinel";
    json_t *arr = json_array(), *obj = json_object(), *big = json_object();
    assert_int_equal(jwt_sign_hs256(arr, NULL, KEY, KEY_LEN, &tok), VOX_EINVAL);
    assert_null(tok);
    assert_int_equal(jwt_sign_hs256(obj, NULL, KEY, 0, &tok), VOX_EINVAL);
    assert_int_equal(jwt_sign_hs256(obj, "\xff", KEY, KEY_LEN, &tok), VOX_EINVAL);
    char filler[7000];
    memset(filler, 'a', sizeof filler - 1);
    filler[sizeof filler - 1] = '\0';
    json_object_set_new(big, "x", json_string(filler));
    assert_int_equal(jwt_sign_hs256(big, NULL, KEY, KEY_LEN, &tok), VOX_EINVAL);
    assert_null(tok);
    json_decref(arr);
    json_decref(obj);
    json_decref(big);
}

static void test_tampered_payload(void **state)
{
    (void)state;
    char tok[512];
    snprintf(tok, sizeof tok, "%s",
             craft("{\"alg\":\"HS256\"}", "{\"sub\":\"alice\",\"admin\":false}", KEY, KEY_LEN));
    const char *dot = strchr(tok, '.');
    // Swap the payload for another, keeping header and signature.
    char forged[512];
    char pl[128];
    b64url_encode((const uint8_t *)"{\"sub\":\"alice\",\"admin\":true}", 28, pl, sizeof pl);
    snprintf(forged, sizeof forged, "%.*s.%s%s", (int)(dot - tok), tok, pl, strrchr(tok, '.'));
    struct jwt j;
    const char *why;
    assert_int_equal(parse_str(forged, &j, &why), VOX_OK);
    assert_int_equal(jwt_verify_hs256(&j, KEY, KEY_LEN, NOW, 0, &why), VOX_EUNAUTH);
    assert_string_equal(why, "bad signature");
    jwt_fini(&j);
    // Flip one signature character.
    char *last = tok + strlen(tok) - 2;
    *last = *last == 'A' ? 'B' : 'A';
    assert_int_equal(parse_str(tok, &j, &why), VOX_OK);
    assert_int_equal(jwt_verify_hs256(&j, KEY, KEY_LEN, NOW, 0, &why), VOX_EUNAUTH);
    assert_string_equal(why, "bad signature");
    jwt_fini(&j);
}

static void test_algorithms_rejected(void **state)
{
    (void)state;
    const char *pl = "{\"sub\":\"a\"}";
    static const char *const headers[] = {
        "{\"alg\":\"none\"}",  "{\"alg\":\"RS256\"}",  "{\"alg\":\"HS512\"}",
        "{\"alg\":\"hs256\"}", "{\"alg\":\"HS256 \"}", "{\"alg\":null}",
        "{\"alg\":256}",       "{\"typ\":\"JWT\"}",    "{\"alg\":[\"HS256\"]}",
    };
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
        char *tok = craft(headers[i], pl, KEY, KEY_LEN);
        expect_parse_fail(tok, strlen(tok), "unsupported algorithm");
    }
    // "alg":"none" with an empty signature, the classic forgery.
    char tok[256], h[64], p[64];
    b64url_encode((const uint8_t *)"{\"alg\":\"none\"}", 14, h, sizeof h);
    b64url_encode((const uint8_t *)pl, strlen(pl), p, sizeof p);
    snprintf(tok, sizeof tok, "%s.%s.", h, p);
    expect_parse_fail(tok, strlen(tok), "unsupported algorithm");
    char *t = craft("{\"alg\":\"HS256\",\"typ\":\"JWS\"}", pl, KEY, KEY_LEN);
    expect_parse_fail(t, strlen(t), "unsupported token type");
    t = craft("{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}", pl, KEY, KEY_LEN);
    expect_parse_fail(t, strlen(t), "unsupported header");
    t = craft("{\"alg\":\"HS256\",\"kid\":7}", pl, KEY, KEY_LEN);
    expect_parse_fail(t, strlen(t), "malformed token");
    t = craft("{\"alg\":\"HS256\",\"alg\":\"none\"}", pl, KEY, KEY_LEN);
    expect_parse_fail(t, strlen(t), "malformed token"); // duplicate member
}

static void verify_times(const char *payload, int64_t now, int64_t leeway, const char *reason)
{
    struct jwt j;
    const char *why;
    assert_int_equal(parse_str(craft("{\"alg\":\"HS256\"}", payload, KEY, KEY_LEN), &j, &why), 0);
    int rc = jwt_verify_hs256(&j, KEY, KEY_LEN, now, leeway, &why);
    if (reason) {
        assert_int_equal(rc, VOX_EUNAUTH);
        assert_string_equal(why, reason);
    } else {
        assert_int_equal(rc, VOX_OK);
    }
    jwt_fini(&j);
}

static void test_times(void **state)
{
    (void)state;
    verify_times("{\"exp\":1700000000}", NOW, 0, "token expired");
    verify_times("{\"exp\":1700000001}", NOW, 0, NULL);
    verify_times("{\"exp\":1699999990}", NOW, 10, "token expired");
    verify_times("{\"exp\":1699999991}", NOW, 10, NULL);
    verify_times("{\"exp\":1699999991}", NOW, -10, "token expired"); // negative leeway = 0
    verify_times("{\"nbf\":1700000001}", NOW, 0, "token not yet valid");
    verify_times("{\"nbf\":1700000000}", NOW, 0, NULL);
    verify_times("{\"nbf\":1700000030}", NOW, 30, NULL);
    verify_times("{\"nbf\":1700000031}", NOW, 30, "token not yet valid");
    verify_times("{\"exp\":1700000100.9,\"nbf\":1699999999.5}", NOW, 0, NULL);
    verify_times("{\"exp\":9223372036854775807}", NOW, INT64_MAX, NULL);
    verify_times("{\"exp\":-9223372036854775807}", NOW, INT64_MAX, "token expired");
    verify_times("{\"nbf\":9223372036854775807}", INT64_MAX, INT64_MAX, NULL);
    verify_times("{\"nbf\":-5}", INT64_MIN, 0, "token not yet valid");
    verify_times("{}", NOW, 0, NULL); // no exp: the caller decides whether that is allowed
}

static void test_wrong_claim_types(void **state)
{
    (void)state;
    static const char *const payloads[] = {
        "{\"exp\":\"1700000000\"}",
        "{\"exp\":true}",
        "{\"nbf\":null}",
        "{\"iat\":[1]}",
        "{\"iss\":5}",
        "{\"sub\":{}}",
        "{\"exp\":1e19}",
        "{\"exp\":-1e19}",
        "{\"exp\":9223372036854775808}",
    };
    for (size_t i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
        char *tok = craft("{\"alg\":\"HS256\"}", payloads[i], KEY, KEY_LEN);
        expect_parse_fail(tok, strlen(tok), "malformed claims");
    }
}

static void test_malformed(void **state)
{
    (void)state;
    char *good = craft("{\"alg\":\"HS256\"}", "{\"sub\":\"a\"}", KEY, KEY_LEN);
    char tok[16384];
    expect_parse_fail("", 0, "malformed token");
    expect_parse_fail(NULL, 0, "malformed token");
    expect_parse_fail("abc", 3, "malformed token");
    expect_parse_fail("eyJhbGciOiJIUzI1NiJ9", 20, "malformed token");
    expect_parse_fail("eyJhbGciOiJIUzI1NiJ9.e30", 24, "malformed token");
    expect_parse_fail("..", 2, "malformed token");
    snprintf(tok, sizeof tok, "%s.", good); // four segments
    expect_parse_fail(tok, strlen(tok), "malformed token");
    snprintf(tok, sizeof tok, "%s", good);
    tok[3] = '*'; // bad base64 in the header
    expect_parse_fail(tok, strlen(tok), "malformed token");
    snprintf(tok, sizeof tok, "%s", good);
    expect_parse_fail(tok, strlen(tok) - 1, "malformed signature"); // truncated signature
    tok[strlen(tok) - 1] = '=';
    expect_parse_fail(tok, strlen(tok), "malformed signature");
    snprintf(tok, sizeof tok, "%s", good);
    tok[5] = '\0'; // embedded NUL; length still covers the whole token
    expect_parse_fail(tok, strlen(good), "malformed token");
    char *t = craft("not json", "{}", KEY, KEY_LEN);
    expect_parse_fail(t, strlen(t), "malformed token");
    t = craft("[\"alg\",\"HS256\"]", "{}", KEY, KEY_LEN);
    expect_parse_fail(t, strlen(t), "malformed token");
    t = craft("{\"alg\":\"HS256\"}", "[1,2,3]", KEY, KEY_LEN);
    expect_parse_fail(t, strlen(t), "malformed claims");
    t = craft("{\"alg\":\"HS256\"}", "\"string\"", KEY, KEY_LEN);
    expect_parse_fail(t, strlen(t), "malformed claims");
    t = craft("{\"alg\":\"HS256\"}", "{\"sub\":\"a\"} trailing", KEY, KEY_LEN);
    expect_parse_fail(t, strlen(t), "malformed claims");
    t = craft("{\"alg\":\"HS256\"}", "{\"sub\":\"a\\u0000b\"}", KEY, KEY_LEN);
    expect_parse_fail(t, strlen(t), "malformed claims");
    t = craft("{\"alg\":\"HS256\"}", "", KEY, KEY_LEN);
    expect_parse_fail(t, strlen(t), "malformed claims");
    // 9000 bytes: over the cap before anything is decoded.
    char filler[7000];
    memset(filler, 'a', sizeof filler - 1);
    filler[sizeof filler - 1] = '\0';
    snprintf(tok, sizeof tok, "{\"sub\":\"%s\"}", filler);
    t = craft("{\"alg\":\"HS256\"}", tok, KEY, KEY_LEN);
    assert_true(strlen(t) > 9000);
    expect_parse_fail(t, strlen(t), "token too long");
    memset(tok, 'A', 9000);
    tok[100] = tok[200] = '.';
    expect_parse_fail(tok, 9000, "token too long");
}

static void test_verify_unparsed(void **state)
{
    (void)state;
    struct jwt j;
    const char *why;
    memset(&j, 0, sizeof j);
    assert_int_equal(jwt_verify_hs256(&j, KEY, KEY_LEN, NOW, 0, &why), VOX_EUNAUTH);
    assert_string_equal(why, "malformed token");
    assert_int_equal(jwt_verify_hs256(NULL, KEY, KEY_LEN, NOW, 0, NULL), VOX_EUNAUTH);
    assert_int_equal(parse_str(rfc_token, &j, NULL), VOX_OK);
    assert_int_equal(jwt_verify_hs256(&j, NULL, 0, 0, 0, &why), VOX_EUNAUTH);
    assert_string_equal(why, "bad signature");
    jwt_fini(&j);
    jwt_fini(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc7515_a1_known_answer),
        cmocka_unit_test(test_sign_known_answer),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_sign_rejects),
        cmocka_unit_test(test_tampered_payload),
        cmocka_unit_test(test_algorithms_rejected),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_wrong_claim_types),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_verify_unparsed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
