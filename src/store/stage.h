// SPDX-License-Identifier: MIT
// Stage requests to speak, and the few participant reads and writes the stage needs (present
// members of a room's live session, role and permission changes).
#ifndef VOX_STORE_STAGE_H
#define VOX_STORE_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct stage_request_rec {
    char id[37];
    char org_id[37];
    char room_id[37];
    char session_id[37];
    char participant_id[37];
    char identity[129];   // the requester's, read from its participant row
    char state[16];       // stage_state_name()
    char decided_by[160]; // "" = nobody yet (or the timer)
    int64_t created_at;
    int64_t decided_at; // 0 while pending
};

// One participant as the stage sees it.
struct stage_member {
    char id[37];
    char room_id[37];
    char session_id[37];
    char identity[129];
    char role[16];   // role_name()
    char status[16]; // participant status name
    uint32_t permissions;
    int present; // status is joining, connected or reconnecting and its session is not over
};

struct stage_request_filter {
    const char *room_id;
    const char *state; // NULL = any
    int limit, offset;
};

struct store_stage_ops {
    int (*create)(store *s, const struct stage_request_rec *r);
    int (*get)(store *s, const char *org_id, const char *id, struct stage_request_rec *out);
    // Oldest first; *out malloc'd (plain free()).
    int (*list)(store *s, const char *org_id, const struct stage_request_filter *f,
                struct stage_request_rec **out, size_t *n);
    // Moves a pending request to state; VOX_ECONFLICT when it is no longer pending.
    int (*decide)(store *s, const char *org_id, const char *id, const char *state,
                  const char *decided_by, int64_t decided_at);
    // Up to limit pending requests of any org created at or before cutoff_ms, oldest first.
    int (*list_stale)(store *s, int64_t cutoff_ms, int limit, struct stage_request_rec **out,
                      size_t *n);
    // 1 in *out when the participant has a pending request.
    int (*has_pending)(store *s, const char *org_id, const char *participant_id, int *out);

    // The identity's present participant in the room (newest); VOX_ENOTFOUND when absent.
    int (*find_member)(store *s, const char *org_id, const char *room_id, const char *identity,
                       struct stage_member *out);
    // A participant of the room, present or not; VOX_ENOTFOUND when not in this org's room.
    int (*get_member)(store *s, const char *org_id, const char *room_id, const char *id,
                      struct stage_member *out);
    // Sets a participant's role and permission flags.
    int (*set_role)(store *s, const char *org_id, const char *id, const char *role,
                    uint32_t permissions);
    // Present participants of a session holding role.
    int (*count_role)(store *s, const char *org_id, const char *session_id, const char *role,
                      int *out);
};

#endif
