// SPDX-License-Identifier: MIT
// Unit tests for domain/validate: uuid, email, utf8, name and slug edge cases.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "domain/validate.h"

static void test_uuid(void **state)
{
    (void)state;
    assert_true(validate_uuid("123e4567-e89b-12d3-a456-426614174000"));
    assert_true(validate_uuid("123E4567-E89B-12D3-A456-426614174000"));
    assert_true(validate_uuid("00000000-0000-0000-0000-000000000000"));
    assert_false(validate_uuid(NULL));
    assert_false(validate_uuid(""));
    assert_false(validate_uuid("123e4567-e89b-12d3-a456-42661417400"));   // short
    assert_false(validate_uuid("123e4567-e89b-12d3-a456-4266141740000")); // long
    assert_false(validate_uuid("123e4567e89b-12d3-a456-426614174000-"));  // dash moved
    assert_false(validate_uuid("123e4567-e89b-12d3-a456-42661417400g"));  // not hex
    assert_false(validate_uuid("{23e4567-e89b-12d3-a456-426614174000"));
    assert_false(validate_uuid("123e4567+e89b-12d3-a456-426614174000"));
    assert_false(validate_uuid("123e4567e89b12d3a456426614174000"));
}

static void test_uuid_canon(void **state)
{
    (void)state;
    char out[VALIDATE_UUID_LEN + 1];
    assert_true(validate_uuid_canon("123E4567-E89B-12D3-A456-42661417400F", out));
    assert_string_equal(out, "123e4567-e89b-12d3-a456-42661417400f");
    assert_true(validate_uuid_canon("123e4567-e89b-12d3-a456-426614174000", out));
    assert_string_equal(out, "123e4567-e89b-12d3-a456-426614174000");
    memset(out, 'x', sizeof out);
    assert_false(validate_uuid_canon("123E4567-E89B-12D3-A456-42661417400G", out));
    assert_string_equal(out, "");
    assert_false(validate_uuid_canon(NULL, out));
    assert_false(validate_uuid_canon("", out));
}

static void test_key_id(void **state)
{
    (void)state;
    char out[VALIDATE_KEY_ID_LEN + 1];
    assert_true(validate_key_id("AKABCDEFGHJKLMNPQRSTUV"));
    assert_true(validate_key_id("AK23456789WXYZ23456789"));
    assert_true(validate_key_id_canon("akabcdefghjkLMNPQRSTUV", out));
    assert_string_equal(out, "AKABCDEFGHJKLMNPQRSTUV");
    assert_false(validate_key_id(NULL));
    assert_false(validate_key_id(""));
    assert_false(validate_key_id("AKABCDEFGHJKLMNPQRSTU"));   // 21
    assert_false(validate_key_id("AKABCDEFGHJKLMNPQRSTUVW")); // 23
    assert_false(validate_key_id("BKABCDEFGHJKLMNPQRSTUV"));  // not AK
    assert_false(validate_key_id("AKABCDEFGHIKLMNPQRSTUV"));  // I is not in the alphabet
    assert_false(validate_key_id("AKABCDEFGH0KLMNPQRSTUV"));  // nor 0
    assert_false(validate_key_id("AKABCDEFGH-KLMNPQRSTUV"));
    assert_false(validate_key_id("123e4567-e89b-12d3-a456-426614174000"));
    memset(out, 'x', sizeof out);
    assert_false(validate_key_id_canon("AK%00", out));
    assert_string_equal(out, "");
}

static void test_email(void **state)
{
    (void)state;
    assert_true(validate_email("a@b.co"));
    assert_true(validate_email("first.last+tag@sub.example.com"));
    assert_true(validate_email("A.B-C_D@Example-1.COM"));
    assert_true(validate_email("!#$%&'*+-/=?^_`{|}~@x.io")); // every atext symbol
    assert_true(validate_email("a@xn--bcher-kva.example"));  // an IDN as its A-label
    assert_true(validate_email("a@1.example"));
    assert_true(validate_email("a@b.c1"));
    // Outside the grammar: markup, quotes, comments, literals, UTF-8, bad dots and labels.
    assert_false(validate_email("<script>@x.com"));
    assert_false(validate_email("a@x.com<script>"));
    assert_false(validate_email("\"a b\"@x.com"));
    assert_false(validate_email("a(c)@x.com"));
    assert_false(validate_email("a@[127.0.0.1]"));
    assert_false(validate_email("a@127.0.0.1"));
    assert_false(validate_email("a,b@x.com"));
    assert_false(validate_email("a;b@x.com"));
    assert_false(validate_email("a\\b@x.com"));
    assert_false(validate_email("j\xc3\xb6rg@example.de"));
    assert_false(validate_email("a@b\xc3\xbc.de"));
    assert_false(validate_email(".a@x.com"));
    assert_false(validate_email("a.@x.com"));
    assert_false(validate_email("a..b@x.com"));
    assert_false(validate_email("a@-x.com"));
    assert_false(validate_email("a@x-.com"));
    assert_false(validate_email("a@x_y.com"));
    assert_false(validate_email("a@x.com-"));
    assert_false(validate_email(NULL));
    assert_false(validate_email(""));
    assert_false(validate_email("plain"));
    assert_false(validate_email("@example.com"));
    assert_false(validate_email("a@"));
    assert_false(validate_email("a@localhost"));
    assert_false(validate_email("a@b@c.com"));
    assert_false(validate_email("a b@c.com"));
    assert_false(validate_email("a@c.com "));
    assert_false(validate_email("a\t@c.com"));
    assert_false(validate_email("a\x7f@c.com"));
    assert_false(validate_email("a@.c.com"));
    assert_false(validate_email("a@c.com."));
    assert_false(validate_email("a@c..com"));
    assert_false(validate_email("a\xff@c.com"));
}

