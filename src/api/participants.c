// SPDX-License-Identifier: MIT
// Participants: the JSON form, loading and the actor, join, reads, and the route table for the
// PATCH (participants_state.c) and leave/remove/admit/move/heartbeat (participants_moves.c)
// handlers. Every rule comes from domain/participant.h and perm.h.
#include "api/participants_int.h"
#include "core/jsonw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "api/rooms.h"
#include "api/sessions.h"
#include "core/err.h"
#include "core/mem.h"
#include "core/uuid.h"
#include "domain/perm.h"
#include "domain/room.h"
#include "domain/session.h"

static const char *const kind_values[] = {"user", "agent", "recorder", NULL};

static const struct body_field media_fields[] = {
    {.name = "audio", .type = BODY_BOOL},
    {.name = "video", .type = BODY_BOOL},
    {.name = "screen_share", .type = BODY_BOOL},
    {.name = "hand_raised", .type = BODY_BOOL},
};

static const struct body_field join_fields[] = {
    {.name = "identity", .type = BODY_STRING, .min = 1, .max = 128},
    {.name = "name", .type = BODY_NAME, .min = 1, .max = 128},
    {.name = "email", .type = BODY_EMAIL, .max = 254},
    {.name = "role", .type = BODY_ENUM, .enum_values = role_names},
    {.name = "kind", .type = BODY_ENUM, .enum_values = kind_values},
    {.name = "device", .type = BODY_STRING, .max = 256},
    {.name = "browser", .type = BODY_STRING, .max = 256},
    {.name = "recording_consent", .type = BODY_BOOL},
    {.name = "metadata", .type = BODY_OBJECT, .max = 4096},
    {.name = "password", .type = BODY_STRING, .max = 128},
    {.name = "media", .type = BODY_OBJECT, .max = 512},
};

// The bodies of the handlers in participants_state.c and participants_moves.c live here, with
// the route table, so OpenAPI and the handlers validate against the same definition.
const struct body_field participants_update_fields[] = {
    {.name = "audio", .type = BODY_BOOL},
    {.name = "video", .type = BODY_BOOL},
    {.name = "screen_share", .type = BODY_BOOL},
    {.name = "self_mute", .type = BODY_BOOL},
    {.name = "self_deaf", .type = BODY_BOOL},
    {.name = "server_mute", .type = BODY_BOOL},
    {.name = "server_deaf", .type = BODY_BOOL},
    {.name = "hand_raised", .type = BODY_BOOL},
    {.name = "volume", .type = BODY_INT, .min = 0, .max = PARTICIPANT_VOLUME_MAX},
    {.name = "role", .type = BODY_ENUM, .enum_values = role_names},
    {.name = "name", .type = BODY_NAME, .min = 1, .max = 128},
    {.name = "metadata", .type = BODY_OBJECT, .max = 4096},
};

const size_t participants_update_nfields =
    sizeof participants_update_fields / sizeof participants_update_fields[0];

const struct body_field participants_remove_fields[] = {
    {.name = "reason", .type = BODY_STRING, .max = 256},
    {.name = "ban", .type = BODY_BOOL},
};
const size_t participants_remove_nfields =
    sizeof participants_remove_fields / sizeof participants_remove_fields[0];

const struct body_field participants_move_fields[] = {
    {.name = "room_id", .type = BODY_UUID, .required = 1},
};
const size_t participants_move_nfields =
    sizeof participants_move_fields / sizeof participants_move_fields[0];

// ---- shared helpers ----

role participants_role(const struct participant_rec *p)
{
    role r = ROLE_PARTICIPANT;
    role_parse(p->role, &r);
    return r;
}

participant_status participants_status(const struct participant_rec *p)
{
    participant_status s = PARTICIPANT_LEFT;
    participant_status_parse(p->status, &s);
    return s;
}

void participants_set_status(struct participant_rec *p, participant_status s)
{
    snprintf(p->status, sizeof p->status, "%s", participant_status_name(s));
}

void participants_set_role(struct participant_rec *p, role r)
{
    snprintf(p->role, sizeof p->role, "%s", role_name(r));
}

