// SPDX-License-Identifier: MIT
// SQLite backend: one connection owned by the control loop, WAL journal, foreign keys on,
// statements prepared once and cached.
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "store/sqlite_int.h"

#define STMT_SLOTS 512 // open addressing; far more than the number of distinct SQL strings

struct sqlite_store {
    sqlite3 *db;
    int tx_depth;
    struct {
        const char *sql;
        sqlite3_stmt *st;
    } stmts[STMT_SLOTS];
};

static struct sqlite_store *impl(store *s)
{
    return s->impl;
}

sqlite3 *sq_db(store *s)
{
    return impl(s)->db;
}

sqlite3_stmt *sq_stmt(store *s, const char *sql)
{
    struct sqlite_store *q = impl(s);
    size_t h = ((uintptr_t)sql >> 3) % STMT_SLOTS;
    for (size_t i = 0; i < STMT_SLOTS; i++, h = (h + 1) % STMT_SLOTS) {
        if (q->stmts[h].sql == sql) {
            sqlite3_reset(q->stmts[h].st);
            sqlite3_clear_bindings(q->stmts[h].st);
            return q->stmts[h].st;
        }
        if (!q->stmts[h].sql) {
            sqlite3_stmt *st;
            if (sqlite3_prepare_v3(q->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
                SQLITE_OK) {
                log_error("sqlite prepare failed", "error=\"%s\"", sqlite3_errmsg(q->db));
                return NULL;
            }
            q->stmts[h].sql = sql;
            q->stmts[h].st = st;
            return st;
        }
    }
    ASSERT(!"statement cache full");
}

void sq_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

void sq_int(sqlite3_stmt *st, int i, int64_t v)
{
    sqlite3_bind_int64(st, i, v);
}

void sq_col_copy(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(out, t, n);
    out[n] = '\0';
}

char *sq_col_dup(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (!t)
        return NULL;
    return xstrndup((const char *)t, (size_t)sqlite3_column_bytes(st, col));
}

int sq_err(store *s, int rc)
{
    if (rc == SQLITE_DONE || rc == SQLITE_ROW || rc == SQLITE_OK)
        return 0;
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return VOX_ECONFLICT;
    log_error("sqlite step failed", "rc=%d error=\"%s\"", rc, sqlite3_errmsg(sq_db(s)));
    return VOX_EIO;
}

int sq_exec(store *s, sqlite3_stmt *st)
{
    if (!st)
        return VOX_EIO;
    int rc = sqlite3_step(st);
    int err = sq_err(s, rc);
    sqlite3_reset(st);
    return err;
}

static int exec_sql(store *s, const char *sql)
{
    return sq_exec(s, sq_stmt(s, sql));
}

static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";

static int tx_begin(store *s)
{
    if (impl(s)->tx_depth++ > 0)
        return 0;
    int rc = exec_sql(s, SQL_BEGIN);
    if (rc)
        impl(s)->tx_depth = 0;
    return rc;
}

static int tx_commit(store *s)
{
    ASSERT(impl(s)->tx_depth > 0);
    if (--impl(s)->tx_depth > 0)
        return 0;
    return exec_sql(s, SQL_COMMIT);
}

// A rollback always undoes the whole outermost transaction.
static void tx_rollback(store *s)
{
    if (impl(s)->tx_depth == 0)
        return;
    impl(s)->tx_depth = 0;
    exec_sql(s, SQL_ROLLBACK);
}

static const char SQL_PING[] = "SELECT 1";

static int ping(store *s)
{
    return exec_sql(s, SQL_PING);
}

static void sqlite_close(store *s)
{
    struct sqlite_store *q = impl(s);
    for (size_t i = 0; i < STMT_SLOTS; i++)
        if (q->stmts[i].st)
            sqlite3_finalize(q->stmts[i].st);
    // A clean close checkpoints the WAL so the database file stands alone.
    sqlite3_close(q->db);
    free(q);
    free(s);
}

static const struct store_ops sqlite_ops = {
    .begin = tx_begin,
    .commit = tx_commit,
    .rollback = tx_rollback,
    .ping = ping,
    .close = sqlite_close,
};

static int configure(sqlite3 *db)
{
    static const char *const pragmas[] = {
        "PRAGMA journal_mode = WAL",  "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON",
        "PRAGMA busy_timeout = 5000", "PRAGMA temp_store = MEMORY",  "PRAGMA cache_size = -16000",
    };
    for (size_t i = 0; i < sizeof pragmas / sizeof pragmas[0]; i++)
        if (sqlite3_exec(db, pragmas[i], NULL, NULL, NULL) != SQLITE_OK)
            return VOX_EIO;
    return 0;
}

int store_open_sqlite(const char *path, store **out)
{
    sqlite3 *db;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        log_error("cannot open database", "path=%s error=\"%s\"", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return VOX_EIO;
    }
    if (configure(db) || sqlite_migrate(db)) {
        sqlite3_close(db);
        return VOX_EIO;
    }
    struct sqlite_store *q = xcalloc(1, sizeof *q);
    q->db = db;
    store *s = xcalloc(1, sizeof *s);
    s->impl = q;
    s->ops = &sqlite_ops;
    s->orgs = &sqlite_org_ops;
    s->keys = &sqlite_key_ops;
    s->rooms = &sqlite_room_ops;
    s->events = &sqlite_event_ops;
    s->analytics = &sqlite_analytics_ops;
    s->stage = &sqlite_stage_ops;
    s->categories = &sqlite_category_ops;
    s->sessions = &sqlite_session_ops;
    s->participants = &sqlite_participant_ops;
    /* more resources are wired here as they land */
    *out = s;
    return 0;
}

void store_close(store *s)
{
    if (s)
        s->ops->close(s);
}
