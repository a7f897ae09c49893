// SPDX-License-Identifier: MIT
// WebSocket client: the opening handshake of RFC 6455 section 4.1 (a random key, the 101
// answer's Sec-WebSocket-Accept checked against SHA-1(key + GUID)), then wslay in client
// mode. One static read buffer serves every connection: libuv reads one handle at a time.
#include "wsc.h"

#include <http_parser.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wslay/wslay.h>

#include "auth/b64.h"
#include "core/mem.h"
#include "core/sbuf.h"

#define WS_GUID        "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define WS_MAX_MESSAGE (1u << 20) // voxd's joined answers list everyone: allow large ones
#define FIELD_MAX      32
#define ACCEPT_MAX     64

struct wsc {
    uv_tcp_t tcp;
    uv_connect_t creq;
    uv_shutdown_t sreq;
    const struct wsc_ops *ops;
    void *user;
    char *request;
    char accept[ACCEPT_MAX]; // what the answer must carry
    http_parser hp;
    char field[FIELD_MAX];
    size_t field_len;
    bool last_was_value;
    char got_accept[ACCEPT_MAX];
    size_t got_len;
    bool answer_done;
    sbuf refusal; // body of a refused upgrade
    wslay_event_context_ptr ctx;
    const uint8_t *rx;
    size_t rx_len;
    int close_code;
    bool open, ended, freeing;
};

struct wreq {
    uv_write_t req;
    uint8_t data[];
};

static uint8_t read_buf[65536];

static void end(struct wsc *w, int status, const char *why)
{
    if (w->ended || w->freeing)
        return;
    w->ended = true;
    w->open = false;
    uv_read_stop((uv_stream_t *)&w->tcp);
    w->ops->on_end(w->user, status, why);
}

// ---- the 101 answer ----

static int on_header_field(http_parser *p, const char *at, size_t len)
{
    struct wsc *w = p->data;
    if (w->last_was_value)
        w->field_len = 0;
    w->last_was_value = false;
    size_t n = len < FIELD_MAX - 1 - w->field_len ? len : FIELD_MAX - 1 - w->field_len;
    memcpy(w->field + w->field_len, at, n);
    w->field_len += n;
    w->field[w->field_len] = '\0';
    return 0;
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
    struct wsc *w = p->data;
    w->last_was_value = true;
    if (strcasecmp(w->field, "sec-websocket-accept") != 0)
        return 0;
    size_t n = len < ACCEPT_MAX - 1 - w->got_len ? len : ACCEPT_MAX - 1 - w->got_len;
    memcpy(w->got_accept + w->got_len, at, n);
    w->got_len += n;
    w->got_accept[w->got_len] = '\0';
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    struct wsc *w = p->data;
    if (w->refusal.len < 4096)
        sbuf_append(&w->refusal, at, len);
    return 0;
}

static int on_message_complete(http_parser *p)
{
    struct wsc *w = p->data;
    w->answer_done = true;
    return 0;
}

