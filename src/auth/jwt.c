// SPDX-License-Identifier: MIT
// HS256 JWTs: compact serialisation (RFC 7515 section 7.1), claims (RFC 7519 section 4.1).
// Parsing never trusts the token: every segment is length-checked and strictly decoded,
// and the JSON must be objects with the expected member types before anything is kept.
#include "auth/jwt.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth/b64.h"
#include "core/err.h"
#include "core/mem.h"

// Characters of an unpadded base64url 32-byte signature.
#define SIG_CHARS 43
// Longest "kid" accepted; key ids are short and this keeps them out of log floods.
#define KID_MAX 256

static int hmac_sha256(const uint8_t *key, size_t keylen, const void *data, size_t len,
                       uint8_t md[JWT_SIG_LEN])
{
    unsigned int mdlen = 0;
    if (keylen == 0 || keylen > INT_MAX)
        return VOX_EINVAL;
    if (!HMAC(EVP_sha256(), key, (int)keylen, data, len, md, &mdlen) || mdlen != JWT_SIG_LEN)
        return VOX_EIO;
    return VOX_OK;
}

// Appends base64url(s) at buf + *pos; the caller sized buf from b64url_encoded_len().
static void put_b64(char *buf, size_t *pos, size_t cap, const void *s, size_t n)
{
    int w = b64url_encode(s, n, buf + *pos, cap - *pos);
    ASSERT(w >= 0);
    *pos += (size_t)w;
}

int jwt_sign_hs256(const json_t *claims, const char *kid, const uint8_t *key, size_t keylen,
                   char **out)
{
    int rc = VOX_EINVAL;
    char *hdr = NULL, *pl = NULL, *tok = NULL;
    json_t *h = NULL;
    uint8_t md[JWT_SIG_LEN];

    *out = NULL;
    if (!json_is_object(claims) || !key || keylen == 0)
        return VOX_EINVAL;
    h = json_pack("{s:s, s:s}", "alg", "HS256", "typ", "JWT");
    if (!h)
        return VOX_ENOMEM;
    if (kid && json_object_set_new(h, "kid", json_string(kid)) != 0)
        goto fail; // not UTF-8
    hdr = json_dumps(h, JSON_COMPACT);
    pl = json_dumps(claims, JSON_COMPACT);
    if (!hdr || !pl)
        goto fail;
    size_t hl = b64url_encoded_len(strlen(hdr)), pll = b64url_encoded_len(strlen(pl));
    size_t total = hl + 1 + pll + 1 + SIG_CHARS;
    if (strlen(hdr) > JWT_MAX_LEN || strlen(pl) > JWT_MAX_LEN || total > JWT_MAX_LEN)
        goto fail;
    tok = xmalloc(total + 1);
    size_t pos = 0;
    put_b64(tok, &pos, total + 1, hdr, strlen(hdr));
    tok[pos++] = '.';
    put_b64(tok, &pos, total + 1, pl, strlen(pl));
    if ((rc = hmac_sha256(key, keylen, tok, pos, md)) != VOX_OK)
        goto fail;
    tok[pos++] = '.';
    put_b64(tok, &pos, total + 1, md, sizeof md);
    *out = tok;
    tok = NULL;
    rc = VOX_OK;
fail:
    free(tok);
    free(hdr);
    free(pl);
    json_decref(h);
    return rc;
}

