// SPDX-License-Identifier: MIT
// Internals shared by the SQLite store files: the connection and a prepared-statement cache
// keyed by the SQL string's address (each call site passes a static string).
#ifndef VOX_STORE_SQLITE_INT_H
#define VOX_STORE_SQLITE_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

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

extern const struct store_org_ops sqlite_org_ops;
extern const struct store_key_ops sqlite_key_ops;
extern const struct store_room_ops sqlite_room_ops;
extern const struct store_category_ops sqlite_category_ops;
extern const struct store_session_ops sqlite_session_ops;
extern const struct store_participant_ops sqlite_participant_ops;
extern const struct store_stage_ops sqlite_stage_ops;
extern const struct store_event_ops sqlite_event_ops;
extern const struct store_analytics_ops sqlite_analytics_ops;

// Applies migrations newer than PRAGMA user_version; 0 or VOX_EIO.
int sqlite_migrate(sqlite3 *db);

#endif
