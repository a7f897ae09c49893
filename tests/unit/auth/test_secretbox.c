// SPDX-License-Identifier: MIT
// Tests for auth/secretbox: seal/open round trips, a fixed-vector open, tamper and wrong
// key detection, and the hex/sha256/equality helpers.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "auth/b64.h"
#include "auth/secretbox.h"
#include "core/err.h"

static void key_init(uint8_t key[SECRETBOX_KEY_LEN])
{
    for (int i = 0; i < SECRETBOX_KEY_LEN; i++)
        key[i] = (uint8_t)i;
}

static void test_round_trip(void **state)
{
    (void)state;
    uint8_t key[SECRETBOX_KEY_LEN], out[256];
    size_t outlen = 99;
    key_init(key);
    static const size_t lens[] = {0, 1, 15, 16, 17, 64, 200};
    uint8_t pt[200];
    for (size_t i = 0; i < sizeof pt; i++)
        pt[i] = (uint8_t)(i ^ 0x5a);
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        char *box = NULL;
        assert_int_equal(secretbox_seal(key, pt, lens[i], &box), VOX_OK);
        assert_int_equal(strlen(box), b64_encoded_len(lens[i] + 28));
        assert_int_equal(secretbox_open(key, box, out, sizeof out, &outlen), VOX_OK);
        assert_int_equal(outlen, lens[i]);
        assert_memory_equal(out, pt, lens[i]);
        free(box);
    }
}

static void test_fresh_nonce(void **state)
{
    (void)state;
    uint8_t key[SECRETBOX_KEY_LEN];
    key_init(key);
    char *a = NULL, *b = NULL;
    assert_int_equal(secretbox_seal(key, (const uint8_t *)"same", 4, &a), VOX_OK);
    assert_int_equal(secretbox_seal(key, (const uint8_t *)"same", 4, &b), VOX_OK);
    assert_string_not_equal(a, b);
    free(a);
    free(b);
}

static void test_known_box(void **state)
{
    (void)state;
    // Made with python3 cryptography AESGCM: key 00..1f, nonce cafebabefacedbaddecaf888.
    static const char box[] = "yv66vvrO263eyviI+cj/SsMMKkQnaT7sSS6OoHdoSA5705YgwJC3p/yB";
    uint8_t key[SECRETBOX_KEY_LEN], out[64];
    size_t outlen = 0;
    key_init(key);
    assert_int_equal(secretbox_open(key, box, out, sizeof out, &outlen), VOX_OK);
    assert_int_equal(outlen, 14);
    assert_memory_equal(out, "sk_live_abc123", 14);
    // Exactly big enough, then one byte short.
    assert_int_equal(secretbox_open(key, box, out, 14, &outlen), VOX_OK);
    assert_int_equal(secretbox_open(key, box, out, 13, &outlen), VOX_EINVAL);
    assert_int_equal(outlen, 0);
}

static void test_tamper(void **state)
{
    (void)state;
    uint8_t key[SECRETBOX_KEY_LEN], out[64], raw[64];
    size_t outlen;
    key_init(key);
    char *box = NULL;
    assert_int_equal(secretbox_seal(key, (const uint8_t *)"top secret value", 16, &box), 0);
    int n = b64_decode(box, strlen(box), raw, sizeof raw);
    assert_int_equal(n, 16 + 28);
    // Flip one bit in every position: nonce, ciphertext and tag must all be covered.
    for (int i = 0; i < n; i++) {
        char txt[128];
        raw[i] ^= 0x01;
        b64_encode(raw, (size_t)n, txt, sizeof txt);
        memset(out, 0xee, sizeof out);
        assert_int_equal(secretbox_open(key, txt, out, sizeof out, &outlen), VOX_EINVAL);
        for (size_t k = 0; k < 16; k++)
            assert_true(out[k] == 0 || out[k] == 0xee); // no plaintext left behind
        raw[i] ^= 0x01;
    }
    // Truncated box, extended box, wrong key, garbage.
    char txt[128];
    b64_encode(raw, (size_t)n - 1, txt, sizeof txt);
    assert_int_equal(secretbox_open(key, txt, out, sizeof out, &outlen), VOX_EINVAL);
    raw[n] = 0;
    b64_encode(raw, (size_t)n + 1, txt, sizeof txt);
    assert_int_equal(secretbox_open(key, txt, out, sizeof out, &outlen), VOX_EINVAL);
    key[0] ^= 0x80;
    assert_int_equal(secretbox_open(key, box, out, sizeof out, &outlen), VOX_EINVAL);
    key[0] ^= 0x80;
    assert_int_equal(secretbox_open(key, "not base64!", out, sizeof out, &outlen), VOX_EINVAL);
    assert_int_equal(secretbox_open(key, "", out, sizeof out, &outlen), VOX_EINVAL);
    assert_int_equal(secretbox_open(key, "AAAA", out, sizeof out, &outlen), VOX_EINVAL);
    assert_int_equal(secretbox_open(key, NULL, out, sizeof out, &outlen), VOX_EINVAL);
    assert_int_equal(secretbox_open(key, box, out, sizeof out, &outlen), VOX_OK);
    free(box);
}

static void test_seal_limits(void **state)
{
    (void)state;
    uint8_t key[SECRETBOX_KEY_LEN];
    key_init(key);
    char *box = (char *)"sentinel";
    assert_int_equal(secretbox_seal(key, NULL, SECRETBOX_MAX_PLAINTEXT + 1, &box), VOX_EINVAL);
    assert_null(box);
    assert_int_equal(secretbox_seal(key, NULL, 0, &box), VOX_OK);
    free(box);
}

static void test_helpers(void **state)
{
    (void)state;
    char hex[65];
    secretbox_hex((const uint8_t *)"\x00\x01\xab\xff", 4, hex);
    assert_string_equal(hex, "0001abff");
    secretbox_hex(NULL, 0, hex);
    assert_string_equal(hex, "");
    // Expected values from: printf 'abc' | sha256sum
    assert_int_equal(secretbox_sha256_hex("abc", hex), VOX_OK);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(secretbox_sha256_hex("", hex), VOX_OK);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_int_equal(secretbox_sha256_hex(NULL, hex), VOX_EINVAL);
    uint8_t a[32] = {0}, b[32] = {0};
    assert_int_equal(secretbox_random(a, sizeof a), VOX_OK);
    assert_int_equal(secretbox_random(b, sizeof b), VOX_OK);
    assert_memory_not_equal(a, b, sizeof a);
    assert_int_equal(secretbox_random(NULL, 0), VOX_OK);
    assert_true(secretbox_equal("admin-token", "admin-token"));
    assert_false(secretbox_equal("admin-token", "admin-tokem"));
    assert_false(secretbox_equal("admin-token", "admin-token-longer"));
    assert_false(secretbox_equal("admin-token", NULL));
    assert_true(secretbox_equal("", ""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),  cmocka_unit_test(test_fresh_nonce),
        cmocka_unit_test(test_known_box),   cmocka_unit_test(test_tamper),
        cmocka_unit_test(test_seal_limits), cmocka_unit_test(test_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
