// SPDX-License-Identifier: MIT
// The event log over REST: GET /v1/events with filters and a forward cursor (`after` = the
// last seq seen), plus room- and session-scoped shortcuts. Oldest first, the caller's org only.
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/err.h"
#include "store/events.h"

#define TYPE_MAX 63

// type=participant.joined (exact) or type=participant.* (prefix; any trailing '*').
static int parse_type(struct api_call *c, struct event_filter *f, char prefix[TYPE_MAX + 1])
{
    const char *t = http_query(c->req, "type");
    if (!t)
        return 0;
    size_t len = strlen(t);
    int is_prefix = len > 0 && t[len - 1] == '*';
    size_t body = is_prefix ? len - 1 : len;
    int ok = body > 0 && body <= TYPE_MAX;
    for (size_t i = 0; ok && i < body; i++)
        ok = islower((unsigned char)t[i]) || isdigit((unsigned char)t[i]) || t[i] == '.' ||
             t[i] == '_';
    if (!ok) {
        api_error(c, 400, "invalid_value", "type",
                  "type is an event type (a-z, 0-9, '.', '_'; at most %d characters), "
                  "optionally ending in '*' to match a prefix",
                  TYPE_MAX);
        return -1;
    }
    if (is_prefix) {
        memcpy(prefix, t, body);
        prefix[body] = '\0';
        f->type_prefix = prefix;
    } else {
        f->type = t;
    }
    return 0;
}

static int parse_after(struct api_call *c, int64_t *out)
{
    const char *s = http_query(c->req, "after");
    *out = 0;
    if (!s)
        return 0;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!isdigit((unsigned char)*s) || *end || errno || v < 0) {
        api_error(c, 400, "invalid_value", "after",
                  "after is an event seq (a non-negative integer, next_after of the last page)");
        return -1;
    }
    *out = v;
    return 0;
}

// Reads every query filter into f; 0, or -1 after answering 400.
static int parse_filter(struct api_call *c, struct event_filter *f, char prefix[TYPE_MAX + 1])
{
    if (api_page(c, &f->limit, &f->offset) || api_query_uuid(c, "room_id", &f->room_id) ||
        api_query_uuid(c, "session_id", &f->session_id) ||
        api_query_uuid(c, "participant_id", &f->participant_id) || parse_type(c, f, prefix) ||
        api_query_time(c, "since", 0, &f->since) || api_query_time(c, "until", 0, &f->until) ||
        parse_after(c, &f->after_seq))
        return -1;
    if (f->since && f->until && f->until < f->since) {
        api_error(c, 400, "invalid_value", "until", "until is earlier than since");
        return -1;
    }
    return 0;
}

static void set_id(json_t *o, const char *name, const char *id)
{
    json_object_set_new(o, name, id[0] ? json_string(id) : json_null());
}

static json_t *event_json(const struct event_rec *e)
{
    json_t *o =
        json_pack("{s:s, s:I, s:s}", "id", e->id, "seq", (json_int_t)e->seq, "type", e->type);
    set_id(o, "room_id", e->room_id);
    set_id(o, "session_id", e->session_id);
    set_id(o, "participant_id", e->participant_id);
    json_object_set_new(o, "data", api_json_text(e->data));
    api_set_time(o, "created_at", e->created_at);
    return o;
}

static void answer_list(struct api_call *c, const struct event_filter *f)
{
    struct event_rec *v;
    size_t n;
    int err = c->st->events->list(c->st, c->who.org_id, f, &v, &n);
    if (err) {
        api_fail(c, err, "events");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, event_json(&v[i]));
    json_t *next = n ? json_integer((json_int_t)v[n - 1].seq) : json_null();
    event_recs_free(v, n);
    api_json(c, 200,
             json_pack("{s:o, s:o, s:i, s:i}", "events", arr, "next_after", next, "limit", f->limit,
                       "offset", f->offset));
}

static void events_list(struct api_call *c)
{
    struct event_filter f = {0};
    char prefix[TYPE_MAX + 1];
    if (parse_filter(c, &f, prefix) == 0)
        answer_list(c, &f);
}

// The shortcut routes: the path id must name a room/session of the caller's org (404 otherwise,
// also for another org's id), then the same filters apply within it.
static void scoped_list(struct api_call *c, enum event_scope scope)
{
    const char *what = scope == EVENT_SCOPE_ROOM ? "room" : "session";
    const char *id = api_path_uuid(c, 0, scope == EVENT_SCOPE_ROOM ? "room_id" : "session_id");
    if (!id)
        return;
    struct event_filter f = {0};
    char prefix[TYPE_MAX + 1];
    if (parse_filter(c, &f, prefix))
        return;
    int err = c->st->events->exists(c->st, c->who.org_id, scope, id);
    if (err) {
        api_fail(c, err, what);
        return;
    }
    if (scope == EVENT_SCOPE_ROOM)
        f.room_id = id;
    else
        f.session_id = id;
    answer_list(c, &f);
}

static void room_events(struct api_call *c)
{
    scoped_list(c, EVENT_SCOPE_ROOM);
}

static void session_events(struct api_call *c)
{
    scoped_list(c, EVENT_SCOPE_SESSION);
}

static const struct api_route routes[] = {
    {{HTTP_GET, "/v1/events"},
     events_list,
     AUTH_KEY,
     "List events, oldest first (filters: room_id, session_id, participant_id, type or "
     "type=prefix.*, since, until; cursor: after=<seq>; limit, offset)",
     NULL,
     0},
    {{HTTP_GET, "/v1/rooms/{room_id}/events"},
     room_events,
     AUTH_KEY,
     "List a room's events (same filters as /v1/events)",
     NULL,
     0},
    {{HTTP_GET, "/v1/sessions/{session_id}/events"},
     session_events,
     AUTH_KEY,
     "List a session's events (same filters as /v1/events)",
     NULL,
     0},
};

API_MODULE(api_events_module, routes);
