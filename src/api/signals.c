// SPDX-License-Identifier: MIT
// The peer-to-peer signal relay (docs/PROTOCOL.md, "Peer-to-peer rooms"): a present participant
// sends an offer, answer, ICE candidate or app message to another present participant of its
// session (or "*" for everyone else); it is stored, relayed to the addressees' sockets after
// the batch commits, and readable per session and per addressee. Not in the event log.
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/api_int.h"
#include "api/participants.h"
#include "core/err.h"
#include "domain/room.h"
#include "domain/session.h"
#include "domain/validate.h"
#include "store/rooms.h"
#include "store/sessions.h"
#include "store/signals.h"

// A WebSocket frame is at most 16 KiB, so a signal sent over the socket must fit in one.
#define SDP_MAX       12000
#define CANDIDATE_MAX 4096
#define DATA_MAX      8192
#define SIGNAL_MAX    (SDP_MAX + DATA_MAX + 1024)
#define LIST_DEFAULT  100
#define LIST_MAX      500

static const char *const kinds[] = {"offer", "answer", "candidate", "message", NULL};

static const struct body_field send_fields[] = {
    {.name = "to", .type = BODY_STRING, .required = 1, .min = 1, .max = 36},
    {.name = "signal", .type = BODY_OBJECT, .required = 1, .max = SIGNAL_MAX},
};
// The nested table for signal.kind. sdp, candidate and data are checked by check_signal():
// SDP carries CR LF (which BODY_STRING refuses) and candidate/data are not of one JSON type.
static const struct body_field kind_fields[] = {
    {.name = "kind", .type = BODY_ENUM, .required = 1, .enum_values = kinds},
};

// ---- validation ----

static size_t json_size(const json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    size_t n = text ? strlen(text) : 0;
    free(text);
    return n;
}

static int refuse(struct api_call *c, const char *code, const char *field, const char *msg)
{
    api_error(c, 400, code, field, "%s", msg);
    return -1;
}

// Checks the members besides kind; 0, or -1 after answering 400 naming "signal.<member>".
static int check_members(struct api_call *c, json_t *sig)
{
    const char *key;
    json_t *v;
    json_object_foreach(sig, key, v)
    {
        if (strcmp(key, "kind") == 0)
            continue;
        if (strcmp(key, "sdp") == 0) {
            if (!json_is_string(v))
                return refuse(c, "invalid_type", "signal.sdp", "signal.sdp must be a string");
            if (json_string_length(v) > SDP_MAX)
                return refuse(c, "too_long", "signal.sdp",
                              "signal.sdp is longer than 12000 bytes (one 16 KiB frame)");
        } else if (strcmp(key, "candidate") == 0) {
            if (!json_is_object(v) && !json_is_string(v))
                return refuse(c, "invalid_type", "signal.candidate",
                              "signal.candidate must be an object or a string");
            if (json_size(v) > CANDIDATE_MAX)
                return refuse(c, "too_long", "signal.candidate",
                              "signal.candidate is larger than 4096 bytes");
        } else if (strcmp(key, "data") == 0) {
            if (json_size(v) > DATA_MAX)
                return refuse(c, "too_long", "signal.data",
                              "signal.data is larger than 8192 bytes");
        } else {
            char field[80];
            snprintf(field, sizeof field, "signal.%.60s", key);
            return refuse(c, "unknown_field", field, "unknown field in signal");
        }
    }
    return 0;
}

// The nested check of body.signal: kind through its table, then the members, then what the
// kind needs (an offer or answer carries sdp, a candidate carries candidate).
static int check_signal(struct api_call *c, json_t *sig)
{
    struct body_error e;
    json_t *head = json_object();
    json_t *kind = json_object_get(sig, "kind");
    if (kind)
        json_object_set(head, "kind", kind);
    int bad = body_check(head, kind_fields, 1, "signal", &e);
    json_decref(head);
    if (bad) {
        api_error(c, 400, e.code, e.field, "%s", e.message);
        return -1;
    }
    if (check_members(c, sig))
        return -1;
    const char *k = json_string_value(kind);
    if ((!strcmp(k, "offer") || !strcmp(k, "answer")) && !json_object_get(sig, "sdp"))
        return refuse(c, "missing_field", "signal.sdp", "an offer or answer needs signal.sdp");
    if (!strcmp(k, "candidate") && !json_object_get(sig, "candidate"))
        return refuse(c, "missing_field", "signal.candidate", "a candidate needs signal.candidate");
    return 0;
}

