// SPDX-License-Identifier: MIT
// The event log on SQLite.
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/uuid.h"
#include "store/events.h"
#include "store/sqlite_int.h"

void event_recs_free(struct event_rec *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].data);
    free(v);
}

static const char SQL_APPEND[] =
    "INSERT INTO events (id, org_id, room_id, session_id, participant_id, type, data, "
    "created_at) VALUES (?, ?, nullif(?, ''), nullif(?, ''), nullif(?, ''), ?, ?, ?)";

// One statement per leading filter, so each walks its own (<column>, seq) index in seq order and
// stops after LIMIT rows; the unary + keeps the planner off events_org when a narrower index
// applies. The bindings are the same in all four.
#define EV_SELECT                                                                                  \
    "SELECT seq, id, org_id, coalesce(room_id, ''), coalesce(session_id, ''), "                    \
    "coalesce(participant_id, ''), type, data, created_at FROM events WHERE "
#define EV_ROOM        "(?2 IS NULL OR room_id = ?2)"
#define EV_SESSION     "(?3 IS NULL OR session_id = ?3)"
#define EV_PARTICIPANT "(?4 IS NULL OR participant_id = ?4)"
#define EV_REST                                                                                    \
    " AND (?5 IS NULL OR type = ?5) AND (?6 IS NULL OR substr(type, 1, length(?6)) = ?6) "         \
    "AND (?7 = 0 OR created_at >= ?7) AND (?8 = 0 OR created_at <= ?8) AND seq > ?9 "              \
    "ORDER BY seq LIMIT ?10 OFFSET ?11"

static const char SQL_LIST_ORG[] =
    EV_SELECT "org_id = ?1 AND " EV_ROOM " AND " EV_SESSION " AND " EV_PARTICIPANT EV_REST;
static const char SQL_LIST_ROOM[] =
    EV_SELECT "room_id = ?2 AND +org_id = ?1 AND " EV_SESSION " AND " EV_PARTICIPANT EV_REST;
static const char SQL_LIST_SESSION[] =
    EV_SELECT "session_id = ?3 AND +org_id = ?1 AND " EV_ROOM " AND " EV_PARTICIPANT EV_REST;
static const char SQL_LIST_PARTICIPANT[] =
    EV_SELECT "participant_id = ?4 AND +org_id = ?1 AND " EV_ROOM " AND " EV_SESSION EV_REST;

static const char SQL_ROOM_EXISTS[] = "SELECT 1 FROM rooms WHERE id = ?1 AND org_id = ?2";
static const char SQL_SESSION_EXISTS[] = "SELECT 1 FROM sessions WHERE id = ?1 AND org_id = ?2";

static int event_append(store *s, const struct event_rec *e)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_APPEND);
    if (!st)
        return VOX_EIO;
    char id[UUID_STR_LEN];
    if (e->id[0])
        memcpy(id, e->id, sizeof id);
    else
        uuid_new_v7(id, e->created_at ? e->created_at : clock_now_ms());
    sq_text(st, 1, id);
    sq_text(st, 2, e->org_id);
    sq_text(st, 3, e->room_id);
    sq_text(st, 4, e->session_id);
    sq_text(st, 5, e->participant_id);
    sq_text(st, 6, e->type);
    sq_text(st, 7, e->data ? e->data : "{}");
    sq_int(st, 8, e->created_at ? e->created_at : clock_now_ms());
    return sq_exec(s, st);
}

static void event_row(sqlite3_stmt *st, void *rec)
{
    struct event_rec *e = rec;
    e->seq = sqlite3_column_int64(st, 0);
    sq_col_copy(st, 1, e->id, sizeof e->id);
    sq_col_copy(st, 2, e->org_id, sizeof e->org_id);
    sq_col_copy(st, 3, e->room_id, sizeof e->room_id);
    sq_col_copy(st, 4, e->session_id, sizeof e->session_id);
    sq_col_copy(st, 5, e->participant_id, sizeof e->participant_id);
    sq_col_copy(st, 6, e->type, sizeof e->type);
    e->data = sq_col_dup(st, 7);
    e->created_at = sqlite3_column_int64(st, 8);
}

// The most selective id filter picks the statement (a participant has few events, an org many).
static const char *list_sql(const struct event_filter *f)
{
    if (f->participant_id)
        return SQL_LIST_PARTICIPANT;
    if (f->session_id)
        return SQL_LIST_SESSION;
    if (f->room_id)
        return SQL_LIST_ROOM;
    return SQL_LIST_ORG;
}

static int event_list(store *s, const char *org_id, const struct event_filter *f,
                      struct event_rec **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = sq_stmt(s, list_sql(f));
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    sq_text(st, 2, f->room_id);
    sq_text(st, 3, f->session_id);
    sq_text(st, 4, f->participant_id);
    sq_text(st, 5, f->type);
    sq_text(st, 6, f->type_prefix);
    sq_int(st, 7, f->since);
    sq_int(st, 8, f->until);
    sq_int(st, 9, f->after_seq);
    sq_int(st, 10, f->limit);
    sq_int(st, 11, f->offset);
    int err = sq_many(s, st, f->limit, sizeof **out, event_row, (void **)out, n);
    if (err) {
        event_recs_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return err;
}

static int event_exists(store *s, const char *org_id, enum event_scope scope, const char *id)
{
    sqlite3_stmt *st = sq_stmt(s, scope == EVENT_SCOPE_ROOM ? SQL_ROOM_EXISTS : SQL_SESSION_EXISTS);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, id);
    sq_text(st, 2, org_id);
    int rc = sqlite3_step(st);
    int err = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? VOX_ENOTFOUND : sq_err(s, rc);
    sqlite3_reset(st);
    return err;
}

const struct store_event_ops sqlite_event_ops = {
    .append = event_append,
    .list = event_list,
    .exists = event_exists,
};
