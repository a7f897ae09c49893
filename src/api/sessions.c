// SPDX-License-Identifier: MIT
// Sessions: create, list, get and the lifecycle operations (prepare, start, pause, resume,
// end, cancel, fail), all through session_transition(); the persistent-room grace timer.
#include "api/sessions.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/uuid.h"
#include "domain/perm.h"
#include "domain/session.h"
#include "store/participants.h"

#define SCHEDULED_MAX_MS INT64_C(253402300799999) // 9999-12-31T23:59:59.999Z
#define SWEEP_PAGE       500
#define SWEEP_PAGES_MAX  20 // a stage holds at most 1000: the bound is never the limit
#define GRACE_BATCH      100

static const struct body_field create_fields[] = {
    {.name = "scheduled_at", .type = BODY_STRING, .min = 1, .max = 40},
};
static const struct body_field create_fields_ms[] = {
    {.name = "scheduled_at", .type = BODY_INT, .min = 0, .max = SCHEDULED_MAX_MS},
};

// The event each operation records, indexed by session_op.
static const char *const op_events[SESSION_OP_COUNT] = {
    [SESSION_OP_PREPARE] = "session.prepared", [SESSION_OP_START] = "session.started",
    [SESSION_OP_PAUSE] = "session.paused",     [SESSION_OP_RESUME] = "session.resumed",
    [SESSION_OP_END] = "session.ended",        [SESSION_OP_CANCEL] = "session.cancelled",
    [SESSION_OP_FAIL] = "session.failed",
};

// The end_reason a terminal operation records unless the caller names one.
static const char *const op_reasons[SESSION_OP_COUNT] = {
    [SESSION_OP_END] = "ended",
    [SESSION_OP_CANCEL] = "cancelled",
    [SESSION_OP_FAIL] = "failed",
};

static session_state state_of(const struct session_rec *s)
{
    session_state st = SESSION_SCHEDULED;
    session_state_parse(s->state, &st);
    return st;
}

json_t *sessions_json(const struct session_rec *s, int64_t now_ms)
{
    session_state st = state_of(s);
    int64_t duration = s->duration_ms;
    if (session_is_live(st) && s->started_at)
        duration = now_ms - s->started_at;
    json_t *j = json_pack("{s:s, s:s, s:s, s:I, s:I, s:i, s:i}", "id", s->id, "room_id", s->room_id,
                          "state", s->state, "duration_ms", (json_int_t)duration, "speaking_ms",
                          (json_int_t)s->speaking_ms, "peak_participants", s->peak_participants,
                          "participant_count", s->participant_count);
    api_set_time(j, "scheduled_at", s->scheduled_at);
    api_set_time(j, "started_at", s->started_at);
    api_set_time(j, "ended_at", s->ended_at);
    json_object_set_new(j, "end_reason",
                        s->end_reason[0] ? json_string(s->end_reason) : json_null());
    api_set_time(j, "created_at", s->created_at);
    api_set_time(j, "updated_at", s->updated_at);
    return j;
}

// Everyone still in a session that just ended leaves it (waiting-room guests too).
static int sweep_participants(struct api_call *c, const struct session_rec *s)
{
    struct participant_filter f = {
        .session_id = s->id, .status = PARTICIPANTS_ACTIVE, .limit = SWEEP_PAGE};
    for (int page = 0; page < SWEEP_PAGES_MAX; page++) {
        struct participant_rec *v;
        size_t n;
        int err = c->st->participants->list(c->st, s->org_id, &f, &v, &n);
        for (size_t i = 0; !err && i < n; i++) {
            snprintf(v[i].status, sizeof v[i].status, "%s",
                     participant_status_name(PARTICIPANT_LEFT));
            v[i].left_at = c->now_ms;
            v[i].media.speaking = false;
            err = c->st->participants->update(c->st, &v[i]);
            if (!err)
                api_event(
                    c, "participant.left", s->room_id, s->id, v[i].id,
                    json_pack("{s:s, s:s}", "identity", v[i].identity, "reason", "session_ended"));
        }
        participant_recs_free(v, n);
        if (err || n < SWEEP_PAGE)
            return err;
    }
    return 0;
}

