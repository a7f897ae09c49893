// SPDX-License-Identifier: MIT
// Tests for auth/b64: RFC 4648 section 10 vectors, round trips, strict rejection.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "auth/b64.h"
#include "core/err.h"

static const char *const rfc_plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
static const char *const rfc_std[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
                                      "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
static const char *const rfc_url[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};

static void test_rfc4648_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rfc_plain / sizeof rfc_plain[0]; i++) {
        char enc[16];
        uint8_t dec[16];
        size_t n = strlen(rfc_plain[i]);
        assert_int_equal(b64_encode((const uint8_t *)rfc_plain[i], n, enc, sizeof enc),
                         strlen(rfc_std[i]));
        assert_string_equal(enc, rfc_std[i]);
        assert_int_equal(b64url_encode((const uint8_t *)rfc_plain[i], n, enc, sizeof enc),
                         strlen(rfc_url[i]));
        assert_string_equal(enc, rfc_url[i]);
        assert_int_equal(b64_decode(rfc_std[i], strlen(rfc_std[i]), dec, sizeof dec), n);
        assert_memory_equal(dec, rfc_plain[i], n);
        assert_int_equal(b64url_decode(rfc_url[i], strlen(rfc_url[i]), dec, sizeof dec), n);
        assert_memory_equal(dec, rfc_plain[i], n);
    }
}

static void test_url_alphabet(void **state)
{
    (void)state;
    const uint8_t in[] = {0xfb, 0xff, 0xbf};
    char enc[8];
    uint8_t dec[8];
    assert_int_equal(b64url_encode(in, 3, enc, sizeof enc), 4);
    assert_string_equal(enc, "-_-_");
    assert_int_equal(b64_encode(in, 3, enc, sizeof enc), 4);
    assert_string_equal(enc, "+/+/");
    assert_int_equal(b64url_decode("-_-_", 4, dec, sizeof dec), 3);
    assert_memory_equal(dec, in, 3);
    assert_int_equal(b64url_decode("+/+/", 4, dec, sizeof dec), VOX_EINVAL);
    assert_int_equal(b64_decode("-_-_", 4, dec, sizeof dec), VOX_EINVAL);
}

static void test_round_trip_all_lengths(void **state)
{
    (void)state;
    uint8_t in[1000], dec[1000];
    char enc[1400];
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = (uint8_t)(i * 131 + 7);
    for (size_t n = 0; n <= sizeof in; n += (n < 40 ? 1 : 97)) {
        int m = b64url_encode(in, n, enc, sizeof enc);
        assert_int_equal(m, b64url_encoded_len(n));
        assert_int_equal(b64url_decode(enc, (size_t)m, dec, sizeof dec), n);
        assert_memory_equal(dec, in, n);
        m = b64_encode(in, n, enc, sizeof enc);
        assert_int_equal(m, b64_encoded_len(n));
        assert_int_equal(b64_decode(enc, (size_t)m, dec, sizeof dec), n);
        assert_memory_equal(dec, in, n);
    }
}

static void test_rejects_bad_input(void **state)
{
    (void)state;
    uint8_t dec[16];
    assert_int_equal(b64url_decode("Zg=", 3, dec, sizeof dec), VOX_EINVAL);    // padding
    assert_int_equal(b64url_decode("Zg==", 4, dec, sizeof dec), VOX_EINVAL);   // padding
    assert_int_equal(b64url_decode("Z", 1, dec, sizeof dec), VOX_EINVAL);      // len % 4 == 1
    assert_int_equal(b64url_decode("Zm9vY", 5, dec, sizeof dec), VOX_EINVAL);  // len % 4 == 1
    assert_int_equal(b64url_decode("Zh", 2, dec, sizeof dec), VOX_EINVAL);     // trailing bits
    assert_int_equal(b64url_decode("Zm9", 3, dec, sizeof dec), VOX_EINVAL);    // trailing bits
    assert_int_equal(b64url_decode("Zm 9", 4, dec, sizeof dec), VOX_EINVAL);   // space
    assert_int_equal(b64url_decode("Zm\09v", 5, dec, sizeof dec), VOX_EINVAL); // NUL
    assert_int_equal(b64url_decode("Zm9v\n", 5, dec, sizeof dec), VOX_EINVAL); // newline
    assert_int_equal(b64_decode("Zg", 2, dec, sizeof dec), VOX_EINVAL);        // unpadded
    assert_int_equal(b64_decode("Zg=", 3, dec, sizeof dec), VOX_EINVAL);
    assert_int_equal(b64_decode("Z===", 4, dec, sizeof dec), VOX_EINVAL);
    assert_int_equal(b64_decode("Zg==Zg==", 8, dec, sizeof dec), VOX_EINVAL); // inner pad
    assert_int_equal(b64_decode("=Zg=", 4, dec, sizeof dec), VOX_EINVAL);
    assert_int_equal(b64_decode(" Zm9v", 5, dec, sizeof dec), VOX_EINVAL);
    assert_int_equal(b64_decode("Zh==", 4, dec, sizeof dec), VOX_EINVAL); // trailing bits
    assert_int_equal(b64_decode("\xff\xfe\xfd\xfc", 4, dec, sizeof dec), VOX_EINVAL);
}

static void test_capacity(void **state)
{
    (void)state;
    char enc[4];
    uint8_t dec[2];
    // "foo" needs 4 characters plus the NUL.
    assert_int_equal(b64url_encode((const uint8_t *)"foo", 3, enc, 4), VOX_EINVAL);
    assert_int_equal(b64_encode((const uint8_t *)"fo", 2, enc, 4), VOX_EINVAL);
    assert_int_equal(b64url_decode("Zm9v", 4, dec, sizeof dec), VOX_EINVAL);
    assert_int_equal(b64url_decode("Zm8", 3, dec, sizeof dec), 2);
    assert_int_equal(b64_decode("Zm8=", 4, dec, sizeof dec), 2);
    assert_int_equal(b64url_decode("", 0, NULL, 0), 0);
}

static void test_basic_auth_credentials(void **state)
{
    (void)state;
    // RFC 7617 section 2 example.
    const char *s = "QWxhZGRpbjpvcGVuIHNlc2FtZQ==";
    uint8_t dec[64];
    int n = b64_decode(s, strlen(s), dec, sizeof dec);
    assert_int_equal(n, 19);
    assert_memory_equal(dec, "Aladdin:open sesame", 19);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4648_vectors),
        cmocka_unit_test(test_url_alphabet),
        cmocka_unit_test(test_round_trip_all_lengths),
        cmocka_unit_test(test_rejects_bad_input),
        cmocka_unit_test(test_capacity),
        cmocka_unit_test(test_basic_auth_credentials),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
