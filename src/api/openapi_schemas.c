// SPDX-License-Identifier: MIT
// The answer schemas of the OpenAPI document: one table per JSON object the handlers write
// (rooms_write, participants_write, sessions_json, ...). Every listed member is required unless
// marked optional, because the handlers always write it; enums come from the domain's name
// tables. tests/integration/openapi.test.mjs checks real answers against these.
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "api/openapi_int.h"
#include "domain/participant.h"
#include "domain/perm.h"
#include "domain/role.h"
#include "domain/room.h"
#include "domain/session.h"
#include "domain/stage.h"
#include "store/participants.h"

#define N(a)     (sizeof(a) / sizeof((a)[0]))
#define NULLABLE OPENAPI_NULLABLE
#define OPTIONAL OPENAPI_OPTIONAL

// ---- enums ----

static void add_names(json_t *arr, const char *(*name)(int), int n)
{
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, json_string(name(i)));
}

static const char *room_type_at(int i)
{
    return room_type_name((room_type)i);
}

static const char *media_mode_at(int i)
{
    return room_media_mode_name((room_media_mode)i);
}

static const char *session_state_at(int i)
{
    return session_state_name((session_state)i);
}

static const char *stage_state_at(int i)
{
    return stage_state_name((stage_state)i);
}

static const char *status_at(int i)
{
    return participant_status_name((participant_status)i);
}

static const char *role_at(int i)
{
    return role_name((role)i);
}

// The enum of a body field in the route tables, so a value the handlers accept and write
// back (a participant's kind) is listed once.
static void add_body_enum(json_t *arr, enum http_method m, const char *pattern, const char *field)
{
    size_t nm;
    const struct api_module *const *mods = api_modules(&nm);
    for (size_t i = 0; i < nm; i++)
        for (size_t j = 0; j < mods[i]->count; j++) {
            const struct api_route *r = &mods[i]->routes[j];
            if (r->r.method != m || strcmp(r->r.pattern, pattern) != 0)
                continue;
            for (size_t k = 0; k < r->nbody; k++)
                if (strcmp(r->body[k].name, field) == 0)
                    for (const char *const *v = r->body[k].enum_values; v && *v; v++)
                        json_array_append_new(arr, json_string(*v));
        }
}

static json_t *enum_values(enum openapi_enum e)
{
    static const char *const signal_kinds[] = {"offer", "answer", "candidate", "message"};
    // The media plane's scores (src/signal/hub_media.c), best first; domain/ has no table yet.
    static const char *const qualities[] = {"excellent", "good", "poor", "lost"};
    json_t *a = json_array();
    switch (e) {
    case OPENAPI_ENUM_NONE:
        break;
    case OPENAPI_ENUM_ROOM_TYPE:
        add_names(a, room_type_at, ROOM_TYPE_COUNT);
        break;
    case OPENAPI_ENUM_MEDIA_MODE:
        add_names(a, media_mode_at, ROOM_MEDIA_P2P + 1);
        break;
    case OPENAPI_ENUM_SESSION_STATE:
        add_names(a, session_state_at, SESSION_STATE_COUNT);
        break;
    case OPENAPI_ENUM_STAGE_STATE:
        add_names(a, stage_state_at, STAGE_STATE_COUNT);
        break;
    case OPENAPI_ENUM_STATUS_FILTER:
        json_array_append_new(a, json_string(PARTICIPANTS_PRESENT));
        // fall through
    case OPENAPI_ENUM_PARTICIPANT_STATUS:
        add_names(a, status_at, PARTICIPANT_STATUS_COUNT);
        break;
    case OPENAPI_ENUM_GRANT_ROLE:
        json_array_append_new(a, json_string(""));
        // fall through
    case OPENAPI_ENUM_ROLE:
        add_names(a, role_at, ROLE_COUNT);
        break;
    case OPENAPI_ENUM_PERMISSION:
        for (size_t i = 0; i < perm_defs_count; i++)
            json_array_append_new(a, json_string(perm_defs[i].name));
        break;
    case OPENAPI_ENUM_PARTICIPANT_KIND:
        add_body_enum(a, HTTP_POST, "/v1/rooms/{room_id}/participants", "kind");
        break;
    case OPENAPI_ENUM_SIGNAL_KIND: // signals.c checks signal.kind with its own nested table
        for (size_t i = 0; i < N(signal_kinds); i++)
            json_array_append_new(a, json_string(signal_kinds[i]));
        break;
    case OPENAPI_ENUM_QUALITY:
        for (size_t i = 0; i < N(qualities); i++)
            json_array_append_new(a, json_string(qualities[i]));
        break;
    }
    return a;
}

