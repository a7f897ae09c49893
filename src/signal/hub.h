// SPDX-License-Identifier: MIT
// The WebSocket signaling hub (docs/PROTOCOL.md): participants' sockets, their requests (run
// as the REST routes they mirror, through api_invoke), the fan-out of committed events to
// every socket in the room, and ephemeral messages (speaking, levels, negotiation) that never
// touch the store. app owns it; the api reaches it only through hub_live_ops.
#ifndef VOX_SIGNAL_HUB_H
#define VOX_SIGNAL_HUB_H

#include <stddef.h>
#include <stdint.h>

#include "api/api.h"
#include "http/server.h"
#include "store/events.h"

struct hub;

// a is borrowed and must outlive the hub. Free the hub after the HTTP server (whose closing
// connections call hub_ws_closed) and before the api.
struct hub *hub_new(api *a);
void hub_free(struct hub *r);

// The api_live_ops a hub implements (the live pointer is the struct hub).
extern const struct api_live_ops hub_live_ops;

// The http_ws_handlers for voxd's server; user is the hub.
int hub_ws_check(void *hub, const http_req *req, sbuf *refusal);
void *hub_ws_open(void *hub, const http_req *req, http_ws *ws);
void hub_ws_message(void *hub, void *conn, const char *data, size_t len);
void hub_ws_ping(void *hub, void *conn);
void hub_ws_closed(void *hub, void *conn);

// The media plane the hub negotiates for (NULL: none; publishing is then refused). sfu is
// borrowed and must outlive the hub's sockets. Its events must be hub_sfu_events with the
// hub as user.
struct sfu;
struct sfu_events;
void hub_set_sfu(struct hub *r, struct sfu *sfu);
extern const struct sfu_events hub_sfu_events;

// Sends msg now to every joined socket of room_id except except_participant's (may be NULL):
// for ephemeral state that is never stored and must not wait for a commit (active speakers,
// audio levels, quality, negotiation). Ordered after what was already sent to each socket,
// possibly ahead of answers still held for the current batch.
void hub_send_ephemeral(struct hub *r, const char *room_id, const char *except_participant,
                        const char *msg);

// Records a just-appended event for delivery once its batch commits.
void hub_note_event(struct hub *r, const struct event_rec *e);
// The position to rewind to if the current request is refused, and the rewind itself.
size_t hub_mark(struct hub *r);
void hub_rewind(struct hub *r, size_t mark);
// Sends what waited for the batch: events fan out and held answers go out when committed is
// set; when the batch failed they are dropped and held answers become errors.
void hub_deliver(struct hub *r, int committed);
// Revocation: every socket of org_id whose token key_id signed (every socket of the org when
// key_id is NULL) stops acting now (its messages are dropped) and is closed with 4005 and
// reason once the current batch commits, after what was already queued for it; so no later
// than the revoking request's answer. reason must be a static string.
void hub_revoke(struct hub *r, const char *org_id, const char *key_id, const char *reason);
// Once a second: expired tokens, presence refresh, rate-limit windows.
void hub_tick(struct hub *r, int64_t now_ms);

// Queues msg for the sockets of participant_id (and of no one else), after the current batch
// commits. Used by the signal relay.
void hub_send_to_participant(struct hub *r, const char *participant_id, const char *msg);
// Same, for every joined socket in room_id except the one of except_participant (may be NULL).
void hub_send_to_room(struct hub *r, const char *room_id, const char *except_participant,
                      const char *msg);

#endif
