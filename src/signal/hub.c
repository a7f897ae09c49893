// SPDX-License-Identifier: MIT
// WebSocket signaling (docs/PROTOCOL.md). A socket belongs to one participant token; its
// actions run as the REST routes they mirror (api_invoke), so both interfaces share every
// rule and event. What a change tells other sockets comes from the event log: each appended
// event is noted, and fanned out to the room only once its batch has committed.
#include "signal/hub.h"

#include "signal/hub_int.h"
#include "signal/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "api/participants.h"
#include "api/rooms.h"
#include "api/sessions.h"
#include "api/stage.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "core/mem.h"
#include "store/participants.h"
#include "store/rooms.h"
#include "store/sessions.h"

struct hub *hub_new(api *a)
{
    struct hub *r = xcalloc(1, sizeof *r);
    r->a = a;
    r->media = hub_media_new(r);
    return r;
}

void hub_drop_pending(struct hub *r, size_t nheld, size_t nnoted)
{
    for (size_t i = nheld; i < r->nheld; i++)
        free(r->held[i].msg);
    for (size_t i = nnoted; i < r->nnoted; i++)
        free(r->noted[i].data);
    r->nheld = nheld;
    r->nnoted = nnoted;
}

void hub_free(struct hub *r)
{
    if (!r)
        return;
    hub_drop_pending(r, 0, 0);
    hub_media_free(r->media);
    free(r->held);
    free(r->noted);
    for (size_t i = 0; i < ROOM_BUCKETS; i++)
        for (struct room_slot *s = r->rooms[i], *next; s; s = next) {
            next = s->next;
            free(s);
        }
    // Connections are freed by hub_ws_closed as the server closes them.
    free(r);
}

// ---- the room index ----

static size_t room_hash(const char *id)
{
    size_t h = 5381;
    for (; *id; id++)
        h = h * 33 + (unsigned char)*id;
    return h % ROOM_BUCKETS;
}

static struct room_slot **slot_ref(struct hub *r, const char *room_id)
{
    struct room_slot **pp = &r->rooms[room_hash(room_id)];
    while (*pp && strcmp((*pp)->room_id, room_id) != 0)
        pp = &(*pp)->next;
    return pp;
}

struct hub_conn *hub_room_conns(struct hub *r, const char *room_id)
{
    struct room_slot *s = *slot_ref(r, room_id);
    return s ? s->head : NULL;
}

static void room_add(struct hub *r, struct hub_conn *c)
{
    struct room_slot **pp = slot_ref(r, c->who.room_id);
    if (!*pp) {
        *pp = xcalloc(1, sizeof **pp);
        memcpy((*pp)->room_id, c->who.room_id, sizeof(*pp)->room_id);
    }
    c->room_next = (*pp)->head;
    if (c->room_next)
        c->room_next->room_prev = c;
    (*pp)->head = c;
    c->all_next = r->all;
    if (r->all)
        r->all->all_prev = c;
    r->all = c;
}

static void room_remove(struct hub *r, struct hub_conn *c)
{
    struct room_slot **pp = slot_ref(r, c->who.room_id);
    if (c->room_prev)
        c->room_prev->room_next = c->room_next;
    else if (*pp)
        (*pp)->head = c->room_next;
    if (c->room_next)
        c->room_next->room_prev = c->room_prev;
    if (*pp && !(*pp)->head) {
        struct room_slot *dead = *pp;
        *pp = dead->next;
        free(dead);
    }
    if (c->all_prev)
        c->all_prev->all_next = c->all_next;
    else
        r->all = c->all_next;
    if (c->all_next)
        c->all_next->all_prev = c->all_prev;
}

// ---- sending ----

void hub_send_now(struct hub_conn *c, const char *msg)
{
    if (!c->closing)
        http_ws_send(c->ws, msg, strlen(msg));
}

// Sends now when nothing is pending, else after the batch commits (answers and relays must
// not get ahead of the writes they report).
static void send_after_commit(struct hub *r, struct hub_conn *c, const char *req_id, char *msg)
{
    if (!r->a->st->ops->batch_open(r->a->st)) {
        hub_send_now(c, msg);
        free(msg);
        return;
    }
    if (r->nheld == r->held_cap) {
        r->held_cap = r->held_cap ? r->held_cap * 2 : 16;
        r->held = xrealloc(r->held, r->held_cap * sizeof *r->held);
    }
    struct held *h = &r->held[r->nheld++];
    h->conn = c;
    h->msg = msg;
    h->close_code = 0;
    h->close_reason = "";
    snprintf(h->req_id, sizeof h->req_id, "%s", req_id ? req_id : "");
}

