// SPDX-License-Identifier: MIT
// One connection's HTTP/1.1 request reader (RFC 9112) on Debian's http-parser: bytes in,
// whole requests out, one at a time, with the limits and framing rules voxd enforces.
// No I/O and no globals, so a fuzz target drives it alone (fuzz/http_h1.c).
#ifndef VOX_HTTP_H1_H
#define VOX_HTTP_H1_H

#include <stddef.h>
#include <stdint.h>

#include "core/sbuf.h"

#define H1_MAX_TARGET  16384 // request-target bytes (414 beyond)
#define H1_MAX_HEADERS 32768 // header section bytes, names and values (431 beyond)
#define H1_MAX_FIELDS  64    // header lines (431 beyond)

struct h1_header {
    size_t name, value; // offsets into h1.hdrs; both NUL-terminated, name lower-cased
};

// A refusal decided while reading: the status, a stable code and a message for the person
// at the other end. Every such refusal closes the connection after its answer.
struct h1_error {
    int status;
    const char *code;
    const char *message;
};

enum h1_event {
    H1_MORE,    // everything given was consumed; no whole request yet
    H1_HEADERS, // headers of a request with "Expect: 100-continue" are in; call h1_resume()
    H1_REQUEST, // a whole request is in (h1_* accessors); call h1_next() when done with it
    H1_ERROR,   // the bytes cannot be read as HTTP/1.1; h1.err says how to answer
};

typedef struct h1 {
    void *parser; // http_parser, kept opaque so http_parser.h stays inside h1.c
    size_t max_body;
    // The current request.
    char method[16];
    int minor;      // HTTP/1.<minor>
    int keep_alive; // the connection may carry another request after this one
    int upgrade;    // an Upgrade request (WebSocket): the rest of the bytes are not HTTP
    int expect_continue;
    int chunked;
    sbuf target; // raw request-target, NUL-terminated
    sbuf hdrs;   // header names and values, NUL-terminated each
    struct h1_header fields[H1_MAX_FIELDS];
    int nfields;
    int in_value;    // the parser is inside a header value (the next name starts a field)
    int in_trailers; // the header section is over: fields now are chunked trailers (skipped)
    size_t header_bytes;
    sbuf body; // decoded body (Content-Length or chunked)
    struct h1_error err;
    int state; // internal
    // crlf_ok: bytes of this feed before scanned are checked; crlf is what must come next
    // (2: CR LF, 1: LF, 0: anything; -1: something else came)
    const char *scanned;
    int crlf;
    // Where the current feed and the last header-value chunk lie, to tell a value split
    // across feeds from an obsolete line fold (refused).
    const char *feed_start, *feed_end, *value_end;
    int value_at_feed_end;
    char tail; // the last byte before this feed other than SP and HTAB
} h1;

// Sets p up for a new connection; max_body is the body limit (413 beyond).
void h1_init(h1 *p, size_t max_body);
void h1_fini(h1 *p);

// Reads from buf; *used says how many bytes were taken. Stops after each event other than
// H1_MORE, so requests come out one at a time and the rest of buf is left for later.
enum h1_event h1_feed(h1 *p, const uint8_t *buf, size_t len, size_t *used);
// After H1_HEADERS: read the body (the caller has answered 100 Continue).
void h1_resume(h1 *p);
// After H1_REQUEST: forget the request and read the next one.
void h1_next(h1 *p);

// The first value of header name (lower case), or NULL; *count (may be NULL) gets how many
// lines carried it.
const char *h1_header(const h1 *p, const char *name, int *count);

#endif
