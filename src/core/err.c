// SPDX-License-Identifier: MIT
#include "core/err.h"

const char *vox_err_name(int err)
{
    switch (err) {
    case VOX_OK:
        return "ok";
    case VOX_EINVAL:
        return "invalid";
    case VOX_ENOTFOUND:
        return "not_found";
    case VOX_ECONFLICT:
        return "conflict";
    case VOX_EFORBIDDEN:
        return "forbidden";
    case VOX_EUNAUTH:
        return "unauthorized";
    case VOX_EFULL:
        return "room_full";
    case VOX_ENOMEM:
        return "out_of_memory";
    case VOX_EIO:
        return "internal";
    }
    return "unknown";
}
