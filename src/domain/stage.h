// SPDX-License-Identifier: MIT
// Stage rules: an audience member's request to speak (pending -> approved | denied |
// expired | cancelled), who may request and decide, expiry, and promotion to speaker.
#ifndef VOX_DOMAIN_STAGE_H
#define VOX_DOMAIN_STAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/role.h"

typedef enum stage_state {
    STAGE_PENDING,
    STAGE_APPROVED,
    STAGE_DENIED,
    STAGE_EXPIRED,
    STAGE_CANCELLED,
} stage_state;

#define STAGE_STATE_COUNT 5

typedef enum stage_op {
    STAGE_OP_APPROVE, // moderator
    STAGE_OP_DENY,    // moderator
    STAGE_OP_EXPIRE,  // timer
    STAGE_OP_CANCEL,  // the requester
} stage_op;

#define STAGE_OP_COUNT 4

// Default time a request stays pending before it expires.
#define STAGE_REQUEST_TTL_MS (5 * 60 * 1000)

// Parses "pending", "approved", "denied", "expired" or "cancelled"; 0 or VOX_EINVAL.
int stage_state_parse(const char *s, stage_state *out);

// Stable name of a request state, or "unknown" for an out-of-range value.
const char *stage_state_name(stage_state s);

// Parses "approve", "deny", "expire" or "cancel"; 0 or VOX_EINVAL.
int stage_op_parse(const char *s, stage_op *out);

// Stable name of a request operation, or "unknown".
const char *stage_op_name(stage_op op);

// Applies op to a request in from: every op leaves pending, nothing leaves the others
// (VOX_ECONFLICT, *to untouched); VOX_EINVAL for out-of-range values.
int stage_request_transition(stage_state from, stage_op op, stage_state *to);

// Checks a member may ask to speak: only audience, viewer or participant (others already
// speak: VOX_ECONFLICT), with PERM_REQUEST_TO_SPEAK (VOX_EFORBIDDEN), and one pending
// request at a time (VOX_ECONFLICT).
int stage_check_request(role r, uint32_t perms, bool has_pending, const char **reason);

// Checks a moderator may approve or deny a request now in state: PERM_MANAGE_STAGE
// (VOX_EFORBIDDEN) and a pending request (VOX_ECONFLICT).
int stage_check_decide(uint32_t moderator_perms, stage_state state, const char **reason);

// True when a request created at created_ms has outlived ttl_ms at now_ms; ttl_ms <= 0
// means requests never expire.
bool stage_request_expired(int64_t created_ms, int64_t now_ms, int64_t ttl_ms);

// Checks one more stage moderator may be appointed: VOX_ECONFLICT when current_moderators
// has reached limit (limit <= 0 means no limit).
int stage_check_moderator_limit(int current_moderators, int limit, const char **reason);

// Role a member holds after a request is decided: approve makes an audience member,
// viewer or participant a speaker; any other op leaves current unchanged.
role stage_role_after(stage_op op, role current);

// Checks a speaker may be sent back to the audience: by itself, or by a moderator holding
// PERM_MANAGE_STAGE (VOX_EFORBIDDEN); a target who is not a speaker is VOX_ECONFLICT.
// The demoted member's role becomes ROLE_AUDIENCE.
int stage_check_demote(uint32_t actor_perms, bool is_self, role target_role, const char **reason);

#endif
