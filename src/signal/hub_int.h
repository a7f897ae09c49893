// SPDX-License-Identifier: MIT
// Internals shared by hub.c (sockets and requests) and hub_fanout.c (events to sockets).
#ifndef VOX_SIGNAL_HUB_INT_H
#define VOX_SIGNAL_HUB_INT_H

#include <stdbool.h>
#include <string.h>

#include "api/api_int.h"
#include "core/jsonw.h"
#include "domain/role.h"
#include "signal/hub.h"
#include "store/participants.h"

#define ROOM_BUCKETS   1024
#define RATE_PER_SEC   50.0
#define RATE_BURST     100.0
#define FLOOD_PER_SEC  200
#define ID_MAX         64
#define TOUCH_EVERY_MS 10000

struct media_part;
struct hub_media;
struct sfu;

struct hub_conn {
    struct hub_conn *room_next, *room_prev; // sockets of the same room
    struct hub_conn *all_next, *all_prev;
    http_ws *ws;
    struct api_caller who; // from the access token
    int64_t token_exp_ms;
    char participant_id[37];
    role role; // as of its join (events that change it update it)
    int joined, waiting, closing;
    int revoked; // its credentials were revoked: it may not act, and closes after the commit
    double tokens;
    int64_t refill_ms, window_ms, limited_ms, touched_ms;
    int64_t opened_ms; // a socket that has not joined after --join-timeout is closed
    int window_count;
    struct media_part *mp; // its media (hub_media.c), made when it first publishes or receives
    int media_joined;      // joined: may publish and is offered what it should receive
};

struct room_slot {
    struct room_slot *next;
    char room_id[37];
    struct hub_conn *head;
    int64_t audience_sent; // the audience count last sent to the room
};

// A message held until the batch it depends on commits.
struct held {
    struct hub_conn *conn;    // NULL once the socket closed
    char *msg;                // NULL for a pure close
    char req_id[ID_MAX + 1];  // answers: turned into an error if the batch fails
    int close_code;           // nonzero: close the socket after msg (e.g. after `left`)
    const char *close_reason; // static text for the close frame, or ""
};

struct noted {
    char org_id[37], room_id[37], session_id[37], participant_id[37];
    char type[64];
    char *data;
};

struct hub {
    api *a;
    struct room_slot *rooms[ROOM_BUCKETS];
    struct hub_conn *all;
    struct held *held;
    size_t nheld, held_cap;
    struct noted *noted;
    size_t nnoted, noted_cap;
    struct hub_media *media;
};

// The sockets of a room (NULL when none), linked through room_next.
struct hub_conn *hub_room_conns(struct hub *r, const char *room_id);
// Queues msg on the socket now (unless it is closing).
void hub_send_now(struct hub_conn *c, const char *msg);
// Sends now an ephemeral message about subject's own state (its quality) to the sockets of
// its room that may see it, as the durable news about a participant goes: a hidden
// participant's only to itself, an audience member's to the room's non-audience and itself
// (a stage of 1,000 would otherwise hear every listener's every change), anyone else's to all.
void hub_send_about(struct hub *r, struct hub_conn *subject, const char *msg);
// The audience rule both use: news of a quiet (audience) subject reaches the room's
// non-audience and the subject itself; anyone else's reaches everyone.
static inline bool hub_hears_about(const struct hub_conn *c, bool quiet, const char *subject_id)
{
    return !quiet || !role_is_audience(c->role) || strcmp(c->participant_id, subject_id) == 0;
}
// {"type":"error","id":req_id,"error":{code,message,field}} as malloc'd text.
char *hub_error_msg(const char *req_id, const char *code, const char *field, const char *message);
// The joined-shaped state (room, session, self, others present, ice servers) as malloc'd text.
char *hub_room_state(struct hub *r, struct hub_conn *c, const char *type, const char *req_id,
                     const struct participant_rec *self);
// Starts a protocol message in b: {"type": type[, "id": req_id] ... (the caller closes the
// object with jsonw_obj_end and owns b).
void hub_msg_begin(sbuf *b, jsonw *w, const char *type, const char *req_id);
// Whether the participant's socket holds a token with the hidden grant.
int hub_is_hidden(struct hub *r, const char *room_id, const char *participant_id);
// Sends a copy of msg to c after the current batch commits (at once when none is open), in
// order with everything else sent to c that way.
void hub_send(struct hub *r, struct hub_conn *c, const char *msg);
// An error message for req_id, sent as hub_send does.
void hub_send_error(struct hub *r, struct hub_conn *c, const char *req_id, const char *code,
                    const char *field, const char *message);

// hub_media.c: publishing and subscribing (docs/PROTOCOL.md, "Media").
struct hub_media *hub_media_new(struct hub *r);
void hub_media_free(struct hub_media *m);
// Handles the media messages (publish, subscribe_answer, subscribe, unsubscribe): 1, or 0
// when type is not one of them.
int hub_media_message(struct hub *r, struct hub_conn *c, const char *type, const char *req_id,
                      json_t *fields);
// c has joined (or was admitted): it may now publish, and is offered what it should receive.
void hub_media_joined(struct hub *r, struct hub_conn *c);
// c is going: its tracks are unpublished and its peers closed.
void hub_media_conn_gone(struct hub *r, struct hub_conn *c);
// p (whose socket is c) changed: what is forwarded of it, and to it, follows.
void hub_media_participant(struct hub *r, struct hub_conn *c, const struct participant_rec *p);
// The media plane's counters in Prometheus text (nothing without an sfu).
void hub_media_metrics(struct hub *r, sbuf *out);
// The room's published tracks as a "tracks" member (for joined and room_state).
void hub_media_write_tracks(struct hub *r, const char *room_id, jsonw *w);

// Frees held messages and noted events past the given counts.
void hub_drop_pending(struct hub *r, size_t nheld, size_t nnoted);

#endif
