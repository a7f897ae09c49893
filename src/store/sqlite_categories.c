// SPDX-License-Identifier: MIT
// Categories on SQLite, and the channel listing: channel rooms with their live present
// participant counts, read in one query (the counts come from one GROUP BY, not a query per room).
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/mem.h"
#include "store/categories.h"
#include "store/sqlite_int.h"

#define CAT_COLS "id, org_id, name, position, created_at, updated_at"

static const char SQL_INSERT[] = "INSERT INTO categories (" CAT_COLS ") VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_GET[] = "SELECT " CAT_COLS " FROM categories WHERE org_id = ? AND id = ?";
static const char SQL_LIST[] =
    "SELECT " CAT_COLS " FROM categories WHERE org_id = ? ORDER BY position, name, id";
static const char SQL_UPDATE[] = "UPDATE categories SET name = ?3, position = ?4, updated_at = ?5 "
                                 "WHERE id = ?1 AND org_id = ?2";
static const char SQL_DELETE[] = "DELETE FROM categories WHERE org_id = ? AND id = ?";

// The same columns, in the same order, as sqlite_rooms.c's ROOM_COLS (room_row below mirrors
// its reader), so the listing hands back complete room records.
#define CHANNEL_COLS                                                                               \
    "r.id, r.org_id, r.name, r.type, r.media_mode, r.persistent, r.max_participants, r.bitrate, "  \
    "r.recording_allowed, r.screen_share_allowed, r.waiting_room, "                                \
    "coalesce(r.password_hash, ''), coalesce(r.category_id, ''), r.position, r.empty_timeout, "    \
    "r.permission_overrides, r.metadata, r.created_at, r.updated_at"

static const char SQL_CHANNELS[] =
    "SELECT " CHANNEL_COLS ", coalesce(pc.n, 0) FROM rooms r LEFT JOIN ("
    "  SELECT p.room_id AS room_id, count(*) AS n FROM participants p"
    "  JOIN sessions s ON s.id = p.session_id"
    "  WHERE p.org_id = ?1 AND p.status IN ('joining', 'connected', 'reconnecting')"
    "  AND s.state NOT IN ('completed', 'failed', 'cancelled')"
    "  GROUP BY p.room_id) pc ON pc.room_id = r.id "
    "WHERE r.org_id = ?1 AND (r.persistent <> 0 OR r.category_id IS NOT NULL) "
    "ORDER BY r.position, r.name, r.id LIMIT ?2";

void category_channels_free(struct category_channel *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        room_rec_fini(&v[i].room);
    free(v);
}

static void cat_row(sqlite3_stmt *st, struct category_rec *c)
{
    sq_col_copy(st, 0, c->id, sizeof c->id);
    sq_col_copy(st, 1, c->org_id, sizeof c->org_id);
    sq_col_copy(st, 2, c->name, sizeof c->name);
    c->position = sqlite3_column_int(st, 3);
    c->created_at = sqlite3_column_int64(st, 4);
    c->updated_at = sqlite3_column_int64(st, 5);
}

static void room_row(sqlite3_stmt *st, struct room_rec *r)
{
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

static void bind_cat(sqlite3_stmt *st, const struct category_rec *c, int with_created)
{
    sq_text(st, 1, c->id);
    sq_text(st, 2, c->org_id);
    sq_text(st, 3, c->name);
    sq_int(st, 4, c->position);
    if (with_created) {
        sq_int(st, 5, c->created_at);
        sq_int(st, 6, c->updated_at);
    } else {
        sq_int(st, 5, c->updated_at);
    }
}

static int cat_create(store *s, const struct category_rec *c)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_INSERT);
    if (!st)
        return VOX_EIO;
    bind_cat(st, c, 1);
    return sq_exec(s, st);
}

static int cat_get(store *s, const char *org_id, const char *id, struct category_rec *out)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_GET);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    sq_text(st, 2, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        cat_row(st, out);
    int err = rc == SQLITE_DONE ? VOX_ENOTFOUND : sq_err(s, rc);
    sqlite3_reset(st);
    return err;
}

static int cat_list(store *s, const char *org_id, struct category_rec **out, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_LIST);
    *out = NULL;
    *n = 0;
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    size_t cap = 16, k = 0;
    struct category_rec *v = xcalloc(cap, sizeof *v);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            cap *= 2;
            v = xrealloc(v, cap * sizeof *v);
        }
        cat_row(st, &v[k++]);
    }
    int err = sq_err(s, rc);
    sqlite3_reset(st);
    if (err) {
        free(v);
        return err;
    }
    *out = v;
    *n = k;
    return 0;
}

static int changed_or_missing(store *s, int err)
{
    if (!err && sqlite3_changes(sq_db(s)) == 0)
        return VOX_ENOTFOUND;
    return err;
}

static int cat_update(store *s, const struct category_rec *c)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_UPDATE);
    if (!st)
        return VOX_EIO;
    bind_cat(st, c, 0);
    return changed_or_missing(s, sq_exec(s, st));
}

// The rooms' ON DELETE SET NULL foreign key uncategorizes them (foreign_keys is on).
static int cat_remove(store *s, const char *org_id, const char *id)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_DELETE);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    sq_text(st, 2, id);
    return changed_or_missing(s, sq_exec(s, st));
}

static int cat_channels(store *s, const char *org_id, int limit, struct category_channel **out,
                        size_t *n)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_CHANNELS);
    *out = NULL;
    *n = 0;
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    sq_int(st, 2, limit);
    struct category_channel *v = xcalloc((size_t)limit + 1, sizeof *v);
    size_t k = 0;
    int rc = SQLITE_DONE;
    while (k < (size_t)limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        room_row(st, &v[k].room);
        v[k++].participant_count = sqlite3_column_int(st, 19);
    }
    if (rc == SQLITE_ROW)
        rc = SQLITE_DONE;
    int err = sq_err(s, rc);
    sqlite3_reset(st);
    if (err) {
        category_channels_free(v, k);
        return err;
    }
    *out = v;
    *n = k;
    return 0;
}

const struct store_category_ops sqlite_category_ops = {
    .create = cat_create,
    .get = cat_get,
    .list = cat_list,
    .update = cat_update,
    .remove = cat_remove,
    .channels = cat_channels,
};
