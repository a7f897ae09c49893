// SPDX-License-Identifier: MIT
// AES-256-GCM boxes for secrets at rest (NIST SP 800-38D, 96-bit random nonces, 128-bit
// tags) and small digest helpers, all on OpenSSL libcrypto.
#include "auth/secretbox.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "auth/b64.h"
#include "core/err.h"
#include "core/mem.h"

#define OVERHEAD (SECRETBOX_NONCE_LEN + SECRETBOX_TAG_LEN)

// Runs GCM over in[0..len) into out; on decrypt, tag is checked, on encrypt it is written.
static int gcm(int enc, const uint8_t *key, const uint8_t *nonce, const uint8_t *in, size_t len,
               uint8_t *out, uint8_t *tag)
{
    int rc = enc ? VOX_EIO : VOX_EINVAL, n = 0;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx)
        return VOX_ENOMEM;
    if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce, enc) != 1)
        goto fail;
    if (len > 0 && EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1)
        goto fail;
    if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SECRETBOX_TAG_LEN, tag) != 1)
        goto fail;
    if (EVP_CipherFinal_ex(ctx, out ? out + n : NULL, &n) != 1)
        goto fail; // on decrypt: authentication failed
    if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SECRETBOX_TAG_LEN, tag) != 1)
        goto fail;
    rc = VOX_OK;
fail:
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}

int secretbox_seal(const uint8_t key[SECRETBOX_KEY_LEN], const uint8_t *pt, size_t len,
                   char **out_b64)
{
    int rc = VOX_EINVAL;
    uint8_t *box = NULL;
    char *txt = NULL;

    *out_b64 = NULL;
    if (len > SECRETBOX_MAX_PLAINTEXT || (len > 0 && !pt))
        return VOX_EINVAL;
    size_t boxlen = len + OVERHEAD, txtcap = b64_encoded_len(boxlen) + 1;
    box = xmalloc(boxlen);
    txt = xmalloc(txtcap);
    if ((rc = secretbox_random(box, SECRETBOX_NONCE_LEN)) != VOX_OK)
        goto fail;
    uint8_t *ct = box + SECRETBOX_NONCE_LEN;
    if ((rc = gcm(1, key, box, pt, len, ct, ct + len)) != VOX_OK)
        goto fail;
    if (b64_encode(box, boxlen, txt, txtcap) < 0) {
        rc = VOX_EIO;
        goto fail;
    }
    *out_b64 = txt;
    txt = NULL;
    rc = VOX_OK;
fail:
    free(txt);
    free(box);
    return rc;
}

int secretbox_open(const uint8_t key[SECRETBOX_KEY_LEN], const char *b64, uint8_t *out, size_t cap,
                   size_t *outlen)
{
    int rc = VOX_EINVAL;
    *outlen = 0;
    if (!b64)
        return VOX_EINVAL;
    size_t txtlen = strlen(b64), max = b64_decoded_max(txtlen);
    if (txtlen > b64_encoded_len(SECRETBOX_MAX_PLAINTEXT + OVERHEAD))
        return VOX_EINVAL;
    uint8_t *box = xmalloc(max);
    int n = b64_decode(b64, txtlen, box, max);
    if (n < OVERHEAD || (size_t)n - OVERHEAD > cap)
        goto fail;
    size_t len = (size_t)n - OVERHEAD;
    const uint8_t *ct = box + SECRETBOX_NONCE_LEN;
    rc = gcm(0, key, box, ct, len, out, (uint8_t *)ct + len);
    if (rc != VOX_OK) {
        OPENSSL_cleanse(out, len); // GCM released plaintext before the tag failed
        goto fail;
    }
    *outlen = len;
fail:
    OPENSSL_clear_free(box, max);
    return rc;
}

int secretbox_random(uint8_t *buf, size_t n)
{
    while (n > 0) {
        int chunk = n > INT_MAX ? INT_MAX : (int)n;
        if (RAND_bytes(buf, chunk) != 1)
            return VOX_EIO;
        buf += chunk;
        n -= (size_t)chunk;
    }
    return VOX_OK;
}

void secretbox_hex(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0x0f];
    }
    out[2 * n] = '\0';
}

static int sha256(const char *s, uint8_t md[32])
{
    unsigned int mdlen = 0;
    if (EVP_Digest(s, strlen(s), md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
        return VOX_EIO;
    return VOX_OK;
}

int secretbox_sha256_hex(const char *s, char out[65])
{
    uint8_t md[32];
    out[0] = '\0';
    if (!s || sha256(s, md) != VOX_OK)
        return s ? VOX_EIO : VOX_EINVAL;
    secretbox_hex(md, sizeof md, out);
    return VOX_OK;
}

bool secretbox_equal(const char *a, const char *b)
{
    uint8_t da[32], db[32];
    if (!a || !b || sha256(a, da) != VOX_OK || sha256(b, db) != VOX_OK)
        return false;
    return CRYPTO_memcmp(da, db, sizeof da) == 0;
}
