// SPDX-License-Identifier: MIT
// Participants leaving their seat or changing it: leave, remove (and the session ban it may
// set), waiting-room admit/deny, moves between rooms, heartbeats and the presence timer that
// marks silent participants gone.
#include "api/participants_int.h"

#include <stdio.h>
#include <string.h>

#include "api/rooms.h"
#include "api/sessions.h"
#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/uuid.h"
#include "store/bans.h"

#define PRESENCE_BATCH 200 // rows the presence tick handles per status per run

// Marks p gone with status and records event (data taken); frees the seat. Call in a tx.
static int depart(struct api_call *c, struct participant_rec *p, participant_status st,
                  const char *event, json_t *data)
{
    bool was_present = participant_is_present(participants_status(p));
    participants_set_status(p, st);
    p->left_at = c->now_ms;
    p->media.speaking = false;
    int err = c->st->participants->update(c->st, p);
    if (!err && was_present)
        err = sessions_note_leave(c, p->room_id, p->session_id);
    if (!err) {
        json_object_set_new(data, "identity", json_string(p->identity));
        api_event(c, event, p->room_id, p->session_id, p->id, data);
    } else
        json_decref(data);
    return err;
}

// ---- leave, remove, heartbeat ----

// A token may act only as its own participant for leave and heartbeat.
static int check_self(struct api_call *c, const struct participant_rec *p)
{
    if (c->who.kind == CALLER_PARTICIPANT && strcmp(c->who.identity, p->identity)) {
        api_error(c, 403, "forbidden", NULL, "a token may only act as its own participant");
        return -1;
    }
    return 0;
}

// Leave and heartbeat: an empty body, then the path's participant, who must be the caller's own
// (for a token) and not gone. 0 with *p loaded (participant_rec_fini), or answered and -1.
static int load_own_live(struct api_call *c, struct participant_rec *p)
{
    json_t *b = api_body(c, NULL, 0);
    if (!b)
        return -1;
    json_decref(b);
    if (participants_load(c, 0, p))
        return -1;
    if (check_self(c, p) == 0 && participants_check_not_gone(c, p) == 0)
        return 0;
    participant_rec_fini(p);
    return -1;
}

// Runs depart() in a transaction and answers with the participant.
static void depart_and_answer(struct api_call *c, struct participant_rec *p, participant_status st,
                              const char *event, json_t *data)
{
    int err = c->st->ops->begin(c->st);
    if (err)
        json_decref(data);
    else
        err = api_tx_end(c, depart(c, p, st, event, data));
    if (err)
        api_fail(c, err, "participant");
    else
        participants_answer(c, 200, p);
}

void participants_moves_leave(struct api_call *c)
{
    struct participant_rec p;
    if (load_own_live(c, &p))
        return;
    depart_and_answer(c, &p, PARTICIPANT_LEFT, "participant.left",
                      json_pack("{s:s}", "reason", "left"));
    participant_rec_fini(&p);
}

int participants_moves_check_ban(struct api_call *c, const char *session_id, const char *identity)
{
    int err = c->st->bans->get(c->st, c->who.org_id, session_id, identity, NULL);
    if (err == VOX_ENOTFOUND)
        return 0;
    if (err)
        api_fail(c, err, "ban");
    else
        api_error(c, 403, "banned", NULL,
                  "this identity was removed from the session and banned until it ends");
    return -1;
}

// Bans p's identity from its session; call in the remove's transaction.
static int ban(struct api_call *c, const struct participant_rec *p, const char *by,
               const char *reason)
{
    struct ban_rec b = {.created_at = c->now_ms};
    snprintf(b.org_id, sizeof b.org_id, "%s", p->org_id);
    snprintf(b.room_id, sizeof b.room_id, "%s", p->room_id);
    snprintf(b.session_id, sizeof b.session_id, "%s", p->session_id);
    snprintf(b.identity, sizeof b.identity, "%s", p->identity);
    snprintf(b.by, sizeof b.by, "%s", by);
    snprintf(b.reason, sizeof b.reason, "%s", reason);
    return c->st->bans->add(c->st, &b);
}

// Removes p (and with `ban`, keeps its identity out of the session) in one transaction.
static void remove_and_answer(struct api_call *c, struct participant_rec *p, const json_t *b)
{
    const char *by = c->who.kind == CALLER_PARTICIPANT ? c->who.identity : "server";
    const char *reason = body_str(b, "reason", "");
    bool banned = body_bool(b, "ban", 0);
    int err = c->st->ops->begin(c->st);
    if (!err) {
        err = banned ? ban(c, p, by, reason) : 0;
        if (!err)
            err = depart(c, p, PARTICIPANT_REMOVED, "participant.removed",
                         json_pack("{s:s, s:s, s:b}", "reason", reason, "by", by, "ban", banned));
        err = api_tx_end(c, err);
    }
    if (err)
        api_fail(c, err, "participant");
    else
        participants_answer(c, 200, p);
}

