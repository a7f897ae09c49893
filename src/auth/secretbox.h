// SPDX-License-Identifier: MIT
// Secrets at rest: AES-256-GCM (NIST SP 800-38D) under a 32-byte master key, stored as
// base64(nonce[12] || ciphertext || tag[16]); plus random bytes, hex and SHA-256 helpers.
#ifndef VOX_AUTH_SECRETBOX_H
#define VOX_AUTH_SECRETBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SECRETBOX_KEY_LEN   32
#define SECRETBOX_NONCE_LEN 12
#define SECRETBOX_TAG_LEN   16
// Largest plaintext secretbox_seal() accepts.
#define SECRETBOX_MAX_PLAINTEXT (1 << 20)

// Encrypts pt[0..len) under key with a fresh random nonce and stores the malloc'd
// NUL-terminated base64 box in *out_b64 for the caller to free(); returns 0, VOX_EINVAL if
// len exceeds SECRETBOX_MAX_PLAINTEXT, VOX_ENOMEM or VOX_EIO.
int secretbox_seal(const uint8_t key[SECRETBOX_KEY_LEN], const uint8_t *pt, size_t len,
                   char **out_b64);

// Decrypts and authenticates the NUL-terminated box b64 into out[0..cap) and sets *outlen;
// returns 0, or VOX_EINVAL if the box is malformed, was tampered with, was sealed under
// another key, or its plaintext is longer than cap (out is then wiped).
int secretbox_open(const uint8_t key[SECRETBOX_KEY_LEN], const char *b64, uint8_t *out, size_t cap,
                   size_t *outlen);

// Fills buf[0..n) from the OpenSSL CSPRNG; returns 0 or VOX_EIO.
int secretbox_random(uint8_t *buf, size_t n);

// Writes in[0..n) as lower-case hex into out, which must hold 2 * n + 1 bytes.
void secretbox_hex(const uint8_t *in, size_t n, char *out);

// Writes the lower-case hex SHA-256 of the NUL-terminated s into out; returns 0,
// VOX_EINVAL if s is NULL, or VOX_EIO.
int secretbox_sha256_hex(const char *s, char out[65]);

// Compares two NUL-terminated secrets (such as an admin token) by SHA-256 digest in
// constant time, so neither content nor length leaks through timing; false on NULL.
bool secretbox_equal(const char *a, const char *b);

#endif