// Sends msg (may be NULL), then closes the socket, once everything held for it has gone out.
static void close_after_commit(struct hub *r, struct hub_conn *c, char *msg, int code,
                               const char *reason)
{
    if (!r->a->st->ops->batch_open(r->a->st)) {
        if (msg)
            hub_send_now(c, msg);
        free(msg);
        http_ws_close(c->ws, code, reason);
        c->closing = 1;
        return;
    }
    send_after_commit(r, c, NULL, msg);
    r->held[r->nheld - 1].close_code = code;
    r->held[r->nheld - 1].close_reason = reason;
}

void hub_revoke(struct hub *r, const char *org_id, const char *key_id, const char *reason)
{
    for (struct hub_conn *c = r->all; c; c = c->all_next) {
        if (c->closing || c->revoked || strcmp(c->who.org_id, org_id) ||
            (key_id && strcmp(c->who.key_id, key_id)))
            continue;
        c->revoked = 1;
        close_after_commit(r, c, hub_error_msg(NULL, "credentials_revoked", NULL, reason), 4005,
                           reason);
    }
}

char *hub_error_msg(const char *req_id, const char *code, const char *field, const char *message)
{
    json_t *e = json_pack("{s:s, s:s}", "code", code, "message", message);
    json_object_set_new(e, "field", field ? json_string(field) : json_null());
    json_t *m = json_pack("{s:s, s:o}", "type", "error", "error", e);
    json_object_set_new(m, "id", req_id && *req_id ? json_string(req_id) : json_null());
    char *s = json_dumps(m, JSON_COMPACT);
    json_decref(m);
    return s;
}

void hub_send_error(struct hub *r, struct hub_conn *c, const char *req_id, const char *code,
                    const char *field, const char *message)
{
    send_after_commit(r, c, req_id, hub_error_msg(req_id, code, field, message));
}

void hub_send(struct hub *r, struct hub_conn *c, const char *msg)
{
    send_after_commit(r, c, NULL, xstrdup(msg));
}

void hub_msg_begin(sbuf *b, jsonw *w, const char *type, const char *req_id)
{
    sbuf_init(b);
    jsonw_init(w, b);
    jsonw_obj(w);
    jsonw_kstr(w, "type", type);
    if (req_id)
        jsonw_kstr(w, "id", req_id);
}

// {"type": type, "id": req_id, key: <raw JSON>} as text.
static char *wrap(const char *type, const char *req_id, const char *key, const char *raw)
{
    sbuf b;
    jsonw w;
    hub_msg_begin(&b, &w, type, req_id);
    if (key)
        jsonw_kraw(&w, key, raw, "null");
    jsonw_obj_end(&w);
    return sbuf_steal(&b);
}

void hub_send_to_participant(struct hub *r, const char *participant_id, const char *msg)
{
    for (struct hub_conn *c = r->all; c; c = c->all_next)
        if (strcmp(c->participant_id, participant_id) == 0)
            send_after_commit(r, c, NULL, xstrdup(msg));
}

void hub_send_to_room(struct hub *r, const char *room_id, const char *except_participant,
                      const char *msg)
{
    for (struct hub_conn *c = hub_room_conns(r, room_id); c; c = c->room_next)
        if (c->joined && (!except_participant || strcmp(c->participant_id, except_participant)))
            send_after_commit(r, c, NULL, xstrdup(msg));
}

void hub_send_ephemeral(struct hub *r, const char *room_id, const char *except_participant,
                        const char *msg)
{
    for (struct hub_conn *c = hub_room_conns(r, room_id); c; c = c->room_next)
        if (c->joined && (!except_participant || strcmp(c->participant_id, except_participant)))
            hub_send_now(c, msg);
}

void hub_send_about(struct hub *r, struct hub_conn *subject, const char *msg)
{
    if (subject->who.grants.hidden) {
        hub_send_now(subject, msg);
        return;
    }
    bool quiet = role_is_audience(subject->role);
    for (struct hub_conn *c = hub_room_conns(r, subject->who.room_id); c; c = c->room_next)
        if (c->joined && hub_hears_about(c, quiet, subject->participant_id))
            hub_send_now(c, msg);
}

