// SPDX-License-Identifier: MIT
// Fan-out: every appended event of a room is noted, and once its batch commits it becomes the
// protocol's server messages for that room's sockets (docs/PROTOCOL.md, "Server -> client").
// A refused request's notes are rewound with its savepoint, so sockets hear only of changes
// that happened.
#include "signal/hub_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/participants.h"
#include "api/rooms.h"
#include "api/sessions.h"
#include "api/stage.h"
#include "core/clock.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "store/rooms.h"
#include "store/sessions.h"

void hub_note_event(struct hub *r, const struct event_rec *e)
{
    if (!e->room_id[0])
        return;
    if (r->nnoted == r->noted_cap) {
        r->noted_cap = r->noted_cap ? r->noted_cap * 2 : 16;
        r->noted = xrealloc(r->noted, r->noted_cap * sizeof *r->noted);
    }
    struct noted *n = &r->noted[r->nnoted++];
    memcpy(n->org_id, e->org_id, sizeof n->org_id);
    memcpy(n->room_id, e->room_id, sizeof n->room_id);
    memcpy(n->session_id, e->session_id, sizeof n->session_id);
    memcpy(n->participant_id, e->participant_id, sizeof n->participant_id);
    memcpy(n->type, e->type, sizeof n->type);
    n->data = e->data ? xstrdup(e->data) : NULL;
}

// Both counts fit in 32 bits: a batch holds far fewer messages than that.
size_t hub_mark(struct hub *r)
{
    return (size_t)r->nheld << 32 | r->nnoted;
}

void hub_rewind(struct hub *r, size_t mark)
{
    size_t nheld = mark >> 32, nnoted = mark & 0xffffffffu;
    if (nheld <= r->nheld && nnoted <= r->nnoted)
        hub_drop_pending(r, nheld, nnoted);
}

static struct hub_conn *conn_of(struct hub *r, const char *room_id, const char *participant_id)
{
    for (struct hub_conn *c = hub_room_conns(r, room_id); c; c = c->room_next)
        if (!c->closing && strcmp(c->participant_id, participant_id) == 0)
            return c;
    return NULL;
}

static void broadcast(struct hub *r, const char *room_id, const char *except, const char *msg)
{
    for (struct hub_conn *c = hub_room_conns(r, room_id); c; c = c->room_next)
        if (c->joined && (!except || strcmp(c->participant_id, except) != 0))
            hub_send_now(c, msg);
}

// broadcast() for a message about subject: an audience member's news goes to everyone who is
// not audience, and to the subject itself.
static void broadcast_about(struct hub *r, const char *room_id, const struct participant_rec *s,
                            const char *except, const char *msg)
{
    bool quiet = role_is_audience(participants_role(s));
    for (struct hub_conn *c = hub_room_conns(r, room_id); c; c = c->room_next)
        if (c->joined && (!except || strcmp(c->participant_id, except) != 0) &&
            hub_hears_about(c, quiet, s->id))
            hub_send_now(c, msg);
}

static char *participant_msg(const char *type, const struct participant_rec *p,
                             const char *extra_key, const char *extra_raw)
{
    sbuf b;
    jsonw w;
    hub_msg_begin(&b, &w, type, NULL);
    jsonw_key(&w, "participant");
    participants_write(&w, p);
    if (extra_key)
        jsonw_kraw(&w, extra_key, extra_raw, "null");
    jsonw_obj_end(&w);
    return sbuf_steal(&b);
}

static const char *data_str(const struct noted *n, const char *key, char *buf, size_t cap)
{
    json_t *d = n->data ? json_loads(n->data, 0, NULL) : NULL;
    const char *v = json_string_value(json_object_get(d, key));
    snprintf(buf, cap, "%s", v ? v : "");
    json_decref(d);
    return buf;
}

static int data_bool(const struct noted *n, const char *key)
{
    json_t *d = n->data ? json_loads(n->data, 0, NULL) : NULL;
    int v = json_is_true(json_object_get(d, key));
    json_decref(d);
    return v;
}

