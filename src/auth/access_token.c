// SPDX-License-Identifier: MIT
// vox access tokens on top of jwt.c: claim validation (types, lengths, character sets)
// into a fixed-size struct, and minting, which round-trips through the same validation
// so a token vox mints is always one vox accepts.
#include "auth/access_token.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/err.h"

// A string claim copied into a fixed array of struct access_token.
struct str_claim {
    const char *claim;
    size_t off, cap;
    bool required;
    bool text; // a name shown to people or logged: no control characters
    const char *missing, *invalid;
};

#define AT_FIELD(f) offsetof(struct access_token, f), sizeof(((struct access_token *)0)->f)

static const struct str_claim str_claims[] = {
    {"iss", AT_FIELD(iss), true, true, "missing iss", "invalid iss"},
    {"sub", AT_FIELD(identity), true, true, "missing identity", "invalid identity"},
    {"name", AT_FIELD(name), false, true, NULL, "invalid name"},
    {"room", AT_FIELD(room), false, true, NULL, "invalid room"},
    {"jti", AT_FIELD(jti), false, true, NULL, "invalid jti"},
    {"metadata", AT_FIELD(metadata), false, false, NULL, "invalid metadata"},
};

struct grant_flag {
    const char *name;
    size_t off;
};

static const struct grant_flag grant_flags[] = {
    {"join", offsetof(struct access_token_grants, join)},
    {"publish", offsetof(struct access_token_grants, publish)},
    {"subscribe", offsetof(struct access_token_grants, subscribe)},
    {"publish_data", offsetof(struct access_token_grants, publish_data)},
    {"admin", offsetof(struct access_token_grants, admin)},
    {"hidden", offsetof(struct access_token_grants, hidden)},
    {"recorder", offsetof(struct access_token_grants, recorder)},
};

#define N_GRANT_FLAGS (sizeof grant_flags / sizeof grant_flags[0])
#define N_STR_CLAIMS  (sizeof str_claims / sizeof str_claims[0])

void access_token_grants_init(struct access_token_grants *g)
{
    memset(g, 0, sizeof *g);
    g->join = true;
    g->publish = true;
    g->subscribe = true;
}

static bool has_control(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return true;
    return false;
}

static const char *read_str(const json_t *claims, const struct str_claim *f, char *base)
{
    const json_t *v = json_object_get(claims, f->claim);
    if (!v)
        return f->required ? f->missing : NULL;
    size_t n = json_string_length(v);
    // jansson rejects \u0000 by default; the strlen check keeps that an explicit rule.
    if (!json_is_string(v) || n >= f->cap || strlen(json_string_value(v)) != n ||
        (f->required && n == 0) || (f->text && has_control(json_string_value(v), n)))
        return f->invalid;
    memcpy(base + f->off, json_string_value(v), n + 1);
    return NULL;
}

