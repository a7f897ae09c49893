// SPDX-License-Identifier: MIT
// Internals shared by participants.c (JSON, loading, join, reads, the route table),
// participants_state.c (PATCH) and participants_moves.c (leave, remove, admit/deny, move,
// heartbeat, presence). Not for other handlers: they use api/participants.h.
#ifndef VOX_API_PARTICIPANTS_INT_H
#define VOX_API_PARTICIPANTS_INT_H

#include <stddef.h>

#include "api/participants.h"
#include "store/rooms.h"
#include "store/sessions.h"

// Bodies of the handlers below, defined next to the route table in participants.c.
extern const struct body_field participants_update_fields[];
extern const size_t participants_update_nfields;
extern const struct body_field participants_remove_fields[];
extern const size_t participants_remove_nfields;
extern const struct body_field participants_move_fields[];
extern const size_t participants_move_nfields;

// Store a status or role as its name in p.
void participants_set_status(struct participant_rec *p, participant_status s);
void participants_set_role(struct participant_rec *p, role r);

// Answers status with p as the body.
void participants_answer(struct api_call *c, int status, const struct participant_rec *p);

// Loads room id of the caller's org into *out (fini it); 0, or -1 after answering 404.
int participants_load_room(struct api_call *c, const char *id, struct room_rec *out);

// 0 when p has not left, been removed or denied; else -1 after answering 409 participant_gone.
int participants_check_not_gone(struct api_call *c, const struct participant_rec *p);

// Checks one more seat in s, whose participant_count was read in this transaction; 0, or -1
// after answering 409 room_full.
int participants_check_capacity(struct api_call *c, const struct room_rec *room,
                                const struct session_rec *s);

// Maps a domain refusal to its answer with the domain's reason as the message: VOX_EINVAL is
// 400 invalid_value (naming field), VOX_ECONFLICT 409 conflict_code, anything else 403.
void participants_answer_refusal(struct api_call *c, int err, const char *reason, const char *field,
                                 const char *conflict_code);

// Records one event per media change from before to p->media.
void participants_emit_media_events(struct api_call *c, const struct participant_rec *p,
                                    const struct participant_media *before);

// Route handlers (participants_state.c): PATCH /v1/participants/{participant_id}.
void participants_state_update(struct api_call *c);

// Route handlers (participants_moves.c): POST /v1/participants/{participant_id}/<action>.
void participants_moves_leave(struct api_call *c);
void participants_moves_remove(struct api_call *c);
void participants_moves_admit(struct api_call *c);
void participants_moves_deny(struct api_call *c);
void participants_moves_move(struct api_call *c);
void participants_moves_heartbeat(struct api_call *c);

// Whether identity may enter session_id: 0, or -1 after answering 403 `banned` (it was removed
// from that session with `ban: true`) or a store error.
int participants_moves_check_ban(struct api_call *c, const char *session_id, const char *identity);

// The presence timer: connected -> reconnecting -> left for participants not seen in time.
void participants_moves_tick(struct api_call *c);

#endif
