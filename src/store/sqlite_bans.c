// SPDX-License-Identifier: MIT
// Session bans on SQLite: one row per (session, identity), read on every join.
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/bans.h"
#include "store/sqlite_int.h"

#define BAN_COLS "org_id, room_id, session_id, identity, by_whom, reason, created_at"

static const char SQL_ADD[] = "INSERT INTO bans (" BAN_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                              "ON CONFLICT (session_id, identity) DO NOTHING";
static const char SQL_GET[] = "SELECT " BAN_COLS " FROM bans WHERE session_id = ?2 AND "
                              "identity = ?3 AND org_id = ?1";
static const char SQL_REMOVE[] =
    "DELETE FROM bans WHERE session_id = ?2 AND identity = ?3 AND org_id = ?1";
static const char SQL_LIST[] = "SELECT " BAN_COLS " FROM bans WHERE session_id = ?2 AND "
                               "org_id = ?1 ORDER BY created_at, identity LIMIT ?3 OFFSET ?4";

static int ban_add(store *s, const struct ban_rec *b)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_ADD);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, b->org_id);
    sq_text(st, 2, b->room_id);
    sq_text(st, 3, b->session_id);
    sq_text(st, 4, b->identity);
    sq_text(st, 5, b->by);
    sq_text(st, 6, b->reason);
    sq_int(st, 7, b->created_at);
    return sq_exec(s, st);
}

static void ban_row(sqlite3_stmt *st, void *rec)
{
    struct ban_rec *b = rec;
    sq_col_copy(st, 0, b->org_id, sizeof b->org_id);
    sq_col_copy(st, 1, b->room_id, sizeof b->room_id);
    sq_col_copy(st, 2, b->session_id, sizeof b->session_id);
    sq_col_copy(st, 3, b->identity, sizeof b->identity);
    sq_col_copy(st, 4, b->by, sizeof b->by);
    sq_col_copy(st, 5, b->reason, sizeof b->reason);
    b->created_at = sqlite3_column_int64(st, 6);
}

// Binds ?1 org, ?2 session, ?3 identity.
static sqlite3_stmt *keyed(store *s, const char *sql, const char *org_id, const char *session_id,
                           const char *identity)
{
    sqlite3_stmt *st = sq_stmt(s, sql);
    if (st) {
        sq_text(st, 1, org_id);
        sq_text(st, 2, session_id);
        sq_text(st, 3, identity);
    }
    return st;
}

static int ban_get(store *s, const char *org_id, const char *session_id, const char *identity,
                   struct ban_rec *out)
{
    struct ban_rec scratch;
    sqlite3_stmt *st = keyed(s, SQL_GET, org_id, session_id, identity);
    return st ? sq_one(s, st, ban_row, out ? out : &scratch) : VOX_EIO;
}

static int ban_remove(store *s, const char *org_id, const char *session_id, const char *identity)
{
    sqlite3_stmt *st = keyed(s, SQL_REMOVE, org_id, session_id, identity);
    return st ? sq_exec_one(s, st) : VOX_EIO;
}

static int ban_list(store *s, const char *org_id, const char *session_id, int limit, int offset,
                    struct ban_rec **out, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_LIST);
    if (!st) {
        *out = NULL;
        *n = 0;
        return VOX_EIO;
    }
    sq_text(st, 1, org_id);
    sq_text(st, 2, session_id);
    sq_int(st, 3, limit);
    sq_int(st, 4, offset);
    int err = sq_many(s, st, limit, sizeof **out, ban_row, (void **)out, n);
    return sq_many_drop(err, (void **)out, n);
}

const struct store_ban_ops sqlite_ban_ops = {
    .add = ban_add,
    .get = ban_get,
    .remove = ban_remove,
    .list = ban_list,
};
