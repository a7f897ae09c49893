// SPDX-License-Identifier: MIT
// Dev mode (voxd --dev, loopback only): POST /dev/token gives the demo app a token without an
// api key. It creates a "dev" org on first use and then runs the real routes (create room,
// mint token) as that org's key, so dev mode exercises the same rules as production.
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "core/err.h"
#include "domain/role.h"

static const char *const type_values[] = {"voice",     "video", "screen_share",
                                          "broadcast", "stage", NULL};
static const char *const mode_values[] = {"sfu", "p2p", NULL};

static const struct body_field dev_fields[] = {
    {.name = "room", .type = BODY_NAME, .required = 1, .min = 1, .max = 128},
    {.name = "identity", .type = BODY_STRING, .required = 1, .min = 1, .max = 128},
    {.name = "name", .type = BODY_NAME, .min = 1, .max = 128},
    {.name = "role", .type = BODY_ENUM, .enum_values = role_names},
    {.name = "type", .type = BODY_ENUM, .enum_values = type_values},
    {.name = "media_mode", .type = BODY_ENUM, .enum_values = mode_values},
    {.name = "waiting_room", .type = BODY_BOOL},
};

// Runs a route as who; returns the parsed answer (status in *status), or NULL.
static json_t *call(struct api_call *c, const struct api_caller *who, enum http_method m,
                    const char *path, json_t *body, int *status)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    http_resp resp = {.status = 200};
    sbuf_init(&resp.body);
    api_invoke(c->api, who, m, path, text, text ? strlen(text) : 0, &resp);
    free(text);
    json_decref(body);
    *status = resp.status;
    json_t *j = resp.body.len ? json_loadb(resp.body.data, resp.body.len, 0, NULL) : NULL;
    sbuf_fini(&resp.body);
    return j;
}

// The dev org's key, created on first use and kept for the life of the process.
static int dev_key(struct api_call *c, struct api_caller *key)
{
    static char org_id[37], key_id[64];
    if (!org_id[0]) {
        struct api_caller admin = {.kind = CALLER_ADMIN};
        int st;
        json_t *o = call(c, &admin, HTTP_POST, "/v1/orgs",
                         json_pack("{s:s, s:s}", "name", "dev", "key_name", "dev"), &st);
        const char *oid = json_string_value(json_object_get(o, "id"));
        const char *kid = json_string_value(json_object_get(json_object_get(o, "api_key"), "id"));
        if (st == 201 && oid && kid) {
            snprintf(org_id, sizeof org_id, "%s", oid);
            snprintf(key_id, sizeof key_id, "%s", kid);
        }
        json_decref(o);
        if (!org_id[0])
            return VOX_EIO;
    }
    memset(key, 0, sizeof *key);
    key->kind = CALLER_KEY;
    memcpy(key->org_id, org_id, sizeof key->org_id);
    memcpy(key->key_id, key_id, sizeof key->key_id);
    return 0;
}

// The dev org's room with this name, created with the requested settings if missing.
static int dev_room(struct api_call *c, const struct api_caller *key, const json_t *b,
                    char room_id[37])
{
    int st;
    json_t *body = json_pack("{s:s, s:s}", "name", body_str(b, "room", ""), "type",
                             body_str(b, "type", "video"));
    if (body_has(b, "media_mode"))
        json_object_set_new(body, "media_mode", json_string(body_str(b, "media_mode", "")));
    if (strcmp(body_str(b, "media_mode", "sfu"), "p2p") == 0) // a p2p mesh is small
        json_object_set_new(body, "max_participants", json_integer(4));
    if (body_has(b, "waiting_room"))
        json_object_set_new(body, "waiting_room", json_boolean(body_bool(b, "waiting_room", 0)));
    json_t *r = call(c, key, HTTP_POST, "/v1/rooms", body, &st);
    if (st == 201)
        snprintf(room_id, 37, "%s", json_string_value(json_object_get(r, "id")));
    json_decref(r);
    if (st == 201)
        return 0;
    json_t *list = call(c, key, HTTP_GET, "/v1/rooms?limit=500", NULL, &st);
    size_t i;
    json_t *room;
    int err = VOX_ENOTFOUND;
    json_array_foreach(json_object_get(list, "rooms"), i, room)
    {
        if (strcmp(json_string_value(json_object_get(room, "name")), body_str(b, "room", "")))
            continue;
        snprintf(room_id, 37, "%s", json_string_value(json_object_get(room, "id")));
        err = 0;
        break;
    }
    json_decref(list);
    return err;
}

static void dev_token(struct api_call *c)
{
    if (!c->cfg->dev) {
        api_error(c, 404, "not_found", NULL, "dev mode is off (start voxd with --dev)");
        return;
    }
    json_t *b = api_body(c, dev_fields, sizeof dev_fields / sizeof dev_fields[0]);
    if (!b)
        return;
    struct api_caller key;
    char room_id[37];
    int st;
    if (dev_key(c, &key) || dev_room(c, &key, b, room_id)) {
        api_error(c, 500, "internal", NULL, "dev mode could not prepare the room");
    } else {
        json_t *grants = json_object();
        if (body_has(b, "role"))
            json_object_set_new(grants, "role", json_string(body_str(b, "role", "")));
        json_t *t = call(c, &key, HTTP_POST, "/v1/tokens",
                         json_pack("{s:s, s:s, s:s, s:o}", "identity", body_str(b, "identity", ""),
                                   "name", body_str(b, "name", body_str(b, "identity", "")),
                                   "room_id", room_id, "grants", grants),
                         &st);
        const char *token = json_string_value(json_object_get(t, "token"));
        if (st == 201 && token)
            api_json(c, 201,
                     json_pack("{s:s, s:s, s:s}", "token", token, "room_id", room_id, "path",
                               "/v1/rtc"));
        else
            api_error(c, 500, "internal", NULL, "dev mode could not mint a token");
        json_decref(t);
    }
    json_decref(b);
}

static const struct api_route routes[] = {
    {{HTTP_POST, "/dev/token"},
     dev_token,
     AUTH_PUBLIC,
     "Dev mode only: a participant token for a room of the dev org (created on demand)",
     API_BODY(dev_fields)},
};

API_MODULE(api_dev_module, routes);