// Decodes one base64url segment holding a JSON object; NULL on any failure.
static json_t *load_segment(const char *seg, size_t n)
{
    uint8_t buf[JWT_MAX_LEN / 4 * 3 + 2];
    int m = b64url_decode(seg, n, buf, sizeof buf);
    if (m <= 0)
        return NULL;
    json_t *j = json_loadb((const char *)buf, (size_t)m, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(j)) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static bool str_is(const json_t *j, const char *want)
{
    return json_string_length(j) == strlen(want) && strcmp(json_string_value(j), want) == 0;
}

// Reads an optional string member; false if present with another type.
static bool opt_string(const json_t *obj, const char *name, size_t max, const char **out)
{
    const json_t *v = json_object_get(obj, name);
    *out = NULL;
    if (!v)
        return true;
    if (!json_is_string(v) || json_string_length(v) > max)
        return false;
    *out = json_string_value(v);
    return true;
}

// Reads an optional NumericDate; false if present and not a number in int64 range.
static bool opt_time(const json_t *obj, const char *name, int64_t *out, bool *has)
{
    const json_t *v = json_object_get(obj, name);
    *out = 0;
    *has = v != NULL;
    if (!v)
        return true;
    if (json_is_integer(v)) {
        *out = (int64_t)json_integer_value(v);
        return true;
    }
    // 2^63 is exact in a double; anything at or past it cannot be an int64.
    double d = json_is_real(v) ? json_real_value(v) : NAN;
    if (!isfinite(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0)
        return false;
    *out = (int64_t)d;
    return true;
}

static const char *check_header(const json_t *h, const char **kid)
{
    const json_t *alg = json_object_get(h, "alg"), *typ = json_object_get(h, "typ");
    if (!json_is_string(alg) || !str_is(alg, "HS256"))
        return "unsupported algorithm";
    if (typ && (!json_is_string(typ) || !str_is(typ, "JWT")))
        return "unsupported token type";
    // RFC 7515 section 4.1.11: we understand no extensions, so any "crit" is fatal.
    if (json_object_get(h, "crit"))
        return "unsupported header";
    if (!opt_string(h, "kid", KID_MAX, kid))
        return "malformed token";
    return NULL;
}

static const char *check_claims(struct jwt *t)
{
    const json_t *c = t->claims;
    if (!opt_string(c, "iss", KID_MAX, &t->iss) || !opt_string(c, "sub", JWT_MAX_LEN, &t->sub))
        return "malformed claims";
    if (!opt_time(c, "exp", &t->exp, &t->has_exp) || !opt_time(c, "nbf", &t->nbf, &t->has_nbf) ||
        !opt_time(c, "iat", &t->iat, &t->has_iat))
        return "malformed claims";
    return NULL;
}

// Token layout:  base64url(header) '.' base64url(payload) '.' base64url(sig)
static const char *parse(const char *token, size_t len, struct jwt *t)
{
    if (!token || len == 0)
        return "malformed token";
    if (len > JWT_MAX_LEN)
        return "token too long";
    const char *d1 = memchr(token, '.', len);
    const char *d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - token)) : NULL;
    if (!d2 || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - token)))
        return "malformed token";
    size_t hl = (size_t)(d1 - token), pl = (size_t)(d2 - d1 - 1),
           sl = len - (size_t)(d2 + 1 - token);
    if (!(t->header = load_segment(token, hl)))
        return "malformed token";
    const char *why = check_header(t->header, &t->kid);
    if (why)
        return why;
    if (sl != SIG_CHARS || b64url_decode(d2 + 1, sl, t->sig, sizeof t->sig) != JWT_SIG_LEN)
        return "malformed signature";
    if (!(t->claims = load_segment(d1 + 1, pl)))
        return "malformed claims";
    if ((why = check_claims(t)))
        return why;
    t->signing_len = hl + 1 + pl;
    t->signing_input = xstrndup(token, t->signing_len);
    return NULL;
}

int jwt_parse(const char *token, size_t len, struct jwt *out, const char **reason)
{
    memset(out, 0, sizeof *out);
    const char *why = parse(token, len, out);
    if (reason)
        *reason = why;
    if (!why)
        return VOX_OK;
    jwt_fini(out);
    return VOX_EUNAUTH;
}

static int64_t sat_add(int64_t a, int64_t b)
{
    int64_t r;
    return __builtin_add_overflow(a, b, &r) ? (b > 0 ? INT64_MAX : INT64_MIN) : r;
}

static const char *verify(const struct jwt *t, const uint8_t *key, size_t keylen, int64_t now,
                          int64_t leeway)
{
    uint8_t md[JWT_SIG_LEN];
    if (!t || !t->signing_input)
        return "malformed token";
    if (!key || hmac_sha256(key, keylen, t->signing_input, t->signing_len, md) != VOX_OK)
        return "bad signature";
    if (CRYPTO_memcmp(md, t->sig, sizeof md) != 0)
        return "bad signature";
    if (leeway < 0)
        leeway = 0;
    // RFC 7519 section 4.1.4: valid only while now is before exp.
    if (t->has_exp && t->exp <= sat_add(now, -leeway))
        return "token expired";
    if (t->has_nbf && t->nbf > sat_add(now, leeway))
        return "token not yet valid";
    return NULL;
}

int jwt_verify_hs256(const struct jwt *t, const uint8_t *key, size_t keylen, int64_t now_s,
                     int64_t leeway_s, const char **reason)
{
    const char *why = verify(t, key, keylen, now_s, leeway_s);
    if (reason)
        *reason = why;
    return why ? VOX_EUNAUTH : VOX_OK;
}

void jwt_fini(struct jwt *t)
{
    if (!t)
        return;
    json_decref(t->header);
    json_decref(t->claims);
    free(t->signing_input);
    memset(t, 0, sizeof *t);
}
