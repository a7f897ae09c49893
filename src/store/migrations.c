// SPDX-License-Identifier: MIT
// Versioned schema migrations, applied in order at start; PRAGMA user_version records the
// last one applied. Never edit a released migration: append a new one.
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"
#include "core/log.h"
#include "store/sqlite_int.h"

static const char *const migrations[] = {
    // 1: the control plane.
    "CREATE TABLE orgs ("
    "  id TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  metadata TEXT NOT NULL DEFAULT '{}',"
    "  created_at INTEGER NOT NULL);"

    "CREATE TABLE api_keys ("
    "  id TEXT PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  secret_enc TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  revoked_at INTEGER);"
    "CREATE INDEX api_keys_org ON api_keys(org_id, created_at);"

    "CREATE TABLE categories ("
    "  id TEXT PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  position INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  UNIQUE (org_id, name));"

    "CREATE TABLE rooms ("
    "  id TEXT PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  type TEXT NOT NULL,"
    "  media_mode TEXT NOT NULL DEFAULT 'sfu',"
    "  persistent INTEGER NOT NULL DEFAULT 0,"
    "  max_participants INTEGER NOT NULL DEFAULT 0,"
    "  bitrate INTEGER NOT NULL,"
    "  recording_allowed INTEGER NOT NULL DEFAULT 0,"
    "  screen_share_allowed INTEGER NOT NULL DEFAULT 1,"
    "  waiting_room INTEGER NOT NULL DEFAULT 0,"
    "  password_hash TEXT,"
    "  category_id TEXT REFERENCES categories(id) ON DELETE SET NULL,"
    "  position INTEGER NOT NULL DEFAULT 0,"
    "  empty_timeout INTEGER NOT NULL DEFAULT 30,"
    "  permission_overrides TEXT NOT NULL DEFAULT '{}',"
    "  metadata TEXT NOT NULL DEFAULT '{}',"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  UNIQUE (org_id, name));"
    "CREATE INDEX rooms_org ON rooms(org_id, created_at);"
    "CREATE INDEX rooms_category ON rooms(category_id, position);"

    "CREATE TABLE sessions ("
    "  id TEXT PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,"
    "  state TEXT NOT NULL,"
    "  scheduled_at INTEGER,"
    "  started_at INTEGER,"
    "  ended_at INTEGER,"
    "  duration_ms INTEGER NOT NULL DEFAULT 0,"
    "  peak_participants INTEGER NOT NULL DEFAULT 0,"
    "  end_reason TEXT,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX sessions_room ON sessions(room_id, created_at);"
    "CREATE INDEX sessions_org ON sessions(org_id, state, created_at);"

    "CREATE TABLE participants ("
    "  id TEXT PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,"
    "  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
    "  identity TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  email TEXT,"
    "  kind TEXT NOT NULL DEFAULT 'user',"
    "  role TEXT NOT NULL,"
    "  status TEXT NOT NULL,"
    "  permissions INTEGER NOT NULL DEFAULT 0,"
    "  audio INTEGER NOT NULL DEFAULT 0,"
    "  video INTEGER NOT NULL DEFAULT 0,"
    "  screen_share INTEGER NOT NULL DEFAULT 0,"
    "  self_mute INTEGER NOT NULL DEFAULT 0,"
    "  self_deaf INTEGER NOT NULL DEFAULT 0,"
    "  server_mute INTEGER NOT NULL DEFAULT 0,"
    "  server_deaf INTEGER NOT NULL DEFAULT 0,"
    "  hand_raised INTEGER NOT NULL DEFAULT 0,"
    "  speaking INTEGER NOT NULL DEFAULT 0,"
    "  volume INTEGER NOT NULL DEFAULT 100,"
    "  recording_consent INTEGER NOT NULL DEFAULT 0,"
    "  device TEXT,"
    "  browser TEXT,"
    "  metadata TEXT NOT NULL DEFAULT '{}',"
    "  joined_at INTEGER,"
    "  left_at INTEGER,"
    "  last_seen INTEGER,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX participants_session ON participants(session_id, status);"
    "CREATE INDEX participants_room ON participants(room_id, status);"
    "CREATE INDEX participants_identity ON participants(org_id, identity, created_at);"

    "CREATE TABLE stage_requests ("
    "  id TEXT PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,"
    "  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
    "  participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,"
    "  state TEXT NOT NULL,"
    "  decided_by TEXT,"
    "  created_at INTEGER NOT NULL,"
    "  decided_at INTEGER);"
    "CREATE INDEX stage_requests_room ON stage_requests(room_id, state, created_at);"
    "CREATE INDEX stage_requests_participant ON stage_requests(participant_id, state);"

    // The event log outlives what it describes, so it has no foreign keys but the org's.
    "CREATE TABLE events ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  id TEXT NOT NULL UNIQUE,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  room_id TEXT,"
    "  session_id TEXT,"
    "  participant_id TEXT,"
    "  type TEXT NOT NULL,"
    "  data TEXT NOT NULL DEFAULT '{}',"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX events_org ON events(org_id, seq);"
    "CREATE INDEX events_room ON events(room_id, seq);"
    "CREATE INDEX events_session ON events(session_id, seq);"
    "CREATE INDEX events_participant ON events(participant_id, seq);",

    // 2: sessions and participants: the persistent-room grace timer (empty_since), identity
    // lookups within a session (rejoin), and presence scans by status and last_seen.
    "ALTER TABLE sessions ADD COLUMN empty_since INTEGER;"
    "CREATE INDEX sessions_empty ON sessions(empty_since) WHERE empty_since IS NOT NULL;"
    "CREATE INDEX participants_session_identity ON participants(session_id, identity);"
    "CREATE INDEX participants_presence ON participants(status, last_seen);",

    // 3: analytics windows select an org's sessions by created_at whatever their state.
    "CREATE INDEX sessions_org_created ON sessions(org_id, created_at);",

    // 4: the stage expiry timer reads only pending requests, oldest first, every second.
    "CREATE INDEX stage_requests_pending ON stage_requests(created_at) WHERE state = 'pending';",

    // 5: relayed peer-to-peer signals, read per session and per addressee in seq order; they go
    // with their session (to_participant NULL = a broadcast to everyone else in it).
    "CREATE TABLE signals ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  id TEXT NOT NULL UNIQUE,"
    "  org_id TEXT NOT NULL,"
    "  room_id TEXT NOT NULL,"
    "  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
    "  from_participant TEXT NOT NULL,"
    "  to_participant TEXT,"
    "  kind TEXT NOT NULL,"
    "  payload TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX signals_session ON signals(session_id, seq);"
    "CREATE INDEX signals_to ON signals(to_participant, seq);",

    // 6: identities banned from a session (remove with ban: true), checked on every join;
    // they go with their session.
    "CREATE TABLE bans ("
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  room_id TEXT NOT NULL,"
    "  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
    "  identity TEXT NOT NULL,"
    "  by_whom TEXT NOT NULL,"
    "  reason TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (session_id, identity));",

    // 7: what the media plane measures: time spent speaking per participant, summed into its
    // session, and the participant's latest network measurement (quality NULL = never
    // measured; loss is a fraction, bitrate counts send + receive, network_at is in ms).
    "ALTER TABLE participants ADD COLUMN speaking_ms INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE participants ADD COLUMN quality TEXT;"
    "ALTER TABLE participants ADD COLUMN rtt_ms REAL;"
    "ALTER TABLE participants ADD COLUMN jitter_ms REAL;"
    "ALTER TABLE participants ADD COLUMN loss REAL;"
    "ALTER TABLE participants ADD COLUMN bitrate_kbps REAL;"
    "ALTER TABLE participants ADD COLUMN network_at INTEGER;"
    "ALTER TABLE sessions ADD COLUMN speaking_ms INTEGER NOT NULL DEFAULT 0;",
};

int sqlite_migrate(sqlite3 *db)
{
    sqlite3_stmt *st;
    int version = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return VOX_EIO;
    if (sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);

    int count = (int)(sizeof migrations / sizeof migrations[0]);
    for (int v = version; v < count; v++) {
        char *err = NULL;
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (sqlite3_exec(db, "BEGIN", NULL, NULL, &err) != SQLITE_OK ||
            sqlite3_exec(db, migrations[v], NULL, NULL, &err) != SQLITE_OK ||
            sqlite3_exec(db, pragma, NULL, NULL, &err) != SQLITE_OK ||
            sqlite3_exec(db, "COMMIT", NULL, NULL, &err) != SQLITE_OK) {
            log_error("migration failed", "version=%d error=%s", v + 1, err ? err : "?");
            sqlite3_free(err);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return VOX_EIO;
        }
        log_info("migration applied", "version=%d", v + 1);
    }
    return 0;
}
