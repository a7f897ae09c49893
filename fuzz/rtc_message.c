// SPDX-License-Identifier: MIT
// Fuzzes the WebSocket message envelope: whatever a client sends, rtc_msg_parse either
// refuses it with a code and a reason, or yields a bounded type and id and an object of the
// remaining members (never type or id themselves).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/rtc_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 20000)
        return 0;
    struct rtc_msg m;
    struct body_error e;
    if (rtc_msg_parse((const char *)data, size, &m, &e)) {
        if (!e.code[0] || !e.message[0] || m.fields)
            abort();
        if (strlen(m.id) > RTC_MSG_ID_MAX)
            abort();
        return 0;
    }
    size_t tl = strlen(m.type), il = strlen(m.id);
    if (tl == 0 || tl > RTC_MSG_TYPE_MAX || il > RTC_MSG_ID_MAX)
        abort();
    if (il == 0 && strcmp(m.type, "ping") != 0)
        abort();
    if (!json_is_object(m.fields) || json_object_get(m.fields, "type") ||
        json_object_get(m.fields, "id"))
        abort();
    rtc_msg_fini(&m);
    return 0;
}
