// SPDX-License-Identifier: MIT
// Random (version 4) UUIDs for every row id.
#ifndef VOX_CORE_UUID_H
#define VOX_CORE_UUID_H

#include <stddef.h>
#include <stdint.h>

#define UUID_STR_LEN 37 // 36 characters and the NUL

// Writes a new lowercase v4 UUID string into out.
void uuid_new(char out[UUID_STR_LEN]);
// Writes a time-ordered (version 7, RFC 9562) UUID for ms since the epoch: ids created later
// sort later, so indexes on them grow at the end instead of splitting random pages.
void uuid_new_v7(char out[UUID_STR_LEN], int64_t ms);
// Fills buf with n random bytes from the kernel; aborts if the kernel cannot.
void uuid_random_bytes(void *buf, size_t n);

#endif
