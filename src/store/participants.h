// SPDX-License-Identifier: MIT
// Participants: one identity's presence in a session, with role, status, permissions and
// media state.
#ifndef VOX_STORE_PARTICIPANTS_H
#define VOX_STORE_PARTICIPANTS_H

#include <stddef.h>
#include <stdint.h>

#include "domain/participant.h"
#include "store/store.h"

struct participant_rec {
    char id[37];
    char org_id[37];
    char room_id[37];
    char session_id[37];
    char identity[129];
    char name[129];
    char email[256]; // "" = none
    char kind[16];   // user | agent | recorder
    char role[16];   // role_name()
    char status[16]; // participant_status_name()
    uint32_t permissions;
    struct participant_media media;
    int recording_consent;
    char device[257];  // "" = unknown
    char browser[257]; // "" = unknown
    char *metadata;    // JSON object text, malloc'd (NULL reads as {})
    int64_t joined_at; // 0 = unset (as every time below)
    int64_t left_at;
    int64_t last_seen;
    int64_t created_at;
};

// Status filter values besides the status names.
#define PARTICIPANTS_PRESENT "present" // joining, connected, reconnecting
#define PARTICIPANTS_ACTIVE  "active"  // anything not gone (invited, waiting and present)

struct participant_filter {
    const char *room_id;    // NULL = any
    const char *session_id; // NULL = any
    const char *status;     // a status name, PARTICIPANTS_PRESENT/ACTIVE, or NULL = any
    int limit, offset;
};

struct store_participant_ops {
    int (*create)(store *s, const struct participant_rec *p);
    int (*get)(store *s, const char *org_id, const char *id, struct participant_rec *out);
    // The identity's newest participant in the session that is not gone; VOX_ENOTFOUND if none.
    int (*find_active)(store *s, const char *org_id, const char *session_id, const char *identity,
                       struct participant_rec *out);
    // Oldest first; *out is a malloc'd array (free with participant_recs_free).
    int (*list)(store *s, const char *org_id, const struct participant_filter *f,
                struct participant_rec **out, size_t *n);
    // Writes every column but id, org, room, session, identity, kind and created_at.
    int (*update)(store *s, const struct participant_rec *p);
    // Sets last_seen (a heartbeat).
    int (*touch)(store *s, const char *id, int64_t now_ms);
    // Participants occupying a seat (joining, connected, reconnecting) in the session.
    int (*count_present)(store *s, const char *session_id, int *n);
    // Across every org: participants in status whose last_seen is before seen_before, oldest
    // first, at most limit (presence timeouts).
    int (*list_idle)(store *s, const char *status, int64_t seen_before, int limit,
                     struct participant_rec **out, size_t *n);
};

void participant_rec_fini(struct participant_rec *p);
void participant_recs_free(struct participant_rec *v, size_t n);

#endif