// ---- the live side of the api ----

static void live_note_event(void *h, const struct event_rec *e)
{
    hub_note_event(h, e);
}
static size_t live_mark(void *h)
{
    return hub_mark(h);
}
static void live_rewind(void *h, size_t mark)
{
    hub_rewind(h, mark);
}
static void live_deliver(void *h, int committed)
{
    hub_deliver(h, committed);
}
static void live_revoke(void *h, const char *org_id, const char *key_id, const char *reason)
{
    hub_revoke(h, org_id, key_id, reason);
}
static void live_tick(void *h, int64_t now_ms)
{
    hub_tick(h, now_ms);
}
static void live_send_to_participant(void *h, const char *participant_id, const char *msg)
{
    hub_send_to_participant(h, participant_id, msg);
}
static void live_send_to_room(void *h, const char *room_id, const char *except, const char *msg)
{
    hub_send_to_room(h, room_id, except, msg);
}

static void live_metrics(void *h, sbuf *out)
{
    hub_media_metrics(h, out);
}

const struct api_live_ops hub_live_ops = {
    .note_event = live_note_event,
    .mark = live_mark,
    .rewind = live_rewind,
    .deliver = live_deliver,
    .revoke = live_revoke,
    .tick = live_tick,
    .send_to_participant = live_send_to_participant,
    .send_to_room = live_send_to_room,
    .metrics = live_metrics,
};

// ---- the upgrade ----

static const char *token_of(const http_req *req)
{
    const char *t = http_query(req, "access_token");
    if (!t && req->authorization && strncmp(req->authorization, "Bearer ", 7) == 0)
        t = req->authorization + 7;
    return t;
}

// Verifies the upgrade's token, and that its room exists in the signing key's org: a token
// for another org's room (or a deleted one) is refused here, not at join. 0 with *who filled,
// or the HTTP status to refuse with and *code/*reason set.
static int verify(api *a, const http_req *req, struct api_caller *who, const char **code,
                  const char **reason)
{
    http_resp resp = {.status = 200};
    struct api_call c = {.api = a, .st = a->st, .cfg = &a->cfg, .resp = &resp};
    c.now_ms = clock_now_ms();
    const char *token = token_of(req);
    *code = "unauthorized";
    *reason = "missing access_token";
    if (!token || auth_verify_access_token(&c, token, reason))
        return 401;
    if (!c.who.grants.join || !c.who.room_id[0]) {
        *reason = "the token does not grant joining a room";
        return 401;
    }
    struct room_rec room = {0};
    int err = a->st->rooms->get(a->st, c.who.org_id, c.who.room_id, &room);
    room_rec_fini(&room);
    if (err) {
        *code = err == VOX_ENOTFOUND ? "not_found" : "internal";
        *reason = err == VOX_ENOTFOUND ? "the token's room does not exist in its api key's org"
                                       : "the room could not be read";
        return err == VOX_ENOTFOUND ? 404 : 500;
    }
    *who = c.who;
    return 0;
}

int hub_ws_check(void *user, const http_req *req, sbuf *refusal)
{
    struct api_caller who;
    const char *code, *reason;
    if (strcmp(req->path, "/v1/rtc") != 0) {
        sbuf_puts(refusal, "{\"error\":{\"code\":\"not_found\",\"message\":\"WebSocket "
                           "connections go to /v1/rtc\",\"field\":null}}");
        return 404;
    }
    struct hub *r = user;
    int status = verify(r->a, req, &who, &code, &reason);
    if (status) {
        json_t *j =
            json_pack("{s:{s:s, s:s, s:n}}", "error", "code", code, "message", reason, "field");
        char *body = json_dumps(j, JSON_COMPACT);
        sbuf_puts(refusal, body);
        free(body);
        json_decref(j);
    }
    return status;
}

void *hub_ws_open(void *user, const http_req *req, http_ws *ws)
{
    struct hub *r = user;
    api *a = r->a;
    struct hub_conn *c = xcalloc(1, sizeof *c);
    const char *code, *reason;
    if (verify(a, req, &c->who, &code, &reason)) { // re-checked: the filter saw the same request
        free(c);
        return NULL;
    }
    c->ws = ws;
    c->tokens = RATE_BURST;
    c->refill_ms = c->window_ms = c->touched_ms = c->opened_ms = clock_now_ms();
    c->token_exp_ms = c->who.expires_at * 1000;
    room_add(r, c);
    return c;
}

