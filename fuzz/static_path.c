// SPDX-License-Identifier: MIT
// Fuzzes the static file path check: an accepted path never climbs out of the web root or
// names a hidden file.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/static.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    if (size >= sizeof path)
        return 0;
    memcpy(path, data, size);
    path[size] = '\0';
    if (!static_path_ok(path))
        return 0;
    if (path[0] != '/' || strstr(path, "..") || strstr(path, "/.") || strstr(path, "//") ||
        strchr(path, '\\'))
        abort();
    return 0;
}
