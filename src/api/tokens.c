// SPDX-License-Identifier: MIT
// POST /v1/tokens: mints a participant access token signed with the calling key's secret.
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/access_token.h"
#include "core/err.h"
#include "core/uuid.h"
#include "domain/role.h"
#include "store/rooms.h"

static const char *const role_values[] = {"host",   "co_host", "moderator", "participant",
                                          "viewer", "speaker", "audience",  NULL};

static const struct body_field grant_fields[] = {
    {.name = "join", .type = BODY_BOOL},
    {.name = "publish", .type = BODY_BOOL},
    {.name = "subscribe", .type = BODY_BOOL},
    {.name = "publish_data", .type = BODY_BOOL},
    {.name = "admin", .type = BODY_BOOL},
    {.name = "hidden", .type = BODY_BOOL},
    {.name = "recorder", .type = BODY_BOOL},
    {.name = "role", .type = BODY_ENUM, .enum_values = role_values},
};

static const struct body_field token_fields[] = {
    {.name = "identity", .type = BODY_STRING, .required = 1, .min = 1, .max = 128},
    {.name = "name", .type = BODY_NAME, .min = 1, .max = 128},
    {.name = "room_id", .type = BODY_UUID, .required = 1},
    {.name = "ttl", .type = BODY_INT, .min = 10, .max = 30 * 86400},
    {.name = "grants", .type = BODY_OBJECT, .max = 1024},
    {.name = "metadata", .type = BODY_STRING, .max = 1024},
};

static void fill_grants(struct access_token_grants *g, const json_t *obj)
{
    g->join = body_bool(obj, "join", g->join);
    g->publish = body_bool(obj, "publish", g->publish);
    g->subscribe = body_bool(obj, "subscribe", g->subscribe);
    g->publish_data = body_bool(obj, "publish_data", g->publish_data);
    g->admin = body_bool(obj, "admin", g->admin);
    g->hidden = body_bool(obj, "hidden", g->hidden);
    g->recorder = body_bool(obj, "recorder", g->recorder);
    snprintf(g->role, sizeof g->role, "%s", body_str(obj, "role", g->role));
}

static json_t *grants_json(const struct access_token_grants *g)
{
    return json_pack("{s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:s}", "join", g->join, "publish",
                     g->publish, "subscribe", g->subscribe, "publish_data", g->publish_data,
                     "admin", g->admin, "hidden", g->hidden, "recorder", g->recorder, "role",
                     g->role);
}

static void token_create(struct api_call *c)
{
    json_t *b = api_body(c, token_fields, sizeof token_fields / sizeof token_fields[0]);
    if (!b)
        return;
    struct body_error e;
    json_t *grants = json_object_get(b, "grants");
    int ttl = (int)body_int(b, "ttl", 3600);
    struct room_rec room = {0};
    struct access_token t = {0};
    char *token = NULL;
    int err;

    if (grants && body_check(grants, grant_fields, sizeof grant_fields / sizeof grant_fields[0],
                             "grants", &e)) {
        api_error(c, 400, e.code, e.field, "%s", e.message);
        goto done;
    }
    if (ttl > c->cfg->token_max_ttl_s) {
        api_error(c, 400, "out_of_range", "ttl", "ttl must be at most %d seconds",
                  c->cfg->token_max_ttl_s);
        goto done;
    }
    if ((err = c->st->rooms->get(c->st, c->who.org_id, body_str(b, "room_id", ""), &room))) {
        api_fail(c, err, "room");
        goto done;
    }
    room_rec_fini(&room);
    snprintf(t.iss, sizeof t.iss, "%s", c->who.key_id);
    snprintf(t.identity, sizeof t.identity, "%s", body_str(b, "identity", ""));
    snprintf(t.name, sizeof t.name, "%s", body_str(b, "name", t.identity));
    snprintf(t.room, sizeof t.room, "%s", body_str(b, "room_id", ""));
    snprintf(t.metadata, sizeof t.metadata, "%s", body_str(b, "metadata", ""));
    uuid_new(t.jti);
    access_token_grants_init(&t.grants);
    if (grants)
        fill_grants(&t.grants, grants);
    t.iat = c->now_ms / 1000;
    t.nbf = t.iat;
    t.exp = t.iat + ttl;
    if ((err = auth_mint_access_token(c, &t, &token))) {
        api_fail(c, err, "token");
        goto done;
    }
    json_t *j = json_pack("{s:s, s:s, s:s, s:o}", "token", token, "identity", t.identity, "room_id",
                          t.room, "grants", grants_json(&t.grants));
    api_set_time(j, "expires_at", t.exp * 1000);
    api_json(c, 201, j);
done:
    free(token);
    json_decref(b);
}

static const struct api_route routes[] = {
    {{HTTP_POST, "/v1/tokens"},
     token_create,
     AUTH_KEY,
     "Mint a participant access token (HS256 JWT signed with the calling key)",
     API_BODY(token_fields)},
};

API_MODULE(api_tokens_module, routes);
