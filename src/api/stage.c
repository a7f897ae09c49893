// SPDX-License-Identifier: MIT
// Stage rooms: requests to speak (create, list, approve, deny, cancel, expire on a timer),
// demoting speakers and appointing moderators. Every rule comes from domain/stage.h; this file
// finds the members involved, applies the outcome in one transaction and logs the events.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "api/participants.h"
#include "api/stage.h"
#include "api/rooms.h"
#include "core/err.h"
#include "core/uuid.h"
#include "domain/perm.h"
#include "domain/role.h"
#include "domain/stage.h"
#include "store/stage.h"

// Most requests one tick expires, so a backlog never stalls the control loop.
#define EXPIRE_BATCH 100

static const struct body_field request_fields[] = {
    {.name = "participant_id", .type = BODY_UUID},
};
static const struct body_field moderator_fields[] = {
    {.name = "participant_id", .type = BODY_UUID, .required = 1},
};

// Who is acting: an api key may do everything; a participant token acts through its present
// participant in the room and that participant's permission flags.
struct actor {
    int is_key;
    uint32_t perms;
    struct stage_member me; // token callers only
    char by[160];           // recorded as decided_by: the identity, or the api key id
};

static json_t *perm_names(uint32_t flags)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < perm_defs_count; i++)
        if (flags & perm_defs[i].flag)
            json_array_append_new(arr, json_string(perm_defs[i].name));
    return arr;
}

static json_t *member_json(const struct stage_member *m)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "id", m->id, "room_id", m->room_id,
                     "session_id", m->session_id, "identity", m->identity, "role", m->role,
                     "status", m->status, "permissions", perm_names(m->permissions));
}

json_t *stage_request_json(const struct stage_request_rec *r)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", r->id, "room_id", r->room_id,
                          "session_id", r->session_id, "participant_id", r->participant_id,
                          "identity", r->identity, "state", r->state);
    api_set_time(j, "created_at", r->created_at);
    api_set_time(j, "decided_at", r->decided_at);
    json_object_set_new(j, "decided_by",
                        r->decided_by[0] ? json_string(r->decided_by) : json_null());
    return j;
}

// Loads a room that must be a stage the caller may see (a token sees only its own room).
// 0, or answered and -1; on 0 the caller owns *room (room_rec_fini).
static int load_stage(struct api_call *c, const char *room_id, struct room_rec *room)
{
    memset(room, 0, sizeof *room);
    int err = VOX_ENOTFOUND;
    if (c->who.kind != CALLER_PARTICIPANT || strcmp(c->who.room_id, room_id) == 0)
        err = c->st->rooms->get(c->st, c->who.org_id, room_id, room);
    if (err) {
        api_fail(c, err, "room");
        return -1;
    }
    room_type t;
    if (room_type_parse(room->type, &t) || t != ROOM_STAGE) {
        api_error(c, 409, "not_a_stage", NULL, "room %s is a %s room, not a stage", room->id,
                  room->type);
        room_rec_fini(room);
        return -1;
    }
    return 0;
}

// Fills *a for the caller in room_id; answers 403 when a token's identity is not present there.
static int load_actor(struct api_call *c, const char *room_id, struct actor *a)
{
    memset(a, 0, sizeof *a);
    if (c->who.kind != CALLER_PARTICIPANT) {
        a->is_key = 1;
        a->perms = PERM_ALL;
        snprintf(a->by, sizeof a->by, "%s", c->who.key_id);
        return 0;
    }
    int err = c->st->stage->find_member(c->st, c->who.org_id, room_id, c->who.identity, &a->me);
    if (err == VOX_ENOTFOUND) {
        api_error(c, 403, "not_joined", NULL, "join the room before acting on its stage");
        return -1;
    }
    if (err) {
        api_fail(c, err, "participant");
        return -1;
    }
    a->perms = a->me.permissions;
    snprintf(a->by, sizeof a->by, "%s", c->who.identity);
    return 0;
}

