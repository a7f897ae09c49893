// SPDX-License-Identifier: MIT
// Unit tests for the SQLite store on a real file: migrations, orgs, api keys, rooms, org
// scoping, name conflicts and the event log.
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
#include "store/events.h"
#include "store/orgs.h"
#include "store/rooms.h"
#include "store/sessions.h"
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
    if (fixture_open(f->dir, f->path, "/tmp/vox-store-XXXXXX", &f->s))
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

// One integer from a query on a separate raw connection (what another process would see).
static int64_t raw_int(struct fx *f, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void make_org(store *s, char id[37], const char *name)
{
    struct org_rec o = {.created_at = 1000};
    uuid_new(o.id);
    snprintf(o.name, sizeof o.name, "%s", name);
    assert_int_equal(s->orgs->create(s, &o), 0);
    memcpy(id, o.id, 37);
}

static void room_init(struct room_rec *r, const char *org_id, const char *name)
{
    memset(r, 0, sizeof *r);
    uuid_new(r->id);
    snprintf(r->org_id, sizeof r->org_id, "%s", org_id);
    snprintf(r->name, sizeof r->name, "%s", name);
    strcpy(r->type, "voice");
    strcpy(r->media_mode, "sfu");
    r->bitrate = 64000;
    r->screen_share_allowed = 1;
    r->empty_timeout = 30;
    r->created_at = r->updated_at = 2000;
}

static void test_migrations_idempotent(void **state)
{
    struct fx *f = *state;
    int64_t version = raw_int(f, "PRAGMA user_version");
    assert_true(version >= 4);
    int64_t objects = raw_int(f, "SELECT count(*) FROM sqlite_master");
    assert_int_equal(raw_int(f, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                "name IN ('orgs', 'api_keys', 'categories', 'rooms', 'sessions', "
                                "'participants', 'stage_requests', 'events')"),
                     8);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM pragma_table_info('sessions') "
                                "WHERE name = 'empty_since'"),
                     1);
    char org[37];
    make_org(f->s, org, "kept");
    for (int i = 0; i < 3; i++) { // reopening applies nothing new and keeps the data
        reopen(f);
        assert_int_equal(raw_int(f, "PRAGMA user_version"), version);
        assert_int_equal(raw_int(f, "SELECT count(*) FROM sqlite_master"), objects);
        struct org_rec o = {0};
        assert_int_equal(f->s->orgs->get(f->s, org, &o), 0);
        assert_string_equal(o.name, "kept");
        org_rec_fini(&o);
    }
    assert_int_equal(raw_int(f, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = "
                                "'wal'"),
                     1);
}

