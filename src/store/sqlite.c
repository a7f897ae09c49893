// SPDX-License-Identifier: MIT
// SQLite backend: one connection owned by the control loop, WAL journal, foreign keys on,
// statements prepared once and cached.
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "store/sqlite_int.h"

#define STMT_SLOTS 512 // open addressing; far more than the number of distinct SQL strings

#define CHECKPOINT_PAGES 1000 // wake the checkpointer when the WAL holds this many frames

// Checkpoints copy WAL frames back into the database and fsync it; on the loop they stalled
// every request behind them (tens of ms). A thread with its own connection runs PASSIVE
// checkpoints, which never block the writer, whenever the WAL hook says it has grown.
struct checkpointer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    sqlite3 *db;
    int wanted, stop, running;
};

struct sqlite_store {
    sqlite3 *db;
    struct checkpointer ckpt;
    int tx_depth;
    uint64_t batch_gen;   // open batch transaction, 0 when none
    uint64_t gen_counter; // last batch number handed out
    uint64_t failed_gen;  // last batch whose commit failed
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

int sq_exec_one(store *s, sqlite3_stmt *st)
{
    int err = sq_exec(s, st);
    if (!err && sqlite3_changes(sq_db(s)) == 0)
        return VOX_ENOTFOUND;
    return err;
}

int sq_one(store *s, sqlite3_stmt *st, sq_row_cb row, void *out)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        row(st, out);
    int err = rc == SQLITE_DONE ? VOX_ENOTFOUND : sq_err(s, rc);
    sqlite3_reset(st);
    return err;
}

#define SQ_MANY_FIRST 16 // first capacity when the row count is unbounded

int sq_many(store *s, sqlite3_stmt *st, int limit, size_t elem_size, sq_row_cb row, void **out,
            size_t *n)
{
    // Start small and double: a list asked for with limit 1000 usually has a few rows, and its
    // records are large (a participant is over a kilobyte).
    size_t max = limit < 0 ? SIZE_MAX : (size_t)limit, k = 0;
    size_t cap = max < SQ_MANY_FIRST ? max : SQ_MANY_FIRST;
    char *v = xcalloc(cap + 1, elem_size);
    int rc = SQLITE_DONE;
    while (k < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            v = xrealloc(v, (2 * cap + 1) * elem_size);
            memset(v + (cap + 1) * elem_size, 0, cap * elem_size);
            cap *= 2;
        }
        row(st, v + k++ * elem_size);
    }
    if (rc == SQLITE_ROW) // stopped at the limit
        rc = SQLITE_DONE;
    int err = sq_err(s, rc);
    sqlite3_reset(st);
    *out = v;
    *n = k;
    return err;
}

int sq_many_drop(int err, void **out, size_t *n)
{
    if (err) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return err;
}

int sq_exec_by_id(store *s, const char *sql, const char *org_id, const char *id)
{
    sqlite3_stmt *st = sq_stmt(s, sql);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    sq_text(st, 2, id);
    return sq_exec_one(s, st);
}

int sq_one_by_id(store *s, const char *sql, const char *org_id, const char *id, sq_row_cb row,
                 void *out)
{
    sqlite3_stmt *st = sq_stmt(s, sql);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    sq_text(st, 2, id);
    return sq_one(s, st, row, out);
}

static int exec_sql(store *s, const char *sql)
{
    return sq_exec(s, sq_stmt(s, sql));
}

// Group commit: the first write after a flush opens one batch transaction; each request (or
// tick) runs in a savepoint inside it, so a refused request rolls back alone; flush() commits
// the batch once per loop iteration. Pages touched by many requests are written to the WAL
// once per batch instead of once per request.
static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";
static const char SQL_SAVEPOINT[] = "SAVEPOINT req";
static const char SQL_RELEASE[] = "RELEASE req";
static const char SQL_ROLLBACK_TO[] = "ROLLBACK TO req";

// The batch cannot be trusted any more (SQLite rolled it back by itself after an I/O, full
// disk or interrupt error, or a request's rollback failed): undo all of it, and fail every
// answer held for it so no client is told a change was stored.
static void batch_abandon(store *s, const char *why)
{
    struct sqlite_store *q = impl(s);
    log_error("batch abandoned", "batch=%llu reason=\"%s\"", (unsigned long long)q->batch_gen, why);
    if (!sqlite3_get_autocommit(q->db))
        sqlite3_exec(q->db, SQL_ROLLBACK, NULL, NULL, NULL);
    q->failed_gen = q->batch_gen;
    q->batch_gen = 0;
    q->tx_depth = 0;
}

static int tx_begin(store *s)
{
    struct sqlite_store *q = impl(s);
    if (q->tx_depth++ > 0)
        return 0;
    if (q->batch_gen && sqlite3_get_autocommit(q->db)) // SQLite rolled the batch back itself
        batch_abandon(s, "the batch transaction ended between requests");
    if (!q->batch_gen) {
        int rc = exec_sql(s, SQL_BEGIN);
        if (rc) {
            q->tx_depth = 0;
            return rc;
        }
        q->batch_gen = ++q->gen_counter;
    }
    int rc = exec_sql(s, SQL_SAVEPOINT);
    if (rc)
        q->tx_depth = 0;
    return rc;
}

