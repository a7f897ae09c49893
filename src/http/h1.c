// SPDX-License-Identifier: MIT
// HTTP/1.1 request reading (RFC 9112 sections 2-7) over http-parser 2.9. The parser does the
// byte-level work (request line, header syntax, Content-Length digits, chunked decoding,
// CL+TE and duplicate-CL refusal); this file adds voxd's limits, the checks http-parser leaves
// to its user (Host, version, Expect, the transfer codings it tolerates) and one-request-at-a-
// time delivery: the parser is paused after each request, so pipelined bytes wait in the
// caller's buffer until the answer before them is ready.
#include "http/h1.h"

#include <http_parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"

enum { ST_READING, ST_HEADERS, ST_REQUEST, ST_ERROR };

static void fail(h1 *p, int status, const char *code, const char *message)
{
    if (p->err.status)
        return; // the first reason wins
    p->err = (struct h1_error){status, code, message};
}

static h1 *of(http_parser *hp)
{
    return hp->data;
}

// Empties b; memory a large request made it grow is given back, so a keep-alive connection
// that once carried a 64 KiB body does not hold on to it.
static void trim(sbuf *b)
{
    if (b->cap > 8192)
        sbuf_fini(b);
    else
        sbuf_reset(b);
}

static void reset_request(h1 *p)
{
    p->method[0] = '\0';
    p->minor = 1;
    p->keep_alive = p->upgrade = p->expect_continue = p->chunked = 0;
    trim(&p->target);
    trim(&p->hdrs);
    trim(&p->body);
    p->nfields = 0;
    p->in_value = p->in_trailers = 0;
    p->header_bytes = 0;
}

static int on_message_begin(http_parser *hp)
{
    reset_request(of(hp));
    return 0;
}

static int on_url(http_parser *hp, const char *at, size_t len)
{
    h1 *p = of(hp);
    if (p->target.len + len > H1_MAX_TARGET) {
        fail(p, 414, "uri_too_long", "the request target is longer than 16384 bytes");
        return -1;
    }
    sbuf_append(&p->target, at, len);
    return 0;
}

static int count_header_bytes(h1 *p, size_t len)
{
    p->header_bytes += len;
    if (p->header_bytes > H1_MAX_HEADERS) {
        fail(p, 431, "headers_too_large", "the header section is longer than 32768 bytes");
        return -1;
    }
    return 0;
}

// Ends the current field's name (and gives it an empty value if none came).
static void end_name(h1 *p)
{
    sbuf_append(&p->hdrs, "", 1);
    p->fields[p->nfields - 1].value = p->hdrs.len;
}

static void end_field(h1 *p)
{
    if (p->nfields == 0)
        return;
    if (!p->in_value)
        end_name(p);
    sbuf_append(&p->hdrs, "", 1);
}

// RFC 9110 section 5.6.2 tchar. http-parser (as Debian builds it) lets a space through
// before the colon, which RFC 9112 section 5.1 says a server must refuse: "Transfer-Encoding :"
// would otherwise be framing that an intermediary might read differently.
static int is_tchar(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static int on_header_field(http_parser *hp, const char *at, size_t len)
{
    h1 *p = of(hp);
    if (count_header_bytes(p, len))
        return -1;
    if (p->in_trailers)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!is_tchar((unsigned char)at[i])) {
            fail(p, 400, "bad_request", "a header name has whitespace or a character not allowed");
            return -1;
        }
    if (p->in_value || p->nfields == 0) {
        end_field(p);
        if (p->nfields == H1_MAX_FIELDS) {
            fail(p, 431, "headers_too_large", "more than 64 header lines");
            return -1;
        }
        p->fields[p->nfields++] = (struct h1_header){.name = p->hdrs.len};
        p->in_value = 0;
    }
    size_t start = p->hdrs.len;
    sbuf_append(&p->hdrs, at, len);
    for (size_t i = start; i < p->hdrs.len; i++)
        if (p->hdrs.data[i] >= 'A' && p->hdrs.data[i] <= 'Z')
            p->hdrs.data[i] = (char)(p->hdrs.data[i] + 32);
    return 0;
}

// http-parser joins an obs-fold line (RFC 9112 section 5.2) to the value before it; a
// continuation chunk is legitimate only where the previous one stopped, or at the start of
// the next feed when the previous one ran to the end of its feed. Anything else is a fold.
static int is_fold(const h1 *p, const char *at)
{
    return at != p->value_end && !(p->value_at_feed_end && at == p->feed_start);
}

// A fold after an empty value ("X:" CRLF SP "v") reaches us as the value's first chunk, as
// if it had been on the name's line; what comes before it tells: after the OWS, a ':' for
// "X: v", an LF for a fold (which may lie in an earlier feed: p->tail).
static int follows_fold(const h1 *p, const char *at)
{
    const char *c = at;
    while (c > p->feed_start && (c[-1] == ' ' || c[-1] == '\t'))
        c--;
    return (c > p->feed_start ? c[-1] : p->tail) == '\n';
}

