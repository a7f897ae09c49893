// SPDX-License-Identifier: MIT
// WebSocket connections (RFC 6455) on wslay: the opening handshake (section 4.2), frames and
// their protocol rules (masking, control frames, reserved bits, UTF-8, message size) are
// wslay's; this file answers the handshake, passes whole text messages up, refuses binary
// ones (1003), keeps the connection alive with pings and closes it the way section 7 asks.
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wslay/wslay.h>

#include "core/log.h"
#include "core/mem.h"
#include "http/response.h"
#include "http/server_int.h"
#include "http/ws_handshake.h"

#define WS_MAX_QUEUED (4u << 20)
#define WS_PING_MS    20000
#define WS_HANGUP_MS  60000
#define WS_CLOSE_WAIT 3000

struct http_ws {
    struct conn *c;
    wslay_event_context_ptr ctx;
    void *conn; // the handler's object, NULL once ws_closed was called
    const uint8_t *rx;
    size_t rx_len;
    int close_queued; // we decided to close: later messages in the same read are dropped
    int close_sent;   // our close frame went into the output
};

static ssize_t on_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *user)
{
    struct http_ws *ws = user;
    (void)flags;
    if (ws->rx_len == 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    size_t n = len < ws->rx_len ? len : ws->rx_len;
    memcpy(buf, ws->rx, n);
    ws->rx += n;
    ws->rx_len -= n;
    return (ssize_t)n;
}

static ssize_t on_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
                       void *user)
{
    struct http_ws *ws = user;
    (void)ctx, (void)flags;
    conn_send(ws->c, data, len);
    return (ssize_t)len;
}

static void pump(struct http_ws *ws)
{
    // Called inside wslay_event_recv's message callback too: the send side is separate state,
    // and sending at once keeps answers ahead of a close the same callback queues.
    if (ws->c->closing)
        return;
    if (wslay_event_want_write(ws->ctx) && wslay_event_send(ws->ctx) < 0) {
        conn_close(ws->c);
        return;
    }
    if (wslay_event_get_close_sent(ws->ctx))
        ws->close_sent = 1;
}

static void on_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg,
                   void *user)
{
    struct http_ws *ws = user;
    struct http_server *s = ws->c->s;
    // wslay goes on reading the frames behind one we refused; a refused connection must not
    // act on them (a join behind a binary message would otherwise still run).
    if (!ws->conn || ws->close_queued)
        return;
    switch (arg->opcode) {
    case WSLAY_TEXT_FRAME:
        s->cfg.ws.ws_message(s->cfg.ws.user, ws->conn, (const char *)arg->msg, arg->msg_length);
        break;
    case WSLAY_BINARY_FRAME: {
        static const char why[] = "binary messages are not part of the protocol";
        ws->close_queued = 1;
        wslay_event_queue_close(ctx, WSLAY_CODE_UNSUPPORTED_DATA, (const uint8_t *)why,
                                sizeof why - 1);
        break;
    }
    case WSLAY_PING:
        if (s->cfg.ws.ws_ping)
            s->cfg.ws.ws_ping(s->cfg.ws.user, ws->conn);
        break;
    default:
        break; // pong: liveness is any byte received; close: wslay answers it
    }
}

// A close frame's body is empty or starts with a 2-byte code (RFC 6455 section 5.5.1); wslay
// answers a 1-byte body as if it were empty. Queued first, our 1002 is the close it sends.
static void on_frame_start(wslay_event_context_ptr ctx,
                           const struct wslay_event_on_frame_recv_start_arg *arg, void *user)
{
    struct http_ws *ws = user;
    if (arg->opcode == WSLAY_CONNECTION_CLOSE && arg->payload_length == 1) {
        ws->close_queued = 1;
        wslay_event_queue_close(ctx, WSLAY_CODE_PROTOCOL_ERROR, NULL, 0);
    }
}

static const struct wslay_event_callbacks callbacks = {
    .recv_callback = on_recv,
    .send_callback = on_send,
    .on_frame_recv_start_callback = on_frame_start,
    .on_msg_recv_callback = on_msg,
};

// Refuses an upgrade with an HTTP answer and closes.
static void refuse(struct conn *c, int status, const char *code, const char *message,
                   const char *extra)
{
    struct response_opts o = {.close = 1, .date = c->s->date, .extra = extra};
    sbuf wire;
    sbuf_init(&wire);
    response_write_error(&wire, status, code, message, &o);
    conn_send(c, wire.data, wire.len);
    sbuf_fini(&wire);
    conn_drain(c);
}

static void refuse_body(struct conn *c, int status, const sbuf *body)
{
    http_resp r = {.status = status, .content_type = "application/json"};
    r.body = *body;
    struct response_opts o = {.close = 1, .date = c->s->date};
    sbuf wire;
    sbuf_init(&wire);
    response_write(&wire, &r, &o);
    conn_send(c, wire.data, wire.len);
    sbuf_fini(&wire);
    conn_drain(c);
}

// The handshake's own checks (section 4.2.1); 0 when the request may be upgraded.
static int check_request(struct conn *c, const http_req *req, char accept[WS_ACCEPT_LEN + 1])
{
    h1 *p = &c->h1;
    const char *upgrade = h1_header(p, "upgrade", NULL);
    const char *version = h1_header(p, "sec-websocket-version", NULL);
    if (req->method != HTTP_GET || p->body.len || !upgrade || strcasecmp(upgrade, "websocket")) {
        refuse(c, 400, "bad_request", "a WebSocket upgrade is a GET with Upgrade: websocket", NULL);
        return -1;
    }
    if (!version || strcmp(version, "13") != 0) {
        refuse(c, 426, "upgrade_required", "only WebSocket version 13 is supported",
               "Sec-WebSocket-Version: 13\r\n");
        return -1;
    }
    int n;
    const char *key = h1_header(p, "sec-websocket-key", &n);
    if (n != 1 || ws_handshake_accept(key, accept)) {
        refuse(c, 400, "bad_request", "Sec-WebSocket-Key must be 16 bytes in base64", NULL);
        return -1;
    }
    return 0;
}

