// SPDX-License-Identifier: MIT
// Participant role names and ranks.
#include "domain/role.h"

#include <stddef.h>
#include <string.h>

#include "core/err.h"

const char *const role_names[ROLE_COUNT + 1] = {
    [ROLE_HOST] = "host",           [ROLE_CO_HOST] = "co_host",
    [ROLE_MODERATOR] = "moderator", [ROLE_PARTICIPANT] = "participant",
    [ROLE_VIEWER] = "viewer",       [ROLE_SPEAKER] = "speaker",
    [ROLE_AUDIENCE] = "audience",   [ROLE_COUNT] = NULL,
};

// A speaker is a promoted audience member, not a moderator, so it sits with participants.
static const int role_ranks[ROLE_COUNT] = {
    [ROLE_HOST] = 5,   [ROLE_CO_HOST] = 4, [ROLE_MODERATOR] = 3, [ROLE_PARTICIPANT] = 2,
    [ROLE_VIEWER] = 1, [ROLE_SPEAKER] = 2, [ROLE_AUDIENCE] = 1,
};

int role_parse(const char *s, role *out)
{
    for (size_t i = 0; s && i < ROLE_COUNT; i++) {
        if (strcmp(s, role_names[i]) == 0) {
            *out = (role)i;
            return VOX_OK;
        }
    }
    return VOX_EINVAL;
}

const char *role_name(role r)
{
    return (unsigned)r < ROLE_COUNT ? role_names[r] : "unknown";
}

bool role_is_audience(role r)
{
    return r == ROLE_AUDIENCE || r == ROLE_VIEWER;
}

int role_rank(role r)
{
    return (unsigned)r < ROLE_COUNT ? role_ranks[r] : 0;
}

bool role_outranks(role actor, role target)
{
    return role_rank(actor) > role_rank(target);
}
