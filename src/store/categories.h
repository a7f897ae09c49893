// SPDX-License-Identifier: MIT
// Categories: an org's ordered groups of channels (rooms).
#ifndef VOX_STORE_CATEGORIES_H
#define VOX_STORE_CATEGORIES_H

#include <stddef.h>
#include <stdint.h>

#include "store/rooms.h"
#include "store/store.h"

struct category_rec {
    char id[37];
    char org_id[37];
    char name[129];
    int position;
    int64_t created_at;
    int64_t updated_at;
};

// A channel as the channel listing shows it.
struct category_channel {
    struct room_rec room;
    int participant_count; // joining, connected or reconnecting in the room's live session
};

struct store_category_ops {
    int (*create)(store *s, const struct category_rec *c); // VOX_ECONFLICT on duplicate name
    int (*get)(store *s, const char *org_id, const char *id, struct category_rec *out);
    // Ordered by position, then name; *out malloc'd (plain free()).
    int (*list)(store *s, const char *org_id, struct category_rec **out, size_t *n);
    int (*update)(store *s, const struct category_rec *c);
    // Leaves the category's rooms uncategorized (their category_id becomes NULL).
    int (*remove)(store *s, const char *org_id, const char *id);
    // The org's channels (persistent rooms, and any room with a category), ordered by room
    // position then name, at most limit of them, each with its live present participant
    // count; *out malloc'd (free with category_channels_free).
    int (*channels)(store *s, const char *org_id, int limit, struct category_channel **out,
                    size_t *n);
};

void category_channels_free(struct category_channel *v, size_t n);

#endif
