// SPDX-License-Identifier: MIT
// Orgs and api keys on SQLite.
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/orgs.h"
#include "store/sqlite_int.h"

void org_rec_fini(struct org_rec *o)
{
    free(o->metadata);
    o->metadata = NULL;
}

void org_recs_free(struct org_rec *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        org_rec_fini(&v[i]);
    free(v);
}

static const char SQL_ORG_INSERT[] =
    "INSERT INTO orgs (id, name, metadata, created_at) VALUES (?, ?, ?, ?)";
static const char SQL_ORG_GET[] = "SELECT id, name, metadata, created_at FROM orgs WHERE id = ?";
static const char SQL_ORG_LIST[] = "SELECT id, name, metadata, created_at FROM orgs "
                                   "ORDER BY created_at DESC, id LIMIT ? OFFSET ?";
static const char SQL_ORG_DELETE[] = "DELETE FROM orgs WHERE id = ?";

static int org_create(store *s, const struct org_rec *o)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_ORG_INSERT);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, o->id);
    sq_text(st, 2, o->name);
    sq_text(st, 3, o->metadata ? o->metadata : "{}");
    sq_int(st, 4, o->created_at);
    return sq_exec(s, st);
}

static void org_row(sqlite3_stmt *st, void *rec)
{
    struct org_rec *o = rec;
    sq_col_copy(st, 0, o->id, sizeof o->id);
    sq_col_copy(st, 1, o->name, sizeof o->name);
    o->metadata = sq_col_dup(st, 2);
    o->created_at = sqlite3_column_int64(st, 3);
}

static int org_get(store *s, const char *id, struct org_rec *out)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_ORG_GET);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, id);
    return sq_one(s, st, org_row, out);
}

static int org_list(store *s, int limit, int offset, struct org_rec **out, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_ORG_LIST);
    if (!st)
        return VOX_EIO;
    sq_int(st, 1, limit);
    sq_int(st, 2, offset);
    return sq_many(s, st, limit, sizeof **out, org_row, (void **)out, n);
}

static int org_remove(store *s, const char *id)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_ORG_DELETE);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, id);
    return sq_exec_one(s, st);
}

const struct store_org_ops sqlite_org_ops = {
    .create = org_create,
    .get = org_get,
    .list = org_list,
    .remove = org_remove,
};

static const char SQL_KEY_INSERT[] = "INSERT INTO api_keys (id, org_id, name, secret_enc, "
                                     "created_at, revoked_at) VALUES (?, ?, ?, ?, ?, NULL)";
static const char SQL_KEY_GET[] = "SELECT id, org_id, name, secret_enc, created_at, "
                                  "coalesce(revoked_at, 0) FROM api_keys WHERE id = ?";
static const char SQL_KEY_LIST[] = "SELECT id, org_id, name, secret_enc, created_at, "
                                   "coalesce(revoked_at, 0) FROM api_keys WHERE org_id = ? "
                                   "ORDER BY created_at, id";
static const char SQL_KEY_REVOKE[] =
    "UPDATE api_keys SET revoked_at = ? WHERE org_id = ? AND id = ? AND revoked_at IS NULL";

static int key_create(store *s, const struct key_rec *k)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_KEY_INSERT);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, k->id);
    sq_text(st, 2, k->org_id);
    sq_text(st, 3, k->name);
    sq_text(st, 4, k->secret_enc);
    sq_int(st, 5, k->created_at);
    return sq_exec(s, st);
}

static void key_row(sqlite3_stmt *st, void *rec)
{
    struct key_rec *k = rec;
    sq_col_copy(st, 0, k->id, sizeof k->id);
    sq_col_copy(st, 1, k->org_id, sizeof k->org_id);
    sq_col_copy(st, 2, k->name, sizeof k->name);
    sq_col_copy(st, 3, k->secret_enc, sizeof k->secret_enc);
    k->created_at = sqlite3_column_int64(st, 4);
    k->revoked_at = sqlite3_column_int64(st, 5);
}

static int key_get(store *s, const char *id, struct key_rec *out)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_KEY_GET);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, id);
    return sq_one(s, st, key_row, out);
}

static int key_list(store *s, const char *org_id, struct key_rec **out, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_KEY_LIST);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    return sq_many(s, st, -1, sizeof **out, key_row, (void **)out, n);
}

static int key_revoke(store *s, const char *org_id, const char *id, int64_t at)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_KEY_REVOKE);
    if (!st)
        return VOX_EIO;
    sq_int(st, 1, at);
    sq_text(st, 2, org_id);
    sq_text(st, 3, id);
    return sq_exec_one(s, st);
}

const struct store_key_ops sqlite_key_ops = {
    .create = key_create,
    .get = key_get,
    .list = key_list,
    .revoke = key_revoke,
};
