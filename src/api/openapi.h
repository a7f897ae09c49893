// SPDX-License-Identifier: MIT
// The OpenAPI 3.0 document of the REST API (GET /v1/openapi.json). Paths, methods, credentials
// and request bodies come from the route tables that dispatch and validate; answers, query
// parameters and operation ids from openapi_ops.c and openapi_schemas.c.
#ifndef VOX_API_OPENAPI_H
#define VOX_API_OPENAPI_H

#include <jansson.h>
#include <stddef.h>

// Builds the document (a new reference); dev-mode routes are listed only when dev is set.
json_t *openapi_document(int dev);

// Checks that every route has an entry in the operation table and every entry names a route:
// 0, or -1 with the first mismatch described in err (cap bytes).
int openapi_check(char *err, size_t cap);

#endif