// Loads a participant of the room that must be present now; 0, or answered and -1.
static int load_present(struct api_call *c, const char *room_id, const char *id,
                        struct stage_member *m)
{
    int err = c->st->stage->get_member(c->st, c->who.org_id, room_id, id, m);
    if (err) {
        api_fail(c, err, "participant");
        return -1;
    }
    if (!m->present) {
        api_error(c, 409, "participant_not_present", "participant_id",
                  "participant %s is %s, not in the room's live session", m->id, m->status);
        return -1;
    }
    return 0;
}

// Loads a request the caller may see (a token sees only its own room's); 0 or answered.
static int load_request(struct api_call *c, const char *id, struct stage_request_rec *r)
{
    int err = c->st->stage->get(c->st, c->who.org_id, id, r);
    if (!err && c->who.kind == CALLER_PARTICIPANT && strcmp(c->who.room_id, r->room_id) != 0)
        err = VOX_ENOTFOUND;
    if (err) {
        api_fail(c, err, "stage request");
        return -1;
    }
    return 0;
}

static int tx_begin(struct api_call *c)
{
    int err = c->st->ops->begin(c->st);
    if (err)
        api_fail(c, err, "stage");
    return err;
}

// Gives m the role nr as PATCH /v1/participants does: permissions recomputed from the room, the
// media the role may not publish switched off (a demoted speaker's audio, video and screen
// share), and role_changed plus the media events logged. Inside the caller's tx.
static int change_role(struct api_call *c, const struct room_rec *room, struct stage_member *m,
                       role nr)
{
    struct participant_rec p;
    int err = c->st->participants->get(c->st, c->who.org_id, m->id, &p);
    if (err)
        return err;
    struct participant_media before = p.media;
    role from = participants_role(&p);
    participants_apply_role(&p, room, nr);
    if (!(err = c->st->participants->update(c->st, &p))) {
        participants_note_changes(c, &p, from, &before);
        snprintf(m->role, sizeof m->role, "%s", p.role);
        m->permissions = p.permissions;
    }
    participant_rec_fini(&p);
    return err;
}

static void stage_event(struct api_call *c, const char *type, const struct stage_request_rec *r)
{
    api_event(c, type, r->room_id, r->session_id, r->participant_id,
              json_pack("{s:s, s:s}", "request_id", r->id, "identity", r->identity));
}

// ---- POST /v1/rooms/{room_id}/stage/requests ----

// Finds whom the request is for: the token's own present participant, or the api key's
// participant_id. 0 or answered.
static int requester(struct api_call *c, const json_t *b, const char *room_id,
                     struct stage_member *m)
{
    const char *pid = body_str(b, "participant_id", NULL);
    if (c->who.kind == CALLER_PARTICIPANT) {
        struct actor a;
        if (load_actor(c, room_id, &a))
            return -1;
        if (pid && strcmp(pid, a.me.id) != 0) {
            api_error(c, 403, "forbidden", "participant_id",
                      "a participant may only ask to speak for itself");
            return -1;
        }
        *m = a.me;
        return 0;
    }
    if (!pid) {
        api_error(c, 400, "missing_field", "participant_id",
                  "participant_id is required with api key credentials");
        return -1;
    }
    return load_present(c, room_id, pid, m);
}

// Checks stage_check_request and answers its refusal; 0 when the member may ask.
static int check_request(struct api_call *c, const struct stage_member *m, int has_pending)
{
    role r = ROLE_AUDIENCE;
    const char *reason = "";
    role_parse(m->role, &r);
    int err = stage_check_request(r, m->permissions, has_pending, &reason);
    if (err == VOX_EFORBIDDEN)
        api_error(c, 403, "forbidden", NULL, "%s", reason);
    else if (err == VOX_ECONFLICT && has_pending &&
             stage_check_request(r, m->permissions, false, NULL) == 0)
        api_error(c, 409, "request_pending", NULL, "%s", reason);
    else if (err == VOX_ECONFLICT)
        api_error(c, 409, "already_speaker", NULL, "%s is a %s: %s", m->identity, m->role, reason);
    else if (err)
        api_fail(c, err, "stage request");
    return err ? -1 : 0;
}

