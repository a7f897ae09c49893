// SPDX-License-Identifier: MIT
// Internals shared by the SQLite store files: the connection and a prepared-statement cache
// keyed by the SQL string's address (each call site passes a static string).
#ifndef VOX_STORE_SQLITE_INT_H
#define VOX_STORE_SQLITE_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

// Page cache of each connection (the writer's and the checkpointer's): "PRAGMA cache_size =
// -16000" is in KiB.
#define SQLITE_CACHE_BYTES (16000 * 1024)

// Returns the cached prepared statement for sql, reset and with bindings cleared; NULL on a
// prepare error (logged).
sqlite3_stmt *sq_stmt(store *s, const char *sql);
sqlite3 *sq_db(store *s);

// Binding helpers: index is 1-based; NULL strings bind SQL NULL.
void sq_text(sqlite3_stmt *st, int i, const char *v);
void sq_int(sqlite3_stmt *st, int i, int64_t v);
// Column helpers: copy a text column into a fixed buffer (empty string for NULL), or dup it.
void sq_col_copy(sqlite3_stmt *st, int col, char *out, size_t cap);
char *sq_col_dup(sqlite3_stmt *st, int col);
// Runs a statement that returns no rows; 0, VOX_ECONFLICT on a constraint, VOX_EIO otherwise.
int sq_exec(store *s, sqlite3_stmt *st);
// Maps a sqlite3_step() result to a vox error and logs unexpected failures.
int sq_err(store *s, int rc);
// Runs a statement that changes rows; as sq_exec, and VOX_ENOTFOUND when it changed none.
int sq_exec_one(store *s, sqlite3_stmt *st);

// Reads the current row of st into the record at out.
typedef void (*sq_row_cb)(sqlite3_stmt *st, void *out);
// Steps st once and reads its row into out with row; VOX_ENOTFOUND when there is none. Resets st.
int sq_one(store *s, sqlite3_stmt *st, sq_row_cb row, void *out);
// Steps st into a calloc'd array of elem_size records (one spare, zeroed) read by row: at most
// limit of them, or as many as there are when limit < 0. *out and *n are set even on error (the
// caller frees the records read so far). Resets st.
int sq_many(store *s, sqlite3_stmt *st, int limit, size_t elem_size, sq_row_cb row, void **out,
            size_t *n);
// When err is set, frees an sq_many array of records that own no memory and sets *out = NULL,
// *n = 0 (for list ops that hand back nothing on failure); returns err.
int sq_many_drop(int err, void **out, size_t *n);
// Reads the single row of sql run with ?1 = org_id and ?2 = id (the by-id lookups).
// Runs sql with ?1 = org_id and ?2 = id, expecting it to change one row (VOX_ENOTFOUND
// otherwise): a delete or update of one org's row by id.
int sq_exec_by_id(store *s, const char *sql, const char *org_id, const char *id);
int sq_one_by_id(store *s, const char *sql, const char *org_id, const char *id, sq_row_cb row,
                 void *out);

// The rooms columns in the order sqlite_rooms_row() reads them (the channel listing reads the same
// records, followed by its own columns).
#define SQLITE_ROOMS_COLS                                                                          \
    "id, org_id, name, type, media_mode, persistent, max_participants, bitrate, "                  \
    "recording_allowed, screen_share_allowed, waiting_room, coalesce(password_hash, ''), "         \
    "coalesce(category_id, ''), position, empty_timeout, permission_overrides, metadata, "         \
    "created_at, updated_at"
#define SQLITE_ROOMS_NCOLS 19
// Reads a SQLITE_ROOMS_COLS row into the struct room_rec at rec (an sq_row_cb).
void sqlite_rooms_row(sqlite3_stmt *st, void *rec);

extern const struct store_org_ops sqlite_org_ops;
extern const struct store_key_ops sqlite_key_ops;
extern const struct store_room_ops sqlite_room_ops;
extern const struct store_category_ops sqlite_category_ops;
extern const struct store_session_ops sqlite_session_ops;
extern const struct store_participant_ops sqlite_participant_ops;
extern const struct store_stage_ops sqlite_stage_ops;
extern const struct store_event_ops sqlite_event_ops;
extern const struct store_analytics_ops sqlite_analytics_ops;
extern const struct store_signal_ops sqlite_signal_ops;
extern const struct store_ban_ops sqlite_ban_ops;

// Applies migrations newer than PRAGMA user_version; 0 or VOX_EIO.
int sqlite_migrate(sqlite3 *db);

#endif