// participant.left / removed / moved / denied and timeouts: the others see them go; the
// participant's own socket is told why and closed.
static void fan_departure(struct hub *r, const struct noted *n)
{
    char reason[64];
    const char *suffix = n->type + strlen("participant.");
    data_str(n, "reason", reason, sizeof reason);
    if (strcmp(suffix, "removed") == 0 || strcmp(suffix, "moved") == 0 || !reason[0])
        snprintf(reason, sizeof reason, "%s", suffix);
    json_t *m = json_pack("{s:s, s:s, s:s}", "type", "participant_left", "participant_id",
                          n->participant_id, "reason", reason);
    char *text = json_dumps(m, JSON_COMPACT);
    struct participant_rec who;
    memset(&who, 0, sizeof who);
    bool known = r->a->st->participants->get(r->a->st, n->org_id, n->participant_id, &who) == 0;
    // A denied guest was never announced, and a hidden one never shown: nothing to retract.
    if (strcmp(suffix, "denied") != 0 && !hub_is_hidden(r, n->room_id, n->participant_id)) {
        if (known)
            broadcast_about(r, n->room_id, &who, n->participant_id, text);
        else
            broadcast(r, n->room_id, n->participant_id, text);
    }
    participant_rec_fini(&who);
    free(text);
    json_decref(m);
    struct hub_conn *c = conn_of(r, n->room_id, n->participant_id);
    if (!c || (strcmp(suffix, "left") == 0 && strcmp(reason, "left") == 0))
        return; // a plain leave was answered already
    const char *type = strcmp(suffix, "denied") == 0    ? "denied"
                       : strcmp(suffix, "removed") == 0 ? "removed"
                                                        : "participant_left";
    // The participant's own socket gets its record too (denied/removed carry `participant`),
    // and a removed one whether it was banned from the session.
    struct participant_rec p;
    memset(&p, 0, sizeof p);
    if (r->a->st->participants->get(r->a->st, n->org_id, n->participant_id, &p) == 0) {
        sbuf b;
        jsonw w;
        hub_msg_begin(&b, &w, type, NULL);
        jsonw_key(&w, "participant");
        participants_write(&w, &p);
        jsonw_kstr(&w, "reason", reason);
        if (strcmp(type, "removed") == 0)
            jsonw_kbool(&w, "ban", data_bool(n, "ban"));
        jsonw_obj_end(&w);
        hub_send_now(c, b.data);
        sbuf_fini(&b);
    }
    participant_rec_fini(&p);
    c->joined = c->waiting = 0;
    http_ws_close(c->ws, strcmp(suffix, "left") == 0 ? 1000 : 4003, reason);
    c->closing = 1;
}

// Events about one participant that change what others see of it.
static void fan_participant(struct hub *r, const struct noted *n)
{
    store *st = r->a->st;
    struct participant_rec p;
    memset(&p, 0, sizeof p);
    if (st->participants->get(st, n->org_id, n->participant_id, &p))
        return;
    struct hub_conn *own = conn_of(r, n->room_id, n->participant_id);
    int hidden = own && own->who.grants.hidden;
    char changes[80];
    snprintf(changes, sizeof changes, "[\"%s\"]", n->type);
    if (hidden) {
        // Only the hidden participant itself hears about its own changes.
        if (strcmp(n->type, "participant.joined") != 0) {
            char *m = participant_msg("participant_updated", &p, "changes", changes);
            hub_send_now(own, m);
            free(m);
        }
    } else if (strcmp(n->type, "participant.joined") == 0) {
        char *m = participant_msg("participant_joined", &p, NULL, NULL);
        broadcast_about(r, n->room_id, &p, n->participant_id, m);
        free(m);
    } else if (strcmp(n->type, "participant.waiting") == 0) {
        char *m = participant_msg("participant_waiting", &p, NULL, NULL);
        for (struct hub_conn *c = hub_room_conns(r, n->room_id); c; c = c->room_next)
            if (c->joined && participant_runs_waiting_room(c->role))
                hub_send_now(c, m);
        free(m);
    } else if (strcmp(n->type, "participant.admitted") == 0) {
        if (own) {
            char *m = participant_msg("admitted", &p, NULL, NULL);
            hub_send_now(own, m);
            free(m);
            own->waiting = 0;
            own->joined = 1;
            m = hub_room_state(r, own, "room_state", NULL, &p);
            hub_send_now(own, m);
            free(m);
            hub_media_joined(r, own);
        }
    } else {
        char *m = participant_msg("participant_updated", &p, "changes", changes);
        // A role change is everyone's news: an audience member who becomes a speaker (or
        // a speaker sent back) appears in (or leaves) every list.
        if (strcmp(n->type, "participant.role_changed") == 0)
            broadcast(r, n->room_id, NULL, m);
        else
            broadcast_about(r, n->room_id, &p, NULL, m);
        free(m);
        if (own && strcmp(n->type, "participant.role_changed") == 0) {
            char from[16], to[16];
            data_str(n, "from", from, sizeof from);
            data_str(n, "to", to, sizeof to);
            own->role = participants_role(&p);
            sbuf b;
            jsonw w;
            hub_msg_begin(&b, &w, "role_changed", NULL);
            jsonw_key(&w, "participant");
            participants_write(&w, &p);
            jsonw_kstr(&w, "from", from);
            jsonw_kstr(&w, "to", to[0] ? to : p.role);
            jsonw_obj_end(&w);
            hub_send_now(own, b.data);
            sbuf_fini(&b);
        }
    }
    hub_media_participant(r, own, &p);
    participant_rec_fini(&p);
}

