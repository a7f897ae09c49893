// SPDX-License-Identifier: MIT
// Connections on libuv TCP handles: reads go through http/h1.c one request at a time, answers
// are written in request order (a held answer holds back the requests behind it), closes
// are graceful (write, half-close, linger) so a refused client reads its answer.
#include "http/server.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/mem.h"
#include "http/response.h"
#include "http/server_int.h"
#include "http/target.h"
#include "http/tls.h"

#define IN_HIGH_WATER  (256u << 10) // stop reading while this much input waits
#define OUT_HIGH_WATER (1u << 20)   // or while this much output waits for the peer
#define LINGER_MS      2000
#define KEEP_BUF       (16u << 10)  // an idle buffer bigger than this is freed, not kept
#define TURN_REQUESTS  32           // pipelined requests run per connection per loop turn,
#define TURN_BYTES     (256u << 10) // or fewer if their answers come to this much
#define TURN_NS        5000000u     // or fewer if they took this long (big answers, slow builds)

int64_t server_now(struct http_server *s)
{
    return (int64_t)uv_now(s->loop);
}

static void on_closed(uv_handle_t *h)
{
    struct conn *c = (struct conn *)h;
    struct http_server *s = c->s;
    h1_fini(&c->h1);
    sbuf_fini(&c->in);
    sbuf_fini(&c->out);
    sbuf_fini(&c->wout);
    sbuf_fini(&c->pending.body);
    free(c->scratch);
    tls_conn_free(c->tls);
    free(c);
    s->open_handles--;
}

static void unhold(struct conn *c)
{
    struct http_server *s = c->s;
    if (!c->held)
        return;
    if (c->held_prev)
        c->held_prev->held_next = c->held_next;
    else
        s->held = c->held_next;
    if (c->held_next)
        c->held_next->held_prev = c->held_prev;
    c->held_next = c->held_prev = NULL;
    c->held = 0;
}

static void unready(struct conn *c)
{
    if (!c->ready)
        return;
    for (struct conn **p = &c->s->ready; *p; p = &(*p)->ready_next)
        if (*p == c) {
            *p = c->ready_next;
            break;
        }
    c->ready = 0;
}

static void conn_end(struct conn *c, int reset);

void conn_close(struct conn *c)
{
    conn_end(c, 0);
}

