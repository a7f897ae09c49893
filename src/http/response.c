// SPDX-License-Identifier: MIT
// Serializes answers; no I/O.
#include "http/response.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const struct {
    int status;
    const char *reason;
} reasons[] = {
    {100, "Continue"},
    {101, "Switching Protocols"},
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {204, "No Content"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {304, "Not Modified"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {408, "Request Timeout"},
    {409, "Conflict"},
    {410, "Gone"},
    {411, "Length Required"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {415, "Unsupported Media Type"},
    {417, "Expectation Failed"},
    {422, "Unprocessable Content"},
    {426, "Upgrade Required"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {503, "Service Unavailable"},
    {505, "HTTP Version Not Supported"},
};

const char *response_reason(int status)
{
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (reasons[i].status == status)
            return reasons[i].reason;
    return "Unknown";
}

void response_date(long long t, char out[30])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 30, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

void response_write(sbuf *out, const http_resp *r, const struct response_opts *o)
{
    // 1xx, 204 and 304 answers have no content and so no content headers (RFC 9110 8.6).
    int bodiless = r->status < 200 || r->status == 204 || r->status == 304;
    sbuf_printf(out, "HTTP/1.1 %d %s\r\n", r->status, response_reason(r->status));
    if (o->date)
        sbuf_printf(out, "Date: %s\r\n", o->date);
    if (!bodiless)
        sbuf_printf(out, "Content-Type: %s\r\nContent-Length: %zu\r\n",
                    r->content_type ? r->content_type : "application/json", r->body.len);
    if (r->allow[0])
        sbuf_printf(out, "Allow: %s\r\n", r->allow);
    if (r->location[0])
        sbuf_printf(out, "Location: %s\r\n", r->location);
    if (o->cors)
        sbuf_printf(out, "Access-Control-Allow-Origin: %s\r\nVary: Origin\r\n", o->cors);
    if (o->extra)
        sbuf_puts(out, o->extra);
    if (o->close)
        sbuf_puts(out, "Connection: close\r\n");
    else if (o->keep_alive)
        sbuf_puts(out, "Connection: keep-alive\r\n");
    sbuf_puts(out, "\r\n");
    if (!bodiless && !o->head && r->body.len)
        sbuf_append(out, r->body.data, r->body.len);
}

// Appends s as a JSON string body (the messages here are ours, but escape anyway).
static void json_str(sbuf *b, const char *s)
{
    sbuf_puts(b, "\"");
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            sbuf_printf(b, "\\%c", ch);
        else if (ch < 0x20)
            sbuf_printf(b, "\\u%04x", ch);
        else
            sbuf_append(b, s, 1);
    }
    sbuf_puts(b, "\"");
}

void response_write_error(sbuf *out, int status, const char *code, const char *message,
                          const struct response_opts *o)
{
    http_resp r = {.status = status, .content_type = "application/json"};
    sbuf_init(&r.body);
    sbuf_puts(&r.body, "{\"error\":{\"code\":");
    json_str(&r.body, code);
    sbuf_puts(&r.body, ",\"message\":");
    json_str(&r.body, message);
    sbuf_puts(&r.body, ",\"field\":null}}");
    response_write(out, &r, o);
    sbuf_fini(&r.body);
}
