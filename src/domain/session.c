// SPDX-License-Identifier: MIT
// Session lifecycle as one table, so every caller gets the same answer.
#include "domain/session.h"

#include <stddef.h>
#include <string.h>

#include "core/err.h"

static const char *const session_state_names[SESSION_STATE_COUNT] = {
    [SESSION_SCHEDULED] = "scheduled", [SESSION_READY] = "ready",
    [SESSION_ACTIVE] = "active",       [SESSION_PAUSED] = "paused",
    [SESSION_COMPLETED] = "completed", [SESSION_FAILED] = "failed",
    [SESSION_CANCELLED] = "cancelled",
};

static const char *const session_op_names[SESSION_OP_COUNT] = {
    [SESSION_OP_PREPARE] = "prepare", [SESSION_OP_START] = "start", [SESSION_OP_PAUSE] = "pause",
    [SESSION_OP_RESUME] = "resume",   [SESSION_OP_END] = "end",     [SESSION_OP_CANCEL] = "cancel",
    [SESSION_OP_FAIL] = "fail",
};

// Next state + 1 for each (state, op), 0 where the op is refused; the +1 lets every
// unlisted cell default to "refused". Start is allowed straight from scheduled so a room
// that needs no preparation (a call someone just joined) skips ready. Fail is absent from
// scheduled because nothing has been attempted yet: that is a cancel.
#define TO(s) ((s) + 1)
static const unsigned char session_next[SESSION_STATE_COUNT][SESSION_OP_COUNT] = {
    [SESSION_SCHEDULED] =
        {
            [SESSION_OP_PREPARE] = TO(SESSION_READY),
            [SESSION_OP_START] = TO(SESSION_ACTIVE),
            [SESSION_OP_CANCEL] = TO(SESSION_CANCELLED),
        },
    [SESSION_READY] =
        {
            [SESSION_OP_START] = TO(SESSION_ACTIVE),
            [SESSION_OP_CANCEL] = TO(SESSION_CANCELLED),
            [SESSION_OP_FAIL] = TO(SESSION_FAILED),
        },
    [SESSION_ACTIVE] =
        {
            [SESSION_OP_PAUSE] = TO(SESSION_PAUSED),
            [SESSION_OP_END] = TO(SESSION_COMPLETED),
            [SESSION_OP_FAIL] = TO(SESSION_FAILED),
        },
    [SESSION_PAUSED] =
        {
            [SESSION_OP_RESUME] = TO(SESSION_ACTIVE),
            [SESSION_OP_END] = TO(SESSION_COMPLETED),
            [SESSION_OP_FAIL] = TO(SESSION_FAILED),
        },
};
#undef TO

static int session_lookup(const char *const *names, size_t n, const char *s, int *out)
{
    for (size_t i = 0; s && i < n; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (int)i;
            return VOX_OK;
        }
    }
    return VOX_EINVAL;
}

int session_state_parse(const char *s, session_state *out)
{
    int v;
    if (session_lookup(session_state_names, SESSION_STATE_COUNT, s, &v) != VOX_OK)
        return VOX_EINVAL;
    *out = (session_state)v;
    return VOX_OK;
}

const char *session_state_name(session_state s)
{
    return (unsigned)s < SESSION_STATE_COUNT ? session_state_names[s] : "unknown";
}

int session_op_parse(const char *s, session_op *out)
{
    int v;
    if (session_lookup(session_op_names, SESSION_OP_COUNT, s, &v) != VOX_OK)
        return VOX_EINVAL;
    *out = (session_op)v;
    return VOX_OK;
}

const char *session_op_name(session_op op)
{
    return (unsigned)op < SESSION_OP_COUNT ? session_op_names[op] : "unknown";
}

int session_transition(session_state from, session_op op, session_state *to)
{
    if ((unsigned)from >= SESSION_STATE_COUNT || (unsigned)op >= SESSION_OP_COUNT)
        return VOX_EINVAL;
    unsigned next = session_next[from][op];
    if (next == 0)
        return VOX_ECONFLICT;
    *to = (session_state)(next - 1);
    return VOX_OK;
}

bool session_is_terminal(session_state s)
{
    return s == SESSION_COMPLETED || s == SESSION_FAILED || s == SESSION_CANCELLED;
}

bool session_is_live(session_state s)
{
    return s == SESSION_ACTIVE || s == SESSION_PAUSED;
}