void ws_upgrade(struct conn *c, http_req *req)
{
    struct http_server *s = c->s;
    char accept[WS_ACCEPT_LEN + 1];
    if (check_request(c, req, accept))
        return;
    if (!s->cfg.ws.ws_check) {
        refuse(c, 404, "not_found", "no WebSocket here", NULL);
        return;
    }
    sbuf refusal;
    sbuf_init(&refusal);
    int status = s->cfg.ws.ws_check(s->cfg.ws.user, req, &refusal);
    if (status) {
        refuse_body(c, status, &refusal);
        sbuf_fini(&refusal);
        return;
    }
    sbuf_fini(&refusal);

    sbuf wire;
    sbuf_init(&wire);
    sbuf_printf(&wire,
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Accept: %s\r\n\r\n",
                accept);
    conn_send(c, wire.data, wire.len);
    sbuf_fini(&wire);

    struct http_ws *ws = xcalloc(1, sizeof *ws);
    ws->c = c;
    if (wslay_event_context_server_init(&ws->ctx, &callbacks, ws)) {
        free(ws);
        conn_close(c);
        return;
    }
    wslay_event_config_set_max_recv_msg_length(ws->ctx, HTTP_WS_MAX_MESSAGE);
    c->ws = ws;
    c->state = CONN_WS;
    c->ping_ms = server_now(s);
    ws->conn = s->cfg.ws.ws_open(s->cfg.ws.user, req, ws);
    if (!ws->conn) {
        http_ws_close(ws, 1011, "cannot open");
        return;
    }
    // Frames the client sent right behind its handshake.
    size_t rest = c->in.len - c->in_off;
    if (rest) {
        sbuf early = c->in;
        sbuf_init(&c->in);
        c->in_off = 0;
        ws_feed(c, (const uint8_t *)early.data + (early.len - rest), rest);
        sbuf_fini(&early);
    }
}

// wslay turns frame-level protocol errors (a fragmented or oversized control frame, a bad
// length) into a close frame without a status code; RFC 6455 section 7.4.1 gives 1002.
static void protocol_error(struct http_ws *ws)
{
    static const uint8_t frame[] = {0x88, 0x02, 0x03, 0xea};
    ws->close_sent = 1;
    conn_send(ws->c, frame, sizeof frame);
    conn_drain(ws->c);
}

void ws_feed(struct conn *c, const uint8_t *data, size_t len)
{
    struct http_ws *ws = c->ws;
    if (ws->close_sent || !wslay_event_want_read(ws->ctx))
        return; // closing: input is dropped
    ws->rx = data;
    ws->rx_len = len;
    int rc = wslay_event_recv(ws->ctx);
    ws->rx_len = 0;
    if (rc == WSLAY_ERR_CALLBACK_FAILURE) {
        protocol_error(ws);
        return;
    }
    if (rc) {
        conn_close(c);
        return;
    }
    pump(ws);
}

void ws_after_write(struct conn *c)
{
    struct http_ws *ws = c->ws;
    if (ws && ws->close_sent && !c->closing && c->state == CONN_WS)
        conn_drain(c); // half-close and linger until the peer's close or WS_CLOSE_WAIT
}

void ws_sweep(struct conn *c, int64_t now)
{
    struct http_ws *ws = c->ws;
    if (now - c->last_rx_ms >= WS_HANGUP_MS) {
        conn_close(c);
        return;
    }
    if (now - c->last_rx_ms >= WS_PING_MS && now - c->ping_ms >= WS_PING_MS) {
        struct wslay_event_msg m = {.opcode = WSLAY_PING, .msg = NULL, .msg_length = 0};
        wslay_event_queue_msg(ws->ctx, &m);
        c->ping_ms = now;
        pump(ws);
    }
}

void ws_conn_closed(struct conn *c)
{
    struct http_ws *ws = c->ws;
    struct http_server *s = c->s;
    c->ws = NULL;
    if (ws->conn)
        s->cfg.ws.ws_closed(s->cfg.ws.user, ws->conn);
    wslay_event_context_free(ws->ctx);
    free(ws);
}

void http_ws_send(http_ws *ws, const char *data, size_t len)
{
    struct conn *c = ws->c;
    if (c->closing || ws->close_sent || wslay_event_get_close_sent(ws->ctx))
        return;
    size_t queued = wslay_event_get_queued_msg_length(ws->ctx) + c->out.len + c->wout.len;
    if (queued + len > WS_MAX_QUEUED) {
        log_warn("websocket too slow, closing", "queued=%zu", queued);
        http_ws_close(ws, 4009, "too slow");
        return;
    }
    struct wslay_event_msg m = {
        .opcode = WSLAY_TEXT_FRAME, .msg = (const uint8_t *)data, .msg_length = len};
    if (wslay_event_queue_msg(ws->ctx, &m) == 0)
        pump(ws);
}

void http_ws_close(http_ws *ws, int code, const char *reason)
{
    struct conn *c = ws->c;
    if (c->closing || ws->close_sent || wslay_event_get_close_sent(ws->ctx))
        return;
    size_t rl = reason ? strlen(reason) : 0;
    if (rl > 123)
        rl = 123; // a close frame's payload is at most 125 bytes
    ws->close_queued = 1;
    wslay_event_queue_close(ws->ctx, (uint16_t)code, (const uint8_t *)reason, rl);
    pump(ws);
    if (ws->close_sent && !c->writing && c->out.len == 0)
        conn_drain(c);
}
