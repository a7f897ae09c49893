// SPDX-License-Identifier: MIT
// Project-wide error codes. Fallible functions return 0 or a negative code from here.
#ifndef VOX_CORE_ERR_H
#define VOX_CORE_ERR_H

enum vox_err {
    VOX_OK = 0,
    VOX_EINVAL = -1,     // bad input: maps to 400
    VOX_ENOTFOUND = -2,  // no such thing in the caller's org: 404
    VOX_ECONFLICT = -3,  // state does not allow it (invalid transition, duplicate): 409
    VOX_EFORBIDDEN = -4, // authenticated but not allowed: 403
    VOX_EUNAUTH = -5,    // missing, malformed, expired or wrongly signed credential: 401
    VOX_EFULL = -6,      // room full: 409 room_full
    VOX_ENOMEM = -7,
    VOX_EIO = -8, // store or system failure: 500
};

// Short stable name of an error code ("invalid", "not_found", ...).
const char *vox_err_name(int err);

#endif
