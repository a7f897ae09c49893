// SPDX-License-Identifier: MIT
// Fuzzes the WebSocket message envelope: whatever a client sends, wire_parse either
// refuses it with a code and a reason, or yields a bounded type and id and an object of the
// remaining members (never type or id themselves).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signal/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 20000)
        return 0;
    struct wire_msg m;
    struct body_error e;
    if (wire_parse((const char *)data, size, &m, &e)) {
        if (!e.code[0] || !e.message[0] || m.fields)
            abort();
        if (strlen(m.id) > WIRE_ID_MAX)
            abort();
        return 0;
    }
    size_t tl = strlen(m.type), il = strlen(m.id);
    if (tl == 0 || tl > WIRE_TYPE_MAX || il > WIRE_ID_MAX)
        abort();
    if (il == 0 && strcmp(m.type, "ping") != 0)
        abort();
    if (!json_is_object(m.fields) || json_object_get(m.fields, "type") ||
        json_object_get(m.fields, "id"))
        abort();
    wire_fini(&m);
    return 0;
}
