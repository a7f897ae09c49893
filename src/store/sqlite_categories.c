// SPDX-License-Identifier: MIT
// Categories on SQLite, and the channel listing: channel rooms with their live present
// participant counts, read in one query (the counts come from one GROUP BY, not a query per room).
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
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

static const char SQL_CHANNELS[] =
    "SELECT " SQLITE_ROOMS_COLS ", coalesce(pc.n, 0) FROM rooms r LEFT JOIN ("
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

static void cat_row(sqlite3_stmt *st, void *rec)
{
    struct category_rec *c = rec;
    sq_col_copy(st, 0, c->id, sizeof c->id);
    sq_col_copy(st, 1, c->org_id, sizeof c->org_id);
    sq_col_copy(st, 2, c->name, sizeof c->name);
    c->position = sqlite3_column_int(st, 3);
    c->created_at = sqlite3_column_int64(st, 4);
    c->updated_at = sqlite3_column_int64(st, 5);
}

static void channel_row(sqlite3_stmt *st, void *rec)
{
    struct category_channel *ch = rec;
    sqlite_rooms_row(st, &ch->room);
    ch->participant_count = sqlite3_column_int(st, SQLITE_ROOMS_NCOLS);
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
    return sq_one_by_id(s, SQL_GET, org_id, id, cat_row, out);
}

static int cat_list(store *s, const char *org_id, struct category_rec **out, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_LIST);
    *out = NULL;
    *n = 0;
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    int err = sq_many(s, st, -1, sizeof **out, cat_row, (void **)out, n);
    return sq_many_drop(err, (void **)out, n);
}

static int cat_update(store *s, const struct category_rec *c)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_UPDATE);
    if (!st)
        return VOX_EIO;
    bind_cat(st, c, 0);
    return sq_exec_one(s, st);
}

// The rooms' ON DELETE SET NULL foreign key uncategorizes them (foreign_keys is on).
static int cat_remove(store *s, const char *org_id, const char *id)
{
    return sq_exec_by_id(s, SQL_DELETE, org_id, id);
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
    int err = sq_many(s, st, limit, sizeof **out, channel_row, (void **)out, n);
    if (err) {
        category_channels_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return err;
}

const struct store_category_ops sqlite_category_ops = {
    .create = cat_create,
    .get = cat_get,
    .list = cat_list,
    .update = cat_update,
    .remove = cat_remove,
    .channels = cat_channels,
};
