// SPDX-License-Identifier: MIT
// Unit tests for http/h1: pipelining, Content-Length and chunked framing, the limits (413,
// 414, 431), refusals (obs-fold, space before ':', Host, versions, codings, Expect) and the
// same outcome however the bytes are cut into feeds, with the buffer reused as server.c does.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"
#include "http/h1.h"
#include "http/http.h"

#define MAX_REQS 6

struct req_seen {
    char method[16];
    char target[64];
    char body[128];
    size_t body_len;
    int minor, keep_alive, chunked;
    char hdr[64]; // the value of the case's header, "(none)" if absent
};

struct outcome {
    int nreq;
    struct req_seen req[MAX_REQS];
    int continues; // H1_HEADERS events
    int status;    // the refusal, or 0
    const char *code;
};

// Feeds in[0..len) in pieces of piece bytes (0: all at once) through a buffer reused from
// its start once all of it was taken, as server.c's connection buffer is.
static void feed(const char *in, size_t len, size_t max_body, size_t piece, const char *hdr,
                 struct outcome *out)
{
    memset(out, 0, sizeof *out);
    h1 p;
    h1_init(&p, max_body);
    char *buf = malloc(len ? len : 1);
    size_t blen = 0, off = 0, taken = 0;
    for (int steps = 0;; steps++) {
        assert_true(steps < 4 * (int)len + 64);
        size_t used;
        enum h1_event ev = h1_feed(&p, (const uint8_t *)buf + off, blen - off, &used);
        assert_true(used <= blen - off);
        off += used;
        if (ev == H1_ERROR) {
            out->status = p.err.status;
            out->code = p.err.code;
            assert_non_null(p.err.message);
            assert_int_equal(h1_feed(&p, (const uint8_t *)buf, blen, &used), H1_ERROR);
            assert_int_equal(used, 0);
            break;
        }
        if (ev == H1_HEADERS) {
            out->continues++;
            h1_resume(&p);
        } else if (ev == H1_REQUEST) {
            assert_true(out->nreq < MAX_REQS);
            struct req_seen *r = &out->req[out->nreq++];
            snprintf(r->method, sizeof r->method, "%s", p.method);
            snprintf(r->target, sizeof r->target, "%s", p.target.data);
            assert_true(p.body.len < sizeof r->body);
            memcpy(r->body, p.body.data ? p.body.data : "", p.body.len);
            r->body_len = p.body.len;
            r->minor = p.minor;
            r->keep_alive = p.keep_alive;
            r->chunked = p.chunked;
            const char *v = hdr ? h1_header(&p, hdr, NULL) : NULL;
            snprintf(r->hdr, sizeof r->hdr, "%s", v ? v : "(none)");
            if (p.upgrade)
                break;
            h1_next(&p);
        } else if (off == blen && taken == len) {
            break;
        }
        if (off == blen)
            off = blen = 0;
        if (ev == H1_MORE) {
            size_t n = piece && piece < len - taken ? piece : len - taken;
            memcpy(buf + blen, in + taken, n);
            blen += n;
            taken += n;
        }
    }
    free(buf);
    h1_fini(&p);
}

static void assert_same(const struct outcome *a, const struct outcome *b)
{
    assert_int_equal(a->nreq, b->nreq);
    assert_int_equal(a->continues, b->continues);
    assert_int_equal(a->status, b->status);
    if (a->status)
        assert_string_equal(a->code, b->code);
    for (int i = 0; i < a->nreq; i++) {
        assert_string_equal(a->req[i].method, b->req[i].method);
        assert_string_equal(a->req[i].target, b->req[i].target);
        assert_int_equal(a->req[i].body_len, b->req[i].body_len);
        assert_memory_equal(a->req[i].body, b->req[i].body, a->req[i].body_len);
        assert_string_equal(a->req[i].hdr, b->req[i].hdr);
    }
}

// The outcome of one feed, checked to be that of byte-by-byte and 7-byte feeds too.
static void outcome_of(const char *in, size_t len, size_t max_body, const char *hdr,
                       struct outcome *out)
{
    struct outcome split;
    feed(in, len, max_body, 0, hdr, out);
    feed(in, len, max_body, 1, hdr, &split);
    assert_same(out, &split);
    feed(in, len, max_body, 7, hdr, &split);
    assert_same(out, &split);
}

