// SPDX-License-Identifier: MIT
// Permission bit flags: defaults per role and room type, then the room's per-role and
// per-identity overrides (deny then allow at each level, as Discord channel overwrites).
#ifndef VOX_DOMAIN_PERM_H
#define VOX_DOMAIN_PERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/role.h"
#include "domain/room.h"

#define PERM_CONNECT          (UINT32_C(1) << 0)
#define PERM_SPEAK            (UINT32_C(1) << 1)
#define PERM_MUTE_MEMBERS     (UINT32_C(1) << 2)
#define PERM_DEAFEN_MEMBERS   (UINT32_C(1) << 3)
#define PERM_MOVE_MEMBERS     (UINT32_C(1) << 4)
#define PERM_USE_VAD          (UINT32_C(1) << 5)
#define PERM_PRIORITY_SPEAKER (UINT32_C(1) << 6)
#define PERM_STREAM           (UINT32_C(1) << 7)
#define PERM_VIDEO            (UINT32_C(1) << 8)
#define PERM_REQUEST_TO_SPEAK (UINT32_C(1) << 9)
#define PERM_MANAGE_STAGE     (UINT32_C(1) << 10)
#define PERM_MANAGE_ROOM      (UINT32_C(1) << 11)
#define PERM_RECORD           (UINT32_C(1) << 12)
#define PERM_ALL              ((UINT32_C(1) << 13) - 1)

// One permission's flag and wire name, for listing and parsing.
struct perm_def {
    uint32_t flag;
    const char *name;
};

// All permissions in bit order; perm_defs_count entries.
extern const struct perm_def perm_defs[];
extern const size_t perm_defs_count;

// A room's override for one role or identity: deny bits are cleared, then allow bits set.
struct perm_override {
    uint32_t allow;
    uint32_t deny;
};

// Parses one permission name ("connect", "use_voice_activity", ...) into its flag;
// 0 or VOX_EINVAL.
int perm_parse_name(const char *s, uint32_t *out);

// Wire name of a single flag, or NULL when perm is not exactly one known flag.
const char *perm_name(uint32_t perm);

// Default flags of a role in a room type. Host: all. Co-host: all but manage_room (room
// settings and deletion stay with the host). Moderator: connect, speak, mute, deafen, move,
// vad, stream, video, manage_stage. Participant: connect, speak, vad, stream, video,
// request_to_speak, except on a stage where it is audience. Speaker: participant's
// speaking rights. Viewer and audience: connect, request_to_speak.
uint32_t perm_for_role(role r, room_type t);

// Effective flags: the role's defaults, then role_ovr, then identity_ovr (either may be
// NULL); within each override deny is applied before allow, so allow wins at one level.
uint32_t perm_compute(role r, room_type t, const struct perm_override *role_ovr,
                      const struct perm_override *identity_ovr);

// True when flags hold every bit of perm (perm may combine several flags; 0 is false).
bool perm_has(uint32_t flags, uint32_t perm);

#endif
