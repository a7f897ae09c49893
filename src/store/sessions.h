// SPDX-License-Identifier: MIT
// Sessions: one occurrence of activity in a room, with its lifecycle times and counters.
#ifndef VOX_STORE_SESSIONS_H
#define VOX_STORE_SESSIONS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct session_rec {
    char id[37];
    char org_id[37];
    char room_id[37];
    char state[16];       // session_state_name()
    int64_t scheduled_at; // 0 = unset (as every time below)
    int64_t started_at;   // first start
    int64_t ended_at;
    int64_t duration_ms; // ended_at - started_at once terminal
    int peak_participants;
    int participant_count; // read-only: present participants now (filled by get/latest/list)
    char end_reason[32];   // "" while not terminal
    int64_t empty_since;   // persistent rooms: when the last participant left; 0 = not pending
    int64_t speaking_ms;   // read-only: the sum of its participants' (participants->add_speaking)
    int64_t created_at;
    int64_t updated_at;
};

struct session_filter {
    const char *room_id; // NULL = any
    const char *state;   // NULL = any
    int limit, offset;
};

struct store_session_ops {
    // Inserts r with speaking_ms 0, whatever r holds there.
    int (*create)(store *s, const struct session_rec *r);
    int (*get)(store *s, const char *org_id, const char *id, struct session_rec *out);
    // The room's newest session; VOX_ENOTFOUND when the room never had one.
    int (*latest)(store *s, const char *org_id, const char *room_id, struct session_rec *out);
    // Newest first; *out is a malloc'd array of *n records (free() it).
    int (*list)(store *s, const char *org_id, const struct session_filter *f,
                struct session_rec **out, size_t *n);
    // Writes state, times, duration, peak, end_reason and empty_since.
    int (*update)(store *s, const struct session_rec *r);
    // After a join: peak = max(peak, present), empty_since cleared.
    int (*note_join)(store *s, const char *id, int present, int64_t now_ms);
    // Sets (at > 0) or clears (at == 0) the pending-empty timestamp.
    int (*set_empty_since)(store *s, const char *id, int64_t at);
    // Across every org: live sessions whose empty_since is older than their room's
    // empty_timeout at now_ms; at most limit records in a malloc'd array (free() it).
    int (*list_expired)(store *s, int64_t now_ms, int limit, struct session_rec **out, size_t *n);
};

#endif
