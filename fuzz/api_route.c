// SPDX-License-Identifier: MIT
// Fuzzes request routing: the first byte picks the method, the rest is the path, matched
// against every real route table of the API (the same tables voxd dispatches with).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1024)
        return 0;
    char path[1024];
    memcpy(path, data + 1, size - 1);
    path[size - 1] = '\0';
    http_req req;
    memset(&req, 0, sizeof req);
    req.method = (enum http_method)(data[0] % HTTP_METHOD_COUNT);
    req.path = path;
    char scratch[1024 + HTTP_MAX_PARAMS];
    char allow[64];
    size_t nm;
    const struct api_module *const *mods = api_modules(&nm);
    for (size_t m = 0; m < nm; m++) {
        size_t idx = 0;
        enum router_result r =
            router_match(mods[m]->routes, mods[m]->count, sizeof(struct api_route), &req, path,
                         scratch, &idx, allow, sizeof allow);
        if (r == ROUTER_FOUND) {
            // Every capture must be a non-empty segment of the path without a slash.
            for (int i = 0; i < req.nparams; i++)
                if (!req.params[i][0] || strchr(req.params[i], '/') || !strstr(path, req.params[i]))
                    abort();
            if (idx >= mods[m]->count)
                abort();
        }
    }
    return 0;
}
