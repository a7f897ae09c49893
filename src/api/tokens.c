// SPDX-License-Identifier: MIT
// POST /v1/tokens: mints a participant access token signed with the calling key's secret.
#include "api/tokens.h"

#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/access_token.h"
#include "core/err.h"
#include "core/uuid.h"
#include "domain/role.h"
#include "domain/validate.h"
#include "store/rooms.h"

const struct body_field tokens_grant_fields[] = {
    {.name = "join", .type = BODY_BOOL},
    {.name = "publish", .type = BODY_BOOL},
    {.name = "subscribe", .type = BODY_BOOL},
    {.name = "publish_data", .type = BODY_BOOL},
    {.name = "admin", .type = BODY_BOOL},
    {.name = "hidden", .type = BODY_BOOL},
    {.name = "recorder", .type = BODY_BOOL},
    {.name = "role", .type = BODY_ENUM, .enum_values = role_names},
};

const struct body_field tokens_fields[] = {
    {.name = "identity", .type = BODY_STRING, .required = 1, .min = 1, .max = 128},
    {.name = "name", .type = BODY_NAME, .min = 1, .max = 128},
    {.name = "room_id", .type = BODY_UUID, .required = 1},
    {.name = "ttl", .type = BODY_INT, .min = 10, .max = 30 * 86400},
    {.name = "grants", .type = BODY_OBJECT, .max = 1024},
    {.name = "metadata", .type = BODY_STRING, .max = 1024},
};
const size_t tokens_fields_count = sizeof tokens_fields / sizeof tokens_fields[0];
const size_t tokens_grant_fields_count = sizeof tokens_grant_fields / sizeof tokens_grant_fields[0];

static void fill_grants(struct access_token_grants *g, const json_t *obj)
{
    g->join = body_bool(obj, "join", g->join);
    g->publish = body_bool(obj, "publish", g->publish);
    g->subscribe = body_bool(obj, "subscribe", g->subscribe);
    g->publish_data = body_bool(obj, "publish_data", g->publish_data);
    g->admin = body_bool(obj, "admin", g->admin);
    g->hidden = body_bool(obj, "hidden", g->hidden);
    g->recorder = body_bool(obj, "recorder", g->recorder);
    // Copied only when sent: a default pointing at g->role would make snprintf copy the buffer
    // onto itself, which C leaves undefined (glibc empties it).
    const char *r = body_str(obj, "role", NULL);
    if (r)
        snprintf(g->role, sizeof g->role, "%s", r);
}

void tokens_claims(struct access_token *t, const char *key_id, const json_t *body, int64_t now_ms)
{
    const json_t *grants = json_object_get(body, "grants");
    memset(t, 0, sizeof *t);
    snprintf(t->iss, sizeof t->iss, "%s", key_id);
    snprintf(t->identity, sizeof t->identity, "%s", body_str(body, "identity", ""));
    snprintf(t->name, sizeof t->name, "%s", body_str(body, "name", t->identity));
    validate_uuid_canon(body_str(body, "room_id", ""), t->room); // voxctl passes the raw body
    snprintf(t->metadata, sizeof t->metadata, "%s", body_str(body, "metadata", ""));
    uuid_new(t->jti);
    access_token_grants_init(&t->grants);
    if (grants)
        fill_grants(&t->grants, grants);
    t->iat = now_ms / 1000;
    t->nbf = t->iat;
    t->exp = t->iat + body_int(body, "ttl", TOKENS_DEFAULT_TTL_S);
}

json_t *tokens_answer_json(const struct access_token *t, const char *token)
{
    const struct access_token_grants *g = &t->grants;
    json_t *j =
        json_pack("{s:s, s:s, s:s, s:{s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:s}}", "token", token,
                  "identity", t->identity, "room_id", t->room, "grants", "join", g->join, "publish",
                  g->publish, "subscribe", g->subscribe, "publish_data", g->publish_data, "admin",
                  g->admin, "hidden", g->hidden, "recorder", g->recorder, "role", g->role);
    api_set_time(j, "expires_at", t->exp * 1000);
    return j;
}

static void token_create(struct api_call *c)
{
    json_t *b = api_body(c, tokens_fields, tokens_fields_count);
    if (!b)
        return;
    struct body_error e;
    json_t *grants = json_object_get(b, "grants");
    int ttl = (int)body_int(b, "ttl", TOKENS_DEFAULT_TTL_S);
    struct room_rec room = {0};
    struct access_token t = {0};
    char *token = NULL;
    int err;

    if (grants &&
        body_check(grants, tokens_grant_fields, tokens_grant_fields_count, "grants", &e)) {
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
    tokens_claims(&t, c->who.key_id, b, c->now_ms);
    if ((err = auth_mint_access_token(c, &t, &token))) {
        api_fail(c, err, "token");
        goto done;
    }
    api_json(c, 201, tokens_answer_json(&t, token));
done:
    free(token);
    json_decref(b);
}

static const struct api_route routes[] = {
    {{HTTP_POST, "/v1/tokens"},
     token_create,
     AUTH_KEY,
     "Mint a participant access token (HS256 JWT signed with the calling key)",
     API_BODY(tokens_fields)},
};

API_MODULE(api_tokens_module, routes);
