// SPDX-License-Identifier: MIT
// The API context's insides, shared by api.c, auth.c and metrics.c only.
#ifndef VOX_API_API_INT_H
#define VOX_API_API_INT_H

#include "api/api.h"

struct key_cache;
struct metrics;

struct api {
    store *st;
    struct api_config cfg;
    struct key_cache *keys;
    struct metrics *metrics;
    const struct api_live_ops *live_ops; // NULL until api_set_live()
    void *live;
    int64_t last_tick_ms;
};

// Calls into the live side when one is wired (unit tests and tools run without).
#define API_LIVE(a, fn, ...)                                                                       \
    do {                                                                                           \
        if ((a)->live_ops)                                                                         \
            (a)->live_ops->fn((a)->live, __VA_ARGS__);                                             \
    } while (0)

// Every module's route table, in dispatch order.
const struct api_module *const *api_modules(size_t *n);

// Authenticates the request for a route's auth kind; fills c->who or answers 401 and
// returns VOX_EUNAUTH.
int auth_check(struct api_call *c, enum api_auth need);
// Verifies a participant access token and fills c->who as CALLER_PARTICIPANT; VOX_EUNAUTH
// with *reason set when it is malformed, expired, wrongly signed or from an unknown key.
int auth_verify_access_token(struct api_call *c, const char *token, const char **reason);
// Mints t signed with the calling api key's secret (c->who.key_id); 0 or a VOX_E* code.
struct access_token;
int auth_mint_access_token(struct api_call *c, const struct access_token *t, char **out);
struct key_cache *key_cache_new(void);
void key_cache_free(struct key_cache *kc);
// Drops a key from the cache (after revocation).
void key_cache_forget(struct key_cache *kc, const char *key_id);

struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);
// Counts one answered request.
void metrics_observe(struct metrics *m, const char *route, enum http_method method, int status,
                     double seconds);
// Appends the Prometheus text exposition of the request metrics to out.
void metrics_write(struct metrics *m, sbuf *out);

#endif
