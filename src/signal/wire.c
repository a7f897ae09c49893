// SPDX-License-Identifier: MIT
#include "signal/wire.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"

static int fail(struct body_error *e, const char *code, const char *field, const char *msg)
{
    snprintf(e->code, sizeof e->code, "%s", code);
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    snprintf(e->message, sizeof e->message, "%s", msg);
    return VOX_EINVAL;
}

// Copies a string member of 1..max bytes; 1 when present and valid, 0 absent, -1 invalid.
static int take(json_t *obj, const char *key, char *out, size_t max)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    const char *s = json_string_value(v);
    size_t n = s ? json_string_length(v) : 0;
    if (!s || n == 0 || n > max || memchr(s, '\0', n))
        return -1;
    memcpy(out, s, n + 1);
    return 1;
}

int wire_parse(const char *data, size_t len, struct wire_msg *out, struct body_error *err)
{
    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    json_error_t jerr;
    json_t *m = data ? json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
    if (!json_is_object(m)) {
        json_decref(m);
        return fail(err, "invalid_json", NULL, "a message is one JSON object");
    }
    int id = take(m, "id", out->id, WIRE_ID_MAX);
    int type = take(m, "type", out->type, WIRE_TYPE_MAX);
    int rc = 0;
    if (id < 0) {
        out->id[0] = '\0';
        rc = fail(err, "invalid_value", "id",
                  "id must be a string of 1 to 64 bytes that the answer will echo");
    } else if (type <= 0) {
        rc = fail(err, type == 0 ? "missing_field" : "invalid_value", "type",
                  type == 0 ? "type is required" : "type must be a known message type");
    } else if (id == 0 && strcmp(out->type, "ping") != 0) {
        rc = fail(err, "invalid_value", "id",
                  "id must be a string of 1 to 64 bytes that the answer will echo");
    }
    if (rc) {
        json_decref(m);
        return rc;
    }
    json_object_del(m, "type");
    json_object_del(m, "id");
    out->fields = m;
    return 0;
}

void wire_fini(struct wire_msg *m)
{
    json_decref(m->fields);
    m->fields = NULL;
}
