// SPDX-License-Identifier: MIT
// Sessions on SQLite. participant_count is computed from the participants index, never stored,
// so it cannot drift from the rows it counts.
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/sessions.h"
#include "store/sqlite_int.h"

#define SESSION_COLS                                                                               \
    "sessions.id, sessions.org_id, sessions.room_id, sessions.state, "                             \
    "coalesce(sessions.scheduled_at, 0), coalesce(sessions.started_at, 0), "                       \
    "coalesce(sessions.ended_at, 0), sessions.duration_ms, sessions.peak_participants, "           \
    "coalesce(sessions.end_reason, ''), coalesce(sessions.empty_since, 0), sessions.created_at, "  \
    "sessions.updated_at, (SELECT count(*) FROM participants p WHERE p.session_id = sessions.id "  \
    "AND p.status IN ('joining', 'connected', 'reconnecting')), sessions.speaking_ms"

static const char SQL_INSERT[] =
    "INSERT INTO sessions (id, org_id, room_id, state, scheduled_at, started_at, ended_at, "
    "duration_ms, peak_participants, end_reason, empty_since, created_at, updated_at) VALUES "
    "(?1, ?2, ?3, ?4, nullif(?5, 0), nullif(?6, 0), nullif(?7, 0), ?8, ?9, nullif(?10, ''), "
    "nullif(?11, 0), ?12, ?13)";
static const char SQL_GET[] = "SELECT " SESSION_COLS " FROM sessions WHERE org_id = ? AND id = ?";
static const char SQL_LATEST[] = "SELECT " SESSION_COLS " FROM sessions WHERE room_id = ?2 AND "
                                 "org_id = ?1 ORDER BY created_at DESC, rowid DESC LIMIT 1";
static const char SQL_LIST[] = "SELECT " SESSION_COLS " FROM sessions WHERE org_id = ?1 "
                               "AND (?2 IS NULL OR room_id = ?2) "
                               "AND (?3 IS NULL OR state = ?3) "
                               "ORDER BY created_at DESC, rowid DESC LIMIT ?4 OFFSET ?5";
static const char SQL_UPDATE[] =
    "UPDATE sessions SET state = ?4, scheduled_at = nullif(?5, 0), started_at = nullif(?6, 0), "
    "ended_at = nullif(?7, 0), duration_ms = ?8, peak_participants = ?9, "
    "end_reason = nullif(?10, ''), empty_since = nullif(?11, 0), updated_at = ?13 "
    "WHERE id = ?1 AND org_id = ?2";
static const char SQL_NOTE_JOIN[] =
    "UPDATE sessions SET peak_participants = max(peak_participants, ?2), empty_since = NULL, "
    "updated_at = ?3 WHERE id = ?1";
static const char SQL_SET_EMPTY[] = "UPDATE sessions SET empty_since = nullif(?2, 0) WHERE id = ?1";
static const char SQL_EXPIRED[] =
    "SELECT " SESSION_COLS " FROM sessions JOIN rooms r ON r.id = sessions.room_id "
    "WHERE sessions.empty_since IS NOT NULL AND sessions.state IN ('active', 'paused') "
    "AND sessions.empty_since + r.empty_timeout * 1000 <= ?1 ORDER BY sessions.empty_since "
    "LIMIT ?2";

// The INSERT and UPDATE share this numbering.
static void bind_session(sqlite3_stmt *st, const struct session_rec *r)
{
    sq_text(st, 1, r->id);
    sq_text(st, 2, r->org_id);
    sq_text(st, 3, r->room_id);
    sq_text(st, 4, r->state);
    sq_int(st, 5, r->scheduled_at);
    sq_int(st, 6, r->started_at);
    sq_int(st, 7, r->ended_at);
    sq_int(st, 8, r->duration_ms);
    sq_int(st, 9, r->peak_participants);
    sq_text(st, 10, r->end_reason);
    sq_int(st, 11, r->empty_since);
    sq_int(st, 12, r->created_at);
    sq_int(st, 13, r->updated_at);
}

static void session_row(sqlite3_stmt *st, void *rec)
{
    struct session_rec *r = rec;
    sq_col_copy(st, 0, r->id, sizeof r->id);
    sq_col_copy(st, 1, r->org_id, sizeof r->org_id);
    sq_col_copy(st, 2, r->room_id, sizeof r->room_id);
    sq_col_copy(st, 3, r->state, sizeof r->state);
    r->scheduled_at = sqlite3_column_int64(st, 4);
    r->started_at = sqlite3_column_int64(st, 5);
    r->ended_at = sqlite3_column_int64(st, 6);
    r->duration_ms = sqlite3_column_int64(st, 7);
    r->peak_participants = sqlite3_column_int(st, 8);
    sq_col_copy(st, 9, r->end_reason, sizeof r->end_reason);
    r->empty_since = sqlite3_column_int64(st, 10);
    r->created_at = sqlite3_column_int64(st, 11);
    r->updated_at = sqlite3_column_int64(st, 12);
    r->participant_count = sqlite3_column_int(st, 13);
    r->speaking_ms = sqlite3_column_int64(st, 14);
}

static int session_create(store *s, const struct session_rec *r)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_INSERT);
    if (!st)
        return VOX_EIO;
    bind_session(st, r);
    return sq_exec(s, st);
}

static int session_get(store *s, const char *org_id, const char *id, struct session_rec *out)
{
    return sq_one_by_id(s, SQL_GET, org_id, id, session_row, out);
}

static int session_latest(store *s, const char *org_id, const char *room_id,
                          struct session_rec *out)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_LATEST);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    sq_text(st, 2, room_id);
    return sq_one(s, st, session_row, out);
}

static int session_list(store *s, const char *org_id, const struct session_filter *f,
                        struct session_rec **out, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_LIST);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    sq_text(st, 2, f->room_id);
    sq_text(st, 3, f->state);
    sq_int(st, 4, f->limit);
    sq_int(st, 5, f->offset);
    return sq_many(s, st, f->limit, sizeof **out, session_row, (void **)out, n);
}

static int session_update(store *s, const struct session_rec *r)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_UPDATE);
    if (!st)
        return VOX_EIO;
    bind_session(st, r);
    return sq_exec_one(s, st);
}

static int session_note_join(store *s, const char *id, int present, int64_t now_ms)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_NOTE_JOIN);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, id);
    sq_int(st, 2, present);
    sq_int(st, 3, now_ms);
    return sq_exec_one(s, st);
}

static int session_set_empty_since(store *s, const char *id, int64_t at)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_SET_EMPTY);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, id);
    sq_int(st, 2, at);
    return sq_exec_one(s, st);
}

static int session_list_expired(store *s, int64_t now_ms, int limit, struct session_rec **out,
                                size_t *n)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_EXPIRED);
    if (!st)
        return VOX_EIO;
    sq_int(st, 1, now_ms);
    sq_int(st, 2, limit);
    return sq_many(s, st, limit, sizeof **out, session_row, (void **)out, n);
}

const struct store_session_ops sqlite_session_ops = {
    .create = session_create,
    .get = session_get,
    .latest = session_latest,
    .list = session_list,
    .update = session_update,
    .note_join = session_note_join,
    .set_empty_since = session_set_empty_since,
    .list_expired = session_list_expired,
};
