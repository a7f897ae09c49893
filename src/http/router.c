// SPDX-License-Identifier: MIT
// Linear match over a small table: with ~60 routes a scan of pre-split patterns costs well
// under a microsecond, so no trie is needed.
#include "http/router.h"

#include <stdio.h>
#include <string.h>

static const char *const method_names[HTTP_METHOD_COUNT] = {"GET",    "POST", "PUT",    "PATCH",
                                                            "DELETE", "HEAD", "OPTIONS"};

const char *http_method_name(enum http_method m)
{
    return (unsigned)m < HTTP_METHOD_COUNT ? method_names[m] : "?";
}

const char *http_query(const http_req *req, const char *key)
{
    for (int i = 0; i < req->nquery; i++)
        if (strcmp(req->query[i].key, key) == 0)
            return req->query[i].value;
    return NULL;
}

// Matches path against pattern; captures are copied NUL-terminated into scratch.
static int match(const char *pat, const char *path, char *scratch, const char **params, int *np)
{
    int n = 0;
    while (*pat && *path) {
        if (*pat != '/' || *path != '/')
            return 0;
        pat++, path++;
        const char *pe = strchr(pat, '/');
        const char *se = strchr(path, '/');
        size_t pl = pe ? (size_t)(pe - pat) : strlen(pat);
        size_t sl = se ? (size_t)(se - path) : strlen(path);
        if (pl > 0 && pat[0] == '{') {
            if (sl == 0 || n == HTTP_MAX_PARAMS)
                return 0;
            memcpy(scratch, path, sl);
            scratch[sl] = '\0';
            params[n++] = scratch;
            scratch += sl + 1;
        } else if (pl != sl || memcmp(pat, path, pl) != 0) {
            return 0;
        }
        pat += pl;
        path += sl;
    }
    if (*pat || *path)
        return 0;
    *np = n;
    return 1;
}

enum router_result router_match(const void *table, size_t n, size_t stride, http_req *req,
                                const char *path, char *scratch, size_t *index, char *allow,
                                size_t allow_cap)
{
    int path_known = 0;
    size_t alen = 0;
    allow[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const struct route *r = (const struct route *)((const char *)table + i * stride);
        const char *params[HTTP_MAX_PARAMS];
        int np = 0;
        if (!match(r->pattern, path, scratch, params, &np))
            continue;
        if (r->method == req->method) {
            memcpy(req->params, params, sizeof params);
            req->nparams = np;
            req->route = r->pattern;
            *index = i;
            return ROUTER_FOUND;
        }
        path_known = 1;
        int w = snprintf(allow + alen, allow_cap - alen, "%s%s", alen ? ", " : "",
                         http_method_name(r->method));
        if (w > 0 && (size_t)w < allow_cap - alen)
            alen += (size_t)w;
        else
            allow[alen] = '\0'; // a name that does not fit is left out whole
    }
    return path_known ? ROUTER_BAD_METHOD : ROUTER_NOT_FOUND;
}