// The send body: to is a participant UUID or "*"; signal passes check_signal(). NULL after 400.
static json_t *read_send_body(struct api_call *c)
{
    json_t *body = api_body(c, API_BODY(send_fields));
    if (!body)
        return NULL;
    const char *to = body_str(body, "to", "");
    char id[VALIDATE_UUID_LEN + 1] = "";
    if (strcmp(to, "*") && !validate_uuid_canon(to, id)) {
        api_error(c, 400, "invalid_uuid", "to", "to must be a participant id or \"*\"");
        json_decref(body);
        return NULL;
    }
    if (id[0]) // ids are stored lower-case
        json_object_set_new(body, "to", json_string(id));
    if (check_signal(c, json_object_get(body, "signal"))) {
        json_decref(body);
        return NULL;
    }
    return body;
}

// ---- the sender, its session and the addressee ----

static bool is_present(const struct participant_rec *p)
{
    return participant_is_present(participants_status(p));
}

// A token sends only as its own present participant; an api key acts for any participant.
static int check_sender(struct api_call *c, const struct participant_rec *from)
{
    if (c->who.kind == CALLER_PARTICIPANT) {
        struct participant_rec me;
        if (participants_caller(c, from->session_id, &me)) {
            api_error(c, 403, "forbidden", NULL, "you are not in this participant's session");
            return -1;
        }
        bool self = strcmp(me.id, from->id) == 0;
        participant_rec_fini(&me);
        if (!self) {
            api_error(c, 403, "forbidden", NULL, "a token sends signals only as itself");
            return -1;
        }
    }
    if (!is_present(from)) {
        api_error(c, 409, "conflict", NULL, "the sender is not present in the session (%s)",
                  from->status);
        return -1;
    }
    return 0;
}

// The session must be live, and offers, answers and candidates belong to p2p rooms (an sfu
// room's media goes through the server); app messages are relayed in either mode.
static int check_room(struct api_call *c, const struct participant_rec *from, const char *kind)
{
    struct session_rec s;
    session_state state;
    int err = c->st->sessions->get(c->st, c->who.org_id, from->session_id, &s);
    if (err || session_state_parse(s.state, &state) || !session_is_live(state)) {
        api_error(c, 409, "conflict", NULL, "the session is not live");
        return -1;
    }
    if (strcmp(kind, "message") == 0)
        return 0;
    struct room_rec room = {0};
    room_media_mode mode = ROOM_MEDIA_SFU;
    if (c->st->rooms->get(c->st, c->who.org_id, from->room_id, &room) == 0) {
        room_media_mode_parse(room.media_mode, &mode);
        room_rec_fini(&room);
    }
    if (mode != ROOM_MEDIA_P2P) {
        api_error(c, 409, "conflict", "signal.kind",
                  "%s signals are for p2p rooms; in an sfu room only kind message is relayed",
                  kind);
        return -1;
    }
    return 0;
}

// The addressee must be present in the sender's session: 404 when no such participant is in
// the org, 409 wrong_room when it is elsewhere or gone.
static int check_target(struct api_call *c, const struct participant_rec *from, const char *to)
{
    if (strcmp(to, from->id) == 0)
        return refuse(c, "invalid_value", "to", "a participant cannot signal itself");
    struct participant_rec t;
    memset(&t, 0, sizeof t);
    int err = c->st->participants->get(c->st, c->who.org_id, to, &t);
    if (err) {
        api_error(c, err == VOX_ENOTFOUND ? 404 : 500,
                  err == VOX_ENOTFOUND ? "not_found" : "internal", "to", "participant not found");
        return -1;
    }
    bool here = strcmp(t.session_id, from->session_id) == 0 && is_present(&t);
    participant_rec_fini(&t);
    if (!here) {
        api_error(c, 409, "wrong_room", "to", "that participant is not in this room");
        return -1;
    }
    return 0;
}

// ---- answers ----

static json_t *signal_json(const struct signal_rec *r)
{
    json_t *o =
        json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s}", "id", r->id, "seq", (json_int_t)r->seq,
                  "room_id", r->room_id, "session_id", r->session_id, "from", r->from_participant,
                  "to", r->to_participant[0] ? r->to_participant : "*", "kind", r->kind);
    json_object_set_new(o, "signal", api_json_text(r->payload));
    api_set_time(o, "created_at", r->created_at);
    return o;
}

// Queues {"type":"signal","from","seq","signal"} for the addressee's socket (or everyone
// else's in the room); delivered only once the batch holding the stored row commits.
static void relay(struct api_call *c, const struct signal_rec *r)
{
    json_t *m = json_pack("{s:s, s:s, s:I}", "type", "signal", "from", r->from_participant, "seq",
                          (json_int_t)r->seq);
    json_object_set_new(m, "signal", api_json_text(r->payload));
    char *text = json_dumps(m, JSON_COMPACT);
    json_decref(m);
    if (r->to_participant[0])
        API_LIVE(c->api, send_to_participant, r->to_participant, text);
    else
        API_LIVE(c->api, send_to_room, r->room_id, r->from_participant, text);
    free(text);
}

