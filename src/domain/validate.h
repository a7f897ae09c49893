// SPDX-License-Identifier: MIT
// Pure input validators for the REST and signaling layers: ids, emails, display names,
// slugs and UTF-8 (RFC 3629 well-formedness, RFC 9562 textual UUIDs).
#ifndef VOX_DOMAIN_VALIDATE_H
#define VOX_DOMAIN_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#define VALIDATE_EMAIL_MAX       254
#define VALIDATE_EMAIL_LOCAL_MAX 64

// True for a 36-character 8-4-4-4-12 hex UUID in either case; NULL is false.
bool validate_uuid(const char *s);

// True for a pragmatic address: one '@', local part 1..64 bytes, a domain with a dot and no
// empty label, no spaces or control characters, valid UTF-8, at most 254 bytes.
bool validate_email(const char *s);

// True for well-formed UTF-8 of len bytes: no overlong forms, surrogates or code points
// above U+10FFFF (NUL bytes are well-formed).
bool validate_utf8(const char *s, size_t len);

// True for a display name of at most max bytes: valid UTF-8, something besides spaces, and
// no control characters (C0, DEL, C1, line separators, bidi overrides).
bool validate_name(const char *s, size_t max);

// True for a URL-safe slug of 1..max bytes: lower-case a-z, 0-9 and '-', not starting or
// ending with '-'.
bool validate_slug(const char *s, size_t max);

#endif
