// SPDX-License-Identifier: MIT
// Participants on SQLite. Every lookup a join or leave makes is served by an index (session +
// identity, session + status), so their cost does not grow with the table.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/participants.h"
#include "store/sqlite_int.h"

void participant_rec_fini(struct participant_rec *p)
{
    free(p->metadata);
    p->metadata = NULL;
}

void participant_recs_free(struct participant_rec *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        participant_rec_fini(&v[i]);
    free(v);
}

#define PARTICIPANT_COLS                                                                           \
    "id, org_id, room_id, session_id, identity, name, coalesce(email, ''), kind, role, status, "   \
    "permissions, audio, video, screen_share, self_mute, self_deaf, server_mute, server_deaf, "    \
    "hand_raised, speaking, volume, recording_consent, coalesce(device, ''), "                     \
    "coalesce(browser, ''), metadata, coalesce(joined_at, 0), coalesce(left_at, 0), "              \
    "coalesce(last_seen, 0), created_at, speaking_ms, quality, coalesce(rtt_ms, 0), "              \
    "coalesce(jitter_ms, 0), coalesce(loss, 0), coalesce(bitrate_kbps, 0), "                       \
    "coalesce(network_at, 0)"

#define PRESENT_SQL "('joining', 'connected', 'reconnecting')"
#define ACTIVE_SQL  "('invited', 'waiting', 'joining', 'connected', 'reconnecting')"

static const char SQL_INSERT[] =
    "INSERT INTO participants (id, org_id, room_id, session_id, identity, name, email, kind, "
    "role, status, permissions, audio, video, screen_share, self_mute, self_deaf, server_mute, "
    "server_deaf, hand_raised, speaking, volume, recording_consent, device, browser, metadata, "
    "joined_at, left_at, last_seen, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, nullif(?7, ''), "
    "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, nullif(?23, ''), "
    "nullif(?24, ''), ?25, nullif(?26, 0), nullif(?27, 0), nullif(?28, 0), ?29)";
static const char SQL_GET[] =
    "SELECT " PARTICIPANT_COLS " FROM participants WHERE id = ?2 AND org_id = ?1";
static const char SQL_FIND_ACTIVE[] =
    "SELECT " PARTICIPANT_COLS " FROM participants WHERE session_id = ?2 AND identity = ?3 "
    "AND org_id = ?1 AND status IN " ACTIVE_SQL " ORDER BY created_at DESC LIMIT 1";
// One statement per scope (a session, a room, the whole org) and status shape, so each can use
// its index: a generic "(?2 IS NULL OR room_id = ?2)" cannot, and listing a room of 20 then
// scanned every participant of every org (~40 ms with 85,000 rows: docs/PERFORMANCE.md).
#define SCOPE_SESSION                                                                              \
    "FROM participants WHERE org_id = ?1 AND session_id = ?3 AND (?2 IS NULL OR room_id = ?2) "
#define SCOPE_ROOM "FROM participants WHERE org_id = ?1 AND room_id = ?2 AND ?3 IS NULL "
#define SCOPE_ORG  "FROM participants WHERE org_id = ?1 AND ?2 IS NULL AND ?3 IS NULL "
#define LIST_TAIL  " ORDER BY created_at, rowid LIMIT ?5 OFFSET ?6"
#define ANY_TAIL   "AND (?4 IS NULL OR status = ?4)" LIST_TAIL
#define PRESENT_TAIL                                                                               \
    "AND ?4 IS NULL AND status IN " PRESENT_SQL                                                    \
    " AND (?7 IS NULL OR role NOT IN (?7, coalesce(?8, ?7)))" LIST_TAIL
#define ACTIVE_TAIL "AND ?4 IS NULL AND status IN " ACTIVE_SQL LIST_TAIL
#define LIST_SQL(scope)                                                                            \
    {                                                                                              \
        "SELECT " PARTICIPANT_COLS " " scope ANY_TAIL,                                             \
            "SELECT " PARTICIPANT_COLS " " scope PRESENT_TAIL,                                     \
            "SELECT " PARTICIPANT_COLS " " scope ACTIVE_TAIL                                       \
    }
