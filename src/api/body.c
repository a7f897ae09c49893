// SPDX-License-Identifier: MIT
// Every member is checked before a handler sees the body, so handlers never act on half-valid
// input and the store stays unchanged when a request is refused.
#include "api/body.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "domain/validate.h"

static int fail(struct body_error *e, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(struct body_error *e, const char *code, const char *field, const char *fmt, ...)
{
    snprintf(e->code, sizeof e->code, "%s", code);
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return VOX_EINVAL;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
        return "integer";
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    case JSON_NULL:
        return "null";
    }
    return "value";
}

static const char *want_name(enum body_type t)
{
    switch (t) {
    case BODY_INT:
        return "an integer";
    case BODY_BOOL:
        return "a boolean";
    case BODY_OBJECT:
        return "an object";
    case BODY_ARRAY:
        return "an array";
    default:
        return "a string";
    }
}

static int has_control(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 1;
    return 0;
}

static int check_string(const struct body_field *f, const json_t *v, struct body_error *e)
{
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (memchr(s, '\0', n) || !validate_utf8(s, n) || has_control(s, n))
        return fail(e, "invalid_value", f->name, "%s contains control characters", f->name);
    if (f->max && (int64_t)n > f->max)
        return fail(e, "too_long", f->name, "%s is longer than %lld bytes", f->name,
                    (long long)f->max);
    if ((int64_t)n < f->min)
        return fail(e, "too_short", f->name, "%s is shorter than %lld bytes", f->name,
                    (long long)f->min);
    switch (f->type) {
    case BODY_NAME:
        if (!validate_name(s, f->max ? (size_t)f->max : n))
            return fail(e, "invalid_value", f->name, "%s must not be blank", f->name);
        return 0;
    case BODY_UUID:
        if (!validate_uuid(s))
            return fail(e, "invalid_uuid", f->name, "%s is not a UUID", f->name);
        return 0;
    case BODY_EMAIL:
        if (!validate_email(s))
            return fail(e, "invalid_email", f->name, "%s is not an email address", f->name);
        return 0;
    case BODY_ENUM:
        for (const char *const *ev = f->enum_values; ev && *ev; ev++)
            if (strcmp(*ev, s) == 0)
                return 0;
        return fail(e, "invalid_value", f->name, "%s must be one of the documented values",
                    f->name);
    default:
        return 0;
    }
}

static int check_member(const struct body_field *f, const json_t *v, struct body_error *e)
{
    if (json_is_null(v)) {
        if (f->nullable)
            return 0;
        return fail(e, "invalid_type", f->name, "%s must not be null", f->name);
    }
    switch (f->type) {
    case BODY_INT:
        if (!json_is_integer(v))
            break;
        if (json_integer_value(v) < f->min || json_integer_value(v) > f->max)
            return fail(e, "out_of_range", f->name, "%s must be between %lld and %lld", f->name,
                        (long long)f->min, (long long)f->max);
        return 0;
    case BODY_BOOL:
        if (!json_is_boolean(v))
            break;
        return 0;
    case BODY_OBJECT: {
        if (!json_is_object(v))
            break;
        char *text = json_dumps(v, JSON_COMPACT);
        size_t n = text ? strlen(text) : 0;
        free(text);
        if (f->max && (int64_t)n > f->max)
            return fail(e, "too_long", f->name, "%s is larger than %lld bytes", f->name,
                        (long long)f->max);
        return 0;
    }
    case BODY_ARRAY:
        if (!json_is_array(v))
            break;
        if (f->max && (int64_t)json_array_size(v) > f->max)
            return fail(e, "too_long", f->name, "%s has more than %lld items", f->name,
                        (long long)f->max);
        return 0;
    default:
        if (!json_is_string(v))
            break;
        return check_string(f, v, e);
    }
    return fail(e, "invalid_type", f->name, "%s must be %s, not %s", f->name, want_name(f->type),
                type_name(v));
}

static const struct body_field *find_field(const struct body_field *fields, size_t n,
                                           const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(fields[i].name, key) == 0)
            return &fields[i];
    return NULL;
}

static int check_object(const json_t *obj, const struct body_field *fields, size_t n,
                        struct body_error *e)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        const struct body_field *f = find_field(fields, n, key);
        if (!f)
            return fail(e, "unknown_field", key, "unknown field %.60s", key);
        if (check_member(f, v, e))
            return VOX_EINVAL;
    }
    for (size_t i = 0; i < n; i++)
        if (fields[i].required && !json_object_get(obj, fields[i].name))
            return fail(e, "missing_field", fields[i].name, "%s is required", fields[i].name);
    return 0;
}

// Ids are stored lower-case: a UUID member is rewritten to that form once it has passed.
static void canonical_ids(json_t *obj, const struct body_field *fields, size_t n)
{
    char id[VALIDATE_UUID_LEN + 1];
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(obj, fields[i].name);
        if (fields[i].type == BODY_UUID && validate_uuid_canon(json_string_value(v), id))
            json_string_set(v, id);
    }
}

int body_parse(const char *buf, size_t len, const struct body_field *fields, size_t n,
               int allow_empty, json_t **out, struct body_error *err)
{
    *out = NULL;
    memset(err, 0, sizeof *err);
    if (len == 0 || !buf) {
        if (!allow_empty)
            return fail(err, "invalid_json", NULL, "a JSON object body is required");
        *out = json_object();
        return check_object(*out, fields, n, err) ? (json_decref(*out), *out = NULL, VOX_EINVAL)
                                                  : 0;
    }
    json_error_t jerr;
    json_t *obj = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!obj)
        return fail(err, "invalid_json", NULL, "body is not valid JSON: %.100s at line %d",
                    jerr.text, jerr.line);
    if (!json_is_object(obj)) {
        json_decref(obj);
        return fail(err, "invalid_json", NULL, "body must be a JSON object");
    }
    if (check_object(obj, fields, n, err)) {
        json_decref(obj);
        return VOX_EINVAL;
    }
    canonical_ids(obj, fields, n);
    *out = obj;
    return 0;
}

int body_check(const json_t *obj, const struct body_field *fields, size_t n, const char *prefix,
               struct body_error *err)
{
    memset(err, 0, sizeof *err);
    if (!json_is_object(obj))
        return fail(err, "invalid_type", prefix, "%s must be an object", prefix);
    if (check_object(obj, fields, n, err) == 0)
        return 0;
    char inner[sizeof err->field];
    memcpy(inner, err->field, sizeof inner);
    snprintf(err->field, sizeof err->field, "%s.%.40s", prefix, inner);
    return VOX_EINVAL;
}

const char *body_str(const json_t *obj, const char *name, const char *dflt)
{
    const char *s = json_string_value(json_object_get(obj, name));
    return s ? s : dflt;
}

int64_t body_int(const json_t *obj, const char *name, int64_t dflt)
{
    const json_t *v = json_object_get(obj, name);
    return json_is_integer(v) ? json_integer_value(v) : dflt;
}

int body_bool(const json_t *obj, const char *name, int dflt)
{
    const json_t *v = json_object_get(obj, name);
    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

int body_has(const json_t *obj, const char *name)
{
    const json_t *v = json_object_get(obj, name);
    return v && !json_is_null(v);
}

int body_is_null(const json_t *obj, const char *name)
{
    return json_is_null(json_object_get(obj, name));
}
