// SPDX-License-Identifier: MIT
// Unit tests for the SQLite store's request savepoints and batch transactions: commit,
// nested rollback, flush, what another connection sees, durability across close and reopen.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/log.h"
#include "core/uuid.h"
#include "store/orgs.h"
#include "store/rooms.h"
#include "store/sqlite_int.h" // sq_db(): to end the transaction under the store, as SQLite does
#include "store/store.h"
#include "fixture.h"

struct fx {
    char dir[32];
    char path[64];
    store *s;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (fixture_open(f->dir, f->path, "/tmp/vox-tx-XXXXXX", &f->s))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    fixture_remove(f->s, f->dir, f->path);
    free(f);
    return 0;
}

static void reopen(struct fx *f)
{
    store_close(f->s);
    f->s = NULL;
    assert_int_equal(store_open_sqlite(f->path, &f->s), 0);
}

// Rows another connection sees (committed data only).
static int64_t outside_count(struct fx *f, const char *table)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void new_org(store *s, char id[37], const char *name)
{
    struct org_rec o = {.created_at = 1000};
    uuid_new(o.id);
    snprintf(o.name, sizeof o.name, "%s", name);
    assert_int_equal(s->orgs->create(s, &o), 0);
    memcpy(id, o.id, 37);
}

static int org_exists(store *s, const char *id)
{
    struct org_rec o = {0};
    int rc = s->orgs->get(s, id, &o);
    org_rec_fini(&o);
    assert_true(rc == 0 || rc == VOX_ENOTFOUND);
    return rc == 0;
}

static void test_commit_then_flush(void **state)
{
    struct fx *f = *state;
    store *s = f->s;
    assert_int_equal(s->ops->batch_open(s), 0);
    assert_int_equal(s->ops->flush(s), 0); // nothing open: no-op
    assert_int_equal(s->ops->begin(s), 0);
    uint64_t gen = s->ops->batch_open(s);
    assert_true(gen != 0);
    char id[37];
    new_org(s, id, "one");
    assert_int_equal(s->ops->commit(s), 0);
    assert_int_equal(s->ops->batch_open(s), gen); // committed into the batch, not yet durable
    assert_true(org_exists(s, id));               // visible to its own connection
    assert_int_equal(outside_count(f, "orgs"), 0);
    assert_int_equal(s->ops->flush(s), 0);
    assert_int_equal(s->ops->batch_open(s), 0);
    assert_false(s->ops->batch_failed(s, gen));
    assert_false(s->ops->batch_failed(s, 0));
    assert_int_equal(outside_count(f, "orgs"), 1);

    // The next batch gets a new number.
    assert_int_equal(s->ops->begin(s), 0);
    uint64_t gen2 = s->ops->batch_open(s);
    assert_true(gen2 != 0 && gen2 != gen);
    assert_int_equal(s->ops->commit(s), 0);
    assert_int_equal(s->ops->flush(s), 0);
    reopen(f);
    assert_true(org_exists(f->s, id));
}

static void test_flush_waits_for_open_request(void **state)
{
    struct fx *f = *state;
    store *s = f->s;
    assert_int_equal(s->ops->begin(s), 0);
    char id[37];
    new_org(s, id, "pending");
    assert_int_equal(s->ops->flush(s), 0); // inside begin(): a no-op
    assert_true(s->ops->batch_open(s) != 0);
    assert_int_equal(outside_count(f, "orgs"), 0);
    assert_int_equal(s->ops->commit(s), 0);
    assert_int_equal(s->ops->flush(s), 0);
    assert_int_equal(outside_count(f, "orgs"), 1);
    assert_int_equal(s->ops->batch_open(s), 0);
}

static void test_nested_rollback(void **state)
{
    struct fx *f = *state;
    store *s = f->s;
    char a[37], b[37], c[37], d[37];
    // Request 1 commits into the batch.
    assert_int_equal(s->ops->begin(s), 0);
    new_org(s, a, "A");
    assert_int_equal(s->ops->commit(s), 0);
    uint64_t gen = s->ops->batch_open(s);
    // Request 2 writes at two depths, then fails deep inside.
    assert_int_equal(s->ops->begin(s), 0);
    assert_int_equal(s->ops->batch_open(s), gen); // same batch
    new_org(s, b, "B");
    assert_int_equal(s->ops->begin(s), 0);
    new_org(s, c, "C");
    assert_int_equal(s->ops->begin(s), 0);
    new_org(s, d, "D");
    assert_int_equal(s->ops->commit(s), 0); // innermost commit: still inside the request
    s->ops->rollback(s);                    // at depth 2: undoes B, C and D
    assert_int_equal(s->ops->commit(s), 0); // the outer commit is now a no-op
    s->ops->rollback(s);                    // and so is a second rollback
    assert_false(org_exists(s, b));
    assert_false(org_exists(s, c));
    assert_false(org_exists(s, d));
    assert_true(org_exists(s, a));
    assert_int_equal(s->ops->batch_open(s), gen);
    assert_int_equal(s->ops->flush(s), 0);
    assert_int_equal(s->ops->batch_open(s), 0);
    assert_int_equal(outside_count(f, "orgs"), 1);
    reopen(f);
    assert_true(org_exists(f->s, a));
    assert_false(org_exists(f->s, b));
}

