// SPDX-License-Identifier: MIT
// Fuzzes request-target decoding: an accepted target gives a path that starts with '/',
// holds no decoded NUL and no slash decoded from %2F (which stays as written), and at most
// HTTP_MAX_QUERY query pairs, all inside the documented scratch size (ASan checks the size).
// Decoded lengths are checked against counts taken from the raw bytes, so a NUL that slipped
// through (truncating a string) or a lost or doubled byte shows.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/h1.h"
#include "http/target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t count(const char *s, const char *end, char ch)
{
    size_t n = 0;
    for (; s < end; s++)
        n += *s == ch;
    return n;
}

// Decoded path of an origin-form target: every '%' starts an escape (the target was
// accepted), three bytes become one except %2F, which stays three; '/' only from '/'.
static void check_path(const char *t, const char *pend, const char *path)
{
    size_t esc = 0, slash_esc = 0;
    for (const char *s = t; s < pend; s++)
        if (*s == '%') {
            esc++;
            slash_esc += s[1] == '2' && (s[2] == 'f' || s[2] == 'F');
        }
    size_t want = pend == t ? 1 : (size_t)(pend - t) - 2 * (esc - slash_esc);
    if (strlen(path) != want)
        abort();
    if (pend > t && count(path, path + want, '/') != count(t, pend, '/'))
        abort();
}

// Every pair's key and value decoded: the raw query minus the '&' separators, the first '='
// of each pair and two bytes per escape.
static void check_query(const char *q, const char *end, const http_req *req)
{
    size_t want = (size_t)(end - q) - count(q, end, '&') - 2 * count(q, end, '%');
    for (const char *s = q; s < end;) {
        const char *amp = memchr(s, '&', (size_t)(end - s));
        const char *stop = amp ? amp : end;
        want -= memchr(s, '=', (size_t)(stop - s)) != NULL;
        s = stop + (amp ? 1 : 0);
    }
    size_t got = 0;
    for (int i = 0; i < req->nquery; i++)
        got += strlen(req->query[i].key) + strlen(req->query[i].value);
    if (got != want)
        abort();
}

static void check_in(const char *s, const char *scratch, size_t cap)
{
    if (s < scratch || s >= scratch + cap || !memchr(s, '\0', (size_t)(scratch + cap - s)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > H1_MAX_TARGET)
        return 0;
    char *target = malloc(size ? size : 1);
    memcpy(target, data, size); // exactly size bytes and no terminator
    size_t cap = HTTP_TARGET_SCRATCH(size);
    char *scratch = malloc(cap); // exactly the documented size, so ASan sees any overflow
    http_req req;
    memset(&req, 0, sizeof req);
    const char *code = NULL, *message = NULL;
    if (http_target_parse(target, size, scratch, &req, &code, &message) != 0) {
        if (!code || !message || (strcmp(code, "invalid_path") && strcmp(code, "invalid_query")))
            abort();
        goto done;
    }
    check_in(req.path, scratch, cap);
    if (req.path[0] != '/' || req.nquery < 0 || req.nquery > HTTP_MAX_QUERY)
        abort();
    for (int i = 0; i < req.nquery; i++) {
        check_in(req.query[i].key, scratch, cap);
        check_in(req.query[i].value, scratch, cap);
    }
    if (size && target[0] == '/') { // origin-form: the path and query are where they look
        const char *end = target + size, *hash = memchr(target, '#', size);
        if (hash)
            end = hash;
        const char *qm = memchr(target, '?', (size_t)(end - target));
        check_path(target, qm ? qm : end, req.path);
        if (qm)
            check_query(qm + 1, end, &req);
        else if (req.nquery)
            abort();
    }
done:
    free(scratch);
    free(target);
    return 0;
}
