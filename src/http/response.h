// SPDX-License-Identifier: MIT
// HTTP/1.1 answers on the wire (RFC 9112 section 4, RFC 9110 section 15): status line with
// its reason phrase, the headers voxd sends, then the body.
#ifndef VOX_HTTP_RESPONSE_H
#define VOX_HTTP_RESPONSE_H

#include "core/sbuf.h"
#include "http/http.h"

struct response_opts {
    int head;          // answer to HEAD: headers as for GET, no body
    int close;         // add "Connection: close"
    int keep_alive;    // add "Connection: keep-alive" (an HTTP/1.0 client asked to persist)
    const char *date;  // IMF-fixdate for the Date header, or NULL
    const char *cors;  // Access-Control-Allow-Origin value, or NULL
    const char *extra; // more header lines, each ending in CRLF, or NULL
};

// The reason phrase for status ("Unknown" for codes RFC 9110 does not name).
const char *response_reason(int status);
// Appends the whole answer to out.
void response_write(sbuf *out, const http_resp *r, const struct response_opts *o);
// Appends a JSON error answer {"error":{"code","message","field":null}} to out.
void response_write_error(sbuf *out, int status, const char *code, const char *message,
                          const struct response_opts *o);
// Formats t (seconds since the epoch) as an IMF-fixdate into out (30 bytes).
void response_date(long long t, char out[30]);

#endif
