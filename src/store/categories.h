// SPDX-License-Identifier: MIT
// Categories: an org's ordered groups of channels (rooms).
#ifndef VOX_STORE_CATEGORIES_H
#define VOX_STORE_CATEGORIES_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct category_rec {
    char id[37];
    char org_id[37];
    char name[129];
    int position;
    int64_t created_at;
    int64_t updated_at;
};

struct store_category_ops {
    int (*create)(store *s, const struct category_rec *c); // VOX_ECONFLICT on duplicate name
    int (*get)(store *s, const char *org_id, const char *id, struct category_rec *out);
    // Ordered by position, then name; *out malloc'd (plain free()).
    int (*list)(store *s, const char *org_id, struct category_rec **out, size_t *n);
    int (*update)(store *s, const struct category_rec *c);
    int (*remove)(store *s, const char *org_id, const char *id);
};

#endif
