// SPDX-License-Identifier: MIT
// Health, readiness, Prometheus metrics and the OpenAPI document. The OpenAPI paths and request
// schemas are generated from the same route and body tables that dispatch and validate, so
// the document cannot drift from the server.
#include <string.h>

#include "api/api_int.h"
#include "core/err.h"
#include "store/analytics.h"

static void healthz(struct api_call *c)
{
    api_json(c, 200, json_pack("{s:s}", "status", "ok"));
}

static void readyz(struct api_call *c)
{
    if (c->st->ops->ping(c->st)) {
        api_error(c, 503, "not_ready", NULL, "the store does not answer");
        return;
    }
    api_json(c, 200, json_pack("{s:s}", "status", "ready"));
}

static void metrics(struct api_call *c)
{
    sbuf *b = &c->resp->body;
    sbuf_reset(b);
    metrics_write(c->api->metrics, b);
    struct store_gauges g = {0};
    if (c->st->analytics->gauges(c->st, &g) == 0)
        sbuf_printf(b,
                    "# HELP vox_rooms Rooms across all orgs.\n# TYPE vox_rooms gauge\n"
                    "vox_rooms %lld\n"
                    "# HELP vox_sessions Live (active or paused) sessions.\n"
                    "# TYPE vox_sessions gauge\nvox_sessions %lld\n"
                    "# HELP vox_participants Participants present in a session.\n"
                    "# TYPE vox_participants gauge\nvox_participants %lld\n",
                    (long long)g.rooms, (long long)g.sessions_live,
                    (long long)g.participants_present);
    c->resp->status = 200;
    c->resp->content_type = "text/plain; version=0.0.4";
}

static json_t *field_schema(const struct body_field *f)
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
        json_object_set_new(s, "type", json_string("object"));
        break;
    case BODY_ARRAY:
        json_object_set_new(s, "type", json_string("array"));
        break;
    default:
        json_object_set_new(s, "type", json_string("string"));
        if (f->max)
            json_object_set_new(s, "maxLength", json_integer(f->max));
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

static json_t *body_schema(const struct api_route *r)
{
    json_t *props = json_object(), *req = json_array();
    for (size_t i = 0; i < r->nbody; i++) {
        json_object_set_new(props, r->body[i].name, field_schema(&r->body[i]));
        if (r->body[i].required)
            json_array_append_new(req, json_string(r->body[i].name));
    }
    json_t *schema = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props,
                               "additionalProperties", 0);
    if (json_array_size(req))
        json_object_set_new(schema, "required", req);
    else
        json_decref(req);
    return json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content", "application/json", "schema",
                     schema);
}

static json_t *error_response(const char *what)
{
    return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", what, "content", "application/json",
                     "schema", "$ref", "#/components/schemas/Error");
}

// Success codes follow the method (a POST that creates answers 201, an action 200; DELETE
// answers 204); every route can answer the documented error statuses.
static json_t *responses(const struct api_route *r)
{
    json_t *res = json_object();
    enum http_method m = r->r.method;
    if (m == HTTP_DELETE)
        json_object_set_new(res, "204", json_pack("{s:s}", "description", "deleted"));
    else if (m == HTTP_POST) {
        json_object_set_new(res, "201", json_pack("{s:s}", "description", "created"));
        json_object_set_new(
            res, "200", json_pack("{s:s}", "description", "done (actions that create nothing)"));
    } else
        json_object_set_new(res, "200", json_pack("{s:s}", "description", "success"));
    if (r->body || m == HTTP_POST || m == HTTP_PATCH || strchr(r->r.pattern, '{'))
        json_object_set_new(res, "400", error_response("invalid input: the field and the reason"));
    if (r->auth != AUTH_PUBLIC)
        json_object_set_new(res, "401",
                            error_response("missing, malformed, expired or wrong credentials"));
    if (strchr(r->r.pattern, '{'))
        json_object_set_new(res, "404",
                            error_response("no such resource in the caller's org (also for "
                                           "another org's ids)"));
    if (m != HTTP_GET)
        json_object_set_new(res, "409",
                            error_response("the current state does not allow it (the code names "
                                           "why: invalid_transition, room_full, name_taken, ...)"));
    return res;
}

