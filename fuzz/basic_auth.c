// SPDX-License-Identifier: MIT
// Fuzzes Basic credential parsing: an accepted input decodes (checked against b64_decode) to
// exactly "key_id:secret" with a non-empty key id, no ':' in it and no NUL anywhere, so
// the strings compared are the bytes that were sent; a refusal wipes the buffers. The first
// byte picks the buffer sizes, so the "does not fit" paths run too.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/b64.h"
#include "auth/basic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int all_zero(const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1024)
        return 0;
    static const size_t caps[4] = {1, 8, 40, 256};
    size_t key_cap = caps[data[0] & 3], secret_cap = caps[(data[0] >> 2) & 3];
    size_t len = size - 1;
    char *b64 = malloc(len ? len : 1);
    memcpy(b64, data + 1, len); // exactly len bytes, no terminator
    char *key = malloc(key_cap), *secret = malloc(secret_cap);
    memset(key, 'k', key_cap);
    memset(secret, 's', secret_cap);
    const char *reason = NULL;
    int rc = basic_parse(b64, len, key, key_cap, secret, secret_cap, &reason);
    uint8_t raw[BASIC_MAX_B64];
    int n = len <= BASIC_MAX_B64 ? b64_decode(b64, len, raw, sizeof raw) : -1;
    if (rc == 0) {
        size_t klen = strlen(key), slen = strlen(secret);
        if (n <= 0 || klen == 0 || klen >= key_cap || slen >= secret_cap ||
            (size_t)n != klen + 1 + slen || memchr(key, ':', klen) || memcmp(raw, key, klen) != 0 ||
            raw[klen] != ':' || memcmp(raw + klen + 1, secret, slen) != 0)
            abort();
    } else {
        if (rc >= 0 || !reason || !all_zero(key, key_cap) || !all_zero(secret, secret_cap))
            abort();
        // Refused yet well formed: only when a part did not fit the buffers.
        const uint8_t *colon = n > 0 ? memchr(raw, ':', (size_t)n) : NULL;
        if (colon && colon > raw && !memchr(raw, '\0', (size_t)n) &&
            (size_t)(colon - raw) < key_cap && (size_t)n - (size_t)(colon - raw) - 1 < secret_cap)
            abort();
    }
    free(secret);
    free(key);
    free(b64);
    return 0;
}
