// SPDX-License-Identifier: MIT
#include "core/jsonw.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"

void jsonw_init(jsonw *w, sbuf *b)
{
    w->b = b;
    w->depth = 0;
    w->first[0] = true;
    w->after_key = false;
}

// Writes the comma that separates this value from the previous one, unless it follows a key.
static void sep(jsonw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (!w->first[w->depth])
        sbuf_append(w->b, ",", 1);
    w->first[w->depth] = false;
}

static void open(jsonw *w, char c)
{
    sep(w);
    sbuf_append(w->b, &c, 1);
    ASSERT(w->depth + 1 < JSONW_MAX_DEPTH);
    w->first[++w->depth] = true;
}

static void close_(jsonw *w, char c)
{
    ASSERT(w->depth > 0);
    w->depth--;
    sbuf_append(w->b, &c, 1);
}

void jsonw_obj(jsonw *w)
{
    open(w, '{');
}

void jsonw_obj_end(jsonw *w)
{
    close_(w, '}');
}

void jsonw_arr(jsonw *w)
{
    open(w, '[');
}

void jsonw_arr_end(jsonw *w)
{
    close_(w, ']');
}

static void put_string(sbuf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    sbuf_append(b, "\"", 1);
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        sbuf_append(b, run, (size_t)(s - run));
        char esc[6] = {'\\', (char)c, 0, 0, 0, 0};
        size_t n = 2;
        if (c == '\n')
            esc[1] = 'n';
        else if (c == '\r')
            esc[1] = 'r';
        else if (c == '\t')
            esc[1] = 't';
        else if (c < 0x20) {
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        sbuf_append(b, esc, n);
        run = s + 1;
    }
    sbuf_append(b, run, (size_t)(s - run));
    sbuf_append(b, "\"", 1);
}

void jsonw_key(jsonw *w, const char *key)
{
    sep(w);
    put_string(w->b, key);
    sbuf_append(w->b, ":", 1);
    w->after_key = true;
}

void jsonw_str(jsonw *w, const char *s)
{
    if (!s) {
        jsonw_null(w);
        return;
    }
    sep(w);
    put_string(w->b, s);
}

void jsonw_int(jsonw *w, int64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
    sep(w);
    sbuf_append(w->b, buf, (size_t)n);
}

void jsonw_bool(jsonw *w, bool v)
{
    sep(w);
    sbuf_puts(w->b, v ? "true" : "false");
}

void jsonw_null(jsonw *w)
{
    sep(w);
    sbuf_append(w->b, "null", 4);
}

void jsonw_raw(jsonw *w, const char *json, const char *dflt)
{
    sep(w);
    sbuf_puts(w->b, json && *json ? json : dflt);
}

void jsonw_time(jsonw *w, int64_t ms)
{
    if (ms <= 0) {
        jsonw_null(w);
        return;
    }
    char ts[32];
    clock_format_rfc3339(ms, ts);
    sep(w);
    sbuf_append(w->b, "\"", 1);
    sbuf_puts(w->b, ts);
    sbuf_append(w->b, "\"", 1);
}

void jsonw_kstr(jsonw *w, const char *key, const char *s)
{
    jsonw_key(w, key);
    jsonw_str(w, s);
}

void jsonw_kint(jsonw *w, const char *key, int64_t v)
{
    jsonw_key(w, key);
    jsonw_int(w, v);
}

void jsonw_kbool(jsonw *w, const char *key, bool v)
{
    jsonw_key(w, key);
    jsonw_bool(w, v);
}

void jsonw_ktime(jsonw *w, const char *key, int64_t ms)
{
    jsonw_key(w, key);
    jsonw_time(w, ms);
}

void jsonw_kraw(jsonw *w, const char *key, const char *json, const char *dflt)
{
    jsonw_key(w, key);
    jsonw_raw(w, json, dflt);
}