static int insert_request(struct api_call *c, const struct stage_member *m,
                          struct stage_request_rec *r)
{
    int pending = 0;
    int err = c->st->stage->has_pending(c->st, c->who.org_id, m->id, &pending);
    if (err) {
        api_fail(c, err, "stage request");
        return err;
    }
    if (check_request(c, m, pending))
        return VOX_ECONFLICT;
    uuid_new(r->id);
    snprintf(r->org_id, sizeof r->org_id, "%s", c->who.org_id);
    snprintf(r->room_id, sizeof r->room_id, "%s", m->room_id);
    snprintf(r->session_id, sizeof r->session_id, "%s", m->session_id);
    snprintf(r->participant_id, sizeof r->participant_id, "%s", m->id);
    snprintf(r->identity, sizeof r->identity, "%s", m->identity);
    snprintf(r->state, sizeof r->state, "%s", stage_state_name(STAGE_PENDING));
    r->created_at = c->now_ms;
    if ((err = c->st->stage->create(c->st, r)))
        api_fail(c, err, "stage request");
    else
        stage_event(c, "stage.request_created", r);
    return err;
}

static void request_create(struct api_call *c)
{
    const char *room_id = api_path_uuid(c, 0, "room_id");
    if (!room_id)
        return;
    json_t *b = api_body(c, request_fields, sizeof request_fields / sizeof request_fields[0]);
    if (!b)
        return;
    struct room_rec room;
    struct stage_member m;
    struct stage_request_rec r = {0};
    if (load_stage(c, room_id, &room) == 0) {
        // The pending check and the insert share a transaction so two asks cannot both pass.
        if (requester(c, b, room_id, &m) == 0 && tx_begin(c) == 0) {
            int err = api_tx_end(c, insert_request(c, &m, &r));
            if (err == 0) {
                snprintf(c->resp->location, sizeof c->resp->location, "/v1/stage/requests/%s",
                         r.id);
                api_json(c, 201, stage_request_json(&r));
            } else if (c->resp->status < 400) {
                api_fail(c, err, "stage request");
            }
        }
        room_rec_fini(&room);
    }
    json_decref(b);
}

// ---- reads ----

static void request_list(struct api_call *c)
{
    const char *room_id = api_path_uuid(c, 0, "room_id");
    struct stage_request_filter f = {.room_id = room_id};
    stage_state st;
    if (!room_id || api_page(c, &f.limit, &f.offset))
        return;
    f.state = http_query(c->req, "state");
    if (f.state && stage_state_parse(f.state, &st)) {
        api_error(c, 400, "invalid_value", "state",
                  "state must be pending, approved, denied, expired or cancelled");
        return;
    }
    struct room_rec room;
    if (load_stage(c, room_id, &room))
        return;
    room_rec_fini(&room);
    struct stage_request_rec *v;
    size_t n;
    int err = c->st->stage->list(c->st, c->who.org_id, &f, &v, &n);
    if (err) {
        api_fail(c, err, "stage requests");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, stage_request_json(&v[i]));
    free(v);
    api_json(c, 200,
             json_pack("{s:o, s:i, s:i}", "requests", arr, "limit", f.limit, "offset", f.offset));
}

static void request_get(struct api_call *c)
{
    const char *id = api_path_uuid(c, 0, "request_id");
    struct stage_request_rec r;
    if (id && load_request(c, id, &r) == 0)
        api_json(c, 200, stage_request_json(&r));
}

// ---- approve, deny ----

static int answer_not_pending(struct api_call *c, const struct stage_request_rec *r)
{
    api_error(c, 409, "request_not_pending", NULL, "the request is %s, no longer pending",
              r->state);
    return -1;
}

