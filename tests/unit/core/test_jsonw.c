// SPDX-License-Identifier: MIT
// Unit tests for core/jsonw: exact output for every value type and nesting, string escaping,
// and that what it writes parses with jansson into the values that were written.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"

static json_t *parse_ok(const char *text)
{
    json_error_t err;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &err);
    if (!v)
        fail_msg("jansson rejects %s: %s at %d", text, err.text, err.position);
    return v;
}

static void test_scalars_exact(void **state)
{
    (void)state;
    sbuf b;
    sbuf_init(&b);
    jsonw w;
    jsonw_init(&w, &b);
    jsonw_arr(&w);
    jsonw_str(&w, "s");
    jsonw_str(&w, NULL);
    jsonw_str(&w, "");
    jsonw_int(&w, 0);
    jsonw_int(&w, -1);
    jsonw_int(&w, INT64_MAX);
    jsonw_int(&w, INT64_MIN);
    jsonw_bool(&w, true);
    jsonw_bool(&w, false);
    jsonw_null(&w);
    jsonw_raw(&w, "{\"a\":[1]}", "{}");
    jsonw_raw(&w, NULL, "{}");
    jsonw_raw(&w, "", "[]");
    jsonw_time(&w, 0);
    jsonw_time(&w, -5);
    jsonw_time(&w, 1709214306123LL);
    jsonw_arr_end(&w);
    assert_int_equal(w.depth, 0);
    assert_string_equal(b.data, "[\"s\",null,\"\",0,-1,9223372036854775807,-9223372036854775808,"
                                "true,false,null,{\"a\":[1]},{},[],null,null,"
                                "\"2024-02-29T13:45:06.123Z\"]");
    json_t *v = parse_ok(b.data);
    assert_int_equal(json_array_size(v), 16);
    assert_int_equal(json_integer_value(json_array_get(v, 5)), INT64_MAX);
    assert_int_equal(json_integer_value(json_array_get(v, 6)), INT64_MIN);
    json_decref(v);
    sbuf_fini(&b);
}

static void test_object_members_and_nesting(void **state)
{
    (void)state;
    sbuf b;
    sbuf_init(&b);
    jsonw w;
    jsonw_init(&w, &b);
    jsonw_obj(&w);
    jsonw_kstr(&w, "name", "room");
    jsonw_kint(&w, "n", 42);
    jsonw_kbool(&w, "ok", true);
    jsonw_ktime(&w, "at", 1000);
    jsonw_ktime(&w, "never", 0);
    jsonw_kraw(&w, "meta", NULL, "{}");
    jsonw_kstr(&w, "none", NULL);
    jsonw_key(&w, "empty_obj");
    jsonw_obj(&w);
    jsonw_obj_end(&w);
    jsonw_key(&w, "empty_arr");
    jsonw_arr(&w);
    jsonw_arr_end(&w);
    jsonw_key(&w, "list");
    jsonw_arr(&w);
    for (int i = 0; i < 3; i++) {
        jsonw_obj(&w);
        jsonw_kint(&w, "i", i);
        jsonw_key(&w, "sub");
        jsonw_arr(&w);
        jsonw_arr(&w);
        jsonw_int(&w, i);
        jsonw_arr_end(&w);
        jsonw_arr_end(&w);
        jsonw_obj_end(&w);
    }
    jsonw_arr_end(&w);
    jsonw_obj_end(&w);
    assert_int_equal(w.depth, 0);
    assert_string_equal(
        b.data, "{\"name\":\"room\",\"n\":42,\"ok\":true,\"at\":\"1970-01-01T00:00:01.000Z\","
                "\"never\":null,\"meta\":{},\"none\":null,\"empty_obj\":{},\"empty_arr\":[],"
                "\"list\":[{\"i\":0,\"sub\":[[0]]},{\"i\":1,\"sub\":[[1]]},"
                "{\"i\":2,\"sub\":[[2]]}]}");
    // Round trip: equal to the same document built with jansson.
    json_t *got = parse_ok(b.data);
    json_t *list = json_array();
    for (int i = 0; i < 3; i++)
        json_array_append_new(list, json_pack("{s:i, s:[[i]]}", "i", i, "sub", i));
    json_t *want = json_pack("{s:s, s:i, s:b, s:s, s:n, s:{}, s:n, s:{}, s:[], s:o}", "name",
                             "room", "n", 42, "ok", 1, "at", "1970-01-01T00:00:01.000Z", "never",
                             "meta", "none", "empty_obj", "empty_arr", "list", list);
    assert_non_null(want);
    assert_true(json_equal(got, want));
    json_decref(got);
    json_decref(want);
    sbuf_fini(&b);
}

