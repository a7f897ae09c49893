// SPDX-License-Identifier: MIT
// Orgs (tenants) and their api keys.
#ifndef VOX_STORE_ORGS_H
#define VOX_STORE_ORGS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct org_rec {
    char id[37];
    char name[129];
    char *metadata; // JSON object text, malloc'd
    int64_t created_at;
};

struct key_rec {
    char id[40]; // public key id, "AK" + 20 alphanumerics
    char org_id[37];
    char name[129];
    char secret_enc[256]; // secretbox-sealed secret
    int64_t created_at;
    int64_t revoked_at; // 0 while active
};

struct store_org_ops {
    int (*create)(store *s, const struct org_rec *org);
    int (*get)(store *s, const char *id, struct org_rec *out);
    // Newest first; *out is a malloc'd array of *n records (free each with org_rec_fini).
    int (*list)(store *s, int limit, int offset, struct org_rec **out, size_t *n);
    int (*remove)(store *s, const char *id);
};

struct store_key_ops {
    int (*create)(store *s, const struct key_rec *key);
    // Looks a key up by id across orgs: this is how a credential finds its org.
    int (*get)(store *s, const char *id, struct key_rec *out);
    int (*list)(store *s, const char *org_id, struct key_rec **out, size_t *n);
    int (*revoke)(store *s, const char *org_id, const char *id, int64_t at);
};

void org_rec_fini(struct org_rec *o);
void org_recs_free(struct org_rec *v, size_t n);

#endif
