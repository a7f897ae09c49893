// SPDX-License-Identifier: MIT
// Fields are written as key=value text; the JSON format re-splits them so callers write
// one format string for both outputs.
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/sbuf.h"

static enum log_level min_level = LOG_INFO;
static enum log_format out_format = LOG_TEXT;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_setup(enum log_level min, enum log_format fmt)
{
    min_level = min;
    out_format = fmt;
}

int log_level_parse(const char *s, enum log_level *out)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, level_names[i]) == 0) {
            *out = (enum log_level)i;
            return 0;
        }
    return -1;
}

int log_enabled(enum log_level lvl)
{
    return lvl >= min_level;
}

static void json_escape(sbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            sbuf_printf(b, "\\%c", c);
        else if (c < 0x20)
            sbuf_printf(b, "\\u%04x", c);
        else
            sbuf_append(b, &s[i], 1);
    }
}

// Turns a=1 b=two c="three four" into ,"a":"1","b":"two","c":"three four".
static void json_fields(sbuf *b, const char *f)
{
    while (*f) {
        while (*f == ' ')
            f++;
        const char *eq = strchr(f, '=');
        if (!eq)
            break;
        const char *v = eq + 1, *end;
        size_t vlen;
        if (*v == '"') { // quoted value: up to the closing quote
            v++;
            end = strchr(v, '"');
            if (!end)
                end = v + strlen(v);
            vlen = (size_t)(end - v);
            if (*end)
                end++;
        } else {
            end = strchr(v, ' ');
            if (!end)
                end = v + strlen(v);
            vlen = (size_t)(end - v);
        }
        sbuf_puts(b, ",\"");
        json_escape(b, f, (size_t)(eq - f));
        sbuf_puts(b, "\":\"");
        json_escape(b, v, vlen);
        sbuf_puts(b, "\"");
        f = end;
    }
}

void log_write(enum log_level lvl, const char *msg, const char *fields, ...)
{
    if (lvl < min_level)
        return;
    char ts[32];
    clock_format_rfc3339(clock_now_ms(), ts);
    sbuf f, line;
    sbuf_init(&f);
    sbuf_init(&line);
    if (fields) {
        va_list ap;
        va_start(ap, fields);
        sbuf_vprintf(&f, fields, ap);
        va_end(ap);
    }
    if (out_format == LOG_JSON) {
        sbuf_printf(&line, "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"", ts, level_names[lvl]);
        json_escape(&line, msg, strlen(msg));
        sbuf_puts(&line, "\"");
        if (f.len)
            json_fields(&line, f.data);
        sbuf_puts(&line, "}\n");
    } else {
        sbuf_printf(&line, "%s %-5s %s%s%s\n", ts, level_names[lvl], msg, f.len ? " " : "",
                    f.len ? f.data : "");
    }
    fwrite(line.data, 1, line.len, stderr);
    sbuf_fini(&f);
    sbuf_fini(&line);
}