// Checks the actor may decide r now; 0 or answered.
static int check_decide(struct api_call *c, const struct actor *a,
                        const struct stage_request_rec *r)
{
    stage_state st = STAGE_PENDING;
    const char *reason = "";
    stage_state_parse(r->state, &st);
    int err = stage_check_decide(a->perms, st, &reason);
    if (err == VOX_EFORBIDDEN)
        api_error(c, 403, "forbidden", NULL, "%s", reason);
    else if (err == VOX_ECONFLICT)
        return answer_not_pending(c, r);
    else if (err)
        api_fail(c, err, "stage request");
    return err ? -1 : 0;
}

// Records the decision and, on approval, promotes the requester; inside the caller's tx.
static int apply_decision(struct api_call *c, stage_op op, const struct room_rec *room,
                          struct stage_request_rec *r, struct stage_member *m, const char *by)
{
    stage_state to;
    int err = stage_request_transition(STAGE_PENDING, op, &to);
    if (!err)
        err =
            c->st->stage->decide(c->st, c->who.org_id, r->id, stage_state_name(to), by, c->now_ms);
    if (err)
        return err;
    snprintf(r->state, sizeof r->state, "%s", stage_state_name(to));
    snprintf(r->decided_by, sizeof r->decided_by, "%s", by);
    r->decided_at = c->now_ms;
    char type[64];
    snprintf(type, sizeof type, "stage.request_%s", stage_state_name(to));
    stage_event(c, type, r);
    if (op != STAGE_OP_APPROVE)
        return 0;
    role cur = ROLE_AUDIENCE;
    role_parse(m->role, &cur);
    role nr = stage_role_after(op, cur);
    return nr == cur ? 0 : change_role(c, room, m, nr);
}

// Applies the decision in one transaction and answers with the request (and, on approval,
// the promoted participant).
static void commit_decision(struct api_call *c, stage_op op, const struct room_rec *room,
                            struct stage_request_rec *r, struct stage_member *m, const char *by)
{
    if (tx_begin(c))
        return;
    int err = api_tx_end(c, apply_decision(c, op, room, r, m, by));
    if (err == VOX_ECONFLICT) { // decided by someone else since it was read
        c->st->stage->get(c->st, c->who.org_id, r->id, r);
        answer_not_pending(c, r);
        return;
    }
    if (err) {
        api_fail(c, err, "stage request");
        return;
    }
    json_t *j = stage_request_json(r);
    if (op == STAGE_OP_APPROVE)
        json_object_set_new(j, "participant", member_json(m));
    api_json(c, 200, j);
}

// Runs a decision by a moderator (or api key) once the request and room are loaded.
static void decide_loaded(struct api_call *c, stage_op op, struct stage_request_rec *r,
                          const struct room_rec *room)
{
    struct actor a;
    struct stage_member m = {0};
    if (load_actor(c, r->room_id, &a) || check_decide(c, &a, r))
        return;
    // Only someone still on the stage can be promoted; a denial needs nobody present.
    if (op == STAGE_OP_APPROVE && load_present(c, r->room_id, r->participant_id, &m))
        return;
    commit_decision(c, op, room, r, &m, a.by);
}

static void decide(struct api_call *c, stage_op op)
{
    const char *id = api_path_uuid(c, 0, "request_id");
    struct stage_request_rec r;
    struct room_rec room;
    if (!id || load_request(c, id, &r) || load_stage(c, r.room_id, &room))
        return;
    decide_loaded(c, op, &r, &room);
    room_rec_fini(&room);
}

static void request_approve(struct api_call *c)
{
    decide(c, STAGE_OP_APPROVE);
}

static void request_deny(struct api_call *c)
{
    decide(c, STAGE_OP_DENY);
}

// ---- cancel ----

