// SPDX-License-Identifier: MIT
// Stage requests to speak: states, who may ask and decide, expiry, promotion.
#include "domain/stage.h"

#include <stddef.h>
#include <string.h>

#include "core/err.h"
#include "domain/perm.h"

static const char *const stage_state_names[STAGE_STATE_COUNT] = {
    [STAGE_PENDING] = "pending", [STAGE_APPROVED] = "approved",   [STAGE_DENIED] = "denied",
    [STAGE_EXPIRED] = "expired", [STAGE_CANCELLED] = "cancelled",
};

static const char *const stage_op_names[STAGE_OP_COUNT] = {
    [STAGE_OP_APPROVE] = "approve",
    [STAGE_OP_DENY] = "deny",
    [STAGE_OP_EXPIRE] = "expire",
    [STAGE_OP_CANCEL] = "cancel",
};

// Where each op takes a pending request; every other state is final.
static const stage_state stage_next[STAGE_OP_COUNT] = {
    [STAGE_OP_APPROVE] = STAGE_APPROVED,
    [STAGE_OP_DENY] = STAGE_DENIED,
    [STAGE_OP_EXPIRE] = STAGE_EXPIRED,
    [STAGE_OP_CANCEL] = STAGE_CANCELLED,
};

static int stage_fail(const char **reason, const char *msg, int err)
{
    if (reason)
        *reason = msg;
    return err;
}

static int stage_lookup(const char *const *names, size_t n, const char *s, int *out)
{
    for (size_t i = 0; s && i < n; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (int)i;
            return VOX_OK;
        }
    }
    return VOX_EINVAL;
}

int stage_state_parse(const char *s, stage_state *out)
{
    int v;
    if (stage_lookup(stage_state_names, STAGE_STATE_COUNT, s, &v) != VOX_OK)
        return VOX_EINVAL;
    *out = (stage_state)v;
    return VOX_OK;
}

const char *stage_state_name(stage_state s)
{
    return (unsigned)s < STAGE_STATE_COUNT ? stage_state_names[s] : "unknown";
}

int stage_op_parse(const char *s, stage_op *out)
{
    int v;
    if (stage_lookup(stage_op_names, STAGE_OP_COUNT, s, &v) != VOX_OK)
        return VOX_EINVAL;
    *out = (stage_op)v;
    return VOX_OK;
}

const char *stage_op_name(stage_op op)
{
    return (unsigned)op < STAGE_OP_COUNT ? stage_op_names[op] : "unknown";
}

int stage_request_transition(stage_state from, stage_op op, stage_state *to)
{
    if ((unsigned)from >= STAGE_STATE_COUNT || (unsigned)op >= STAGE_OP_COUNT)
        return VOX_EINVAL;
    if (from != STAGE_PENDING)
        return VOX_ECONFLICT;
    *to = stage_next[op];
    return VOX_OK;
}

static bool stage_is_listener(role r)
{
    return r == ROLE_AUDIENCE || r == ROLE_VIEWER || r == ROLE_PARTICIPANT;
}

int stage_check_request(role r, uint32_t perms, bool has_pending, const char **reason)
{
    if (!stage_is_listener(r))
        return stage_fail(reason, "already allowed to speak", VOX_ECONFLICT);
    if (!perm_has(perms, PERM_REQUEST_TO_SPEAK))
        return stage_fail(reason, "request_to_speak permission required", VOX_EFORBIDDEN);
    // One open request per member keeps the moderators' queue honest.
    if (has_pending)
        return stage_fail(reason, "a request to speak is already pending", VOX_ECONFLICT);
    return VOX_OK;
}

int stage_check_decide(uint32_t moderator_perms, stage_state state, const char **reason)
{
    if (!perm_has(moderator_perms, PERM_MANAGE_STAGE))
        return stage_fail(reason, "manage_stage permission required", VOX_EFORBIDDEN);
    if (state != STAGE_PENDING)
        return stage_fail(reason, "request is no longer pending", VOX_ECONFLICT);
    return VOX_OK;
}

bool stage_request_expired(int64_t created_ms, int64_t now_ms, int64_t ttl_ms)
{
    if (ttl_ms <= 0 || now_ms <= created_ms)
        return false;
    // now > created, so the unsigned difference is exact where a signed one could overflow.
    return (uint64_t)now_ms - (uint64_t)created_ms >= (uint64_t)ttl_ms;
}

int stage_check_moderator_limit(int current_moderators, int limit, const char **reason)
{
    if (limit > 0 && current_moderators >= limit)
        return stage_fail(reason, "stage moderator limit reached", VOX_ECONFLICT);
    return VOX_OK;
}

role stage_role_after(stage_op op, role current)
{
    if (op == STAGE_OP_APPROVE && stage_is_listener(current))
        return ROLE_SPEAKER;
    return current;
}

int stage_check_demote(uint32_t actor_perms, bool is_self, role target_role, const char **reason)
{
    if (!is_self && !perm_has(actor_perms, PERM_MANAGE_STAGE))
        return stage_fail(reason, "manage_stage permission required", VOX_EFORBIDDEN);
    if (target_role != ROLE_SPEAKER)
        return stage_fail(reason, "participant is not a speaker", VOX_ECONFLICT);
    return VOX_OK;
}
