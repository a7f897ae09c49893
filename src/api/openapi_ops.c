// SPDX-License-Identifier: MIT
// What each REST operation answers and which query parameters it reads, keyed by method and
// route pattern: the part of the OpenAPI document the route tables do not carry. openapi.c
// refuses to describe a route missing here (openapi_check), and
// tests/integration/openapi.test.mjs probes every parameter listed here against the handlers
// (a bad value must be refused naming it, an unlisted one must be ignored).
#include <string.h>

#include "api/openapi_int.h"

#define Q(table) table, sizeof(table) / sizeof(table[0])

// Ranges and defaults as the handlers pass them to api_query_int() and api_page(); the routes
// flagged OPENAPI_PAGED read these two first.
const struct openapi_query openapi_ops_page[2] = {
    {"limit", OPENAPI_INT, 1, 500, 50, 0, NULL, "page size"},
    {"offset", OPENAPI_INT, 0, 1000000, 0, 0, NULL, "items to skip"},
};

static const struct openapi_query rooms[] = {
    {"category_id", OPENAPI_UUID, 0, 0, 0, 0, NULL, "only rooms in this category"},
    {"type", OPENAPI_STRING, 0, 0, 0, OPENAPI_ENUM_ROOM_TYPE, NULL, "only rooms of this type"},
};

static const struct openapi_query room_sessions[] = {
    {"state", OPENAPI_STRING, 0, 0, 0, OPENAPI_ENUM_SESSION_STATE, NULL,
     "only sessions in this state"},
};

static const struct openapi_query sessions[] = {
    {"room_id", OPENAPI_UUID, 0, 0, 0, 0, NULL, "only this room's sessions"},
    {"state", OPENAPI_STRING, 0, 0, 0, OPENAPI_ENUM_SESSION_STATE, NULL,
     "only sessions in this state"},
};

static const struct openapi_query session_participants[] = {
    {"status", OPENAPI_STRING, 0, 0, 0, OPENAPI_ENUM_STATUS_FILTER, NULL,
     "a participant status, or present (joining, connected or reconnecting)"},
};

static const struct openapi_query room_participants[] = {
    {"status", OPENAPI_STRING, 0, 0, 0, OPENAPI_ENUM_STATUS_FILTER, NULL,
     "a participant status, or present (joining, connected or reconnecting)"},
    {"session_id", OPENAPI_UUID, 0, 0, 0, 0, NULL,
     "the session to list (default: the room's current or latest)"},
};

static const struct openapi_query stage_requests[] = {
    {"state", OPENAPI_STRING, 0, 0, 0, OPENAPI_ENUM_STAGE_STATE, NULL,
     "only requests in this state"},
};

static const struct openapi_query signals[] = {
    {"limit", OPENAPI_INT, 1, 500, 100, 0, NULL, "page size"},
    {"after", OPENAPI_INT64, 0, 0, 0, 0, NULL, "a seq: the previous page's next_after"},
};

static const struct openapi_query events[] = {
    {"room_id", OPENAPI_UUID, 0, 0, 0, 0, NULL, "only this room's events"},
    {"session_id", OPENAPI_UUID, 0, 0, 0, 0, NULL, "only this session's events"},
    {"participant_id", OPENAPI_UUID, 0, 0, 0, 0, NULL, "only this participant's events"},
    {"type", OPENAPI_STRING, 0, 0, 0, 0, "^[a-z0-9._]{1,63}\\*?$",
     "an event type, or a prefix ending in * (participant.*)"},
    {"since", OPENAPI_TIME, 0, 0, 0, 0, NULL,
     "events at or after (RFC 3339 UTC; integer milliseconds also work)"},
    {"until", OPENAPI_TIME, 0, 0, 0, 0, NULL,
     "events at or before (RFC 3339 UTC; integer milliseconds also work)"},
    {"after", OPENAPI_INT64, 0, 0, 0, 0, NULL, "a seq: the previous page's next_after"},
};

static const struct openapi_query summary[] = {
    {"since", OPENAPI_TIME, 0, 0, 0, 0, NULL,
     "sessions created at or after (RFC 3339 UTC or integer milliseconds; default: all time)"},
    {"until", OPENAPI_TIME, 0, 0, 0, 0, NULL,
     "sessions created before (RFC 3339 UTC or integer milliseconds; default: now)"},
    {"top", OPENAPI_INT, 1, 100, 10, 0, NULL, "how many top identities"},
};

static const struct openapi_query days[] = {
    {"days", OPENAPI_INT, 1, 365, 7, 0, NULL, "UTC days up to today (1: today only)"},
};