static void fan_room(struct hub *r, const struct noted *n)
{
    store *st = r->a->st;
    if (strcmp(n->type, "room.deleted") == 0) {
        for (struct hub_conn *c = hub_room_conns(r, n->room_id); c; c = c->room_next) {
            hub_send_now(c, "{\"type\":\"room_deleted\"}");
            http_ws_close(c->ws, 4004, "room deleted");
            c->closing = 1;
        }
        return;
    }
    struct room_rec room = {0};
    if (st->rooms->get(st, n->org_id, n->room_id, &room))
        return;
    sbuf b;
    jsonw w;
    hub_msg_begin(&b, &w, "room_updated", NULL);
    jsonw_key(&w, "room");
    rooms_write(&w, &room, -1);
    jsonw_obj_end(&w);
    broadcast(r, n->room_id, NULL, b.data);
    sbuf_fini(&b);
    room_rec_fini(&room);
}

static void fan_session(struct hub *r, const struct noted *n)
{
    struct session_rec s;
    if (r->a->st->sessions->get(r->a->st, n->org_id, n->session_id, &s))
        return;
    json_t *m = json_pack("{s:s, s:o}", "type", "session_updated", "session",
                          sessions_json(&s, clock_now_ms()));
    char *text = json_dumps(m, JSON_COMPACT);
    broadcast(r, n->room_id, NULL, text);
    free(text);
    json_decref(m);
}

static void fan_stage(struct hub *r, const struct noted *n)
{
    char id[64];
    struct stage_request_rec req;
    data_str(n, "request_id", id, sizeof id);
    if (!id[0] || r->a->st->stage->get(r->a->st, n->org_id, id, &req))
        return;
    char type[64];
    snprintf(type, sizeof type, "stage_%s", n->type + strlen("stage."));
    json_t *m = json_pack("{s:s, s:o}", "type", type, "request", stage_request_json(&req));
    char *text = json_dumps(m, JSON_COMPACT);
    broadcast(r, n->room_id, NULL, text);
    free(text);
    json_decref(m);
}

static int is_departure(const char *type)
{
    return !strcmp(type, "participant.left") || !strcmp(type, "participant.removed") ||
           !strcmp(type, "participant.moved") || !strcmp(type, "participant.denied");
}

static void fan_out(struct hub *r, const struct noted *n)
{
    if (!hub_room_conns(r, n->room_id))
        return; // nobody listens in this room
    if (is_departure(n->type))
        fan_departure(r, n);
    else if (!strncmp(n->type, "participant.", 12) || !strncmp(n->type, "connection.", 11))
        fan_participant(r, n);
    else if (!strncmp(n->type, "room.", 5))
        fan_room(r, n);
    else if (!strncmp(n->type, "session.", 8))
        fan_session(r, n);
    else if (!strncmp(n->type, "stage.", 6))
        fan_stage(r, n);
}

void hub_deliver(struct hub *r, int committed)
{
    // Fan-out reads the store, which may open nothing new: take the lists first.
    size_t nheld = r->nheld, nnoted = r->nnoted;
    struct held *held = r->held;
    struct noted *noted = r->noted;
    if (!nheld && !nnoted)
        return;
    r->held = NULL;
    r->noted = NULL;
    r->nheld = r->nnoted = r->held_cap = r->noted_cap = 0;
    for (size_t i = 0; i < nheld; i++) {
        struct held *h = &held[i];
        if (h->conn && committed && h->msg)
            hub_send_now(h->conn, h->msg);
        else if (h->conn && h->req_id[0]) {
            char *e = hub_error_msg(h->req_id, "internal", NULL, "the change could not be stored");
            hub_send_now(h->conn, e);
            free(e);
        }
        free(h->msg);
        if (h->conn && h->close_code && !h->conn->closing) {
            http_ws_close(h->conn->ws, h->close_code, h->close_reason);
            h->conn->closing = 1;
        }
    }
    for (size_t i = 0; i < nnoted; i++) {
        if (committed)
            fan_out(r, &noted[i]);
        free(noted[i].data);
    }
    free(held);
    free(noted);
}