static void signal_send(struct api_call *c)
{
    struct participant_rec from;
    json_t *body = read_send_body(c);
    if (!body || participants_load(c, 0, &from)) {
        json_decref(body);
        return;
    }
    const char *to = body_str(body, "to", "*");
    json_t *sig = json_object_get(body, "signal");
    const char *kind = body_str(sig, "kind", "");
    if (check_sender(c, &from) == 0 && check_room(c, &from, kind) == 0 &&
        (strcmp(to, "*") == 0 || check_target(c, &from, to) == 0)) {
        struct signal_rec r = {.created_at = c->now_ms};
        memcpy(r.org_id, c->who.org_id, sizeof r.org_id);
        memcpy(r.room_id, from.room_id, sizeof r.room_id);
        memcpy(r.session_id, from.session_id, sizeof r.session_id);
        memcpy(r.from_participant, from.id, sizeof r.from_participant);
        snprintf(r.to_participant, sizeof r.to_participant, "%s", strcmp(to, "*") ? to : "");
        snprintf(r.kind, sizeof r.kind, "%s", kind);
        r.payload = json_dumps(sig, JSON_COMPACT);
        int err = c->st->signals->append(c->st, &r);
        if (err) {
            api_fail(c, err, "signal");
        } else {
            relay(c, &r);
            api_json(c, 201, signal_json(&r));
        }
        free(r.payload);
    }
    participant_rec_fini(&from);
    json_decref(body);
}

// ---- listing ----

// limit (1..500, default 100) and after (a seq, >= 0); 0 or -1 after answering 400.
static int read_page(struct api_call *c, struct signal_filter *f)
{
    if (api_query_int(c, "limit", LIST_DEFAULT, 1, LIST_MAX, &f->limit))
        return -1;
    const char *s = http_query(c->req, "after");
    if (!s)
        return 0;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!isdigit((unsigned char)*s) || *end || errno || v < 0) {
        api_error(c, 400, "invalid_value", "after",
                  "after is a signal seq (a non-negative integer, next_after of the last page)");
        return -1;
    }
    f->after_seq = v;
    return 0;
}

// next_after is the cursor for the next page: the last seq returned, or after itself when the
// page is empty, so a poller can always pass it back.
static void answer_list(struct api_call *c, const struct signal_filter *f)
{
    struct signal_rec *v;
    size_t n;
    int err = c->st->signals->list(c->st, c->who.org_id, f, &v, &n);
    if (err) {
        api_fail(c, err, "signals");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, signal_json(&v[i]));
    int64_t next = n ? v[n - 1].seq : f->after_seq;
    signal_recs_free(v, n);
    api_json(c, 200,
             json_pack("{s:o, s:I, s:i}", "signals", arr, "next_after", (json_int_t)next, "limit",
                       f->limit));
}

static void session_signals(struct api_call *c)
{
    const char *id = api_path_uuid(c, 0, "session_id");
    struct signal_filter f = {.session_id = id};
    struct session_rec s;
    if (!id || read_page(c, &f))
        return;
    int err = c->st->sessions->get(c->st, c->who.org_id, id, &s);
    if (err) {
        api_fail(c, err, "session");
        return;
    }
    if (c->who.kind == CALLER_PARTICIPANT && strcmp(c->who.room_id, s.room_id)) {
        api_error(c, 403, "wrong_room", NULL, "the access token is for another room");
        return;
    }
    answer_list(c, &f);
}

static void participant_signals(struct api_call *c)
{
    struct participant_rec p;
    struct signal_filter f = {0};
    if (participants_load(c, 0, &p))
        return;
    if (c->who.kind == CALLER_PARTICIPANT && strcmp(c->who.identity, p.identity)) {
        api_error(c, 403, "forbidden", NULL, "a token reads only its own signals");
    } else if (read_page(c, &f) == 0) {
        f.session_id = p.session_id;
        f.to_participant = p.id;
        f.broadcasts_since = p.created_at;
        answer_list(c, &f);
    }
    participant_rec_fini(&p);
}

static const struct api_route routes[] = {
    {{HTTP_POST, "/v1/participants/{participant_id}/signals"},
     signal_send,
     AUTH_KEY_OR_USER,
     "Relay a p2p signal (offer, answer, candidate, message) to a participant of the sender's "
     "session, or \"*\" for everyone else",
     API_BODY(send_fields)},
    {{HTTP_GET, "/v1/participants/{participant_id}/signals"},
     participant_signals,
     AUTH_KEY_OR_USER,
     "Signals addressed to a participant (and broadcasts from others), oldest first; "
     "?after=seq&limit=",
     NULL,
     0},
    {{HTTP_GET, "/v1/sessions/{session_id}/signals"},
     session_signals,
     AUTH_KEY_OR_USER,
     "A session's relayed signals, oldest first; ?after=seq&limit=",
     NULL,
     0},
};

API_MODULE(api_signals_module, routes);
