// SPDX-License-Identifier: MIT
// Compact-serialised JSON Web Tokens signed with HMAC-SHA256 (RFC 7519, RFC 7515 section
// 7.1, RFC 7518 section 3.2). Only "HS256" is accepted: "none" and every other alg fail.
#ifndef VOX_AUTH_JWT_H
#define VOX_AUTH_JWT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

// Longest token jwt_parse() accepts and jwt_sign_hs256() produces, in bytes.
#define JWT_MAX_LEN 8192
// Bytes in an HS256 signature.
#define JWT_SIG_LEN 32

// A parsed, not yet verified token. Strings point into header/claims and live as long as
// the struct; absent claims are NULL or have their has_ flag false.
struct jwt {
    json_t *header;        // owned: the JOSE header object
    json_t *claims;        // owned: the payload object
    const char *kid;       // header "kid", or NULL
    const char *iss;       // "iss", or NULL
    const char *sub;       // "sub", or NULL
    int64_t exp, nbf, iat; // seconds since the epoch (fractions truncated)
    bool has_exp, has_nbf, has_iat;
    char *signing_input; // owned: "<header>.<payload>" exactly as received, NUL-terminated
    size_t signing_len;
    uint8_t sig[JWT_SIG_LEN];
};

// Signs the claims object with key as HS256 (header alg, typ "JWT", and kid if non-NULL)
// and stores a malloc'd NUL-terminated compact token in *out for the caller to free();
// returns VOX_EINVAL if claims is not an object, the key is empty or the token would
// exceed JWT_MAX_LEN, VOX_ENOMEM or VOX_EIO otherwise.
int jwt_sign_hs256(const json_t *claims, const char *kid, const uint8_t *key, size_t keylen,
                   char **out);

// Splits and decodes token[0..len) into out without checking the signature or times:
// header must be an object with alg "HS256", typ "JWT" if present, no "crit", kid a string
// if present; payload must be an object whose iss/sub are strings and exp/nbf/iat numbers
// when present. Returns 0, or VOX_EUNAUTH with *reason (if reason is non-NULL) set to a
// static string and out left needing no jwt_fini(); safe on arbitrary bytes.
int jwt_parse(const char *token, size_t len, struct jwt *out, const char **reason);

// Checks the signature of a parsed token against key in constant time, then that
// exp > now_s - leeway_s and nbf <= now_s + leeway_s where present; returns 0, or
// VOX_EUNAUTH with *reason set ("bad signature", "token expired", "token not yet valid").
int jwt_verify_hs256(const struct jwt *t, const uint8_t *key, size_t keylen, int64_t now_s,
                     int64_t leeway_s, const char **reason);

// Frees what jwt_parse() stored in t and zeroes it; safe on a zeroed struct.
void jwt_fini(struct jwt *t);

#endif