json_t *openapi_schemas_type(enum openapi_type type, const char *ref, enum openapi_enum values)
{
    static const char *const formats[] = {
        [OPENAPI_UUID] = "uuid",     [OPENAPI_TIME] = "date-time", [OPENAPI_DATE] = "date",
        [OPENAPI_EMAIL] = "email",   [OPENAPI_INT] = "int32",      [OPENAPI_INT64] = "int64",
        [OPENAPI_NUMBER] = "double",
    };
    char path[128];
    snprintf(path, sizeof path, "#/components/schemas/%s", ref ? ref : "");
    switch (type) {
    case OPENAPI_INT:
    case OPENAPI_INT64:
        return json_pack("{s:s, s:s}", "type", "integer", "format", formats[type]);
    case OPENAPI_NUMBER:
        return json_pack("{s:s, s:s}", "type", "number", "format", formats[type]);
    case OPENAPI_BOOL:
        return json_pack("{s:s}", "type", "boolean");
    case OPENAPI_OBJECT:
        return json_pack("{s:s, s:b}", "type", "object", "additionalProperties", 1);
    case OPENAPI_ANY:
        return json_object();
    case OPENAPI_REF:
        return json_pack("{s:s}", "$ref", path);
    case OPENAPI_REFS:
        return json_pack("{s:s, s:{s:s}}", "type", "array", "items", "$ref", path);
    case OPENAPI_ENUMS:
        return json_pack("{s:s, s:{s:s, s:o}}", "type", "array", "items", "type", "string", "enum",
                         enum_values(values));
    default:
        break;
    }
    json_t *s = json_pack("{s:s}", "type", "string");
    if (formats[type])
        json_object_set_new(s, "format", json_string(formats[type]));
    if (values != OPENAPI_ENUM_NONE)
        json_object_set_new(s, "enum", enum_values(values));
    return s;
}

// ---- the schemas ----

static const struct openapi_prop health[] = {
    {"status", OPENAPI_STRING, 0, NULL, 0, "\"ok\" (/healthz) or \"ready\" (/readyz)"},
};

