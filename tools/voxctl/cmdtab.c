// SPDX-License-Identifier: MIT
// The command table (redis's command table style): every API operation as one row. Paths and
// body members mirror the route and body tables in src/api/*.c; tests compare this table with
// the server's OpenAPI document so the two cannot drift apart unnoticed.
#include "cmdtab.h"

#include <string.h>

#include "output.h"
#include "token.h"

#define F(flag, json, type, opts, help)                                                            \
    {                                                                                              \
        flag, json, CMDTAB_##type, opts, help                                                      \
    }
#define FIELDS(...) ((const struct cmdtab_field[]){__VA_ARGS__, {0}})
#define COLS(...)   ((const struct cmdtab_col[]){__VA_ARGS__, {0}})
#define CMD(g, v, m, p, a, b, q, c, s, e, ...)                                                     \
    {                                                                                              \
        .group = g, .verb = v, .method = m, .path = p, .auth = a, .body = b, .query = q,           \
        .cols = c, .summary = s, .example = e, __VA_ARGS__                                         \
    }
#define REQ CMDTAB_REQUIRED
#define NUL CMDTAB_NULLABLE

#define PAGE                                                                                       \
    F("limit", "limit", INT, 0, "page size, 1..500 (default 50)"),                                 \
        F("offset", "offset", INT, 0, "items to skip")

#define ROOM_FIELDS(req)                                                                           \
    F("name", "name", STRING, req, "unique in the org, 1..128 characters"),                        \
        F("type", "type", STRING, req, "voice|video|screen_share|broadcast|stage"),                \
        F("media-mode", "media_mode", STRING, 0, "sfu|p2p"),                                       \
        F("persistent", "persistent", BOOL, 0, "a channel that outlives its sessions"),            \
        F("max-participants", "max_participants", INT, 0, "0 = the type's default limit"),         \
        F("bitrate", "bitrate", INT, 0, "bits/s, 8000..384000"),                                   \
        F("recording-allowed", "recording_allowed", BOOL, 0, NULL),                                \
        F("screen-share-allowed", "screen_share_allowed", BOOL, 0, NULL),                          \
        F("waiting-room", "waiting_room", BOOL, 0, "joiners wait to be admitted"),                 \
        F("password", "password", STRING, NUL, "4..128 characters"),                               \
        F("category-id", "category_id", STRING, NUL, "a category uuid"),                           \
        F("position", "position", INT, 0, "order within the category"),                            \
        F("empty-timeout", "empty_timeout", INT, 0,                                                \
          "seconds a persistent room's session lasts "                                             \
          "after the last leave"),                                                                 \
        F("metadata", "metadata", JSON, 0, "JSON object"),                                         \
        F("permission-overrides", "permission_overrides", JSON, 0,                                 \
          "{\"roles\":{role:{allow,deny}},\"identities\":{...}}")

#define TOKEN_FIELDS                                                                               \
    F("identity", "identity", STRING, REQ, "the end user's stable id"),                            \
        F("room-id", "room_id", STRING, REQ, "the room the token admits to"),                      \
        F("name", "name", STRING, 0, "display name (default: identity)"),                          \
        F("ttl", "ttl", INT, 0, "seconds until it expires (default 3600)"),                        \
        F("role", "grants.role", STRING, 0,                                                        \
          "host|co_host|moderator|participant|viewer|speaker|audience"),                           \
        F("grant", "grants", KV, 0,                                                                \
          "join|publish|subscribe|publish_data|admin|hidden|recorder=true|false (repeatable)"),    \
        F("metadata", "metadata", STRING, 0, "opaque text for the application")

#define ROOM_COLS                                                                                  \
    COLS({"ID", "id"}, {"NAME", "name"}, {"TYPE", "type"}, {"MODE", "media_mode"},                 \
         {"LIMIT", "participant_limit"})