static const char *opt(const char *s)
{
    return s && *s ? s : NULL;
}

static void write_media(jsonw *w, const struct participant_media *m)
{
    jsonw_obj(w);
    jsonw_kbool(w, "audio", m->audio);
    jsonw_kbool(w, "video", m->video);
    jsonw_kbool(w, "screen_share", m->screen_share);
    jsonw_kbool(w, "self_mute", m->self_mute);
    jsonw_kbool(w, "self_deaf", m->self_deaf);
    jsonw_kbool(w, "server_mute", m->server_mute);
    jsonw_kbool(w, "server_deaf", m->server_deaf);
    jsonw_kbool(w, "hand_raised", m->hand_raised);
    jsonw_kbool(w, "speaking", m->speaking);
    jsonw_kint(w, "volume", m->volume);
    jsonw_obj_end(w);
}

// A JSON number: %.15g gives back the decimal a measurement was computed as (0.1, not
// 0.10000000000000001), and the store holds no NaN or infinity.
static void write_number(jsonw *w, const char *key, double v)
{
    char num[32];
    snprintf(num, sizeof num, "%.15g", isfinite(v) ? v : 0.0);
    jsonw_kraw(w, key, num, "0");
}

static void write_net(jsonw *w, const struct participant_net *n)
{
    if (!n->has) {
        jsonw_null(w);
        return;
    }
    jsonw_obj(w);
    jsonw_kstr(w, "quality", n->quality);
    write_number(w, "rtt_ms", n->rtt_ms);
    write_number(w, "jitter_ms", n->jitter_ms);
    write_number(w, "loss", n->loss);
    write_number(w, "bitrate_kbps", n->bitrate_kbps);
    jsonw_ktime(w, "measured_at", n->at);
    jsonw_obj_end(w);
}

void participants_write(jsonw *w, const struct participant_rec *p)
{
    jsonw_obj(w);
    jsonw_kstr(w, "id", p->id);
    jsonw_kstr(w, "room_id", p->room_id);
    jsonw_kstr(w, "session_id", p->session_id);
    jsonw_kstr(w, "identity", p->identity);
    jsonw_kstr(w, "name", p->name);
    jsonw_kstr(w, "kind", p->kind);
    jsonw_kstr(w, "role", p->role);
    jsonw_kstr(w, "status", p->status);
    jsonw_key(w, "permissions");
    jsonw_arr(w);
    for (size_t i = 0; i < perm_defs_count; i++)
        if (p->permissions & perm_defs[i].flag)
            jsonw_str(w, perm_defs[i].name);
    jsonw_arr_end(w);
    jsonw_key(w, "media");
    write_media(w, &p->media);
    jsonw_kint(w, "speaking_ms", p->speaking_ms);
    jsonw_key(w, "network");
    write_net(w, &p->net);
    jsonw_kbool(w, "recording_consent", p->recording_consent);
    jsonw_kstr(w, "email", opt(p->email));
    jsonw_kstr(w, "device", opt(p->device));
    jsonw_kstr(w, "browser", opt(p->browser));
    jsonw_kraw(w, "metadata", p->metadata, "{}");
    jsonw_ktime(w, "joined_at", p->joined_at);
    jsonw_ktime(w, "left_at", p->left_at);
    jsonw_ktime(w, "last_seen", p->last_seen);
    jsonw_ktime(w, "created_at", p->created_at);
    jsonw_obj_end(w);
}

void participants_answer(struct api_call *c, int status, const struct participant_rec *p)
{
    jsonw w;
    jsonw_init(&w, api_body_writer(c, status));
    participants_write(&w, p);
}

int participants_load_room(struct api_call *c, const char *id, struct room_rec *out)
{
    int err = c->st->rooms->get(c->st, c->who.org_id, id, out);
    if (err)
        api_fail(c, err, "room");
    return err ? -1 : 0;
}

static room_type type_of(const struct room_rec *r)
{
    room_type t = ROOM_VOICE;
    room_type_parse(r->type, &t);
    return t;
}

