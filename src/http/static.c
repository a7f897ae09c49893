// SPDX-License-Identifier: MIT
// Files are read on each request: they are few and small, and editing web/ needs no restart.
#include "http/static.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/err.h"

#define STATIC_MAX_FILE (4 << 20)

static const struct {
    const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".map", "application/json"},
};

static const char *type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return NULL;
}

int static_path_ok(const char *path)
{
    if (path[0] != '/' || strlen(path) > 200 || strstr(path, ".."))
        return 0; // no "..", anywhere: simpler to trust than a per-segment rule
    for (const char *p = path; *p; p++) {
        if (*p == '/' && (p[1] == '.' || p[1] == '/'))
            return 0; // "..", hidden files, empty segments
        if (!(*p == '/' || *p == '.' || *p == '_' || *p == '-' || (*p >= 'a' && *p <= 'z') ||
              (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            return 0;
    }
    return 1;
}

int static_serve(const char *root, const char *path, http_resp *resp)
{
    if (!root || !*root || !static_path_ok(path))
        return VOX_ENOTFOUND;
    char file[512];
    snprintf(file, sizeof file, "%s%s", root, strcmp(path, "/") == 0 ? "/index.html" : path);
    const char *type = type_of(file);
    struct stat sb;
    if (!type || stat(file, &sb) || !S_ISREG(sb.st_mode) || sb.st_size > STATIC_MAX_FILE)
        return VOX_ENOTFOUND;
    FILE *f = fopen(file, "rb");
    if (!f)
        return VOX_ENOTFOUND;
    char buf[8192];
    size_t n;
    sbuf_reset(&resp->body);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sbuf_append(&resp->body, buf, n);
    fclose(f);
    resp->status = 200;
    resp->content_type = type;
    return 0;
}
