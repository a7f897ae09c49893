// SPDX-License-Identifier: MIT
// The REST API: shared context, the per-request call object handlers receive, and helpers
// for answers, errors, paging and the event log. Handlers live one resource per file and
// export a route table (see routes.c).
#ifndef VOX_API_API_H
#define VOX_API_API_H

#include <jansson.h>
#include <stdint.h>

#include "api/body.h"
#include "http/http.h"
#include "http/router.h"
#include "store/store.h"

struct api_config {
    const char *admin_token;     // bootstrap credential; NULL/"" disables admin routes
    uint8_t master_key[32];      // seals api key secrets at rest
    int presence_timeout_s;      // disconnected -> left after this long
    int stage_request_ttl_s;     // pending stage requests expire after this long
    int stage_moderator_limit;   // max moderators on one stage
    int default_empty_timeout_s; // persistent rooms: session grace after the last leave
    int token_max_ttl_s;         // longest access token POST /v1/tokens will mint
    int join_timeout_s;          // a WebSocket that has not joined by then is closed (4002)
    const char *web_dir;         // static files served at / (SDK, demo app); NULL = none
    int dev;                     // dev mode: POST /dev/token mints tokens without a key
};

typedef struct api api;

enum api_caller_kind { CALLER_NONE, CALLER_ADMIN, CALLER_KEY, CALLER_PARTICIPANT };

struct api_grants {
    int join, publish, subscribe, publish_data, admin, hidden, recorder;
    char role[16]; // "" = default for the room
};

struct api_caller {
    enum api_caller_kind kind;
    char org_id[37];
    char key_id[64];
    // CALLER_PARTICIPANT only: what the access token says.
    char identity[129];
    char name[129];
    char room_id[37];
    struct api_grants grants;
    int64_t expires_at; // the token's exp, seconds since the epoch
};

#define API_QUERY_IDS 4 // most id query parameters one route reads

struct api_call {
    api *api;
    store *st;
    const struct api_config *cfg;
    http_req *req;
    http_resp *resp;
    struct api_caller who;
    int64_t now_ms;
    // Canonical copies of the ids read from the path (one per capture) and the query, which
    // api_path_uuid(), api_path_key_id() and api_query_uuid() hand out.
    char ids[HTTP_MAX_PARAMS + API_QUERY_IDS][40];
    int nquery_ids;
};

typedef void (*api_handler)(struct api_call *c);

// Who may call a route.
enum api_auth {
    AUTH_PUBLIC,      // health, metrics, openapi
    AUTH_ADMIN,       // bootstrap admin token
    AUTH_KEY,         // an org's api key
    AUTH_KEY_OR_USER, // an api key, or a participant access token for its own room
};

struct api_route {
    struct route r; // must be first: the router walks tables by stride
    api_handler fn;
    enum api_auth auth;
    const char *summary;           // one line for the OpenAPI document
    const struct body_field *body; // the table the handler validates its body with, or NULL
    size_t nbody;
};

#define API_BODY(table) table, sizeof(table) / sizeof(table[0])

struct api_module {
    const struct api_route *routes;
    size_t count;
    // Optional timed work, run about once a second across all orgs (c->who is CALLER_NONE:
    // set c->who.org_id before api_event()).
    void (*tick)(struct api_call *c);
};

// ---- lifecycle (app/) ----
api *api_new(store *st, const struct api_config *cfg);
void api_free(api *a);

// What connected clients must hear of the API's work: the signaling hub (src/signal/)
// implements it and app wires it with api_set_live(), so api never includes the layer above
// it. Every message waits for the batch it depends on: mark/rewind drop what a refused
// request would have sent, deliver sends (committed) or fails (not) what waited.
struct event_rec;
struct api_live_ops {
    void (*note_event)(void *live, const struct event_rec *e);
    size_t (*mark)(void *live);
    void (*rewind)(void *live, size_t mark);
    void (*deliver)(void *live, int committed);
    // Sockets of org_id opened with a token key_id signed (all of the org's when NULL) stop
    // acting now and close after the commit; reason is a static string.
    void (*revoke)(void *live, const char *org_id, const char *key_id, const char *reason);
    void (*tick)(void *live, int64_t now_ms);
    void (*send_to_participant)(void *live, const char *participant_id, const char *msg);
    void (*send_to_room)(void *live, const char *room_id, const char *except_participant,
                         const char *msg);
    // Appends the live side's Prometheus metrics (the media plane's counters) to out.
    void (*metrics)(void *live, sbuf *out);
};
// ops (static storage) and live (borrowed, outlives a or is unset with NULL before it goes).
void api_set_live(api *a, const struct api_live_ops *ops, void *live);
// The http_dispatch_cb: routing, auth, metrics, then the handler.
void api_dispatch(void *api, http_req *req, http_resp *resp);
// Group commit glue for the HTTP server: api_defer() is the http_defer_cb (nonzero while
// answered writes are not yet committed), api_commit() the http_commit_cb; api_flush()
// commits pending writes (the app calls it once per loop iteration).
uint64_t api_defer(void *api);
int api_commit(void *api, uint64_t token);
void api_flush(api *a);
// Runs the route for m+path as an already authenticated caller, exactly as an HTTP request
// would run (validation, savepoint, events); only routes open to participant tokens
// (AUTH_KEY_OR_USER) are reachable for a participant caller. The WebSocket protocol runs its
// actions through this.
void api_invoke(api *a, const struct api_caller *who, enum http_method m, const char *path,
                const char *body, size_t len, http_resp *resp);
