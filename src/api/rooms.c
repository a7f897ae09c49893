// SPDX-License-Identifier: MIT
// Rooms: create, get, list, update, delete. Settings are checked against the domain rules
// (limits per type, bitrate range, media mode) before anything is stored.
#include "api/rooms.h"

#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/secretbox.h"
#include "core/err.h"
#include "core/uuid.h"
#include "domain/room.h"
#include "store/categories.h"

static const char *const type_values[] = {"voice",     "video", "screen_share",
                                          "broadcast", "stage", NULL};
static const char *const mode_values[] = {"sfu", "p2p", NULL};

#define ROOM_FIELDS(req)                                                                           \
    {.name = "name", .type = BODY_NAME, .required = req, .min = 1, .max = 128},                    \
        {.name = "type", .type = BODY_ENUM, .required = req, .enum_values = type_values},          \
        {.name = "media_mode", .type = BODY_ENUM, .enum_values = mode_values},                     \
        {.name = "persistent", .type = BODY_BOOL},                                                 \
        {.name = "max_participants", .type = BODY_INT, .min = 0, .max = 1000},                     \
        {.name = "bitrate", .type = BODY_INT, .min = 8000, .max = 384000},                         \
        {.name = "recording_allowed", .type = BODY_BOOL},                                          \
        {.name = "screen_share_allowed", .type = BODY_BOOL},                                       \
        {.name = "waiting_room", .type = BODY_BOOL},                                               \
        {.name = "password", .type = BODY_STRING, .min = 4, .max = 128, .nullable = 1},            \
        {.name = "category_id", .type = BODY_UUID, .nullable = 1},                                 \
        {.name = "position", .type = BODY_INT, .min = 0, .max = 1000000},                          \
        {.name = "empty_timeout", .type = BODY_INT, .min = 0, .max = 86400},                       \
        {.name = "metadata", .type = BODY_OBJECT, .max = 4096},                                    \
        {.name = "permission_overrides", .type = BODY_OBJECT, .max = 8192},

static const struct body_field create_fields[] = {ROOM_FIELDS(1)};
static const struct body_field update_fields[] = {ROOM_FIELDS(0)};

void rooms_write(jsonw *w, const struct room_rec *r, int64_t participant_count)
{
    room_type t = ROOM_VOICE;
    room_type_parse(r->type, &t);
    jsonw_obj(w);
    jsonw_kstr(w, "id", r->id);
    jsonw_kstr(w, "name", r->name);
    jsonw_kstr(w, "type", r->type);
    jsonw_kstr(w, "media_mode", r->media_mode);
    jsonw_kbool(w, "persistent", r->persistent);
    jsonw_kint(w, "max_participants", r->max_participants);
    jsonw_kint(w, "participant_limit", room_effective_limit(t, r->max_participants));
    jsonw_kint(w, "bitrate", r->bitrate);
    jsonw_kbool(w, "recording_allowed", r->recording_allowed);
    jsonw_kbool(w, "screen_share_allowed", r->screen_share_allowed);
    jsonw_kbool(w, "waiting_room", r->waiting_room);
    jsonw_kbool(w, "has_password", r->password_hash[0] != '\0');
    jsonw_kstr(w, "category_id", r->category_id[0] ? r->category_id : NULL);
    jsonw_kint(w, "position", r->position);
    jsonw_kint(w, "empty_timeout", r->empty_timeout);
    jsonw_kraw(w, "metadata", r->metadata, "{}");
    jsonw_kraw(w, "permission_overrides", r->permission_overrides, "{}");
    if (participant_count >= 0)
        jsonw_kint(w, "participant_count", participant_count);
    jsonw_ktime(w, "created_at", r->created_at);
    jsonw_ktime(w, "updated_at", r->updated_at);
    jsonw_obj_end(w);
}

json_t *rooms_json(const struct room_rec *r)
{
    sbuf b;
    jsonw w;
    sbuf_init(&b);
    jsonw_init(&w, &b);
    rooms_write(&w, r, -1);
    json_t *j = json_loadb(b.data, b.len, 0, NULL);
    sbuf_fini(&b);
    return j ? j : json_object();
}

