// SPDX-License-Identifier: MIT
// The few REST calls vox-bench makes before its loop starts (an org, its rooms): one blocking
// HTTP/1.1 request per connection, bounded by a deadline, the answer read with http-parser.
#ifndef VOX_BENCH_REST_H
#define VOX_BENCH_REST_H

#include <jansson.h>
#include <netinet/in.h>
#include <stddef.h>

// Sends method path with body (NULL: none) and the Authorization header auth (NULL: none)
// to to, and reads the answer within timeout_ms. 0 with *status and *answer (the parsed JSON
// body or NULL when it is not JSON; the caller decrefs) set, or -1 with err filled.
int rest_call(const struct sockaddr_in *to, const char *method, const char *path, const char *auth,
              const json_t *body, int timeout_ms, int *status, json_t **answer, char *err,
              size_t errcap);

// "Basic base64(key:secret)" into out (at least 256 bytes); 0 or -1 when it does not fit.
int rest_basic_auth(const char *key, const char *secret, char *out, size_t cap);

#endif