#define CRLF              "\r\n"
#define POST(path, extra) "POST " path " HTTP/1.1" CRLF "Host: a" CRLF extra CRLF
#define CHUNKED           "Transfer-Encoding: chunked" CRLF

struct want_req {
    const char *method, *target, *body, *hdr;
};

struct bytes {
    const char *p;
    size_t n;
};
// The literal's bytes, NULs included.
// clang-format off
#define S(lit) {lit, sizeof(lit) - 1}
// clang-format on

struct h1_case {
    const char *name;
    struct bytes in;
    const char *hdr; // a header whose value each request must have (want_req.hdr)
    int status;      // 0: requests come out
    const char *code;
    struct want_req req[3];
};

static const struct h1_case cases[] = {
    {"simple GET",
     S("GET /v1/rooms?limit=5 HTTP/1.1" CRLF "Host: example.com" CRLF "Accept: */*" CRLF CRLF),
     "host",
     0,
     NULL,
     {{"GET", "/v1/rooms?limit=5", "", "example.com"}}},
    {"two pipelined POSTs with bodies",
     S(POST("/a", "Content-Length: 5" CRLF) "hello" POST("/b", "Content-Length: 6" CRLF) "world!"),
     NULL,
     0,
     NULL,
     {{"POST", "/a", "hello", NULL}, {"POST", "/b", "world!", NULL}}},
    {"pipelined POST then GET",
     S(POST("/a", "Content-Length: 2" CRLF) "{}GET /b HTTP/1.1" CRLF "Host: a" CRLF CRLF),
     NULL,
     0,
     NULL,
     {{"POST", "/a", "{}", NULL}, {"GET", "/b", "", NULL}}},
    {"Content-Length with surrounding whitespace",
     S(POST("/", "Content-Length:  3 " CRLF) "abc"),
     NULL,
     0,
     NULL,
     {{"POST", "/", "abc", NULL}}},
    {"duplicate differing Content-Length",
     S(POST("/", "Content-Length: 3" CRLF "Content-Length: 4" CRLF) "abcd"),
     NULL,
     400,
     "invalid_content_length",
     {{0}}},
    // RFC 9110 section 8.6 lets a recipient either reject equal duplicates or fold them into
    // one; voxd (http-parser) rejects them, and a list "4, 4" as well.
    {"duplicate equal Content-Length",
     S(POST("/", "Content-Length: 4" CRLF "Content-Length: 4" CRLF) "abcd"),
     NULL,
     400,
     "invalid_content_length",
     {{0}}},
    {"Content-Length list",
     S(POST("/", "Content-Length: 4, 4" CRLF) "abcd"),
     NULL,
     400,
     "invalid_content_length",
     {{0}}},
    {"Content-Length with a plus sign",
     S(POST("/", "Content-Length: +4" CRLF) "abcd"),
     NULL,
     400,
     "invalid_content_length",
     {{0}}},
    {"Content-Length with a minus sign",
     S(POST("/", "Content-Length: -4" CRLF) "abcd"),
     NULL,
     400,
     "invalid_content_length",
     {{0}}},
    {"Content-Length in hex",
     S(POST("/", "Content-Length: 0x4" CRLF) "abcd"),
     NULL,
     400,
     "invalid_content_length",
     {{0}}},
    {"Content-Length with inner space",
     S(POST("/", "Content-Length: 1 2" CRLF) "abcd"),
     NULL,
     400,
     "invalid_content_length",
     {{0}}},
    {"empty Content-Length",
     S(POST("/", "Content-Length:" CRLF) "abcd"),
     NULL,
     400,
     "invalid_content_length",
     {{0}}},
    {"Content-Length and Transfer-Encoding",
     S(POST("/", "Content-Length: 4" CRLF CHUNKED) "0" CRLF CRLF),
     NULL,
     400,
     "conflicting_length",
     {{0}}},
    {"Transfer-Encoding and Content-Length",
     S(POST("/", CHUNKED "Content-Length: 4" CRLF) "0" CRLF CRLF),
     NULL,
     400,
     "conflicting_length",
     {{0}}},
    {"chunked body with extensions and trailers",
     S(POST("/up", CHUNKED) "5;name=value;q=\"x y\"" CRLF "hello" CRLF "6" CRLF " world" CRLF
                            "0;last" CRLF "X-Trailer: t" CRLF "Host: evil" CRLF CRLF),
     "host",
     0,
     NULL,
     {{"POST", "/up", "hello world", "a"}}},
    // A trailer is dropped, never merged: "X: v" used to become the last header's value.
    {"trailers do not touch the headers",
     S(POST("/up", "Content-Type: text/plain" CRLF CHUNKED) "1" CRLF "x" CRLF "0" CRLF
                                                            "X-Evil: application/json" CRLF CRLF),
     "content-type",
     0,
     NULL,
     {{"POST", "/up", "x", "text/plain"}}},
    {"trailer names are not headers",
     S(POST("/up", CHUNKED) "0" CRLF "X-Trailer: t" CRLF CRLF "GET /next HTTP/1.1" CRLF
                            "Host: a" CRLF CRLF),
     "x-trailer",
     0,
     NULL,
     {{"POST", "/up", "", "(none)"}, {"GET", "/next", "", "(none)"}}},
    {"chunk size past 2^64",
     S(POST("/", CHUNKED) "fffffffffffffffff" CRLF),
     NULL,
     413,
     "body_too_large",
     {{0}}},
    {"malformed chunk size", S(POST("/", CHUNKED) "5x" CRLF), NULL, 400, "bad_request", {{0}}},
    {"Content-Length over the body limit",
     S(POST("/", "Content-Length: 65537" CRLF) "x"),
     NULL,
     413,
     "body_too_large",
     {{0}}},
    {"obs-fold",
     S("GET / HTTP/1.1" CRLF "Host: a" CRLF "X-Long: first" CRLF " second" CRLF CRLF),
     NULL,
     400,
     "bad_request",
     {{0}}},
    {"obs-fold with a tab",
     S("GET / HTTP/1.1" CRLF "X-Long: first" CRLF "\tsecond" CRLF "Host: a" CRLF CRLF),
     NULL,
     400,
     "bad_request",
     {{0}}},
    {"obs-fold after an empty value",
     S("GET / HTTP/1.1" CRLF "Host: a" CRLF "X-Long:" CRLF " second" CRLF CRLF),
     NULL,
     400,
     "bad_request",
     {{0}}},
    {"obs-fold into Transfer-Encoding",
     S(POST("/", "Transfer-Encoding:" CRLF " chunked" CRLF) "0" CRLF CRLF),
     NULL,
     400,
     "bad_request",
     {{0}}},
    {"obs-fold into Content-Length",
     S(POST("/", "Content-Length:" CRLF " 4" CRLF) "abcd"),
     NULL,
     400,
     "bad_request",
     {{0}}},
    {"whitespace-only line after an empty value is not a fold",
     S("GET / HTTP/1.1" CRLF "Host: a" CRLF "X-Empty:  " CRLF CRLF),
     "x-empty",
     0,
     NULL,
     {{"GET", "/", "", ""}}},
    {"whitespace before the colon",
     S("GET / HTTP/1.1" CRLF "Host: a" CRLF "Transfer-Encoding : chunked" CRLF CRLF),
     NULL,
     400,
     "bad_request",
     {{0}}},
    {"NUL leading a header value",
     S("GET / HTTP/1.1" CRLF "Host: a" CRLF "Authorization: \0Basic" CRLF CRLF),
     NULL,
     400,
     "bad_request",
     {{0}}},
    {"NUL inside a header value",
     S("GET / HTTP/1.1" CRLF "Host: a\0b" CRLF CRLF),
     NULL,
     400,
     "bad_request",
     {{0}}},
    {"HTTP/1.1 without Host",
     S("GET / HTTP/1.1" CRLF "Accept: */*" CRLF CRLF),
     NULL,
     400,
     "missing_host",
     {{0}}},
    {"two Hosts",
     S("GET / HTTP/1.1" CRLF "Host: a" CRLF "Host: b" CRLF CRLF),
     NULL,
     400,
     "missing_host",
     {{0}}},
    {"HTTP/1.0 without Host",
     S("GET /old HTTP/1.0" CRLF CRLF),
     "host",
     0,
     NULL,
     {{"GET", "/old", "", "(none)"}}},
    // A later 1.x minor is read as 1.1 (RFC 9110 section 2.5), Host included.
    {"HTTP/1.2 without Host", S("GET / HTTP/1.2" CRLF CRLF), NULL, 400, "missing_host", {{0}}},
    {"HTTP/1.2 with Host",
     S("GET /v HTTP/1.2" CRLF "Host: a" CRLF CRLF),
     "host",
     0,
     NULL,
     {{"GET", "/v", "", "a"}}},
    {"HTTP/2.0",
     S("GET / HTTP/2.0" CRLF "Host: a" CRLF CRLF),
     NULL,
     505,
     "http_version_not_supported",
     {{0}}},
    {"unknown method",
     S("BREW /pot HTTP/1.1" CRLF "Host: a" CRLF CRLF),
     NULL,
     400,
     "bad_request",
     {{0}}},
    {"gzip then chunked",
     S(POST("/", "Transfer-Encoding: gzip, chunked" CRLF) "0" CRLF CRLF),
     NULL,
     501,
     "unsupported_transfer_encoding",
     {{0}}},
    {"chunked then gzip",
     S(POST("/", "Transfer-Encoding: chunked, gzip" CRLF) "0" CRLF CRLF),
     NULL,
     400,
     "invalid_transfer_encoding",
     {{0}}},
    {"two Transfer-Encoding lines",
     S(POST("/", CHUNKED CHUNKED) "0" CRLF CRLF),
     NULL,
     501,
     "unsupported_transfer_encoding",
     {{0}}},
    {"unmet expectation",
     S(POST("/", "Expect: 200-ok" CRLF "Content-Length: 1" CRLF) "x"),
     NULL,
     417,
     "expectation_failed",
     {{0}}},
    {"bare LF line ends",
     S("GET /lf HTTP/1.1\nHost: a\n\nGET /lf2 HTTP/1.1\nHost: b\n\n"),
     "host",
     0,
     NULL,
     {{"GET", "/lf", "", "a"}, {"GET", "/lf2", "", "b"}}},
    {"request line garbage", S("GET / HTTP/1.1 x" CRLF CRLF), NULL, 400, "bad_request", {{0}}},
};

