// SPDX-License-Identifier: MIT
// Stage requests on SQLite, plus the participant reads and writes the stage needs (read from
// the participants table directly so the stage does not depend on the participants store).
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/sqlite_int.h"
#include "store/stage.h"

// A participant counts as present while in the session, and only while the session lives.
#define PRESENT_SQL                                                                                \
    "(p.status IN ('joining', 'connected', 'reconnecting') AND "                                   \
    "s.state NOT IN ('completed', 'failed', 'cancelled'))"

#define REQ_COLS                                                                                   \
    "r.id, r.org_id, r.room_id, r.session_id, r.participant_id, p.identity, r.state, "             \
    "coalesce(r.decided_by, ''), r.created_at, coalesce(r.decided_at, 0)"
#define REQ_FROM "stage_requests r JOIN participants p ON p.id = r.participant_id"

static const char SQL_INSERT[] =
    "INSERT INTO stage_requests (id, org_id, room_id, session_id, participant_id, state, "
    "decided_by, created_at, decided_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, nullif(?7, ''), ?8, "
    "nullif(?9, 0))";
static const char SQL_GET[] =
    "SELECT " REQ_COLS " FROM " REQ_FROM " WHERE r.org_id = ?1 AND r.id = ?2";
static const char SQL_LIST[] =
    "SELECT " REQ_COLS " FROM " REQ_FROM " WHERE r.org_id = ?1 AND r.room_id = ?2 "
    "AND (?3 IS NULL OR r.state = ?3) "
    "ORDER BY r.created_at, r.id LIMIT ?4 OFFSET ?5";
static const char SQL_DECIDE[] =
    "UPDATE stage_requests SET state = ?3, decided_by = nullif(?4, ''), decided_at = ?5 "
    "WHERE org_id = ?1 AND id = ?2 AND state = 'pending'";
static const char SQL_STALE[] =
    "SELECT " REQ_COLS " FROM " REQ_FROM " WHERE r.state = 'pending' AND r.created_at <= ?1 "
    "ORDER BY r.created_at, r.id LIMIT ?2";
static const char SQL_HAS_PENDING[] =
    "SELECT 1 FROM stage_requests WHERE org_id = ?1 AND participant_id = ?2 "
    "AND state = 'pending' LIMIT 1";

#define MEMBER_COLS                                                                                \
    "p.id, p.room_id, p.session_id, p.identity, p.role, p.status, p.permissions, " PRESENT_SQL
#define MEMBER_FROM "participants p JOIN sessions s ON s.id = p.session_id"

static const char SQL_FIND_MEMBER[] =
    "SELECT " MEMBER_COLS " FROM " MEMBER_FROM " WHERE p.org_id = ?1 AND p.room_id = ?2 "
    "AND p.identity = ?3 AND " PRESENT_SQL " ORDER BY p.created_at DESC, p.id LIMIT 1";
static const char SQL_GET_MEMBER[] = "SELECT " MEMBER_COLS " FROM " MEMBER_FROM
                                     " WHERE p.org_id = ?1 AND p.room_id = ?2 AND p.id = ?3";
static const char SQL_SET_ROLE[] =
    "UPDATE participants SET role = ?3, permissions = ?4 WHERE org_id = ?1 AND id = ?2";
static const char SQL_COUNT_ROLE[] =
    "SELECT count(*) FROM " MEMBER_FROM
    " WHERE p.org_id = ?1 AND p.session_id = ?2 AND p.role = ?3 AND " PRESENT_SQL;

static void request_row(sqlite3_stmt *st, void *rec)
{
    struct stage_request_rec *r = rec;
    sq_col_copy(st, 0, r->id, sizeof r->id);
    sq_col_copy(st, 1, r->org_id, sizeof r->org_id);
    sq_col_copy(st, 2, r->room_id, sizeof r->room_id);
    sq_col_copy(st, 3, r->session_id, sizeof r->session_id);
    sq_col_copy(st, 4, r->participant_id, sizeof r->participant_id);
    sq_col_copy(st, 5, r->identity, sizeof r->identity);
    sq_col_copy(st, 6, r->state, sizeof r->state);
    sq_col_copy(st, 7, r->decided_by, sizeof r->decided_by);
    r->created_at = sqlite3_column_int64(st, 8);
    r->decided_at = sqlite3_column_int64(st, 9);
}

