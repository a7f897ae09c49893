// SPDX-License-Identifier: MIT
// Relayed signals on SQLite: an append-only table read by session or by addressee, both in
// seq order so a cursor (after=seq) pages forward without gaps.
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/uuid.h"
#include "store/signals.h"
#include "store/sqlite_int.h"

#define SIG_COLS                                                                                   \
    "seq, id, org_id, room_id, session_id, from_participant, coalesce(to_participant, ''), "       \
    "kind, payload, created_at"

static const char SQL_APPEND[] =
    "INSERT INTO signals (id, org_id, room_id, session_id, from_participant, to_participant, "
    "kind, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, ''), ?7, ?8, ?9)";
static const char SQL_BY_SESSION[] = "SELECT " SIG_COLS " FROM signals WHERE session_id = ?1 "
                                     "AND +org_id = ?2 AND seq > ?3 ORDER BY seq LIMIT ?4";
// Direct messages walk signals_to; broadcasts walk signals_session (the OR is split by SQLite
// into the two index ranges). A broadcast from before the participant existed was not meant
// for it, and its own broadcasts are not addressed to it.
static const char SQL_INBOX[] =
    "SELECT " SIG_COLS " FROM signals WHERE (to_participant = ?1 OR (session_id = ?2 AND "
    "to_participant IS NULL AND from_participant <> ?1 AND created_at >= ?5)) AND +org_id = ?3 "
    "AND seq > ?4 ORDER BY seq LIMIT ?6";

void signal_recs_free(struct signal_rec *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i].payload);
    free(v);
}

static int signal_append(store *s, struct signal_rec *r)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_APPEND);
    if (!st)
        return VOX_EIO;
    if (!r->created_at)
        r->created_at = clock_now_ms();
    if (!r->id[0])
        uuid_new_v7(r->id, r->created_at);
    sq_text(st, 1, r->id);
    sq_text(st, 2, r->org_id);
    sq_text(st, 3, r->room_id);
    sq_text(st, 4, r->session_id);
    sq_text(st, 5, r->from_participant);
    sq_text(st, 6, r->to_participant);
    sq_text(st, 7, r->kind);
    sq_text(st, 8, r->payload ? r->payload : "{}");
    sq_int(st, 9, r->created_at);
    int err = sq_exec(s, st);
    if (!err)
        r->seq = sqlite3_last_insert_rowid(sq_db(s));
    return err;
}

static void signal_row(sqlite3_stmt *st, void *rec)
{
    struct signal_rec *r = rec;
    r->seq = sqlite3_column_int64(st, 0);
    sq_col_copy(st, 1, r->id, sizeof r->id);
    sq_col_copy(st, 2, r->org_id, sizeof r->org_id);
    sq_col_copy(st, 3, r->room_id, sizeof r->room_id);
    sq_col_copy(st, 4, r->session_id, sizeof r->session_id);
    sq_col_copy(st, 5, r->from_participant, sizeof r->from_participant);
    sq_col_copy(st, 6, r->to_participant, sizeof r->to_participant);
    sq_col_copy(st, 7, r->kind, sizeof r->kind);
    r->payload = sq_col_dup(st, 8);
    r->created_at = sqlite3_column_int64(st, 9);
}

static sqlite3_stmt *bind_list(store *s, const char *org_id, const struct signal_filter *f)
{
    sqlite3_stmt *st = sq_stmt(s, f->to_participant ? SQL_INBOX : SQL_BY_SESSION);
    if (!st)
        return NULL;
    if (f->to_participant) {
        sq_text(st, 1, f->to_participant);
        sq_text(st, 2, f->session_id);
        sq_text(st, 3, org_id);
        sq_int(st, 4, f->after_seq);
        sq_int(st, 5, f->broadcasts_since);
        sq_int(st, 6, f->limit);
    } else {
        sq_text(st, 1, f->session_id);
        sq_text(st, 2, org_id);
        sq_int(st, 3, f->after_seq);
        sq_int(st, 4, f->limit);
    }
    return st;
}

static int signal_list(store *s, const char *org_id, const struct signal_filter *f,
                       struct signal_rec **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = bind_list(s, org_id, f);
    if (!st)
        return VOX_EIO;
    int err = sq_many(s, st, f->limit, sizeof **out, signal_row, (void **)out, n);
    if (err) {
        signal_recs_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return err;
}

const struct store_signal_ops sqlite_signal_ops = {
    .append = signal_append,
    .list = signal_list,
};
