// SPDX-License-Identifier: MIT
// Credentials: the bootstrap admin token, api keys (HTTP Basic key_id:secret) and participant
// access tokens (Bearer HS256 JWT signed with an api key's secret). Decrypted key secrets are
// cached so a request costs one hash lookup and a constant-time compare, not a decryption.
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/access_token.h"
#include "auth/basic.h"
#include "auth/jwt.h"
#include "auth/secretbox.h"
#include "core/err.h"
#include "core/mem.h"
#include "store/orgs.h"

#define CACHE_BUCKETS 1024
#define SECRET_MAX    64

struct cached_key {
    struct cached_key *next;
    char id[40];
    char org_id[37];
    uint8_t secret[SECRET_MAX];
    size_t secret_len;
};

struct key_cache {
    struct cached_key *buckets[CACHE_BUCKETS];
};

struct key_cache *key_cache_new(void)
{
    return xcalloc(1, sizeof(struct key_cache));
}

void key_cache_free(struct key_cache *kc)
{
    if (!kc)
        return;
    for (size_t i = 0; i < CACHE_BUCKETS; i++)
        for (struct cached_key *k = kc->buckets[i], *next; k; k = next) {
            next = k->next;
            OPENSSL_cleanse(k->secret, sizeof k->secret);
            free(k);
        }
    free(kc);
}

static size_t bucket_of(const char *id)
{
    size_t h = 5381;
    for (; *id; id++)
        h = h * 33 + (unsigned char)*id;
    return h % CACHE_BUCKETS;
}

void key_cache_forget(struct key_cache *kc, const char *key_id)
{
    struct cached_key **pp = &kc->buckets[bucket_of(key_id)];
    for (; *pp; pp = &(*pp)->next)
        if (strcmp((*pp)->id, key_id) == 0) {
            struct cached_key *dead = *pp;
            *pp = dead->next;
            OPENSSL_cleanse(dead->secret, sizeof dead->secret);
            free(dead);
            return;
        }
}

// Finds an active key by id, loading and decrypting it from the store on a cache miss.
static const struct cached_key *lookup_key(struct api_call *c, const char *id)
{
    struct key_cache *kc = c->api->keys;
    size_t b = bucket_of(id);
    for (struct cached_key *k = kc->buckets[b]; k; k = k->next)
        if (strcmp(k->id, id) == 0)
            return k;
    struct key_rec rec;
    if (strlen(id) >= sizeof rec.id || c->st->keys->get(c->st, id, &rec) || rec.revoked_at)
        return NULL;
    struct cached_key *k = xcalloc(1, sizeof *k);
    if (secretbox_open(c->cfg->master_key, rec.secret_enc, k->secret, sizeof k->secret,
                       &k->secret_len)) {
        free(k);
        return NULL;
    }
    memcpy(k->id, rec.id, sizeof k->id);
    memcpy(k->org_id, rec.org_id, sizeof k->org_id);
    k->next = kc->buckets[b];
    kc->buckets[b] = k;
    return k;
}

static int deny(struct api_call *c, const char *reason)
{
    api_error(c, 401, "unauthorized", NULL, "%s", reason);
    return VOX_EUNAUTH;
}

static int check_admin(struct api_call *c, const char *bearer)
{
    const char *want = c->cfg->admin_token;
    if (!want || !*want)
        return deny(c, "admin credential is not configured on this server");
    if (!bearer || !secretbox_equal(bearer, want))
        return deny(c, "invalid admin token");
    c->who.kind = CALLER_ADMIN;
    return 0;
}

// "Basic base64(key_id:secret)": the secret is compared against the decrypted stored one.
static int check_basic(struct api_call *c, const char *b64)
{
    char key_id[256], secret[256];
    const char *reason;
    if (basic_parse(b64, strlen(b64), key_id, sizeof key_id, secret, sizeof secret, &reason))
        return deny(c, reason);
    const struct cached_key *k = lookup_key(c, key_id);
    size_t slen = strlen(secret);
    int ok = k && slen == k->secret_len && CRYPTO_memcmp(secret, k->secret, slen) == 0;
    OPENSSL_cleanse(secret, sizeof secret);
    if (!ok)
        return deny(c, "unknown api key or wrong secret");
    c->who.kind = CALLER_KEY;
    memcpy(c->who.org_id, k->org_id, sizeof c->who.org_id);
    memcpy(c->who.key_id, k->id, sizeof c->who.key_id);
    return 0;
}

static void caller_from_token(struct api_caller *w, const struct access_token *t,
                              const char *org_id)
{
    w->kind = CALLER_PARTICIPANT;
    snprintf(w->org_id, sizeof w->org_id, "%s", org_id);
    snprintf(w->key_id, sizeof w->key_id, "%s", t->iss);
    snprintf(w->identity, sizeof w->identity, "%s", t->identity);
    snprintf(w->name, sizeof w->name, "%s", t->name);
    snprintf(w->room_id, sizeof w->room_id, "%s", t->room);
    w->grants.join = t->grants.join;
    w->grants.publish = t->grants.publish;
    w->grants.subscribe = t->grants.subscribe;
    w->grants.publish_data = t->grants.publish_data;
    w->grants.admin = t->grants.admin;
    w->grants.hidden = t->grants.hidden;
    w->grants.recorder = t->grants.recorder;
    snprintf(w->grants.role, sizeof w->grants.role, "%s", t->grants.role);
    w->expires_at = t->exp;
}

int auth_verify_access_token(struct api_call *c, const char *token, const char **reason)
{
    struct jwt j;
    struct access_token t;
    if (jwt_parse(token, strlen(token), &j, reason))
        return VOX_EUNAUTH;
    int err = VOX_EUNAUTH;
    int64_t now_s = c->now_ms / 1000;
    const char *kid = j.kid ? j.kid : j.iss;
    const struct cached_key *k = kid ? lookup_key(c, kid) : NULL;
    if (!k)
        *reason = "token signed by an unknown or revoked api key";
    else if (jwt_verify_hs256(&j, k->secret, k->secret_len, now_s, ACCESS_TOKEN_LEEWAY_S, reason) ==
                 0 &&
             access_token_from_jwt(&j, &t, reason) == 0 &&
             access_token_check_times(&t, now_s, c->cfg->token_max_ttl_s, reason) == 0) {
        caller_from_token(&c->who, &t, k->org_id);
        err = 0;
    }
    jwt_fini(&j);
    return err;
}

int auth_check(struct api_call *c, enum api_auth need)
{
    if (need == AUTH_PUBLIC)
        return 0;
    const char *h = c->req->authorization;
    if (!h)
        return deny(c, "missing Authorization header");
    if (need == AUTH_ADMIN)
        return check_admin(c, strncmp(h, "Bearer ", 7) == 0 ? h + 7 : NULL);
    if (strncmp(h, "Basic ", 6) == 0)
        return check_basic(c, h + 6);
    if (need == AUTH_KEY_OR_USER && strncmp(h, "Bearer ", 7) == 0) {
        const char *reason = "invalid access token";
        if (auth_verify_access_token(c, h + 7, &reason))
            return deny(c, reason);
        return 0;
    }
    return deny(c, need == AUTH_KEY ? "this route needs api key credentials (Basic key_id:secret)"
                                    : "unsupported Authorization scheme");
}

int auth_mint_access_token(struct api_call *c, const struct access_token *t, char **out)
{
    const struct cached_key *k = lookup_key(c, c->who.key_id);
    if (!k)
        return VOX_EUNAUTH;
    return access_token_mint(t, k->secret, k->secret_len, out);
}