static json_t *operation(const struct api_route *r)
{
    static const char *const security[] = {NULL, "admin", "apiKey", "apiKey"};
    json_t *op = json_pack("{s:s}", "summary", r->summary ? r->summary : "");
    json_t *params = json_array();
    for (const char *p = strchr(r->r.pattern, '{'); p; p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        json_array_append_new(params, json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name", p + 1,
                                                (size_t)(e - p - 1), "in", "path", "required", 1,
                                                "schema", "type", "string"));
    }
    json_object_set_new(op, "parameters", params);
    if (r->body)
        json_object_set_new(op, "requestBody", body_schema(r));
    if (security[r->auth]) {
        json_t *sec = json_array();
        json_array_append_new(sec, json_pack("{s:[]}", security[r->auth]));
        if (r->auth == AUTH_KEY_OR_USER)
            json_array_append_new(sec, json_pack("{s:[]}", "accessToken"));
        json_object_set_new(op, "security", sec);
    }
    json_object_set_new(op, "responses", responses(r));
    return op;
}

static void lower(char *dst, const char *src)
{
    for (; *src; src++)
        *dst++ = (char)(*src >= 'A' && *src <= 'Z' ? *src + 32 : *src);
    *dst = '\0';
}

static void openapi(struct api_call *c)
{
    json_t *paths = json_object();
    size_t nm;
    const struct api_module *const *mods = api_modules(&nm);
    for (size_t m = 0; m < nm; m++)
        for (size_t i = 0; i < mods[m]->count; i++) {
            const struct api_route *r = &mods[m]->routes[i];
            if (!c->cfg->dev && strncmp(r->r.pattern, "/dev/", 5) == 0)
                continue; // dev-mode routes exist only in dev mode
            json_t *item = json_object_get(paths, r->r.pattern);
            if (!item) {
                item = json_object();
                json_object_set_new(paths, r->r.pattern, item);
            }
            char method[16];
            lower(method, http_method_name(r->r.method));
            json_object_set_new(item, method, operation(r));
        }
    json_t *doc = json_pack(
        "{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:{s:{s:s, s:s}, s:{s:s, s:s, s:s}, s:{s:s, s:s, "
        "s:s}}}}",
        "openapi", "3.0.3", "info", "title", "vox", "version", "1", "description",
        "Self-hosted real-time voice and video server: control plane API.", "paths", paths,
        "components", "securitySchemes", "apiKey", "type", "http", "scheme", "basic", "admin",
        "type", "http", "scheme", "bearer", "description", "the bootstrap admin token",
        "accessToken", "type", "http", "scheme", "bearer", "bearerFormat", "JWT");
    json_object_set_new(
        json_object_get(doc, "components"), "schemas",
        json_pack("{s:{s:s, s:[s], s:{s:{s:s, s:[s, s, s], s:{s:{s:s}, s:{s:s}, s:{s:s, s:b}}}}}}",
                  "Error", "type", "object", "required", "error", "properties", "error", "type",
                  "object", "required", "code", "message", "field", "properties", "code", "type",
                  "string", "message", "type", "string", "field", "type", "string", "nullable", 1));
    api_json(c, 200, doc);
}

static const struct api_route routes[] = {
    {{HTTP_GET, "/healthz"}, healthz, AUTH_PUBLIC, "Liveness: the process answers", NULL, 0},
    {{HTTP_GET, "/readyz"}, readyz, AUTH_PUBLIC, "Readiness: the store answers", NULL, 0},
    {{HTTP_GET, "/metrics"}, metrics, AUTH_PUBLIC, "Prometheus metrics", NULL, 0},
    {{HTTP_GET, "/v1/openapi.json"}, openapi, AUTH_PUBLIC, "This document", NULL, 0},
};

API_MODULE(api_meta_module, routes);
