// SPDX-License-Identifier: MIT
// Builds the OpenAPI document from the route tables (paths, methods, credentials, request
// bodies) and the operation table in openapi_ops.c (answers, query parameters), so what the
// document says is what dispatch and validation do.
#include "api/openapi.h"

#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "api/openapi_int.h"
#include "api/tokens.h"

// ---- request bodies (the body tables the handlers validate with) ----

static json_t *object_schema(const struct api_route *r, const struct body_field *f, size_t n);

// Body objects whose members the handler checks with a table of their own.
static const struct {
    enum http_method method;
    const char *pattern, *field;
    const struct body_field *fields;
    const size_t *nfields;
} nested[] = {
    {HTTP_POST, "/v1/tokens", "grants", tokens_grant_fields, &tokens_grant_fields_count},
};

static json_t *nested_schema(const struct api_route *r, const struct body_field *f)
{
    for (size_t i = 0; i < sizeof nested / sizeof nested[0]; i++)
        if (nested[i].method == r->r.method && strcmp(nested[i].pattern, r->r.pattern) == 0 &&
            strcmp(nested[i].field, f->name) == 0)
            return object_schema(r, nested[i].fields, *nested[i].nfields);
    // members checked by the handler itself, or free-form (metadata)
    return json_pack("{s:s, s:b}", "type", "object", "additionalProperties", 1);
}

static json_t *field_schema(const struct api_route *r, const struct body_field *f)
{
    json_t *s = json_object();
    switch (f->type) {
    case BODY_INT:
        json_object_set_new(s, "type", json_string("integer"));
        json_object_set_new(s, "minimum", json_integer(f->min));
        json_object_set_new(s, "maximum", json_integer(f->max));
        break;
    case BODY_BOOL:
        json_object_set_new(s, "type", json_string("boolean"));
        break;
    case BODY_OBJECT:
        json_decref(s);
        s = nested_schema(r, f);
        break;
    case BODY_ARRAY:
        json_object_set_new(s, "type", json_string("array"));
        json_object_set_new(s, "items", json_object());
        break;
    default:
        json_object_set_new(s, "type", json_string("string"));
        if (f->max)
            json_object_set_new(s, "maxLength", json_integer(f->max));
        if (f->min > 0)
            json_object_set_new(s, "minLength", json_integer(f->min));
    }
    if (f->type == BODY_UUID)
        json_object_set_new(s, "format", json_string("uuid"));
    if (f->type == BODY_EMAIL)
        json_object_set_new(s, "format", json_string("email"));
    if (f->type == BODY_ENUM) {
        json_t *e = json_array();
        for (const char *const *v = f->enum_values; v && *v; v++)
            json_array_append_new(e, json_string(*v));
        json_object_set_new(s, "enum", e);
    }
    if (f->nullable)
        json_object_set_new(s, "nullable", json_true());
    return s;
}

// Unknown members are refused (400 unknown_field), hence additionalProperties: false.
static json_t *object_schema(const struct api_route *r, const struct body_field *f, size_t n)
{
    json_t *props = json_object(), *req = json_array();
    for (size_t i = 0; i < n; i++) {
        json_object_set_new(props, f[i].name, field_schema(r, &f[i]));
        if (f[i].required)
            json_array_append_new(req, json_string(f[i].name));
    }
    json_t *schema = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props,
                               "additionalProperties", 0);
    if (json_array_size(req))
        json_object_set_new(schema, "required", req);
    else
        json_decref(req);
    return schema;
}

static json_t *body_schema(const struct api_route *r)
{
    return json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content", "application/json", "schema",
                     object_schema(r, r->body, r->nbody));
}

static int body_names_id(const struct api_route *r)
{
    for (size_t i = 0; i < r->nbody; i++)
        if (r->body[i].type == BODY_UUID)
            return 1;
    return 0;
}

// ---- parameters ----

// Path ids are UUIDs (api_path_uuid) except api key ids ("AK" + 20 characters).
static json_t *path_param(const char *name, size_t len)
{
    int is_key = len == 6 && strncmp(name, "key_id", 6) == 0;
    json_t *s = openapi_schemas_type(is_key ? OPENAPI_STRING : OPENAPI_UUID, NULL, 0);
    return json_pack("{s:s%, s:s, s:b, s:o}", "name", name, len, "in", "path", "required", 1,
                     "schema", s);
}