// Closes; reset sends a RST instead of a FIN, for a peer that stopped reading: a FIN would
// wait behind everything still queued to it, and so would the kernel's memory for it.
static void conn_end(struct conn *c, int reset)
{
    if (c->closing)
        return;
    c->closing = 1;
    struct http_server *s = c->s;
    unhold(c);
    unready(c);
    s->nconns--;
    if (c->prev)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    if (c->ws)
        ws_conn_closed(c);
    if (!reset || uv_tcp_close_reset(&c->tcp, on_closed))
        uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static void start_reading(struct conn *c);
static void process(struct conn *c);

static void on_shutdown(uv_shutdown_t *req, int status)
{
    struct conn *c = req->data;
    (void)status;
    if (c->closing)
        return;
    if (status < 0 || c->eof) {
        conn_close(c);
        return;
    }
    // Linger: read and drop what the peer still sends until it closes, so its unread data
    // does not make our kernel answer with a RST that would destroy our last answer.
    c->linger = 1;
    c->deadline_ms = server_now(c->s) + LINGER_MS;
    start_reading(c);
}

static void kick(struct conn *c);

// Empties b, and gives its memory back when a big answer or message made it grow: idle
// connections must cost little (RSS per WebSocket is a benchmark figure).
static void trim(sbuf *b)
{
    if (b->cap > KEEP_BUF)
        sbuf_fini(b);
    else
        sbuf_reset(b);
}

static void on_write(uv_write_t *req, int status)
{
    struct conn *c = req->data;
    c->writing = 0;
    trim(&c->wout);
    if (c->closing)
        return;
    if (status < 0) {
        conn_close(c);
        return;
    }
    kick(c);
    if (c->writing)
        return;
    if (c->state == CONN_WS)
        ws_after_write(c);
    if (c->state == CONN_DRAINING && !c->shut) {
        c->shut = 1;
        c->sreq.data = c;
        if (uv_shutdown(&c->sreq, (uv_stream_t *)&c->tcp, on_shutdown))
            conn_close(c);
        return;
    }
    if (!c->reading && c->state != CONN_DRAINING)
        process(c); // output drained: read again
}

// Starts a write of everything queued, unless one is in flight (then on_write calls again).
static void kick(struct conn *c)
{
    if (c->writing || c->closing || c->out.len == 0)
        return;
    sbuf t = c->wout;
    c->wout = c->out;
    c->out = t;
    uv_buf_t b = uv_buf_init(c->wout.data, (unsigned)c->wout.len);
    c->wreq.data = c;
    if (uv_write(&c->wreq, (uv_stream_t *)&c->tcp, &b, 1, on_write)) {
        conn_close(c);
        return;
    }
    c->writing = 1;
    c->write_ms = server_now(c->s);
}

void conn_send(struct conn *c, const void *data, size_t len)
{
    if (c->closing || c->shut)
        return;
    if (c->tls)
        tls_conn_write(c->tls, data, len, &c->out);
    else
        sbuf_append(&c->out, data, len);
    c->queued += len;
    kick(c);
}

void conn_drain(struct conn *c)
{
    c->state = CONN_DRAINING;
    unready(c);
    if (c->tls)
        tls_conn_shutdown(c->tls, &c->out);
    if (!c->writing && c->out.len == 0) {
        c->writing = 1; // reuse on_write's path to the half-close
        c->wreq.data = c;
        on_write(&c->wreq, 0);
        return;
    }
    kick(c);
}

// ---- answers ----

static void send_resp(struct conn *c, const http_resp *r, int head, int close)
{
    struct response_opts o = {
        .head = head, .close = close, .keep_alive = c->ka10, .date = c->s->date};
    o.cors = c->cors[0] ? c->cors : NULL;
    sbuf wire;
    sbuf_init(&wire);
    response_write(&wire, r, &o);
    conn_send(c, wire.data, wire.len);
    sbuf_fini(&wire);
    if (close)
        conn_drain(c);
}

static void send_error(struct conn *c, int status, const char *code, const char *message, int close,
                       const char *extra)
{
    struct response_opts o = {
        .close = close, .keep_alive = c->ka10, .date = c->s->date, .extra = extra};
    o.cors = c->cors[0] ? c->cors : NULL;
    sbuf wire;
    sbuf_init(&wire);
    response_write_error(&wire, status, code, message, &o);
    conn_send(c, wire.data, wire.len);
    sbuf_fini(&wire);
    if (close)
        conn_drain(c);
}

static void fail_response(http_resp *r)
{
    r->status = 500;
    r->content_type = "application/json";
    r->allow[0] = r->location[0] = '\0';
    sbuf_reset(&r->body);
    sbuf_puts(&r->body, "{\"error\":{\"code\":\"internal\",\"message\":\"the change could not "
                        "be stored\",\"field\":null}}");
}

static void on_idle(uv_idle_t *h);

static void mark_ready(struct conn *c)
{
    struct http_server *s = c->s;
    if (c->ready || c->closing)
        return;
    c->ready = 1;
    c->ready_next = s->ready;
    s->ready = c;
    uv_idle_start(&s->idle, on_idle);
}

void http_server_flush(http_server *s)
{
    while (s && s->held) {
        struct conn *c = s->held;
        unhold(c);
        if (s->cfg.commit && s->cfg.commit(s->cfg.user, c->pending_token))
            fail_response(&c->pending);
        c->busy = 0;
        send_resp(c, &c->pending, c->pending_head, c->pending_close);
        sbuf_reset(&c->pending.body);
        if (c->state == CONN_HTTP)
            mark_ready(c); // requests behind the held one may wait in c->in
    }
}

// ---- requests ----

static const struct {
    const char *name;
    enum http_method m;
} methods[] = {
    {"GET", HTTP_GET},       {"POST", HTTP_POST}, {"PUT", HTTP_PUT},         {"PATCH", HTTP_PATCH},
    {"DELETE", HTTP_DELETE}, {"HEAD", HTTP_HEAD}, {"OPTIONS", HTTP_OPTIONS},
};

static int method_of(const char *name, enum http_method *m)
{
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcmp(methods[i].name, name) == 0) {
            *m = methods[i].m;
            return 0;
        }
    return -1;
}