void participants_moves_remove(struct api_call *c)
{
    json_t *b = api_body(c, participants_remove_fields, participants_remove_nfields);
    if (!b)
        return;
    struct participant_rec p;
    struct participant_actor actor;
    bool is_self;
    if (participants_load(c, 0, &p)) {
        json_decref(b);
        return;
    }
    if (participants_actor(c, &p, &actor, &is_self) == 0) {
        const char *reason = "not allowed";
        int err = participant_check_remove(&actor, is_self, participants_role(&p),
                                           participants_status(&p), &reason);
        if (err) // the only conflict: the target is already gone
            participants_answer_refusal(c, err, reason, NULL, "participant_gone");
        else
            remove_and_answer(c, &p, b);
    }
    participant_rec_fini(&p);
    json_decref(b);
}

void participants_moves_heartbeat(struct api_call *c)
{
    struct participant_rec p;
    if (load_own_live(c, &p))
        return;
    bool restored = participants_status(&p) == PARTICIPANT_RECONNECTING;
    p.last_seen = c->now_ms;
    if (restored)
        participants_set_status(&p, PARTICIPANT_CONNECTED);
    int err = restored ? c->st->participants->update(c->st, &p)
                       : c->st->participants->touch(c->st, p.id, c->now_ms);
    if (!err && restored)
        api_event(c, "connection.restored", p.room_id, p.session_id, p.id,
                  json_pack("{s:s}", "identity", p.identity));
    if (err)
        api_fail(c, err, "participant");
    else
        participants_answer(c, 200, &p);
    participant_rec_fini(&p);
}

// ---- waiting room ----

static int admit(struct api_call *c, struct participant_rec *p, const struct room_rec *room)
{
    struct session_rec s;
    int err = c->st->sessions->get(c->st, c->who.org_id, p->session_id, &s);
    if (err)
        return err;
    if (participants_check_capacity(c, room, &s))
        return 1; // answered
    participants_set_status(p, PARTICIPANT_CONNECTED);
    p->joined_at = p->last_seen = c->now_ms;
    err = c->st->participants->update(c->st, p);
    if (!err)
        err = sessions_note_join(c, &s, s.participant_count + 1);
    if (!err) {
        api_event(c, "participant.admitted", p->room_id, p->session_id, p->id,
                  json_pack("{s:s}", "identity", p->identity));
        api_event(c, "participant.joined", p->room_id, p->session_id, p->id,
                  json_pack("{s:s, s:s, s:s, s:s}", "identity", p->identity, "name", p->name,
                            "role", p->role, "kind", p->kind));
    }
    return err;
}

// Admitting or denying someone not waiting: participant_gone when it already left, was removed
// or denied (as for every other action on it), else not_waiting.
static const char *not_waiting_code(const struct participant_rec *p)
{
    return participant_is_gone(participants_status(p)) ? "participant_gone" : "not_waiting";
}

static void decide(struct api_call *c, bool admitting)
{
    json_t *b = api_body(c, NULL, 0);
    if (!b)
        return;
    json_decref(b);
    struct participant_rec p;
    struct participant_actor a;
    struct room_rec room = {0};
    bool is_self;
    if (participants_load(c, 0, &p))
        return;
    const char *reason = "not allowed";
    int err = 0;
    if (participants_actor(c, &p, &a, &is_self) == 0 &&
        participants_load_room(c, p.room_id, &room) == 0) {
        if ((err = participant_check_admit(a.role, participants_status(&p), &reason)))
            participants_answer_refusal(c, err, reason, NULL, not_waiting_code(&p));
        else if (!admitting)
            depart_and_answer(c, &p, PARTICIPANT_DENIED, "participant.denied", json_object());
        else if ((err = c->st->ops->begin(c->st)) == 0 && (err = admit(c, &p, &room)) == 1)
            c->st->ops->rollback(c->st);
        else if ((err = api_tx_end(c, err)))
            api_fail(c, err, "participant");
        else
            participants_answer(c, 200, &p);
    }
    room_rec_fini(&room);
    participant_rec_fini(&p);
}

void participants_moves_admit(struct api_call *c)
{
    decide(c, true);
}

void participants_moves_deny(struct api_call *c)
{
    decide(c, false);
}

// ---- move ----

// The moved participant's seat in the destination, carrying identity, name, role and details.
static void moved_copy(const struct participant_rec *src, const struct room_rec *dest,
                       const char *session_id, int64_t now, struct participant_rec *out)
{
    *out = *src;
    out->metadata = src->metadata ? xstrdup(src->metadata) : NULL;
    uuid_new_v7(out->id, now);
    snprintf(out->room_id, sizeof out->room_id, "%s", dest->id);
    snprintf(out->session_id, sizeof out->session_id, "%s", session_id);
    out->permissions = rooms_permissions(dest, participants_role(src), src->identity);
    participant_media_init(&out->media);
    participants_set_status(out, PARTICIPANT_CONNECTED);
    out->joined_at = out->last_seen = out->created_at = now;
    out->left_at = 0;
    out->speaking_ms = 0; // as create stores them: the time and measurements stay with src
    memset(&out->net, 0, sizeof out->net);
}