static int on_header_value(http_parser *hp, const char *at, size_t len)
{
    h1 *p = of(hp);
    if (count_header_bytes(p, len))
        return -1;
    if (p->in_trailers)
        return 0;
    if (memchr(at, '\0', len)) {
        // http-parser checks each byte of a value but its first: a leading NUL got through,
        // and would end the value early for whoever reads it with h1_header()
        fail(p, 400, "bad_request", "a header value has a NUL byte");
        return -1;
    }
    if (!p->in_value) {
        if (len && follows_fold(p, at)) {
            fail(p, 400, "bad_request", "obsolete line folding is not accepted");
            return -1;
        }
        end_name(p);
        p->in_value = 1;
    } else if (is_fold(p, at)) {
        fail(p, 400, "bad_request", "obsolete line folding is not accepted");
        return -1;
    }
    sbuf_append(&p->hdrs, at, len);
    p->value_end = at + len;
    p->value_at_feed_end = p->value_end == p->feed_end;
    return 0;
}

const char *h1_header(const h1 *p, const char *name, int *count)
{
    const char *first = NULL;
    int n = 0;
    for (int i = 0; i < p->nfields; i++) {
        if (strcmp(p->hdrs.data + p->fields[i].name, name) != 0)
            continue;
        if (!first)
            first = p->hdrs.data + p->fields[i].value;
        n++;
    }
    if (count)
        *count = n;
    return first;
}

// Trims optional whitespace (RFC 9110 section 5.6.3) for a comparison.
static int value_is(const char *v, const char *want)
{
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(want);
    if (strncasecmp(v, want, n) != 0)
        return 0;
    for (v += n; *v; v++)
        if (*v != ' ' && *v != '\t')
            return 0;
    return 1;
}

// The checks http-parser leaves to its user, in the order a reader would make them.
static int check_headers(h1 *p, http_parser *hp)
{
    int n;
    if (hp->http_major != 1)
        return fail(p, 505, "http_version_not_supported", "only HTTP/1.0 and HTTP/1.1"), -1;
    const char *host = h1_header(p, "host", &n);
    // HTTP/1.2 and later minors are read as 1.1 (RFC 9110 section 2.5), so they need a Host
    // too: testing for minor 1 alone let "HTTP/1.2" through without one.
    if ((hp->http_minor >= 1 && !host) || n > 1)
        return fail(p, 400, "missing_host", "an HTTP/1.1 request needs exactly one Host"), -1;
    const char *te = h1_header(p, "transfer-encoding", &n);
    if (te && !(hp->flags & F_CHUNKED))
        return fail(p, 400, "invalid_transfer_encoding",
                    "the last transfer coding of a request must be chunked"),
               -1;
    if (te && (n > 1 || !value_is(te, "chunked")))
        return fail(p, 501, "unsupported_transfer_encoding",
                    "the only transfer coding accepted is chunked"),
               -1;
    const char *expect = h1_header(p, "expect", &n);
    if (expect && (n > 1 || !value_is(expect, "100-continue")))
        return fail(p, 417, "expectation_failed", "the only expectation met is 100-continue"), -1;
    if ((hp->flags & F_CONTENTLENGTH) && hp->content_length > p->max_body)
        return fail(p, 413, "body_too_large", "the request body is larger than 65536 bytes"), -1;
    return 0;
}

static int on_headers_complete(http_parser *hp)
{
    h1 *p = of(hp);
    end_field(p);
    p->in_value = 0;
    // http-parser reports a chunked body's trailer fields (RFC 9112 section 7.1.2) through
    // the same callbacks. Added to fields[] they would continue the last header (a trailer
    // "X: v" set the last header's value to "v", after every check on it); RFC 9110 section
    // 6.5.1 lets a recipient discard them, which is what voxd does. They still count toward
    // the header section's limit.
    p->in_trailers = 1;
    snprintf(p->method, sizeof p->method, "%s", http_method_str((enum http_method)hp->method));
    p->minor = hp->http_minor;
    if (check_headers(p, hp))
        return -1;
    p->keep_alive = http_should_keep_alive(hp);
    p->upgrade = hp->upgrade;
    p->chunked = (hp->flags & F_CHUNKED) != 0;
    p->expect_continue = h1_header(p, "expect", NULL) != NULL;
    // Without a Content-Length http-parser leaves content_length at ULLONG_MAX, so the flag is
    // tested too: a GET with the expectation but no body was sent a needless 100 Continue.
    int has_body = p->chunked || ((hp->flags & F_CONTENTLENGTH) && hp->content_length > 0);
    if (p->expect_continue && has_body && !p->upgrade) {
        p->state = ST_HEADERS;
        http_parser_pause(hp, 1);
    }
    return 0;
}

// Debian builds http-parser without HTTP_PARSER_STRICT, which then takes any two bytes for
// the CRLF after chunk data and any byte for the LF after a CR in chunk lines and at the end of
// a header section: "2\r\n{}XX0\r\n\r\n" was a whole body. So the bytes outside the body are
// checked here: CRLF after chunk data, LF after every CR (RFC 9112 section 7.1). A violation
// is the answer whatever else went wrong in the bytes read, so that it does not depend on
// where the feeds were cut.
static int crlf_ok(h1 *p, const char *from, const char *to)
{
    for (; from < to && p->crlf >= 0; from++) {
        if ((p->crlf == 2 && *from != '\r') || (p->crlf == 1 && *from != '\n')) {
            p->err =
                (struct h1_error){400, "bad_request", "a chunk or line does not end with CRLF"};
            p->crlf = -1;
            break;
        }
        p->crlf = p->crlf == 2 ? 1 : *from == '\r';
    }
    return p->crlf >= 0;
}