static const http_parser_settings answer_settings = {
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

// ---- wslay ----

static ssize_t ws_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *user)
{
    struct wsc *w = user;
    (void)flags;
    if (w->rx_len == 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    size_t n = len < w->rx_len ? len : w->rx_len;
    memcpy(buf, w->rx, n);
    w->rx += n;
    w->rx_len -= n;
    return (ssize_t)n;
}

static void on_written(uv_write_t *req, int status)
{
    (void)status;
    free(req);
}

static ssize_t ws_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
                       void *user)
{
    struct wsc *w = user;
    (void)flags;
    if (uv_is_closing((uv_handle_t *)&w->tcp)) {
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    struct wreq *r = xmalloc(sizeof *r + len);
    memcpy(r->data, data, len);
    uv_buf_t b = uv_buf_init((char *)r->data, (unsigned)len);
    if (uv_write(&r->req, (uv_stream_t *)&w->tcp, &b, 1, on_written) != 0) {
        free(r);
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return (ssize_t)len;
}

static int ws_genmask(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *user)
{
    (void)ctx, (void)user;
    return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

static void ws_on_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg,
                      void *user)
{
    struct wsc *w = user;
    (void)ctx;
    if (w->freeing || w->ended)
        return;
    if (arg->opcode == WSLAY_TEXT_FRAME)
        w->ops->on_message(w->user, (const char *)arg->msg, arg->msg_length);
    else if (arg->opcode == WSLAY_CONNECTION_CLOSE)
        w->close_code = arg->status_code ? arg->status_code : 1005;
}

static const struct wslay_event_callbacks ws_callbacks = {
    .recv_callback = ws_recv,
    .send_callback = ws_send,
    .genmask_callback = ws_genmask,
    .on_msg_recv_callback = ws_on_msg,
};

static void ws_feed(struct wsc *w, const uint8_t *data, size_t len)
{
    w->rx = data;
    w->rx_len = len;
    if (wslay_event_recv(w->ctx) != 0) {
        end(w, 0, "WebSocket protocol error");
        return;
    }
    wslay_event_send(w->ctx);
    if (w->close_code) {
        char why[48];
        snprintf(why, sizeof why, "closed by voxd with %d", w->close_code);
        end(w, w->close_code, why);
    } else if (!wslay_event_want_read(w->ctx) && !wslay_event_want_write(w->ctx)) {
        end(w, 0, "WebSocket ended");
    }
}

// ---- TCP ----

static int upgraded(struct wsc *w)
{
    if (w->hp.status_code != 101 || strcmp(w->got_accept, w->accept) != 0)
        return -1;
    if (wslay_event_context_client_init(&w->ctx, &ws_callbacks, w) != 0)
        return -1;
    wslay_event_config_set_max_recv_msg_length(w->ctx, WS_MAX_MESSAGE);
    w->open = true;
    return 0;
}

static void on_answer_bytes(struct wsc *w, const uint8_t *data, size_t len)
{
    size_t n = http_parser_execute(&w->hp, &answer_settings, (const char *)data, len);
    if (w->hp.upgrade) {
        if (upgraded(w)) {
            end(w, w->hp.status_code, "upgrade answer without the right Sec-WebSocket-Accept");
            return;
        }
        w->ops->on_open(w->user);
        if (!w->freeing && !w->ended && n < len)
            ws_feed(w, data + n, len - n);
        return;
    }
    if (HTTP_PARSER_ERRNO(&w->hp) != HPE_OK) {
        end(w, 0, "malformed HTTP answer to the upgrade");
        return;
    }
    if (w->answer_done) {
        sbuf_append(&w->refusal, "", 1);
        end(w, w->hp.status_code, w->refusal.data[0] ? w->refusal.data : "upgrade refused");
    }
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)h, (void)suggested;
    *buf = uv_buf_init((char *)read_buf, sizeof read_buf);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct wsc *w = s->data;
    if (w->freeing || w->ended)
        return;
    if (n < 0) {
        end(w, 0, n == UV_EOF ? "connection closed by voxd" : uv_strerror((int)n));
        return;
    }
    if (n == 0)
        return;
    if (w->open)
        ws_feed(w, (const uint8_t *)buf->base, (size_t)n);
    else
        on_answer_bytes(w, (const uint8_t *)buf->base, (size_t)n);
}

static void on_connected(uv_connect_t *req, int status)
{
    struct wsc *w = req->data;
    if (w->freeing)
        return;
    if (status != 0) {
        end(w, 0, uv_strerror(status));
        return;
    }
    // As browsers do: without it a message written in two pieces waits for the server's
    // delayed ACK (40 ms) before its second piece leaves.
    uv_tcp_nodelay(&w->tcp, 1);
    uv_buf_t b = uv_buf_init(w->request, (unsigned)strlen(w->request));
    struct wreq *r = xmalloc(sizeof *r + b.len);
    memcpy(r->data, b.base, b.len);
    b.base = (char *)r->data;
    if (uv_write(&r->req, (uv_stream_t *)&w->tcp, &b, 1, on_written) != 0 ||
        uv_read_start((uv_stream_t *)&w->tcp, on_alloc, on_read) != 0) {
        end(w, 0, "cannot write the upgrade request");
    }
}

static void on_closed(uv_handle_t *h);

static void make_key(struct wsc *w, char key[32])
{
    uint8_t raw[16], digest[SHA_DIGEST_LENGTH];
    RAND_bytes(raw, sizeof raw);
    b64_encode(raw, sizeof raw, key, 32);
    char cat[80];
    int n = snprintf(cat, sizeof cat, "%s%s", key, WS_GUID);
    SHA1((const uint8_t *)cat, (size_t)n, digest);
    b64_encode(digest, sizeof digest, w->accept, sizeof w->accept);
}

struct wsc *wsc_new(uv_loop_t *loop, const struct sockaddr_in *to, const char *path,
                    const struct wsc_ops *ops, void *user)
{
    struct wsc *w = xcalloc(1, sizeof *w);
    w->ops = ops;
    w->user = user;
    sbuf_init(&w->refusal);
    http_parser_init(&w->hp, HTTP_RESPONSE);
    w->hp.data = w;
    char key[32];
    make_key(w, key);
    sbuf req;
    sbuf_init(&req);
    sbuf_printf(&req,
                "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n",
                path, key);
    w->request = sbuf_steal(&req);
    uv_tcp_init(loop, &w->tcp);
    w->tcp.data = w;
    w->creq.data = w;
    if (uv_tcp_connect(&w->creq, &w->tcp, (const struct sockaddr *)to, on_connected) != 0) {
        w->freeing = true; // no callback will fire; the close callback frees w
        uv_close((uv_handle_t *)&w->tcp, on_closed);
        return NULL;
    }
    return w;
}

int wsc_send(struct wsc *w, const char *text, size_t len)
{
    if (!w || !w->open || w->freeing)
        return -1;
    struct wslay_event_msg m = {
        .opcode = WSLAY_TEXT_FRAME, .msg = (const uint8_t *)text, .msg_length = len};
    if (wslay_event_queue_msg(w->ctx, &m) != 0)
        return -1;
    wslay_event_send(w->ctx);
    return 0;
}

static void on_closed(uv_handle_t *h)
{
    struct wsc *w = h->data;
    if (w->ctx)
        wslay_event_context_free(w->ctx);
    free(w->request);
    sbuf_fini(&w->refusal);
    free(w);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    struct wsc *w = req->data;
    (void)status;
    uv_close((uv_handle_t *)&w->tcp, on_closed);
}

void wsc_free(struct wsc *w)
{
    if (!w || w->freeing)
        return;
    bool polite = w->open && !w->ended;
    w->freeing = true;
    uv_read_stop((uv_stream_t *)&w->tcp);
    if (polite) {
        wslay_event_queue_close(w->ctx, 1000, NULL, 0);
        wslay_event_send(w->ctx);
        w->sreq.data = w;
        if (uv_shutdown(&w->sreq, (uv_stream_t *)&w->tcp, on_shutdown) == 0)
            return; // the close frame is written first, then the handle closes
    }
    uv_close((uv_handle_t *)&w->tcp, on_closed);
}