// ---- requests ----

struct action {
    const char *type;
    enum http_method method;
    const char *path;   // {room}, {self}, {participant_id}, {request_id} are filled in
    const char *fixed;  // a fixed body (mute/unmute...), or NULL to pass the message's fields
    const char *answer; // answer type; its payload is the route's answer under `key`
    const char *key;
};

static const struct action actions[] = {
    {"leave", HTTP_POST, "/v1/participants/{self}/leave", NULL, "left", "participant"},
    {"update_state", HTTP_PATCH, "/v1/participants/{self}", NULL, "state_updated", "participant"},
    {"mute", HTTP_PATCH, "/v1/participants/{participant_id}", "{\"server_mute\":true}", "ok",
     "participant"},
    {"unmute", HTTP_PATCH, "/v1/participants/{participant_id}", "{\"server_mute\":false}", "ok",
     "participant"},
    {"deafen", HTTP_PATCH, "/v1/participants/{participant_id}", "{\"server_deaf\":true}", "ok",
     "participant"},
    {"undeafen", HTTP_PATCH, "/v1/participants/{participant_id}", "{\"server_deaf\":false}", "ok",
     "participant"},
    {"set_role", HTTP_PATCH, "/v1/participants/{participant_id}", NULL, "ok", "participant"},
    {"remove", HTTP_POST, "/v1/participants/{participant_id}/remove", NULL, "ok", "participant"},
    {"move", HTTP_POST, "/v1/participants/{participant_id}/move", NULL, "ok", "participant"},
    {"admit", HTTP_POST, "/v1/participants/{participant_id}/admit", NULL, "ok", "participant"},
    {"deny", HTTP_POST, "/v1/participants/{participant_id}/deny", NULL, "ok", "participant"},
    {"stage_request", HTTP_POST, "/v1/rooms/{room}/stage/requests", NULL, "ok", "request"},
    {"stage_cancel", HTTP_POST, "/v1/stage/requests/{request_id}/cancel", NULL, "ok", "request"},
    {"stage_approve", HTTP_POST, "/v1/stage/requests/{request_id}/approve", NULL, "ok", "request"},
    {"stage_deny", HTTP_POST, "/v1/stage/requests/{request_id}/deny", NULL, "ok", "request"},
    {"stage_demote", HTTP_POST, "/v1/rooms/{room}/stage/speakers/{participant_id}/demote", NULL,
     "ok", "participant"},
    {"signal", HTTP_POST, "/v1/participants/{self}/signals", NULL, "ok", "signal"},
};

// Fills the path template; moves the members it used out of body. 0, or -1 with *missing set.
static int build_path(struct hub_conn *c, const char *tpl, json_t *body, char *out, size_t cap,
                      char missing[32])
{
    size_t n = 0;
    out[0] = '\0';
    for (const char *p = tpl; *p && n + 1 < cap;) {
        if (*p != '{') {
            out[n++] = *p++;
            out[n] = '\0';
            continue;
        }
        const char *end = strchr(p, '}');
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)(end - p - 1), p + 1);
        const char *v = NULL;
        if (strcmp(name, "room") == 0)
            v = c->who.room_id;
        else if (strcmp(name, "self") == 0)
            v = c->participant_id;
        else
            v = json_string_value(json_object_get(body, name));
        if (!v || !*v || strchr(v, '/') || strlen(v) > 64) {
            snprintf(missing, 32, "%s", strcmp(name, "self") == 0 ? "participant_id" : name);
            return -1;
        }
        n += (size_t)snprintf(out + n, cap - n, "%s", v);
        if (strcmp(name, "room") && strcmp(name, "self"))
            json_object_del(body, name);
        p = end + 1;
    }
    return n + 1 < cap ? 0 : -1;
}

// Turns a route's error answer into the protocol's error message for req_id.
static char *error_from_resp(const char *req_id, const http_resp *resp)
{
    json_t *j = json_loadb(resp->body.data ? resp->body.data : "", resp->body.len, 0, NULL);
    json_t *e = json_object_get(j, "error");
    const char *code = json_string_value(json_object_get(e, "code"));
    const char *field = json_string_value(json_object_get(e, "field"));
    const char *msg = json_string_value(json_object_get(e, "message"));
    char *out =
        hub_error_msg(req_id, code ? code : "internal", field, msg ? msg : "request failed");
    json_decref(j);
    return out;
}

