// SPDX-License-Identifier: MIT
// Rooms on SQLite.
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/rooms.h"
#include "store/sqlite_int.h"

void room_rec_fini(struct room_rec *r)
{
    free(r->permission_overrides);
    free(r->metadata);
    r->permission_overrides = NULL;
    r->metadata = NULL;
}

void room_recs_free(struct room_rec *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        room_rec_fini(&v[i]);
    free(v);
}

static const char SQL_INSERT[] =
    "INSERT INTO rooms (id, org_id, name, type, media_mode, persistent, max_participants, bitrate, "
    "recording_allowed, screen_share_allowed, waiting_room, password_hash, category_id, "
    "position, empty_timeout, permission_overrides, metadata, created_at, updated_at) VALUES "
    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, nullif(?12, ''), nullif(?13, ''), ?14, ?15, "
    "?16, ?17, ?18, ?19)";
static const char SQL_GET[] = "SELECT " SQLITE_ROOMS_COLS " FROM rooms WHERE org_id = ? AND id = ?";
static const char SQL_LIST[] = "SELECT " SQLITE_ROOMS_COLS " FROM rooms WHERE org_id = ?1 "
                               "AND (?2 IS NULL OR type = ?2) "
                               "AND (?3 IS NULL OR category_id = ?3) "
                               "ORDER BY created_at, id LIMIT ?4 OFFSET ?5";
static const char SQL_UPDATE[] =
    "UPDATE rooms SET name = ?3, type = ?4, media_mode = ?5, persistent = ?6, "
    "max_participants = ?7, bitrate = ?8, recording_allowed = ?9, screen_share_allowed = ?10, "
    "waiting_room = ?11, password_hash = nullif(?12, ''), category_id = nullif(?13, ''), "
    "position = ?14, empty_timeout = ?15, permission_overrides = ?16, metadata = ?17, "
    "updated_at = ?19 WHERE id = ?1 AND org_id = ?2";
static const char SQL_DELETE[] = "DELETE FROM rooms WHERE org_id = ? AND id = ?";

// Binds every column in SQLITE_ROOMS_COLS order; the INSERT and UPDATE share the numbering.
static void bind_room(sqlite3_stmt *st, const struct room_rec *r)
{
    sq_text(st, 1, r->id);
    sq_text(st, 2, r->org_id);
    sq_text(st, 3, r->name);
    sq_text(st, 4, r->type);
    sq_text(st, 5, r->media_mode);
    sq_int(st, 6, r->persistent);
    sq_int(st, 7, r->max_participants);
    sq_int(st, 8, r->bitrate);
    sq_int(st, 9, r->recording_allowed);
    sq_int(st, 10, r->screen_share_allowed);
    sq_int(st, 11, r->waiting_room);
    sq_text(st, 12, r->password_hash);
    sq_text(st, 13, r->category_id);
    sq_int(st, 14, r->position);
    sq_int(st, 15, r->empty_timeout);
    sq_text(st, 16, r->permission_overrides ? r->permission_overrides : "{}");
    sq_text(st, 17, r->metadata ? r->metadata : "{}");
    sq_int(st, 18, r->created_at);
    sq_int(st, 19, r->updated_at);
}

void sqlite_rooms_row(sqlite3_stmt *st, void *rec)
{
    struct room_rec *r = rec;
    sq_col_copy(st, 0, r->id, sizeof r->id);
    sq_col_copy(st, 1, r->org_id, sizeof r->org_id);
    sq_col_copy(st, 2, r->name, sizeof r->name);
    sq_col_copy(st, 3, r->type, sizeof r->type);
    sq_col_copy(st, 4, r->media_mode, sizeof r->media_mode);
    r->persistent = sqlite3_column_int(st, 5);
    r->max_participants = sqlite3_column_int(st, 6);
    r->bitrate = sqlite3_column_int(st, 7);
    r->recording_allowed = sqlite3_column_int(st, 8);
    r->screen_share_allowed = sqlite3_column_int(st, 9);
    r->waiting_room = sqlite3_column_int(st, 10);
    sq_col_copy(st, 11, r->password_hash, sizeof r->password_hash);
    sq_col_copy(st, 12, r->category_id, sizeof r->category_id);
    r->position = sqlite3_column_int(st, 13);
    r->empty_timeout = sqlite3_column_int(st, 14);
    r->permission_overrides = sq_col_dup(st, 15);
    r->metadata = sq_col_dup(st, 16);
    r->created_at = sqlite3_column_int64(st, 17);
    r->updated_at = sqlite3_column_int64(st, 18);
}

static int room_create(store *s, const struct room_rec *r)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_INSERT);
    if (!st)
        return VOX_EIO;
    bind_room(st, r);
    return sq_exec(s, st);
}

static int room_get(store *s, const char *org_id, const char *id, struct room_rec *out)
{
    return sq_one_by_id(s, SQL_GET, org_id, id, sqlite_rooms_row, out);
}

static int room_list(store *s, const char *org_id, const struct room_filter *f,
                     struct room_rec **out, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_LIST);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    sq_text(st, 2, f->type);
    sq_text(st, 3, f->category_id);
    sq_int(st, 4, f->limit);
    sq_int(st, 5, f->offset);
    return sq_many(s, st, f->limit, sizeof **out, sqlite_rooms_row, (void **)out, n);
}

static int room_update(store *s, const struct room_rec *r)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_UPDATE);
    if (!st)
        return VOX_EIO;
    bind_room(st, r);
    return sq_exec_one(s, st);
}

static int room_remove(store *s, const char *org_id, const char *id)
{
    return sq_exec_by_id(s, SQL_DELETE, org_id, id);
}

const struct store_room_ops sqlite_room_ops = {
    .create = room_create,
    .get = room_get,
    .list = room_list,
    .update = room_update,
    .remove = room_remove,
};
