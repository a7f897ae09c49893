// SPDX-License-Identifier: MIT
// The append-only event log.
#ifndef VOX_STORE_EVENTS_H
#define VOX_STORE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct event_rec {
    int64_t seq; // assigned by the store, increasing
    char id[37];
    char org_id[37];
    char room_id[37];        // "" = none
    char session_id[37];     // "" = none
    char participant_id[37]; // "" = none
    char type[64];           // "participant.joined", "session.started", ...
    char *data;              // JSON object text or NULL
    int64_t created_at;
};

struct event_filter {
    const char *room_id, *session_id, *participant_id; // NULL = any
    const char *type;                                  // exact type, NULL = any
    const char *type_prefix; // types starting with this ("participant."), NULL = any
    int64_t since, until;    // ms since epoch (inclusive), 0 = unbounded
    int64_t after_seq;       // only events with seq > after_seq (a forward cursor), 0 = all
    int limit, offset;
};

// What an event can be scoped to, for event_ops.exists().
enum event_scope { EVENT_SCOPE_ROOM, EVENT_SCOPE_SESSION };

struct store_event_ops {
    // Appends e; an empty id is generated and created_at 0 means now.
    int (*append)(store *s, const struct event_rec *e);
    // Oldest first (by seq) within the filter; *out is malloc'd (event_recs_free()).
    int (*list)(store *s, const char *org_id, const struct event_filter *f, struct event_rec **out,
                size_t *n);
    // 0 when the room or session id exists in org_id, VOX_ENOTFOUND otherwise (also for
    // another org's id), VOX_EIO on a store error.
    int (*exists)(store *s, const char *org_id, enum event_scope scope, const char *id);
};

void event_recs_free(struct event_rec *v, size_t n);

#endif