// Runs an action as the socket's participant and answers with its result or its error.
static void run_action(struct hub *r, struct hub_conn *c, const struct action *act,
                       const char *req_id, json_t *fields)
{
    char path[256];
    char missing[32] = "";
    if (build_path(c, act->path, fields, path, sizeof path, missing)) {
        char m[96];
        snprintf(m, sizeof m, "%s is required", missing[0] ? missing : "an id");
        hub_send_error(r, c, req_id, "missing_field", missing[0] ? missing : NULL, m);
        return;
    }
    char *body = act->fixed ? xstrdup(act->fixed) : json_dumps(fields, JSON_COMPACT);
    http_resp resp = {.status = 200};
    sbuf_init(&resp.body);
    api_invoke(r->a, &c->who, act->method, path, body, strlen(body), &resp);
    free(body);
    if (resp.status >= 400)
        send_after_commit(r, c, req_id, error_from_resp(req_id, &resp));
    else
        send_after_commit(
            r, c, req_id,
            wrap(act->answer, req_id, act->key, resp.body.len ? resp.body.data : "{}"));
    if (resp.status < 400 && strcmp(act->type, "leave") == 0) {
        c->joined = 0;
        close_after_commit(r, c, NULL, 1000, ""); // after the `left` answer (waits for the commit)
    }
    sbuf_fini(&resp.body);
}

// The state a participant sees on joining (and on admission).
char *hub_room_state(struct hub *r, struct hub_conn *c, const char *type, const char *req_id,
                     const struct participant_rec *self)
{
    store *st = r->a->st;
    struct room_rec room = {0};
    struct session_rec s;
    struct participant_rec *v = NULL;
    size_t n = 0;
    sbuf b;
    jsonw w;
    hub_msg_begin(&b, &w, type, req_id);
    if (st->rooms->get(st, c->who.org_id, self->room_id, &room) == 0) {
        jsonw_key(&w, "room");
        rooms_write(&w, &room, -1);
        room_rec_fini(&room);
    }
    if (st->sessions->get(st, c->who.org_id, self->session_id, &s) == 0) {
        json_t *sj = sessions_json(&s, clock_now_ms());
        char *text = json_dumps(sj, JSON_COMPACT);
        jsonw_kraw(&w, "session", text, "null");
        free(text);
        json_decref(sj);
    }
    jsonw_key(&w, "participant");
    participants_write(&w, self);
    jsonw_key(&w, "participants");
    jsonw_arr(&w);
    struct participant_filter f = {
        .session_id = self->session_id, .status = PARTICIPANTS_PRESENT, .limit = 1000};
    // An audience member is shown the people running the room, not the rest of the audience
    // (a count instead), so n listeners joining cost O(n), not O(n^2): the store leaves the
    // audience out of the list rather than handing over a thousand rows to skip.
    bool audience = role_is_audience(participants_role(self));
    if (audience) {
        f.except_role[0] = role_name(ROLE_AUDIENCE);
        f.except_role[1] = role_name(ROLE_VIEWER);
    }
    if (st->participants->list(st, c->who.org_id, &f, &v, &n) == 0)
        for (size_t i = 0; i < n; i++)
            if (strcmp(v[i].id, self->id) != 0 && !hub_is_hidden(r, v[i].room_id, v[i].id))
                participants_write(&w, &v[i]);
    participant_recs_free(v, n);
    jsonw_arr_end(&w);
    int listeners = 0;
    st->participants->count_present_roles(st, self->session_id, role_name(ROLE_AUDIENCE),
                                          role_name(ROLE_VIEWER), &listeners);
    for (struct hub_conn *o = hub_room_conns(r, self->room_id); o; o = o->room_next)
        listeners -= o->joined && o->who.grants.hidden && role_is_audience(o->role); // unseen
    jsonw_kint(&w, "audience_count", listeners);
    hub_media_write_tracks(r, self->room_id, &w);
    // Hosts and co-hosts also see who is already waiting to be admitted.
    if (participant_runs_waiting_room(participants_role(self))) {
        struct participant_rec *wv = NULL;
        size_t wn = 0;
        struct participant_filter wf = {.session_id = self->session_id,
                                        .status = participant_status_name(PARTICIPANT_WAITING),
                                        .limit = 1000};
        jsonw_key(&w, "waiting");
        jsonw_arr(&w);
        if (st->participants->list(st, c->who.org_id, &wf, &wv, &wn) == 0)
            for (size_t i = 0; i < wn; i++)
                participants_write(&w, &wv[i]);
        participant_recs_free(wv, wn);
        jsonw_arr_end(&w);
    }
    jsonw_key(&w, "ice_servers");
    jsonw_arr(&w);
    jsonw_arr_end(&w);
    jsonw_obj_end(&w);
    return sbuf_steal(&b);
}