static void answer_room(struct api_call *c, int status, const struct room_rec *r)
{
    jsonw w;
    jsonw_init(&w, api_body_writer(c, status));
    rooms_write(&w, r, -1);
}

static uint32_t perm_list(const json_t *arr)
{
    uint32_t flags = 0, f;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (json_is_string(v) &&
                                      perm_parse_name(json_string_value(v), &f) == 0) flags |= f;
    return flags;
}

static void read_override(const json_t *o, struct perm_override *out)
{
    out->allow = perm_list(json_object_get(o, "allow"));
    out->deny = perm_list(json_object_get(o, "deny"));
}

void rooms_overrides(const struct room_rec *r, role rl, const char *identity,
                     struct perm_override *role_ovr, struct perm_override *identity_ovr)
{
    memset(role_ovr, 0, sizeof *role_ovr);
    memset(identity_ovr, 0, sizeof *identity_ovr);
    if (!r->permission_overrides || strcmp(r->permission_overrides, "{}") == 0)
        return;
    json_t *o = api_json_text(r->permission_overrides);
    read_override(json_object_get(json_object_get(o, "roles"), role_name(rl)), role_ovr);
    if (identity)
        read_override(json_object_get(json_object_get(o, "identities"), identity), identity_ovr);
    json_decref(o);
}

uint32_t rooms_permissions(const struct room_rec *r, role rl, const char *identity)
{
    room_type t = ROOM_VOICE;
    room_type_parse(r->type, &t);
    struct perm_override ro, io;
    rooms_overrides(r, rl, identity, &ro, &io);
    return perm_compute(rl, t, &ro, &io);
}

// {"allow": [perm...], "deny": [perm...]} with known permission names only.
static int check_override_entry(struct api_call *c, const json_t *e, const char *where)
{
    const char *key;
    json_t *arr;
    if (!json_is_object(e))
        goto bad;
    json_object_foreach((json_t *)e, key, arr)
    {
        if ((strcmp(key, "allow") && strcmp(key, "deny")) || !json_is_array(arr))
            goto bad;
        size_t i;
        json_t *v;
        uint32_t f;
        json_array_foreach(arr, i, v)
        {
            if (!json_is_string(v) || perm_parse_name(json_string_value(v), &f)) {
                api_error(c, 400, "invalid_value", "permission_overrides",
                          "%s: unknown permission name", where);
                return -1;
            }
        }
    }
    return 0;
bad:
    api_error(c, 400, "invalid_value", "permission_overrides",
              "%s must be {\"allow\": [...], \"deny\": [...]}", where);
    return -1;
}

static int check_overrides(struct api_call *c, const json_t *o)
{
    const char *key, *name;
    json_t *group, *e;
    json_object_foreach((json_t *)o, key, group)
    {
        int roles = strcmp(key, "roles") == 0;
        if ((!roles && strcmp(key, "identities")) || !json_is_object(group)) {
            api_error(c, 400, "invalid_value", "permission_overrides",
                      "permission_overrides has only \"roles\" and \"identities\" objects");
            return -1;
        }
        json_object_foreach(group, name, e)
        {
            role r;
            if (roles && role_parse(name, &r)) {
                api_error(c, 400, "invalid_value", "permission_overrides", "unknown role %.40s",
                          name);
                return -1;
            }
            if (check_override_entry(c, e, roles ? "a role override" : "an identity override"))
                return -1;
        }
    }
    return 0;
}

// salt$sha256(salt || password); the salt is 16 hex characters.
static void hash_with_salt(const char *salt_hex, const char *pw, char out[128])
{
    char buf[160], md_hex[65];
    snprintf(buf, sizeof buf, "%.16s%s", salt_hex, pw);
    secretbox_sha256_hex(buf, md_hex);
    snprintf(out, 128, "%.16s$%s", salt_hex, md_hex);
}

static void hash_password(const char *pw, char out[128])
{
    uint8_t salt[8];
    char salt_hex[17];
    uuid_random_bytes(salt, sizeof salt);
    secretbox_hex(salt, sizeof salt, salt_hex);
    hash_with_salt(salt_hex, pw, out);
}

int rooms_check_password(const struct room_rec *r, const char *pw)
{
    if (!r->password_hash[0])
        return 1;
    if (!pw || strlen(pw) > 128 || strlen(r->password_hash) < 17)
        return 0;
    char got[128];
    hash_with_salt(r->password_hash, pw, got);
    return secretbox_equal(got, r->password_hash);
}