// Copies origin into c->cors when --cors-origin allows it.
static void cors_match(struct conn *c, const char *origin)
{
    const char *list = c->s->cfg.cors_origins;
    c->cors[0] = '\0';
    if (!list || !*list || !origin || strlen(origin) >= sizeof c->cors)
        return;
    size_t olen = strlen(origin);
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        while (n && *p == ' ')
            p++, n--;
        while (n && p[n - 1] == ' ')
            n--;
        if ((n == 1 && *p == '*') || (n == olen && strncasecmp(p, origin, n) == 0)) {
            memcpy(c->cors, origin, olen + 1);
            return;
        }
        p += n;
        while (*p == ' ' || *p == ',')
            p++;
    }
}

static void preflight(struct conn *c)
{
    http_resp r = {.status = 204};
    sbuf_init(&r.body);
    struct response_opts o = {.keep_alive = c->ka10, .date = c->s->date, .cors = c->cors};
    o.extra = "Access-Control-Allow-Methods: GET, HEAD, POST, PUT, PATCH, DELETE\r\n"
              "Access-Control-Allow-Headers: Authorization, Content-Type\r\n"
              "Access-Control-Max-Age: 600\r\n";
    sbuf wire;
    sbuf_init(&wire);
    response_write(&wire, &r, &o);
    conn_send(c, wire.data, wire.len);
    sbuf_fini(&wire);
}

// Runs one whole request: refuses what cannot be routed, upgrades WebSockets, dispatches the
// rest and writes or holds the answer.
static void handle(struct conn *c)
{
    h1 *p = &c->h1;
    struct http_server *s = c->s;
    http_req req;
    memset(&req, 0, sizeof req);
    // An HTTP/1.0 client keeps the connection only if the answer says so (RFC 9112 C.2.2).
    c->ka10 = p->minor == 0 && p->keep_alive && !p->upgrade;
    cors_match(c, h1_header(p, "origin", NULL));
    if (method_of(p->method, &req.method)) {
        send_error(c, 501, "method_not_implemented", "voxd does not implement this method", 1,
                   NULL);
        return;
    }
    size_t need = HTTP_TARGET_SCRATCH(p->target.len);
    if (need > c->scratch_cap) {
        c->scratch = xrealloc(c->scratch, need);
        c->scratch_cap = need;
    }
    const char *code, *message;
    if (http_target_parse(p->target.data, p->target.len, c->scratch, &req, &code, &message)) {
        send_error(c, 400, code, message, p->upgrade || !p->keep_alive, NULL);
        return;
    }
    req.authorization = h1_header(p, "authorization", NULL);
    req.content_type = h1_header(p, "content-type", NULL);
    if (p->upgrade && strcmp(req.path, "/v1/rtc") == 0) {
        ws_upgrade(c, &req);
        return;
    }
    if (req.method == HTTP_OPTIONS && c->cors[0] &&
        h1_header(p, "access-control-request-method", NULL)) {
        preflight(c);
        if (!p->keep_alive)
            conn_drain(c);
        return;
    }
    int head = req.method == HTTP_HEAD;
    if (head)
        req.method = HTTP_GET; // same route, same headers; the body is left out when written
    req.body = p->body.len ? p->body.data : NULL;
    req.body_len = p->body.len;
    http_resp resp = {.status = 200};
    sbuf_init(&resp.body);
    s->cfg.dispatch(s->cfg.user, &req, &resp);
    // A request that asked to upgrade elsewhere leaves bytes we cannot read: close after it.
    int close = !p->keep_alive || p->upgrade;
    uint64_t token = s->cfg.defer ? s->cfg.defer(s->cfg.user) : 0;
    if (!token) {
        send_resp(c, &resp, head, close);
        sbuf_fini(&resp.body);
        return;
    }
    sbuf_fini(&c->pending.body);
    c->pending = resp;
    c->pending_token = token;
    c->pending_head = head;
    c->pending_close = close;
    c->busy = 1;
    c->held = 1;
    c->held_prev = NULL;
    c->held_next = s->held;
    if (s->held)
        s->held->held_prev = c;
    s->held = c;
}

