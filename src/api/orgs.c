// SPDX-License-Identifier: MIT
// Orgs (admin only) and api keys. A key's secret is returned once, at creation, and stored
// sealed with the server's master key (the server needs it back to verify access tokens).
// Creating a key (but the first, part of the org's creation) and revoking one are events of
// its org; revoking a key or deleting an org closes the WebSockets its tokens opened too.
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/b64.h"
#include "auth/secretbox.h"
#include "core/err.h"
#include "core/uuid.h"
#include "store/orgs.h"

static json_t *org_json(const struct org_rec *o)
{
    json_t *j = json_pack("{s:s, s:s, s:o}", "id", o->id, "name", o->name, "metadata",
                          api_json_text(o->metadata));
    api_set_time(j, "created_at", o->created_at);
    return j;
}

static json_t *key_json(const struct key_rec *k)
{
    json_t *j = json_pack("{s:s, s:s, s:s}", "id", k->id, "org_id", k->org_id, "name", k->name);
    api_set_time(j, "created_at", k->created_at);
    api_set_time(j, "revoked_at", k->revoked_at);
    return j;
}

// Key ids are "AK" + 20 characters from a 32-letter alphabet (100 bits).
static void new_key_id(char out[40])
{
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    uint8_t r[20];
    uuid_random_bytes(r, sizeof r);
    out[0] = 'A';
    out[1] = 'K';
    for (int i = 0; i < 20; i++)
        out[2 + i] = alphabet[r[i] & 31];
    out[22] = '\0';
}

// Appends api_key.created / api_key.revoked to the key's org (an admin caller has no org of
// its own). Never the secret: only the id, the name and who did it.
static void key_event(struct api_call *c, const char *type, const struct key_rec *k)
{
    char own[sizeof c->who.org_id];
    memcpy(own, c->who.org_id, sizeof own);
    snprintf(c->who.org_id, sizeof c->who.org_id, "%s", k->org_id);
    api_event(c, type, NULL, NULL, NULL,
              json_pack("{s:s, s:s, s:s}", "key_id", k->id, "name", k->name, "by",
                        c->who.kind == CALLER_KEY ? c->who.key_id : "admin"));
    memcpy(c->who.org_id, own, sizeof own);
}

// Creates a key for org_id; on success *out is its record and *json describes it with its
// one-time secret.
static int create_key(struct api_call *c, const char *org_id, const char *name, struct key_rec *out,
                      json_t **json)
{
    struct key_rec k = {0};
    uint8_t raw[32];
    char secret[64];
    uuid_random_bytes(raw, sizeof raw);
    if (b64url_encode(raw, sizeof raw, secret, sizeof secret) < 0)
        return VOX_EIO;
    char *sealed = NULL;
    if (secretbox_seal(c->cfg->master_key, (const uint8_t *)secret, strlen(secret), &sealed))
        return VOX_EIO;
    new_key_id(k.id);
    snprintf(k.org_id, sizeof k.org_id, "%s", org_id);
    snprintf(k.name, sizeof k.name, "%s", name);
    snprintf(k.secret_enc, sizeof k.secret_enc, "%s", sealed);
    free(sealed);
    k.created_at = c->now_ms;
    int err = c->st->keys->create(c->st, &k);
    if (err)
        return err;
    *json = key_json(&k);
    json_object_set_new(*json, "secret", json_string(secret));
    *out = k;
    return 0;
}

static const struct body_field org_fields[] = {
    {.name = "name", .type = BODY_NAME, .required = 1, .min = 1, .max = 128},
    {.name = "metadata", .type = BODY_OBJECT, .max = 4096},
    {.name = "key_name", .type = BODY_NAME, .min = 1, .max = 128},
};

static void org_create(struct api_call *c)
{
    json_t *b = api_body(c, org_fields, sizeof org_fields / sizeof org_fields[0]);
    if (!b)
        return;
    struct org_rec o = {0};
    uuid_new(o.id);
    snprintf(o.name, sizeof o.name, "%s", body_str(b, "name", ""));
    o.metadata = body_has(b, "metadata")
                     ? json_dumps(json_object_get(b, "metadata"), JSON_COMPACT | JSON_SORT_KEYS)
                     : NULL;
    o.created_at = c->now_ms;
    json_t *key = NULL;
    struct key_rec k;
    int err = c->st->ops->begin(c->st);
    if (!err)
        err = c->st->orgs->create(c->st, &o);
    if (!err)
        err = create_key(c, o.id, body_str(b, "key_name", "default"), &k, &key);
    if (!err)
        err = c->st->ops->commit(c->st);
    if (err) {
        c->st->ops->rollback(c->st);
        api_fail(c, err, "org");
    } else {
        json_t *j = org_json(&o);
        json_object_set_new(j, "api_key", key);
        api_json(c, 201, j);
    }
    free(o.metadata);
    json_decref(b);
}

static void org_list(struct api_call *c)
{
    int limit, offset;
    if (api_page(c, &limit, &offset))
        return;
    struct org_rec *v;
    size_t n;
    int err = c->st->orgs->list(c->st, limit, offset, &v, &n);
    if (err) {
        api_fail(c, err, "org list");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, org_json(&v[i]));
    org_recs_free(v, n);
    api_json(c, 200, json_pack("{s:o, s:i, s:i}", "orgs", arr, "limit", limit, "offset", offset));
}

