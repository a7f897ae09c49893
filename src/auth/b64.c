// SPDX-License-Identifier: MIT
// Base64 and base64url (RFC 4648 sections 4 and 5) on top of OpenSSL's EVP block coder.
// EVP speaks only the padded standard alphabet, so url input is validated and translated
// chunk by chunk through a stack buffer; nothing is allocated.
#include "auth/b64.h"

#include <string.h>

#include <openssl/evp.h>

#include "core/err.h"

// Characters per EVP call: a multiple of 4, decoding to a multiple of 3 bytes.
#define CHUNK_CHARS 256
#define CHUNK_BYTES (CHUNK_CHARS / 4 * 3)

size_t b64url_encoded_len(size_t n)
{
    return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
}

size_t b64_encoded_len(size_t n)
{
    return (n + 2) / 3 * 4;
}

size_t b64_decoded_max(size_t len)
{
    return len / 4 * 3 + 2;
}

// Value of one alphabet character, or -1 if it is not in the alphabet.
static int sextet(unsigned char c, int url)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == (url ? '-' : '+'))
        return 62;
    if (c == (url ? '_' : '/'))
        return 63;
    return -1;
}

static int encode(const uint8_t *in, size_t len, char *out, size_t outcap, int url)
{
    size_t need = url ? b64url_encoded_len(len) : b64_encoded_len(len);
    if (len > B64_MAX_INPUT || outcap < need + 1)
        return VOX_EINVAL;
    size_t o = 0;
    for (size_t i = 0; i < len; i += CHUNK_BYTES) {
        size_t n = len - i < CHUNK_BYTES ? len - i : CHUNK_BYTES;
        unsigned char tmp[CHUNK_CHARS + 1];
        int m = EVP_EncodeBlock(tmp, in + i, (int)n);
        for (int k = 0; k < m; k++) {
            unsigned char c = tmp[k];
            if (url && c == '=')
                break; // padding only ever ends the last chunk
            if (url)
                c = c == '+' ? '-' : c == '/' ? '_' : c;
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    return (int)o;
}

int b64url_encode(const uint8_t *in, size_t len, char *out, size_t outcap)
{
    return encode(in, len, out, outcap, 1);
}

int b64_encode(const uint8_t *in, size_t len, char *out, size_t outcap)
{
    return encode(in, len, out, outcap, 0);
}

// Checks n data characters (padding already stripped) and returns the decoded size, or -1.
// The last character of a partial group must leave its unused low bits zero, so every
// byte string has exactly one accepted encoding.
static long validate(const char *in, size_t n, int url)
{
    if (n % 4 == 1)
        return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        v = sextet((unsigned char)in[i], url);
        if (v < 0)
            return -1;
    }
    if ((n % 4 == 2 && (v & 0x0f)) || (n % 4 == 3 && (v & 0x03)))
        return -1;
    return (long)(n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1));
}

static int decode(const char *in, size_t len, uint8_t *out, size_t outcap, int url)
{
    if (len > B64_MAX_INPUT)
        return VOX_EINVAL;
    size_t n = len;
    if (!url) {
        if (len % 4 != 0)
            return VOX_EINVAL;
        while (n > 0 && len - n < 2 && in[n - 1] == '=')
            n--;
        if ((len - n == 1 && n % 4 != 3) || (len - n == 2 && n % 4 != 2))
            return VOX_EINVAL;
    }
    long total = validate(in, n, url);
    if (total < 0 || (size_t)total > outcap)
        return VOX_EINVAL;
    size_t o = 0;
    for (size_t i = 0; i < n; i += CHUNK_CHARS) {
        size_t m = n - i < CHUNK_CHARS ? n - i : CHUNK_CHARS;
        unsigned char chunk[CHUNK_CHARS], bytes[CHUNK_BYTES];
        for (size_t k = 0; k < m; k++) {
            unsigned char c = (unsigned char)in[i + k];
            chunk[k] = c == '-' ? '+' : c == '_' ? '/' : c;
        }
        size_t got = m / 4 * 3 + (m % 4 == 0 ? 0 : m % 4 - 1);
        while (m % 4 != 0)
            chunk[m++] = '=';
        if (EVP_DecodeBlock(bytes, chunk, (int)m) < 0)
            return VOX_EINVAL;
        memcpy(out + o, bytes, got);
        o += got;
    }
    return (int)o;
}

int b64url_decode(const char *in, size_t len, uint8_t *out, size_t outcap)
{
    return decode(in, len, out, outcap, 1);
}

int b64_decode(const char *in, size_t len, uint8_t *out, size_t outcap)
{
    return decode(in, len, out, outcap, 0);
}
