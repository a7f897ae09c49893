// SPDX-License-Identifier: MIT
// Unit tests for the SQLite store's sessions and participants (with the speaking time and
// network measurements of migration 7), and the foreign keys that delete a room's sessions and
// participants with it.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
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
#include "store/participants.h"
#include "store/rooms.h"
#include "store/sessions.h"
#include "store/store.h"
#include "fixture.h"

struct fx {
    char dir[32];
    char path[64];
    store *s;
    char org[37], other[37], room[37];
};

static void new_org(store *s, char id[37])
{
    struct org_rec o = {.created_at = 1};
    uuid_new(o.id);
    strcpy(o.name, "org");
    assert_int_equal(s->orgs->create(s, &o), 0);
    memcpy(id, o.id, 37);
}

static void new_room(store *s, const char *org, const char *name, int empty_timeout, char id[37])
{
    struct room_rec r = {.bitrate = 1, .empty_timeout = empty_timeout, .persistent = 1};
    uuid_new(r.id);
    strcpy(r.org_id, org);
    snprintf(r.name, sizeof r.name, "%s", name);
    strcpy(r.type, "voice");
    strcpy(r.media_mode, "sfu");
    assert_int_equal(s->rooms->create(s, &r), 0);
    memcpy(id, r.id, 37);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (fixture_open(f->dir, f->path, "/tmp/vox-sess-XXXXXX", &f->s))
        return -1;
    new_org(f->s, f->org);
    new_org(f->s, f->other);
    new_room(f->s, f->org, "main", 30, f->room);
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

static void new_session(store *s, const char *org, const char *room, const char *state,
                        int64_t created, char id[37])
{
    struct session_rec r = {.created_at = created, .updated_at = created};
    uuid_new(r.id);
    strcpy(r.org_id, org);
    strcpy(r.room_id, room);
    strcpy(r.state, state);
    assert_int_equal(s->sessions->create(s, &r), 0);
    memcpy(id, r.id, 37);
}

static void part_init(struct participant_rec *p, const struct fx *f, const char *session,
                      const char *identity, const char *status, int64_t created)
{
    memset(p, 0, sizeof *p);
    uuid_new(p->id);
    strcpy(p->org_id, f->org);
    strcpy(p->room_id, f->room);
    strcpy(p->session_id, session);
    snprintf(p->identity, sizeof p->identity, "%s", identity);
    snprintf(p->name, sizeof p->name, "Name %s", identity);
    strcpy(p->kind, "user");
    strcpy(p->role, "participant");
    snprintf(p->status, sizeof p->status, "%s", status);
    p->media.volume = 100;
    p->created_at = created;
}

static void test_session_crud(void **state)
{
    struct fx *f = *state;
    store *s = f->s;
    struct session_rec r = {.scheduled_at = 500, .created_at = 1000, .updated_at = 1000};
    uuid_new(r.id);
    strcpy(r.org_id, f->org);
    strcpy(r.room_id, f->room);
    strcpy(r.state, "scheduled");
    assert_int_equal(s->sessions->create(s, &r), 0);
    assert_int_equal(s->sessions->create(s, &r), VOX_ECONFLICT);

    struct session_rec g;
    assert_int_equal(s->sessions->get(s, f->org, r.id, &g), 0);
    assert_string_equal(g.id, r.id);
    assert_string_equal(g.room_id, f->room);
    assert_string_equal(g.state, "scheduled");
    assert_int_equal(g.scheduled_at, 500);
    assert_int_equal(g.started_at, 0);
    assert_int_equal(g.ended_at, 0);
    assert_string_equal(g.end_reason, "");
    assert_int_equal(g.participant_count, 0);
    assert_int_equal(s->sessions->get(s, f->other, r.id, &g), VOX_ENOTFOUND);

    strcpy(g.state, "completed");
    g.started_at = 2000;
    g.ended_at = 5000;
    g.duration_ms = 3000;
    g.peak_participants = 4;
    strcpy(g.end_reason, "ended_by_host");
    g.updated_at = 5000;
    g.created_at = 7; // not written
    assert_int_equal(s->sessions->update(s, &g), 0);
    struct session_rec g2;
    assert_int_equal(s->sessions->get(s, f->org, r.id, &g2), 0);
    assert_string_equal(g2.state, "completed");
    assert_int_equal(g2.started_at, 2000);
    assert_int_equal(g2.ended_at, 5000);
    assert_int_equal(g2.duration_ms, 3000);
    assert_int_equal(g2.peak_participants, 4);
    assert_string_equal(g2.end_reason, "ended_by_host");
    assert_int_equal(g2.created_at, 1000);
    assert_int_equal(g2.updated_at, 5000);
    strcpy(g.org_id, f->other);
    assert_int_equal(s->sessions->update(s, &g), VOX_ENOTFOUND); // org-scoped

    // A session needs an existing room.
    struct session_rec orphan = r;
    uuid_new(orphan.id);
    uuid_new(orphan.room_id);
    assert_int_equal(s->sessions->create(s, &orphan), VOX_ECONFLICT);
}

static void test_session_latest_and_list(void **state)
{
    struct fx *f = *state;
    store *s = f->s;
    char room2[37], s1[37], s2[37], s3[37], s4[37];
    new_room(s, f->org, "second", 30, room2);
    struct session_rec g;
    assert_int_equal(s->sessions->latest(s, f->org, f->room, &g), VOX_ENOTFOUND);
    new_session(s, f->org, f->room, "completed", 100, s1);
    new_session(s, f->org, f->room, "active", 300, s2);
    new_session(s, f->org, room2, "active", 200, s3);
    new_session(s, f->org, f->room, "cancelled", 300, s4); // same time: the later row wins
    assert_int_equal(s->sessions->latest(s, f->org, f->room, &g), 0);
    assert_string_equal(g.id, s4);
    assert_int_equal(s->sessions->latest(s, f->org, room2, &g), 0);
    assert_string_equal(g.id, s3);
    assert_int_equal(s->sessions->latest(s, f->other, f->room, &g), VOX_ENOTFOUND);

    struct session_rec *v;
    size_t n;
    struct session_filter all = {.limit = 10};
    assert_int_equal(s->sessions->list(s, f->org, &all, &v, &n), 0);
    assert_int_equal(n, 4); // newest first
    assert_string_equal(v[0].id, s4);
    assert_string_equal(v[1].id, s2);
    assert_string_equal(v[2].id, s3);
    assert_string_equal(v[3].id, s1);
    free(v);
    struct session_filter room = {.room_id = f->room, .state = "active", .limit = 10};
    assert_int_equal(s->sessions->list(s, f->org, &room, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].id, s2);
    free(v);
    struct session_filter page = {.limit = 2, .offset = 1};
    assert_int_equal(s->sessions->list(s, f->org, &page, &v, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].id, s2);
    free(v);
    assert_int_equal(s->sessions->list(s, f->other, &all, &v, &n), 0);
    assert_int_equal(n, 0);
    free(v);
}

static void test_session_join_and_expiry(void **state)
{
    struct fx *f = *state;
    store *s = f->s;
    char sid[37], other_sid[37], short_room[37];
    new_session(s, f->org, f->room, "active", 100, sid); // room empty_timeout 30 s
    new_room(s, f->org, "short", 1, short_room);
    new_session(s, f->org, short_room, "paused", 100, other_sid);
    assert_int_equal(s->sessions->note_join(s, sid, 3, 1000), 0);
    assert_int_equal(s->sessions->note_join(s, sid, 2, 1100), 0); // peak keeps the max
    struct session_rec g;
    assert_int_equal(s->sessions->get(s, f->org, sid, &g), 0);
    assert_int_equal(g.peak_participants, 3);
    assert_int_equal(g.updated_at, 1100);
    assert_int_equal(s->sessions->note_join(s, "nope", 1, 1), VOX_ENOTFOUND);

    assert_int_equal(s->sessions->set_empty_since(s, sid, 10000), 0);
    assert_int_equal(s->sessions->set_empty_since(s, other_sid, 10000), 0);
    assert_int_equal(s->sessions->get(s, f->org, sid, &g), 0);
    assert_int_equal(g.empty_since, 10000);

    struct session_rec *v;
    size_t n;
    assert_int_equal(s->sessions->list_expired(s, 10999, 10, &v, &n), 0);
    assert_int_equal(n, 0);
    free(v);
    assert_int_equal(s->sessions->list_expired(s, 11000, 10, &v, &n), 0);
    assert_int_equal(n, 1); // 1 s timeout reached, 30 s not yet
    assert_string_equal(v[0].id, other_sid);
    free(v);
    assert_int_equal(s->sessions->list_expired(s, 40000, 10, &v, &n), 0);
    assert_int_equal(n, 2);
    free(v);
    assert_int_equal(s->sessions->list_expired(s, 40000, 1, &v, &n), 0);
    assert_int_equal(n, 1);
    free(v);
    // A join clears the pending-empty time; so does set_empty_since(0).
    assert_int_equal(s->sessions->note_join(s, sid, 1, 12000), 0);
    assert_int_equal(s->sessions->set_empty_since(s, other_sid, 0), 0);
    assert_int_equal(s->sessions->list_expired(s, 99999, 10, &v, &n), 0);
    assert_int_equal(n, 0);
    free(v);
}

static void test_participants(void **state)
{
    struct fx *f = *state;
    store *s = f->s;
    char sid[37];
    new_session(s, f->org, f->room, "active", 100, sid);
    struct participant_rec p;
    part_init(&p, f, sid, "alice", "connected", 1000);
    strcpy(p.email, "a@example.com");
    strcpy(p.role, "host");
    p.permissions = 0x80000001u;
    p.media = (struct participant_media){
        .audio = true, .self_mute = true, .hand_raised = true, .volume = 150};
    p.recording_consent = 1;
    strcpy(p.device, "desktop");
    p.metadata = "{\"seat\":3}";
    p.joined_at = 1000;
    p.last_seen = 1500;
    assert_int_equal(s->participants->create(s, &p), 0);
    assert_int_equal(s->participants->create(s, &p), VOX_ECONFLICT);

    struct participant_rec g;
    assert_int_equal(s->participants->get(s, f->org, p.id, &g), 0);
    assert_string_equal(g.identity, "alice");
    assert_string_equal(g.name, "Name alice");
    assert_string_equal(g.email, "a@example.com");
    assert_string_equal(g.role, "host");
    assert_string_equal(g.status, "connected");
    assert_int_equal(g.permissions, 0x80000001u);
    assert_true(g.media.audio);
    assert_false(g.media.video);
    assert_true(g.media.self_mute);
    assert_true(g.media.hand_raised);
    assert_int_equal(g.media.volume, 150);
    assert_int_equal(g.recording_consent, 1);
    assert_string_equal(g.device, "desktop");
    assert_string_equal(g.browser, "");
    assert_string_equal(g.metadata, "{\"seat\":3}");
    assert_int_equal(g.joined_at, 1000);
    assert_int_equal(g.left_at, 0);
    assert_int_equal(g.last_seen, 1500);
    assert_int_equal(g.created_at, 1000);
    participant_rec_fini(&g);
    assert_int_equal(s->participants->get(s, f->other, p.id, &g), VOX_ENOTFOUND);

    // Others: bob present, carol waiting, dave gone; alice's second (gone) row.
    struct participant_rec q;
    part_init(&q, f, sid, "bob", "joining", 1100);
    q.last_seen = 100;
    assert_int_equal(s->participants->create(s, &q), 0);
    char bob[37];
    memcpy(bob, q.id, 37);
    part_init(&q, f, sid, "carol", "waiting", 1200);
    assert_int_equal(s->participants->create(s, &q), 0);
    part_init(&q, f, sid, "dave", "left", 1300);
    assert_int_equal(s->participants->create(s, &q), 0);
    part_init(&q, f, sid, "alice", "left", 900);
    assert_int_equal(s->participants->create(s, &q), 0);

    int present = -1;
    assert_int_equal(s->participants->count_present(s, sid, &present), 0);
    assert_int_equal(present, 2);
    struct session_rec sess;
    assert_int_equal(s->sessions->get(s, f->org, sid, &sess), 0);
    assert_int_equal(sess.participant_count, 2);

    assert_int_equal(s->participants->find_active(s, f->org, sid, "alice", &g), 0);
    assert_string_equal(g.id, p.id);
    participant_rec_fini(&g);
    assert_int_equal(s->participants->find_active(s, f->org, sid, "carol", &g), 0);
    participant_rec_fini(&g);
    assert_int_equal(s->participants->find_active(s, f->org, sid, "dave", &g), VOX_ENOTFOUND);
    assert_int_equal(s->participants->find_active(s, f->other, sid, "alice", &g), VOX_ENOTFOUND);

    struct participant_rec *v;
    size_t n;
    struct participant_filter pf = {.session_id = sid, .limit = 50};
    assert_int_equal(s->participants->list(s, f->org, &pf, &v, &n), 0);
    assert_int_equal(n, 5);
    assert_string_equal(v[0].identity, "alice"); // oldest first: the 900 row
    assert_string_equal(v[0].status, "left");
    assert_string_equal(v[4].identity, "dave");
    participant_recs_free(v, n);
    pf.status = PARTICIPANTS_PRESENT;
    assert_int_equal(s->participants->list(s, f->org, &pf, &v, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].identity, "alice");
    assert_string_equal(v[1].identity, "bob");
    participant_recs_free(v, n);
    pf.status = PARTICIPANTS_ACTIVE;
    assert_int_equal(s->participants->list(s, f->org, &pf, &v, &n), 0);
    assert_int_equal(n, 3);
    participant_recs_free(v, n);
    pf.status = "left";
    assert_int_equal(s->participants->list(s, f->org, &pf, &v, &n), 0);
    assert_int_equal(n, 2);
    participant_recs_free(v, n);
    pf = (struct participant_filter){.room_id = f->room, .limit = 2, .offset = 1};
    assert_int_equal(s->participants->list(s, f->org, &pf, &v, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].identity, "alice");
    assert_string_equal(v[0].status, "connected");
    participant_recs_free(v, n);
    pf = (struct participant_filter){.limit = 50};
    assert_int_equal(s->participants->list(s, f->other, &pf, &v, &n), 0);
    assert_int_equal(n, 0);
    participant_recs_free(v, n);

    // Update writes the mutable columns only.
    assert_int_equal(s->participants->get(s, f->org, bob, &g), 0);
    strcpy(g.status, "left");
    strcpy(g.identity, "mallory"); // not written
    g.left_at = 2000;
    g.media.server_mute = true;
    assert_int_equal(s->participants->update(s, &g), 0);
    participant_rec_fini(&g);
    assert_int_equal(s->participants->get(s, f->org, bob, &g), 0);
    assert_string_equal(g.status, "left");
    assert_string_equal(g.identity, "bob");
    assert_int_equal(g.left_at, 2000);
    assert_true(g.media.server_mute);
    strcpy(g.org_id, f->other);
    assert_int_equal(s->participants->update(s, &g), VOX_ENOTFOUND);
    participant_rec_fini(&g);
    assert_int_equal(s->participants->count_present(s, sid, &present), 0);
    assert_int_equal(present, 1);

    // Heartbeats and idle scans.
    assert_int_equal(s->participants->touch(s, p.id, 5000), 0);
    assert_int_equal(s->participants->touch(s, "nope", 5000), VOX_ENOTFOUND);
    assert_int_equal(s->participants->list_idle(s, "connected", 5000, 10, &v, &n), 0);
    assert_int_equal(n, 0);
    participant_recs_free(v, n);
    assert_int_equal(s->participants->list_idle(s, "connected", 5001, 10, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].id, p.id);
    assert_int_equal(v[0].last_seen, 5000);
    participant_recs_free(v, n);
}

static void test_room_delete_cascades(void **state)
{
    struct fx *f = *state;
    store *s = f->s;
    char keep_room[37], sid[37], keep_sid[37];
    new_room(s, f->org, "keep", 30, keep_room);
    new_session(s, f->org, f->room, "active", 100, sid);
    new_session(s, f->org, keep_room, "active", 100, keep_sid);
    struct participant_rec p;
    part_init(&p, f, sid, "alice", "connected", 1000);
    assert_int_equal(s->participants->create(s, &p), 0);
    struct participant_rec kp;
    part_init(&kp, f, keep_sid, "bob", "connected", 1000);
    strcpy(kp.room_id, keep_room);
    assert_int_equal(s->participants->create(s, &kp), 0);
    struct event_rec e = {.created_at = 5};
    strcpy(e.org_id, f->org);
    strcpy(e.room_id, f->room);
    strcpy(e.session_id, sid);
    strcpy(e.type, "session.started");
    assert_int_equal(s->events->append(s, &e), 0);
    assert_int_equal(s->events->exists(s, f->org, EVENT_SCOPE_SESSION, sid), 0);
    // Another org cannot delete it.
    assert_int_equal(s->rooms->remove(s, f->other, f->room), VOX_ENOTFOUND);
    assert_int_equal(s->participants->get(s, f->org, p.id, &p), 0);
    participant_rec_fini(&p);

    assert_int_equal(s->rooms->remove(s, f->org, f->room), 0);
    struct session_rec g;
    assert_int_equal(s->sessions->get(s, f->org, sid, &g), VOX_ENOTFOUND);
    assert_int_equal(s->sessions->latest(s, f->org, f->room, &g), VOX_ENOTFOUND);
    struct participant_rec pg;
    assert_int_equal(s->participants->get(s, f->org, p.id, &pg), VOX_ENOTFOUND);
    int present = -1;
    assert_int_equal(s->participants->count_present(s, sid, &present), 0);
    assert_int_equal(present, 0);
    assert_int_equal(s->events->exists(s, f->org, EVENT_SCOPE_SESSION, sid), VOX_ENOTFOUND);
    // The other room keeps its session and participant; the event log keeps its history.
    assert_int_equal(s->sessions->get(s, f->org, keep_sid, &g), 0);
    assert_int_equal(g.participant_count, 1);
    assert_int_equal(s->participants->get(s, f->org, kp.id, &pg), 0);
    participant_rec_fini(&pg);
    struct event_rec *v;
    size_t n;
    struct event_filter ef = {.session_id = sid, .limit = 10};
    assert_int_equal(s->events->list(s, f->org, &ef, &v, &n), 0);
    assert_int_equal(n, 1);
    event_recs_free(v, n);

    // Deleting the org removes everything it owns, events included.
    assert_int_equal(s->orgs->remove(s, f->org), 0);
    assert_int_equal(s->sessions->get(s, f->org, keep_sid, &g), VOX_ENOTFOUND);
    assert_int_equal(s->participants->get(s, f->org, kp.id, &pg), VOX_ENOTFOUND);
    assert_int_equal(s->events->list(s, f->org, &ef, &v, &n), 0);
    assert_int_equal(n, 0);
    event_recs_free(v, n);
}

// Speaking time adds up per participant and into the session; update never writes it back.
static void test_add_speaking(void **state)
{
    struct fx *f = *state;
    store *s = f->s;
    char sid[37], other_sid[37];
    new_session(s, f->org, f->room, "active", 100, sid);
    new_session(s, f->org, f->room, "completed", 50, other_sid);
    struct participant_rec a, b, c;
    part_init(&a, f, sid, "alice", "connected", 1000);
    a.speaking_ms = 999; // create starts every participant at 0, unmeasured
    a.net = (struct participant_net){.has = true, .quality = "good", .at = 5};
    assert_int_equal(s->participants->create(s, &a), 0);
    part_init(&b, f, sid, "bob", "connected", 1100);
    assert_int_equal(s->participants->create(s, &b), 0);
    part_init(&c, f, other_sid, "carol", "left", 900);
    assert_int_equal(s->participants->create(s, &c), 0);

    struct participant_rec stale, g;
    assert_int_equal(s->participants->get(s, f->org, a.id, &stale), 0);
    assert_int_equal(stale.speaking_ms, 0);
    assert_false(stale.net.has);

    assert_int_equal(s->ops->begin(s), 0);
    assert_int_equal(s->participants->add_speaking(s, f->org, a.id, 300), 0);
    assert_int_equal(s->participants->add_speaking(s, f->org, a.id, 200), 0);
    assert_int_equal(s->participants->add_speaking(s, f->org, b.id, 250), 0);
    assert_int_equal(s->participants->add_speaking(s, f->org, b.id, 0), 0);
    assert_int_equal(s->participants->add_speaking(s, f->org, c.id, 40), 0);
    assert_int_equal(s->ops->commit(s), 0);

    assert_int_equal(s->participants->get(s, f->org, a.id, &g), 0);
    assert_int_equal(g.speaking_ms, 500);
    participant_rec_fini(&g);
    assert_int_equal(s->participants->get(s, f->org, b.id, &g), 0);
    assert_int_equal(g.speaking_ms, 250);
    participant_rec_fini(&g);
    struct session_rec sess;
    assert_int_equal(s->sessions->get(s, f->org, sid, &sess), 0);
    assert_int_equal(sess.speaking_ms, 750); // alice + bob, not carol's session
    assert_int_equal(sess.updated_at, 100);  // a counter, not a change of the session
    assert_int_equal(s->sessions->get(s, f->org, other_sid, &sess), 0);
    assert_int_equal(sess.speaking_ms, 40);

    // Another org's caller, an unknown id and a negative time change nothing.
    assert_int_equal(s->participants->add_speaking(s, f->other, a.id, 100), VOX_ENOTFOUND);
    assert_int_equal(s->participants->add_speaking(s, f->org, "nope", 100), VOX_ENOTFOUND);
    assert_int_equal(s->participants->add_speaking(s, f->org, a.id, -1), VOX_EINVAL);

    // A rolled-back request leaves neither sum.
    assert_int_equal(s->ops->begin(s), 0);
    assert_int_equal(s->participants->add_speaking(s, f->org, a.id, 1000), 0);
    s->ops->rollback(s);
    assert_int_equal(s->participants->get(s, f->org, a.id, &g), 0);
    assert_int_equal(g.speaking_ms, 500);
    participant_rec_fini(&g);
    assert_int_equal(s->sessions->get(s, f->org, sid, &sess), 0);
    assert_int_equal(sess.speaking_ms, 750);

    // A record read before the speaking time was added does not undo it; nor does a session
    // update (both come from read-modify-write callers).
    strcpy(stale.status, "reconnecting");
    assert_int_equal(s->participants->update(s, &stale), 0);
    participant_rec_fini(&stale);
    assert_int_equal(s->participants->get(s, f->org, a.id, &g), 0);
    assert_string_equal(g.status, "reconnecting");
    assert_int_equal(g.speaking_ms, 500);
    participant_rec_fini(&g);
    sess.speaking_ms = 1;
    strcpy(sess.state, "paused");
    assert_int_equal(s->sessions->update(s, &sess), 0);
    assert_int_equal(s->sessions->get(s, f->org, sid, &sess), 0);
    assert_string_equal(sess.state, "paused");
    assert_int_equal(sess.speaking_ms, 750);

    struct session_rec *sv;
    size_t n;
    struct session_filter sf = {.room_id = f->room, .limit = 10};
    assert_int_equal(s->sessions->list(s, f->org, &sf, &sv, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(sv[0].speaking_ms, 750);
    assert_int_equal(sv[1].speaking_ms, 40);
    free(sv);
}

static void assert_net_equal(const struct participant_net *got, const struct participant_net *want)
{
    assert_int_equal(got->has, want->has);
    assert_string_equal(got->quality, want->quality);
    assert_true(got->rtt_ms == want->rtt_ms);
    assert_true(got->jitter_ms == want->jitter_ms);
    assert_true(got->loss == want->loss);
    assert_true(got->bitrate_kbps == want->bitrate_kbps);
    assert_int_equal(got->at, want->at);
}

static void test_set_network(void **state)
{
    struct fx *f = *state;
    store *s = f->s;
    char sid[37];
    new_session(s, f->org, f->room, "active", 100, sid);
    struct participant_rec p, g;
    part_init(&p, f, sid, "alice", "connected", 1000);
    assert_int_equal(s->participants->create(s, &p), 0);

    struct participant_net net = {.has = true,
                                  .quality = "poor",
                                  .rtt_ms = 182.25,
                                  .jitter_ms = 31.5,
                                  .loss = 0.07,
                                  .bitrate_kbps = 1234.5,
                                  .at = 1700000000123};
    assert_int_equal(s->participants->set_network(s, f->org, p.id, &net), 0);
    assert_int_equal(s->participants->get(s, f->org, p.id, &g), 0);
    assert_net_equal(&g.net, &net);
    participant_rec_fini(&g);

    // A newer measurement replaces it; list and find_active read it too.
    net = (struct participant_net){
        .has = true, .quality = "excellent", .rtt_ms = 12, .bitrate_kbps = 64, .at = 1700000001123};
    assert_int_equal(s->participants->set_network(s, f->org, p.id, &net), 0);
    struct participant_rec *v;
    size_t n;
    struct participant_filter pf = {.session_id = sid, .limit = 10};
    assert_int_equal(s->participants->list(s, f->org, &pf, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_net_equal(&v[0].net, &net);
    participant_recs_free(v, n);
    assert_int_equal(s->participants->find_active(s, f->org, sid, "alice", &g), 0);
    assert_net_equal(&g.net, &net);

    // update leaves the measurement alone, even from a record that never saw it.
    g.net = (struct participant_net){0};
    g.media.hand_raised = true;
    assert_int_equal(s->participants->update(s, &g), 0);
    participant_rec_fini(&g);
    assert_int_equal(s->participants->get(s, f->org, p.id, &g), 0);
    assert_true(g.media.hand_raised);
    assert_net_equal(&g.net, &net);
    participant_rec_fini(&g);

    // Refused: another org, an unknown id, a number JSON cannot carry, no time.
    assert_int_equal(s->participants->set_network(s, f->other, p.id, &net), VOX_ENOTFOUND);
    assert_int_equal(s->participants->set_network(s, f->org, "nope", &net), VOX_ENOTFOUND);
    struct participant_net bad = net;
    bad.jitter_ms = NAN;
    assert_int_equal(s->participants->set_network(s, f->org, p.id, &bad), VOX_EINVAL);
    bad = net;
    bad.rtt_ms = INFINITY;
    assert_int_equal(s->participants->set_network(s, f->org, p.id, &bad), VOX_EINVAL);
    bad = net;
    bad.at = 0;
    assert_int_equal(s->participants->set_network(s, f->org, p.id, &bad), VOX_EINVAL);
    assert_int_equal(s->participants->get(s, f->org, p.id, &g), 0);
    assert_net_equal(&g.net, &net);
    participant_rec_fini(&g);

    // has = false clears it back to "never measured".
    struct participant_net none = {0};
    assert_int_equal(s->participants->set_network(s, f->org, p.id, &none), 0);
    assert_int_equal(s->participants->get(s, f->org, p.id, &g), 0);
    assert_net_equal(&g.net, &none);
    participant_rec_fini(&g);
}

static void raw_exec(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, err ? err : "?");
    sqlite3_close(db);
}

static int64_t raw_int(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

// Migration 7 on a database from before it (version 6, rows in place): the new columns come
// with their defaults and the ops work on the old rows.
static void test_migration_7_existing_db(void **state)
{
    struct fx *f = *state;
    char sid[37];
    new_session(f->s, f->org, f->room, "active", 100, sid);
    struct participant_rec p;
    part_init(&p, f, sid, "alice", "connected", 1000);
    p.joined_at = p.last_seen = 1000;
    assert_int_equal(f->s->participants->create(f->s, &p), 0);
    assert_int_equal(f->s->ops->flush(f->s), 0);
    store_close(f->s);
    f->s = NULL;

    // Back to version 6: what a voxd from before this migration left on disk.
    raw_exec(f->path, "ALTER TABLE participants DROP COLUMN speaking_ms;"
                      "ALTER TABLE participants DROP COLUMN quality;"
                      "ALTER TABLE participants DROP COLUMN rtt_ms;"
                      "ALTER TABLE participants DROP COLUMN jitter_ms;"
                      "ALTER TABLE participants DROP COLUMN loss;"
                      "ALTER TABLE participants DROP COLUMN bitrate_kbps;"
                      "ALTER TABLE participants DROP COLUMN network_at;"
                      "ALTER TABLE sessions DROP COLUMN speaking_ms;"
                      "PRAGMA user_version = 6;");
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM pragma_table_info('participants') "
                                      "WHERE name IN ('speaking_ms', 'quality', 'network_at')"),
                     0);

    assert_int_equal(store_open_sqlite(f->path, &f->s), 0);
    store *s = f->s;
    assert_true(raw_int(f->path, "PRAGMA user_version") >= 7);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM pragma_table_info('participants') "
                                      "WHERE name IN ('speaking_ms', 'quality', 'rtt_ms', "
                                      "'jitter_ms', 'loss', 'bitrate_kbps', 'network_at')"),
                     7);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM pragma_table_info('sessions') "
                                      "WHERE name = 'speaking_ms' AND \"notnull\" = 1"),
                     1);

    struct participant_rec g;
    assert_int_equal(s->participants->get(s, f->org, p.id, &g), 0);
    assert_string_equal(g.identity, "alice");
    assert_int_equal(g.joined_at, 1000);
    assert_int_equal(g.speaking_ms, 0);
    assert_false(g.net.has);
    participant_rec_fini(&g);
    struct session_rec sess;
    assert_int_equal(s->sessions->get(s, f->org, sid, &sess), 0);
    assert_int_equal(sess.speaking_ms, 0);

    assert_int_equal(s->ops->begin(s), 0);
    assert_int_equal(s->participants->add_speaking(s, f->org, p.id, 1200), 0);
    struct participant_net net = {.has = true, .quality = "lost", .loss = 1, .at = 2000};
    assert_int_equal(s->participants->set_network(s, f->org, p.id, &net), 0);
    assert_int_equal(s->ops->commit(s), 0);
    assert_int_equal(s->participants->get(s, f->org, p.id, &g), 0);
    assert_int_equal(g.speaking_ms, 1200);
    assert_net_equal(&g.net, &net);
    participant_rec_fini(&g);
    assert_int_equal(s->sessions->get(s, f->org, sid, &sess), 0);
    assert_int_equal(sess.speaking_ms, 1200);
}

int main(void)
{
    log_setup(LOG_ERROR, LOG_TEXT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_session_crud, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_latest_and_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_join_and_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_participants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_room_delete_cascades, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_speaking, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_network, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_7_existing_db, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