static void request_cancel(struct api_call *c)
{
    const char *id = api_path_uuid(c, 0, "request_id");
    struct stage_request_rec r;
    stage_state st = STAGE_PENDING, to;
    if (!id || load_request(c, id, &r))
        return;
    if (c->who.kind == CALLER_PARTICIPANT && strcmp(c->who.identity, r.identity) != 0) {
        api_error(c, 403, "forbidden", NULL, "only the requester may cancel a request to speak");
        return;
    }
    stage_state_parse(r.state, &st);
    if (stage_request_transition(st, STAGE_OP_CANCEL, &to)) {
        answer_not_pending(c, &r);
        return;
    }
    const char *by = c->who.kind == CALLER_PARTICIPANT ? c->who.identity : c->who.key_id;
    commit_decision(c, STAGE_OP_CANCEL, NULL, &r, NULL, by);
}

// ---- speakers and moderators ----

static void role_change_done(struct api_call *c, const struct room_rec *room,
                             struct stage_member *m, role nr)
{
    if (tx_begin(c))
        return;
    int err = api_tx_end(c, change_role(c, room, m, nr));
    if (err)
        api_fail(c, err, "participant");
    else
        api_json(c, 200, member_json(m));
}

static void demote_loaded(struct api_call *c, const struct room_rec *room, const char *pid)
{
    struct actor a;
    struct stage_member m;
    const char *reason = "";
    if (load_actor(c, room->id, &a) || load_present(c, room->id, pid, &m))
        return;
    role cur = ROLE_AUDIENCE;
    role_parse(m.role, &cur);
    int is_self = !a.is_key && strcmp(a.me.id, m.id) == 0;
    int err = stage_check_demote(a.perms, is_self, cur, &reason);
    if (err == VOX_EFORBIDDEN)
        api_error(c, 403, "forbidden", NULL, "%s", reason);
    else if (err == VOX_ECONFLICT)
        api_error(c, 409, "not_a_speaker", NULL, "%s is a %s: %s", m.identity, m.role, reason);
    else if (err)
        api_fail(c, err, "participant");
    else
        role_change_done(c, room, &m, ROLE_AUDIENCE);
}

static void speaker_demote(struct api_call *c)
{
    const char *room_id = api_path_uuid(c, 0, "room_id");
    const char *pid = room_id ? api_path_uuid(c, 1, "participant_id") : NULL;
    struct room_rec room;
    if (!pid || load_stage(c, room_id, &room))
        return;
    demote_loaded(c, &room, pid);
    room_rec_fini(&room);
}

// Checks the target can become a moderator under the limit; 0 or answered.
static int check_moderator(struct api_call *c, const struct stage_member *m)
{
    role cur = ROLE_AUDIENCE;
    const char *reason = "";
    int n = 0;
    role_parse(m->role, &cur);
    if (cur == ROLE_MODERATOR || role_outranks(cur, ROLE_MODERATOR)) {
        api_error(c, 409, "already_moderator", "participant_id",
                  "%s is a %s, which already moderates the stage", m->identity, m->role);
        return -1;
    }
    int err = c->st->stage->count_role(c->st, c->who.org_id, m->session_id,
                                       role_name(ROLE_MODERATOR), &n);
    if (!err && stage_check_moderator_limit(n, c->cfg->stage_moderator_limit, &reason)) {
        api_error(c, 409, "moderator_limit", NULL, "%s (%d)", reason,
                  c->cfg->stage_moderator_limit);
        return -1;
    }
    if (err)
        api_fail(c, err, "participant");
    return err ? -1 : 0;
}

static void moderator_add_loaded(struct api_call *c, const struct room_rec *room, const char *pid)
{
    struct actor a;
    struct stage_member m;
    if (load_actor(c, room->id, &a))
        return;
    if (!perm_has(a.perms, PERM_MANAGE_STAGE)) {
        api_error(c, 403, "forbidden", NULL, "manage_stage permission required");
        return;
    }
    if (load_present(c, room->id, pid, &m) || check_moderator(c, &m))
        return;
    role_change_done(c, room, &m, ROLE_MODERATOR);
}