// Seats p in dest (its live or a new session), then records p leaving its room; in a tx.
// 0 with *out filled, 1 when answered, or a VOX_E* code.
static int move_in_tx(struct api_call *c, struct participant_rec *p, const struct room_rec *dest,
                      struct participant_rec *out, int *status)
{
    struct session_rec s;
    int err;
    if (sessions_for_join(c, dest, &s) || participants_moves_check_ban(c, s.id, p->identity))
        return 1;
    err = c->st->participants->find_active(c->st, c->who.org_id, s.id, p->identity, out);
    *status = 200;
    if (err == VOX_ENOTFOUND) {
        if (participants_check_capacity(c, dest, &s))
            return 1;
        moved_copy(p, dest, s.id, c->now_ms, out);
        err = c->st->participants->create(c->st, out);
        if (!err)
            err = sessions_note_join(c, &s, s.participant_count + 1);
        *status = 201;
    }
    if (!err)
        err = depart(c, p, PARTICIPANT_LEFT, "participant.moved",
                     json_pack("{s:s, s:s}", "to_room", dest->id, "to_participant", out->id));
    if (!err && *status == 201)
        api_event(c, "participant.joined", out->room_id, out->session_id, out->id,
                  json_pack("{s:s, s:s, s:s, s:s, s:s}", "identity", out->identity, "name",
                            out->name, "role", out->role, "kind", out->kind, "moved_from",
                            p->room_id));
    return err;
}

static int check_move(struct api_call *c, const struct participant_rec *p,
                      const struct room_rec *dest)
{
    struct participant_actor a;
    bool is_self;
    if (participants_actor(c, p, &a, &is_self))
        return -1;
    if (strcmp(dest->id, p->room_id) == 0) {
        api_error(c, 400, "invalid_value", "room_id", "the participant is already in this room");
        return -1;
    }
    const char *reason = "not allowed";
    role r = participants_role(p);
    int err =
        participant_check_move(&a, is_self, r, rooms_permissions(dest, r, p->identity), &reason);
    if (err)
        participants_answer_refusal(c, err, reason, NULL, "conflict");
    return err ? -1 : 0;
}

void participants_moves_move(struct api_call *c)
{
    json_t *b = api_body(c, participants_move_fields, participants_move_nfields);
    if (!b)
        return;
    struct participant_rec p, out = {0};
    struct room_rec dest = {0};
    int status = 200;
    if (participants_load(c, 0, &p)) {
        json_decref(b);
        return;
    }
    if (participants_check_not_gone(c, &p) == 0 &&
        participants_load_room(c, body_str(b, "room_id", ""), &dest) == 0 &&
        check_move(c, &p, &dest) == 0) {
        int err = c->st->ops->begin(c->st);
        if (!err && (err = move_in_tx(c, &p, &dest, &out, &status)) == 1)
            c->st->ops->rollback(c->st);
        else if ((err = api_tx_end(c, err)))
            api_fail(c, err, "participant");
        else
            participants_answer(c, status, &out);
    }
    participant_rec_fini(&out);
    participant_rec_fini(&p);
    room_rec_fini(&dest);
    json_decref(b);
}

// ---- presence ----

// Moves idle participants of one status a step down: connected -> reconnecting (after the
// presence timeout), reconnecting -> left (after twice the timeout).
static void presence_step(struct api_call *c, participant_status from, int64_t idle_ms)
{
    struct participant_rec *v = NULL;
    size_t n = 0;
    int err = c->st->participants->list_idle(c->st, participant_status_name(from),
                                             c->now_ms - idle_ms, PRESENCE_BATCH, &v, &n);
    if (!err && n)
        err = c->st->ops->begin(c->st);
    for (size_t i = 0; !err && i < n; i++) {
        snprintf(c->who.org_id, sizeof c->who.org_id, "%s", v[i].org_id);
        if (from == PARTICIPANT_RECONNECTING) {
            err = depart(c, &v[i], PARTICIPANT_LEFT, "participant.left",
                         json_pack("{s:s}", "reason", "timeout"));
            continue;
        }
        participants_set_status(&v[i], PARTICIPANT_RECONNECTING);
        if (!(err = c->st->participants->update(c->st, &v[i])))
            api_event(c, "connection.lost", v[i].room_id, v[i].session_id, v[i].id,
                      json_pack("{s:s}", "identity", v[i].identity));
    }
    if (n && api_tx_end(c, err))
        log_error("presence update failed", "err=%s", vox_err_name(err));
    participant_recs_free(v, n);
}

void participants_moves_tick(struct api_call *c)
{
    int64_t timeout_ms = (int64_t)c->cfg->presence_timeout_s * 1000;
    if (timeout_ms <= 0)
        return;
    presence_step(c, PARTICIPANT_RECONNECTING, 2 * timeout_ms);
    presence_step(c, PARTICIPANT_CONNECTED, timeout_ms);
}
