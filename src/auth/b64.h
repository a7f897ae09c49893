// SPDX-License-Identifier: MIT
// Base64 (RFC 4648 section 4, padded) and base64url without padding (section 5, as JWS
// uses it, RFC 7515 section 2). Strict: decoders reject any non-canonical input.
#ifndef VOX_AUTH_B64_H
#define VOX_AUTH_B64_H

#include <stddef.h>
#include <stdint.h>

// Largest input either encoder or decoder accepts, so every length fits in an int.
#define B64_MAX_INPUT (1 << 28)

// Number of characters (without the NUL) b64url_encode() produces for n bytes.
size_t b64url_encoded_len(size_t n);

// Number of characters (without the NUL) b64_encode() produces for n bytes.
size_t b64_encoded_len(size_t n);

// Upper bound of the bytes either decoder produces from len characters.
size_t b64_decoded_max(size_t len);

// Encodes in[0..len) as unpadded base64url into out, NUL-terminated; returns the length
// without the NUL, or VOX_EINVAL if outcap < b64url_encoded_len(len) + 1 or len is too big.
int b64url_encode(const uint8_t *in, size_t len, char *out, size_t outcap);

// Decodes len characters of unpadded base64url into out; returns the byte count, or
// VOX_EINVAL on a character outside [A-Za-z0-9_-], '=', len % 4 == 1, non-zero trailing
// bits, or a result longer than outcap.
int b64url_decode(const char *in, size_t len, uint8_t *out, size_t outcap);

// Encodes in[0..len) as padded standard base64 into out, NUL-terminated; returns the length
// without the NUL, or VOX_EINVAL if outcap < b64_encoded_len(len) + 1 or len is too big.
int b64_encode(const uint8_t *in, size_t len, char *out, size_t outcap);

// Decodes len characters of padded standard base64 (as in HTTP Basic auth) into out;
// returns the byte count, or VOX_EINVAL on bad characters, missing or misplaced padding,
// non-zero trailing bits, or a result longer than outcap.
int b64_decode(const char *in, size_t len, uint8_t *out, size_t outcap);

#endif
