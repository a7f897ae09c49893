// SPDX-License-Identifier: MIT
// One HTTP request and its response as the API layer sees them, free of wire details.
#ifndef VOX_HTTP_HTTP_H
#define VOX_HTTP_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/sbuf.h"

enum http_method {
    HTTP_GET,
    HTTP_POST,
    HTTP_PUT,
    HTTP_PATCH,
    HTTP_DELETE,
    HTTP_HEAD,
    HTTP_OPTIONS,
    HTTP_METHOD_COUNT
};

#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_QUERY  24
#define HTTP_MAX_BODY   (64 * 1024)

struct http_kv {
    const char *key;
    const char *value;
};

typedef struct http_req {
    enum http_method method;
    const char *path;                     // decoded path, no query
    struct http_kv query[HTTP_MAX_QUERY]; // decoded query pairs, in order
    int nquery;
    const char *params[HTTP_MAX_PARAMS]; // path captures from the route, in order
    int nparams;
    const char *authorization; // Authorization header or NULL
    const char *content_type;  // Content-Type header or NULL
    const char *body;          // NUL-terminated, NULL if none
    size_t body_len;
    const char *route; // matched route pattern (for metrics)
} http_req;

typedef struct http_resp {
    int status;
    const char *content_type; // static string; default application/json
    sbuf body;
    char allow[64]; // Allow header for 405 answers
    char location[160];
} http_resp;

const char *http_method_name(enum http_method m);
// Value of the first query parameter named key, or NULL.
const char *http_query(const http_req *req, const char *key);

#endif
