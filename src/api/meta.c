// SPDX-License-Identifier: MIT
// Health, readiness, Prometheus metrics and the OpenAPI document (built in openapi.c from the
// same route and body tables that dispatch and validate).
#include "api/api_int.h"
#include "api/openapi.h"
#include "core/err.h"
#include "store/analytics.h"

static void healthz(struct api_call *c)
{
    api_json(c, 200, json_pack("{s:s}", "status", "ok"));
}

static void readyz(struct api_call *c)
{
    if (c->st->ops->ping(c->st)) {
        api_error(c, 503, "not_ready", NULL, "the store does not answer");
        return;
    }
    api_json(c, 200, json_pack("{s:s}", "status", "ready"));
}

static void metrics(struct api_call *c)
{
    sbuf *b = &c->resp->body;
    sbuf_reset(b);
    metrics_write(c->api->metrics, b);
    struct store_gauges g = {0};
    if (c->st->analytics->gauges(c->st, &g) == 0)
        sbuf_printf(
            b,
            "# HELP vox_rooms Rooms across all orgs.\n# TYPE vox_rooms gauge\n"
            "vox_rooms %lld\n"
            "# HELP vox_sessions Live (active or paused) sessions.\n"
            "# TYPE vox_sessions gauge\nvox_sessions %lld\n"
            "# HELP vox_participants Participants present in a session.\n"
            "# TYPE vox_participants gauge\nvox_participants %lld\n"
            "# HELP vox_store_memory_bytes The store's heap (SQLite page caches "
            "included), bounded by vox_store_memory_limit_bytes plus statements.\n"
            "# TYPE vox_store_memory_bytes gauge\nvox_store_memory_bytes %lld\n"
            "# TYPE vox_store_memory_limit_bytes gauge\nvox_store_memory_limit_bytes %lld\n",
            (long long)g.rooms, (long long)g.sessions_live, (long long)g.participants_present,
            (long long)g.memory_bytes, (long long)g.memory_limit_bytes);
    API_LIVE(c->api, metrics, b);
    c->resp->status = 200;
    c->resp->content_type = "text/plain; version=0.0.4";
}

static void openapi(struct api_call *c)
{
    api_json(c, 200, openapi_document(c->cfg->dev));
}

static const struct api_route routes[] = {
    {{HTTP_GET, "/healthz"}, healthz, AUTH_PUBLIC, "Liveness: the process answers", NULL, 0},
    {{HTTP_GET, "/readyz"}, readyz, AUTH_PUBLIC, "Readiness: the store answers", NULL, 0},
    {{HTTP_GET, "/metrics"}, metrics, AUTH_PUBLIC, "Prometheus metrics", NULL, 0},
    {{HTTP_GET, "/v1/openapi.json"}, openapi, AUTH_PUBLIC, "This document", NULL, 0},
};

API_MODULE(api_meta_module, routes);
