// SPDX-License-Identifier: MIT
// Request dispatch for the REST API and the helpers every handler shares.
#include "api/api.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "http/static.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/validate.h"
#include "store/events.h"

static const struct api_module *const modules[] = {
    &api_meta_module,       &api_orgs_module,      &api_tokens_module,       &api_rooms_module,
    &api_categories_module, &api_sessions_module,  &api_participants_module, &api_stage_module,
    &api_events_module,     &api_analytics_module, &api_dev_module,          &api_signals_module,
    &api_bans_module,
};
#define NMODULES (sizeof modules / sizeof modules[0])

const struct api_module *const *api_modules(size_t *n)
{
    *n = NMODULES;
    return modules;
}

api *api_new(store *st, const struct api_config *cfg)
{
    api *a = xcalloc(1, sizeof *a);
    a->st = st;
    a->cfg = *cfg;
    a->keys = key_cache_new();
    a->metrics = metrics_new();
    return a;
}

void api_set_live(api *a, const struct api_live_ops *ops, void *live)
{
    a->live_ops = ops;
    a->live = live;
}

void api_free(api *a)
{
    if (!a)
        return;
    key_cache_free(a->keys);
    metrics_free(a->metrics);
    free(a);
}

// Finds the route across every module; 405 only when no module knows the path for the method.
static enum router_result find_route(http_req *req, char *scratch, const struct api_route **out,
                                     char *allow, size_t allow_cap)
{
    enum router_result best = ROUTER_NOT_FOUND;
    char tmp[64];
    for (size_t m = 0; m < NMODULES; m++) {
        size_t idx;
        enum router_result r =
            router_match(modules[m]->routes, modules[m]->count, sizeof(struct api_route), req,
                         req->path, scratch, &idx, tmp, sizeof tmp);
        if (r == ROUTER_FOUND) {
            *out = &modules[m]->routes[idx];
            return r;
        }
        if (r == ROUTER_BAD_METHOD) {
            size_t used = strlen(allow);
            snprintf(allow + used, allow_cap - used, "%s%s", used ? ", " : "", tmp);
            best = r;
        }
    }
    return best;
}

// A route without a body table takes no body: nothing, or an empty object, as documented.
// Anything else is refused the way every body is (invalid_json, unknown_field) before the
// handler runs, so a DELETE carrying stray bytes deletes nothing.
static int check_no_body(struct api_call *c, const struct api_route *route)
{
    if (route->body || c->req->body_len == 0)
        return 0;
    json_t *b = api_body(c, NULL, 0);
    json_decref(b);
    return b ? 0 : -1;
}

// Every write request runs in its own savepoint: an answer of 400 or more undoes whatever the
// handler wrote, so a refused request never changes the store.
static void run_handler(struct api_call *c, const struct api_route *route)
{
    if (check_no_body(c, route))
        return;
    int writes = c->req->method != HTTP_GET && c->req->method != HTTP_HEAD;
    if (writes && c->st->ops->begin(c->st)) {
        api_error(c, 503, "unavailable", NULL, "the store is busy; retry");
        return;
    }
    size_t mark = c->api->live_ops ? c->api->live_ops->mark(c->api->live) : 0;
    route->fn(c);
    if (!writes)
        return;
    if (c->resp->status >= 400) {
        c->st->ops->rollback(c->st);
        API_LIVE(c->api, rewind, mark); // what the request would have told sockets is void too
    } else if (c->st->ops->commit(c->st)) {
        c->st->ops->rollback(c->st);
        API_LIVE(c->api, rewind, mark);
        api_error(c, 500, "internal", NULL, "the change could not be stored");
    }
}

void api_invoke(api *a, const struct api_caller *who, enum http_method m, const char *path,
                const char *body, size_t len, http_resp *resp)
{
    http_req req = {.method = m, .body = body, .body_len = len};
    struct api_call c = {.api = a, .st = a->st, .cfg = &a->cfg, .req = &req, .resp = resp};
    c.now_ms = clock_now_ms();
    c.who = *who;
    char scratch[1024 + HTTP_MAX_PARAMS], pathbuf[1024];
    const struct api_route *route = NULL;
    snprintf(pathbuf, sizeof pathbuf, "%s", path);
    req.path = pathbuf;
    // An internal caller's query is plain k=v&k=v (no percent-encoding).
    char *q = strchr(pathbuf, '?');
    for (char *kv = q ? (*q = '\0', q + 1) : NULL; kv && *kv && req.nquery < HTTP_MAX_QUERY;) {
        char *amp = strchr(kv, '&'), *eq = strchr(kv, '=');
        if (amp)
            *amp = '\0';
        if (eq && (!amp || eq < amp)) {
            *eq = '\0';
            req.query[req.nquery++] = (struct http_kv){kv, eq + 1};
        }
        kv = amp ? amp + 1 : NULL;
    }
    if (strlen(path) >= sizeof pathbuf ||
        find_route(&req, scratch, &route, resp->allow, sizeof resp->allow) != ROUTER_FOUND)
        api_error(&c, 404, "not_found", NULL, "no such operation");
    else if (who->kind == CALLER_PARTICIPANT && route->auth != AUTH_KEY_OR_USER &&
             route->auth != AUTH_PUBLIC)
        api_error(&c, 403, "forbidden", NULL, "participants cannot do this");
    else
        run_handler(&c, route);
}

