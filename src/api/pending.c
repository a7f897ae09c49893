// SPDX-License-Identifier: MIT
// Route tables of resources whose handlers have not landed yet. Each resource file that lands
// removes its line here.
#include "api/api.h"

static void not_yet(struct api_call *c)
{
    api_error(c, 501, "not_implemented", NULL, "this resource is not available yet");
}

// Unused once every resource has landed; kept as the pattern for the next one.
static const struct api_route none[] __attribute__((unused)) = {
    {{HTTP_GET, "/v1/__pending"}, not_yet, AUTH_ADMIN, "placeholder", NULL, 0},
};
