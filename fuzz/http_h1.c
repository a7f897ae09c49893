// SPDX-License-Identifier: MIT
// Fuzzes the HTTP/1.1 request reader as src/http/server.c drives it: bytes go into one
// connection buffer, reused from its start once everything in it was taken, and are fed until
// an error or the end. The first input byte picks the body limit and seeds the feed sizes.
// Every event is checked against h1.h's contract, and the events (requests, headers, bodies,
// refusals) of one feed must be those of every split: byte by byte, feed sizes seeded by the
// first byte, and feed sizes seeded by a hash of the whole input.
//
// Refusals may differ in one way: http-parser reports a target or header chunk when it ends
// or when the feed does, so a check made on chunks (a limit, 414 or 431; a fold, 400) can
// run before or after one http-parser makes on a byte further on (a 400): a split feed may
// answer 414 or 431 where one feed answers 400, and a 400 may differ in its code.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"
#include "http/h1.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT (128u << 10)

static const size_t body_limits[4] = {0, 16, 1000, HTTP_MAX_BODY};

enum split { SPLIT_NONE, SPLIT_BYTES, SPLIT_SEEDED };

// The next feed's size. Seeded sizes are mostly tiny, sometimes large, and bytes sometimes
// arrive while a request is being answered (*early).
static size_t next_piece(enum split how, uint32_t *seed, size_t left, int *early)
{
    *early = 0;
    if (how == SPLIT_NONE)
        return left;
    if (how == SPLIT_BYTES)
        return 1;
    *seed = *seed * 1103515245u + 12345u;
    uint32_t r = *seed >> 16;
    *early = (r >> 14) & 1;
    size_t n = (r & 7) == 7 ? 1 + (r >> 3) % 512 : 1 + (r >> 3) % 8;
    return n < left ? n : left;
}

static void log_bytes(sbuf *log, const char *tag, const void *b, size_t n)
{
    sbuf_printf(log, "%s%zu:", tag, n);
    sbuf_append(log, b, n);
}

static void check_error(const h1 *p)
{
    static const int statuses[] = {400, 413, 414, 417, 431, 501, 505};
    int known = 0;
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        known |= p->err.status == statuses[i];
    if (!known || !p->err.code || !p->err.message || !p->err.code[0] || !p->err.message[0])
        abort();
}

