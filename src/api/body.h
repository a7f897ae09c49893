// SPDX-License-Identifier: MIT
// Request body validation: a JSON object checked member by member against a field table before
// any handler acts on it. Pure (no I/O, no globals) so a fuzz target links it alone.
#ifndef VOX_API_BODY_H
#define VOX_API_BODY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum body_type {
    BODY_STRING, // UTF-8 without control characters; length min..max bytes
    BODY_NAME,   // like STRING, but must not be blank
    BODY_INT,    // integer in min..max
    BODY_BOOL,
    BODY_UUID, // 8-4-4-4-12 hex in either case; body_parse() leaves it lower-case
    BODY_EMAIL,
    BODY_ENUM,   // one of enum_values
    BODY_OBJECT, // JSON object; serialized size at most max bytes (metadata and the like)
    BODY_ARRAY,  // JSON array of at most max items (items checked by the handler)
};

struct body_field {
    const char *name;
    enum body_type type;
    int required;
    int64_t min, max;               // INT range; STRING/NAME length; OBJECT bytes; ARRAY items
    const char *const *enum_values; // NULL-terminated, for BODY_ENUM
    int nullable;                   // JSON null accepted (means "clear")
};

struct body_error {
    char code[32];     // "invalid_json", "unknown_field", "missing_field", "invalid_type",
                       // "out_of_range", "too_long", "too_short", "invalid_uuid",
                       // "invalid_email", "invalid_value", "body_too_large"
    char field[64];    // the member at fault, "" when it is the whole body
    char message[192]; // one sentence a person can act on
};

#define BODY_MAX_DEPTH 16

// Parses len bytes as a JSON object and checks it against fields (n entries); BODY_UUID members
// come back in their lower-case canonical form (nested tables, body_check(), are not rewritten:
// they hold no ids). 0 with *out set
// (caller decrefs), or VOX_EINVAL with *err filled and *out NULL. An empty body is treated as
// "{}" when allow_empty is set.
int body_parse(const char *buf, size_t len, const struct body_field *fields, size_t n,
               int allow_empty, json_t **out, struct body_error *err);

// Checks a nested object (already parsed) against fields; error fields read "prefix.member".
int body_check(const json_t *obj, const struct body_field *fields, size_t n, const char *prefix,
               struct body_error *err);

// Typed getters for members that passed validation (absent members give the default).
const char *body_str(const json_t *obj, const char *name, const char *dflt);
int64_t body_int(const json_t *obj, const char *name, int64_t dflt);
int body_bool(const json_t *obj, const char *name, int dflt);
int body_has(const json_t *obj, const char *name);
int body_is_null(const json_t *obj, const char *name);

#endif
