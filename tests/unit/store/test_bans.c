// SPDX-License-Identifier: MIT
// Unit tests for the SQLite store's session bans: add (twice keeps the first), get, remove,
// list paging, org scoping, durability across a reopen and the cascade with the room.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "core/uuid.h"
#include "store/bans.h"
#include "store/orgs.h"
#include "store/rooms.h"
#include "store/sessions.h"
#include "store/store.h"
#include "fixture.h"

struct fx {
    char dir[32];
    char path[64];
    store *s;
    char org[37], other[37], room[37], session[37], session2[37];
};

static void new_org(store *s, char id[37])
{
    struct org_rec o = {.created_at = 1};
    uuid_new(o.id);
    strcpy(o.name, "org");
    assert_int_equal(s->orgs->create(s, &o), 0);
    memcpy(id, o.id, 37);
}

static void new_session(store *s, const char *org, const char *room, char id[37])
{
    struct session_rec r = {.created_at = 1, .updated_at = 1};
    uuid_new(r.id);
    strcpy(r.org_id, org);
    strcpy(r.room_id, room);
    strcpy(r.state, "active");
    assert_int_equal(s->sessions->create(s, &r), 0);
    memcpy(id, r.id, 37);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (fixture_open(f->dir, f->path, "/tmp/vox-bans-XXXXXX", &f->s))
        return -1;
    new_org(f->s, f->org);
    new_org(f->s, f->other);
    struct room_rec r = {.bitrate = 1, .empty_timeout = 30};
    uuid_new(r.id);
    strcpy(r.org_id, f->org);
    strcpy(r.name, "main");
    strcpy(r.type, "voice");
    strcpy(r.media_mode, "sfu");
    assert_int_equal(f->s->rooms->create(f->s, &r), 0);
    memcpy(f->room, r.id, 37);
    new_session(f->s, f->org, f->room, f->session);
    new_session(f->s, f->org, f->room, f->session2);
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

static void ban_init(struct ban_rec *b, const struct fx *f, const char *session,
                     const char *identity, int64_t at)
{
    memset(b, 0, sizeof *b);
    strcpy(b->org_id, f->org);
    strcpy(b->room_id, f->room);
    strcpy(b->session_id, session);
    snprintf(b->identity, sizeof b->identity, "%s", identity);
    strcpy(b->by, "host");
    strcpy(b->reason, "spam");
    b->created_at = at;
}

static void test_add_get_remove(void **state)
{
    struct fx *f = *state;
    store *s = f->s;
    struct ban_rec b, got;
    assert_int_equal(s->bans->get(s, f->org, f->session, "mallory", NULL), VOX_ENOTFOUND);
    ban_init(&b, f, f->session, "mallory", 100);
    assert_int_equal(s->bans->add(s, &b), 0);
    assert_int_equal(s->bans->get(s, f->org, f->session, "mallory", NULL), 0);
    assert_int_equal(s->bans->get(s, f->org, f->session, "mallory", &got), 0);
    assert_string_equal(got.identity, "mallory");
    assert_string_equal(got.room_id, f->room);
    assert_string_equal(got.by, "host");
    assert_string_equal(got.reason, "spam");
    assert_int_equal(got.created_at, 100);

    // Banning again keeps the first ban.
    ban_init(&b, f, f->session, "mallory", 200);
    strcpy(b.by, "server");
    assert_int_equal(s->bans->add(s, &b), 0);
    assert_int_equal(s->bans->get(s, f->org, f->session, "mallory", &got), 0);
    assert_int_equal(got.created_at, 100);
    assert_string_equal(got.by, "host");

    // One session, one identity, one org: nothing else matches.
    assert_int_equal(s->bans->get(s, f->org, f->session2, "mallory", NULL), VOX_ENOTFOUND);
    assert_int_equal(s->bans->get(s, f->org, f->session, "Mallory", NULL), VOX_ENOTFOUND);
    assert_int_equal(s->bans->get(s, f->other, f->session, "mallory", NULL), VOX_ENOTFOUND);
    assert_int_equal(s->bans->remove(s, f->other, f->session, "mallory"), VOX_ENOTFOUND);

    assert_int_equal(s->bans->remove(s, f->org, f->session, "mallory"), 0);
    assert_int_equal(s->bans->get(s, f->org, f->session, "mallory", NULL), VOX_ENOTFOUND);
    assert_int_equal(s->bans->remove(s, f->org, f->session, "mallory"), VOX_ENOTFOUND);
}

static void test_list(void **state)
{
    struct fx *f = *state;
    store *s = f->s;
    struct ban_rec b;
    const char *names[] = {"c", "a", "b"};
    for (int i = 0; i < 3; i++) {
        ban_init(&b, f, f->session, names[i], 10 + (i == 2 ? 0 : i)); // b ties with c on time
        assert_int_equal(s->bans->add(s, &b), 0);
    }
    ban_init(&b, f, f->session2, "z", 1);
    assert_int_equal(s->bans->add(s, &b), 0);

    struct ban_rec *v;
    size_t n;
    assert_int_equal(s->bans->list(s, f->org, f->session, 10, 0, &v, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(v[0].identity, "b"); // oldest first, then by identity
    assert_string_equal(v[1].identity, "c");
    assert_string_equal(v[2].identity, "a");
    free(v);
    assert_int_equal(s->bans->list(s, f->org, f->session, 1, 1, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].identity, "c");
    free(v);
    assert_int_equal(s->bans->list(s, f->other, f->session, 10, 0, &v, &n), 0);
    assert_int_equal(n, 0);
    free(v);
}

static void test_durable_and_cascades(void **state)
{
    struct fx *f = *state;
    struct ban_rec b;
    ban_init(&b, f, f->session, "kept", 5);
    assert_int_equal(f->s->bans->add(f->s, &b), 0);
    store_close(f->s); // flushes the batch
    f->s = NULL;
    assert_int_equal(store_open_sqlite(f->path, &f->s), 0);
    assert_int_equal(f->s->bans->get(f->s, f->org, f->session, "kept", NULL), 0);

    // Deleting the room deletes its sessions and their bans.
    assert_int_equal(f->s->rooms->remove(f->s, f->org, f->room), 0);
    assert_int_equal(f->s->bans->get(f->s, f->org, f->session, "kept", NULL), VOX_ENOTFOUND);
    // A ban needs its session.
    ban_init(&b, f, f->session, "orphan", 6);
    assert_int_equal(f->s->bans->add(f->s, &b), VOX_ECONFLICT);
}

int main(void)
{
    log_setup(LOG_ERROR, LOG_TEXT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_get_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_durable_and_cascades, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