enum { LIST_ANY, LIST_PRESENT, LIST_ACTIVE };
static const char *const SQL_LIST[3][3] = {LIST_SQL(SCOPE_SESSION), LIST_SQL(SCOPE_ROOM),
                                           LIST_SQL(SCOPE_ORG)};
static const char SQL_UPDATE[] =
    "UPDATE participants SET name = ?6, email = nullif(?7, ''), role = ?9, status = ?10, "
    "permissions = ?11, audio = ?12, video = ?13, screen_share = ?14, self_mute = ?15, "
    "self_deaf = ?16, server_mute = ?17, server_deaf = ?18, hand_raised = ?19, speaking = ?20, "
    "volume = ?21, recording_consent = ?22, device = nullif(?23, ''), browser = nullif(?24, ''), "
    "metadata = ?25, joined_at = nullif(?26, 0), left_at = nullif(?27, 0), "
    "last_seen = nullif(?28, 0) WHERE id = ?1 AND org_id = ?2";
static const char SQL_TOUCH[] = "UPDATE participants SET last_seen = ?2 WHERE id = ?1";
static const char SQL_COUNT_PRESENT[] =
    "SELECT count(*) FROM participants WHERE session_id = ?1 AND status IN " PRESENT_SQL;
static const char SQL_COUNT_PRESENT_ROLES[] =
    "SELECT count(*) FROM participants WHERE session_id = ?1 AND status IN " PRESENT_SQL
    " AND role IN (?2, coalesce(?3, ?2))";
static const char SQL_ADD_SPEAKING[] =
    "UPDATE participants SET speaking_ms = speaking_ms + ?3 WHERE id = ?2 AND org_id = ?1";
static const char SQL_ADD_SESSION_SPEAKING[] =
    "UPDATE sessions SET speaking_ms = speaking_ms + ?3 WHERE id = "
    "(SELECT session_id FROM participants WHERE id = ?2 AND org_id = ?1)";
static const char SQL_SET_NETWORK[] =
    "UPDATE participants SET quality = ?3, rtt_ms = ?4, jitter_ms = ?5, loss = ?6, "
    "bitrate_kbps = ?7, network_at = ?8 WHERE id = ?2 AND org_id = ?1";
static const char SQL_IDLE[] = "SELECT " PARTICIPANT_COLS " FROM participants WHERE status = ?1 "
                               "AND last_seen < ?2 ORDER BY last_seen LIMIT ?3";

// The INSERT and UPDATE share this numbering.
static void bind_participant(sqlite3_stmt *st, const struct participant_rec *p)
{
    const struct participant_media *m = &p->media;
    sq_text(st, 1, p->id);
    sq_text(st, 2, p->org_id);
    sq_text(st, 3, p->room_id);
    sq_text(st, 4, p->session_id);
    sq_text(st, 5, p->identity);
    sq_text(st, 6, p->name);
    sq_text(st, 7, p->email);
    sq_text(st, 8, p->kind);
    sq_text(st, 9, p->role);
    sq_text(st, 10, p->status);
    sq_int(st, 11, p->permissions);
    sq_int(st, 12, m->audio);
    sq_int(st, 13, m->video);
    sq_int(st, 14, m->screen_share);
    sq_int(st, 15, m->self_mute);
    sq_int(st, 16, m->self_deaf);
    sq_int(st, 17, m->server_mute);
    sq_int(st, 18, m->server_deaf);
    sq_int(st, 19, m->hand_raised);
    sq_int(st, 20, m->speaking);
    sq_int(st, 21, m->volume);
    sq_int(st, 22, p->recording_consent);
    sq_text(st, 23, p->device);
    sq_text(st, 24, p->browser);
    sq_text(st, 25, p->metadata ? p->metadata : "{}");
    sq_int(st, 26, p->joined_at);
    sq_int(st, 27, p->left_at);
    sq_int(st, 28, p->last_seen);
    sq_int(st, 29, p->created_at);
}

