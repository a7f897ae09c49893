// SPDX-License-Identifier: MIT
// The POST /v1/tokens body rules and claims, shared with voxctl's local `token mint` so a token
// minted offline is validated and built exactly as the server would.
#ifndef VOX_API_TOKENS_H
#define VOX_API_TOKENS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "api/body.h"
#include "auth/access_token.h"

#define TOKENS_DEFAULT_TTL_S 3600

// The request body's fields, and those of its "grants" object.
extern const struct body_field tokens_fields[];
extern const size_t tokens_fields_count;
extern const struct body_field tokens_grant_fields[];
extern const size_t tokens_grant_fields_count;

// Fills t from a validated body: iss = key_id, a new jti, the default grants overlaid with the
// body's, issued at now_ms and expiring ttl seconds (default TOKENS_DEFAULT_TTL_S) later.
void tokens_claims(struct access_token *t, const char *key_id, const json_t *body, int64_t now_ms);
// The answer to POST /v1/tokens for t and its signed token (a new reference).
json_t *tokens_answer_json(const struct access_token *t, const char *token);

#endif
