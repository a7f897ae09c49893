// SPDX-License-Identifier: MIT
// Rooms: an org's places with their settings.
#ifndef VOX_STORE_ROOMS_H
#define VOX_STORE_ROOMS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct room_rec {
    char id[37];
    char org_id[37];
    char name[129];
    char type[16];      // room_type_name()
    char media_mode[8]; // "sfu" | "p2p"
    int persistent;
    int max_participants; // 0 = the type's default limit
    int bitrate;
    int recording_allowed;
    int screen_share_allowed;
    int waiting_room;
    char password_hash[128]; // "" = no password; else salt$sha256hex
    char category_id[37];    // "" = none
    int position;
    int empty_timeout;          // seconds a persistent room's session survives its last leave
    char *permission_overrides; // JSON object text, malloc'd
    char *metadata;             // JSON object text, malloc'd
    int64_t created_at;
    int64_t updated_at;
};

struct room_filter {
    const char *type;        // NULL = any
    const char *category_id; // NULL = any
    int limit, offset;
};

struct store_room_ops {
    int (*create)(store *s, const struct room_rec *r); // VOX_ECONFLICT on duplicate name
    int (*get)(store *s, const char *org_id, const char *id, struct room_rec *out);
    int (*list)(store *s, const char *org_id, const struct room_filter *f, struct room_rec **out,
                size_t *n);
    int (*update)(store *s, const struct room_rec *r); // every column but id/org/created_at
    int (*remove)(store *s, const char *org_id, const char *id);
};

void room_rec_fini(struct room_rec *r);
void room_recs_free(struct room_rec *v, size_t n);

#endif