static const struct openapi_prop org[] = {
    {"id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"name", OPENAPI_STRING, 0, NULL, 0, NULL},
    {"metadata", OPENAPI_OBJECT, 0, NULL, 0, NULL},
    {"created_at", OPENAPI_TIME, 0, NULL, 0, NULL},
};

static const struct openapi_prop org_created[] = {
    {"api_key", OPENAPI_REF, 0, "ApiKeyWithSecret", 0, "the org's first api key"},
};

static const struct openapi_prop org_list[] = {
    {"orgs", OPENAPI_REFS, 0, "Org", 0, NULL},
    {"limit", OPENAPI_INT, 0, NULL, 0, NULL},
    {"offset", OPENAPI_INT, 0, NULL, 0, NULL},
};

static const struct openapi_prop api_key[] = {
    {"id", OPENAPI_STRING, 0, NULL, 0, "\"AK\" and 20 characters (not a UUID)"},
    {"org_id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"name", OPENAPI_STRING, 0, NULL, 0, NULL},
    {"created_at", OPENAPI_TIME, 0, NULL, 0, NULL},
    {"revoked_at", OPENAPI_TIME, NULLABLE, NULL, 0, "null while the key works"},
};

static const struct openapi_prop key_secret[] = {
    {"secret", OPENAPI_STRING, 0, NULL, 0, "shown only in this answer"},
};

static const struct openapi_prop key_list[] = {
    {"keys", OPENAPI_REFS, 0, "ApiKey", 0, "every key of the org, revoked ones included"},
};

static const struct openapi_prop grants[] = {
    {"join", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"publish", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"subscribe", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"publish_data", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"admin", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"hidden", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"recorder", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"role", OPENAPI_STRING, 0, NULL, OPENAPI_ENUM_GRANT_ROLE, "\"\": the room decides"},
};

static const struct openapi_prop token[] = {
    {"token", OPENAPI_STRING, 0, NULL, 0, "the HS256 JWT"},
    {"identity", OPENAPI_STRING, 0, NULL, 0, NULL},
    {"room_id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"grants", OPENAPI_REF, 0, "TokenGrants", 0, NULL},
    {"expires_at", OPENAPI_TIME, 0, NULL, 0, NULL},
};

static const struct openapi_prop dev_token[] = {
    {"token", OPENAPI_STRING, 0, NULL, 0, NULL},
    {"room_id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"path", OPENAPI_STRING, 0, NULL, 0, "the WebSocket path"},
};

static const struct openapi_prop room[] = {
    {"id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"name", OPENAPI_STRING, 0, NULL, 0, NULL},
    {"type", OPENAPI_STRING, 0, NULL, OPENAPI_ENUM_ROOM_TYPE, NULL},
    {"media_mode", OPENAPI_STRING, 0, NULL, OPENAPI_ENUM_MEDIA_MODE, NULL},
    {"persistent", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"max_participants", OPENAPI_INT, 0, NULL, 0, "0: the type's ceiling"},
    {"participant_limit", OPENAPI_INT, 0, NULL, 0, "the limit that applies"},
    {"bitrate", OPENAPI_INT, 0, NULL, 0, "Opus audio, bits per second"},
    {"recording_allowed", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"screen_share_allowed", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"waiting_room", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"has_password", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"category_id", OPENAPI_UUID, NULLABLE, NULL, 0, NULL},
    {"position", OPENAPI_INT, 0, NULL, 0, NULL},
    {"empty_timeout", OPENAPI_INT, 0, NULL, 0, "seconds"},
    {"metadata", OPENAPI_OBJECT, 0, NULL, 0, NULL},
    {"permission_overrides", OPENAPI_OBJECT, 0, NULL, 0, NULL},
    {"created_at", OPENAPI_TIME, 0, NULL, 0, NULL},
    {"updated_at", OPENAPI_TIME, 0, NULL, 0, NULL},
};

static const struct openapi_prop room_list[] = {
    {"rooms", OPENAPI_REFS, 0, "Room", 0, NULL},
    {"limit", OPENAPI_INT, 0, NULL, 0, NULL},
    {"offset", OPENAPI_INT, 0, NULL, 0, NULL},
};

static const struct openapi_prop channel[] = {
    {"participant_count", OPENAPI_INT, 0, NULL, 0, "present participants"},
};

static const struct openapi_prop category[] = {
    {"id", OPENAPI_UUID, 0, NULL, 0, NULL},         {"name", OPENAPI_STRING, 0, NULL, 0, NULL},
    {"position", OPENAPI_INT, 0, NULL, 0, NULL},    {"created_at", OPENAPI_TIME, 0, NULL, 0, NULL},
    {"updated_at", OPENAPI_TIME, 0, NULL, 0, NULL},
};

static const struct openapi_prop category_list[] = {
    {"categories", OPENAPI_REFS, 0, "Category", 0, NULL},
};

static const struct openapi_prop channel_group[] = {
    {"id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"name", OPENAPI_STRING, 0, NULL, 0, NULL},
    {"position", OPENAPI_INT, 0, NULL, 0, NULL},
    {"channels", OPENAPI_REFS, 0, "Channel", 0, NULL},
};

static const struct openapi_prop channels[] = {
    {"categories", OPENAPI_REFS, 0, "ChannelGroup", 0, NULL},
    {"uncategorized", OPENAPI_REFS, 0, "Channel", 0, NULL},
    {"truncated", OPENAPI_BOOL, 0, NULL, 0, "more channels exist than were listed"},
};

static const struct openapi_prop session[] = {
    {"id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"room_id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"state", OPENAPI_STRING, 0, NULL, OPENAPI_ENUM_SESSION_STATE, NULL},
    {"duration_ms", OPENAPI_INT64, 0, NULL, 0, "runs while the session is live"},
    {"speaking_ms", OPENAPI_INT64, 0, NULL, 0,
     "milliseconds spent speaking: the sum of its participants' speaking_ms"},
    {"peak_participants", OPENAPI_INT, 0, NULL, 0, NULL},
    {"participant_count", OPENAPI_INT, 0, NULL, 0, "present participants now"},
    {"scheduled_at", OPENAPI_TIME, NULLABLE, NULL, 0, NULL},
    {"started_at", OPENAPI_TIME, NULLABLE, NULL, 0, NULL},
    {"ended_at", OPENAPI_TIME, NULLABLE, NULL, 0, NULL},
    {"end_reason", OPENAPI_STRING, NULLABLE, NULL, 0,
     "null until the session ends: ended, cancelled, failed, empty"},
    {"created_at", OPENAPI_TIME, 0, NULL, 0, NULL},
    {"updated_at", OPENAPI_TIME, 0, NULL, 0, NULL},
};

static const struct openapi_prop session_list[] = {
    {"sessions", OPENAPI_REFS, 0, "Session", 0, NULL},
    {"limit", OPENAPI_INT, 0, NULL, 0, NULL},
    {"offset", OPENAPI_INT, 0, NULL, 0, NULL},
};

static const struct openapi_prop media[] = {
    {"audio", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"video", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"screen_share", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"self_mute", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"self_deaf", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"server_mute", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"server_deaf", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"hand_raised", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"speaking", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"volume", OPENAPI_INT, 0, NULL, 0, "percent"},
};

// The media plane's latest measurement of a participant's connections (from RTCP).
static const struct openapi_prop network[] = {
    {"quality", OPENAPI_STRING, 0, NULL, OPENAPI_ENUM_QUALITY, "the score the numbers below earn"},
    {"rtt_ms", OPENAPI_NUMBER, 0, NULL, 0, "round-trip time, milliseconds"},
    {"jitter_ms", OPENAPI_NUMBER, 0, NULL, 0, "interarrival jitter, milliseconds"},
    {"loss", OPENAPI_NUMBER, 0, NULL, 0, "fraction of packets lost, 0 to 1"},
    {"bitrate_kbps", OPENAPI_NUMBER, 0, NULL, 0, "sent plus received, kilobits per second"},
    {"measured_at", OPENAPI_TIME, 0, NULL, 0, "when the numbers were measured"},
};

// The members a participant and a stage member share.
static const struct openapi_prop member[] = {
    {"id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"room_id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"session_id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"identity", OPENAPI_STRING, 0, NULL, 0, NULL},
};

static const struct openapi_prop member_role[] = {
    {"role", OPENAPI_STRING, 0, NULL, OPENAPI_ENUM_ROLE, NULL},
    {"status", OPENAPI_STRING, 0, NULL, OPENAPI_ENUM_PARTICIPANT_STATUS, NULL},
    {"permissions", OPENAPI_ENUMS, 0, NULL, OPENAPI_ENUM_PERMISSION, NULL},
};

static const struct openapi_prop participant[] = {
    {"id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"room_id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"session_id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"identity", OPENAPI_STRING, 0, NULL, 0, NULL},
    {"name", OPENAPI_STRING, 0, NULL, 0, NULL},
    {"kind", OPENAPI_STRING, 0, NULL, OPENAPI_ENUM_PARTICIPANT_KIND, NULL},
    {"role", OPENAPI_STRING, 0, NULL, OPENAPI_ENUM_ROLE, NULL},
    {"status", OPENAPI_STRING, 0, NULL, OPENAPI_ENUM_PARTICIPANT_STATUS, NULL},
    {"permissions", OPENAPI_ENUMS, 0, NULL, OPENAPI_ENUM_PERMISSION, NULL},
    {"media", OPENAPI_REF, 0, "ParticipantMedia", 0, NULL},
    {"speaking_ms", OPENAPI_INT64, 0, NULL, 0,
     "milliseconds spent speaking in this session (the server's speaking detection)"},
    {"network", OPENAPI_REF, 0, "ParticipantNetwork", 0, "null until the media plane measures it"},
    {"recording_consent", OPENAPI_BOOL, 0, NULL, 0, NULL},
    {"email", OPENAPI_EMAIL, NULLABLE, NULL, 0, NULL},
    {"device", OPENAPI_STRING, NULLABLE, NULL, 0, NULL},
    {"browser", OPENAPI_STRING, NULLABLE, NULL, 0, NULL},
    {"metadata", OPENAPI_OBJECT, 0, NULL, 0, NULL},
    {"joined_at", OPENAPI_TIME, NULLABLE, NULL, 0, "null while waiting, or when denied"},
    {"left_at", OPENAPI_TIME, NULLABLE, NULL, 0, NULL},
    {"last_seen", OPENAPI_TIME, 0, NULL, 0, NULL},
    {"created_at", OPENAPI_TIME, 0, NULL, 0, NULL},
};

static const struct openapi_prop participant_list[] = {
    {"participants", OPENAPI_REFS, 0, "Participant", 0, NULL},
    {"limit", OPENAPI_INT, 0, NULL, 0, NULL},
    {"offset", OPENAPI_INT, 0, NULL, 0, NULL},
    {"session_id", OPENAPI_UUID, NULLABLE, NULL, 0,
     "the session listed (null when the room never had one)"},
};

static const struct openapi_prop stage_request[] = {
    {"id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"room_id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"session_id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"participant_id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"identity", OPENAPI_STRING, 0, NULL, 0, NULL},
    {"state", OPENAPI_STRING, 0, NULL, OPENAPI_ENUM_STAGE_STATE, NULL},
    {"created_at", OPENAPI_TIME, 0, NULL, 0, NULL},
    {"decided_at", OPENAPI_TIME, NULLABLE, NULL, 0, NULL},
    {"decided_by", OPENAPI_STRING, NULLABLE, NULL, 0, "an identity, or an api key id"},
    {"participant", OPENAPI_REF, OPTIONAL, "StageMember", 0,
     "approve only: the requester, now a speaker"},
};

static const struct openapi_prop stage_request_list[] = {
    {"requests", OPENAPI_REFS, 0, "StageRequest", 0, NULL},
    {"limit", OPENAPI_INT, 0, NULL, 0, NULL},
    {"offset", OPENAPI_INT, 0, NULL, 0, NULL},
};

static const struct openapi_prop signal_payload[] = {
    {"kind", OPENAPI_STRING, 0, NULL, OPENAPI_ENUM_SIGNAL_KIND, NULL},
    {"sdp", OPENAPI_STRING, OPTIONAL, NULL, 0, "offer and answer"},
    {"candidate", OPENAPI_ANY, OPTIONAL, NULL, 0, "candidate: an object or a string"},
    {"data", OPENAPI_ANY, OPTIONAL, NULL, 0, "message: any JSON"},
};

static const struct openapi_prop signal[] = {
    {"id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"seq", OPENAPI_INT64, 0, NULL, 0, NULL},
    {"room_id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"session_id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"from", OPENAPI_UUID, 0, NULL, 0, "the sender's participant id"},
    {"to", OPENAPI_STRING, 0, NULL, 0, "the addressee's participant id, or \"*\""},
    {"kind", OPENAPI_STRING, 0, NULL, OPENAPI_ENUM_SIGNAL_KIND, NULL},
    {"signal", OPENAPI_REF, 0, "SignalPayload", 0, "as sent"},
    {"created_at", OPENAPI_TIME, 0, NULL, 0, NULL},
};

static const struct openapi_prop signal_list[] = {
    {"signals", OPENAPI_REFS, 0, "Signal", 0, NULL},
    {"next_after", OPENAPI_INT64, 0, NULL, 0, "pass back as after= for the next page"},
    {"limit", OPENAPI_INT, 0, NULL, 0, NULL},
};

static const struct openapi_prop ban[] = {
    {"session_id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"room_id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"identity", OPENAPI_STRING, 0, NULL, 0, "the banned identity"},
    {"by", OPENAPI_STRING, 0, NULL, 0, "the remover's identity, or \"server\" for an api key"},
    {"reason", OPENAPI_STRING, 0, NULL, 0, "the removal's reason"},
    {"created_at", OPENAPI_TIME, 0, NULL, 0, NULL},
};

static const struct openapi_prop ban_list[] = {
    {"bans", OPENAPI_REFS, 0, "Ban", 0, NULL},
    {"limit", OPENAPI_INT, 0, NULL, 0, NULL},
    {"offset", OPENAPI_INT, 0, NULL, 0, NULL},
};

static const struct openapi_prop event[] = {
    {"id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"seq", OPENAPI_INT64, 0, NULL, 0, NULL},
    {"type", OPENAPI_STRING, 0, NULL, 0, "participant.joined, session.started, ..."},
    {"room_id", OPENAPI_UUID, NULLABLE, NULL, 0, NULL},
    {"session_id", OPENAPI_UUID, NULLABLE, NULL, 0, NULL},
    {"participant_id", OPENAPI_UUID, NULLABLE, NULL, 0, NULL},
    {"data", OPENAPI_OBJECT, 0, NULL, 0, NULL},
    {"created_at", OPENAPI_TIME, 0, NULL, 0, NULL},
};

static const struct openapi_prop event_list[] = {
    {"events", OPENAPI_REFS, 0, "Event", 0, NULL},
    {"next_after", OPENAPI_INT64, NULLABLE, NULL, 0,
     "the last seq of this page (null when empty): pass back as after="},
    {"limit", OPENAPI_INT, 0, NULL, 0, NULL},
    {"offset", OPENAPI_INT, 0, NULL, 0, NULL},
};

static const struct openapi_prop top_participant[] = {
    {"identity", OPENAPI_STRING, 0, NULL, 0, NULL},
    {"sessions", OPENAPI_INT64, 0, NULL, 0, NULL},
    {"total_ms", OPENAPI_INT64, 0, NULL, 0, NULL},
};

static const struct openapi_prop window[] = {
    {"since", OPENAPI_TIME, NULLABLE, NULL, 0, "null: from the beginning"},
    {"until", OPENAPI_TIME, NULLABLE, NULL, 0, "null: until now"},
};

static const struct openapi_prop summary[] = {
    {"total_sessions", OPENAPI_INT64, 0, NULL, 0, NULL},
    {"active_sessions", OPENAPI_INT64, 0, NULL, 0, NULL},
    {"completed_sessions", OPENAPI_INT64, 0, NULL, 0, NULL},
    {"sessions_by_room_type", OPENAPI_REF, 0, "SessionsByRoomType", 0, NULL},
    {"total_participants", OPENAPI_INT64, 0, NULL, 0, NULL},
    {"unique_identities", OPENAPI_INT64, 0, NULL, 0, NULL},
    {"average_duration_ms", OPENAPI_INT64, 0, NULL, 0, NULL},
    {"top_participants", OPENAPI_REFS, 0, "AnalyticsTopParticipant", 0, NULL},
};

static const struct openapi_prop room_totals[] = {
    {"room_id", OPENAPI_UUID, 0, NULL, 0, NULL},
    {"name", OPENAPI_STRING, 0, NULL, 0, NULL},
    {"type", OPENAPI_STRING, 0, NULL, OPENAPI_ENUM_ROOM_TYPE, NULL},
    {"sessions", OPENAPI_INT64, 0, NULL, 0, NULL},
    {"completed_sessions", OPENAPI_INT64, 0, NULL, 0, NULL},
    {"total_duration_ms", OPENAPI_INT64, 0, NULL, 0, NULL},
    {"average_duration_ms", OPENAPI_INT64, 0, NULL, 0, NULL},
    {"peak_participants", OPENAPI_INT64, 0, NULL, 0, NULL},
};

static const struct openapi_prop room_totals_list[] = {
    {"rooms", OPENAPI_REFS, 0, "AnalyticsRoom", 0, NULL},
    {"days", OPENAPI_INT, 0, NULL, 0, NULL},
    {"limit", OPENAPI_INT, 0, NULL, 0, NULL},
    {"offset", OPENAPI_INT, 0, NULL, 0, NULL},
    {"since", OPENAPI_TIME, 0, NULL, 0, "the start of the first UTC day"},
    {"until", OPENAPI_TIME, 0, NULL, 0, "now"},
};

static const struct openapi_prop room_detail[] = {
    {"days", OPENAPI_INT, 0, NULL, 0, NULL},
    {"since", OPENAPI_TIME, 0, NULL, 0, "the start of the first UTC day"},
    {"until", OPENAPI_TIME, 0, NULL, 0, "now"},
    {"by_day", OPENAPI_REFS, 0, "AnalyticsDay", 0, "one entry per UTC day, oldest first"},
};

static const struct openapi_prop day[] = {
    {"date", OPENAPI_DATE, 0, NULL, 0, NULL},
    {"sessions", OPENAPI_INT64, 0, NULL, 0, NULL},
    {"total_duration_ms", OPENAPI_INT64, 0, NULL, 0, NULL},
    {"peak_participants", OPENAPI_INT64, 0, NULL, 0, NULL},
};

#define ONLY(p)         NULL, 0, p, N(p), 0
#define WITH(base, p)   base, N(base), p, N(p), 0
#define ONLY_OR_NULL(p) NULL, 0, p, N(p), NULLABLE

static const struct openapi_schema schemas[] = {
    {"Health", "Liveness or readiness", ONLY(health)},
    {"Org", NULL, ONLY(org)},
    {"OrgCreated", "An org with its first api key", WITH(org, org_created)},
    {"OrgList", NULL, ONLY(org_list)},
    {"ApiKey", NULL, ONLY(api_key)},
    {"ApiKeyWithSecret", "A new api key", WITH(api_key, key_secret)},
    {"ApiKeyList", NULL, ONLY(key_list)},
    {"TokenGrants", NULL, ONLY(grants)},
    {"Token", "A participant access token", ONLY(token)},
    {"DevToken", "Dev mode only", ONLY(dev_token)},
    {"Room", NULL, ONLY(room)},
    {"RoomList", NULL, ONLY(room_list)},
    {"Channel", "A room with its present participant count", WITH(room, channel)},
    {"Category", NULL, ONLY(category)},
    {"CategoryList", NULL, ONLY(category_list)},
    {"ChannelGroup", "A category and its channels", ONLY(channel_group)},
    {"Channels", NULL, ONLY(channels)},
    {"Session", NULL, ONLY(session)},
    {"SessionList", NULL, ONLY(session_list)},
    {"ParticipantMedia", NULL, ONLY(media)},
    {"ParticipantNetwork", "A participant's network, or null when never measured",
     ONLY_OR_NULL(network)},
    {"Participant", NULL, ONLY(participant)},
    {"ParticipantList", NULL, ONLY(participant_list)},
    {"StageMember", "A participant's stage role", WITH(member, member_role)},
    {"StageRequest", "A request to speak", ONLY(stage_request)},
    {"StageRequestList", NULL, ONLY(stage_request_list)},
    {"SignalPayload", NULL, ONLY(signal_payload)},
    {"Signal", "A relayed peer-to-peer signal", ONLY(signal)},
    {"SignalList", NULL, ONLY(signal_list)},
    {"Ban", "An identity removed from a session with ban: true", ONLY(ban)},
    {"BanList", NULL, ONLY(ban_list)},
    {"Event", NULL, ONLY(event)},
    {"EventList", NULL, ONLY(event_list)},
    {"AnalyticsTopParticipant", NULL, ONLY(top_participant)},
    {"AnalyticsSummary", NULL, WITH(summary, window)},
    {"AnalyticsRoom", NULL, ONLY(room_totals)},
    {"AnalyticsRoomList", NULL, ONLY(room_totals_list)},
    {"AnalyticsRoomDetail", NULL, WITH(room_totals, room_detail)},
    {"AnalyticsDay", NULL, ONLY(day)},
};

static void add_props(json_t *props, json_t *req, const struct openapi_prop *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_t *s = openapi_schemas_type(p[i].type, p[i].ref, p[i].values);
        if (p[i].flags & OPENAPI_NULLABLE)
            json_object_set_new(s, "nullable", json_true());
        if (p[i].description)
            json_object_set_new(s, "description", json_string(p[i].description));
        json_object_set_new(props, p[i].name, s);
        if (!(p[i].flags & OPENAPI_OPTIONAL))
            json_array_append_new(req, json_string(p[i].name));
    }
}

static json_t *object_schema(const struct openapi_schema *s)
{
    json_t *props = json_object(), *req = json_array();
    add_props(props, req, s->base, s->nbase);
    add_props(props, req, s->props, s->nprops);
    json_t *o =
        json_pack("{s:s, s:o, s:o}", "type", "object", "required", req, "properties", props);
    if (s->description)
        json_object_set_new(o, "description", json_string(s->description));
    if (s->flags & OPENAPI_NULLABLE) // OpenAPI 3.0 ignores nullable beside a $ref, so here
        json_object_set_new(o, "nullable", json_true());
    return o;
}

// Session counts keyed by every room type (zeros included).
static json_t *by_room_type(void)
{
    json_t *props = json_object(), *req = json_array();
    for (int t = 0; t < ROOM_TYPE_COUNT; t++) {
        json_object_set_new(props, room_type_at(t),
                            openapi_schemas_type(OPENAPI_INT64, NULL, OPENAPI_ENUM_NONE));
        json_array_append_new(req, json_string(room_type_at(t)));
    }
    return json_pack("{s:s, s:o, s:o}", "type", "object", "required", req, "properties", props);
}

void openapi_schemas_add(json_t *out)
{
    for (size_t i = 0; i < N(schemas); i++)
        json_object_set_new(out, schemas[i].name, object_schema(&schemas[i]));
    json_object_set_new(out, "SessionsByRoomType", by_room_type());
    json_object_set_new(out, "OpenApiDocument",
                        json_pack("{s:s, s:b, s:s}", "type", "object", "additionalProperties", 1,
                                  "description", "An OpenAPI 3.0 document"));
    json_object_set_new(
        out, "Error",
        json_pack("{s:s, s:[s], s:{s:{s:s, s:[s, s, s], s:{s:{s:s, s:s}, s:{s:s}, s:{s:s, s:b, "
                  "s:s}}}}}",
                  "type", "object", "required", "error", "properties", "error", "type", "object",
                  "required", "code", "message", "field", "properties", "code", "type", "string",
                  "description", "stable: invalid_uuid, not_found, room_full, ...", "message",
                  "type", "string", "field", "type", "string", "nullable", 1, "description",
                  "the body member or query parameter at fault"));
}