static void test_escaping_exact(void **state)
{
    (void)state;
    sbuf b;
    sbuf_init(&b);
    jsonw w;
    jsonw_init(&w, &b);
    jsonw_obj(&w);
    jsonw_kstr(&w, "q\"k\\", "a\"b\\c/d\n\r\t\b\f\x01\x1f\x7f é");
    jsonw_obj_end(&w);
    assert_string_equal(b.data, "{\"q\\\"k\\\\\":\"a\\\"b\\\\c/d\\n\\r\\t\\u0008\\u000c\\u0001"
                                "\\u001f\x7f é\"}");
    json_t *v = parse_ok(b.data);
    assert_string_equal(json_string_value(json_object_get(v, "q\"k\\")),
                        "a\"b\\c/d\n\r\t\b\f\x01\x1f\x7f é");
    json_decref(v);
    sbuf_fini(&b);
}

static void test_every_byte_round_trips(void **state)
{
    (void)state;
    // Every ASCII byte 1..127, then multi-byte UTF-8, as one value and as one key.
    char s[200];
    size_t n = 0;
    for (int c = 1; c < 128; c++)
        s[n++] = (char)c;
    const char *utf8 = "\xc3\xa9\xe2\x82\xac\xf0\x9f\x8e\xa4"; // é € 🎤
    memcpy(s + n, utf8, strlen(utf8) + 1);
    sbuf b;
    sbuf_init(&b);
    jsonw w;
    jsonw_init(&w, &b);
    jsonw_obj(&w);
    jsonw_kstr(&w, s, s);
    jsonw_key(&w, "arr");
    jsonw_arr(&w);
    jsonw_str(&w, s);
    jsonw_str(&w, "\"");
    jsonw_str(&w, "\\");
    jsonw_arr_end(&w);
    jsonw_obj_end(&w);
    for (size_t i = 0; i < b.len; i++) // no raw control character survives
        assert_true((unsigned char)b.data[i] >= 0x20);
    json_t *v = parse_ok(b.data);
    assert_string_equal(json_string_value(json_object_get(v, s)), s);
    json_t *arr = json_object_get(v, "arr");
    assert_string_equal(json_string_value(json_array_get(arr, 0)), s);
    assert_string_equal(json_string_value(json_array_get(arr, 1)), "\"");
    assert_string_equal(json_string_value(json_array_get(arr, 2)), "\\");
    json_decref(v);
    sbuf_fini(&b);
}

static void test_max_depth(void **state)
{
    (void)state;
    sbuf b;
    sbuf_init(&b);
    jsonw w;
    jsonw_init(&w, &b);
    int levels = JSONW_MAX_DEPTH - 1; // the deepest nesting the writer supports
    for (int i = 0; i < levels; i++) {
        if (i % 2) {
            jsonw_obj(&w);
            jsonw_key(&w, "k");
        } else {
            jsonw_arr(&w);
        }
    }
    jsonw_int(&w, 7);
    for (int i = levels - 1; i >= 0; i--) {
        if (i % 2)
            jsonw_obj_end(&w);
        else
            jsonw_arr_end(&w);
    }
    assert_int_equal(w.depth, 0);
    json_t *v = parse_ok(b.data);
    json_t *cur = v;
    for (int i = 0; i < levels; i++)
        cur = i % 2 ? json_object_get(cur, "k") : json_array_get(cur, 0);
    assert_int_equal(json_integer_value(cur), 7);
    json_decref(v);
    sbuf_fini(&b);
}

static void test_reinit_and_append(void **state)
{
    (void)state;
    // A writer appends to what the buffer holds; re-init starts a fresh document.
    sbuf b;
    sbuf_init(&b);
    sbuf_puts(&b, "data: ");
    jsonw w;
    jsonw_init(&w, &b);
    jsonw_obj(&w);
    jsonw_kint(&w, "a", 1);
    jsonw_obj_end(&w);
    assert_string_equal(b.data, "data: {\"a\":1}");
    sbuf_reset(&b);
    jsonw_init(&w, &b);
    jsonw_arr(&w);
    jsonw_int(&w, 1);
    jsonw_int(&w, 2);
    jsonw_arr_end(&w);
    assert_string_equal(b.data, "[1,2]");
    sbuf_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars_exact),  cmocka_unit_test(test_object_members_and_nesting),
        cmocka_unit_test(test_escaping_exact), cmocka_unit_test(test_every_byte_round_trips),
        cmocka_unit_test(test_max_depth),      cmocka_unit_test(test_reinit_and_append),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