// Applies op to s (times, counters, events, and the participant sweep when it ends).
// VOX_ECONFLICT when the lifecycle refuses op; s is unchanged then.
static int session_apply(struct api_call *c, struct session_rec *s, session_op op,
                         const char *reason)
{
    session_state from = state_of(s), to;
    int err = session_transition(from, op, &to);
    if (err)
        return err;
    snprintf(s->state, sizeof s->state, "%s", session_state_name(to));
    if (to == SESSION_ACTIVE && !s->started_at)
        s->started_at = c->now_ms;
    if (session_is_terminal(to)) {
        s->ended_at = c->now_ms;
        s->duration_ms = s->started_at ? s->ended_at - s->started_at : 0;
        s->empty_since = 0;
        snprintf(s->end_reason, sizeof s->end_reason, "%s", reason ? reason : op_reasons[op]);
    }
    s->updated_at = c->now_ms;
    if ((err = c->st->sessions->update(c->st, s)))
        return err;
    json_t *data =
        json_pack("{s:s, s:s}", "from", session_state_name(from), "to", session_state_name(to));
    if (session_is_terminal(to)) {
        json_object_set_new(data, "end_reason", json_string(s->end_reason));
        json_object_set_new(data, "duration_ms", json_integer(s->duration_ms));
        json_object_set_new(data, "peak_participants", json_integer(s->peak_participants));
    }
    api_event(c, op_events[op], s->room_id, s->id, NULL, data);
    if (session_is_terminal(to)) {
        if ((err = sweep_participants(c, s)))
            return err;
        s->participant_count = 0;
    }
    return 0;
}

// Inserts a scheduled session for the room (session.created).
static int session_insert(struct api_call *c, const char *room_id, int64_t scheduled_at,
                          struct session_rec *out)
{
    memset(out, 0, sizeof *out);
    uuid_new(out->id);
    snprintf(out->org_id, sizeof out->org_id, "%s", c->who.org_id);
    snprintf(out->room_id, sizeof out->room_id, "%s", room_id);
    snprintf(out->state, sizeof out->state, "%s", session_state_name(SESSION_SCHEDULED));
    out->scheduled_at = scheduled_at;
    out->created_at = out->updated_at = c->now_ms;
    int err = c->st->sessions->create(c->st, out);
    if (!err) {
        json_t *data = json_object();
        api_set_time(data, "scheduled_at", scheduled_at);
        api_event(c, "session.created", room_id, out->id, NULL, data);
    }
    return err;
}

int sessions_for_join(struct api_call *c, const struct room_rec *room, struct session_rec *out)
{
    int err = c->st->sessions->latest(c->st, c->who.org_id, room->id, out);
    session_state st = err ? SESSION_COMPLETED : state_of(out);
    if (err && err != VOX_ENOTFOUND) {
        api_fail(c, err, "session");
        return -1;
    }
    if (!err && session_is_live(st))
        return 0;
    if (!err && session_is_terminal(st) && !room->persistent) {
        api_error(c, 409, "session_ended", NULL,
                  "this room's session is %s; a one-off room does not reopen", out->state);
        return -1;
    }
    if (err || session_is_terminal(st))
        err = session_insert(c, room->id, 0, out);
    if (!err)
        err = session_apply(c, out, SESSION_OP_START, NULL);
    if (err) {
        api_fail(c, err, "session");
        return -1;
    }
    return 0;
}

int sessions_note_join(struct api_call *c, struct session_rec *s, int present)
{
    if (present <= s->peak_participants && !s->empty_since)
        return 0;
    int err = c->st->sessions->note_join(c->st, s->id, present, c->now_ms);
    if (!err) {
        s->peak_participants = present > s->peak_participants ? present : s->peak_participants;
        s->empty_since = 0;
    }
    return err;
}

int sessions_note_leave(struct api_call *c, const char *room_id, const char *session_id)
{
    int present = 0;
    int err = c->st->participants->count_present(c->st, session_id, &present);
    if (err || present > 0)
        return err;
    struct room_rec room = {0};
    err = c->st->rooms->get(c->st, c->who.org_id, room_id, &room);
    if (!err && room.persistent)
        err = c->st->sessions->set_empty_since(c->st, session_id, c->now_ms);
    room_rec_fini(&room);
    return err == VOX_ENOTFOUND ? 0 : err;
}

// ---- handlers ----

