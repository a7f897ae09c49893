// SPDX-License-Identifier: MIT
// Aggregate queries on SQLite. Every per-org statement starts from an org-scoped index on
// sessions (org_id, created_at) or rooms (org_id, ...) and reaches participants through
// participants_session, so cost follows the window's size, not the table's.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/mem.h"
#include "store/analytics.h"
#include "store/sqlite_int.h"

static const char SQL_GAUGES[] =
    "SELECT (SELECT count(*) FROM rooms), "
    "(SELECT count(*) FROM sessions WHERE state IN ('active', 'paused')), "
    "(SELECT count(*) FROM participants WHERE status IN ('joining', 'connected', "
    "'reconnecting'))";

// Bindings shared by every statement below: ?1 org, ?2 since, ?3 until, ?4 now.
#define IN_WINDOW "s.org_id = ?1 AND s.created_at BETWEEN ?2 AND ?3"
// One room's sessions in the window: +s.org_id keeps the planner on sessions_room (room_id,
// created_at) rather than walking every session of the org once per room.
#define ROOM_WINDOW "+s.org_id = ?1 AND s.created_at BETWEEN ?2 AND ?3"
// A session's duration (see analytics.h).
#define SESSION_MS                                                                                 \
    "(CASE WHEN s.started_at IS NULL THEN 0 WHEN s.ended_at IS NOT NULL THEN s.duration_ms "       \
    "ELSE max(?4 - s.started_at, 0) END)"
#define COMPLETED_AVG                                                                              \
    "coalesce(CAST(round(avg(CASE WHEN s.state = 'completed' THEN s.duration_ms END)) AS "         \
    "INTEGER), 0)"
// The participants of the window's sessions; +p.org_id keeps the planner on the session join.
#define WINDOW_PARTICIPANTS                                                                        \
    " FROM sessions s JOIN participants p ON p.session_id = s.id WHERE " IN_WINDOW                 \
    " AND +p.org_id = ?1"

static const char SQL_SUM_SESSIONS[] =
    "SELECT count(*), coalesce(sum(s.state IN ('active', 'paused')), 0), "
    "coalesce(sum(s.state = 'completed'), 0), " COMPLETED_AVG " FROM sessions s WHERE " IN_WINDOW;

static const char SQL_SUM_TYPES[] =
    "SELECT r.type, count(*) FROM sessions s JOIN rooms r ON r.id = s.room_id WHERE " IN_WINDOW
    " GROUP BY r.type ORDER BY r.type";

static const char SQL_SUM_PARTICIPANTS[] =
    "SELECT count(*), count(DISTINCT p.identity)" WINDOW_PARTICIPANTS;

static const char SQL_SUM_TOP[] =
    "SELECT p.identity, count(DISTINCT p.session_id) AS n, "
    "coalesce(sum(CASE WHEN p.joined_at IS NULL THEN 0 "
    "ELSE max(coalesce(p.left_at, ?4) - p.joined_at, 0) END), 0) AS ms" WINDOW_PARTICIPANTS
    " GROUP BY p.identity ORDER BY n DESC, ms DESC, p.identity LIMIT ?5";

#define ROOM_COLUMNS                                                                               \
    "SELECT r.id, r.name, r.type, count(s.id), coalesce(sum(s.state = 'completed'), 0), "          \
    "coalesce(sum(" SESSION_MS "), 0), " COMPLETED_AVG ", coalesce(max(s.peak_participants), 0) "  \
    "FROM rooms r LEFT JOIN sessions s ON s.room_id = r.id AND " ROOM_WINDOW                       \
    " WHERE r.org_id = ?1 "

static const char SQL_ROOMS[] =
    ROOM_COLUMNS "GROUP BY r.id ORDER BY count(s.id) DESC, r.name, r.id LIMIT ?5 OFFSET ?6";

static const char SQL_ROOM[] = ROOM_COLUMNS "AND r.id = ?5 GROUP BY r.id";

static const char SQL_ROOM_DAYS[] =
    "SELECT date(s.created_at / 1000, 'unixepoch') AS d, count(*), coalesce(sum(" SESSION_MS
    "), 0), coalesce(max(s.peak_participants), 0) FROM sessions s WHERE s.room_id = ?5 "
    "AND " ROOM_WINDOW " GROUP BY d ORDER BY d";

void analytics_summary_fini(struct analytics_summary *sum)
{
    free(sum->top);
    sum->top = NULL;
    sum->ntop = 0;
}

static int gauges(store *s, struct store_gauges *out)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_GAUGES);
    if (!st)
        return VOX_EIO;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->rooms = sqlite3_column_int64(st, 0);
        out->sessions_live = sqlite3_column_int64(st, 1);
        out->participants_present = sqlite3_column_int64(st, 2);
    }
    out->memory_bytes = sqlite3_memory_used();
    out->memory_limit_bytes = SQLITE_CACHE_BYTES * 2; // the writer's and the checkpointer's
    int err = sq_err(s, rc);
    sqlite3_reset(st);
    return err;
}

// Prepares sql with the window bound to ?1..?4 (a statement without ?4 ignores it: the bind
// answers SQLITE_RANGE and changes nothing); NULL on a prepare error.
static sqlite3_stmt *window_stmt(store *s, const char *sql, const char *org_id,
                                 const struct analytics_window *w)
{
    sqlite3_stmt *st = sq_stmt(s, sql);
    if (!st)
        return NULL;
    sq_text(st, 1, org_id);
    sq_int(st, 2, w->since);
    sq_int(st, 3, w->until);
    sq_int(st, 4, w->now_ms);
    return st;
}