// Checks a delivered request and appends it to log.
static void check_request(const h1 *p, sbuf *log)
{
    if (!memchr(p->method, '\0', sizeof p->method) || !p->method[0])
        abort();
    if (!p->target.data || p->target.len == 0 || strlen(p->target.data) != p->target.len ||
        p->target.len > H1_MAX_TARGET)
        abort();
    if (p->body.len > p->max_body || (p->body.len && p->body.data[p->body.len] != '\0'))
        abort();
    if (p->nfields < 0 || p->nfields > H1_MAX_FIELDS || p->header_bytes > H1_MAX_HEADERS)
        abort();
    sbuf_printf(log, "R %s 1.%d ka=%d up=%d ch=%d ex=%d ", p->method, p->minor, p->keep_alive,
                p->upgrade, p->chunked, p->expect_continue);
    log_bytes(log, "T", p->target.data, p->target.len);
    for (int i = 0; i < p->nfields; i++) {
        const struct h1_header *f = &p->fields[i];
        size_t end = i + 1 < p->nfields ? p->fields[i + 1].name : p->hdrs.len;
        if (f->name >= f->value || f->value >= end || end > p->hdrs.len)
            abort();
        const char *name = p->hdrs.data + f->name, *value = p->hdrs.data + f->value;
        // Each string runs exactly to its terminator: no NUL inside a name or a value, so
        // h1_header() sees what was sent, and no CR or LF (a fold or a split line).
        if (strlen(name) != f->value - f->name - 1 || strlen(value) != end - f->value - 1)
            abort();
        if (strpbrk(value, "\r\n"))
            abort();
        for (const char *c = name; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                abort();
        sbuf_printf(log, " H%s=", name);
        log_bytes(log, "", value, strlen(value));
    }
    log_bytes(log, " B", p->body.data ? p->body.data : "", p->body.len);
    sbuf_puts(log, "\n");
}

struct outcome {
    sbuf log;   // the requests, in order
    int status; // the refusal that ended the connection, or 0
    const char *code;
};

// Feeds in[0..size) through one h1, cut as how and seed say.
static void run(const uint8_t *in, size_t size, size_t max_body, enum split how, uint32_t seed,
                struct outcome *out)
{
    sbuf *log = &out->log;
    int early = 0;
    h1 p;
    h1_init(&p, max_body);
    uint8_t *buf = malloc(size ? size : 1); // the connection's input buffer, as in server.c
    size_t len = 0, off = 0, taken = 0;
    size_t steps = 0, max_steps = 4 * size + 64; // every step takes a byte or ends an event
    for (;;) {
        if (++steps > max_steps)
            abort();
        size_t used, avail = len - off;
        enum h1_event ev = h1_feed(&p, buf + off, avail, &used);
        if (used > avail)
            abort();
        off += used;
        if (ev == H1_ERROR) {
            check_error(&p);
            out->status = p.err.status;
            out->code = p.err.code;
            if (h1_feed(&p, buf + off, len - off, &used) != H1_ERROR || used != 0)
                abort(); // an error is final
            break;
        }
        if (ev == H1_MORE && used != avail)
            abort(); // H1_MORE means everything given was taken
        if (ev == H1_HEADERS) {
            if (!p.expect_continue)
                abort();
            sbuf_puts(log, "C\n");
            h1_resume(&p);
        } else if (ev == H1_REQUEST) {
            check_request(&p, log);
            if (p.upgrade)
                break; // the rest of the bytes are not HTTP
            h1_next(&p);
        }
        if (off == len)
            off = len = 0; // server.c's compact_input: the next read lands at the start
        // More bytes arrive when all were taken, and sometimes while a request is answered.
        if (taken < size && (ev == H1_MORE || early)) {
            size_t n = next_piece(how, &seed, size - taken, &early);
            memcpy(buf + len, in + taken, n);
            len += n;
            taken += n;
        } else if (ev == H1_MORE) {
            break; // input end
        }
    }
    free(buf);
    h1_fini(&p);
}

// Whether split gave what one feed gave.
static int same(const struct outcome *one, const struct outcome *split)
{
    if (one->log.len != split->log.len ||
        (one->log.len && memcmp(one->log.data, split->log.data, one->log.len) != 0))
        return 0;
    if (one->status != split->status)
        return one->status == 400 && (split->status == 414 || split->status == 431);
    return !one->status || one->status == 400 || strcmp(one->code, split->code) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > MAX_INPUT)
        return 0;
    size_t max_body = body_limits[data[0] & 3];
    uint32_t hash = 2166136261u; // FNV-1a
    for (size_t i = 0; i < size; i++)
        hash = (hash ^ data[i]) * 16777619u;
    const struct {
        enum split how;
        uint32_t seed;
    } runs[] = {
        {SPLIT_NONE, 0}, {SPLIT_BYTES, 0}, {SPLIT_SEEDED, data[0] >> 2}, {SPLIT_SEEDED, hash}};
    struct outcome out[4];
    for (size_t i = 0; i < 4; i++) {
        out[i] = (struct outcome){.status = 0};
        sbuf_init(&out[i].log);
        run(data + 1, size - 1, max_body, runs[i].how, runs[i].seed, &out[i]);
        if (i > 0 && !same(&out[0], &out[i]))
            abort(); // the events depend on where the feeds were cut
    }
    for (size_t i = 0; i < 4; i++)
        sbuf_fini(&out[i].log);
    return 0;
}