static char *dump(const json_t *v)
{
    return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
}

// Copies the members present in b onto r; checks cross-field rules. 0 or answered (-1).
static int apply_body(struct api_call *c, const json_t *b, struct room_rec *r)
{
    room_type t;
    room_media_mode mode;
    const char *reason = NULL;
    if (body_has(b, "name"))
        snprintf(r->name, sizeof r->name, "%s", body_str(b, "name", ""));
    if (body_has(b, "type"))
        snprintf(r->type, sizeof r->type, "%s", body_str(b, "type", ""));
    room_type_parse(r->type, &t);
    if (body_has(b, "media_mode"))
        snprintf(r->media_mode, sizeof r->media_mode, "%s", body_str(b, "media_mode", "sfu"));
    room_media_mode_parse(r->media_mode, &mode);
    r->persistent = body_bool(b, "persistent", r->persistent);
    r->max_participants = (int)body_int(b, "max_participants", r->max_participants);
    r->bitrate = (int)body_int(b, "bitrate", r->bitrate ? r->bitrate : room_default_bitrate(t));
    r->recording_allowed = body_bool(b, "recording_allowed", r->recording_allowed);
    r->screen_share_allowed = body_bool(b, "screen_share_allowed", r->screen_share_allowed);
    r->waiting_room = body_bool(b, "waiting_room", r->waiting_room);
    r->position = (int)body_int(b, "position", r->position);
    r->empty_timeout = (int)body_int(b, "empty_timeout", r->empty_timeout);
    if (body_is_null(b, "password"))
        r->password_hash[0] = '\0';
    else if (body_has(b, "password"))
        hash_password(body_str(b, "password", ""), r->password_hash);
    if (body_is_null(b, "category_id"))
        r->category_id[0] = '\0';
    else if (body_has(b, "category_id"))
        snprintf(r->category_id, sizeof r->category_id, "%s", body_str(b, "category_id", ""));

    if (r->max_participants && room_check_max_participants(t, r->max_participants, &reason)) {
        api_error(c, 400, "out_of_range", "max_participants", "%s", reason);
        return -1;
    }
    if (room_check_media_mode(t, mode, r->max_participants, &reason)) {
        api_error(c, 400, "invalid_value", "media_mode", "%s", reason);
        return -1;
    }
    if (body_has(b, "permission_overrides")) {
        if (check_overrides(c, json_object_get(b, "permission_overrides")))
            return -1;
        free(r->permission_overrides);
        r->permission_overrides = dump(json_object_get(b, "permission_overrides"));
    }
    if (body_has(b, "metadata")) {
        free(r->metadata);
        r->metadata = dump(json_object_get(b, "metadata"));
    }
    if (r->category_id[0] && body_has(b, "category_id")) {
        struct category_rec cat;
        if (c->st->categories->get(c->st, c->who.org_id, r->category_id, &cat)) {
            api_error(c, 400, "invalid_value", "category_id", "no such category in this org");
            return -1;
        }
    }
    return 0;
}

static void room_create(struct api_call *c)
{
    json_t *b = api_body(c, create_fields, sizeof create_fields / sizeof create_fields[0]);
    if (!b)
        return;
    struct room_rec r = {0};
    uuid_new(r.id);
    snprintf(r.org_id, sizeof r.org_id, "%s", c->who.org_id);
    snprintf(r.media_mode, sizeof r.media_mode, "sfu");
    r.screen_share_allowed = 1;
    r.empty_timeout = c->cfg->default_empty_timeout_s;
    r.created_at = r.updated_at = c->now_ms;
    if (apply_body(c, b, &r) == 0) {
        int err = c->st->rooms->create(c->st, &r);
        if (err == VOX_ECONFLICT)
            api_error(c, 409, "name_taken", "name", "a room with this name already exists");
        else if (err)
            api_fail(c, err, "room");
        else {
            api_event(c, "room.created", r.id, NULL, NULL,
                      json_pack("{s:s, s:s}", "name", r.name, "type", r.type));
            snprintf(c->resp->location, sizeof c->resp->location, "/v1/rooms/%s", r.id);
            answer_room(c, 201, &r);
        }
    }
    room_rec_fini(&r);
    json_decref(b);
}

