// SPDX-License-Identifier: MIT
// Basic credentials out of their base64 (RFC 7617 section 2): decode, refuse NULs, split at
// the first colon.
#include "auth/basic.h"

#include <stdint.h>
#include <string.h>

#include "auth/b64.h"
#include "core/err.h"

static int refuse(char *key_id, size_t key_cap, char *secret, size_t secret_cap,
                  const char **reason, const char *why)
{
    if (key_cap)
        explicit_bzero(key_id, key_cap);
    if (secret_cap)
        explicit_bzero(secret, secret_cap);
    *reason = why;
    return VOX_EINVAL;
}

int basic_parse(const char *b64, size_t len, char *key_id, size_t key_cap, char *secret,
                size_t secret_cap, const char **reason)
{
    static const char malformed[] = "malformed Basic credentials";
    uint8_t raw[BASIC_MAX_B64 / 4 * 3];
    int n = len <= BASIC_MAX_B64 ? b64_decode(b64, len, raw, sizeof raw) : VOX_EINVAL;
    if (n <= 0)
        return refuse(key_id, key_cap, secret, secret_cap, reason, malformed);
    // A NUL would end the strings the key id and secret are compared as: "id\0x:s" must not
    // pass for "id:s".
    int has_nul = memchr(raw, '\0', (size_t)n) != NULL;
    const uint8_t *colon = memchr(raw, ':', (size_t)n);
    size_t klen = colon ? (size_t)(colon - raw) : 0;
    size_t slen = colon ? (size_t)n - klen - 1 : 0;
    const char *why = has_nul               ? malformed
                      : !colon || klen == 0 ? "Basic credentials must be key_id:secret"
                      : klen >= key_cap || slen >= secret_cap ? malformed
                                                              : NULL;
    if (!why) {
        memcpy(key_id, raw, klen);
        key_id[klen] = '\0';
        memcpy(secret, colon + 1, slen);
        secret[slen] = '\0';
    }
    explicit_bzero(raw, sizeof raw);
    if (why)
        return refuse(key_id, key_cap, secret, secret_cap, reason, why);
    return 0;
}