static void member_row(sqlite3_stmt *st, void *rec)
{
    struct stage_member *m = rec;
    sq_col_copy(st, 0, m->id, sizeof m->id);
    sq_col_copy(st, 1, m->room_id, sizeof m->room_id);
    sq_col_copy(st, 2, m->session_id, sizeof m->session_id);
    sq_col_copy(st, 3, m->identity, sizeof m->identity);
    sq_col_copy(st, 4, m->role, sizeof m->role);
    sq_col_copy(st, 5, m->status, sizeof m->status);
    m->permissions = (uint32_t)sqlite3_column_int64(st, 6);
    m->present = sqlite3_column_int(st, 7);
}

// Reads up to limit request rows into a malloc'd array; NULL and 0 on error.
static int many_requests(store *s, sqlite3_stmt *st, int limit, struct stage_request_rec **out,
                         size_t *n)
{
    int err = sq_many(s, st, limit, sizeof **out, request_row, (void **)out, n);
    return sq_many_drop(err, (void **)out, n);
}

static int req_create(store *s, const struct stage_request_rec *r)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_INSERT);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, r->id);
    sq_text(st, 2, r->org_id);
    sq_text(st, 3, r->room_id);
    sq_text(st, 4, r->session_id);
    sq_text(st, 5, r->participant_id);
    sq_text(st, 6, r->state);
    sq_text(st, 7, r->decided_by);
    sq_int(st, 8, r->created_at);
    sq_int(st, 9, r->decided_at);
    return sq_exec(s, st);
}

static int req_get(store *s, const char *org_id, const char *id, struct stage_request_rec *out)
{
    return sq_one_by_id(s, SQL_GET, org_id, id, request_row, out);
}

static int req_list(store *s, const char *org_id, const struct stage_request_filter *f,
                    struct stage_request_rec **out, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_LIST);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    sq_text(st, 2, f->room_id);
    sq_text(st, 3, f->state);
    sq_int(st, 4, f->limit);
    sq_int(st, 5, f->offset);
    return many_requests(s, st, f->limit, out, n);
}

static int req_decide(store *s, const char *org_id, const char *id, const char *state,
                      const char *decided_by, int64_t decided_at)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_DECIDE);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    sq_text(st, 2, id);
    sq_text(st, 3, state);
    sq_text(st, 4, decided_by);
    sq_int(st, 5, decided_at);
    int err = sq_exec_one(s, st); // no pending request matched
    return err == VOX_ENOTFOUND ? VOX_ECONFLICT : err;
}

static int req_list_stale(store *s, int64_t cutoff_ms, int limit, struct stage_request_rec **out,
                          size_t *n)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_STALE);
    if (!st)
        return VOX_EIO;
    sq_int(st, 1, cutoff_ms);
    sq_int(st, 2, limit);
    return many_requests(s, st, limit, out, n);
}

static int req_has_pending(store *s, const char *org_id, const char *participant_id, int *out)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_HAS_PENDING);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    sq_text(st, 2, participant_id);
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW;
    int err = sq_err(s, rc);
    sqlite3_reset(st);
    return err;
}

static int member_find(store *s, const char *org_id, const char *room_id, const char *identity,
                       struct stage_member *out)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_FIND_MEMBER);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    sq_text(st, 2, room_id);
    sq_text(st, 3, identity);
    return sq_one(s, st, member_row, out);
}

static int member_get(store *s, const char *org_id, const char *room_id, const char *id,
                      struct stage_member *out)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_GET_MEMBER);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    sq_text(st, 2, room_id);
    sq_text(st, 3, id);
    return sq_one(s, st, member_row, out);
}

static int member_set_role(store *s, const char *org_id, const char *id, const char *role,
                           uint32_t permissions)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_SET_ROLE);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    sq_text(st, 2, id);
    sq_text(st, 3, role);
    sq_int(st, 4, permissions);
    return sq_exec_one(s, st);
}

static int member_count_role(store *s, const char *org_id, const char *session_id, const char *role,
                             int *out)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_COUNT_ROLE);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    sq_text(st, 2, session_id);
    sq_text(st, 3, role);
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    int err = sq_err(s, rc);
    sqlite3_reset(st);
    return err;
}

const struct store_stage_ops sqlite_stage_ops = {
    .create = req_create,
    .get = req_get,
    .list = req_list,
    .decide = req_decide,
    .list_stale = req_list_stale,
    .has_pending = req_has_pending,
    .find_member = member_find,
    .get_member = member_get,
    .set_role = member_set_role,
    .count_role = member_count_role,
};