static json_t *query_param(const struct openapi_query *q)
{
    json_t *s = openapi_schemas_type(q->type, NULL, q->values);
    if (q->type == OPENAPI_INT || q->type == OPENAPI_INT64) {
        json_object_set_new(s, "minimum", json_integer(q->min));
        if (q->max > q->min)
            json_object_set_new(s, "maximum", json_integer(q->max));
        if (q->dflt || q->max > q->min)
            json_object_set_new(s, "default", json_integer(q->dflt));
    }
    if (q->pattern)
        json_object_set_new(s, "pattern", json_string(q->pattern));
    return json_pack("{s:s, s:s, s:b, s:s, s:o}", "name", q->name, "in", "query", "required", 0,
                     "description", q->description, "schema", s);
}

static size_t count_path_params(const char *pattern)
{
    size_t n = 0;
    for (const char *p = strchr(pattern, '{'); p; p = strchr(p + 1, '{'))
        n++;
    return n;
}

static json_t *parameters(const struct api_route *r, const struct openapi_op *op)
{
    json_t *params = json_array();
    for (const char *p = strchr(r->r.pattern, '{'); p; p = strchr(p + 1, '{'))
        json_array_append_new(params, path_param(p + 1, (size_t)(strchr(p, '}') - p - 1)));
    for (size_t i = 0; op && (op->flags & OPENAPI_PAGED) && i < 2; i++)
        json_array_append_new(params, query_param(&openapi_ops_page[i]));
    for (size_t i = 0; op && i < op->nquery; i++)
        json_array_append_new(params, query_param(&op->query[i]));
    return params;
}

// ---- answers ----

static json_t *error_response(const char *what)
{
    return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", what, "content", "application/json",
                     "schema", "$ref", "#/components/schemas/Error");
}

static json_t *success(const struct openapi_op *op, const char *what, int location)
{
    json_t *res = json_pack("{s:s}", "description", what);
    if (op->flags & OPENAPI_TEXT)
        json_object_set_new(res, "content",
                            json_pack("{s:{s:{s:s}}}", "text/plain", "schema", "type", "string"));
    else if (op->schema) {
        char ref[128];
        snprintf(ref, sizeof ref, "#/components/schemas/%s", op->schema);
        json_object_set_new(res, "content",
                            json_pack("{s:{s:{s:s}}}", "application/json", "schema", "$ref", ref));
    }
    if (location)
        json_object_set_new(res, "headers",
                            json_pack("{s:{s:s, s:{s:s}}}", "Location", "description",
                                      "the new resource's path", "schema", "type", "string"));
    return res;
}

static void add_successes(json_t *res, const struct openapi_op *op)
{
    if (op->flags & OPENAPI_201)
        json_object_set_new(res, "201",
                            success(op, "created", (op->flags & OPENAPI_LOCATION) != 0));
    if (op->flags & OPENAPI_200)
        json_object_set_new(res, "200",
                            success(op, op->flags & OPENAPI_201 ? "already there" : "success", 0));
    if (op->flags & OPENAPI_204)
        json_object_set_new(res, "204", json_pack("{s:s}", "description", "done; no body"));
}

// The error statuses a route can answer, from what it takes (input -> 400, ids -> 404),
// who may call it (credentials -> 401, participant tokens -> 403) and whether it changes
// anything (409), plus the op table's extras. Any other failure is the default (5xx).
static void add_errors(json_t *res, const struct api_route *r, const struct openapi_op *op)
{
    unsigned f = op ? op->flags : 0;
    int ids = count_path_params(r->r.pattern) > 0, writes = r->r.method != HTTP_GET;
    if (ids || writes || r->body || (op && (op->nquery || (f & OPENAPI_PAGED))))
        json_object_set_new(res, "400", error_response("invalid input: the field and the reason"));
    if (r->auth != AUTH_PUBLIC)
        json_object_set_new(res, "401",
                            error_response("missing, malformed, expired or wrong credentials"));
    if (r->auth == AUTH_KEY_OR_USER)
        json_object_set_new(res, "403",
                            error_response("the access token lacks a permission or grant, or is "
                                           "for another room"));
    if (ids || body_names_id(r))
        json_object_set_new(res, "404",
                            error_response("no such resource in the caller's org (also "
                                           "for another org's ids)"));
    if (writes || (f & OPENAPI_E409))
        json_object_set_new(res, "409",
                            error_response("the current state does not allow it (the code names "
                                           "why: invalid_transition, room_full, name_taken, ...)"));
    if (f & OPENAPI_E503)
        json_object_set_new(res, "503", error_response("not ready"));
    json_object_set_new(res, "default",
                        error_response("a server-side failure (500 internal, 503 unavailable: "
                                       "the store is busy, retry)"));
}

static json_t *responses(const struct api_route *r, const struct openapi_op *op)
{
    json_t *res = json_object();
    if (op)
        add_successes(res, op);
    else
        json_object_set_new(res, "200", json_pack("{s:s}", "description", "success"));
    add_errors(res, r, op);
    return res;
}

