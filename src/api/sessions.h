// SPDX-License-Identifier: MIT
// Session helpers the participant handlers share: the JSON form, finding or opening the
// session a join lands in, and the bookkeeping a join or a leave does on its session.
#ifndef VOX_API_SESSIONS_H
#define VOX_API_SESSIONS_H

#include <jansson.h>

#include "api/api.h"
#include "store/rooms.h"
#include "store/sessions.h"

// The session as the API shows it; duration_ms is live (now - started_at) while active or
// paused.
json_t *sessions_json(const struct session_rec *s, int64_t now_ms);

// Finds the session a join into room lands in, opening (created + started, with events) or
// starting one as the room's kind allows. Call inside a transaction. 0 with *out filled, or
// -1 after answering (409 session_ended for a one-off room whose session is over, 500).
int sessions_for_join(struct api_call *c, const struct room_rec *room, struct session_rec *out);

// After a participant took a seat in s: peak_participants = max(peak, present), a pending grace
// cancelled; present is the seat count including the newcomer. Writes only when something
// changes (most joins neither set a new peak nor end a grace). 0 or a VOX_E* code.
int sessions_note_join(struct api_call *c, struct session_rec *s, int present);

// After a participant gave up its seat: when nobody is left in a persistent room's live
// session, starts its empty grace period. 0 or a VOX_E* code.
int sessions_note_leave(struct api_call *c, const char *room_id, const char *session_id);

#endif
