// SPDX-License-Identifier: MIT
// The tables the OpenAPI document is built from besides the route tables: what each operation
// answers and which query parameters it reads (openapi_ops.c), and the answer schemas
// (openapi_schemas.c). Shared by openapi*.c only.
#ifndef VOX_API_OPENAPI_INT_H
#define VOX_API_OPENAPI_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

// What a member or parameter holds; each maps to one JSON schema (openapi_schemas_type()).
enum openapi_type {
    OPENAPI_STRING,
    OPENAPI_UUID,   // string, format uuid
    OPENAPI_TIME,   // string, format date-time (RFC 3339 UTC with milliseconds)
    OPENAPI_DATE,   // string, format date (YYYY-MM-DD)
    OPENAPI_EMAIL,  // string, format email
    OPENAPI_INT,    // integer, format int32
    OPENAPI_INT64,  // integer, format int64
    OPENAPI_NUMBER, // number, format double
    OPENAPI_BOOL,
    OPENAPI_OBJECT, // any JSON object (metadata and the like)
    OPENAPI_ANY,    // any JSON value
    OPENAPI_REF,    // the schema named by ref
    OPENAPI_REFS,   // an array of the schema named by ref
    OPENAPI_ENUMS,  // an array of strings from values
};

// Closed sets of strings, read from the domain's own name tables where it has them.
enum openapi_enum {
    OPENAPI_ENUM_NONE,
    OPENAPI_ENUM_ROOM_TYPE,
    OPENAPI_ENUM_MEDIA_MODE,
    OPENAPI_ENUM_SESSION_STATE,
    OPENAPI_ENUM_STAGE_STATE,
    OPENAPI_ENUM_PARTICIPANT_STATUS,
    OPENAPI_ENUM_STATUS_FILTER, // a participant status or "present"
    OPENAPI_ENUM_ROLE,
    OPENAPI_ENUM_GRANT_ROLE, // a role or "" (the room decides)
    OPENAPI_ENUM_PERMISSION,
    OPENAPI_ENUM_PARTICIPANT_KIND,
    OPENAPI_ENUM_SIGNAL_KIND,
    OPENAPI_ENUM_QUALITY, // a participant's network quality score
};

#define OPENAPI_NULLABLE 1u // the member may be null
#define OPENAPI_OPTIONAL 2u // the member is sometimes absent (not in "required")

struct openapi_prop {
    const char *name;
    enum openapi_type type;
    unsigned flags;
    const char *ref; // OPENAPI_REF / OPENAPI_REFS: a components/schemas name
    enum openapi_enum values;
    const char *description;
};

struct openapi_schema {
    const char *name;
    const char *description;
    const struct openapi_prop *base; // members shared with another schema, listed first
    size_t nbase;
    const struct openapi_prop *props;
    size_t nprops;
    unsigned flags; // OPENAPI_NULLABLE: every member holding one may be null
};

// One query parameter a handler reads (through api_page, api_query_*, or http_query).
struct openapi_query {
    const char *name;
    enum openapi_type
        type; // OPENAPI_INT, OPENAPI_INT64, OPENAPI_UUID, OPENAPI_TIME, OPENAPI_STRING
    int64_t min, max, dflt; // integers: the accepted range and the value when absent
    enum openapi_enum values;
    const char *pattern; // strings: the grammar the handler checks
    const char *description;
};

// Success statuses an operation answers, and error statuses beyond those openapi.c derives
// from the route (400 for input, 401 for credentials, 403 for participant tokens, 404 for ids,
// 409 for changes).
#define OPENAPI_200      (1u << 0)
#define OPENAPI_201      (1u << 1)
#define OPENAPI_204      (1u << 2)
#define OPENAPI_TEXT     (1u << 3) // the answer is text/plain, not JSON
#define OPENAPI_LOCATION (1u << 4) // 201 carries a Location header naming the new resource
#define OPENAPI_PAGED    (1u << 5) // reads limit and offset (api_page) before its own query
#define OPENAPI_E409     (1u << 6) // a read that can still conflict (a stage route on a room)
#define OPENAPI_E503     (1u << 7)

struct openapi_op {
    enum http_method method;
    const char *pattern;
    const char *id;     // operationId: the method name generated clients use
    const char *tag;    // groups operations in generated clients and docs
    const char *schema; // the success answer's components/schemas name; NULL: no body
    unsigned flags;
    const struct openapi_query *query;
    size_t nquery;
};

extern const struct openapi_query openapi_ops_page[2]; // limit, offset
extern const struct openapi_op openapi_ops[];
extern const size_t openapi_ops_count;

// The op for method + pattern, or NULL.
const struct openapi_op *openapi_ops_find(enum http_method method, const char *pattern);

// Adds every answer schema to schemas (a components/schemas object).
void openapi_schemas_add(json_t *schemas);
// The schema for one member or parameter type (ref and values as in struct openapi_prop).
json_t *openapi_schemas_type(enum openapi_type type, const char *ref, enum openapi_enum values);

#endif
