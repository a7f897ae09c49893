// SPDX-License-Identifier: MIT
// Participant helpers other handlers share: the JSON form, loading a participant named in the
// path, and finding the calling token's own participant (the actor in permission checks).
#ifndef VOX_API_PARTICIPANTS_H
#define VOX_API_PARTICIPANTS_H

#include <jansson.h>

#include "core/jsonw.h"
#include <stdbool.h>

#include "api/api.h"
#include "domain/participant.h"
#include "store/participants.h"

// Writes the participant as the API shows it (permissions as an array of names).
void participants_write(jsonw *w, const struct participant_rec *p);

// Loads the participant whose id is path capture i, in the caller's org. A token caller must
// be in the participant's room. 0 with *out filled (fini it), or -1 after answering 400
// invalid_uuid, 404 participant not found or 403 wrong_room.
int participants_load(struct api_call *c, int i, struct participant_rec *out);

// The calling token's own present participant (joining, connected, reconnecting) in the
// session; 0 with *out filled (fini it) or VOX_ENOTFOUND.
int participants_caller(struct api_call *c, const char *session_id, struct participant_rec *out);

// Who acts on target: an api key acts as the server with host rank and every permission; a
// token acts through its own present participant in target's session (*is_self when that is
// target). 0, or -1 after answering 403 forbidden when the token has no such participant.
int participants_actor(struct api_call *c, const struct participant_rec *target,
                       struct participant_actor *actor, bool *is_self);

// Gives p the role `to` with its permissions recomputed from room, and switches off the media
// the role may no longer publish (participant_media_enforce). Changes p only: the caller stores
// it, then records participants_note_changes().
struct room_rec;
void participants_apply_role(struct participant_rec *p, const struct room_rec *room, role to);

// Records what changed in p since it had role `from` and media `before`:
// participant.role_changed when the role differs, then one event per media change
// (participant.audio_disabled, participant.muted, ...), in the caller's transaction.
void participants_note_changes(struct api_call *c, const struct participant_rec *p, role from,
                               const struct participant_media *before);

// Parses a participant's stored role and status (unknown text reads as participant / left).
role participants_role(const struct participant_rec *p);
participant_status participants_status(const struct participant_rec *p);

#endif