static int on_body(http_parser *hp, const char *at, size_t len)
{
    h1 *p = of(hp);
    if (!crlf_ok(p, p->scanned, at))
        return -1;
    p->scanned = at + len;
    if (p->body.len + len > p->max_body) {
        fail(p, 413, "body_too_large", "the request body is larger than 65536 bytes");
        return -1;
    }
    if (p->chunked && hp->content_length == 0)
        p->crlf = 2; // this chunk's data is all in: CRLF comes next
    sbuf_append(&p->body, at, len);
    return 0;
}

static int on_message_complete(http_parser *hp)
{
    h1 *p = of(hp);
    p->state = ST_REQUEST;
    http_parser_pause(hp, 1);
    return 0;
}

static const http_parser_settings settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

void h1_init(h1 *p, size_t max_body)
{
    memset(p, 0, sizeof *p);
    http_parser *hp = xcalloc(1, sizeof *hp);
    http_parser_init(hp, HTTP_REQUEST);
    hp->data = p;
    p->parser = hp;
    p->max_body = max_body;
    sbuf_init(&p->target);
    sbuf_init(&p->hdrs);
    sbuf_init(&p->body);
    reset_request(p);
}

void h1_fini(h1 *p)
{
    free(p->parser);
    p->parser = NULL;
    sbuf_fini(&p->target);
    sbuf_fini(&p->hdrs);
    sbuf_fini(&p->body);
}

// Turns a parser error into the answer for it. Callback errors were described by the
// callback already.
static void parser_failed(h1 *p, http_parser *hp)
{
    enum http_errno e = HTTP_PARSER_ERRNO(hp);
    switch (e) {
    case HPE_INVALID_CONTENT_LENGTH:
        if (hp->flags & F_CHUNKED) // http-parser's word for a chunk size past 2^64
            fail(p, 413, "body_too_large", "the request body is larger than 65536 bytes");
        else
            fail(p, 400, "invalid_content_length", "Content-Length must be digits only");
        break;
    case HPE_UNEXPECTED_CONTENT_LENGTH:
        if (hp->uses_transfer_encoding)
            fail(p, 400, "conflicting_length",
                 "Content-Length and Transfer-Encoding cannot be used together");
        else
            fail(p, 400, "invalid_content_length", "Content-Length may be given only once");
        break;
    case HPE_INVALID_TRANSFER_ENCODING:
        fail(p, 400, "invalid_transfer_encoding",
             "the last transfer coding of a request must be chunked");
        break;
    case HPE_HEADER_OVERFLOW:
        fail(p, 431, "headers_too_large", "the header section is too large");
        break;
    default:
        fail(p, 400, "bad_request", http_errno_description(e));
    }
    p->state = ST_ERROR;
}

enum h1_event h1_feed(h1 *p, const uint8_t *buf, size_t len, size_t *used)
{
    *used = 0;
    if (p->state == ST_ERROR)
        return H1_ERROR;
    if (p->state == ST_REQUEST)
        return H1_REQUEST;
    if (p->state == ST_HEADERS)
        return H1_HEADERS;
    if (len == 0)
        return H1_MORE; // a zero length tells http-parser the stream ended
    http_parser *hp = p->parser;
    p->feed_start = (const char *)buf;
    p->feed_end = (const char *)buf + len;
    // The last value chunk of an earlier feed says nothing about where this one's lie: the
    // caller may reuse its buffer (server.c does once all was taken), and a fold that began
    // where that chunk had ended passed for its continuation. value_at_feed_end carries what
    // matters across feeds.
    p->value_end = NULL;
    p->scanned = (const char *)buf;
    *used = http_parser_execute(hp, &settings, (const char *)buf, len);
    for (const uint8_t *c = buf + *used; c > buf; c--)
        if (c[-1] != ' ' && c[-1] != '\t') {
            p->tail = (char)c[-1];
            break;
        }
    enum http_errno e = HTTP_PARSER_ERRNO(hp);
    if (!crlf_ok(p, p->scanned, (const char *)buf + *used)) {
        p->state = ST_ERROR;
        return H1_ERROR;
    }
    if (e == HPE_PAUSED)
        return p->state == ST_HEADERS ? H1_HEADERS : H1_REQUEST;
    if (e != HPE_OK) {
        parser_failed(p, hp);
        return H1_ERROR;
    }
    return H1_MORE;
}

void h1_resume(h1 *p)
{
    if (p->state != ST_HEADERS)
        return;
    p->state = ST_READING;
    http_parser_pause(p->parser, 0);
}

void h1_next(h1 *p)
{
    if (p->state != ST_REQUEST)
        return;
    reset_request(p);
    p->state = ST_READING;
    http_parser_pause(p->parser, 0);
}