// Another socket of the same participant (a reconnect that beat the old socket's close, or
// a second tab) is closed: one socket per participant.
static void replace_older(struct hub *r, struct hub_conn *c)
{
    for (struct hub_conn *o = hub_room_conns(r, c->who.room_id); o; o = o->room_next)
        if (o != c && strcmp(o->participant_id, c->participant_id) == 0 && !o->closing) {
            hub_media_conn_gone(r, o);
            o->participant_id[0] = '\0';
            o->joined = o->waiting = 0;
            http_ws_close(o->ws, 4009, "replaced by a newer connection");
            o->closing = 1;
        }
}

static void do_join(struct hub *r, struct hub_conn *c, const char *req_id, json_t *fields)
{
    if (c->joined || c->waiting) {
        hub_send_error(r, c, req_id, "already_joined", NULL, "this connection has joined already");
        return;
    }
    char path[96];
    snprintf(path, sizeof path, "/v1/rooms/%s/participants", c->who.room_id);
    char *body = json_dumps(fields, JSON_COMPACT);
    http_resp resp = {.status = 200};
    sbuf_init(&resp.body);
    api_invoke(r->a, &c->who, HTTP_POST, path, body, strlen(body), &resp);
    free(body);
    struct participant_rec self;
    memset(&self, 0, sizeof self);
    json_t *pj = resp.status < 400 ? json_loadb(resp.body.data, resp.body.len, 0, NULL) : NULL;
    const char *pid = json_string_value(json_object_get(pj, "id"));
    if (!pid || r->a->st->participants->get(r->a->st, c->who.org_id, pid, &self)) {
        send_after_commit(r, c, req_id, error_from_resp(req_id, &resp));
    } else {
        memcpy(c->participant_id, self.id, sizeof c->participant_id);
        c->role = participants_role(&self);
        replace_older(r, c);
        if (participants_status(&self) == PARTICIPANT_WAITING) {
            c->waiting = 1;
            send_after_commit(r, c, req_id, wrap("waiting", req_id, "participant", resp.body.data));
        } else {
            c->joined = 1;
            send_after_commit(r, c, req_id, hub_room_state(r, c, "joined", req_id, &self));
            hub_media_joined(r, c);
        }
    }
    participant_rec_fini(&self);
    json_decref(pj);
    sbuf_fini(&resp.body);
}

// Speaking and connection quality: stored on the participant (speaking) or carried in the
// broadcast (quality), never written to the event log: they change too often to be history.
static void do_report(struct hub *r, struct hub_conn *c, json_t *fields)
{
    json_t *speaking = json_object_get(fields, "speaking");
    const char *quality = json_string_value(json_object_get(fields, "quality"));
    store *st = r->a->st;
    struct participant_rec p;
    memset(&p, 0, sizeof p);
    if (st->participants->get(st, c->who.org_id, c->participant_id, &p))
        return;
    if (json_is_boolean(speaking) && p.media.speaking != json_is_true(speaking)) {
        p.media.speaking = json_is_true(speaking);
        if (st->ops->begin(st) == 0) {
            if (st->participants->update(st, &p) || st->ops->commit(st))
                st->ops->rollback(st);
        }
    }
    sbuf b;
    jsonw w;
    hub_msg_begin(&b, &w, "participant_updated", NULL);
    jsonw_key(&w, "participant");
    participants_write(&w, &p);
    jsonw_key(&w, "changes");
    jsonw_arr(&w);
    jsonw_str(&w, "participant.report");
    jsonw_arr_end(&w);
    if (quality)
        jsonw_kstr(&w, "quality", quality);
    jsonw_obj_end(&w);
    hub_send_to_room(r, c->who.room_id, NULL, b.data);
    sbuf_fini(&b);
    participant_rec_fini(&p);
}

