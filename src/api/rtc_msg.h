// SPDX-License-Identifier: MIT
// The envelope of a client WebSocket message (docs/PROTOCOL.md): a JSON object with "type"
// and "id". Pure, so a fuzz target links it alone.
#ifndef VOX_API_RTC_MSG_H
#define VOX_API_RTC_MSG_H

#include <jansson.h>
#include <stddef.h>

#include "api/body.h"

#define RTC_MSG_TYPE_MAX 31
#define RTC_MSG_ID_MAX   64

struct rtc_msg {
    char type[RTC_MSG_TYPE_MAX + 1];
    char id[RTC_MSG_ID_MAX + 1]; // "" when absent (allowed for ping only)
    json_t *fields;              // owned: the other members, an object
};

// Parses len bytes. 0 with *out filled (free with rtc_msg_fini), or VOX_EINVAL with *err set
// (code invalid_json, missing_field or invalid_value, and the field) and out->id holding the
// request id when one could be read, so the error can still name the request.
int rtc_msg_parse(const char *data, size_t len, struct rtc_msg *out, struct body_error *err);
void rtc_msg_fini(struct rtc_msg *m);

#endif