// Runs timed work (presence, grace periods, stage expiry); called by the app once a second.
void api_tick(api *a, int64_t now_ms);

// ---- answers ----
// Sends obj as the JSON body with status (takes the reference).
void api_json(struct api_call *c, int status, json_t *obj);
// Sends {"error":{"code","message","field"}}; field may be NULL.
void api_error(struct api_call *c, int status, const char *code, const char *field, const char *fmt,
               ...) __attribute__((format(printf, 5, 6)));
// Maps a store/domain error to an answer: VOX_ENOTFOUND -> 404 "not_found" ("<what> not found"),
// VOX_ECONFLICT -> 409 "conflict", VOX_EFULL -> 409 "room_full", VOX_EFORBIDDEN -> 403,
// VOX_EINVAL -> 400, else 500.
void api_fail(struct api_call *c, int err, const char *what);
void api_no_content(struct api_call *c);
// Empties the answer body, sets status and JSON content type, and returns the body for a
// jsonw writer (hot paths that skip building a jansson tree).
sbuf *api_body_writer(struct api_call *c, int status);

// Ends a transaction begun with c->st->ops->begin: commits when err is 0 (returning the commit's
// result), else rolls back and returns err.
int api_tx_end(struct api_call *c, int err);

// ---- input ----
// Validates the body against fields; on failure answers 400 and returns NULL.
json_t *api_body(struct api_call *c, const struct body_field *fields, size_t n);
// Path capture i, checked to be a UUID in either case and returned in its canonical lower-case
// form (valid for the call); else answers 400 invalid_uuid naming `field` and returns NULL.
const char *api_path_uuid(struct api_call *c, int i, const char *field);
// Path capture i, checked to be an api key id (AK + 20 characters, either case) and returned
// upper-case like every stored key id; else answers 400 invalid_uuid and returns NULL.
const char *api_path_key_id(struct api_call *c, int i, const char *field);
// limit (1..500, default 50) and offset (>= 0) from the query; on error answers 400, returns -1.
int api_page(struct api_call *c, int *limit, int *offset);
// Integer query parameter in min..max (dflt when absent); answers 400 out_of_range, returns -1.
int api_query_int(struct api_call *c, const char *key, int dflt, int min, int max, int *out);
// Time query parameter, RFC 3339 UTC or integer ms (dflt when absent); answers 400, returns -1.
int api_query_time(struct api_call *c, const char *key, int64_t dflt, int64_t *out);
// Query parameter that must be a UUID when present (either case; *out is its lower-case form,
// valid for the call, or NULL when absent); answers 400 invalid_uuid and returns -1 when not.
int api_query_uuid(struct api_call *c, const char *key, const char **out);

// ---- the event log ----
// Appends an event of the caller's org (takes the data reference; data may be NULL). Ids may
// be NULL. Errors are logged and counted, never sent to the client.
void api_event(struct api_call *c, const char *type, const char *room_id, const char *session_id,
               const char *participant_id, json_t *data);

// ---- shared conversions ----
// Adds "<name>": RFC 3339 string (or null when ms is 0) to obj.
void api_set_time(json_t *obj, const char *name, int64_t ms);
// Parses stored JSON text (NULL -> {}); never fails (bad text -> {}).
json_t *api_json_text(const char *text);

// ---- route tables, one per resource file ----
extern const struct api_module api_meta_module;
extern const struct api_module api_orgs_module;
extern const struct api_module api_tokens_module;
extern const struct api_module api_rooms_module;
extern const struct api_module api_categories_module;
extern const struct api_module api_sessions_module;
extern const struct api_module api_participants_module;
extern const struct api_module api_stage_module;
extern const struct api_module api_events_module;
extern const struct api_module api_analytics_module;
extern const struct api_module api_dev_module;
extern const struct api_module api_signals_module;
extern const struct api_module api_bans_module;

#define API_MODULE(name, table)                                                                    \
    const struct api_module name = {table, sizeof(table) / sizeof(table[0]), NULL}
#define API_MODULE_TICK(name, table, tick_fn)                                                      \
    const struct api_module name = {table, sizeof(table) / sizeof(table[0]), tick_fn}

#endif