static int check_wrong_room(struct api_call *c, const char *room_id)
{
    if (c->who.kind == CALLER_PARTICIPANT && strcmp(c->who.room_id, room_id)) {
        api_error(c, 403, "wrong_room", NULL, "the access token is for another room");
        return -1;
    }
    return 0;
}

int participants_load(struct api_call *c, int i, struct participant_rec *out)
{
    const char *id = api_path_uuid(c, i, "participant_id");
    if (!id)
        return -1;
    memset(out, 0, sizeof *out);
    int err = c->st->participants->get(c->st, c->who.org_id, id, out);
    if (err) {
        api_fail(c, err, "participant");
        return -1;
    }
    if (check_wrong_room(c, out->room_id)) {
        participant_rec_fini(out);
        return -1;
    }
    return 0;
}

int participants_check_not_gone(struct api_call *c, const struct participant_rec *p)
{
    if (participant_is_gone(participants_status(p))) {
        api_error(c, 409, "participant_gone", NULL, "the participant already %s",
                  participants_status(p) == PARTICIPANT_LEFT ? "left" : "was removed or denied");
        return -1;
    }
    return 0;
}

int participants_caller(struct api_call *c, const char *session_id, struct participant_rec *out)
{
    memset(out, 0, sizeof *out);
    int err =
        c->st->participants->find_active(c->st, c->who.org_id, session_id, c->who.identity, out);
    if (!err && !participant_is_present(participants_status(out))) {
        participant_rec_fini(out);
        err = VOX_ENOTFOUND;
    }
    return err;
}

int participants_actor(struct api_call *c, const struct participant_rec *target,
                       struct participant_actor *actor, bool *is_self)
{
    *is_self = false;
    if (c->who.kind != CALLER_PARTICIPANT) {
        actor->role = ROLE_HOST;
        actor->perms = PERM_ALL;
        return 0;
    }
    struct participant_rec me;
    if (participants_caller(c, target->session_id, &me)) {
        api_error(c, 403, "forbidden", NULL, "you are not in this participant's session");
        return -1;
    }
    actor->role = participants_role(&me);
    actor->perms = me.permissions;
    *is_self = strcmp(me.id, target->id) == 0;
    participant_rec_fini(&me);
    return 0;
}

void participants_answer_refusal(struct api_call *c, int err, const char *reason, const char *field,
                                 const char *conflict_code)
{
    if (err == VOX_EINVAL)
        api_error(c, 400, "invalid_value", field, "%s", reason);
    else if (err == VOX_ECONFLICT)
        api_error(c, 409, conflict_code, NULL, "%s", reason);
    else
        api_error(c, 403, "forbidden", field, "%s", reason);
}

void participants_emit_media_events(struct api_call *c, const struct participant_rec *p,
                                    const struct participant_media *before)
{
    const char *ev[PARTICIPANT_EVENTS_MAX];
    size_t n = participant_change_events(before, &p->media, ev, PARTICIPANT_EVENTS_MAX);
    for (size_t i = 0; i < n; i++)
        api_event(c, ev[i], p->room_id, p->session_id, p->id,
                  json_pack("{s:s}", "identity", p->identity));
}

void participants_apply_role(struct participant_rec *p, const struct room_rec *room, role to)
{
    participants_set_role(p, to);
    p->permissions = rooms_permissions(room, to, p->identity);
    participant_media_enforce(&p->media, to, p->permissions);
}

void participants_note_changes(struct api_call *c, const struct participant_rec *p, role from,
                               const struct participant_media *before)
{
    if (participants_role(p) != from)
        api_event(c, "participant.role_changed", p->room_id, p->session_id, p->id,
                  json_pack("{s:s, s:s, s:s}", "identity", p->identity, "from", role_name(from),
                            "to", p->role));
    participants_emit_media_events(c, p, before);
}

int participants_check_capacity(struct api_call *c, const struct room_rec *room,
                                const struct session_rec *s)
{
    if (room_check_capacity(type_of(room), room->max_participants, s->participant_count) == 0)
        return 0;
    api_error(c, 409, "room_full", NULL, "the room is full (%d of %d)", s->participant_count,
              room_effective_limit(type_of(room), room->max_participants));
    return -1;
}

