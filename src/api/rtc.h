// SPDX-License-Identifier: MIT
// The WebSocket signaling protocol (docs/PROTOCOL.md): participants' sockets, their requests
// (run as the REST routes they mirror, through api_invoke) and the fan-out of committed
// events to every socket in the room.
#ifndef VOX_API_RTC_H
#define VOX_API_RTC_H

#include <stddef.h>
#include <stdint.h>

#include "api/api.h"
#include "http/server.h"
#include "store/events.h"

struct rtc;

struct rtc *rtc_new(api *a);
void rtc_free(struct rtc *r);

// The http_ws_handlers for voxd's server; user is the api.
int rtc_ws_check(void *api, const http_req *req, sbuf *refusal);
void *rtc_ws_open(void *api, const http_req *req, http_ws *ws);
void rtc_ws_message(void *api, void *conn, const char *data, size_t len);
void rtc_ws_ping(void *api, void *conn);
void rtc_ws_closed(void *api, void *conn);

// Records a just-appended event for delivery once its batch commits.
void rtc_note_event(struct rtc *r, const struct event_rec *e);
// The position to rewind to if the current request is refused, and the rewind itself.
size_t rtc_mark(struct rtc *r);
void rtc_rewind(struct rtc *r, size_t mark);
// Sends what waited for the batch: events fan out and held answers go out when committed is
// set; when the batch failed they are dropped and held answers become errors.
void rtc_deliver(struct rtc *r, int committed);
// Revocation: every socket of org_id whose token key_id signed (every socket of the org when
// key_id is NULL) stops acting now (its messages are dropped) and is closed with 4005 and
// reason once the current batch commits, after what was already queued for it; so no later
// than the revoking request's answer. reason must be a static string.
void rtc_revoke(struct rtc *r, const char *org_id, const char *key_id, const char *reason);
// Once a second: expired tokens, presence refresh, rate-limit windows.
void rtc_tick(struct rtc *r, int64_t now_ms);

// Queues msg for the sockets of participant_id (and of no one else), after the current batch
// commits. Used by the signal relay.
void rtc_send_to_participant(struct rtc *r, const char *participant_id, const char *msg);
// Same, for every joined socket in room_id except the one of except_participant (may be NULL).
void rtc_send_to_room(struct rtc *r, const char *room_id, const char *except_participant,
                      const char *msg);

#endif
