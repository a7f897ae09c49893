// SPDX-License-Identifier: MIT
// Unit tests for core/sbuf: growth by append and printf, steal, reset, empty appends.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"

// Checks the invariants every non-empty buffer keeps: NUL after len, len < cap.
static void assert_sane(const sbuf *b)
{
    assert_non_null(b->data);
    assert_true(b->len < b->cap);
    assert_int_equal(b->data[b->len], '\0');
}

static void test_init_is_empty(void **state)
{
    (void)state;
    sbuf b;
    sbuf_init(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    sbuf_fini(&b);
    sbuf_fini(&b); // fini twice is harmless: it re-inits
    assert_null(b.data);
}

static void test_append_grows_byte_by_byte(void **state)
{
    (void)state;
    sbuf b;
    sbuf_init(&b);
    char expect[5000];
    for (size_t i = 0; i < sizeof expect; i++) {
        char c = (char)('a' + i % 26);
        expect[i] = c;
        sbuf_append(&b, &c, 1);
        assert_int_equal(b.len, i + 1);
        assert_sane(&b);
    }
    assert_memory_equal(b.data, expect, sizeof expect);
    assert_true(b.cap >= sizeof expect + 1);
    assert_true(b.cap <= 2 * (sizeof expect + 1)); // doubling, not wild over-allocation
    sbuf_fini(&b);
}

static void test_append_large_and_binary(void **state)
{
    (void)state;
    sbuf b;
    sbuf_init(&b);
    size_t n = 100000;
    char *big = malloc(n);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)(i * 7); // includes NUL bytes
    sbuf_puts(&b, "hdr:");
    sbuf_append(&b, big, n);
    assert_int_equal(b.len, n + 4);
    assert_sane(&b);
    assert_memory_equal(b.data, "hdr:", 4);
    assert_memory_equal(b.data + 4, big, n);
    free(big);
    sbuf_fini(&b);
}

static void test_zero_length_append_with_null(void **state)
{
    (void)state;
    sbuf b;
    sbuf_init(&b);
    sbuf_append(&b, NULL, 0); // must not touch the NULL pointer or allocate
    assert_int_equal(b.len, 0);
    assert_null(b.data);
    sbuf_puts(&b, "xy");
    size_t cap = b.cap;
    char *data = b.data;
    sbuf_append(&b, NULL, 0);
    sbuf_puts(&b, "");
    assert_int_equal(b.len, 2);
    assert_int_equal(b.cap, cap);
    assert_ptr_equal(b.data, data);
    assert_string_equal(b.data, "xy");
    sbuf_fini(&b);
}

static void test_printf_growth(void **state)
{
    (void)state;
    sbuf b;
    sbuf_init(&b);
    char expect[40000];
    size_t elen = 0;
    for (int i = 0; i < 2000; i++) {
        sbuf_printf(&b, "%d:%s;", i, i % 3 ? "abc" : "");
        elen +=
            (size_t)snprintf(expect + elen, sizeof expect - elen, "%d:%s;", i, i % 3 ? "abc" : "");
        assert_int_equal(b.len, elen);
        assert_sane(&b);
    }
    assert_string_equal(b.data, expect);
    // One formatted piece bigger than the current capacity.
    char wide[3000];
    memset(wide, 'w', sizeof wide - 1);
    wide[sizeof wide - 1] = '\0';
    sbuf_reset(&b);
    sbuf_printf(&b, "[%s|%5d]", wide, 42);
    assert_int_equal(b.len, sizeof wide - 1 + 8);
    assert_int_equal(b.data[0], '[');
    assert_string_equal(b.data + b.len - 7, "|   42]");
    sbuf_fini(&b);
}

static void test_printf_empty_result(void **state)
{
    (void)state;
    sbuf b;
    sbuf_init(&b);
    sbuf_printf(&b, "%s", "");
    assert_int_equal(b.len, 0);
    sbuf_puts(&b, "k");
    sbuf_printf(&b, "%.0s", "ignored");
    assert_int_equal(b.len, 1);
    assert_string_equal(b.data, "k");
    sbuf_fini(&b);
}

static void vwrap(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void vwrap(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sbuf_vprintf(b, fmt, ap);
    va_end(ap);
}

static void test_vprintf(void **state)
{
    (void)state;
    sbuf b;
    sbuf_init(&b);
    vwrap(&b, "%s=%lld", "n", -9223372036854775807LL - 1);
    assert_string_equal(b.data, "n=-9223372036854775808");
    sbuf_fini(&b);
}

static void test_steal(void **state)
{
    (void)state;
    sbuf b;
    sbuf_init(&b);
    sbuf_puts(&b, "hello");
    char *p = sbuf_steal(&b);
    assert_string_equal(p, "hello");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    free(p);
    // Stealing an untouched buffer hands out an empty, freeable string.
    p = sbuf_steal(&b);
    assert_non_null(p);
    assert_string_equal(p, "");
    free(p);
    // The buffer is reusable after a steal.
    sbuf_puts(&b, "again");
    assert_string_equal(b.data, "again");
    sbuf_fini(&b);
}

static void test_reset_keeps_memory(void **state)
{
    (void)state;
    sbuf b;
    sbuf_init(&b);
    sbuf_reset(&b); // on an empty buffer: no crash, stays empty
    assert_null(b.data);
    for (int i = 0; i < 100; i++)
        sbuf_puts(&b, "0123456789");
    char *data = b.data;
    size_t cap = b.cap;
    sbuf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_ptr_equal(b.data, data);
    assert_int_equal(b.cap, cap);
    assert_string_equal(b.data, "");
    sbuf_puts(&b, "x");
    assert_string_equal(b.data, "x");
    assert_ptr_equal(b.data, data);
    sbuf_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_is_empty),
        cmocka_unit_test(test_append_grows_byte_by_byte),
        cmocka_unit_test(test_append_large_and_binary),
        cmocka_unit_test(test_zero_length_append_with_null),
        cmocka_unit_test(test_printf_growth),
        cmocka_unit_test(test_printf_empty_result),
        cmocka_unit_test(test_vprintf),
        cmocka_unit_test(test_steal),
        cmocka_unit_test(test_reset_keeps_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
