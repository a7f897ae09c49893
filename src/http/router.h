// SPDX-License-Identifier: MIT
// Route table matching: "/v1/rooms/{id}" style patterns. Tables are arrays of any struct that
// begins with `struct route`, so the API layer can attach its own handler type and flags.
#ifndef VOX_HTTP_ROUTER_H
#define VOX_HTTP_ROUTER_H

#include "http/http.h"

struct route {
    enum http_method method;
    const char *pattern; // literal segments and {name} captures, e.g. "/v1/rooms/{id}"
};

enum router_result { ROUTER_FOUND, ROUTER_NOT_FOUND, ROUTER_BAD_METHOD };

// Finds the entry for req->method and path in the table (n entries, stride bytes apart). On
// ROUTER_FOUND sets *index and fills req->params/req->route (params point into scratch, which
// must hold strlen(path)+HTTP_MAX_PARAMS bytes and outlive the request). On
// ROUTER_BAD_METHOD writes the allowed methods ("GET, POST") into allow.
enum router_result router_match(const void *table, size_t n, size_t stride, http_req *req,
                                const char *path, char *scratch, size_t *index, char *allow,
                                size_t allow_cap);

#endif
