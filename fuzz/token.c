// SPDX-License-Identifier: MIT
// Fuzz target for untrusted bearer tokens: jwt_parse, then verification and access-token
// validation, checking that a token that validates mints back to the same contents; and
// both base64 decoders, checking that what decodes re-encodes to the same text. Random
// bytes rarely survive base64 and HMAC, so the input is also signed as raw JSON
// ("[header JSON \x01] claims JSON") to reach claim validation directly.
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/access_token.h"
#include "auth/b64.h"
#include "auth/jwt.h"
#include "core/err.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t key[] = "fuzz-key-0123456789abcdef";
#define NOW 1700000000

// Mints t again and checks the result parses to identical contents.
static void check_remint(const struct access_token *t, size_t insize)
{
    char *tok = NULL;
    if (access_token_mint(t, key, sizeof key - 1, &tok) != VOX_OK) {
        // Only a near-cap input can validate yet mint over the cap (grants and kid add bytes).
        if (insize < 6000)
            abort();
        return;
    }
    struct jwt j;
    struct access_token back;
    const char *why = NULL;
    if (jwt_parse(tok, strlen(tok), &j, NULL) != VOX_OK)
        abort();
    // Times may be anything here; only the signature must hold.
    if (jwt_verify_hs256(&j, key, sizeof key - 1, NOW, 0, &why) != VOX_OK &&
        strcmp(why, "bad signature") == 0)
        abort();
    if (access_token_from_jwt(&j, &back, NULL) != VOX_OK || memcmp(t, &back, sizeof back) != 0)
        abort();
    jwt_fini(&j);
    free(tok);
}

static void fuzz_token(const uint8_t *data, size_t size)
{
    struct jwt j;
    struct access_token t;
    const char *why = NULL;
    if (jwt_parse((const char *)data, size, &j, &why) != VOX_OK) {
        if (!why)
            abort();
        return;
    }
    jwt_verify_hs256(&j, key, sizeof key - 1, NOW, 30, &why);
    if (access_token_from_jwt(&j, &t, &why) == VOX_OK)
        check_remint(&t, size);
    jwt_fini(&j);
}

// Decodes with one alphabet and checks the canonical re-encoding equals the input.
static void fuzz_b64(const uint8_t *data, size_t size, int url)
{
    size_t cap = b64_decoded_max(size);
    uint8_t *out = malloc(cap);
    char *again = malloc(size + 1);
    if (!out || !again)
        abort();
    int n = url ? b64url_decode((const char *)data, size, out, cap)
                : b64_decode((const char *)data, size, out, cap);
    if (n >= 0) {
        int m = url ? b64url_encode(out, (size_t)n, again, size + 1)
                    : b64_encode(out, (size_t)n, again, size + 1);
        if (m < 0 || (size_t)m != size || memcmp(again, data, size) != 0)
            abort();
    }
    free(out);
    free(again);
}

// Appends base64url(s) to tok at *pos; false if it does not fit.
static bool put_b64(char *tok, size_t cap, size_t *pos, const void *s, size_t n)
{
    int w = b64url_encode(s, n, tok + *pos, cap - *pos);
    if (w < 0)
        return false;
    *pos += (size_t)w;
    return true;
}

// Treats the input as JSON text, signs it as a token with the fuzz key and parses that.
static void fuzz_signed_json(const uint8_t *data, size_t size)
{
    static const char dflt[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"APIfuzz\"}";
    const uint8_t *sep = memchr(data, 0x01, size);
    const void *hdr = sep ? (const void *)data : dflt;
    size_t hl = sep ? (size_t)(sep - data) : sizeof dflt - 1;
    const uint8_t *pl = sep ? sep + 1 : data;
    size_t pll = sep ? size - hl - 1 : size;
    char tok[JWT_MAX_LEN + 1];
    size_t pos = 0;
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!put_b64(tok, sizeof tok, &pos, hdr, hl) || pos + 1 >= sizeof tok)
        return;
    tok[pos++] = '.';
    if (!put_b64(tok, sizeof tok, &pos, pl, pll) || pos + 1 >= sizeof tok)
        return;
    if (!HMAC(EVP_sha256(), key, sizeof key - 1, (const uint8_t *)tok, pos, md, &mdlen))
        abort();
    tok[pos++] = '.';
    if (put_b64(tok, sizeof tok, &pos, md, mdlen))
        fuzz_token((const uint8_t *)tok, pos);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_token(data, size);
    fuzz_signed_json(data, size);
    fuzz_b64(data, size, 1);
    fuzz_b64(data, size, 0);
    return 0;
}