// ---- join ----

struct joiner {
    struct participant_rec p;
    struct participant_change media; // initial media from the body
    bool has_media;
    bool waiting;
};

static role default_role(const struct api_call *c, const struct room_rec *room)
{
    role r;
    if (c->who.kind == CALLER_PARTICIPANT && c->who.grants.role[0] &&
        role_parse(c->who.grants.role, &r) == 0)
        return r;
    if (c->who.kind == CALLER_PARTICIPANT && c->who.grants.admin)
        return ROLE_HOST;
    return type_of(room) == ROOM_STAGE ? ROLE_AUDIENCE : ROLE_PARTICIPANT;
}

// What only a token caller is refused: another room, no join grant, fields it cannot set.
static int check_token_joiner(struct api_call *c, const json_t *b, const struct room_rec *room)
{
    if (c->who.kind != CALLER_PARTICIPANT)
        return 0;
    if (check_wrong_room(c, room->id))
        return -1;
    if (!c->who.grants.join) {
        api_error(c, 403, "forbidden", NULL, "the access token does not grant join");
        return -1;
    }
    if (body_has(b, "identity") && strcmp(body_str(b, "identity", ""), c->who.identity)) {
        api_error(c, 403, "forbidden", "identity", "a token joins as the token's identity");
        return -1;
    }
    if (body_has(b, "role")) {
        api_error(c, 403, "forbidden", "role", "a token's role comes from its grants");
        return -1;
    }
    if (!c->who.grants.recorder && strcmp(body_str(b, "kind", "user"), "recorder") == 0) {
        api_error(c, 403, "forbidden", "kind", "joining as a recorder needs the recorder grant");
        return -1;
    }
    if (!rooms_check_password(room, body_str(b, "password", NULL))) {
        api_error(c, 403, "wrong_password", "password", "wrong or missing room password");
        return -1;
    }
    return 0;
}

// Reads the optional initial media object into j->media; 0 or answered (-1).
static int read_join_media(struct api_call *c, const json_t *b, struct joiner *j)
{
    const json_t *m = json_object_get(b, "media");
    if (!m)
        return 0;
    struct body_error e;
    if (body_check(m, media_fields, sizeof media_fields / sizeof media_fields[0], "media", &e)) {
        api_error(c, 400, e.code, e.field, "%s", e.message);
        return -1;
    }
    struct participant_change *ch = &j->media;
    if ((ch->has_audio = body_has(m, "audio")))
        ch->audio = body_bool(m, "audio", 0);
    if ((ch->has_video = body_has(m, "video")))
        ch->video = body_bool(m, "video", 0);
    if ((ch->has_screen_share = body_has(m, "screen_share")))
        ch->screen_share = body_bool(m, "screen_share", 0);
    if ((ch->has_hand_raised = body_has(m, "hand_raised")))
        ch->hand_raised = body_bool(m, "hand_raised", 0);
    j->has_media = ch->has_audio || ch->has_video || ch->has_screen_share || ch->has_hand_raised;
    return 0;
}

// The initial media state is checked as the participant changing its own state.
static int check_join_media(struct api_call *c, const struct room_rec *room, struct joiner *j)
{
    if (!j->has_media)
        return 0;
    const struct participant_change *ch = &j->media;
    if (c->who.kind == CALLER_PARTICIPANT && !c->who.grants.publish &&
        ((ch->has_audio && ch->audio) || (ch->has_video && ch->video) ||
         (ch->has_screen_share && ch->screen_share))) {
        api_error(c, 403, "forbidden", "media", "the access token does not grant publish");
        return -1;
    }
    struct participant_change_ctx ctx = {
        .actor = {participants_role(&j->p), j->p.permissions},
        .is_self = true,
        .screen_share_allowed = room->screen_share_allowed,
        .target_media = &j->p.media,
    };
    const char *reason = "not allowed";
    int err = participant_check_change(&ctx, ch, &reason);
    if (err)
        participants_answer_refusal(c, err, reason, "media", "conflict");
    return err ? -1 : 0;
}