static void test_rollback_after_conflict(void **state)
{
    struct fx *f = *state;
    store *s = f->s;
    char org[37];
    new_org(s, org, "A"); // outside begin(): autocommits
    assert_int_equal(outside_count(f, "orgs"), 1);
    struct room_rec r = {.created_at = 1, .updated_at = 1, .bitrate = 1};
    uuid_new(r.id);
    strcpy(r.org_id, org);
    strcpy(r.name, "dup");
    strcpy(r.type, "voice");
    strcpy(r.media_mode, "sfu");
    assert_int_equal(s->ops->begin(s), 0);
    assert_int_equal(s->rooms->create(s, &r), 0);
    assert_int_equal(s->ops->commit(s), 0);
    // A request that creates a room, then hits a duplicate name and rolls back.
    assert_int_equal(s->ops->begin(s), 0);
    struct room_rec r2 = r;
    uuid_new(r2.id);
    strcpy(r2.name, "fine");
    assert_int_equal(s->rooms->create(s, &r2), 0);
    struct room_rec r3 = r;
    uuid_new(r3.id);
    assert_int_equal(s->rooms->create(s, &r3), VOX_ECONFLICT);
    s->ops->rollback(s);
    assert_int_equal(s->ops->flush(s), 0);
    struct room_rec g;
    assert_int_equal(s->rooms->get(s, org, r.id, &g), 0);
    room_rec_fini(&g);
    assert_int_equal(s->rooms->get(s, org, r2.id, &g), VOX_ENOTFOUND);
    assert_int_equal(outside_count(f, "rooms"), 1);
}

static void test_close_flushes_committed(void **state)
{
    struct fx *f = *state;
    store *s = f->s;
    char ids[20][37];
    for (int i = 0; i < 20; i++) {
        assert_int_equal(s->ops->begin(s), 0);
        char name[16];
        snprintf(name, sizeof name, "org%d", i);
        new_org(s, ids[i], name);
        assert_int_equal(s->ops->commit(s), 0);
        if (i % 5 == 4)
            assert_int_equal(s->ops->flush(s), 0);
    }
    // Request still open when the store closes: its writes are not kept.
    assert_int_equal(s->ops->begin(s), 0);
    char lost[37];
    new_org(s, lost, "lost");
    store_close(s);
    f->s = NULL;
    // A clean close leaves the database standing alone (no WAL to replay).
    char wal[80];
    snprintf(wal, sizeof wal, "%s-wal", f->path);
    assert_int_equal(access(wal, F_OK), -1);
    assert_int_equal(outside_count(f, "orgs"), 20);
    assert_int_equal(store_open_sqlite(f->path, &f->s), 0);
    for (int i = 0; i < 20; i++)
        assert_true(org_exists(f->s, ids[i]));
    assert_false(org_exists(f->s, lost));
}

static void test_unflushed_committed_survives_close(void **state)
{
    struct fx *f = *state;
    store *s = f->s;
    assert_int_equal(s->ops->begin(s), 0);
    char id[37];
    new_org(s, id, "late");
    assert_int_equal(s->ops->commit(s), 0);
    assert_true(s->ops->batch_open(s) != 0);
    reopen(f); // close() flushes the open batch
    assert_true(org_exists(f->s, id));
}

// SQLite rolls a whole transaction back by itself after some errors (SQLITE_FULL, an I/O
// error, an interrupt). A request's rollback then finds no savepoint: the batch must be
// abandoned as a whole, its held answers failed, and the next request must get a new batch
// rather than write outside any transaction.
static void test_batch_vanishes_under_request(void **state)
{
    struct fx *f = *state;
    store *s = f->s;
    char a[37], b[37], c[37];
    assert_int_equal(s->ops->begin(s), 0);
    new_org(s, a, "A");
    assert_int_equal(s->ops->commit(s), 0);
    uint64_t gen = s->ops->batch_open(s);
    assert_int_equal(s->ops->begin(s), 0);
    new_org(s, b, "B");
    assert_int_equal(sqlite3_exec(sq_db(s), "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    s->ops->rollback(s);
    assert_true(s->ops->batch_failed(s, gen)); // A's answer must not say it was stored
    assert_int_equal(s->ops->batch_open(s), 0);
    assert_false(org_exists(s, a));
    assert_false(org_exists(s, b));
    // The next request runs in a new batch that commits normally.
    assert_int_equal(s->ops->begin(s), 0);
    uint64_t gen2 = s->ops->batch_open(s);
    assert_true(gen2 != 0 && gen2 != gen);
    new_org(s, c, "C");
    assert_int_equal(s->ops->commit(s), 0);
    assert_int_equal(s->ops->flush(s), 0);
    assert_false(s->ops->batch_failed(s, gen2));
    assert_int_equal(outside_count(f, "orgs"), 1);
}

static void test_batch_vanishes_between_requests(void **state)
{
    struct fx *f = *state;
    store *s = f->s;
    char a[37], b[37];
    assert_int_equal(s->ops->begin(s), 0);
    new_org(s, a, "A");
    assert_int_equal(s->ops->commit(s), 0);
    uint64_t gen = s->ops->batch_open(s);
    assert_int_equal(sqlite3_exec(sq_db(s), "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(s->ops->begin(s), 0); // notices, fails the old batch, opens a new one
    assert_true(s->ops->batch_failed(s, gen));
    assert_true(s->ops->batch_open(s) != gen);
    new_org(s, b, "B");
    assert_int_equal(s->ops->commit(s), 0);
    assert_int_equal(s->ops->flush(s), 0);
    assert_false(org_exists(s, a));
    assert_true(org_exists(s, b));
}

int main(void)
{
    log_setup(LOG_ERROR, LOG_TEXT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit_then_flush, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flush_waits_for_open_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_rollback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_after_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_vanishes_under_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_vanishes_between_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_flushes_committed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unflushed_committed_survives_close, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
