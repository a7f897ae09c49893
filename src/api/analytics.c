// SPDX-License-Identifier: MIT
// Analytics over an org's sessions and participants: a summary for a time window, and per-room
// totals over the last N UTC days with a per-day breakdown. Every aggregate runs in the store
// (see store/analytics.h for what "duration" and "average" mean).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/err.h"
#include "domain/room.h"
#include "store/analytics.h"

#define DAY_MS       86400000LL
#define DAYS_DEFAULT 7
#define DAYS_MAX     365
#define TOP_DEFAULT  10
#define TOP_MAX      100
#define FOREVER_MS   INT64_MAX

// ?days=N: from the start of the UTC day N-1 days ago until now, so days=1 is today.
static int days_window(struct api_call *c, int *days, struct analytics_window *w)
{
    if (api_query_int(c, "days", DAYS_DEFAULT, 1, DAYS_MAX, days))
        return -1;
    w->now_ms = c->now_ms;
    w->until = c->now_ms;
    w->since = c->now_ms - c->now_ms % DAY_MS - (int64_t)(*days - 1) * DAY_MS;
    return 0;
}

static void set_window(json_t *o, const struct analytics_window *w)
{
    api_set_time(o, "since", w->since);
    api_set_time(o, "until", w->until == FOREVER_MS ? 0 : w->until);
}

static json_t *by_type_json(const struct analytics_summary *sum)
{
    json_t *o = json_object();
    for (int t = 0; t < ROOM_TYPE_COUNT; t++)
        json_object_set_new(o, room_type_name((room_type)t), json_integer(0));
    for (size_t i = 0; i < sum->ntypes; i++)
        json_object_set_new(o, sum->by_type[i].key, json_integer(sum->by_type[i].n));
    return o;
}

static json_t *top_json(const struct analytics_summary *sum)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < sum->ntop; i++)
        json_array_append_new(arr, json_pack("{s:s, s:I, s:I}", "identity", sum->top[i].identity,
                                             "sessions", (json_int_t)sum->top[i].sessions,
                                             "total_ms", (json_int_t)sum->top[i].total_ms));
    return arr;
}

static void analytics_summary(struct api_call *c)
{
    struct analytics_window w = {.now_ms = c->now_ms};
    int top;
    if (api_query_time(c, "since", 0, &w.since) ||
        api_query_time(c, "until", FOREVER_MS, &w.until) ||
        api_query_int(c, "top", TOP_DEFAULT, 1, TOP_MAX, &top))
        return;
    if (w.until < w.since) {
        api_error(c, 400, "invalid_value", "until", "until is earlier than since");
        return;
    }
    struct analytics_summary sum;
    int err = c->st->analytics->summary(c->st, c->who.org_id, &w, top, &sum);
    if (err) {
        api_fail(c, err, "analytics");
        return;
    }
    json_t *o = json_pack(
        "{s:I, s:I, s:I, s:o, s:I, s:I, s:I, s:o}", "total_sessions",
        (json_int_t)sum.total_sessions, "active_sessions", (json_int_t)sum.active_sessions,
        "completed_sessions", (json_int_t)sum.completed_sessions, "sessions_by_room_type",
        by_type_json(&sum), "total_participants", (json_int_t)sum.total_participants,
        "unique_identities", (json_int_t)sum.unique_identities, "average_duration_ms",
        (json_int_t)sum.average_duration_ms, "top_participants", top_json(&sum));
    set_window(o, &w);
    analytics_summary_fini(&sum);
    api_json(c, 200, o);
}

static json_t *room_json(const struct analytics_room *r)
{
    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "room_id", r->room_id, "name",
                     r->name, "type", r->type, "sessions", (json_int_t)r->sessions,
                     "completed_sessions", (json_int_t)r->completed_sessions, "total_duration_ms",
                     (json_int_t)r->total_duration_ms, "average_duration_ms",
                     (json_int_t)r->average_duration_ms, "peak_participants",
                     (json_int_t)r->peak_participants);
}

static void analytics_rooms(struct api_call *c)
{
    struct analytics_window w;
    int days, limit, offset;
    if (days_window(c, &days, &w) || api_page(c, &limit, &offset))
        return;
    struct analytics_room *v;
    size_t n;
    int err = c->st->analytics->rooms(c->st, c->who.org_id, &w, limit, offset, &v, &n);
    if (err) {
        api_fail(c, err, "analytics");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, room_json(&v[i]));
    free(v);
    json_t *o = json_pack("{s:o, s:i, s:i, s:i}", "rooms", arr, "days", days, "limit", limit,
                          "offset", offset);
    set_window(o, &w);
    api_json(c, 200, o);
}

static void day_name(int64_t ms, char out[11])
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

// One entry per UTC day of the window, oldest first; days without sessions are zeros.
static json_t *by_day_json(const struct analytics_window *w, int days,
                           const struct analytics_day *v, size_t n)
{
    json_t *arr = json_array();
    size_t k = 0;
    for (int i = 0; i < days; i++) {
        char date[11];
        day_name(w->since + (int64_t)i * DAY_MS, date);
        struct analytics_day zero = {.sessions = 0};
        const struct analytics_day *d = &zero;
        while (k < n && strcmp(v[k].date, date) < 0)
            k++;
        if (k < n && strcmp(v[k].date, date) == 0)
            d = &v[k];
        json_array_append_new(arr, json_pack("{s:s, s:I, s:I, s:I}", "date", date, "sessions",
                                             (json_int_t)d->sessions, "total_duration_ms",
                                             (json_int_t)d->total_duration_ms, "peak_participants",
                                             (json_int_t)d->peak_participants));
    }
    return arr;
}

static void analytics_room(struct api_call *c)
{
    const char *id = api_path_uuid(c, 0, "room_id");
    struct analytics_window w;
    int days;
    if (!id || days_window(c, &days, &w))
        return;
    struct analytics_room r;
    struct analytics_day *v;
    size_t n;
    int err = c->st->analytics->room(c->st, c->who.org_id, id, &w, &r, &v, &n);
    if (err) {
        api_fail(c, err, "room");
        return;
    }
    json_t *o = room_json(&r);
    json_object_set_new(o, "days", json_integer(days));
    set_window(o, &w);
    json_object_set_new(o, "by_day", by_day_json(&w, days, v, n));
    free(v);
    api_json(c, 200, o);
}

static const struct api_route routes[] = {
    {{HTTP_GET, "/v1/analytics/summary"},
     analytics_summary,
     AUTH_KEY,
     "Org totals for sessions created in a window (since, until; top=1..100 identities)",
     NULL,
     0},
    {{HTTP_GET, "/v1/analytics/rooms"},
     analytics_rooms,
     AUTH_KEY,
     "Per-room session totals over the last N UTC days (days=1..365, default 7; limit, offset)",
     NULL,
     0},
    {{HTTP_GET, "/v1/analytics/rooms/{room_id}"},
     analytics_room,
     AUTH_KEY,
     "One room's session totals over the last N UTC days with a per-day breakdown",
     NULL,
     0},
};

API_MODULE(api_analytics_module, routes);