uint64_t api_defer(void *user)
{
    api *a = user;
    return a->st->ops->batch_open(a->st);
}

int api_commit(void *user, uint64_t token)
{
    api *a = user;
    api_flush(a);
    return a->st->ops->batch_failed(a->st, token);
}

void api_flush(api *a)
{
    if (!a->st->ops->batch_open(a->st)) {
        API_LIVE(a, deliver, 1);
        return;
    }
    int err = a->st->ops->flush(a->st);
    API_LIVE(a, deliver, err == 0);
}

void api_dispatch(void *user, http_req *req, http_resp *resp)
{
    api *a = user;
    uint64_t t0 = clock_mono_ns();
    struct api_call c = {.api = a, .st = a->st, .cfg = &a->cfg, .req = req, .resp = resp};
    c.now_ms = clock_now_ms();
    // Captures are copied into scratch: it must hold the whole path (up to the request-target
    // limit, 16 KiB), so a long path gets heap space rather than overflowing the stack buffer.
    char stack_scratch[1024 + HTTP_MAX_PARAMS];
    size_t need = strlen(req->path) + HTTP_MAX_PARAMS + 1;
    char *scratch = need <= sizeof stack_scratch ? stack_scratch : xmalloc(need);
    const struct api_route *route = NULL;

    enum router_result r = find_route(req, scratch, &route, resp->allow, sizeof resp->allow);
    if (r == ROUTER_NOT_FOUND && (req->method == HTTP_GET || req->method == HTTP_HEAD) &&
        strncmp(req->path, "/v1/", 4) != 0 && static_serve(a->cfg.web_dir, req->path, resp) == 0) {
        req->route = "static";
    } else if (r == ROUTER_NOT_FOUND) {
        api_error(&c, 404, "not_found", NULL, "no route for %.200s", req->path);
    } else if (r == ROUTER_BAD_METHOD) {
        api_error(&c, 405, "method_not_allowed", NULL, "%s is not allowed here; use %s",
                  http_method_name(req->method), resp->allow);
    } else if (auth_check(&c, route->auth) == 0) {
        run_handler(&c, route);
    }
    if (scratch != stack_scratch)
        free(scratch);
    double secs = (double)(clock_mono_ns() - t0) / 1e9;
    metrics_observe(a->metrics, req->route ? req->route : "unmatched", req->method, resp->status,
                    secs);
    if (log_enabled(LOG_DEBUG))
        log_debug("request", "method=%s path=%s status=%d us=%.0f", http_method_name(req->method),
                  req->path, resp->status, secs * 1e6);
}

void api_tick(api *a, int64_t now_ms)
{
    a->last_tick_ms = now_ms;
    API_LIVE(a, tick, now_ms); // first: live sockets refresh presence before the idle sweep
    for (size_t m = 0; m < NMODULES; m++) {
        if (!modules[m]->tick)
            continue;
        http_resp resp = {.status = 200};
        sbuf_init(&resp.body);
        struct api_call c = {.api = a, .st = a->st, .cfg = &a->cfg, .resp = &resp};
        c.now_ms = now_ms;
        modules[m]->tick(&c);
        sbuf_fini(&resp.body);
    }
    api_flush(a);
}

void api_json(struct api_call *c, int status, json_t *obj)
{
    c->resp->status = status;
    c->resp->content_type = "application/json";
    sbuf_reset(&c->resp->body);
    char *text = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    if (text) {
        sbuf_puts(&c->resp->body, text);
        free(text);
    }
}

void api_error(struct api_call *c, int status, const char *code, const char *field, const char *fmt,
               ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *err = json_pack("{s:s, s:s}", "code", code, "message", msg);
    json_object_set_new(err, "field", field && *field ? json_string(field) : json_null());
    api_json(c, status, json_pack("{s:o}", "error", err));
}

void api_fail(struct api_call *c, int err, const char *what)
{
    switch (err) {
    case VOX_ENOTFOUND:
        api_error(c, 404, "not_found", NULL, "%s not found", what);
        return;
    case VOX_ECONFLICT:
        api_error(c, 409, "conflict", NULL, "%s conflicts with the current state", what);
        return;
    case VOX_EFULL:
        api_error(c, 409, "room_full", NULL, "the room is full");
        return;
    case VOX_EFORBIDDEN:
        api_error(c, 403, "forbidden", NULL, "not allowed to change this %s", what);
        return;
    case VOX_EINVAL:
        api_error(c, 400, "invalid", NULL, "invalid %s", what);
        return;
    default:
        api_error(c, 500, "internal", NULL, "internal error while handling %s", what);
    }
}