// Commits the request's savepoint into the batch; a no-op after a rollback.
static int tx_commit(store *s)
{
    struct sqlite_store *q = impl(s);
    if (q->tx_depth == 0 || --q->tx_depth > 0)
        return 0;
    return exec_sql(s, SQL_RELEASE);
}

// Undoes everything the current request wrote, whatever the nesting depth. If that fails the
// request's writes would commit with the batch, so the whole batch goes instead.
static void tx_rollback(store *s)
{
    struct sqlite_store *q = impl(s);
    if (q->tx_depth == 0)
        return;
    q->tx_depth = 0;
    if (sqlite3_get_autocommit(q->db)) // the transaction is already gone
        batch_abandon(s, "the transaction ended under the request");
    else if (exec_sql(s, SQL_ROLLBACK_TO) || exec_sql(s, SQL_RELEASE))
        batch_abandon(s, "ROLLBACK TO failed");
}

static uint64_t batch_open(store *s)
{
    return impl(s)->batch_gen;
}

static int flush(store *s)
{
    struct sqlite_store *q = impl(s);
    if (!q->batch_gen || q->tx_depth > 0)
        return 0;
    if (sqlite3_get_autocommit(q->db)) {
        batch_abandon(s, "the batch transaction ended before its commit");
        return VOX_EIO;
    }
    int rc = exec_sql(s, SQL_COMMIT);
    if (rc) {
        log_error("batch commit failed", "batch=%llu", (unsigned long long)q->batch_gen);
        exec_sql(s, SQL_ROLLBACK);
        q->failed_gen = q->batch_gen;
    }
    q->batch_gen = 0;
    return rc;
}

static int batch_failed(store *s, uint64_t gen)
{
    return gen != 0 && gen == impl(s)->failed_gen;
}

static const char SQL_PING[] = "SELECT 1";

static int ping(store *s)
{
    return exec_sql(s, SQL_PING);
}

static void *checkpointer_main(void *arg)
{
    struct checkpointer *c = arg;
    pthread_mutex_lock(&c->mu);
    while (!c->stop) {
        while (!c->wanted && !c->stop)
            pthread_cond_wait(&c->cv, &c->mu);
        c->wanted = 0;
        pthread_mutex_unlock(&c->mu);
        int log = 0, done = 0;
        sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
        pthread_mutex_lock(&c->mu);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

static int on_wal_commit(void *arg, sqlite3 *db, const char *name, int pages)
{
    (void)db;
    (void)name;
    struct checkpointer *c = arg;
    if (pages >= CHECKPOINT_PAGES) {
        pthread_mutex_lock(&c->mu);
        c->wanted = 1;
        pthread_cond_signal(&c->cv);
        pthread_mutex_unlock(&c->mu);
    }
    return SQLITE_OK;
}

static int checkpointer_start(struct sqlite_store *q, const char *path)
{
    struct checkpointer *c = &q->ckpt;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(c->db, "PRAGMA busy_timeout = 5000", NULL, NULL, NULL) != SQLITE_OK ||
        // A connection opens the WAL on its first read; until then every checkpoint it runs
        // is a silent no-op (log = ckpt = -1).
        sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK ||
        pthread_create(&c->thread, NULL, checkpointer_main, c) != 0) {
        sqlite3_close(c->db);
        c->db = NULL;
        return VOX_EIO;
    }
    c->running = 1;
    sqlite3_wal_hook(q->db, on_wal_commit, c);
    return 0;
}

static void checkpointer_stop(struct sqlite_store *q)
{
    struct checkpointer *c = &q->ckpt;
    if (c->running) {
        sqlite3_wal_hook(q->db, NULL, NULL);
        pthread_mutex_lock(&c->mu);
        c->stop = 1;
        pthread_cond_signal(&c->cv);
        pthread_mutex_unlock(&c->mu);
        pthread_join(c->thread, NULL);
        sqlite3_close(c->db);
        c->running = 0;
    }
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
}

static void sqlite_close(store *s)
{
    struct sqlite_store *q = impl(s);
    flush(s);
    checkpointer_stop(q);
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
    .batch_open = batch_open,
    .flush = flush,
    .batch_failed = batch_failed,
    .close = sqlite_close,
};

static int configure(sqlite3 *db)
{
    static const char *const pragmas[] = {
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = NORMAL",
        "PRAGMA foreign_keys = ON",
        "PRAGMA busy_timeout = 5000",
        "PRAGMA temp_store = MEMORY",
        "PRAGMA cache_size = -16000",
        // Checkpoints run on the checkpointer thread, never on the loop (see checkpointer_main).
        "PRAGMA wal_autocheckpoint = 0",
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
    if (checkpointer_start(q, path)) {
        log_error("cannot start the checkpointer", "path=%s", path);
        pthread_mutex_destroy(&q->ckpt.mu);
        pthread_cond_destroy(&q->ckpt.cv);
        sqlite3_close(db);
        free(q);
        return VOX_EIO;
    }
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
    s->signals = &sqlite_signal_ops;
    s->bans = &sqlite_ban_ops;
    /* more resources are wired here as they land */
    *out = s;
    return 0;
}

void store_close(store *s)
{
    if (s)
        s->ops->close(s);
}
