// SPDX-License-Identifier: MIT
// Pure decoding of the request-target; no allocation (the caller gives the scratch space).
#include "http/target.h"

#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Decodes src[0..len) into out (NUL-terminated). keep_slash leaves "%2F" undecoded;
// plus_space turns '+' into ' '. Returns the end of out, or NULL on a NUL (raw or %00) or a
// bad escape.
static char *decode(const char *src, size_t len, char *out, int keep_slash, int plus_space)
{
    for (size_t i = 0; i < len; i++) {
        char ch = src[i];
        if (ch == '\0')
            return NULL; // raw, as %00 is: it would cut the decoded string short
        if (ch == '+' && plus_space) {
            *out++ = ' ';
            continue;
        }
        if (ch != '%') {
            *out++ = ch;
            continue;
        }
        if (len - i < 3)
            return NULL;
        int h = hexval(src[i + 1]), l = hexval(src[i + 2]);
        if (h < 0 || l < 0)
            return NULL;
        int v = h * 16 + l;
        if (v == 0)
            return NULL;
        if (v == '/' && keep_slash) {
            memcpy(out, src + i, 3); // as written ("%2f" too), as target.h promises
            out += 3;
        } else {
            *out++ = (char)v;
        }
        i += 2;
    }
    *out++ = '\0';
    return out;
}

// RFC 3986 section 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). Checked so that
// a "://" further on (in a path or a query) is not taken for the end of a scheme.
static int is_scheme(const char *s, const char *end)
{
    if (s == end || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
        return 0;
    for (; s < end; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '+' || *s == '-' || *s == '.'))
            return 0;
    return 1;
}

static int bad(const char **code, const char **message, const char *c, const char *m)
{
    *code = c;
    *message = m;
    return -1;
}

// Splits "k=v&k2=v2" into req->query, decoding each part into out.
static int parse_query(const char *q, size_t len, char *out, http_req *req, const char **code,
                       const char **message)
{
    const char *end = q + len;
    while (q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *stop = amp ? amp : end;
        if (stop > q) {
            if (req->nquery == HTTP_MAX_QUERY)
                return bad(code, message, "invalid_query", "more than 24 query parameters");
            const char *eq = memchr(q, '=', (size_t)(stop - q));
            const char *kend = eq ? eq : stop;
            struct http_kv *kv = &req->query[req->nquery++];
            kv->key = out;
            out = decode(q, (size_t)(kend - q), out, 0, 1);
            if (!out)
                break;
            kv->value = out;
            if (eq) {
                out = decode(eq + 1, (size_t)(stop - eq - 1), out, 0, 1);
                if (!out)
                    break;
            } else {
                *out++ = '\0';
            }
        }
        q = stop + (amp ? 1 : 0);
    }
    if (!out)
        return bad(code, message, "invalid_query", "the query has a %00 or a malformed %-escape");
    return 0;
}

int http_target_parse(const char *target, size_t len, char *scratch, http_req *req,
                      const char **code, const char **message)
{
    const char *t = target, *end = target + len;
    // absolute-form: skip "scheme://authority"
    const char *colon = memchr(t, ':', len);
    if (colon && is_scheme(t, colon) && end - colon >= 3 && colon[1] == '/' && colon[2] == '/') {
        t = colon + 3;
        while (t < end && *t != '/' && *t != '?')
            t++;
    }
    const char *hash = memchr(t, '#', (size_t)(end - t));
    if (hash)
        end = hash;
    const char *qm = memchr(t, '?', (size_t)(end - t));
    const char *pend = qm ? qm : end;
    req->path = scratch;
    req->nquery = 0;
    char *out;
    if (pend == t) {
        memcpy(scratch, "/", 2);
        out = scratch + 2;
    } else if (*t != '/') {
        // asterisk-form ("OPTIONS *") and anything else that is not a path: routing and
        // static files rely on a path that starts with '/'
        return bad(code, message, "invalid_path", "the request target must start with '/'");
    } else if (!(out = decode(t, (size_t)(pend - t), scratch, 1, 0))) {
        return bad(code, message, "invalid_path", "the path has a %00 or a malformed %-escape");
    }
    if (qm)
        return parse_query(qm + 1, (size_t)(end - qm - 1), out, req, code, message);
    return 0;
}