static json_t *operation(const struct api_route *r)
{
    static const char *const security[] = {NULL, "admin", "apiKey", "apiKey"};
    const struct openapi_op *op = openapi_ops_find(r->r.method, r->r.pattern);
    json_t *o = json_pack("{s:s}", "summary", r->summary ? r->summary : "");
    if (op) {
        json_object_set_new(o, "operationId", json_string(op->id));
        json_object_set_new(o, "tags", json_pack("[s]", op->tag));
    }
    json_object_set_new(o, "parameters", parameters(r, op));
    if (r->body)
        json_object_set_new(o, "requestBody", body_schema(r));
    json_t *sec = json_array(); // empty: no credentials
    if (security[r->auth])
        json_array_append_new(sec, json_pack("{s:[]}", security[r->auth]));
    if (r->auth == AUTH_KEY_OR_USER)
        json_array_append_new(sec, json_pack("{s:[]}", "accessToken"));
    json_object_set_new(o, "security", sec);
    json_object_set_new(o, "responses", responses(r, op));
    return o;
}

// ---- the document ----

static void lower(char *dst, const char *src, size_t cap)
{
    size_t i = 0;
    for (; src[i] && i + 1 < cap; i++)
        dst[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ? src[i] + 32 : src[i]);
    dst[i] = '\0';
}

static json_t *paths(int dev)
{
    json_t *out = json_object();
    size_t nm;
    const struct api_module *const *mods = api_modules(&nm);
    for (size_t m = 0; m < nm; m++)
        for (size_t i = 0; i < mods[m]->count; i++) {
            const struct api_route *r = &mods[m]->routes[i];
            if (!dev && strncmp(r->r.pattern, "/dev/", 5) == 0)
                continue; // dev-mode routes exist only in dev mode
            json_t *item = json_object_get(out, r->r.pattern);
            if (!item) {
                item = json_object();
                json_object_set_new(out, r->r.pattern, item);
            }
            char method[16];
            lower(method, http_method_name(r->r.method), sizeof method);
            json_object_set_new(item, method, operation(r));
        }
    return out;
}

static json_t *security_schemes(void)
{
    return json_pack("{s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:s}}", "apiKey",
                     "type", "http", "scheme", "basic", "description",
                     "an api key: key id and secret as HTTP Basic user and password", "admin",
                     "type", "http", "scheme", "bearer", "description", "the bootstrap admin token",
                     "accessToken", "type", "http", "scheme", "bearer", "bearerFormat", "JWT",
                     "description", "a participant access token (POST /v1/tokens)");
}

json_t *openapi_document(int dev)
{
    json_t *schemas = json_object();
    openapi_schemas_add(schemas);
    if (!dev)
        json_object_del(schemas, "DevToken"); // only the dev-mode route answers it
    return json_pack("{s:s, s:{s:s, s:s, s:s, s:{s:s}}, s:[{s:s}], s:o, s:{s:o, s:o}}", "openapi",
                     "3.0.3", "info", "title", "vox", "version", "1", "description",
                     "Self-hosted real-time voice and video server: control plane API.", "license",
                     "name", "MIT", "servers", "url", "/", "paths", paths(dev), "components",
                     "securitySchemes", security_schemes(), "schemas", schemas);
}

static int route_exists(const struct openapi_op *op)
{
    size_t nm;
    const struct api_module *const *mods = api_modules(&nm);
    for (size_t m = 0; m < nm; m++)
        for (size_t i = 0; i < mods[m]->count; i++)
            if (mods[m]->routes[i].r.method == op->method &&
                strcmp(mods[m]->routes[i].r.pattern, op->pattern) == 0)
                return 1;
    return 0;
}

int openapi_check(char *err, size_t cap)
{
    size_t nm;
    const struct api_module *const *mods = api_modules(&nm);
    for (size_t m = 0; m < nm; m++)
        for (size_t i = 0; i < mods[m]->count; i++) {
            const struct route *r = &mods[m]->routes[i].r;
            if (!openapi_ops_find(r->method, r->pattern)) {
                snprintf(err, cap, "%s %s has no entry in src/api/openapi_ops.c",
                         http_method_name(r->method), r->pattern);
                return -1;
            }
        }
    for (size_t i = 0; i < openapi_ops_count; i++)
        if (!route_exists(&openapi_ops[i])) {
            snprintf(err, cap, "src/api/openapi_ops.c lists %s %s, which no route table has",
                     http_method_name(openapi_ops[i].method), openapi_ops[i].pattern);
            return -1;
        }
    return 0;
}