static void compact_input(struct conn *c)
{
    if (c->in_off == c->in.len) {
        trim(&c->in);
        c->in_off = 0;
    } else if (c->in_off > (64u << 10)) {
        memmove(c->in.data, c->in.data + c->in_off, c->in.len - c->in_off);
        c->in.len -= c->in_off;
        c->in.data[c->in.len] = '\0';
        c->in_off = 0;
    }
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf);

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    struct conn *c = (struct conn *)h;
    (void)hint;
    *buf = uv_buf_init(c->s->rbuf, sizeof c->s->rbuf);
}

static void start_reading(struct conn *c)
{
    if (c->reading || c->closing || c->eof)
        return;
    if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read)) {
        conn_close(c);
        return;
    }
    c->reading = 1;
}

static void stop_reading(struct conn *c)
{
    if (!c->reading)
        return;
    uv_read_stop((uv_stream_t *)&c->tcp);
    c->reading = 0;
}

// Goes over buffered input while requests can be answered in order. A long pipeline runs
// TURN_REQUESTS (or TURN_BYTES of answers, or TURN_NS of work) at a time and then waits for
// the next loop turn
// (on_idle), so one client's 64 KiB of requests does not hold up every other connection; and
// it waits while its answers back up (on_write goes on), so a client that sends and never
// reads costs OUT_HIGH_WATER, not an answer for every request it sent.
static void process_http(struct conn *c)
{
    int turn = 0;
    uint64_t queued = c->queued, t0 = clock_mono_ns();
    while (c->state == CONN_HTTP && !c->busy && !c->closing) {
        if (c->out.len + c->wout.len > OUT_HIGH_WATER)
            break;
        if (turn == TURN_REQUESTS || c->queued - queued >= TURN_BYTES ||
            (turn > 0 && clock_mono_ns() - t0 >= TURN_NS)) {
            mark_ready(c);
            break;
        }
        size_t used;
        size_t avail = c->in.len - c->in_off;
        enum h1_event ev = h1_feed(&c->h1, (const uint8_t *)c->in.data + c->in_off, avail, &used);
        c->in_off += used;
        if (ev == H1_MORE) {
            if (used && !c->req_start_ms)
                c->req_start_ms = server_now(c->s);
            break;
        }
        if (ev == H1_ERROR) {
            struct h1_error *e = &c->h1.err;
            send_error(c, e->status, e->code, e->message, 1, NULL);
            break;
        }
        if (ev == H1_HEADERS) {
            static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
            conn_send(c, cont, sizeof cont - 1);
            h1_resume(&c->h1);
            continue;
        }
        c->req_start_ms = 0;
        turn++;
        handle(c);
        if (c->state == CONN_HTTP)
            h1_next(&c->h1);
        else
            break; // upgraded or draining: h1 is done
    }
    compact_input(c);
}

