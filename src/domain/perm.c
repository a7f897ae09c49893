// SPDX-License-Identifier: MIT
// Permission defaults per role and the override precedence rule.
#include "domain/perm.h"

#include <string.h>

#include "core/err.h"

const struct perm_def perm_defs[] = {
    {PERM_CONNECT, "connect"},
    {PERM_SPEAK, "speak"},
    {PERM_MUTE_MEMBERS, "mute_members"},
    {PERM_DEAFEN_MEMBERS, "deafen_members"},
    {PERM_MOVE_MEMBERS, "move_members"},
    {PERM_USE_VAD, "use_voice_activity"},
    {PERM_PRIORITY_SPEAKER, "priority_speaker"},
    {PERM_STREAM, "stream"},
    {PERM_VIDEO, "video"},
    {PERM_REQUEST_TO_SPEAK, "request_to_speak"},
    {PERM_MANAGE_STAGE, "manage_stage"},
    {PERM_MANAGE_ROOM, "manage_room"},
    {PERM_RECORD, "record"},
};

const size_t perm_defs_count = sizeof(perm_defs) / sizeof(perm_defs[0]);

// What anyone who may talk gets; request_to_speak is left to the listening roles.
#define PERM_TALK   (PERM_CONNECT | PERM_SPEAK | PERM_USE_VAD | PERM_STREAM | PERM_VIDEO)
#define PERM_LISTEN (PERM_CONNECT | PERM_REQUEST_TO_SPEAK)
#define PERM_MODERATE                                                                              \
    (PERM_TALK | PERM_MUTE_MEMBERS | PERM_DEAFEN_MEMBERS | PERM_MOVE_MEMBERS | PERM_MANAGE_STAGE)

int perm_parse_name(const char *s, uint32_t *out)
{
    for (size_t i = 0; s && i < perm_defs_count; i++) {
        if (strcmp(s, perm_defs[i].name) == 0) {
            *out = perm_defs[i].flag;
            return VOX_OK;
        }
    }
    return VOX_EINVAL;
}

const char *perm_name(uint32_t perm)
{
    for (size_t i = 0; i < perm_defs_count; i++) {
        if (perm_defs[i].flag == perm)
            return perm_defs[i].name;
    }
    return NULL;
}

uint32_t perm_for_role(role r, room_type t)
{
    switch (r) {
    case ROLE_HOST:
        return PERM_ALL;
    case ROLE_CO_HOST:
        return PERM_ALL & ~PERM_MANAGE_ROOM;
    case ROLE_MODERATOR:
        return PERM_MODERATE;
    // On a stage the plain participant is the audience: the stage decides who speaks.
    case ROLE_PARTICIPANT:
        return t == ROOM_STAGE ? PERM_LISTEN : PERM_TALK | PERM_REQUEST_TO_SPEAK;
    case ROLE_SPEAKER:
        return PERM_TALK;
    case ROLE_VIEWER:
    case ROLE_AUDIENCE:
        return PERM_LISTEN;
    }
    return 0;
}

static uint32_t perm_apply(uint32_t flags, const struct perm_override *o)
{
    if (!o)
        return flags;
    return (flags & ~o->deny) | o->allow;
}

uint32_t perm_compute(role r, room_type t, const struct perm_override *role_ovr,
                      const struct perm_override *identity_ovr)
{
    uint32_t flags = perm_for_role(r, t);
    flags = perm_apply(flags, role_ovr);
    flags = perm_apply(flags, identity_ovr);
    // Stored overrides may carry bits from a newer or older build; never leak them.
    return flags & PERM_ALL;
}

bool perm_has(uint32_t flags, uint32_t perm)
{
    return perm != 0 && (flags & perm) == perm;
}