// Fills j from the body and the caller; 0 or answered (-1).
static int build_joiner(struct api_call *c, const json_t *b, const struct room_rec *room,
                        struct joiner *j)
{
    struct participant_rec *p = &j->p;
    bool token = c->who.kind == CALLER_PARTICIPANT;
    if (!token && !body_has(b, "identity")) {
        api_error(c, 400, "missing_field", "identity", "identity is required with an api key");
        return -1;
    }
    role r = default_role(c, room);
    if (!token && body_has(b, "role"))
        role_parse(body_str(b, "role", ""), &r);
    uuid_new_v7(p->id, c->now_ms);
    snprintf(p->org_id, sizeof p->org_id, "%s", c->who.org_id);
    snprintf(p->room_id, sizeof p->room_id, "%s", room->id);
    snprintf(p->identity, sizeof p->identity, "%s",
             token ? c->who.identity : body_str(b, "identity", ""));
    const char *dflt_name = token && c->who.name[0] ? c->who.name : p->identity;
    snprintf(p->name, sizeof p->name, "%s", body_str(b, "name", dflt_name));
    snprintf(p->email, sizeof p->email, "%s", body_str(b, "email", ""));
    snprintf(p->kind, sizeof p->kind, "%s",
             token && c->who.grants.recorder ? "recorder" : body_str(b, "kind", "user"));
    participants_set_role(p, r);
    p->permissions = rooms_permissions(room, r, p->identity);
    participant_media_init(&p->media);
    p->recording_consent = body_bool(b, "recording_consent", 0);
    snprintf(p->device, sizeof p->device, "%s", body_str(b, "device", ""));
    snprintf(p->browser, sizeof p->browser, "%s", body_str(b, "browser", ""));
    if (body_has(b, "metadata"))
        p->metadata = json_dumps(json_object_get(b, "metadata"), JSON_COMPACT | JSON_SORT_KEYS);
    j->waiting = room->waiting_room && r != ROLE_HOST && r != ROLE_CO_HOST;
    participants_set_status(p, j->waiting ? PARTICIPANT_WAITING : PARTICIPANT_CONNECTED);
    p->joined_at = j->waiting ? 0 : c->now_ms;
    p->last_seen = p->created_at = c->now_ms;
    return read_join_media(c, b, j) || check_join_media(c, room, j) ? -1 : 0;
}

// An identity already in the session gets its participant back with fresh device details.
static int rejoin(struct api_call *c, const json_t *b, struct participant_rec *old)
{
    if (body_has(b, "device"))
        snprintf(old->device, sizeof old->device, "%s", body_str(b, "device", ""));
    if (body_has(b, "browser"))
        snprintf(old->browser, sizeof old->browser, "%s", body_str(b, "browser", ""));
    old->last_seen = c->now_ms;
    bool restored = participants_status(old) == PARTICIPANT_RECONNECTING;
    if (restored)
        participants_set_status(old, PARTICIPANT_CONNECTED);
    int err = c->st->participants->update(c->st, old);
    if (!err && restored)
        api_event(c, "connection.restored", old->room_id, old->session_id, old->id,
                  json_pack("{s:s}", "identity", old->identity));
    return err;
}

// Inserts the new participant and records its events; call in a tx after the capacity check.
static int seat(struct api_call *c, struct joiner *j, struct session_rec *s)
{
    struct participant_rec *p = &j->p;
    struct participant_media before = p->media;
    if (j->has_media)
        participant_apply_change(&p->media, &j->media);
    participant_media_enforce(&p->media, participants_role(p), p->permissions);
    int err = c->st->participants->create(c->st, p);
    if (!err && !j->waiting)
        err = sessions_note_join(c, s, s->participant_count + 1);
    if (err)
        return err;
    api_event(c, j->waiting ? "participant.waiting" : "participant.joined", p->room_id,
              p->session_id, p->id,
              json_pack("{s:s, s:s, s:s, s:s}", "identity", p->identity, "name", p->name, "role",
                        p->role, "kind", p->kind));
    participants_emit_media_events(c, p, &before);
    return 0;
}