static void test_open_rejects_bad_files(void **state)
{
    struct fx *f = *state;
    store *s = (store *)0x1;
    char p[96];
    // Not a database.
    snprintf(p, sizeof p, "%s/junk.db", f->dir);
    FILE *fp = fopen(p, "w");
    assert_non_null(fp);
    for (int i = 0; i < 200; i++)
        fputs("this is not an sqlite database file at all\n", fp);
    fclose(fp);
    assert_int_equal(store_open_sqlite(p, &s), VOX_EIO);
    assert_ptr_equal(s, (store *)0x1); // untouched on failure
    unlink(p);
    // A directory that does not exist.
    snprintf(p, sizeof p, "%s/no/such/dir/x.db", f->dir);
    assert_int_equal(store_open_sqlite(p, &s), VOX_EIO);
    // Migration 1 fails (a table it creates already exists): refused, user_version stays 0.
    snprintf(p, sizeof p, "%s/clash.db", f->dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE rooms (x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(store_open_sqlite(p, &s), VOX_EIO);
    assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT count(*) FROM sqlite_master WHERE name = "
                                        "'orgs'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0); // the failed migration was rolled back
    sqlite3_finalize(st);
    sqlite3_close(db);
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char q[112];
        snprintf(q, sizeof q, "%s%s", p, suffixes[i]);
        unlink(q);
    }
    assert_int_equal(f->s->ops->ping(f->s), 0);
    store_close(NULL);
}

static void test_orgs_crud(void **state)
{
    store *s = ((struct fx *)*state)->s;
    struct org_rec o = {.created_at = 5000, .metadata = "{\"tier\":\"pro\"}"};
    uuid_new(o.id);
    strcpy(o.name, "Acme");
    assert_int_equal(s->orgs->create(s, &o), 0);
    assert_int_equal(s->orgs->create(s, &o), VOX_ECONFLICT); // same id
    struct org_rec got = {0};
    assert_int_equal(s->orgs->get(s, o.id, &got), 0);
    assert_string_equal(got.id, o.id);
    assert_string_equal(got.name, "Acme");
    assert_string_equal(got.metadata, "{\"tier\":\"pro\"}");
    assert_int_equal(got.created_at, 5000);
    org_rec_fini(&got);
    assert_null(got.metadata);

    // NULL metadata reads back as {}.
    struct org_rec o2 = {.created_at = 6000};
    uuid_new(o2.id);
    strcpy(o2.name, "Beta");
    assert_int_equal(s->orgs->create(s, &o2), 0);
    struct org_rec o3 = {.created_at = 4000};
    uuid_new(o3.id);
    strcpy(o3.name, "Gamma");
    assert_int_equal(s->orgs->create(s, &o3), 0);
    assert_int_equal(s->orgs->get(s, o2.id, &got), 0);
    assert_string_equal(got.metadata, "{}");
    org_rec_fini(&got);

    // Newest first, paged.
    struct org_rec *v;
    size_t n;
    assert_int_equal(s->orgs->list(s, 10, 0, &v, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(v[0].name, "Beta");
    assert_string_equal(v[1].name, "Acme");
    assert_string_equal(v[2].name, "Gamma");
    org_recs_free(v, n);
    assert_int_equal(s->orgs->list(s, 1, 1, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].name, "Acme");
    org_recs_free(v, n);
    assert_int_equal(s->orgs->list(s, 5, 3, &v, &n), 0);
    assert_int_equal(n, 0);
    org_recs_free(v, n);

    assert_int_equal(s->orgs->remove(s, o.id), 0);
    assert_int_equal(s->orgs->remove(s, o.id), VOX_ENOTFOUND);
    assert_int_equal(s->orgs->get(s, o.id, &got), VOX_ENOTFOUND);
    assert_int_equal(s->orgs->get(s, "not-a-uuid", &got), VOX_ENOTFOUND);
}

static void key_init(struct key_rec *k, const char *org, const char *id, int64_t at)
{
    memset(k, 0, sizeof *k);
    snprintf(k->id, sizeof k->id, "%s", id);
    snprintf(k->org_id, sizeof k->org_id, "%s", org);
    snprintf(k->name, sizeof k->name, "key %s", id);
    snprintf(k->secret_enc, sizeof k->secret_enc, "sealed-%s", id);
    k->created_at = at;
}

static void test_keys(void **state)
{
    store *s = ((struct fx *)*state)->s;
    char a[37], b[37];
    make_org(s, a, "A");
    make_org(s, b, "B");
    struct key_rec k;
    key_init(&k, a, "AKaaaaaaaaaaaaaaaaaaa2", 20);
    assert_int_equal(s->keys->create(s, &k), 0);
    key_init(&k, a, "AKaaaaaaaaaaaaaaaaaaa1", 10);
    assert_int_equal(s->keys->create(s, &k), 0);
    key_init(&k, b, "AKbbbbbbbbbbbbbbbbbbbb", 10);
    assert_int_equal(s->keys->create(s, &k), 0);
    assert_int_equal(s->keys->create(s, &k), VOX_ECONFLICT);
    key_init(&k, "00000000-0000-4000-8000-000000000000", "AKorphan", 1);
    assert_int_equal(s->keys->create(s, &k), VOX_ECONFLICT); // no such org (foreign key)

    // get works across orgs: it is how a credential finds its org.
    struct key_rec got;
    assert_int_equal(s->keys->get(s, "AKbbbbbbbbbbbbbbbbbbbb", &got), 0);
    assert_string_equal(got.org_id, b);
    assert_string_equal(got.secret_enc, "sealed-AKbbbbbbbbbbbbbbbbbbbb");
    assert_int_equal(got.revoked_at, 0);
    assert_int_equal(s->keys->get(s, "AKnope", &got), VOX_ENOTFOUND);

    struct key_rec *v;
    size_t n;
    assert_int_equal(s->keys->list(s, a, &v, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].id, "AKaaaaaaaaaaaaaaaaaaa1"); // oldest first
    assert_string_equal(v[1].id, "AKaaaaaaaaaaaaaaaaaaa2");
    free(v);

    // Revoking is scoped to the org and happens once.
    assert_int_equal(s->keys->revoke(s, b, "AKaaaaaaaaaaaaaaaaaaa1", 99), VOX_ENOTFOUND);
    assert_int_equal(s->keys->revoke(s, a, "AKaaaaaaaaaaaaaaaaaaa1", 99), 0);
    assert_int_equal(s->keys->revoke(s, a, "AKaaaaaaaaaaaaaaaaaaa1", 150), VOX_ENOTFOUND);
    assert_int_equal(s->keys->get(s, "AKaaaaaaaaaaaaaaaaaaa1", &got), 0);
    assert_int_equal(got.revoked_at, 99);

    // Deleting the org deletes its keys.
    assert_int_equal(s->orgs->remove(s, a), 0);
    assert_int_equal(s->keys->get(s, "AKaaaaaaaaaaaaaaaaaaa2", &got), VOX_ENOTFOUND);
    assert_int_equal(s->keys->list(s, a, &v, &n), 0);
    assert_int_equal(n, 0);
    free(v);
}

static void test_rooms_crud(void **state)
{
    store *s = ((struct fx *)*state)->s;
    char org[37];
    make_org(s, org, "A");
    struct room_rec r;
    room_init(&r, org, "Lobby");
    strcpy(r.type, "stage");
    strcpy(r.media_mode, "p2p");
    r.persistent = 1;
    r.max_participants = 77;
    r.bitrate = 128000;
    r.recording_allowed = 1;
    r.screen_share_allowed = 0;
    r.waiting_room = 1;
    strcpy(r.password_hash, "salt$abcdef");
    r.position = 3;
    r.empty_timeout = 120;
    r.permission_overrides = "{\"listener\":[\"speak\"]}";
    r.metadata = "{\"k\":1}";
    assert_int_equal(s->rooms->create(s, &r), 0);

    struct room_rec g;
    assert_int_equal(s->rooms->get(s, org, r.id, &g), 0);
    assert_string_equal(g.id, r.id);
    assert_string_equal(g.org_id, org);
    assert_string_equal(g.name, "Lobby");
    assert_string_equal(g.type, "stage");
    assert_string_equal(g.media_mode, "p2p");
    assert_int_equal(g.persistent, 1);
    assert_int_equal(g.max_participants, 77);
    assert_int_equal(g.bitrate, 128000);
    assert_int_equal(g.recording_allowed, 1);
    assert_int_equal(g.screen_share_allowed, 0);
    assert_int_equal(g.waiting_room, 1);
    assert_string_equal(g.password_hash, "salt$abcdef");
    assert_string_equal(g.category_id, "");
    assert_int_equal(g.position, 3);
    assert_int_equal(g.empty_timeout, 120);
    assert_string_equal(g.permission_overrides, "{\"listener\":[\"speak\"]}");
    assert_string_equal(g.metadata, "{\"k\":1}");
    assert_int_equal(g.created_at, 2000);
    assert_int_equal(g.updated_at, 2000);

    // Update every writable column; id, org and created_at stay.
    strcpy(g.name, "Hall");
    strcpy(g.type, "video");
    strcpy(g.password_hash, "");
    g.bitrate = 500000;
    g.waiting_room = 0;
    g.created_at = 1;
    g.updated_at = 3000;
    free(g.metadata);
    g.metadata = NULL; // NULL writes {}
    assert_int_equal(s->rooms->update(s, &g), 0);
    room_rec_fini(&g);
    assert_int_equal(s->rooms->get(s, org, r.id, &g), 0);
    assert_string_equal(g.name, "Hall");
    assert_string_equal(g.type, "video");
    assert_string_equal(g.password_hash, "");
    assert_int_equal(g.bitrate, 500000);
    assert_int_equal(g.waiting_room, 0);
    assert_int_equal(g.created_at, 2000);
    assert_int_equal(g.updated_at, 3000);
    assert_string_equal(g.metadata, "{}");
    assert_string_equal(g.permission_overrides, "{\"listener\":[\"speak\"]}");
    room_rec_fini(&g);
    assert_int_equal(raw_int(*state, "SELECT count(*) FROM rooms WHERE password_hash IS NULL"), 1);

    assert_int_equal(s->rooms->remove(s, org, r.id), 0);
    assert_int_equal(s->rooms->remove(s, org, r.id), VOX_ENOTFOUND);
    assert_int_equal(s->rooms->get(s, org, r.id, &g), VOX_ENOTFOUND);
    assert_int_equal(s->rooms->update(s, &r), VOX_ENOTFOUND);
}

static void test_rooms_list_filters(void **state)
{
    store *s = ((struct fx *)*state)->s;
    char org[37], other[37];
    make_org(s, org, "A");
    make_org(s, other, "B");
    for (int i = 0; i < 7; i++) {
        struct room_rec r;
        char name[24];
        snprintf(name, sizeof name, "r%d", i);
        room_init(&r, org, name);
        strcpy(r.type, i % 2 ? "video" : "voice");
        r.created_at = 100 + i;
        assert_int_equal(s->rooms->create(s, &r), 0);
    }
    struct room_rec r;
    room_init(&r, other, "r0");
    strcpy(r.type, "video");
    assert_int_equal(s->rooms->create(s, &r), 0);

    struct room_rec *v;
    size_t n;
    struct room_filter all = {.limit = 100};
    assert_int_equal(s->rooms->list(s, org, &all, &v, &n), 0);
    assert_int_equal(n, 7);
    for (size_t i = 0; i < n; i++) { // oldest first, only this org's
        char name[24];
        snprintf(name, sizeof name, "r%d", (int)i);
        assert_string_equal(v[i].name, name);
        assert_string_equal(v[i].org_id, org);
    }
    room_recs_free(v, n);
    struct room_filter video = {.type = "video", .limit = 100};
    assert_int_equal(s->rooms->list(s, org, &video, &v, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(v[0].name, "r1");
    assert_string_equal(v[2].name, "r5");
    room_recs_free(v, n);
    struct room_filter page = {.limit = 2, .offset = 5};
    assert_int_equal(s->rooms->list(s, org, &page, &v, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].name, "r5");
    assert_string_equal(v[1].name, "r6");
    room_recs_free(v, n);
    struct room_filter none = {.limit = 0};
    assert_int_equal(s->rooms->list(s, org, &none, &v, &n), 0);
    assert_int_equal(n, 0);
    room_recs_free(v, n);
    struct room_filter cat = {.category_id = "00000000-0000-4000-8000-000000000000", .limit = 9};
    assert_int_equal(s->rooms->list(s, org, &cat, &v, &n), 0);
    assert_int_equal(n, 0);
    room_recs_free(v, n);
}

static void test_room_org_scoping(void **state)
{
    store *s = ((struct fx *)*state)->s;
    char a[37], b[37];
    make_org(s, a, "A");
    make_org(s, b, "B");
    struct room_rec r;
    room_init(&r, a, "secret");
    assert_int_equal(s->rooms->create(s, &r), 0);

    struct room_rec g;
    assert_int_equal(s->rooms->get(s, b, r.id, &g), VOX_ENOTFOUND);
    struct room_rec hijack = r;
    strcpy(hijack.org_id, b);
    strcpy(hijack.name, "hijacked");
    assert_int_equal(s->rooms->update(s, &hijack), VOX_ENOTFOUND);
    assert_int_equal(s->rooms->remove(s, b, r.id), VOX_ENOTFOUND);
    struct room_rec *v;
    size_t n;
    struct room_filter all = {.limit = 10};
    assert_int_equal(s->rooms->list(s, b, &all, &v, &n), 0);
    assert_int_equal(n, 0);
    room_recs_free(v, n);

    // A's room is unchanged.
    assert_int_equal(s->rooms->get(s, a, r.id, &g), 0);
    assert_string_equal(g.name, "secret");
    assert_string_equal(g.org_id, a);
    room_rec_fini(&g);
    assert_int_equal(s->events->exists(s, a, EVENT_SCOPE_ROOM, r.id), 0);
    assert_int_equal(s->events->exists(s, b, EVENT_SCOPE_ROOM, r.id), VOX_ENOTFOUND);
}

static void test_room_name_conflicts(void **state)
{
    store *s = ((struct fx *)*state)->s;
    char a[37], b[37];
    make_org(s, a, "A");
    make_org(s, b, "B");
    struct room_rec r1, r2, r3;
    room_init(&r1, a, "General");
    room_init(&r2, a, "General");
    room_init(&r3, b, "General");
    assert_int_equal(s->rooms->create(s, &r1), 0);
    assert_int_equal(s->rooms->create(s, &r2), VOX_ECONFLICT);
    assert_int_equal(s->rooms->create(s, &r3), 0); // same name in another org is fine
    room_init(&r2, a, "general");                  // names are case-sensitive
    assert_int_equal(s->rooms->create(s, &r2), 0);
    // Renaming onto an existing name conflicts too, and leaves the row as it was.
    strcpy(r2.name, "General");
    assert_int_equal(s->rooms->update(s, &r2), VOX_ECONFLICT);
    struct room_rec g;
    assert_int_equal(s->rooms->get(s, a, r2.id, &g), 0);
    assert_string_equal(g.name, "general");
    room_rec_fini(&g);
    // Duplicate id, even across orgs.
    struct room_rec dup;
    room_init(&dup, b, "Other");
    memcpy(dup.id, r1.id, sizeof dup.id);
    assert_int_equal(s->rooms->create(s, &dup), VOX_ECONFLICT);
    // A room needs an existing org.
    room_init(&dup, "00000000-0000-4000-8000-000000000000", "Orphan");
    assert_int_equal(s->rooms->create(s, &dup), VOX_ECONFLICT);
}

static void append_event(store *s, const char *org, const char *room, const char *session,
                         const char *participant, const char *type, int64_t at, const char *data)
{
    struct event_rec e = {.created_at = at, .data = (char *)data};
    snprintf(e.org_id, sizeof e.org_id, "%s", org);
    snprintf(e.room_id, sizeof e.room_id, "%s", room);
    snprintf(e.session_id, sizeof e.session_id, "%s", session);
    snprintf(e.participant_id, sizeof e.participant_id, "%s", participant);
    snprintf(e.type, sizeof e.type, "%s", type);
    assert_int_equal(s->events->append(s, &e), 0);
}

static size_t count_events(store *s, const char *org, const struct event_filter *f)
{
    struct event_rec *v;
    size_t n;
    assert_int_equal(s->events->list(s, org, f, &v, &n), 0);
    for (size_t i = 1; i < n; i++)
        assert_true(v[i].seq > v[i - 1].seq);
    event_recs_free(v, n);
    return n;
}

static void test_events(void **state)
{
    store *s = ((struct fx *)*state)->s;
    char a[37], b[37];
    make_org(s, a, "A");
    make_org(s, b, "B");
    const char *r1 = "11111111-1111-4111-8111-111111111111";
    const char *r2 = "22222222-2222-4222-8222-222222222222";
    const char *s1 = "33333333-3333-4333-8333-333333333333";
    const char *p1 = "44444444-4444-4444-8444-444444444444";
    append_event(s, a, r1, "", "", "room.created", 1000, "{\"n\":1}");
    append_event(s, a, r1, s1, "", "session.started", 2000, NULL);
    append_event(s, a, r1, s1, p1, "participant.joined", 3000, "{}");
    append_event(s, a, r1, s1, p1, "participant.left", 4000, NULL);
    append_event(s, a, r2, "", "", "room.created", 5000, NULL);
    append_event(s, a, "", "", "", "org.updated", 6000, NULL);
    append_event(s, b, r1, s1, p1, "participant.joined", 3500, NULL); // another org's

    struct event_rec *v;
    size_t n;
    struct event_filter all = {.limit = 100};
    assert_int_equal(s->events->list(s, a, &all, &v, &n), 0);
    assert_int_equal(n, 6);
    static const char *const types[] = {"room.created",     "session.started", "participant.joined",
                                        "participant.left", "room.created",    "org.updated"};
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(v[i].type, types[i]);
        assert_string_equal(v[i].org_id, a);
        assert_int_equal(v[i].created_at, 1000 * (int64_t)(i + 1));
        assert_int_equal(strlen(v[i].id), 36);
        assert_int_equal(v[i].id[14], '7'); // generated ids are time-ordered v7
        if (i)
            assert_true(v[i].seq > v[i - 1].seq);
    }
    assert_string_equal(v[0].data, "{\"n\":1}");
    assert_string_equal(v[1].data, "{}"); // NULL data is stored as {}
    assert_string_equal(v[0].session_id, "");
    assert_string_equal(v[2].participant_id, p1);
    assert_string_equal(v[5].room_id, "");
    int64_t third_seq = v[2].seq;
    event_recs_free(v, n);

    struct event_filter f = {.room_id = r1, .limit = 100};
    assert_int_equal(count_events(s, a, &f), 4);
    f = (struct event_filter){.session_id = s1, .limit = 100};
    assert_int_equal(count_events(s, a, &f), 3);
    f = (struct event_filter){.participant_id = p1, .limit = 100};
    assert_int_equal(count_events(s, a, &f), 2);
    assert_int_equal(count_events(s, b, &f), 1);
    f = (struct event_filter){.room_id = r2, .session_id = s1, .limit = 100};
    assert_int_equal(count_events(s, a, &f), 0);
    f = (struct event_filter){.type = "room.created", .limit = 100};
    assert_int_equal(count_events(s, a, &f), 2);
    f = (struct event_filter){.type_prefix = "participant.", .limit = 100};
    assert_int_equal(count_events(s, a, &f), 2);
    f = (struct event_filter){.type_prefix = "participant.x", .limit = 100};
    assert_int_equal(count_events(s, a, &f), 0);
    f = (struct event_filter){.since = 2000, .until = 4000, .limit = 100};
    assert_int_equal(count_events(s, a, &f), 3); // both ends inclusive
    f = (struct event_filter){.since = 4001, .limit = 100};
    assert_int_equal(count_events(s, a, &f), 2);
    f = (struct event_filter){.until = 999, .limit = 100};
    assert_int_equal(count_events(s, a, &f), 0);
    f = (struct event_filter){.after_seq = third_seq, .limit = 100};
    assert_int_equal(count_events(s, a, &f), 3);
    f = (struct event_filter){.room_id = r1, .limit = 2, .offset = 1};
    assert_int_equal(s->events->list(s, a, &f, &v, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].type, "session.started");
    assert_string_equal(v[1].type, "participant.joined");
    event_recs_free(v, n);

    // An explicit id is kept; reusing it conflicts.
    struct event_rec e = {.id = "55555555-5555-4555-8555-555555555555", .created_at = 7000};
    strcpy(e.org_id, a);
    strcpy(e.type, "custom");
    assert_int_equal(s->events->append(s, &e), 0);
    assert_int_equal(s->events->append(s, &e), VOX_ECONFLICT);
    f = (struct event_filter){.type = "custom", .limit = 10};
    assert_int_equal(s->events->list(s, a, &f, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].id, e.id);
    event_recs_free(v, n);
    // created_at 0 means now.
    e = (struct event_rec){.created_at = 0};
    strcpy(e.org_id, a);
    strcpy(e.type, "now");
    assert_int_equal(s->events->append(s, &e), 0);
    f = (struct event_filter){.type = "now", .limit = 10};
    assert_int_equal(s->events->list(s, a, &f, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_true(v[0].created_at > 1600000000000LL);
    event_recs_free(v, n);
    // The event log outlives rooms (no foreign key but the org's).
    assert_int_equal(s->events->exists(s, a, EVENT_SCOPE_ROOM, r1), VOX_ENOTFOUND);
    assert_int_equal(s->events->exists(s, a, EVENT_SCOPE_SESSION, s1), VOX_ENOTFOUND);
}

int main(void)
{
    log_setup(LOG_ERROR, LOG_TEXT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrations_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_rejects_bad_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_orgs_crud, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rooms_crud, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rooms_list_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_room_org_scoping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_room_name_conflicts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
