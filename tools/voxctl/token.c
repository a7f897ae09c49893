// SPDX-License-Identifier: MIT
// Local minting and decoding of participant access tokens. Minting validates the flags with
// the server's own field tables and claim builder (api/tokens.h) and signs through
// access_token_mint(), so a token minted here carries the claims POST /v1/tokens would.
#include "token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/tokens.h"
#include "auth/access_token.h"
#include "auth/jwt.h"
#include "core/clock.h"
#include "output.h"

static int check_body(const json_t *b)
{
    struct body_error e;
    const json_t *grants = json_object_get(b, "grants");
    char *text = json_dumps(b, JSON_COMPACT);
    json_t *parsed = NULL;
    int rc = body_parse(text, strlen(text), tokens_fields, tokens_fields_count, 1, &parsed, &e);
    if (!rc && grants)
        rc = body_check(grants, tokens_grant_fields, tokens_grant_fields_count, "grants", &e);
    json_decref(parsed);
    free(text);
    if (rc)
        output_error(e.code, e.message, e.field);
    return rc ? -1 : 0;
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
    tokens_claims(&t, g->key_id, req->body, clock_now_ms());
    if (access_token_mint(&t, (const uint8_t *)g->secret, strlen(g->secret), &token)) {
        output_error("invalid_token", "these claims do not make a valid access token", NULL);
        return 1;
    }
    json_t *j = tokens_answer_json(&t, token);
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
