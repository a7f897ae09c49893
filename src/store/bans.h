// SPDX-License-Identifier: MIT
// Identities banned from a session (a participant removed with `ban: true`): kept until lifted
// or until the session is deleted with its room, so they survive a restart; a session that
// has ended lets nobody in anyway, and the room's next session starts with no bans.
#ifndef VOX_STORE_BANS_H
#define VOX_STORE_BANS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct ban_rec {
    char org_id[37];
    char room_id[37];
    char session_id[37];
    char identity[129];
    char by[160];     // who banned: "server" (an api key) or the remover's identity
    char reason[257]; // the remove request's reason, "" when none
    int64_t created_at;
};

struct store_ban_ops {
    // Bans b->identity from b->session_id; banning it again keeps the first ban. 0 or VOX_E*.
    int (*add)(store *s, const struct ban_rec *b);
    // 0 with *out filled (out may be NULL) when identity is banned from the session of org_id,
    // VOX_ENOTFOUND when it is not.
    int (*get)(store *s, const char *org_id, const char *session_id, const char *identity,
               struct ban_rec *out);
    // Lifts a ban; VOX_ENOTFOUND when there was none.
    int (*remove)(store *s, const char *org_id, const char *session_id, const char *identity);
    // The session's bans, oldest first, at most limit from offset; *out is malloc'd (free()).
    int (*list)(store *s, const char *org_id, const char *session_id, int limit, int offset,
                struct ban_rec **out, size_t *n);
};

#endif
