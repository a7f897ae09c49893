// SPDX-License-Identifier: MIT
// Participants: one identity's presence in a session, with role, status, permissions and
// media state.
#ifndef VOX_STORE_PARTICIPANTS_H
#define VOX_STORE_PARTICIPANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/participant.h"
#include "store/store.h"

// The media plane's latest measurement of a participant's network (RTCP over its connections).
struct participant_net {
    bool has;            // false: never measured (every other member is zero)
    char quality[12];    // excellent | good | poor | lost
    double rtt_ms;       // round-trip time
    double jitter_ms;    // interarrival jitter
    double loss;         // fraction of packets lost, 0..1
    double bitrate_kbps; // send + receive
    int64_t at;          // when measured (ms since the epoch)
};

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
    // Read-only here: create starts them at 0 and unmeasured, update leaves them alone, and
    // only add_speaking and set_network change them.
    int64_t speaking_ms; // time spent speaking in this session
    struct participant_net net;
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
    // With PARTICIPANTS_PRESENT only: role names to leave out (NULL = none), so a large
    // audience is not read row by row to list the few people running the room.
    const char *except_role[2];
};

struct store_participant_ops {
    // Inserts p with speaking_ms 0 and no network measurement, whatever p holds there.
    int (*create)(store *s, const struct participant_rec *p);
    int (*get)(store *s, const char *org_id, const char *id, struct participant_rec *out);
    // The identity's newest participant in the session that is not gone; VOX_ENOTFOUND if none.
    int (*find_active)(store *s, const char *org_id, const char *session_id, const char *identity,
                       struct participant_rec *out);
    // Oldest first; *out is a malloc'd array (free with participant_recs_free).
    int (*list)(store *s, const char *org_id, const struct participant_filter *f,
                struct participant_rec **out, size_t *n);
    // Writes every column but id, org, room, session, identity, kind, created_at, speaking_ms
    // and net (so a record read before add_speaking or set_network ran cannot undo them).
    int (*update)(store *s, const struct participant_rec *p);
    // Sets last_seen (a heartbeat).
    int (*touch)(store *s, const char *id, int64_t now_ms);
    // Participants occupying a seat (joining, connected, reconnecting) in the session.
    int (*count_present)(store *s, const char *session_id, int *n);
    // The same, counting only participants whose role is role_a or role_b (may be NULL).
    int (*count_present_roles)(store *s, const char *session_id, const char *role_a,
                               const char *role_b, int *n);
    // Across every org: participants in status whose last_seen is before seen_before, oldest
    // first, at most limit (presence timeouts).
    int (*list_idle)(store *s, const char *status, int64_t seen_before, int limit,
                     struct participant_rec **out, size_t *n);
    // Adds ms to the participant's speaking_ms and to its session's (two updates: run it inside
    // the caller's begin/commit); VOX_EINVAL when ms < 0, VOX_ENOTFOUND when the participant is
    // not the org's.
    int (*add_speaking)(store *s, const char *org_id, const char *participant_id, int64_t ms);
    // Replaces the participant's network measurement with *net (net->has false clears it);
    // VOX_EINVAL for a non-finite number or net->at <= 0, VOX_ENOTFOUND when the participant
    // is not the org's.
    int (*set_network)(store *s, const char *org_id, const char *participant_id,
                       const struct participant_net *net);
};

void participant_rec_fini(struct participant_rec *p);
void participant_recs_free(struct participant_rec *v, size_t n);

#endif