// Steps a statement and passes each row to row_fn (which may stop the walk by returning
// nonzero); resets the statement. 0 or a VOX_E* code.
typedef int (*row_cb)(sqlite3_stmt *st, void *ctx);

static int each_row(store *s, sqlite3_stmt *st, row_cb row_fn, void *ctx)
{
    if (!st)
        return VOX_EIO;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (row_fn(st, ctx))
            break;
    int err = sq_err(s, rc);
    sqlite3_reset(st);
    return err;
}

static int sessions_row(sqlite3_stmt *st, void *ctx)
{
    struct analytics_summary *out = ctx;
    out->total_sessions = sqlite3_column_int64(st, 0);
    out->active_sessions = sqlite3_column_int64(st, 1);
    out->completed_sessions = sqlite3_column_int64(st, 2);
    out->average_duration_ms = sqlite3_column_int64(st, 3);
    return 1;
}

static int type_row(sqlite3_stmt *st, void *ctx)
{
    struct analytics_summary *out = ctx;
    size_t cap = sizeof out->by_type / sizeof out->by_type[0];
    if (out->ntypes == cap)
        return 1;
    struct analytics_count *t = &out->by_type[out->ntypes++];
    sq_col_copy(st, 0, t->key, sizeof t->key);
    t->n = sqlite3_column_int64(st, 1);
    return 0;
}

static int participants_row(sqlite3_stmt *st, void *ctx)
{
    struct analytics_summary *out = ctx;
    out->total_participants = sqlite3_column_int64(st, 0);
    out->unique_identities = sqlite3_column_int64(st, 1);
    return 1;
}

static int top_row(sqlite3_stmt *st, void *ctx)
{
    struct analytics_summary *out = ctx;
    struct analytics_top *t = &out->top[out->ntop++];
    sq_col_copy(st, 0, t->identity, sizeof t->identity);
    t->sessions = sqlite3_column_int64(st, 1);
    t->total_ms = sqlite3_column_int64(st, 2);
    return 0;
}

static int summary(store *s, const char *org_id, const struct analytics_window *w, int top,
                   struct analytics_summary *out)
{
    memset(out, 0, sizeof *out);
    out->top = xcalloc((size_t)(top > 0 ? top : 1), sizeof *out->top);
    int err = each_row(s, window_stmt(s, SQL_SUM_SESSIONS, org_id, w), sessions_row, out);
    if (!err)
        err = each_row(s, window_stmt(s, SQL_SUM_TYPES, org_id, w), type_row, out);
    if (!err)
        err = each_row(s, window_stmt(s, SQL_SUM_PARTICIPANTS, org_id, w), participants_row, out);
    if (!err && top > 0) {
        sqlite3_stmt *st = window_stmt(s, SQL_SUM_TOP, org_id, w);
        if (st)
            sq_int(st, 5, top);
        err = each_row(s, st, top_row, out);
    }
    if (err)
        analytics_summary_fini(out);
    return err;
}

static void room_row(sqlite3_stmt *st, void *rec)
{
    struct analytics_room *r = rec;
    sq_col_copy(st, 0, r->room_id, sizeof r->room_id);
    sq_col_copy(st, 1, r->name, sizeof r->name);
    sq_col_copy(st, 2, r->type, sizeof r->type);
    r->sessions = sqlite3_column_int64(st, 3);
    r->completed_sessions = sqlite3_column_int64(st, 4);
    r->total_duration_ms = sqlite3_column_int64(st, 5);
    r->average_duration_ms = sqlite3_column_int64(st, 6);
    r->peak_participants = sqlite3_column_int64(st, 7);
}

static int rooms(store *s, const char *org_id, const struct analytics_window *w, int limit,
                 int offset, struct analytics_room **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = window_stmt(s, SQL_ROOMS, org_id, w);
    if (!st)
        return VOX_EIO;
    sq_int(st, 5, limit);
    sq_int(st, 6, offset);
    int err = sq_many(s, st, limit > 0 ? limit : 0, sizeof **out, room_row, (void **)out, n);
    return sq_many_drop(err, (void **)out, n);
}

static void day_row(sqlite3_stmt *st, void *rec)
{
    struct analytics_day *d = rec;
    sq_col_copy(st, 0, d->date, sizeof d->date);
    d->sessions = sqlite3_column_int64(st, 1);
    d->total_duration_ms = sqlite3_column_int64(st, 2);
    d->peak_participants = sqlite3_column_int64(st, 3);
}

static int room(store *s, const char *org_id, const char *room_id, const struct analytics_window *w,
                struct analytics_room *out, struct analytics_day **days, size_t *ndays)
{
    *days = NULL;
    *ndays = 0;
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = window_stmt(s, SQL_ROOM, org_id, w);
    if (!st)
        return VOX_EIO;
    sq_text(st, 5, room_id);
    int err = sq_one(s, st, room_row, out);
    if (err)
        return err;
    if (!(st = window_stmt(s, SQL_ROOM_DAYS, org_id, w)))
        return VOX_EIO;
    sq_text(st, 5, room_id);
    err = sq_many(s, st, -1, sizeof **days, day_row, (void **)days, ndays);
    return sq_many_drop(err, (void **)days, ndays);
}

const struct store_analytics_ops sqlite_analytics_ops = {
    .gauges = gauges,
    .summary = summary,
    .rooms = rooms,
    .room = room,
};