#define GET    HTTP_GET
#define POST   HTTP_POST
#define PATCH  HTTP_PATCH
#define DELETE HTTP_DELETE
#define OK     OPENAPI_200
#define MADE   (OPENAPI_201 | OPENAPI_LOCATION)
#define GONE   OPENAPI_204
#define NOQ    NULL, 0
#define PAGED  OPENAPI_PAGED

const struct openapi_op openapi_ops[] = {
    {GET, "/healthz", "getHealth", "meta", "Health", OK, NOQ},
    {GET, "/readyz", "getReady", "meta", "Health", OK | OPENAPI_E503, NOQ},
    {GET, "/metrics", "getMetrics", "meta", NULL, OK | OPENAPI_TEXT, NOQ},
    {GET, "/v1/openapi.json", "getOpenApi", "meta", "OpenApiDocument", OK, NOQ},
    {POST, "/dev/token", "createDevToken", "dev", "DevToken", OPENAPI_201, NOQ},

    {POST, "/v1/orgs", "createOrg", "orgs", "OrgCreated", OPENAPI_201, NOQ},
    {GET, "/v1/orgs", "listOrgs", "orgs", "OrgList", OK | PAGED, NOQ},
    {GET, "/v1/orgs/{org_id}", "getOrg", "orgs", "Org", OK, NOQ},
    {DELETE, "/v1/orgs/{org_id}", "deleteOrg", "orgs", NULL, GONE, NOQ},
    {POST, "/v1/orgs/{org_id}/keys", "createOrgKey", "orgs", "ApiKeyWithSecret", OPENAPI_201, NOQ},
    {GET, "/v1/org", "getOwnOrg", "keys", "Org", OK, NOQ},
    {GET, "/v1/keys", "listKeys", "keys", "ApiKeyList", OK, NOQ},
    {POST, "/v1/keys", "createKey", "keys", "ApiKeyWithSecret", OPENAPI_201, NOQ},
    {DELETE, "/v1/keys/{key_id}", "revokeKey", "keys", NULL, GONE, NOQ},
    {POST, "/v1/tokens", "createToken", "tokens", "Token", OPENAPI_201, NOQ},

    {POST, "/v1/rooms", "createRoom", "rooms", "Room", MADE, NOQ},
    {GET, "/v1/rooms", "listRooms", "rooms", "RoomList", OK | PAGED, Q(rooms)},
    {GET, "/v1/rooms/{room_id}", "getRoom", "rooms", "Room", OK, NOQ},
    {PATCH, "/v1/rooms/{room_id}", "updateRoom", "rooms", "Room", OK, NOQ},
    {DELETE, "/v1/rooms/{room_id}", "deleteRoom", "rooms", NULL, GONE, NOQ},
    {POST, "/v1/categories", "createCategory", "categories", "Category", MADE, NOQ},
    {GET, "/v1/categories", "listCategories", "categories", "CategoryList", OK, NOQ},
    {GET, "/v1/categories/{category_id}", "getCategory", "categories", "Category", OK, NOQ},
    {PATCH, "/v1/categories/{category_id}", "updateCategory", "categories", "Category", OK, NOQ},
    {DELETE, "/v1/categories/{category_id}", "deleteCategory", "categories", NULL, GONE, NOQ},
    {GET, "/v1/channels", "listChannels", "categories", "Channels", OK, NOQ},

    {POST, "/v1/rooms/{room_id}/sessions", "createSession", "sessions", "Session", MADE, NOQ},
    {GET, "/v1/rooms/{room_id}/sessions", "listRoomSessions", "sessions", "SessionList", OK | PAGED,
     Q(room_sessions)},
    {GET, "/v1/sessions", "listSessions", "sessions", "SessionList", OK | PAGED, Q(sessions)},
    {GET, "/v1/sessions/{session_id}", "getSession", "sessions", "Session", OK, NOQ},
    {POST, "/v1/sessions/{session_id}/prepare", "prepareSession", "sessions", "Session", OK, NOQ},
    {POST, "/v1/sessions/{session_id}/start", "startSession", "sessions", "Session", OK, NOQ},
    {POST, "/v1/sessions/{session_id}/pause", "pauseSession", "sessions", "Session", OK, NOQ},
    {POST, "/v1/sessions/{session_id}/resume", "resumeSession", "sessions", "Session", OK, NOQ},
    {POST, "/v1/sessions/{session_id}/end", "endSession", "sessions", "Session", OK, NOQ},
    {POST, "/v1/sessions/{session_id}/cancel", "cancelSession", "sessions", "Session", OK, NOQ},
    {POST, "/v1/sessions/{session_id}/fail", "failSession", "sessions", "Session", OK, NOQ},
    {GET, "/v1/sessions/{session_id}/bans", "listSessionBans", "sessions", "BanList", OK | PAGED,
     NOQ},
    {POST, "/v1/sessions/{session_id}/unban", "unbanIdentity", "sessions", "Ban", OK, NOQ},

    {POST, "/v1/rooms/{room_id}/participants", "joinRoom", "participants", "Participant", MADE | OK,
     NOQ},
    {GET, "/v1/rooms/{room_id}/participants", "listRoomParticipants", "participants",
     "ParticipantList", OK | PAGED, Q(room_participants)},
    {GET, "/v1/sessions/{session_id}/participants", "listSessionParticipants", "participants",
     "ParticipantList", OK | PAGED, Q(session_participants)},
    {GET, "/v1/participants/{participant_id}", "getParticipant", "participants", "Participant", OK,
     NOQ},
    {PATCH, "/v1/participants/{participant_id}", "updateParticipant", "participants", "Participant",
     OK, NOQ},
    {POST, "/v1/participants/{participant_id}/leave", "leaveParticipant", "participants",
     "Participant", OK, NOQ},
    {POST, "/v1/participants/{participant_id}/remove", "removeParticipant", "participants",
     "Participant", OK, NOQ},
    {POST, "/v1/participants/{participant_id}/admit", "admitParticipant", "participants",
     "Participant", OK, NOQ},
    {POST, "/v1/participants/{participant_id}/deny", "denyParticipant", "participants",
     "Participant", OK, NOQ},
    {POST, "/v1/participants/{participant_id}/move", "moveParticipant", "participants",
     "Participant", OPENAPI_201 | OK, NOQ},
    {POST, "/v1/participants/{participant_id}/heartbeat", "heartbeatParticipant", "participants",
     "Participant", OK, NOQ},

    {POST, "/v1/participants/{participant_id}/signals", "sendSignal", "signals", "Signal",
     OPENAPI_201, NOQ},
    {GET, "/v1/participants/{participant_id}/signals", "listParticipantSignals", "signals",
     "SignalList", OK, Q(signals)},
    {GET, "/v1/sessions/{session_id}/signals", "listSessionSignals", "signals", "SignalList", OK,
     Q(signals)},

    {POST, "/v1/rooms/{room_id}/stage/requests", "createStageRequest", "stage", "StageRequest",
     MADE, NOQ},
    {GET, "/v1/rooms/{room_id}/stage/requests", "listStageRequests", "stage", "StageRequestList",
     OK | PAGED | OPENAPI_E409, Q(stage_requests)},
    {GET, "/v1/stage/requests/{request_id}", "getStageRequest", "stage", "StageRequest", OK, NOQ},
    {POST, "/v1/stage/requests/{request_id}/approve", "approveStageRequest", "stage",
     "StageRequest", OK, NOQ},
    {POST, "/v1/stage/requests/{request_id}/deny", "denyStageRequest", "stage", "StageRequest", OK,
     NOQ},
    {POST, "/v1/stage/requests/{request_id}/cancel", "cancelStageRequest", "stage", "StageRequest",
     OK, NOQ},
    {POST, "/v1/rooms/{room_id}/stage/speakers/{participant_id}/demote", "demoteSpeaker", "stage",
     "StageMember", OK, NOQ},
    {POST, "/v1/rooms/{room_id}/stage/moderators", "addModerator", "stage", "StageMember", OK, NOQ},

    {GET, "/v1/events", "listEvents", "events", "EventList", OK | PAGED, Q(events)},
    {GET, "/v1/rooms/{room_id}/events", "listRoomEvents", "events", "EventList", OK | PAGED,
     Q(events)},
    {GET, "/v1/sessions/{session_id}/events", "listSessionEvents", "events", "EventList",
     OK | PAGED, Q(events)},

    {GET, "/v1/analytics/summary", "getAnalyticsSummary", "analytics", "AnalyticsSummary", OK,
     Q(summary)},
    {GET, "/v1/analytics/rooms", "listAnalyticsRooms", "analytics", "AnalyticsRoomList", OK | PAGED,
     Q(days)},
    {GET, "/v1/analytics/rooms/{room_id}", "getAnalyticsRoom", "analytics", "AnalyticsRoomDetail",
     OK, Q(days)},
};

const size_t openapi_ops_count = sizeof openapi_ops / sizeof openapi_ops[0];

const struct openapi_op *openapi_ops_find(enum http_method method, const char *pattern)
{
    for (size_t i = 0; i < openapi_ops_count; i++)
        if (openapi_ops[i].method == method && strcmp(openapi_ops[i].pattern, pattern) == 0)
            return &openapi_ops[i];
    return NULL;
}