sbuf *api_body_writer(struct api_call *c, int status)
{
    c->resp->status = status;
    c->resp->content_type = "application/json";
    sbuf_reset(&c->resp->body);
    return &c->resp->body;
}

void api_no_content(struct api_call *c)
{
    c->resp->status = 204;
    sbuf_reset(&c->resp->body);
}

json_t *api_body(struct api_call *c, const struct body_field *fields, size_t n)
{
    struct body_error e;
    json_t *obj;
    if (body_parse(c->req->body, c->req->body_len, fields, n, 1, &obj, &e)) {
        api_error(c, 400, e.code, e.field, "%s", e.message);
        return NULL;
    }
    return obj;
}

static const char *path_param(const struct api_call *c, int i)
{
    ASSERT(i >= 0 && i < HTTP_MAX_PARAMS);
    return i < c->req->nparams ? c->req->params[i] : NULL;
}

const char *api_path_uuid(struct api_call *c, int i, const char *field)
{
    if (!validate_uuid_canon(path_param(c, i), c->ids[i])) {
        api_error(c, 400, "invalid_uuid", field, "%s in the path is not a UUID", field);
        return NULL;
    }
    return c->ids[i];
}

const char *api_path_key_id(struct api_call *c, int i, const char *field)
{
    if (!validate_key_id_canon(path_param(c, i), c->ids[i])) {
        api_error(c, 400, "invalid_uuid", field,
                  "%s in the path is not an api key id (AK and 20 letters or digits)", field);
        return NULL;
    }
    return c->ids[i];
}

// A leading digit (or '-' and a digit) is required: strtol alone would also take " 5" and "+5".
int api_query_int(struct api_call *c, const char *key, int dflt, int min, int max, int *out)
{
    const char *s = http_query(c->req, key);
    *out = dflt;
    if (!s)
        return 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (!isdigit((unsigned char)s[*s == '-']) || *end || v < min || v > max) {
        api_error(c, 400, "out_of_range", key, "%s must be an integer between %d and %d", key, min,
                  max);
        return -1;
    }
    *out = (int)v;
    return 0;
}

int api_query_time(struct api_call *c, const char *key, int64_t dflt, int64_t *out)
{
    const char *s = http_query(c->req, key);
    *out = dflt;
    if (s && clock_parse_time(s, out)) {
        api_error(c, 400, "invalid_value", key,
                  "%s must be an RFC 3339 UTC time (2026-01-02T03:04:05Z) or integer milliseconds",
                  key);
        return -1;
    }
    return 0;
}

int api_tx_end(struct api_call *c, int err)
{
    if (!err)
        err = c->st->ops->commit(c->st);
    if (err)
        c->st->ops->rollback(c->st);
    return err;
}

int api_page(struct api_call *c, int *limit, int *offset)
{
    if (api_query_int(c, "limit", 50, 1, 500, limit) ||
        api_query_int(c, "offset", 0, 0, 1000000, offset))
        return -1;
    return 0;
}

int api_query_uuid(struct api_call *c, const char *key, const char **out)
{
    const char *s = http_query(c->req, key);
    *out = NULL;
    if (!s)
        return 0;
    ASSERT(c->nquery_ids < API_QUERY_IDS);
    char *id = c->ids[HTTP_MAX_PARAMS + c->nquery_ids];
    if (!validate_uuid_canon(s, id)) {
        api_error(c, 400, "invalid_uuid", key, "%s is not a UUID", key);
        return -1;
    }
    c->nquery_ids++;
    *out = id;
    return 0;
}

static void copy_id(char *dst, const char *src)
{
    snprintf(dst, 37, "%s", src ? src : "");
}

void api_event(struct api_call *c, const char *type, const char *room_id, const char *session_id,
               const char *participant_id, json_t *data)
{
    struct event_rec e = {0};
    copy_id(e.org_id, c->who.org_id);
    copy_id(e.room_id, room_id);
    copy_id(e.session_id, session_id);
    copy_id(e.participant_id, participant_id);
    snprintf(e.type, sizeof e.type, "%s", type);
    e.data = data ? json_dumps(data, JSON_COMPACT) : NULL;
    e.created_at = c->now_ms;
    int err = c->st->events->append(c->st, &e);
    if (err)
        log_error("event append failed", "type=%s err=%s", type, vox_err_name(err));
    else
        API_LIVE(c->api, note_event, &e);
    free(e.data);
    json_decref(data);
}

void api_set_time(json_t *obj, const char *name, int64_t ms)
{
    if (ms <= 0) {
        json_object_set_new(obj, name, json_null());
        return;
    }
    char ts[32];
    clock_format_rfc3339(ms, ts);
    json_object_set_new(obj, name, json_string(ts));
}

json_t *api_json_text(const char *text)
{
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;
    return v ? v : json_object();
}
