// SPDX-License-Identifier: MIT
// Route tables of resources whose handlers have not landed yet. Each resource file that lands
// removes its line here.
#include "api/api.h"

static void not_yet(struct api_call *c)
{
    api_error(c, 501, "not_implemented", NULL, "this resource is not available yet");
}

static const struct api_route none[] = {
    {{HTTP_GET, "/v1/__pending"}, not_yet, AUTH_ADMIN, "placeholder", NULL, 0},
};

API_MODULE(api_categories_module, none);
API_MODULE(api_sessions_module, none);
API_MODULE(api_participants_module, none);
API_MODULE(api_stage_module, none);
API_MODULE(api_analytics_module, none);