static int check_report(json_t *fields, const char **field)
{
    static const char *const qualities[] = {"excellent", "good", "poor", "lost"};
    const char *key;
    json_t *v;
    json_object_foreach(fields, key, v)
    {
        *field = key;
        if (strcmp(key, "speaking") == 0 && json_is_boolean(v))
            continue;
        if (strcmp(key, "quality") == 0 && json_is_string(v)) {
            for (size_t i = 0; i < 4; i++)
                if (strcmp(json_string_value(v), qualities[i]) == 0)
                    goto next;
        }
        return -1;
    next:;
    }
    return 0;
}

// Token bucket (RATE_PER_SEC, RATE_BURST) plus a hard ceiling per second window.
static int rate_limited(struct hub *r, struct hub_conn *c, int64_t now)
{
    c->tokens += (double)(now - c->refill_ms) * RATE_PER_SEC / 1000.0;
    if (c->tokens > RATE_BURST)
        c->tokens = RATE_BURST;
    c->refill_ms = now;
    if (now - c->window_ms >= 1000) {
        c->window_ms = now;
        c->window_count = 0;
    }
    if (++c->window_count > FLOOD_PER_SEC) {
        http_ws_close(c->ws, 4008, "flooding");
        c->closing = 1;
        return 1;
    }
    if (c->tokens >= 1.0) {
        c->tokens -= 1.0;
        return 0;
    }
    if (now - c->limited_ms >= 1000) {
        c->limited_ms = now;
        hub_send_error(r, c, NULL, "rate_limited", NULL,
                       "too many messages: at most 50 per second on average");
    }
    return 1;
}

static void dispatch(struct hub *r, struct hub_conn *c, const char *type, const char *req_id,
                     json_t *fields)
{
    if (strcmp(type, "join") == 0) {
        do_join(r, c, req_id, fields);
        return;
    }
    if (!c->joined) {
        hub_send_error(r, c, req_id, "not_joined", NULL,
                       c->waiting ? "waiting for a host to admit you" : "send join first");
        return;
    }
    if (strcmp(type, "report") == 0) {
        const char *field = NULL;
        if (check_report(fields, &field))
            hub_send_error(r, c, req_id, "invalid_value", field,
                           "report takes speaking (boolean) and quality (excellent, good, poor, "
                           "lost)");
        else
            do_report(r, c, fields);
        return;
    }
    if (hub_media_message(r, c, type, req_id, fields))
        return;
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
        if (strcmp(actions[i].type, type) == 0) {
            run_action(r, c, &actions[i], req_id, fields);
            return;
        }
    hub_send_error(r, c, req_id, "unknown_type", "type", "unknown message type");
}

void hub_ws_message(void *user, void *conn, const char *data, size_t len)
{
    struct hub *r = user;
    struct hub_conn *c = conn;
    int64_t now = clock_now_ms();
    if (c->closing || c->revoked || rate_limited(r, c, now))
        return;
    struct wire_msg m;
    struct body_error e;
    if (wire_parse(data, len, &m, &e)) {
        hub_send_error(r, c, m.id[0] ? m.id : NULL, e.code, e.field[0] ? e.field : NULL, e.message);
    } else if (strcmp(m.type, "ping") == 0) {
        char *pong = wrap("pong", m.id[0] ? m.id : NULL, NULL, NULL);
        hub_send_now(c, pong);
        free(pong);
    } else {
        dispatch(r, c, m.type, m.id, m.fields);
    }
    wire_fini(&m);
}

// A WebSocket ping costs what a message costs: a ping flood is a flood (the pong is sent by
// the WebSocket layer either way, before this runs).
void hub_ws_ping(void *user, void *conn)
{
    struct hub *r = user;
    struct hub_conn *c = conn;
    if (!c->closing && !c->revoked)
        rate_limited(r, c, clock_now_ms());
}

// Hidden participants (the token's hidden grant: recorders, observers) never appear to others.
int hub_is_hidden(struct hub *r, const char *room_id, const char *participant_id)
{
    for (struct hub_conn *c = hub_room_conns(r, room_id); c; c = c->room_next)
        if (c->who.grants.hidden && strcmp(c->participant_id, participant_id) == 0)
            return 1;
    return 0;
}

