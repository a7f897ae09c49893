// SPDX-License-Identifier: MIT
// Local minting and decoding of participant access tokens. Minting validates the flags with
// the server's own body rules (api/body.h, mirrored field tables) and signs through
// access_token_mint(), so a token minted here carries the claims POST /v1/tokens would.
#include "token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/body.h"
#include "auth/access_token.h"
#include "auth/jwt.h"
#include "core/clock.h"
#include "core/uuid.h"
#include "output.h"

#define DEFAULT_TTL_S 3600

// The same tables as src/api/tokens.c validates POST /v1/tokens with.
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

#define NFIELDS(t) (sizeof(t) / sizeof(t[0]))

static int check_body(const json_t *b)
{
    struct body_error e;
    const json_t *grants = json_object_get(b, "grants");
    char *text = json_dumps(b, JSON_COMPACT);
    json_t *parsed = NULL;
    int rc = body_parse(text, strlen(text), token_fields, NFIELDS(token_fields), 1, &parsed, &e);
    if (!rc && grants)
        rc = body_check(grants, grant_fields, NFIELDS(grant_fields), "grants", &e);
    json_decref(parsed);
    free(text);
    if (rc)
        output_error(e.code, e.message, e.field);
    return rc ? -1 : 0;
}

static void fill_grants(struct access_token_grants *g, const json_t *obj)
{
    access_token_grants_init(g);
    g->join = body_bool(obj, "join", g->join);
    g->publish = body_bool(obj, "publish", g->publish);
    g->subscribe = body_bool(obj, "subscribe", g->subscribe);
    g->publish_data = body_bool(obj, "publish_data", g->publish_data);
    g->admin = body_bool(obj, "admin", g->admin);
    g->hidden = body_bool(obj, "hidden", g->hidden);
    g->recorder = body_bool(obj, "recorder", g->recorder);
    snprintf(g->role, sizeof g->role, "%s", body_str(obj, "role", ""));
}

static void fill_claims(struct access_token *t, const char *key_id, const json_t *b)
{
    memset(t, 0, sizeof *t);
    snprintf(t->iss, sizeof t->iss, "%s", key_id);
    snprintf(t->identity, sizeof t->identity, "%s", body_str(b, "identity", ""));
    snprintf(t->name, sizeof t->name, "%s", body_str(b, "name", t->identity));
    snprintf(t->room, sizeof t->room, "%s", body_str(b, "room_id", ""));
    snprintf(t->metadata, sizeof t->metadata, "%s", body_str(b, "metadata", ""));
    uuid_new(t->jti);
    fill_grants(&t->grants, json_object_get(b, "grants"));
    t->iat = clock_now_ms() / 1000;
    t->nbf = t->iat;
    t->exp = t->iat + body_int(b, "ttl", DEFAULT_TTL_S);
}

// The answer POST /v1/tokens gives.
static json_t *answer_json(const struct access_token *t, const char *token)
{
    const struct access_token_grants *g = &t->grants;
    char ts[32];
    clock_format_rfc3339(t->exp * 1000, ts);
    return json_pack("{s:s, s:s, s:s, s:{s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:s}, s:s}", "token",
                     token, "identity", t->identity, "room_id", t->room, "grants", "join", g->join,
                     "publish", g->publish, "subscribe", g->subscribe, "publish_data",
                     g->publish_data, "admin", g->admin, "hidden", g->hidden, "recorder",
                     g->recorder, "role", g->role, "expires_at", ts);
}

int token_mint_run(const struct cmdtab_cmd *cmd, const struct args_req *req)
{
    const struct args_global *g = req->g;
    if (!g->key_id || !g->secret) {
        fprintf(stderr, "voxctl: token mint needs --key-id and --secret "
                        "(or VOX_API_KEY and VOX_API_SECRET)\n");
        return 2;
    }
    if (check_body(req->body))
        return 1;
    struct access_token t;
    char *token = NULL;
    fill_claims(&t, g->key_id, req->body);
    if (access_token_mint(&t, (const uint8_t *)g->secret, strlen(g->secret), &token)) {
        output_error("invalid_token", "these claims do not make a valid access token", NULL);
        return 1;
    }
    json_t *j = answer_json(&t, token);
    output_value(cmd, g->json, j);
    json_decref(j);
    free(token);
    return 0;
}

static const char *check_signature(const struct jwt *j, const char *secret)
{
    const char *reason = NULL;
    if (!secret)
        return "unchecked";
    if (jwt_verify_hs256(j, (const uint8_t *)secret, strlen(secret), clock_now_ms() / 1000, 5,
                         &reason))
        return reason ? reason : "invalid";
    return "valid";
}

int token_decode_run(const struct cmdtab_cmd *cmd, const struct args_req *req)
{
    const char *token = req->params[0], *reason = "malformed token";
    struct jwt j;
    if (jwt_parse(token, strlen(token), &j, &reason)) {
        output_error("invalid_token", reason, NULL);
        return 1;
    }
    json_t *out = json_pack("{s:O, s:O, s:s}", "header", j.header, "claims", j.claims, "signature",
                            check_signature(&j, req->g->secret));
    output_value(cmd, req->g->json, out);
    json_decref(out);
    jwt_fini(&j);
    return 0;
}
