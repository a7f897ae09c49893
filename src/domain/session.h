// SPDX-License-Identifier: MIT
// Session lifecycle: scheduled -> ready -> active <-> paused -> completed | failed | cancelled.
// One transition table enforced on every path (REST, signaling, the grace-period timer).
#ifndef VOX_DOMAIN_SESSION_H
#define VOX_DOMAIN_SESSION_H

#include <stdbool.h>

typedef enum session_state {
    SESSION_SCHEDULED,
    SESSION_READY,
    SESSION_ACTIVE,
    SESSION_PAUSED,
    SESSION_COMPLETED,
    SESSION_FAILED,
    SESSION_CANCELLED,
} session_state;

#define SESSION_STATE_COUNT 7

typedef enum session_op {
    SESSION_OP_PREPARE,
    SESSION_OP_START,
    SESSION_OP_PAUSE,
    SESSION_OP_RESUME,
    SESSION_OP_END,
    SESSION_OP_CANCEL,
    SESSION_OP_FAIL,
} session_op;

#define SESSION_OP_COUNT 7

// Parses a state name ("scheduled", "ready", ...); 0 or VOX_EINVAL.
int session_state_parse(const char *s, session_state *out);

// Stable name of a state, or "unknown" for an out-of-range value.
const char *session_state_name(session_state s);

// Parses an operation name ("prepare", "start", ...); 0 or VOX_EINVAL.
int session_op_parse(const char *s, session_op *out);

// Stable name of an operation, or "unknown".
const char *session_op_name(session_op op);

// Applies op to from and stores the next state in *to; VOX_ECONFLICT when the lifecycle
// does not allow op in from (*to untouched), VOX_EINVAL for out-of-range values.
int session_transition(session_state from, session_op op, session_state *to);

// True for completed, failed and cancelled, which accept no operation.
bool session_is_terminal(session_state s);

// True while media may flow or resume: active or paused.
bool session_is_live(session_state s);

#endif
