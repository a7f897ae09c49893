// SPDX-License-Identifier: MIT
// Aggregates over sessions and participants, for /metrics and the analytics API.
//
// A session's duration is duration_ms once it ended, the time since started_at while it is
// live, and 0 when it never started. Averages count completed sessions only; windows select
// sessions by created_at.
#ifndef VOX_STORE_ANALYTICS_H
#define VOX_STORE_ANALYTICS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct store_gauges {
    int64_t rooms;
    int64_t sessions_live;        // active or paused
    int64_t participants_present; // joining, connected or reconnecting
    int64_t memory_bytes;         // the store's own heap (SQLite: page caches included)
    int64_t memory_limit_bytes;   // what its caches may grow to by configuration
};

// Sessions created in [since, until] (ms since epoch, both inclusive); now_ms ends the
// open intervals of live sessions and present participants.
struct analytics_window {
    int64_t since, until, now_ms;
};

struct analytics_count {
    char key[16]; // a room type
    int64_t n;
};

struct analytics_top {
    char identity[129];
    int64_t sessions; // distinct sessions
    int64_t total_ms; // sum of (coalesce(left_at, now) - joined_at) over the identity's rows
};

struct analytics_summary {
    int64_t total_sessions;
    int64_t active_sessions; // active or paused
    int64_t completed_sessions;
    int64_t average_duration_ms; // over completed sessions; 0 when there are none
    struct analytics_count by_type[8];
    size_t ntypes;
    int64_t total_participants; // participant rows
    int64_t unique_identities;
    struct analytics_top *top; // malloc'd, ntop entries (analytics_summary_fini())
    size_t ntop;
};

struct analytics_room {
    char room_id[37];
    char name[129];
    char type[16];
    int64_t sessions;
    int64_t completed_sessions;
    int64_t total_duration_ms;
    int64_t average_duration_ms; // over completed sessions; 0 when there are none
    int64_t peak_participants;   // max over its sessions
};

struct analytics_day {
    char date[11]; // "YYYY-MM-DD" (UTC)
    int64_t sessions;
    int64_t total_duration_ms;
    int64_t peak_participants;
};

struct store_analytics_ops {
    // Process-wide gauges across every org (for /metrics only).
    int (*gauges)(store *s, struct store_gauges *out);
    // The org's totals over the window, with up to top identities ordered by sessions desc,
    // then total_ms desc, then identity.
    int (*summary)(store *s, const char *org_id, const struct analytics_window *w, int top,
                   struct analytics_summary *out);
    // Every room of the org with its sessions in the window (rooms without any included),
    // ordered by sessions desc, then name; *out is malloc'd (free() it).
    int (*rooms)(store *s, const char *org_id, const struct analytics_window *w, int limit,
                 int offset, struct analytics_room **out, size_t *n);
    // One room of the org (VOX_ENOTFOUND otherwise) and its days with sessions in the window,
    // oldest first; *days is malloc'd (free() it).
    int (*room)(store *s, const char *org_id, const char *room_id, const struct analytics_window *w,
                struct analytics_room *out, struct analytics_day **days, size_t *ndays);
};

void analytics_summary_fini(struct analytics_summary *sum);

#endif