static void org_get(struct api_call *c)
{
    const char *id = api_path_uuid(c, 0, "org_id");
    if (!id)
        return;
    struct org_rec o = {0};
    int err = c->st->orgs->get(c->st, id, &o);
    if (err) {
        api_fail(c, err, "org");
        return;
    }
    api_json(c, 200, org_json(&o));
    org_rec_fini(&o);
}

static void org_delete(struct api_call *c)
{
    const char *id = api_path_uuid(c, 0, "org_id");
    if (!id)
        return;
    struct key_rec *keys;
    size_t n;
    if (c->st->keys->list(c->st, id, &keys, &n) == 0) {
        for (size_t i = 0; i < n; i++)
            key_cache_forget(c->api->keys, keys[i].id);
        free(keys);
    }
    int err = c->st->orgs->remove(c->st, id);
    if (err) {
        api_fail(c, err, "org");
        return;
    }
    API_LIVE(c->api, revoke, id, NULL, "org deleted");
    api_no_content(c);
}

// The calling key's own org.
static void org_self(struct api_call *c)
{
    struct org_rec o = {0};
    int err = c->st->orgs->get(c->st, c->who.org_id, &o);
    if (err) {
        api_fail(c, err, "org");
        return;
    }
    api_json(c, 200, org_json(&o));
    org_rec_fini(&o);
}

static const struct body_field key_fields[] = {
    {.name = "name", .type = BODY_NAME, .required = 1, .min = 1, .max = 128},
};

static void respond_new_key(struct api_call *c, const char *org_id)
{
    json_t *b = api_body(c, key_fields, 1);
    if (!b)
        return;
    json_t *key = NULL;
    struct key_rec k;
    int err = create_key(c, org_id, body_str(b, "name", ""), &k, &key);
    json_decref(b);
    if (!err)
        key_event(c, "api_key.created", &k);
    if (err)
        api_fail(c, err, "api key");
    else
        api_json(c, 201, key);
}

static void org_key_create(struct api_call *c)
{
    const char *id = api_path_uuid(c, 0, "org_id");
    struct org_rec o = {0};
    if (!id)
        return;
    int err = c->st->orgs->get(c->st, id, &o);
    if (err) {
        api_fail(c, err, "org");
        return;
    }
    org_rec_fini(&o);
    respond_new_key(c, id);
}

static void key_create(struct api_call *c)
{
    respond_new_key(c, c->who.org_id);
}

static void key_list(struct api_call *c)
{
    struct key_rec *v;
    size_t n;
    int err = c->st->keys->list(c->st, c->who.org_id, &v, &n);
    if (err) {
        api_fail(c, err, "api keys");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, key_json(&v[i]));
    free(v);
    api_json(c, 200, json_pack("{s:o}", "keys", arr));
}

// Takes effect at once: the key drops out of the secret cache (Basic and Bearer credentials
// look it up again and find it revoked), and its sockets stop acting and close with 4005
// before this answer goes out (both wait for the batch commit).
static void key_revoke(struct api_call *c)
{
    const char *id = api_path_key_id(c, 0, "key_id");
    struct key_rec k;
    if (!id)
        return;
    if (strcmp(id, c->who.key_id) == 0) {
        api_error(c, 409, "conflict", "key_id", "a key cannot revoke itself");
        return;
    }
    int err = c->st->keys->get(c->st, id, &k);
    if (!err && strcmp(k.org_id, c->who.org_id) != 0)
        err = VOX_ENOTFOUND;
    if (!err)
        err = c->st->keys->revoke(c->st, c->who.org_id, id, c->now_ms);
    if (err) {
        api_fail(c, err, "api key");
        return;
    }
    key_cache_forget(c->api->keys, id);
    key_event(c, "api_key.revoked", &k);
    API_LIVE(c->api, revoke, c->who.org_id, id, "api key revoked");
    api_no_content(c);
}

static const struct api_route routes[] = {
    {{HTTP_POST, "/v1/orgs"},
     org_create,
     AUTH_ADMIN,
     "Create an org and its first api key (admin)",
     API_BODY(org_fields)},
    {{HTTP_GET, "/v1/orgs"}, org_list, AUTH_ADMIN, "List orgs (admin)", NULL, 0},
    {{HTTP_GET, "/v1/orgs/{org_id}"}, org_get, AUTH_ADMIN, "Get an org (admin)", NULL, 0},
    {{HTTP_DELETE, "/v1/orgs/{org_id}"},
     org_delete,
     AUTH_ADMIN,
     "Delete an org and everything in it (admin)",
     NULL,
     0},
    {{HTTP_POST, "/v1/orgs/{org_id}/keys"},
     org_key_create,
     AUTH_ADMIN,
     "Create an api key for an org (admin)",
     API_BODY(key_fields)},
    {{HTTP_GET, "/v1/org"}, org_self, AUTH_KEY, "The calling key's org", NULL, 0},
    {{HTTP_GET, "/v1/keys"}, key_list, AUTH_KEY, "List the org's api keys", NULL, 0},
    {{HTTP_POST, "/v1/keys"},
     key_create,
     AUTH_KEY,
     "Create an api key; the secret is shown only in this answer",
     API_BODY(key_fields)},
    {{HTTP_DELETE, "/v1/keys/{key_id}"}, key_revoke, AUTH_KEY, "Revoke an api key", NULL, 0},
};

API_MODULE(api_orgs_module, routes);