// Runs the join inside a transaction; answers on every path.
static void join_in_tx(struct api_call *c, const json_t *b, const struct room_rec *room,
                       struct joiner *j)
{
    struct session_rec s;
    struct participant_rec old = {0};
    int err;
    if ((err = c->st->ops->begin(c->st))) {
        api_fail(c, err, "participant");
        return;
    }
    if (sessions_for_join(c, room, &s)) {
        c->st->ops->rollback(c->st);
        return;
    }
    snprintf(j->p.session_id, sizeof j->p.session_id, "%s", s.id);
    if (participants_moves_check_ban(c, s.id, j->p.identity)) {
        c->st->ops->rollback(c->st);
        return;
    }
    err = c->st->participants->find_active(c->st, c->who.org_id, s.id, j->p.identity, &old);
    if (err == 0) {
        if ((err = api_tx_end(c, rejoin(c, b, &old))))
            api_fail(c, err, "participant");
        else
            participants_answer(c, 200, &old);
        participant_rec_fini(&old);
        return;
    }
    if (err != VOX_ENOTFOUND) {
        api_tx_end(c, err);
        api_fail(c, err, "participant");
        return;
    }
    if (!j->waiting && participants_check_capacity(c, room, &s)) {
        c->st->ops->rollback(c->st);
        return;
    }
    if ((err = api_tx_end(c, seat(c, j, &s)))) {
        api_fail(c, err, "participant");
        return;
    }
    snprintf(c->resp->location, sizeof c->resp->location, "/v1/participants/%s", j->p.id);
    participants_answer(c, 201, &j->p);
}

static void participant_join(struct api_call *c)
{
    const char *room_id = api_path_uuid(c, 0, "room_id");
    if (!room_id)
        return;
    json_t *b = api_body(c, join_fields, sizeof join_fields / sizeof join_fields[0]);
    if (!b)
        return;
    struct room_rec room = {0};
    struct joiner j = {0};
    if (participants_load_room(c, room_id, &room) == 0 && check_token_joiner(c, b, &room) == 0 &&
        build_joiner(c, b, &room, &j) == 0)
        join_in_tx(c, b, &room, &j);
    participant_rec_fini(&j.p);
    room_rec_fini(&room);
    json_decref(b);
}

// ---- reads ----

static void participant_get(struct api_call *c)
{
    struct participant_rec p;
    if (participants_load(c, 0, &p))
        return;
    participants_answer(c, 200, &p);
    participant_rec_fini(&p);
}

// Reads status (a status name or "present") and the page into f; 0 or answered (-1).
static int read_list_query(struct api_call *c, struct participant_filter *f)
{
    participant_status s;
    if (api_page(c, &f->limit, &f->offset))
        return -1;
    f->status = http_query(c->req, "status");
    if (f->status && strcmp(f->status, PARTICIPANTS_PRESENT) &&
        participant_status_parse(f->status, &s)) {
        api_error(c, 400, "invalid_value", "status",
                  "status must be a participant status or \"present\"");
        return -1;
    }
    return 0;
}

static void answer_list(struct api_call *c, const struct participant_filter *f)
{
    struct participant_rec *v = NULL;
    size_t n = 0;
    int err = f->session_id ? c->st->participants->list(c->st, c->who.org_id, f, &v, &n) : 0;
    if (err) {
        participant_recs_free(v, n);
        api_fail(c, err, "participants");
        return;
    }
    jsonw w;
    jsonw_init(&w, api_body_writer(c, 200));
    jsonw_obj(&w);
    jsonw_key(&w, "participants");
    jsonw_arr(&w);
    for (size_t i = 0; i < n; i++)
        participants_write(&w, &v[i]);
    jsonw_arr_end(&w);
    jsonw_kint(&w, "limit", f->limit);
    jsonw_kint(&w, "offset", f->offset);
    jsonw_kstr(&w, "session_id", f->session_id);
    jsonw_obj_end(&w);
    participant_recs_free(v, n);
}