#define EVENT_QUERY                                                                                \
    F("room-id", "room_id", STRING, 0, NULL), F("session-id", "session_id", STRING, 0, NULL),      \
        F("participant-id", "participant_id", STRING, 0, NULL),                                    \
        F("type", "type", STRING, 0, "an event type, or a prefix ending in '*'"),                  \
        F("since", "since", STRING, 0, "RFC 3339 time or ms"),                                     \
        F("until", "until", STRING, 0, "RFC 3339 time or ms"),                                     \
        F("after", "after", INT, 0, "cursor: next_after of the previous page"), PAGE

#define SESSION_STATE                                                                              \
    F("state", "state", STRING, 0, "scheduled|ready|active|paused|completed|failed|cancelled")

#define SESSION_COLS                                                                               \
    COLS({"ID", "id"}, {"ROOM", "room_id"}, {"STATE", "state"},                                    \
         {"PARTICIPANTS", "participant_count"}, {"STARTED", "started_at"})

#define SESSION_OP(op, summary)                                                                    \
    CMD("session", op, "POST", "/v1/sessions/{session_id}/" op, CMDTAB_KEY_OR_USER, NULL, NULL,    \
        NULL, summary, "session " op " $SESSION_ID")

#define PARTICIPANT_STATUSES "invited|waiting|joining|connected|reconnecting|left|removed|denied"

#define PARTICIPANT_COLS                                                                           \
    COLS({"ID", "id"}, {"IDENTITY", "identity"}, {"NAME", "name"}, {"ROLE", "role"},               \
         {"STATUS", "status"})

#define EVENT_COLS                                                                                 \
    COLS({"SEQ", "seq"}, {"CREATED", "created_at"}, {"TYPE", "type"},                              \
         {"PARTICIPANT", "participant_id"}, {"DATA", "data"})

static const struct cmdtab_group groups[] = {
    {"org", "orgs and their first keys (admin token)"},
    {"key", "the org's api keys"},
    {"token", "participant access tokens (server-minted or local)"},
    {"room", "rooms: settings and limits"},
    {"session", "sessions: one occurrence of activity in a room"},
    {"participant", "participants: joins, media state, moderation"},
    {"stage", "stage requests to speak, speakers and moderators"},
    {"category", "channel categories"},
    {"channels", "the org's channels grouped by category"},
    {"events", "the event log"},
    {"analytics", "usage and quality aggregates"},
    {"server", "health, readiness, metrics and the OpenAPI document"},
};

