// SPDX-License-Identifier: MIT
// Request-target decoding (RFC 9112 section 3.2, RFC 3986 section 2.1): path and query out
// of the raw target, %-escapes decoded, with the rules routing relies on.
#ifndef VOX_HTTP_TARGET_H
#define VOX_HTTP_TARGET_H

#include <stddef.h>

#include "http/http.h"

// Bytes of scratch http_target_parse() needs for a target of len bytes.
#define HTTP_TARGET_SCRATCH(len) (2 * (len) + 2 * HTTP_MAX_QUERY + 8)

// Fills req->path and req->query (pointing into scratch, of HTTP_TARGET_SCRATCH(len) bytes)
// from the raw target (origin-form, or absolute-form whose scheme and authority are
// skipped). The path is decoded except "%2F", which stays as written so an escaped slash is
// never a segment separator; the query's keys and values are decoded, '+' as a space.
// req->path always starts with '/'. Returns 0, or -1 with *code set to "invalid_path" or
// "invalid_query" and *message to the reason (a path that does not start with '/', as
// "*" does, a NUL raw or escaped, a malformed escape, too many parameters).
int http_target_parse(const char *target, size_t len, char *scratch, http_req *req,
                      const char **code, const char **message);

#endif