static void process(struct conn *c)
{
    if (c->closing)
        return;
    if (c->state == CONN_HTTP)
        process_http(c);
    if (c->closing || c->state == CONN_DRAINING)
        return;
    if (c->state == CONN_HTTP && c->eof && !c->busy && c->in_off == c->in.len) {
        // The peer is done sending and every whole request is answered. One it cut short
        // gets an answer too: it half-closed, so it can still read why nothing was done.
        if (c->req_start_ms)
            send_error(c, 400, "bad_request", "the connection ended inside a request", 1, NULL);
        else
            conn_drain(c);
        return;
    }
    size_t waiting_out = c->out.len + c->wout.len;
    if (c->in.len - c->in_off > IN_HIGH_WATER || waiting_out > OUT_HIGH_WATER)
        stop_reading(c);
    else
        start_reading(c);
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
    struct conn *c = (struct conn *)st;
    if (n == 0 || c->closing)
        return;
    if (n < 0) {
        stop_reading(c);
        c->eof = 1;
        if (n != UV_EOF || c->linger || c->state != CONN_HTTP)
            conn_close(c);
        else
            process(c);
        return;
    }
    c->last_rx_ms = server_now(c->s);
    if (c->linger || c->state == CONN_DRAINING)
        return; // answered last already: drop
    const uint8_t *data = (const uint8_t *)buf->base;
    size_t len = (size_t)n;
    sbuf plain;
    if (c->tls) {
        sbuf_init(&plain);
        int rc = tls_conn_read(c->tls, data, len, &plain, &c->out);
        kick(c);
        if (rc < 0) {
            sbuf_fini(&plain);
            conn_close(c);
            return;
        }
        data = (const uint8_t *)plain.data;
        len = plain.len;
    }
    if (c->state == CONN_WS)
        ws_feed(c, data, len);
    else
        sbuf_append(&c->in, data, len);
    if (c->tls)
        sbuf_fini(&plain);
    process(c);
}

// Runs pipelined requests whose turn came when the answer before them was written. The idle
// handle stays active while that work left answers held for the commit, because an active
// idle handle is what keeps this iteration's poll from blocking: the commit happens in the
// check phase after the poll, and without it the answer would wait for the next timer.
static void on_idle(uv_idle_t *h)
{
    struct http_server *s = h->data;
    struct conn *list = s->ready;
    s->ready = NULL;
    while (list) {
        struct conn *c = list;
        list = c->ready_next;
        c->ready = 0;
        process(c);
    }
    if (!s->ready && !s->held)
        uv_idle_stop(h);
}

