// SPDX-License-Identifier: MIT
// Room helpers other handlers share: JSON form and permission overrides.
#ifndef VOX_API_ROOMS_H
#define VOX_API_ROOMS_H

#include <jansson.h>

#include "core/jsonw.h"
#include "domain/perm.h"
#include "store/rooms.h"

// Writes the room as the API shows it (no password hash: has_password instead), with
// participant_count when it is >= 0.
void rooms_write(jsonw *w, const struct room_rec *r, int64_t participant_count);
// The same as a jansson object, for answers that add to it.
json_t *rooms_json(const struct room_rec *r);
// Reads the room's stored overrides for a role and an identity (absent -> zero overrides).
void rooms_overrides(const struct room_rec *r, role rl, const char *identity,
                     struct perm_override *role_ovr, struct perm_override *identity_ovr);
// A participant's permissions in the room: role defaults, then the room's overrides.
uint32_t rooms_permissions(const struct room_rec *r, role rl, const char *identity);

// 1 when the room has no password or pw matches it, else 0.
int rooms_check_password(const struct room_rec *r, const char *pw);

#endif
