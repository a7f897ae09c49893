// SPDX-License-Identifier: MIT

#include "core/uuid.h"

#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>

#include "core/mem.h"

void uuid_random_bytes(void *buf, size_t n)
{
    uint8_t *p = buf;
    while (n > 0) {
        ssize_t got = getrandom(p, n, 0);
        ASSERT(got > 0);
        p += got;
        n -= (size_t)got;
    }
}

void uuid_new(char out[UUID_STR_LEN])
{
    uint8_t b[16];
    uuid_random_bytes(b, sizeof b);
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); // version 4
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); // RFC 4122 variant
    snprintf(out, UUID_STR_LEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
             b[15]);
}

void uuid_new_v7(char out[UUID_STR_LEN], int64_t ms)
{
    uint8_t b[16];
    uuid_random_bytes(b + 6, 10);
    for (int i = 0; i < 6; i++)
        b[i] = (uint8_t)((uint64_t)ms >> (40 - 8 * i));
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x70); // version 7
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); // RFC 9562 variant
    snprintf(out, UUID_STR_LEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
             b[15]);
}