// Parses the create body: scheduled_at as RFC 3339 text or integer milliseconds.
static int parse_create(struct api_call *c, int64_t *scheduled_at)
{
    struct body_error e;
    json_t *b;
    *scheduled_at = 0;
    if (body_parse(c->req->body, c->req->body_len, create_fields, 1, 1, &b, &e)) {
        struct body_error e2;
        if (strcmp(e.field, "scheduled_at") || strcmp(e.code, "invalid_type")) {
            api_error(c, 400, e.code, e.field, "%s", e.message);
            return -1;
        }
        if (body_parse(c->req->body, c->req->body_len, create_fields_ms, 1, 1, &b, &e2)) {
            if (strcmp(e2.code, "invalid_type") == 0)
                snprintf(e2.message, sizeof e2.message,
                         "scheduled_at must be an RFC 3339 time string or integer milliseconds");
            api_error(c, 400, e2.code, e2.field, "%s", e2.message);
            return -1;
        }
        *scheduled_at = body_int(b, "scheduled_at", 0);
    } else if (body_has(b, "scheduled_at") &&
               clock_parse_time(body_str(b, "scheduled_at", ""), scheduled_at)) {
        json_decref(b);
        api_error(c, 400, "invalid_value", "scheduled_at",
                  "scheduled_at must be an RFC 3339 time or milliseconds since the epoch");
        return -1;
    }
    json_decref(b);
    return 0;
}

static void session_create(struct api_call *c)
{
    const char *room_id = api_path_uuid(c, 0, "room_id");
    int64_t at;
    if (!room_id || parse_create(c, &at))
        return;
    struct room_rec room = {0};
    struct session_rec s;
    int err = c->st->rooms->get(c->st, c->who.org_id, room_id, &room);
    room_rec_fini(&room);
    if (err) {
        api_fail(c, err, "room");
        return;
    }
    if ((err = c->st->ops->begin(c->st))) {
        api_fail(c, err, "session");
        return;
    }
    err = c->st->sessions->latest(c->st, c->who.org_id, room_id, &s);
    if (!err && !session_is_terminal(state_of(&s))) {
        c->st->ops->rollback(c->st);
        api_error(c, 409, "session_exists", NULL, "the room already has a %s session (%s)", s.state,
                  s.id);
        return;
    }
    err = err == VOX_ENOTFOUND || !err ? session_insert(c, room_id, at, &s) : err;
    if (err || (err = c->st->ops->commit(c->st))) {
        c->st->ops->rollback(c->st);
        api_fail(c, err, "session");
        return;
    }
    snprintf(c->resp->location, sizeof c->resp->location, "/v1/sessions/%s", s.id);
    api_json(c, 201, sessions_json(&s, c->now_ms));
}

static void list_sessions(struct api_call *c, struct session_filter *f)
{
    session_state st;
    if (api_page(c, &f->limit, &f->offset))
        return;
    f->state = http_query(c->req, "state");
    if (f->state && session_state_parse(f->state, &st)) {
        api_error(c, 400, "invalid_value", "state", "unknown session state");
        return;
    }
    struct session_rec *v = NULL;
    size_t n;
    int err = c->st->sessions->list(c->st, c->who.org_id, f, &v, &n);
    if (err) {
        free(v);
        api_fail(c, err, "sessions");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, sessions_json(&v[i], c->now_ms));
    free(v);
    api_json(c, 200,
             json_pack("{s:o, s:i, s:i}", "sessions", arr, "limit", f->limit, "offset", f->offset));
}

static void session_list(struct api_call *c)
{
    struct session_filter f = {0};
    if (api_query_uuid(c, "room_id", &f.room_id) == 0)
        list_sessions(c, &f);
}

static void room_session_list(struct api_call *c)
{
    struct session_filter f = {0};
    struct room_rec room = {0};
    if (!(f.room_id = api_path_uuid(c, 0, "room_id")))
        return;
    int err = c->st->rooms->get(c->st, c->who.org_id, f.room_id, &room);
    room_rec_fini(&room);
    if (err)
        api_fail(c, err, "room");
    else
        list_sessions(c, &f);
}

// Loads the session in the path; a token caller must belong to its room. 0 or answered (-1).
static int load_session(struct api_call *c, struct session_rec *s)
{
    const char *id = api_path_uuid(c, 0, "session_id");
    if (!id)
        return -1;
    int err = c->st->sessions->get(c->st, c->who.org_id, id, s);
    if (err) {
        api_fail(c, err, "session");
        return -1;
    }
    if (c->who.kind == CALLER_PARTICIPANT && strcmp(c->who.room_id, s->room_id)) {
        api_error(c, 403, "wrong_room", NULL, "the access token is for another room");
        return -1;
    }
    return 0;
}

static void session_get(struct api_call *c)
{
    struct session_rec s;
    if (load_session(c, &s) == 0)
        api_json(c, 200, sessions_json(&s, c->now_ms));
}