static void media_row(sqlite3_stmt *st, int col, struct participant_media *m)
{
    m->audio = sqlite3_column_int(st, col);
    m->video = sqlite3_column_int(st, col + 1);
    m->screen_share = sqlite3_column_int(st, col + 2);
    m->self_mute = sqlite3_column_int(st, col + 3);
    m->self_deaf = sqlite3_column_int(st, col + 4);
    m->server_mute = sqlite3_column_int(st, col + 5);
    m->server_deaf = sqlite3_column_int(st, col + 6);
    m->hand_raised = sqlite3_column_int(st, col + 7);
    m->speaking = sqlite3_column_int(st, col + 8);
    m->volume = sqlite3_column_int(st, col + 9);
}

// A NULL quality is a participant never measured.
static void net_row(sqlite3_stmt *st, int col, struct participant_net *n)
{
    memset(n, 0, sizeof *n);
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return;
    n->has = true;
    sq_col_copy(st, col, n->quality, sizeof n->quality);
    n->rtt_ms = sqlite3_column_double(st, col + 1);
    n->jitter_ms = sqlite3_column_double(st, col + 2);
    n->loss = sqlite3_column_double(st, col + 3);
    n->bitrate_kbps = sqlite3_column_double(st, col + 4);
    n->at = sqlite3_column_int64(st, col + 5);
}

static void participant_row(sqlite3_stmt *st, void *rec)
{
    struct participant_rec *p = rec;
    sq_col_copy(st, 0, p->id, sizeof p->id);
    sq_col_copy(st, 1, p->org_id, sizeof p->org_id);
    sq_col_copy(st, 2, p->room_id, sizeof p->room_id);
    sq_col_copy(st, 3, p->session_id, sizeof p->session_id);
    sq_col_copy(st, 4, p->identity, sizeof p->identity);
    sq_col_copy(st, 5, p->name, sizeof p->name);
    sq_col_copy(st, 6, p->email, sizeof p->email);
    sq_col_copy(st, 7, p->kind, sizeof p->kind);
    sq_col_copy(st, 8, p->role, sizeof p->role);
    sq_col_copy(st, 9, p->status, sizeof p->status);
    p->permissions = (uint32_t)sqlite3_column_int64(st, 10);
    media_row(st, 11, &p->media);
    p->recording_consent = sqlite3_column_int(st, 21);
    sq_col_copy(st, 22, p->device, sizeof p->device);
    sq_col_copy(st, 23, p->browser, sizeof p->browser);
    p->metadata = sq_col_dup(st, 24);
    p->joined_at = sqlite3_column_int64(st, 25);
    p->left_at = sqlite3_column_int64(st, 26);
    p->last_seen = sqlite3_column_int64(st, 27);
    p->created_at = sqlite3_column_int64(st, 28);
    p->speaking_ms = sqlite3_column_int64(st, 29);
    net_row(st, 30, &p->net);
}

static int participant_create(store *s, const struct participant_rec *p)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_INSERT);
    if (!st)
        return VOX_EIO;
    bind_participant(st, p);
    return sq_exec(s, st);
}

static int participant_get(store *s, const char *org_id, const char *id,
                           struct participant_rec *out)
{
    return sq_one_by_id(s, SQL_GET, org_id, id, participant_row, out);
}

static int participant_find_active(store *s, const char *org_id, const char *session_id,
                                   const char *identity, struct participant_rec *out)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_FIND_ACTIVE);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    sq_text(st, 2, session_id);
    sq_text(st, 3, identity);
    return sq_one(s, st, participant_row, out);
}

static int participant_list(store *s, const char *org_id, const struct participant_filter *f,
                            struct participant_rec **out, size_t *n)
{
    const char *status = f->status;
    int shape = LIST_ANY, scope = f->session_id ? 0 : f->room_id ? 1 : 2;
    if (status && strcmp(status, PARTICIPANTS_PRESENT) == 0)
        shape = LIST_PRESENT, status = NULL;
    else if (status && strcmp(status, PARTICIPANTS_ACTIVE) == 0)
        shape = LIST_ACTIVE, status = NULL;
    sqlite3_stmt *st = sq_stmt(s, SQL_LIST[scope][shape]);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    sq_text(st, 2, f->room_id);
    sq_text(st, 3, f->session_id);
    sq_text(st, 4, status);
    sq_int(st, 5, f->limit);
    sq_int(st, 6, f->offset);
    if (shape == LIST_PRESENT) {
        sq_text(st, 7, f->except_role[0]);
        sq_text(st, 8, f->except_role[1]);
    }
    return sq_many(s, st, f->limit, sizeof **out, participant_row, (void **)out, n);
}

