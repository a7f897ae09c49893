// SPDX-License-Identifier: MIT
// Participant roles and their rank, which decides who may act on whom (mute, move, remove).
#ifndef VOX_DOMAIN_ROLE_H
#define VOX_DOMAIN_ROLE_H

#include <stdbool.h>

typedef enum role {
    ROLE_HOST,
    ROLE_CO_HOST,
    ROLE_MODERATOR,
    ROLE_PARTICIPANT,
    ROLE_VIEWER,
    ROLE_SPEAKER,  // stage only: an audience member whose request to speak was approved
    ROLE_AUDIENCE, // stage only: listens, may request to speak
} role;

#define ROLE_COUNT 7

// Every role's name in enum order, NULL-terminated (for enum validation of request fields).
extern const char *const role_names[ROLE_COUNT + 1];

// Parses "host", "co_host", "moderator", "participant", "viewer", "speaker" or "audience";
// 0 or VOX_EINVAL.
int role_parse(const char *s, role *out);

// Stable name of a role, or "unknown" for an out-of-range value.
const char *role_name(role r);

// Rank of a role, higher acts on lower: host 5, co_host 4, moderator 3, participant and
// speaker 2, viewer and audience 1; 0 for an unknown role.
int role_rank(role r);

// Audience roles (stage audience, viewer): in a large room their comings, goings and changes
// are told to the people running it and to themselves, not to the rest of the audience, so a
// room of n listeners costs O(n) messages instead of O(n^2) (docs/PROTOCOL.md, "Audiences").
bool role_is_audience(role r);

// True when actor ranks strictly above target; equals never act on each other, so two
// moderators cannot mute one another and nobody can act on the host.
bool role_outranks(role actor, role target);

#endif
