// SPDX-License-Identifier: MIT
// Pure input validators for the REST and signaling layers: ids, emails, display names,
// slugs and UTF-8 (RFC 3629 well-formedness, RFC 9562 textual UUIDs).
#ifndef VOX_DOMAIN_VALIDATE_H
#define VOX_DOMAIN_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#define VALIDATE_EMAIL_MAX       254
#define VALIDATE_EMAIL_LOCAL_MAX 64
#define VALIDATE_EMAIL_LABEL_MAX 63
#define VALIDATE_UUID_LEN        36
#define VALIDATE_KEY_ID_LEN      22 // "AK" + 20 characters of VALIDATE_KEY_ID_ALPHABET

// The 32 characters an api key id is made of after its "AK" (no I, O, 0 or 1).
#define VALIDATE_KEY_ID_ALPHABET "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// True for a 36-character 8-4-4-4-12 hex UUID in either case; NULL is false.
bool validate_uuid(const char *s);

// Writes the canonical (lower-case) form of s to out when validate_uuid(s); false otherwise,
// with out set to "". Ids are stored lower-case, so every id read from a request goes through
// this before it is compared or looked up.
bool validate_uuid_canon(const char *s, char out[VALIDATE_UUID_LEN + 1]);

// True for an api key id: "AK" and 20 characters of VALIDATE_KEY_ID_ALPHABET, in either case.
bool validate_key_id(const char *s);

// Writes the canonical (upper-case) form of s to out when validate_key_id(s); false otherwise,
// with out set to "".
bool validate_key_id_canon(const char *s, char out[VALIDATE_KEY_ID_LEN + 1]);

// True for an address in this grammar, a conservative subset of RFC 5321's Mailbox (no quoted
// local parts, comments or address literals; ASCII only, so an internationalized domain is
// given as its A-label); docs/API.md states it for clients:
//   email  = local "@" domain         ; at most 254 bytes in all (RFC 5321 4.5.3.1.3)
//   local  = atom *("." atom)         ; 1..64 bytes (RFC 5321 4.5.3.1.1)
//   atom   = 1*atext                  ; RFC 5322 3.2.3 atext: letters, digits and
//                                     ;   ! # $ % & ' * + - / = ? ^ _ ` { | } ~
//   domain = label 1*("." label)      ; two labels or more, the last not all digits
//   label  = 1..63 letters, digits and hyphens, not starting or ending with a hyphen
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