static void test_email_lengths(void **state)
{
    (void)state;
    char buf[300];
    // 64-byte local part is fine, 65 is not.
    memset(buf, 'a', 64);
    strcpy(buf + 64, "@x.io");
    assert_true(validate_email(buf));
    memset(buf, 'a', 65);
    strcpy(buf + 65, "@x.io");
    assert_false(validate_email(buf));
    // A 63-byte label is fine, 64 is not.
    strcpy(buf, "a@");
    memset(buf + 2, 'l', 63);
    strcpy(buf + 65, ".io");
    assert_true(validate_email(buf));
    strcpy(buf, "a@");
    memset(buf + 2, 'l', 64);
    strcpy(buf + 66, ".io");
    assert_false(validate_email(buf));
    // 254 bytes total is fine, 255 is not (labels of 50 keep each one legal).
    memset(buf, 'a', 10);
    buf[10] = '@';
    for (size_t i = 11; i < 250; i++)
        buf[i] = (i - 11) % 51 == 50 ? '.' : 'd';
    strcpy(buf + 250, ".com");
    assert_int_equal(strlen(buf), 254);
    assert_true(validate_email(buf));
    memmove(buf + 1, buf, 255);
    assert_int_equal(strlen(buf), 255);
    assert_false(validate_email(buf));
    // One 239-byte label within 254 bytes: the label limit refuses it.
    memset(buf, 'a', 10);
    buf[10] = '@';
    memset(buf + 11, 'd', 254 - 11 - 4);
    strcpy(buf + 254 - 4, ".com");
    assert_int_equal(strlen(buf), 254);
    assert_false(validate_email(buf));
}

static void test_utf8(void **state)
{
    (void)state;
    assert_true(validate_utf8("", 0));
    assert_true(validate_utf8("hello", 5));
    assert_true(validate_utf8("\xc3\xa9", 2));          // é
    assert_true(validate_utf8("\xe2\x82\xac", 3));      // €
    assert_true(validate_utf8("\xf0\x9f\x8e\xa4", 4));  // 🎤
    assert_true(validate_utf8("\xf4\x8f\xbf\xbf", 4));  // U+10FFFF
    assert_true(validate_utf8("\xed\x9f\xbf", 3));      // U+D7FF
    assert_true(validate_utf8("\xee\x80\x80", 3));      // U+E000
    assert_true(validate_utf8("a\0b", 3));              // NUL is well-formed
    assert_false(validate_utf8("\x80", 1));             // lone continuation
    assert_false(validate_utf8("\xc3", 1));             // truncated
    assert_false(validate_utf8("\xe2\x82", 2));         // truncated
    assert_false(validate_utf8("\xc0\xaf", 2));         // overlong '/'
    assert_false(validate_utf8("\xc1\xbf", 2));         // overlong
    assert_false(validate_utf8("\xe0\x80\xaf", 3));     // overlong 3-byte
    assert_false(validate_utf8("\xf0\x80\x80\xaf", 4)); // overlong 4-byte
    assert_false(validate_utf8("\xed\xa0\x80", 3));     // surrogate U+D800
    assert_false(validate_utf8("\xed\xbf\xbf", 3));     // surrogate U+DFFF
    assert_false(validate_utf8("\xf4\x90\x80\x80", 4)); // U+110000
    assert_false(validate_utf8("\xf5\x80\x80\x80", 4));
    assert_false(validate_utf8("\xff", 1));
    assert_false(validate_utf8("\xc3\x28", 2)); // bad continuation
    assert_false(validate_utf8("\xe2\x82\x28", 3));
    // len bounds the read: a valid prefix of a longer buffer.
    assert_true(validate_utf8("ab\xc3", 2));
}

static void test_name(void **state)
{
    (void)state;
    assert_true(validate_name("Alice", 64));
    assert_true(validate_name(" Alice ", 64));
    assert_true(validate_name("J\xc3\xb6rg \xf0\x9f\x8e\xa4", 64));
    assert_true(validate_name("abcd", 4));
    assert_false(validate_name("abcde", 4));
    assert_false(validate_name(NULL, 64));
    assert_false(validate_name("", 64));
    assert_false(validate_name("   ", 64));
    assert_false(validate_name("a\tb", 64));
    assert_false(validate_name("a\nb", 64));
    assert_false(validate_name("a\x7f", 64));
    assert_false(validate_name("a\xc2\x85", 64));     // C1 NEL
    assert_false(validate_name("a\xe2\x80\xae", 64)); // right-to-left override
    assert_false(validate_name("a\xe2\x80\xa8", 64)); // line separator
    assert_false(validate_name("a\xc3", 64));
    // A multi-byte character cut by max is rejected, not truncated.
    assert_false(validate_name("ab\xc3\xa9", 3));
    assert_true(validate_name("ab\xc3\xa9", 4));
    assert_true(validate_name("x", SIZE_MAX));
}

static void test_slug(void **state)
{
    (void)state;
    assert_true(validate_slug("general", 32));
    assert_true(validate_slug("voice-1", 32));
    assert_true(validate_slug("a", 1));
    assert_false(validate_slug("ab", 1));
    assert_false(validate_slug("", 32));
    assert_false(validate_slug(NULL, 32));
    assert_false(validate_slug("-a", 32));
    assert_false(validate_slug("a-", 32));
    assert_false(validate_slug("General", 32));
    assert_false(validate_slug("a_b", 32));
    assert_false(validate_slug("a b", 32));
    assert_false(validate_slug("caf\xc3\xa9", 32));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uuid),          cmocka_unit_test(test_uuid_canon),
        cmocka_unit_test(test_key_id),        cmocka_unit_test(test_email),
        cmocka_unit_test(test_email_lengths), cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_name),          cmocka_unit_test(test_slug),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