static void on_connection(uv_stream_t *ls, int status)
{
    struct http_server *s = ls->data;
    if (status < 0 || s->stopping)
        return;
    struct conn *c = xcalloc(1, sizeof *c);
    c->s = s;
    uv_tcp_init(s->loop, &c->tcp);
    s->open_handles++;
    if (uv_accept(ls, (uv_stream_t *)&c->tcp)) {
        uv_close((uv_handle_t *)&c->tcp, on_closed);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    h1_init(&c->h1, HTTP_MAX_BODY);
    sbuf_init(&c->in);
    sbuf_init(&c->out);
    sbuf_init(&c->wout);
    sbuf_init(&c->pending.body);
    c->last_rx_ms = server_now(s);
    c->next = s->conns;
    if (s->conns)
        s->conns->prev = c;
    s->conns = c;
    s->nconns++;
    if (s->tls)
        c->tls = tls_conn_new(s->tls);
    if (s->nconns > s->cfg.max_connections) {
        // Over the limit: answer (in clear text only; a TLS client could not read it) and go.
        if (!c->tls)
            send_error(c, 503, "too_many_connections", "the server is at its connection limit", 1,
                       "Retry-After: 1\r\n");
        else
            conn_close(c);
        return;
    }
    start_reading(c);
}

// ---- timers ----

static void sweep_conn(struct conn *c, int64_t now)
{
    struct http_server *s = c->s;
    if (c->linger) {
        if (now >= c->deadline_ms)
            conn_close(c);
        return;
    }
    // A peer that stopped reading (its answers fill the socket, and it may go on sending or
    // not) holds its slot no longer than an idle one would. A WebSocket has its own rule: 4009.
    if (c->state != CONN_WS && c->writing &&
        now - c->write_ms >= (int64_t)s->cfg.idle_timeout_s * 1000) {
        conn_end(c, 1);
        return;
    }
    if (c->state == CONN_WS) {
        ws_sweep(c, now);
        return;
    }
    if (c->state != CONN_HTTP || c->busy)
        return;
    if (c->req_start_ms && now - c->req_start_ms >= (int64_t)s->cfg.header_timeout_s * 1000) {
        send_error(c, 408, "request_timeout", "the request did not arrive in time", 1, NULL);
        return;
    }
    if (!c->req_start_ms && c->in_off == c->in.len && !c->writing &&
        now - c->last_rx_ms >= (int64_t)s->cfg.idle_timeout_s * 1000)
        conn_close(c);
}

static void update_date(struct http_server *s)
{
    response_date((long long)time(NULL), s->date);
}

static void on_sweep(uv_timer_t *t)
{
    struct http_server *s = t->data;
    int64_t now = server_now(s);
    update_date(s);
    for (struct conn *c = s->conns, *next; c; c = next) {
        next = c->next;
        sweep_conn(c, now);
    }
}

// ---- lifecycle ----

static void on_server_handle_closed(uv_handle_t *h)
{
    struct http_server *s = h->data;
    s->open_handles--;
}

static int listen_on(struct http_server *s, const char *host, int port)
{
    struct sockaddr_storage ss;
    int rc = strchr(host, ':') ? uv_ip6_addr(host, port, (struct sockaddr_in6 *)&ss)
                               : uv_ip4_addr(host, port, (struct sockaddr_in *)&ss);
    if (rc)
        return rc;
    rc = uv_tcp_bind(&s->listener, (const struct sockaddr *)&ss, 0);
    if (!rc)
        rc = uv_listen((uv_stream_t *)&s->listener, 511, on_connection);
    return rc;
}

int http_server_new(uv_loop_t *loop, const struct http_server_config *cfg, http_server **out)
{
    struct http_server *s = xcalloc(1, sizeof *s);
    s->loop = loop;
    s->cfg = *cfg;
    if (s->cfg.header_timeout_s <= 0)
        s->cfg.header_timeout_s = 10;
    if (s->cfg.idle_timeout_s <= 0)
        s->cfg.idle_timeout_s = 60;
    if (s->cfg.max_connections <= 0)
        s->cfg.max_connections = 10000;
    update_date(s);
    if (cfg->tls_cert && *cfg->tls_cert && tls_ctx_new(cfg->tls_cert, cfg->tls_key, &s->tls)) {
        free(s);
        return -1;
    }
    uv_tcp_init(loop, &s->listener);
    uv_timer_init(loop, &s->sweep);
    uv_idle_init(loop, &s->idle);
    s->listener.data = s->sweep.data = s->idle.data = s;
    s->open_handles = 3;
    int rc = listen_on(s, cfg->host, cfg->port);
    if (rc) {
        log_error("cannot listen", "host=%s port=%d error=\"%s\"", cfg->host, cfg->port,
                  uv_strerror(rc));
        http_server_stop(s);
        uv_run(loop, UV_RUN_NOWAIT);
        http_server_free(s);
        return -1;
    }
    uv_timer_start(&s->sweep, on_sweep, 1000, 1000);
    *out = s;
    return 0;
}

void http_server_stop(http_server *s)
{
    if (!s || s->stopping)
        return;
    s->stopping = 1;
    uv_close((uv_handle_t *)&s->listener, on_server_handle_closed);
    uv_close((uv_handle_t *)&s->sweep, on_server_handle_closed);
    uv_close((uv_handle_t *)&s->idle, on_server_handle_closed);
    while (s->conns)
        conn_close(s->conns);
}

void http_server_free(http_server *s)
{
    if (!s)
        return;
    ASSERT(s->open_handles == 0);
    tls_ctx_free(s->tls);
    free(s);
}