static int nwant(const struct h1_case *c)
{
    int n = 0;
    while (n < 3 && c->req[n].method)
        n++;
    return n;
}

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct h1_case *c = &cases[i];
        struct outcome o;
        outcome_of(c->in.p, c->in.n, HTTP_MAX_BODY, c->hdr, &o);
        if (o.status != c->status || o.nreq != nwant(c))
            fail_msg("%s: status %d (%s), %d requests; want %d, %d", c->name, o.status,
                     o.code ? o.code : "-", o.nreq, c->status, nwant(c));
        if (c->status)
            assert_string_equal(o.code, c->code);
        for (int r = 0; r < o.nreq; r++) {
            assert_string_equal(o.req[r].method, c->req[r].method);
            assert_string_equal(o.req[r].target, c->req[r].target);
            assert_int_equal(o.req[r].body_len, strlen(c->req[r].body));
            assert_memory_equal(o.req[r].body, c->req[r].body, o.req[r].body_len);
            if (c->req[r].hdr)
                assert_string_equal(o.req[r].hdr, c->req[r].hdr);
        }
    }
}

// One request of the given shape, malloc'd: the caller frees it.
static char *build(size_t *len, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *build(size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = malloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    *len = (size_t)n;
    return s;
}

static char *repeat(char ch, size_t n)
{
    char *s = malloc(n + 1);
    memset(s, ch, n);
    s[n] = '\0';
    return s;
}

static void expect(const char *in, size_t len, size_t max_body, int status, const char *code,
                   int nreq)
{
    struct outcome o;
    outcome_of(in, len, max_body, NULL, &o);
    assert_int_equal(o.status, status);
    if (status)
        assert_string_equal(o.code, code);
    assert_int_equal(o.nreq, nreq);
}

static void test_body_limit(void **state)
{
    (void)state;
    static const char at_limit[] = POST("/", "Content-Length: 16" CRLF) "0123456789abcdef";
    expect(at_limit, sizeof at_limit - 1, 16, 0, NULL, 1);
    static const char over[] = POST("/", "Content-Length: 17" CRLF) "0123456789abcdefg";
    expect(over, sizeof over - 1, 16, 413, "body_too_large", 0);
    // Chunks add up: 10 + 6 fit, 10 + 7 do not.
    static const char chunks_fit[] =
        POST("/", CHUNKED) "a" CRLF "0123456789" CRLF "6" CRLF "abcdef" CRLF "0" CRLF CRLF;
    expect(chunks_fit, sizeof chunks_fit - 1, 16, 0, NULL, 1);
    static const char chunks_over[] =
        POST("/", CHUNKED) "a" CRLF "0123456789" CRLF "7" CRLF "abcdefg" CRLF "0" CRLF CRLF;
    expect(chunks_over, sizeof chunks_over - 1, 16, 413, "body_too_large", 0);
    // A body limit of 0 refuses any body but not an empty one.
    static const char empty[] = POST("/", "Content-Length: 0" CRLF);
    expect(empty, sizeof empty - 1, 0, 0, NULL, 1);
}

static void test_target_limit(void **state)
{
    (void)state;
    char *path = repeat('a', H1_MAX_TARGET - 1);
    size_t len;
    char *in = build(&len, "GET /%s HTTP/1.1\r\nHost: a\r\n\r\n", path);
    expect(in, len, HTTP_MAX_BODY, 0, NULL, 1); // exactly H1_MAX_TARGET bytes
    free(in);
    in = build(&len, "GET /%sb HTTP/1.1\r\nHost: a\r\n\r\n", path);
    expect(in, len, HTTP_MAX_BODY, 414, "uri_too_long", 0);
    free(in);
    free(path);
}

static void test_header_limits(void **state)
{
    (void)state;
    // Names and values count, so "Host" + "a" + "X" + the value fill H1_MAX_HEADERS exactly.
    char *value = repeat('v', H1_MAX_HEADERS - 6);
    size_t len;
    char *in = build(&len, "GET / HTTP/1.1\r\nHost: a\r\nX: %s\r\n\r\n", value);
    expect(in, len, HTTP_MAX_BODY, 0, NULL, 1);
    free(in);
    in = build(&len, "GET / HTTP/1.1\r\nHost: a\r\nX: %sv\r\n\r\n", value);
    expect(in, len, HTTP_MAX_BODY, 431, "headers_too_large", 0);
    free(in);
    free(value);
    // H1_MAX_FIELDS lines are fine, one more is not.
    sbuf b;
    sbuf_init(&b);
    sbuf_puts(&b, "GET / HTTP/1.1\r\nHost: a\r\n");
    for (int i = 1; i < H1_MAX_FIELDS; i++)
        sbuf_printf(&b, "X-%d: v\r\n", i);
    size_t at_limit = b.len;
    sbuf_puts(&b, "\r\n");
    expect(b.data, b.len, HTTP_MAX_BODY, 0, NULL, 1);
    b.len = at_limit;
    sbuf_puts(&b, "X-Last: v\r\n\r\n");
    expect(b.data, b.len, HTTP_MAX_BODY, 431, "headers_too_large", 0);
    sbuf_fini(&b);
}

// A value that ran to the end of a feed may go on at the next feed's start; a fold may not,
// even when the caller reuses its buffer so the fold starts at the address where an earlier
// feed's value chunk ended (that passed for a continuation before).
static void test_fold_across_reused_buffer(void **state)
{
    (void)state;
    static const char *const fold[] = {"GET / HTTP/1.1\r\nHost: a\r\nX: a", "\r\n", " b\r\n\r\n"};
    static const char *const split[] = {"GET / HTTP/1.1\r\nHost: a\r\nX: a", " b", "\r\n\r\n"};
    const char *const *feeds[] = {fold, split};
    for (int k = 0; k < 2; k++) {
        h1 p;
        h1_init(&p, HTTP_MAX_BODY);
        char buf[64];
        enum h1_event ev = H1_MORE;
        for (int i = 0; i < 3 && ev == H1_MORE; i++) {
            size_t used, n = strlen(feeds[k][i]);
            memcpy(buf, feeds[k][i], n);
            ev = h1_feed(&p, (const uint8_t *)buf, n, &used);
        }
        if (k == 0) {
            assert_int_equal(ev, H1_ERROR);
            assert_int_equal(p.err.status, 400);
        } else {
            assert_int_equal(ev, H1_REQUEST);
            assert_string_equal(h1_header(&p, "x", NULL), "a b");
        }
        h1_fini(&p);
    }
}

// Expect: 100-continue stops after the headers until h1_resume(); h1_feed() keeps saying so.
static void test_expect_continue(void **state)
{
    (void)state;
    static const char in[] = POST("/", "Expect: 100-continue" CRLF "Content-Length: 3" CRLF) "abc";
    h1 p;
    h1_init(&p, HTTP_MAX_BODY);
    size_t used, off = 0;
    assert_int_equal(h1_feed(&p, (const uint8_t *)in, sizeof in - 1, &used), H1_HEADERS);
    off += used;
    assert_true(off <= sizeof in - 1 - 3); // the body is not taken yet
    assert_int_equal(h1_feed(&p, (const uint8_t *)in + off, sizeof in - 1 - off, &used),
                     H1_HEADERS);
    assert_int_equal(used, 0);
    h1_resume(&p);
    assert_int_equal(h1_feed(&p, (const uint8_t *)in + off, sizeof in - 1 - off, &used),
                     H1_REQUEST);
    assert_int_equal(off + used, sizeof in - 1);
    assert_int_equal(p.body.len, 3);
    assert_memory_equal(p.body.data, "abc", 3);
    h1_fini(&p);
    // Without a body there is nothing to wait for.
    static const char get[] = "GET / HTTP/1.1" CRLF "Host: a" CRLF "Expect: 100-continue" CRLF CRLF;
    struct outcome o;
    outcome_of(get, sizeof get - 1, HTTP_MAX_BODY, NULL, &o);
    assert_int_equal(o.continues, 0);
    assert_int_equal(o.nreq, 1);
    outcome_of(in, sizeof in - 1, HTTP_MAX_BODY, NULL, &o);
    assert_int_equal(o.continues, 1);
    assert_int_equal(o.nreq, 1);
}

// Pipelined requests come out one at a time; the rest waits in the caller's buffer.
static void test_one_at_a_time(void **state)
{
    (void)state;
    static const char in[] =
        POST("/a", "Content-Length: 5" CRLF) "hello" POST("/b", "Content-Length: 6" CRLF) "world!";
    h1 p;
    h1_init(&p, HTTP_MAX_BODY);
    size_t used, first;
    assert_int_equal(h1_feed(&p, (const uint8_t *)in, sizeof in - 1, &first), H1_REQUEST);
    assert_true(first < sizeof in - 1);
    assert_string_equal(p.target.data, "/a");
    assert_int_equal(h1_feed(&p, (const uint8_t *)in + first, sizeof in - 1 - first, &used),
                     H1_REQUEST);
    assert_int_equal(used, 0); // still the first until h1_next()
    h1_next(&p);
    assert_int_equal(h1_feed(&p, (const uint8_t *)in + first, sizeof in - 1 - first, &used),
                     H1_REQUEST);
    assert_int_equal(first + used, sizeof in - 1);
    assert_string_equal(p.target.data, "/b");
    assert_int_equal(p.body.len, 6);
    assert_string_equal(p.body.data, "world!");
    h1_next(&p);
    assert_int_equal(h1_feed(&p, (const uint8_t *)in, 0, &used), H1_MORE);
    h1_fini(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_body_limit),
        cmocka_unit_test(test_target_limit),
        cmocka_unit_test(test_header_limits),
        cmocka_unit_test(test_fold_across_reused_buffer),
        cmocka_unit_test(test_expect_continue),
        cmocka_unit_test(test_one_at_a_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