// ---- closing and presence ----

// A socket that drops without `leave` leaves its participant reconnecting: the presence tick
// makes it leave if no socket comes back for it in time (docs/PROTOCOL.md).
static void mark_reconnecting(struct hub *r, struct hub_conn *c)
{
    store *st = r->a->st;
    struct participant_rec p;
    memset(&p, 0, sizeof p);
    if (st->participants->get(st, c->who.org_id, c->participant_id, &p) == 0 &&
        participants_status(&p) == PARTICIPANT_CONNECTED && st->ops->begin(st) == 0) {
        http_resp resp = {.status = 200};
        sbuf_init(&resp.body);
        struct api_call call = {.api = r->a, .st = st, .cfg = &r->a->cfg, .resp = &resp};
        call.now_ms = clock_now_ms();
        call.who = c->who;
        snprintf(p.status, sizeof p.status, "%s",
                 participant_status_name(PARTICIPANT_RECONNECTING));
        p.last_seen = call.now_ms;
        if (st->participants->update(st, &p) == 0 && st->ops->commit(st) == 0)
            api_event(&call, "connection.lost", p.room_id, p.session_id, p.id,
                      json_pack("{s:s}", "identity", p.identity));
        else
            st->ops->rollback(st);
        sbuf_fini(&resp.body);
    }
    participant_rec_fini(&p);
}

void hub_ws_closed(void *user, void *conn)
{
    struct hub *r = user;
    struct hub_conn *c = conn;
    hub_media_conn_gone(r, c);
    if ((c->joined || c->waiting) && c->participant_id[0])
        mark_reconnecting(r, c);
    for (size_t i = 0; i < r->nheld; i++)
        if (r->held[i].conn == c)
            r->held[i].conn = NULL;
    room_remove(r, c);
    free(c);
}

// Once a second, a room whose audience grew or shrank hears its new size (audience members
// do not hear of each other one by one).
static void audience_counts(struct hub *r)
{
    for (size_t i = 0; i < ROOM_BUCKETS; i++)
        for (struct room_slot *s = r->rooms[i]; s; s = s->next) {
            int64_t n = 0;
            for (struct hub_conn *c = s->head; c; c = c->room_next)
                n += c->joined && !c->closing && role_is_audience(c->role) && !c->who.grants.hidden;
            if (n == s->audience_sent)
                continue;
            s->audience_sent = n;
            char msg[64];
            snprintf(msg, sizeof msg, "{\"type\":\"audience_count\",\"count\":%lld}", (long long)n);
            for (struct hub_conn *c = s->head; c; c = c->room_next)
                if (c->joined)
                    hub_send_now(c, msg);
        }
}

void hub_tick(struct hub *r, int64_t now_ms)
{
    store *st = r->a->st;
    audience_counts(r);
    for (struct hub_conn *c = r->all; c; c = c->all_next) {
        if (c->closing)
            continue;
        if (c->revoked) { // its close was dropped with a refused request's rewind
            http_ws_close(c->ws, 4005, "credentials revoked");
            c->closing = 1;
            continue;
        }
        if (c->token_exp_ms && now_ms >= c->token_exp_ms) {
            hub_send_now(c, "{\"type\":\"error\",\"id\":null,\"error\":{\"code\":\"token_expired\","
                            "\"message\":\"the access token expired\",\"field\":null}}");
            http_ws_close(c->ws, 4001, "token expired");
            c->closing = 1;
            continue;
        }
        if (!c->joined && !c->waiting && !c->participant_id[0] &&
            now_ms - c->opened_ms >= (int64_t)r->a->cfg.join_timeout_s * 1000) {
            http_ws_close(c->ws, 4002, "no join");
            c->closing = 1;
            continue;
        }
        // An open socket is presence: keep last_seen fresh so the idle sweep leaves it be.
        int64_t every = r->a->cfg.presence_timeout_s * 1000 / 3;
        if (every > TOUCH_EVERY_MS)
            every = TOUCH_EVERY_MS;
        if ((c->joined || c->waiting) && now_ms - c->touched_ms >= every) {
            c->touched_ms = now_ms;
            if (st->ops->begin(st) == 0) {
                if (st->participants->touch(st, c->participant_id, now_ms) || st->ops->commit(st))
                    st->ops->rollback(st);
            }
        }
    }
}
