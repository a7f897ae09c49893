// SPDX-License-Identifier: MIT
// Unit tests for api/openapi: the operation table and the route tables name the same
// operations, every operation has a unique id and a success answer, and every $ref in the
// document names a schema it defines.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "api/openapi.h"

static void test_tables_agree(void **state)
{
    (void)state;
    char err[256] = "";
    int rc = openapi_check(err, sizeof err);
    if (rc)
        fprintf(stderr, "openapi_check: %s\n", err);
    assert_int_equal(rc, 0);
}

// Walks v and fails on any "$ref" that names no components/schemas entry.
static void check_refs(const json_t *v, const json_t *schemas)
{
    const char *key;
    json_t *x;
    size_t i;
    if (json_is_array(v))
        json_array_foreach(v, i, x) check_refs(x, schemas);
    if (!json_is_object(v))
        return;
    json_object_foreach((json_t *)v, key, x)
    {
        if (strcmp(key, "$ref") == 0) {
            const char *ref = json_string_value(x);
            const char *prefix = "#/components/schemas/";
            assert_non_null(ref);
            assert_memory_equal(ref, prefix, strlen(prefix));
            if (!json_object_get(schemas, ref + strlen(prefix)))
                fail_msg("unresolved $ref %s", ref);
        } else {
            check_refs(x, schemas);
        }
    }
}

static int has_success(const json_t *responses)
{
    return json_object_get(responses, "200") || json_object_get(responses, "201") ||
           json_object_get(responses, "204");
}

static void test_document_shape(void **state)
{
    (void)state;
    json_t *doc = openapi_document(1), *ids = json_object();
    const json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
    assert_non_null(schemas);
    check_refs(doc, schemas);
    const char *path, *method;
    json_t *item, *op;
    size_t nops = 0;
    json_object_foreach(json_object_get(doc, "paths"), path, item)
    {
        json_object_foreach(item, method, op)
        {
            const char *id = json_string_value(json_object_get(op, "operationId"));
            if (!id)
                fail_msg("%s %s has no operationId", method, path);
            if (json_object_get(ids, id))
                fail_msg("operationId %s is used twice", id);
            json_object_set_new(ids, id, json_true());
            if (!has_success(json_object_get(op, "responses")))
                fail_msg("%s %s has no success answer", method, path);
            nops++;
        }
    }
    assert_true(nops > 50);
    json_decref(ids);
    json_decref(doc);
}

static void test_dev_routes_only_in_dev_mode(void **state)
{
    (void)state;
    json_t *doc = openapi_document(0);
    assert_null(json_object_get(json_object_get(doc, "paths"), "/dev/token"));
    json_decref(doc);
    doc = openapi_document(1);
    assert_non_null(json_object_get(json_object_get(doc, "paths"), "/dev/token"));
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_agree),
        cmocka_unit_test(test_document_shape),
        cmocka_unit_test(test_dev_routes_only_in_dev_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
