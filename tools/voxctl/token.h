// SPDX-License-Identifier: MIT
// Local access tokens: `token mint` signs with the api key secret like POST /v1/tokens does
// (same claims, iss = key id), `token decode` shows a token's header and claims.
#ifndef VOXCTL_TOKEN_H
#define VOXCTL_TOKEN_H

#include "args.h"
#include "cmdtab.h"

// Mints from the token flags (identity, room-id, name, ttl, role, grant, metadata) with
// --key-id/--secret; prints {token, identity, room_id, grants, expires_at}. Exit code.
int token_mint_run(const struct cmdtab_cmd *cmd, const struct args_req *req);

// Decodes the token given as the argument; checks the signature when --secret is known.
int token_decode_run(const struct cmdtab_cmd *cmd, const struct args_req *req);

#endif