// Without ?session_id the room's current (or latest) session is listed.
static void room_participant_list(struct api_call *c)
{
    struct participant_filter f = {0};
    struct room_rec room = {0};
    struct session_rec s;
    if (!(f.room_id = api_path_uuid(c, 0, "room_id")) || read_list_query(c, &f) ||
        api_query_uuid(c, "session_id", &f.session_id))
        return;
    int err = participants_load_room(c, f.room_id, &room);
    room_rec_fini(&room);
    if (err || check_wrong_room(c, f.room_id))
        return;
    if (!f.session_id) {
        err = c->st->sessions->latest(c->st, c->who.org_id, f.room_id, &s);
        if (err && err != VOX_ENOTFOUND) {
            api_fail(c, err, "session");
            return;
        }
        f.session_id = err ? NULL : s.id;
    }
    answer_list(c, &f);
}

static void session_participant_list(struct api_call *c)
{
    struct participant_filter f = {0};
    struct session_rec s;
    if (!(f.session_id = api_path_uuid(c, 0, "session_id")) || read_list_query(c, &f))
        return;
    int err = c->st->sessions->get(c->st, c->who.org_id, f.session_id, &s);
    if (err)
        api_fail(c, err, "session");
    else if (check_wrong_room(c, s.room_id) == 0)
        answer_list(c, &f);
}

static const struct api_route routes[] = {
    {{HTTP_POST, "/v1/rooms/{room_id}/participants"},
     participant_join,
     AUTH_KEY_OR_USER,
     "Join a room (opens or starts its session as the room allows); an identity already in "
     "the session gets its participant back",
     API_BODY(join_fields)},
    {{HTTP_GET, "/v1/rooms/{room_id}/participants"},
     room_participant_list,
     AUTH_KEY_OR_USER,
     "List a room's participants, by default in its current session (filters: status "
     "(a status or present), session_id; limit, offset)",
     NULL,
     0},
    {{HTTP_GET, "/v1/sessions/{session_id}/participants"},
     session_participant_list,
     AUTH_KEY_OR_USER,
     "List a session's participants (filters: status; limit, offset)",
     NULL,
     0},
    {{HTTP_GET, "/v1/participants/{participant_id}"},
     participant_get,
     AUTH_KEY_OR_USER,
     "Get a participant",
     NULL,
     0},
    {{HTTP_PATCH, "/v1/participants/{participant_id}"},
     participants_state_update,
     AUTH_KEY_OR_USER,
     "Change a participant's media state, volume, role, name or metadata",
     API_BODY(participants_update_fields)},
    {{HTTP_POST, "/v1/participants/{participant_id}/leave"},
     participants_moves_leave,
     AUTH_KEY_OR_USER,
     "Leave (a token leaves as itself)",
     NULL,
     0},
    {{HTTP_POST, "/v1/participants/{participant_id}/remove"},
     participants_moves_remove,
     AUTH_KEY_OR_USER,
     "Remove (kick) a participant; with ban, its identity cannot rejoin the session",
     API_BODY(participants_remove_fields)},
    {{HTTP_POST, "/v1/participants/{participant_id}/admit"},
     participants_moves_admit,
     AUTH_KEY_OR_USER,
     "Admit a participant from the waiting room",
     NULL,
     0},
    {{HTTP_POST, "/v1/participants/{participant_id}/deny"},
     participants_moves_deny,
     AUTH_KEY_OR_USER,
     "Deny a participant in the waiting room",
     NULL,
     0},
    {{HTTP_POST, "/v1/participants/{participant_id}/move"},
     participants_moves_move,
     AUTH_KEY_OR_USER,
     "Move a participant to another room of the org",
     API_BODY(participants_move_fields)},
    {{HTTP_POST, "/v1/participants/{participant_id}/heartbeat"},
     participants_moves_heartbeat,
     AUTH_KEY_OR_USER,
     "Presence heartbeat (reconnecting -> connected)",
     NULL,
     0},
};

API_MODULE_TICK(api_participants_module, routes, participants_moves_tick);
