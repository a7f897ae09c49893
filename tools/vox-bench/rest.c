// SPDX-License-Identifier: MIT
// Blocking REST calls for the setup: a socket with send and receive timeouts, the request
// written whole with Connection: close, the answer read to EOF and parsed by http-parser.
#include "rest.h"

#include <errno.h>
#include <http_parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "auth/b64.h"
#include "core/clock.h"
#include "core/sbuf.h"

#define ANSWER_MAX (1 << 20)

struct answer {
    sbuf body;
    int done;
};

static int on_body(http_parser *p, const char *at, size_t len)
{
    struct answer *a = p->data;
    sbuf_append(&a->body, at, len);
    return 0;
}

static int on_complete(http_parser *p)
{
    struct answer *a = p->data;
    a->done = 1;
    return 0;
}

int rest_basic_auth(const char *key, const char *secret, char *out, size_t cap)
{
    char pair[256];
    int n = snprintf(pair, sizeof pair, "%s:%s", key, secret);
    if (n < 0 || (size_t)n >= sizeof pair || cap < 7)
        return -1;
    memcpy(out, "Basic ", 6);
    return b64_encode((const uint8_t *)pair, (size_t)n, out + 6, cap - 6) < 0 ? -1 : 0;
}

static int connect_to(const struct sockaddr_in *to, int timeout_ms)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv); // bounds connect() too
    if (connect(fd, (const struct sockaddr *)to, sizeof *to) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

// Reads to EOF (the server closes after answering Connection: close) within the deadline.
static int read_all(int fd, sbuf *in, uint64_t deadline_ns)
{
    char buf[16384];
    for (;;) {
        if (clock_mono_ns() > deadline_ns || in->len > ANSWER_MAX)
            return -1;
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1; // includes the receive timeout
        if (n == 0)
            return 0;
        sbuf_append(in, buf, (size_t)n);
    }
}

static int parse_answer(const sbuf *in, int *status, json_t **answer)
{
    http_parser_settings s;
    http_parser_settings_init(&s);
    s.on_body = on_body;
    s.on_message_complete = on_complete;
    struct answer a = {0};
    sbuf_init(&a.body);
    http_parser p;
    http_parser_init(&p, HTTP_RESPONSE);
    p.data = &a;
    http_parser_execute(&p, &s, in->data, in->len);
    http_parser_execute(&p, &s, NULL, 0); // EOF ends a body without a length
    int rc = a.done ? 0 : -1;
    *status = p.status_code;
    *answer = a.body.len ? json_loadb(a.body.data, a.body.len, 0, NULL) : NULL;
    sbuf_fini(&a.body);
    return rc;
}

int rest_call(const struct sockaddr_in *to, const char *method, const char *path, const char *auth,
              const json_t *body, int timeout_ms, int *status, json_t **answer, char *err,
              size_t errcap)
{
    uint64_t deadline = clock_mono_ns() + (uint64_t)timeout_ms * 1000000u;
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    sbuf req, in;
    sbuf_init(&req);
    sbuf_init(&in);
    sbuf_printf(&req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", method, path);
    if (auth)
        sbuf_printf(&req, "Authorization: %s\r\n", auth);
    if (text)
        sbuf_printf(&req, "Content-Type: application/json\r\nContent-Length: %zu\r\n",
                    strlen(text));
    sbuf_printf(&req, "\r\n%s", text ? text : "");
    free(text);
    *answer = NULL;
    int rc = -1, fd = connect_to(to, timeout_ms);
    if (fd < 0)
        snprintf(err, errcap, "%s %s: cannot connect: %s", method, path, strerror(errno));
    else if (send_all(fd, req.data, req.len) || read_all(fd, &in, deadline))
        snprintf(err, errcap, "%s %s: no whole answer within %d ms", method, path, timeout_ms);
    else if (parse_answer(&in, status, answer))
        snprintf(err, errcap, "%s %s: malformed HTTP answer", method, path);
    else
        rc = 0;
    if (fd >= 0)
        close(fd);
    sbuf_fini(&req);
    sbuf_fini(&in);
    return rc;
}
