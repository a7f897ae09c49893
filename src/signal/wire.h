// SPDX-License-Identifier: MIT
// The envelope of a client WebSocket message (docs/PROTOCOL.md): a JSON object with "type"
// and "id". Pure, so a fuzz target links it alone.
#ifndef VOX_API_WIRE_H
#define VOX_API_WIRE_H

#include <jansson.h>
#include <stddef.h>

#include "api/body.h"

#define WIRE_TYPE_MAX 31
#define WIRE_ID_MAX   64

struct wire_msg {
    char type[WIRE_TYPE_MAX + 1];
    char id[WIRE_ID_MAX + 1]; // "" when absent (allowed for ping only)
    json_t *fields;           // owned: the other members, an object
};

// Parses len bytes. 0 with *out filled (free with wire_fini), or VOX_EINVAL with *err set
// (code invalid_json, missing_field or invalid_value, and the field) and out->id holding the
// request id when one could be read, so the error can still name the request.
int wire_parse(const char *data, size_t len, struct wire_msg *out, struct body_error *err);
void wire_fini(struct wire_msg *m);

#endif