static int participant_update(store *s, const struct participant_rec *p)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_UPDATE);
    if (!st)
        return VOX_EIO;
    bind_participant(st, p);
    return sq_exec_one(s, st);
}

static int participant_touch(store *s, const char *id, int64_t now_ms)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_TOUCH);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, id);
    sq_int(st, 2, now_ms);
    return sq_exec_one(s, st);
}

static int participant_count_present(store *s, const char *session_id, int *n)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_COUNT_PRESENT);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, session_id);
    int rc = sqlite3_step(st);
    *n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    int err = sq_err(s, rc);
    sqlite3_reset(st);
    return err;
}

static int participant_count_present_roles(store *s, const char *session_id, const char *role_a,
                                           const char *role_b, int *n)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_COUNT_PRESENT_ROLES);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, session_id);
    sq_text(st, 2, role_a);
    sq_text(st, 3, role_b);
    int rc = sqlite3_step(st);
    *n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    int err = sq_err(s, rc);
    sqlite3_reset(st);
    return err;
}

static int participant_list_idle(store *s, const char *status, int64_t seen_before, int limit,
                                 struct participant_rec **out, size_t *n)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_IDLE);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, status);
    sq_int(st, 2, seen_before);
    sq_int(st, 3, limit);
    return sq_many(s, st, limit, sizeof **out, participant_row, (void **)out, n);
}

// The session's total is kept by the same call, so it always equals the sum of its
// participants' without a scan.
static int participant_add_speaking(store *s, const char *org_id, const char *participant_id,
                                    int64_t ms)
{
    if (ms < 0)
        return VOX_EINVAL;
    static const char *const sqls[] = {SQL_ADD_SPEAKING, SQL_ADD_SESSION_SPEAKING};
    for (size_t i = 0; i < sizeof sqls / sizeof sqls[0]; i++) {
        sqlite3_stmt *st = sq_stmt(s, sqls[i]);
        if (!st)
            return VOX_EIO;
        sq_text(st, 1, org_id);
        sq_text(st, 2, participant_id);
        sq_int(st, 3, ms);
        int err = sq_exec_one(s, st);
        if (err)
            return err;
    }
    return 0;
}

static int participant_set_network(store *s, const char *org_id, const char *participant_id,
                                   const struct participant_net *net)
{
    // The API writes these as JSON numbers (which have no NaN or infinity) and at as a time.
    if (net->has && (net->at <= 0 || !isfinite(net->rtt_ms) || !isfinite(net->jitter_ms) ||
                     !isfinite(net->loss) || !isfinite(net->bitrate_kbps)))
        return VOX_EINVAL;
    sqlite3_stmt *st = sq_stmt(s, SQL_SET_NETWORK);
    if (!st)
        return VOX_EIO;
    sq_text(st, 1, org_id);
    sq_text(st, 2, participant_id);
    if (net->has) { // else ?3..?8 stay NULL: not measured
        int len = (int)strnlen(net->quality, sizeof net->quality);
        sqlite3_bind_text(st, 3, net->quality, len, SQLITE_TRANSIENT);
        sqlite3_bind_double(st, 4, net->rtt_ms);
        sqlite3_bind_double(st, 5, net->jitter_ms);
        sqlite3_bind_double(st, 6, net->loss);
        sqlite3_bind_double(st, 7, net->bitrate_kbps);
        sq_int(st, 8, net->at);
    }
    return sq_exec_one(s, st);
}

const struct store_participant_ops sqlite_participant_ops = {
    .create = participant_create,
    .get = participant_get,
    .find_active = participant_find_active,
    .list = participant_list,
    .update = participant_update,
    .touch = participant_touch,
    .count_present = participant_count_present,
    .count_present_roles = participant_count_present_roles,
    .list_idle = participant_list_idle,
    .add_speaking = participant_add_speaking,
    .set_network = participant_set_network,
};