// A token caller runs the lifecycle with the admin grant or manage_room in this session.
static int may_manage(struct api_call *c, const struct session_rec *s)
{
    if (c->who.kind != CALLER_PARTICIPANT || c->who.grants.admin)
        return 1;
    struct participant_rec p = {0};
    int err = c->st->participants->find_active(c->st, c->who.org_id, s->id, c->who.identity, &p);
    participant_status ps = PARTICIPANT_LEFT;
    participant_status_parse(p.status, &ps);
    participant_rec_fini(&p);
    if (!err && participant_is_present(ps) && perm_has(p.permissions, PERM_MANAGE_ROOM))
        return 1;
    api_error(c, 403, "forbidden", NULL, "manage_room permission required");
    return 0;
}

static void session_op_route(struct api_call *c, session_op op)
{
    struct session_rec s; // no body: api.c refused one before this runs
    if (load_session(c, &s) || !may_manage(c, &s))
        return;
    session_state from = state_of(&s);
    int err = c->st->ops->begin(c->st);
    if (!err)
        err = session_apply(c, &s, op, NULL);
    if (!err)
        err = c->st->ops->commit(c->st);
    if (err)
        c->st->ops->rollback(c->st);
    if (err == VOX_ECONFLICT)
        api_error(c, 409, "invalid_transition", NULL, "cannot %s a session that is %s",
                  session_op_name(op), session_state_name(from));
    else if (err)
        api_fail(c, err, "session");
    else
        api_json(c, 200, sessions_json(&s, c->now_ms));
}

#define OP_HANDLER(name, op)                                                                       \
    static void session_##name(struct api_call *c)                                                 \
    {                                                                                              \
        session_op_route(c, op);                                                                   \
    }
OP_HANDLER(prepare, SESSION_OP_PREPARE)
OP_HANDLER(start, SESSION_OP_START)
OP_HANDLER(pause, SESSION_OP_PAUSE)
OP_HANDLER(resume, SESSION_OP_RESUME)
OP_HANDLER(end, SESSION_OP_END)
OP_HANDLER(cancel, SESSION_OP_CANCEL)
OP_HANDLER(fail, SESSION_OP_FAIL)
#undef OP_HANDLER

// Ends persistent-room sessions whose grace after the last leave ran out (end_reason "empty").
static void sessions_tick(struct api_call *c)
{
    struct session_rec *v = NULL;
    size_t n;
    if (c->st->sessions->list_expired(c->st, c->now_ms, GRACE_BATCH, &v, &n)) {
        free(v);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(c->who.org_id, sizeof c->who.org_id, "%s", v[i].org_id);
        int err = c->st->ops->begin(c->st);
        if (!err)
            err = session_apply(c, &v[i], SESSION_OP_END, "empty");
        if (!err)
            err = c->st->ops->commit(c->st);
        if (err) {
            c->st->ops->rollback(c->st);
            log_error("session grace end failed", "session=%s err=%s", v[i].id, vox_err_name(err));
        }
    }
    free(v);
}

#define OP_ROUTE(op, summary)                                                                      \
    {                                                                                              \
        {HTTP_POST, "/v1/sessions/{session_id}/" #op}, session_##op, AUTH_KEY_OR_USER, summary,    \
            NULL, 0                                                                                \
    }

static const struct api_route routes[] = {
    {{HTTP_POST, "/v1/rooms/{room_id}/sessions"},
     session_create,
     AUTH_KEY,
     "Schedule a session in a room (scheduled_at: RFC 3339 or ms); one live session per room",
     API_BODY(create_fields)},
    {{HTTP_GET, "/v1/rooms/{room_id}/sessions"},
     room_session_list,
     AUTH_KEY,
     "List a room's sessions, newest first (filters: state; limit, offset)",
     NULL,
     0},
    {{HTTP_GET, "/v1/sessions"},
     session_list,
     AUTH_KEY,
     "List sessions, newest first (filters: room_id, state; limit, offset)",
     NULL,
     0},
    {{HTTP_GET, "/v1/sessions/{session_id}"},
     session_get,
     AUTH_KEY_OR_USER,
     "Get a session",
     NULL,
     0},
    OP_ROUTE(prepare, "Prepare a scheduled session (scheduled -> ready)"),
    OP_ROUTE(start, "Start a session (scheduled|ready -> active)"),
    OP_ROUTE(pause, "Pause an active session"),
    OP_ROUTE(resume, "Resume a paused session"),
    OP_ROUTE(end, "End a session (everyone still in it leaves)"),
    OP_ROUTE(cancel, "Cancel a session that has not started"),
    OP_ROUTE(fail, "Mark a session failed (everyone still in it leaves)"),
};

API_MODULE_TICK(api_sessions_module, routes, sessions_tick);