static void room_get(struct api_call *c)
{
    const char *id = api_path_uuid(c, 0, "room_id");
    if (!id)
        return;
    struct room_rec r = {0};
    int err = c->st->rooms->get(c->st, c->who.org_id, id, &r);
    if (err) {
        api_fail(c, err, "room");
        return;
    }
    answer_room(c, 200, &r);
    room_rec_fini(&r);
}

static void room_list(struct api_call *c)
{
    struct room_filter f = {0};
    room_type t;
    if (api_page(c, &f.limit, &f.offset) || api_query_uuid(c, "category_id", &f.category_id))
        return;
    f.type = http_query(c->req, "type");
    if (f.type && room_type_parse(f.type, &t)) {
        api_error(c, 400, "invalid_value", "type", "unknown room type");
        return;
    }
    struct room_rec *v;
    size_t n;
    int err = c->st->rooms->list(c->st, c->who.org_id, &f, &v, &n);
    if (err) {
        api_fail(c, err, "rooms");
        return;
    }
    jsonw w;
    jsonw_init(&w, api_body_writer(c, 200));
    jsonw_obj(&w);
    jsonw_key(&w, "rooms");
    jsonw_arr(&w);
    for (size_t i = 0; i < n; i++)
        rooms_write(&w, &v[i], -1);
    jsonw_arr_end(&w);
    jsonw_kint(&w, "limit", f.limit);
    jsonw_kint(&w, "offset", f.offset);
    jsonw_obj_end(&w);
    room_recs_free(v, n);
}

// What changed, for the event log; a password never goes there, only the fact it changed.
static json_t *update_event_data(const json_t *b)
{
    json_t *d = json_deep_copy(b);
    if (json_object_get(d, "password")) {
        json_object_del(d, "password");
        json_object_set_new(d, "password_changed", json_true());
    }
    return d;
}

static void room_update(struct api_call *c)
{
    const char *id = api_path_uuid(c, 0, "room_id");
    if (!id)
        return;
    json_t *b = api_body(c, update_fields, sizeof update_fields / sizeof update_fields[0]);
    if (!b)
        return;
    struct room_rec r = {0};
    int err = c->st->rooms->get(c->st, c->who.org_id, id, &r);
    if (err)
        api_fail(c, err, "room");
    else if (apply_body(c, b, &r) == 0) {
        r.updated_at = c->now_ms;
        err = c->st->rooms->update(c->st, &r);
        if (err == VOX_ECONFLICT)
            api_error(c, 409, "name_taken", "name", "a room with this name already exists");
        else if (err)
            api_fail(c, err, "room");
        else {
            api_event(c, "room.updated", r.id, NULL, NULL, update_event_data(b));
            answer_room(c, 200, &r);
        }
    }
    room_rec_fini(&r);
    json_decref(b);
}

static void room_delete(struct api_call *c)
{
    const char *id = api_path_uuid(c, 0, "room_id");
    if (!id)
        return;
    int err = c->st->rooms->remove(c->st, c->who.org_id, id);
    if (err) {
        api_fail(c, err, "room");
        return;
    }
    api_event(c, "room.deleted", id, NULL, NULL, NULL);
    api_no_content(c);
}

static const struct api_route routes[] = {
    {{HTTP_POST, "/v1/rooms"}, room_create, AUTH_KEY, "Create a room", API_BODY(create_fields)},
    {{HTTP_GET, "/v1/rooms"},
     room_list,
     AUTH_KEY,
     "List rooms (filters: type, category_id; limit, offset)",
     NULL,
     0},
    {{HTTP_GET, "/v1/rooms/{room_id}"}, room_get, AUTH_KEY, "Get a room", NULL, 0},
    {{HTTP_PATCH, "/v1/rooms/{room_id}"},
     room_update,
     AUTH_KEY,
     "Update a room's settings (only the members sent)",
     API_BODY(update_fields)},
    {{HTTP_DELETE, "/v1/rooms/{room_id}"},
     room_delete,
     AUTH_KEY,
     "Delete a room with its sessions and participants",
     NULL,
     0},
};

API_MODULE(api_rooms_module, routes);