// Accepts 8-4-4-4-12 hex digits in either case and stores lower case.
static bool room_normalize(char *room)
{
    for (size_t i = 0; i < ACCESS_TOKEN_ROOM_LEN; i++) {
        char c = room[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (c >= 'A' && c <= 'F') {
            room[i] = (char)(c - 'A' + 'a');
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return room[ACCESS_TOKEN_ROOM_LEN] == '\0';
}

static bool role_valid(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
            return false;
    return true;
}

static const char *read_grants(const json_t *claims, struct access_token_grants *g)
{
    const json_t *obj = json_object_get(claims, "grants");
    access_token_grants_init(g);
    if (!obj)
        return NULL;
    if (!json_is_object(obj))
        return "invalid grants";
    for (size_t i = 0; i < N_GRANT_FLAGS; i++) {
        const json_t *v = json_object_get(obj, grant_flags[i].name);
        if (!v)
            continue;
        if (!json_is_boolean(v))
            return "invalid grants";
        *(bool *)((char *)g + grant_flags[i].off) = json_is_true(v);
    }
    const json_t *role = json_object_get(obj, "role");
    if (!role)
        return NULL;
    if (!json_is_string(role) || json_string_length(role) > ACCESS_TOKEN_ROLE_MAX ||
        strlen(json_string_value(role)) != json_string_length(role) ||
        !role_valid(json_string_value(role)))
        return "invalid role";
    memcpy(g->role, json_string_value(role), json_string_length(role) + 1);
    return NULL;
}

static const char *from_jwt(const struct jwt *j, struct access_token *out)
{
    const char *why;
    if (!j || !json_is_object(j->claims))
        return "malformed token";
    for (size_t i = 0; i < N_STR_CLAIMS; i++)
        if ((why = read_str(j->claims, &str_claims[i], (char *)out)))
            return why;
    // The secret was looked up by kid; a different iss would let one key speak for another.
    if (j->kid && strcmp(j->kid, out->iss) != 0)
        return "kid does not match iss";
    if (out->room[0] && !room_normalize(out->room))
        return "invalid room";
    if ((why = read_grants(j->claims, &out->grants)))
        return why;
    if (out->grants.join && !out->room[0])
        return "missing room";
    if (!j->has_exp)
        return "missing exp";
    out->exp = j->exp;
    out->nbf = j->has_nbf ? j->nbf : 0;
    out->iat = j->has_iat ? j->iat : 0;
    return NULL;
}

int access_token_from_jwt(const struct jwt *j, struct access_token *out, const char **reason)
{
    memset(out, 0, sizeof *out);
    const char *why = from_jwt(j, out);
    if (reason)
        *reason = why;
    if (!why)
        return VOX_OK;
    memset(out, 0, sizeof *out);
    return VOX_EUNAUTH;
}

static const char *check_times(const struct access_token *t, int64_t now, int64_t max_ttl)
{
    if (t->exp <= now)
        return "token expired";
    if (t->iat && t->iat > now + ACCESS_TOKEN_LEEWAY_S)
        return "token issued in the future (iat is later than the server's clock)";
    int64_t lifetime;
    if (__builtin_sub_overflow(t->exp, t->iat ? t->iat : now, &lifetime))
        return "token lifetime exceeds the server's --token-max-ttl";
    if (max_ttl > 0 && lifetime > max_ttl)
        return "token lifetime exceeds the server's --token-max-ttl";
    return NULL;
}

int access_token_check_times(const struct access_token *t, int64_t now_s, int64_t max_ttl_s,
                             const char **reason)
{
    const char *why = check_times(t, now_s, max_ttl_s);
    if (reason)
        *reason = why;
    return why ? VOX_EUNAUTH : VOX_OK;
}

// Sets obj[name] to a string copied out of a fixed array, failing unless it is
// NUL-terminated inside the array and valid UTF-8.
static int put_str(json_t *obj, const char *name, const char *s, size_t cap, bool always)
{
    if (!memchr(s, '\0', cap))
        return VOX_EINVAL;
    if (!always && !s[0])
        return VOX_OK;
    json_t *v = json_string(s);
    return v && json_object_set_new(obj, name, v) == 0 ? VOX_OK : VOX_EINVAL;
}

static int put_int(json_t *obj, const char *name, int64_t v, bool always)
{
    if (!always && v == 0)
        return VOX_OK;
    return json_object_set_new(obj, name, json_integer((json_int_t)v)) == 0 ? VOX_OK : VOX_ENOMEM;
}

static json_t *grants_json(const struct access_token_grants *g)
{
    json_t *obj = json_object();
    for (size_t i = 0; obj && i < N_GRANT_FLAGS; i++) {
        bool on = *(const bool *)((const char *)g + grant_flags[i].off);
        if (json_object_set_new(obj, grant_flags[i].name, json_boolean(on)) != 0)
            goto fail;
    }
    if (obj && put_str(obj, "role", g->role, sizeof g->role, false) != VOX_OK)
        goto fail;
    return obj;
fail:
    json_decref(obj);
    return NULL;
}

static json_t *claims_json(const struct access_token *t)
{
    json_t *c = json_object();
    if (!c)
        return NULL;
    const char *base = (const char *)t;
    for (size_t i = 0; i < N_STR_CLAIMS; i++) {
        const struct str_claim *f = &str_claims[i];
        if (put_str(c, f->claim, base + f->off, f->cap, f->required) != VOX_OK)
            goto fail;
    }
    if (put_int(c, "exp", t->exp, true) || put_int(c, "nbf", t->nbf, false) ||
        put_int(c, "iat", t->iat, false))
        goto fail;
    json_t *g = grants_json(&t->grants);
    if (!g || json_object_set_new(c, "grants", g) != 0)
        goto fail;
    return c;
fail:
    json_decref(c);
    return NULL;
}

int access_token_mint(const struct access_token *t, const uint8_t *secret, size_t len, char **out)
{
    struct jwt j;
    struct access_token check;
    char *tok = NULL;
    int rc = VOX_EINVAL;

    *out = NULL;
    json_t *claims = claims_json(t);
    if (!claims)
        goto fail; // a field is unterminated or not UTF-8
    if ((rc = jwt_sign_hs256(claims, t->iss, secret, len, &tok)) != VOX_OK)
        goto fail;
    // Parse what we made with the server's own rules, so minting cannot drift from them.
    rc = VOX_EINVAL;
    if (jwt_parse(tok, strlen(tok), &j, NULL) != VOX_OK)
        goto fail;
    int ok = access_token_from_jwt(&j, &check, NULL);
    jwt_fini(&j);
    if (ok != VOX_OK)
        goto fail;
    *out = tok;
    tok = NULL;
    rc = VOX_OK;
fail:
    free(tok);
    json_decref(claims);
    return rc;
}