static const struct cmdtab_cmd cmds[] = {
    // ---- orgs and keys ----
    CMD("org", "create", "POST", "/v1/orgs", CMDTAB_ADMIN,
        FIELDS(
            F("name", "name", STRING, REQ, "1..128 characters"),
            F("metadata", "metadata", JSON, 0, "JSON object"),
            F("key-name", "key_name", STRING, 0, "name of the first api key (default: default)")),
        NULL, NULL, "Create an org; prints its first api key id and secret (shown once)",
        "org create --name Acme"),
    CMD("org", "list", "GET", "/v1/orgs", CMDTAB_ADMIN, NULL, FIELDS(PAGE),
        COLS({"ID", "id"}, {"NAME", "name"}, {"CREATED", "created_at"}), "List orgs", "org list"),
    CMD("org", "get", "GET", "/v1/orgs/{org_id}", CMDTAB_ADMIN, NULL, NULL, NULL, "Get an org",
        "org get $ORG_ID"),
    CMD("org", "delete", "DELETE", "/v1/orgs/{org_id}", CMDTAB_ADMIN, NULL, NULL, NULL,
        "Delete an org and everything in it", "org delete $ORG_ID"),
    CMD("org", "key-create", "POST", "/v1/orgs/{org_id}/keys", CMDTAB_ADMIN,
        FIELDS(F("name", "name", STRING, REQ, "1..128 characters")), NULL, NULL,
        "Create an api key for an org; the secret is shown only now",
        "org key-create --org-id $ORG_ID --name ci"),
    CMD("org", "self", "GET", "/v1/org", CMDTAB_KEY, NULL, NULL, NULL, "The calling key's org",
        "org self"),
    CMD("key", "list", "GET", "/v1/keys", CMDTAB_KEY, NULL, NULL,
        COLS({"ID", "id"}, {"NAME", "name"}, {"CREATED", "created_at"}, {"REVOKED", "revoked_at"}),
        "List the org's api keys", "key list"),
    CMD("key", "create", "POST", "/v1/keys", CMDTAB_KEY,
        FIELDS(F("name", "name", STRING, REQ, "1..128 characters")), NULL, NULL,
        "Create an api key; the secret is shown only now", "key create --name backend"),
    CMD("key", "revoke", "DELETE", "/v1/keys/{key_id}", CMDTAB_KEY, NULL, NULL, NULL,
        "Revoke an api key (not the calling one)", "key revoke $KEY_ID"),

    // ---- tokens ----
    CMD("token", "create", "POST", "/v1/tokens", CMDTAB_KEY, FIELDS(TOKEN_FIELDS), NULL, NULL,
        "Mint an access token on the server (checks the room exists)",
        "token create --room-id $ROOM_ID --identity alice --grant publish=false"),
    CMD("token", "mint", NULL, NULL, CMDTAB_LOCAL, FIELDS(TOKEN_FIELDS), NULL, NULL,
        "Sign an access token locally with --key-id/--secret (no request)",
        "token mint --room-id $ROOM_ID --identity bob --role viewer", .run = token_mint_run),
    CMD("token", "decode", NULL, "{token}", CMDTAB_LOCAL, NULL, NULL, NULL,
        "Show a token's header and claims; checks the signature when --secret is set",
        "token decode $TOKEN", .run = token_decode_run),

    // ---- rooms ----
    CMD("room", "create", "POST", "/v1/rooms", CMDTAB_KEY, FIELDS(ROOM_FIELDS(REQ)), NULL, NULL,
        "Create a room", "room create --name standup --type voice --max-participants 10"),
    CMD("room", "list", "GET", "/v1/rooms", CMDTAB_KEY, NULL,
        FIELDS(F("type", "type", STRING, 0, "only rooms of this type"),
               F("category-id", "category_id", STRING, 0, "only rooms in this category"), PAGE),
        ROOM_COLS, "List rooms", "room list --type voice --limit 20"),
    CMD("room", "get", "GET", "/v1/rooms/{room_id}", CMDTAB_KEY, NULL, NULL, NULL, "Get a room",
        "room get $ROOM_ID"),
    CMD("room", "update", "PATCH", "/v1/rooms/{room_id}", CMDTAB_KEY, FIELDS(ROOM_FIELDS(0)), NULL,
        NULL, "Change a room's settings (only the flags given)",
        "room update $ROOM_ID --waiting-room true --password null"),
    CMD("room", "delete", "DELETE", "/v1/rooms/{room_id}", CMDTAB_KEY, NULL, NULL, NULL,
        "Delete a room with its sessions and participants", "room delete $ROOM_ID"),
    CMD("room", "events", "GET", "/v1/rooms/{room_id}/events", CMDTAB_KEY, NULL,
        FIELDS(EVENT_QUERY), EVENT_COLS, "List a room's events",
        "room events $ROOM_ID --type 'participant.*'"),

    CMD("room", "sessions", "GET", "/v1/rooms/{room_id}/sessions", CMDTAB_KEY, NULL,
        FIELDS(SESSION_STATE, PAGE), SESSION_COLS, "List a room's sessions, newest first",
        "room sessions $ROOM_ID --state completed"),

    // ---- sessions ----
    CMD("session", "create", "POST", "/v1/rooms/{room_id}/sessions", CMDTAB_KEY,
        FIELDS(F("scheduled-at", "scheduled_at", TIME, 0, "RFC 3339 time or ms since the epoch")),
        NULL, NULL, "Schedule a session in a room (one live session per room)",
        "session create --room-id $ROOM_ID --scheduled-at 2026-12-01T09:00:00Z"),
    CMD("session", "list", "GET", "/v1/sessions", CMDTAB_KEY, NULL,
        FIELDS(F("room-id", "room_id", STRING, 0, "only this room's sessions"), SESSION_STATE,
               PAGE),
        SESSION_COLS, "List sessions, newest first", "session list --state active"),
    CMD("session", "get", "GET", "/v1/sessions/{session_id}", CMDTAB_KEY_OR_USER, NULL, NULL, NULL,
        "Get a session", "session get $SESSION_ID"),
    SESSION_OP("prepare", "Prepare a scheduled session (scheduled -> ready)"),
    SESSION_OP("start", "Start a session (scheduled|ready -> active)"),
    SESSION_OP("pause", "Pause an active session"),
    SESSION_OP("resume", "Resume a paused session"),
    SESSION_OP("end", "End a session (everyone still in it leaves)"),
    SESSION_OP("cancel", "Cancel a session that has not started"),
    SESSION_OP("fail", "Mark a session failed (everyone still in it leaves)"),
    CMD("session", "participants", "GET", "/v1/sessions/{session_id}/participants",
        CMDTAB_KEY_OR_USER, NULL,
        FIELDS(F("status", "status", STRING, 0, PARTICIPANT_STATUSES), PAGE), PARTICIPANT_COLS,
        "List a session's participants", "session participants $SESSION_ID --status left"),
    CMD("session", "events", "GET", "/v1/sessions/{session_id}/events", CMDTAB_KEY, NULL,
        FIELDS(EVENT_QUERY), EVENT_COLS, "List a session's events", "session events $SESSION_ID"),
    CMD("session", "bans", "GET", "/v1/sessions/{session_id}/bans", CMDTAB_KEY, NULL, FIELDS(PAGE),
        COLS({"IDENTITY", "identity"}, {"BY", "by"}, {"REASON", "reason"},
             {"CREATED", "created_at"}),
        "List the identities banned from a session (removed with --ban true)",
        "session bans $SESSION_ID"),
    CMD("session", "unban", "POST", "/v1/sessions/{session_id}/unban", CMDTAB_KEY,
        FIELDS(F("identity", "identity", STRING, REQ, "the banned identity")), NULL, NULL,
        "Lift a session ban: the identity may join the session again",
        "session unban $SESSION_ID --identity bob"),

    // ---- participants ----
    CMD("participant", "join", "POST", "/v1/rooms/{room_id}/participants", CMDTAB_KEY_OR_USER,
        FIELDS(F("identity", "identity", STRING, 0,
                 "required with an api key; a token joins as itself"),
               F("name", "name", STRING, 0, "display name"), F("email", "email", STRING, 0, NULL),
               F("role", "role", STRING, 0,
                 "host|co_host|moderator|participant|viewer|speaker|audience"),
               F("kind", "kind", STRING, 0, "user|agent|recorder"),
               F("device", "device", STRING, 0, NULL), F("browser", "browser", STRING, 0, NULL),
               F("recording-consent", "recording_consent", BOOL, 0, NULL),
               F("metadata", "metadata", JSON, 0, "JSON object"),
               F("password", "password", STRING, 0, "the room's password, when it has one"),
               F("audio", "media.audio", BOOL, 0, "join with the microphone on"),
               F("video", "media.video", BOOL, 0, "join with the camera on"),
               F("screen-share", "media.screen_share", BOOL, 0, NULL),
               F("hand-raised", "media.hand_raised", BOOL, 0, NULL)),
        NULL, NULL, "Join a room (opens or starts its session as the room allows)",
        "participant join --room-id $ROOM_ID --identity alice --role host --audio"),
    CMD("participant", "list", "GET", "/v1/rooms/{room_id}/participants", CMDTAB_KEY_OR_USER, NULL,
        FIELDS(F("status", "status", STRING, 0, PARTICIPANT_STATUSES "|present"),
               F("session-id", "session_id", STRING, 0, "another session than the current one"),
               PAGE),
        PARTICIPANT_COLS, "List a room's participants (by default in its current session)",
        "participant list --room-id $ROOM_ID --status present"),
    CMD("participant", "get", "GET", "/v1/participants/{participant_id}", CMDTAB_KEY_OR_USER, NULL,
        NULL, NULL, "Get a participant", "participant get $PARTICIPANT_ID"),
    CMD("participant", "update", "PATCH", "/v1/participants/{participant_id}", CMDTAB_KEY_OR_USER,
        FIELDS(F("audio", "audio", BOOL, 0, NULL), F("video", "video", BOOL, 0, NULL),
               F("screen-share", "screen_share", BOOL, 0, NULL),
               F("self-mute", "self_mute", BOOL, 0, NULL),
               F("self-deaf", "self_deaf", BOOL, 0, NULL),
               F("server-mute", "server_mute", BOOL, 0, "needs mute_members"),
               F("server-deaf", "server_deaf", BOOL, 0, "needs deafen_members"),
               F("hand-raised", "hand_raised", BOOL, 0, NULL),
               F("volume", "volume", INT, 0, "0..200 percent"),
               F("role", "role", STRING, 0,
                 "host|co_host|moderator|participant|viewer|speaker|audience"),
               F("name", "name", STRING, 0, "display name"),
               F("metadata", "metadata", JSON, 0, "JSON object")),
        NULL, NULL, "Change a participant's media state, volume, role, name or metadata",
        "participant update $PARTICIPANT_ID --server-mute true"),
    CMD("participant", "leave", "POST", "/v1/participants/{participant_id}/leave",
        CMDTAB_KEY_OR_USER, NULL, NULL, NULL, "Leave (a token leaves as itself)",
        "participant leave $PARTICIPANT_ID"),
    CMD("participant", "remove", "POST", "/v1/participants/{participant_id}/remove",
        CMDTAB_KEY_OR_USER,
        FIELDS(F("reason", "reason", STRING, 0, "up to 256 characters"),
               F("ban", "ban", BOOL, 0, "keep the identity out of the session until it ends")),
        NULL, NULL, "Remove (kick) a participant; with ban, its identity cannot rejoin the session",
        "participant remove $PARTICIPANT_ID --reason spam --ban true"),
    CMD("participant", "admit", "POST", "/v1/participants/{participant_id}/admit",
        CMDTAB_KEY_OR_USER, NULL, NULL, NULL, "Admit a participant from the waiting room",
        "participant admit $PARTICIPANT_ID"),
    CMD("participant", "deny", "POST", "/v1/participants/{participant_id}/deny", CMDTAB_KEY_OR_USER,
        NULL, NULL, NULL, "Deny a participant in the waiting room",
        "participant deny $PARTICIPANT_ID"),
    CMD("participant", "move", "POST", "/v1/participants/{participant_id}/move", CMDTAB_KEY_OR_USER,
        FIELDS(F("room-id", "room_id", STRING, REQ, "the destination room")), NULL, NULL,
        "Move a participant to another room of the org",
        "participant move $PARTICIPANT_ID --room-id $OTHER_ROOM_ID"),
    CMD("participant", "heartbeat", "POST", "/v1/participants/{participant_id}/heartbeat",
        CMDTAB_KEY_OR_USER, NULL, NULL, NULL, "Presence heartbeat (reconnecting -> connected)",
        "participant heartbeat $PARTICIPANT_ID"),
    CMD("participant", "signal", "POST", "/v1/participants/{participant_id}/signals",
        CMDTAB_KEY_OR_USER,
        FIELDS(F("to", "to", STRING, REQ, "addressee participant id, or * for everyone else"),
               F("signal", "signal", JSON, REQ,
                 "{\"kind\": offer|answer|candidate|message, \"sdp\"|\"candidate\"|\"data\"}")),
        NULL, NULL, "Relay a signal (p2p offer, answer, ICE candidate, app message)",
        "participant signal $PARTICIPANT_ID --to $OTHER_ID --signal "
        "'{\"kind\":\"message\",\"data\":1}'"),
    CMD("participant", "signals", "GET", "/v1/participants/{participant_id}/signals",
        CMDTAB_KEY_OR_USER, NULL,
        FIELDS(F("after", "after", INT, 0, "only signals after this seq"),
               F("limit", "limit", INT, 0, "1..500 (100)")),
        COLS({"SEQ", "seq"}, {"FROM", "from"}, {"TO", "to"}, {"KIND", "kind"},
             {"CREATED", "created_at"}),
        "Signals addressed to a participant (for clients that poll)",
        "participant signals $PARTICIPANT_ID --after 0"),
    CMD("session", "signals", "GET", "/v1/sessions/{session_id}/signals", CMDTAB_KEY_OR_USER, NULL,
        FIELDS(F("after", "after", INT, 0, "only signals after this seq"),
               F("limit", "limit", INT, 0, "1..500 (100)")),
        COLS({"SEQ", "seq"}, {"FROM", "from"}, {"TO", "to"}, {"KIND", "kind"},
             {"CREATED", "created_at"}),
        "A session's relayed signals", "session signals $SESSION_ID --limit 20"),

    // ---- stage ----
    CMD("stage", "request", "POST", "/v1/rooms/{room_id}/stage/requests", CMDTAB_KEY_OR_USER,
        FIELDS(F("participant-id", "participant_id", STRING, 0,
                 "the asking participant (api key callers)")),
        NULL, NULL, "Ask to speak on a stage",
        "stage request $ROOM_ID --participant-id $PARTICIPANT_ID"),
    CMD("stage", "requests", "GET", "/v1/rooms/{room_id}/stage/requests", CMDTAB_KEY_OR_USER, NULL,
        FIELDS(F("state", "state", STRING, 0, "pending|approved|denied|expired|cancelled"), PAGE),
        COLS({"ID", "id"}, {"PARTICIPANT", "participant_id"}, {"IDENTITY", "identity"},
             {"STATE", "state"}, {"CREATED", "created_at"}),
        "List a stage's requests to speak, oldest first",
        "stage requests $ROOM_ID --state pending"),
    CMD("stage", "get", "GET", "/v1/stage/requests/{request_id}", CMDTAB_KEY_OR_USER, NULL, NULL,
        NULL, "Get a request to speak", "stage get $REQUEST_ID"),
    CMD("stage", "approve", "POST", "/v1/stage/requests/{request_id}/approve", CMDTAB_KEY_OR_USER,
        NULL, NULL, NULL, "Approve a pending request: the requester becomes a speaker",
        "stage approve $REQUEST_ID"),
    CMD("stage", "deny", "POST", "/v1/stage/requests/{request_id}/deny", CMDTAB_KEY_OR_USER, NULL,
        NULL, NULL, "Deny a pending request", "stage deny $REQUEST_ID"),
    CMD("stage", "cancel", "POST", "/v1/stage/requests/{request_id}/cancel", CMDTAB_KEY_OR_USER,
        NULL, NULL, NULL, "Cancel a pending request", "stage cancel $REQUEST_ID"),
    CMD("stage", "demote", "POST", "/v1/rooms/{room_id}/stage/speakers/{participant_id}/demote",
        CMDTAB_KEY_OR_USER, NULL, NULL, NULL, "Send a speaker back to the audience",
        "stage demote $ROOM_ID $PARTICIPANT_ID"),
    CMD("stage", "add-moderator", "POST", "/v1/rooms/{room_id}/stage/moderators",
        CMDTAB_KEY_OR_USER,
        FIELDS(F("participant-id", "participant_id", STRING, REQ, "a present participant")), NULL,
        NULL, "Make a present participant a stage moderator",
        "stage add-moderator $ROOM_ID --participant-id $PARTICIPANT_ID"),

    // ---- categories and channels ----
    CMD("category", "create", "POST", "/v1/categories", CMDTAB_KEY,
        FIELDS(F("name", "name", STRING, REQ, "unique in the org"),
               F("position", "position", INT, 0, "order among categories")),
        NULL, NULL, "Create a channel category", "category create --name Lobby --position 1"),
    CMD("category", "list", "GET", "/v1/categories", CMDTAB_KEY, NULL, NULL,
        COLS({"ID", "id"}, {"NAME", "name"}, {"POSITION", "position"}),
        "List categories by position, then name", "category list"),
    CMD("category", "get", "GET", "/v1/categories/{category_id}", CMDTAB_KEY, NULL, NULL, NULL,
        "Get a category", "category get $CATEGORY_ID"),
    CMD("category", "update", "PATCH", "/v1/categories/{category_id}", CMDTAB_KEY,
        FIELDS(F("name", "name", STRING, 0, "unique in the org"),
               F("position", "position", INT, 0, "order among categories")),
        NULL, NULL, "Rename or reorder a category", "category update $CATEGORY_ID --position 2"),
    CMD("category", "delete", "DELETE", "/v1/categories/{category_id}", CMDTAB_KEY, NULL, NULL,
        NULL, "Delete a category; its rooms become uncategorized", "category delete $CATEGORY_ID"),
    CMD("channels", "", "GET", "/v1/channels", CMDTAB_KEY, NULL, NULL, NULL,
        "List channels grouped by category, with live participant counts", "channels",
        .print = output_channels),

    // ---- events ----
    CMD("events", "", "GET", "/v1/events", CMDTAB_KEY, NULL, FIELDS(EVENT_QUERY), EVENT_COLS,
        "List events, oldest first", "events --type 'session.*' --since 2026-01-01T00:00:00Z"),

    // ---- analytics ----
    CMD("analytics", "summary", "GET", "/v1/analytics/summary", CMDTAB_KEY, NULL,
        FIELDS(F("since", "since", STRING, 0, "RFC 3339 time or ms"),
               F("until", "until", STRING, 0, "RFC 3339 time or ms"),
               F("top", "top", INT, 0, "identities in top_participants, 1..100 (default 10)")),
        NULL, "Org totals for sessions created in a window",
        "analytics summary --since 2026-11-01T00:00:00Z --top 5"),
    CMD("analytics", "rooms", "GET", "/v1/analytics/rooms", CMDTAB_KEY, NULL,
        FIELDS(F("days", "days", INT, 0, "the last N UTC days, 1..365 (default 7)"), PAGE),
        COLS({"ROOM", "room_id"}, {"NAME", "name"}, {"TYPE", "type"}, {"SESSIONS", "sessions"},
             {"TOTAL_MS", "total_duration_ms"}, {"AVG_MS", "average_duration_ms"},
             {"PEAK", "peak_participants"}),
        "Per-room session totals over the last N days", "analytics rooms --days 30"),
    CMD("analytics", "room", "GET", "/v1/analytics/rooms/{room_id}", CMDTAB_KEY, NULL,
        FIELDS(F("days", "days", INT, 0, "the last N UTC days, 1..365 (default 7)")), NULL,
        "One room's session totals with a per-day breakdown", "analytics room $ROOM_ID --days 7"),

    // ---- server ----
    CMD("server", "health", "GET", "/healthz", CMDTAB_PUBLIC, NULL, NULL, NULL,
        "Liveness: the process answers", "server health"),
    CMD("server", "ready", "GET", "/readyz", CMDTAB_PUBLIC, NULL, NULL, NULL,
        "Readiness: the store answers", "server ready"),
    CMD("server", "metrics", "GET", "/metrics", CMDTAB_PUBLIC, NULL, NULL, NULL,
        "Prometheus metrics (text)", "server metrics"),
    CMD("server", "openapi", "GET", "/v1/openapi.json", CMDTAB_PUBLIC, NULL, NULL, NULL,
        "The OpenAPI document", "server openapi"),
};

const struct cmdtab_cmd *cmdtab_all(size_t *n)
{
    *n = sizeof cmds / sizeof cmds[0];
    return cmds;
}

const struct cmdtab_group *cmdtab_groups(size_t *n)
{
    *n = sizeof groups / sizeof groups[0];
    return groups;
}

const struct cmdtab_cmd *cmdtab_find(const char *group, const char *verb)
{
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(cmds[i].group, group) == 0 && strcmp(cmds[i].verb, verb) == 0)
            return &cmds[i];
    return NULL;
}

int cmdtab_has_group(const char *group)
{
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(cmds[i].group, group) == 0)
            return 1;
    return 0;
}

int cmdtab_is_verbless(const char *group)
{
    return cmdtab_find(group, "") != NULL;
}

const char *cmdtab_type_name(enum cmdtab_type t)
{
    static const char *const names[] = {"string", "int", "bool", "json", "key=value", "time"};
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}
