// SPDX-License-Identifier: MIT
// The store interface: per-resource operation tables, so a PostgreSQL backend can replace the
// SQLite one without touching handlers. Every operation takes the caller's org id and never
// reads or writes another org's rows (a foreign id is VOX_ENOTFOUND).
//
// Records are plain structs owned by the caller. Strings inside records that are pointers
// (metadata JSON and the like) are malloc'd by the store; free them with the matching
// *_rec_fini().
#ifndef VOX_STORE_STORE_H
#define VOX_STORE_STORE_H

#include <stdint.h>

typedef struct store store;

struct store_ops {
    // Writes are grouped: the outermost begin() opens a savepoint for one request inside a
    // batch transaction (opened on demand); commit() releases the savepoint into the batch;
    // rollback() undoes the request's writes at any nesting depth (later commits of the
    // same request are no-ops). Nothing is durable until flush().
    int (*begin)(store *s);
    int (*commit)(store *s);
    void (*rollback)(store *s);
    // The open batch's number, or 0 when none is open.
    uint64_t (*batch_open)(store *s);
    // Commits the open batch (no-op when none, or while a request is inside begin()).
    int (*flush)(store *s);
    // True when batch number gen failed to commit (its requests must not report success).
    int (*batch_failed)(store *s, uint64_t gen);
    // Cheap liveness check for /readyz.
    int (*ping)(store *s);
    void (*close)(store *s);
};

struct store {
    const struct store_ops *ops;
    const struct store_org_ops *orgs;
    const struct store_key_ops *keys;
    const struct store_room_ops *rooms;
    const struct store_category_ops *categories;
    const struct store_session_ops *sessions;
    const struct store_participant_ops *participants;
    const struct store_stage_ops *stage;
    const struct store_event_ops *events;
    const struct store_analytics_ops *analytics;
    const struct store_signal_ops *signals;
    const struct store_ban_ops *bans;
    void *impl;
};

// Opens (creating if needed) the SQLite database at path, applies pending migrations.
int store_open_sqlite(const char *path, store **out);
// Closes the store and frees it; safe on NULL.
void store_close(store *s);

#endif