static void moderator_add(struct api_call *c)
{
    const char *room_id = api_path_uuid(c, 0, "room_id");
    if (!room_id)
        return;
    json_t *b = api_body(c, moderator_fields, sizeof moderator_fields / sizeof moderator_fields[0]);
    if (!b)
        return;
    struct room_rec room;
    if (load_stage(c, room_id, &room) == 0) {
        moderator_add_loaded(c, &room, body_str(b, "participant_id", ""));
        room_rec_fini(&room);
    }
    json_decref(b);
}

// ---- expiry ----

// Expires one batch of stale pending requests in one transaction; events carry each row's org.
static void stage_tick(struct api_call *c)
{
    int64_t ttl_ms = (int64_t)c->cfg->stage_request_ttl_s * 1000;
    struct stage_request_rec *v;
    size_t n;
    if (ttl_ms <= 0 || c->st->stage->list_stale(c->st, c->now_ms - ttl_ms, EXPIRE_BATCH, &v, &n))
        return;
    if (n && c->st->ops->begin(c->st) == 0) {
        int err = 0;
        for (size_t i = 0; i < n && !err; i++) {
            stage_state to;
            if (!stage_request_expired(v[i].created_at, c->now_ms, ttl_ms) ||
                stage_request_transition(STAGE_PENDING, STAGE_OP_EXPIRE, &to))
                continue;
            err = c->st->stage->decide(c->st, v[i].org_id, v[i].id, stage_state_name(to), NULL,
                                       c->now_ms);
            if (err == VOX_ECONFLICT) {
                err = 0; // decided since it was read: nothing to expire
                continue;
            }
            snprintf(c->who.org_id, sizeof c->who.org_id, "%s", v[i].org_id);
            if (!err)
                stage_event(c, "stage.request_expired", &v[i]);
        }
        api_tx_end(c, err);
    }
    free(v);
}

static const struct api_route routes[] = {
    {{HTTP_POST, "/v1/rooms/{room_id}/stage/requests"},
     request_create,
     AUTH_KEY_OR_USER,
     "Ask to speak on a stage (a participant token for itself; an api key names participant_id)",
     API_BODY(request_fields)},
    {{HTTP_GET, "/v1/rooms/{room_id}/stage/requests"},
     request_list,
     AUTH_KEY_OR_USER,
     "List a stage's requests to speak, oldest first (filter: state; limit, offset)",
     NULL,
     0},
    {{HTTP_GET, "/v1/stage/requests/{request_id}"},
     request_get,
     AUTH_KEY_OR_USER,
     "Get a request to speak",
     NULL,
     0},
    {{HTTP_POST, "/v1/stage/requests/{request_id}/approve"},
     request_approve,
     AUTH_KEY_OR_USER,
     "Approve a pending request (manage_stage): the requester becomes a speaker",
     NULL,
     0},
    {{HTTP_POST, "/v1/stage/requests/{request_id}/deny"},
     request_deny,
     AUTH_KEY_OR_USER,
     "Deny a pending request (manage_stage)",
     NULL,
     0},
    {{HTTP_POST, "/v1/stage/requests/{request_id}/cancel"},
     request_cancel,
     AUTH_KEY_OR_USER,
     "Cancel a pending request (the requester, or an api key)",
     NULL,
     0},
    {{HTTP_POST, "/v1/rooms/{room_id}/stage/speakers/{participant_id}/demote"},
     speaker_demote,
     AUTH_KEY_OR_USER,
     "Send a speaker back to the audience (the speaker itself, or manage_stage)",
     NULL,
     0},
    {{HTTP_POST, "/v1/rooms/{room_id}/stage/moderators"},
     moderator_add,
     AUTH_KEY_OR_USER,
     "Make a present participant a stage moderator (manage_stage; bounded per stage)",
     API_BODY(moderator_fields)},
};

API_MODULE_TICK(api_stage_module, routes, stage_tick);
