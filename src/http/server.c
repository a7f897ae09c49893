// SPDX-License-Identifier: MIT
// libwebsockets glue: assembles a request (method, path, query, headers, body) in the
// per-connection data, hands it to the dispatcher and writes the answer with keep-alive.
#include "http/server.h"

#include <libwebsockets.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"

struct conn;

struct http_server {
    struct lws_context *ctx;
    struct conn *held; // connections whose answer waits for the batch commit
    struct http_server_config cfg;
    void *foreign_loops[1];
};

#define WS_MAX_QUEUED (4u << 20)

struct ws_msg {
    struct ws_msg *next;
    size_t len;
    uint8_t data[]; // LWS_PRE bytes of headroom, then the payload
};

struct http_ws {
    struct lws *wsi;
    struct http_server *s;
    void *conn; // the handler's object
    struct ws_msg *head, *tail;
    size_t queued;
    sbuf rx;
    int rx_too_large;
    int close_code;
    int close_started;
    char close_reason[64];
};

struct conn {
    struct http_ws *ws; // set once the connection is a WebSocket
    char path[1024];
    char scratch[1024];
    char query_buf[2048];
    char auth[1024];
    char ctype[128];
    sbuf body;
    http_req req;
    int expect_body;
    int close_after;
    // An answer held until its writes are committed (group commit).
    http_resp pending;
    uint64_t pending_token;
    int has_pending;
    int pending_close;
    struct lws *wsi;                    // for writing the held answer later
    struct conn *held_next, *held_prev; // in http_server.held while has_pending
};

static const struct {
    enum lws_token_indexes tok;
    enum http_method m;
} method_tokens[] = {
    {WSI_TOKEN_GET_URI, HTTP_GET},         {WSI_TOKEN_POST_URI, HTTP_POST},
    {WSI_TOKEN_PUT_URI, HTTP_PUT},         {WSI_TOKEN_PATCH_URI, HTTP_PATCH},
    {WSI_TOKEN_DELETE_URI, HTTP_DELETE},   {WSI_TOKEN_HEAD_URI, HTTP_HEAD},
    {WSI_TOKEN_OPTIONS_URI, HTTP_OPTIONS},
};

static int read_method(struct lws *wsi, enum http_method *m)
{
    for (size_t i = 0; i < sizeof method_tokens / sizeof method_tokens[0]; i++)
        if (lws_hdr_total_length(wsi, method_tokens[i].tok) > 0) {
            *m = method_tokens[i].m;
            return 0;
        }
    return -1;
}

// Copies the decoded "k=v" query fragments into c->query_buf and points req->query at them.
static void read_query(struct lws *wsi, struct conn *c)
{
    char *p = c->query_buf;
    char *end = c->query_buf + sizeof c->query_buf;
    http_req *req = &c->req;
    for (int i = 0; req->nquery < HTTP_MAX_QUERY && end - p > 1; i++) {
        int n = lws_hdr_copy_fragment(wsi, p, (int)(end - p), WSI_TOKEN_HTTP_URI_ARGS, i);
        if (n < 0)
            break;
        char *eq = strchr(p, '=');
        req->query[req->nquery].key = p;
        req->query[req->nquery].value = eq ? eq + 1 : "";
        if (eq)
            *eq = '\0';
        req->nquery++;
        p += n + 1;
    }
}

static const char *read_header(struct lws *wsi, enum lws_token_indexes tok, char *buf, int cap)
{
    if (lws_hdr_total_length(wsi, tok) <= 0)
        return NULL;
    if (lws_hdr_copy(wsi, buf, cap, tok) < 0)
        return NULL;
    return buf;
}

static int write_response(struct lws *wsi, struct conn *c, http_resp *resp, int must_close)
{
    uint8_t hdr[LWS_PRE + 1024];
    uint8_t *start = hdr + LWS_PRE, *p = start, *end = hdr + sizeof hdr - 1;
    size_t blen = c->req.method == HTTP_HEAD ? 0 : resp->body.len;
    const char *ctype = resp->content_type ? resp->content_type : "application/json";

    if (lws_add_http_common_headers(wsi, (unsigned)resp->status, ctype, resp->body.len, &p, end))
        return -1;
    if (resp->allow[0] &&
        lws_add_http_header_by_name(wsi, (const uint8_t *)"allow:", (const uint8_t *)resp->allow,
                                    (int)strlen(resp->allow), &p, end))
        return -1;
    if (resp->location[0] && lws_add_http_header_by_name(
                                 wsi, (const uint8_t *)"location:", (const uint8_t *)resp->location,
                                 (int)strlen(resp->location), &p, end))
        return -1;
    if (lws_finalize_write_http_header(wsi, start, &p, end))
        return -1;
    if (blen) {
        uint8_t stackbuf[LWS_PRE + 4096];
        uint8_t *buf = blen <= 4096 ? stackbuf : xmalloc(LWS_PRE + blen);
        memcpy(buf + LWS_PRE, resp->body.data, blen);
        int w = lws_write(wsi, buf + LWS_PRE, blen, LWS_WRITE_HTTP_FINAL);
        if (buf != stackbuf)
            free(buf);
        if (w < 0)
            return -1;
    }
    if (must_close)
        return -1;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

// The per-connection data may be freed inside lws_http_transaction_completed() (lws drops
// the protocol binding between keep-alive transactions), so nothing touches c after the
// response is written.
// The per-connection data may be freed inside lws_http_transaction_completed() (lws drops
// the protocol binding between keep-alive transactions), so nothing touches c after the
// response is written.
static int dispatch(struct lws *wsi, struct http_server *s, struct conn *c)
{
    http_resp resp = {.status = 200};
    sbuf_init(&resp.body);
    c->req.body = c->body.len ? c->body.data : NULL;
    c->req.body_len = c->body.len;
    s->cfg.dispatch(s->cfg.user, &c->req, &resp);
    sbuf_fini(&c->body);
    int must_close = c->req.body_too_large || c->close_after;
    uint64_t token = s->cfg.defer ? s->cfg.defer(s->cfg.user) : 0;
    if (token) {
        c->pending = resp;
        c->pending_token = token;
        c->pending_close = must_close;
        c->has_pending = 1;
        c->wsi = wsi;
        c->held_prev = NULL;
        c->held_next = s->held;
        if (s->held)
            s->held->held_prev = c;
        s->held = c;
        return 0; // written by http_server_flush() once the batch has committed
    }
    int rc = write_response(wsi, c, &resp, must_close);
    sbuf_fini(&resp.body);
    return rc;
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

static void unhold(struct http_server *s, struct conn *c)
{
    if (c->held_prev)
        c->held_prev->held_next = c->held_next;
    else if (s->held == c)
        s->held = c->held_next;
    if (c->held_next)
        c->held_next->held_prev = c->held_prev;
    c->held_next = c->held_prev = NULL;
}

// Held answers are written here, from the loop's check phase right after the commit, not
// from lws's writable callback: waiting a loop turn for that callback left lws holding a
// pipelining client's next request, which its idle handler then retried on every turn (a
// busy loop). lws buffers whatever part of a write the kernel does not take.
void http_server_flush(http_server *s)
{
    while (s && s->held) {
        struct conn *c = s->held;
        unhold(s, c);
        http_resp r = c->pending;
        struct lws *wsi = c->wsi;
        int must_close = c->pending_close;
        c->has_pending = 0;
        if (s->cfg.commit && s->cfg.commit(s->cfg.user, c->pending_token))
            fail_response(&r);
        // Outside a callback a -1 cannot close the connection; ask lws to drop it instead.
        if (write_response(wsi, c, &r, must_close))
            lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
        sbuf_fini(&r.body);
    }
}

static int on_http(struct lws *wsi, struct http_server *s, struct conn *c, const char *uri)
{
    memset(&c->req, 0, sizeof c->req);
    sbuf_reset(&c->body);
    c->close_after = 0;
    if (read_method(wsi, &c->req.method) < 0)
        return lws_return_http_status(wsi, HTTP_STATUS_METHOD_NOT_ALLOWED, NULL) ? -1 : 0;
    snprintf(c->path, sizeof c->path, "%s", uri ? uri : "/");
    c->req.path = c->path;
    read_query(wsi, c);
    c->req.authorization =
        read_header(wsi, WSI_TOKEN_HTTP_AUTHORIZATION, c->auth, (int)sizeof c->auth);
    c->req.content_type =
        read_header(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE, c->ctype, (int)sizeof c->ctype);

    char clen[32];
    long long want = 0;
    if (read_header(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH, clen, (int)sizeof clen))
        want = atoll(clen);
    else if (c->req.method == HTTP_POST || c->req.method == HTTP_PUT || c->req.method == HTTP_PATCH)
        // lws 4.1 keeps waiting for a body after a POST without Content-Length, stalling the
        // next request on a keep-alive connection; answer it (empty body) and close.
        c->close_after = 1;
    if (want > HTTP_MAX_BODY) {
        c->req.body_too_large = 1;
        return dispatch(wsi, s, c);
    }
    c->expect_body = want > 0;
    if (c->expect_body)
        return 0; // wait for LWS_CALLBACK_HTTP_BODY_COMPLETION
    return dispatch(wsi, s, c);
}

static int on_body(struct conn *c, const void *in, size_t len)
{
    if (c->body.len + len > HTTP_MAX_BODY) {
        c->req.body_too_large = 1;
        return 0;
    }
    sbuf_append(&c->body, in, len);
    return 0;
}

// ---- WebSocket ----

static void ws_free_queue(struct http_ws *ws)
{
    for (struct ws_msg *m = ws->head, *next; m; m = next) {
        next = m->next;
        free(m);
    }
    ws->head = ws->tail = NULL;
    ws->queued = 0;
}

void http_ws_send(http_ws *ws, const char *data, size_t len)
{
    if (ws->close_code)
        return;
    if (ws->queued + len > WS_MAX_QUEUED) {
        log_warn("websocket too slow, closing", "queued=%zu", ws->queued);
        ws_free_queue(ws);
        http_ws_close(ws, 4009, "too slow");
        return;
    }
    struct ws_msg *m = xmalloc(sizeof *m + LWS_PRE + len);
    m->next = NULL;
    m->len = len;
    memcpy(m->data + LWS_PRE, data, len);
    if (ws->tail)
        ws->tail->next = m;
    else
        ws->head = m;
    ws->tail = m;
    ws->queued += len;
    lws_callback_on_writable(ws->wsi);
}

void http_ws_close(http_ws *ws, int code, const char *reason)
{
    if (ws->close_code)
        return;
    ws->close_code = code;
    snprintf(ws->close_reason, sizeof ws->close_reason, "%s", reason ? reason : "");
    lws_callback_on_writable(ws->wsi);
}

// One message per writable callback, as lws requires; then the close once the queue is empty.
static int ws_writeable(struct http_ws *ws)
{
    struct ws_msg *m = ws->head;
    if (m) {
        ws->head = m->next;
        if (!ws->head)
            ws->tail = NULL;
        ws->queued -= m->len;
        int w = lws_write(ws->wsi, m->data + LWS_PRE, m->len, LWS_WRITE_TEXT);
        free(m);
        if (w < 0)
            return -1;
        if (ws->head || ws->close_code)
            lws_callback_on_writable(ws->wsi);
        return 0;
    }
    if (ws->close_code && !ws->close_started) {
        // lws 4.1 drops the connection without a close frame when a writable callback sets
        // lws_close_reason() and returns -1 (its service loop closes before its own writable
        // turn), so the frame is written here with the write type lws uses internally (4,
        // "handled by lws_close_reason" in lws-write.h) and then the connection is closed.
        ws->close_started = 1;
        uint8_t frame[LWS_PRE + 2 + sizeof ws->close_reason];
        uint8_t *p = frame + LWS_PRE;
        size_t rl = strlen(ws->close_reason);
        p[0] = (uint8_t)(ws->close_code >> 8);
        p[1] = (uint8_t)(ws->close_code & 0xff);
        memcpy(p + 2, ws->close_reason, rl);
        lws_write(ws->wsi, p, 2 + rl, (enum lws_write_protocol)4);
        // Linger: closing now, with the peer's unread frames still queued, would make the
        // kernel send RST and the peer lose what it had not read yet (our close frame
        // included). Input is discarded until the peer's close arrives or 3 s pass.
        lws_set_timeout(ws->wsi, PENDING_TIMEOUT_CLOSE_ACK, 3);
        return 0;
    }
    return 0;
}

// Reads the upgrade request's path, query and Authorization into c->req.
static void ws_read_request(struct lws *wsi, struct conn *c)
{
    memset(&c->req, 0, sizeof c->req);
    c->req.method = HTTP_GET;
    if (lws_hdr_copy(wsi, c->path, (int)sizeof c->path, WSI_TOKEN_GET_URI) < 0)
        c->path[0] = '\0';
    c->req.path = c->path;
    read_query(wsi, c);
    c->req.authorization =
        read_header(wsi, WSI_TOKEN_HTTP_AUTHORIZATION, c->auth, (int)sizeof c->auth);
}

// Refuses an upgrade with an HTTP answer the client can read.
static int ws_refuse(struct lws *wsi, struct conn *c, int status, sbuf *body)
{
    http_resp resp = {.status = status, .content_type = "application/json"};
    resp.body = *body;
    write_response(wsi, c, &resp, 1);
    return -1;
}

static int ws_filter(struct lws *wsi, struct http_server *s, struct conn *c)
{
    if (!s->cfg.ws.ws_check)
        return -1;
    ws_read_request(wsi, c);
    sbuf refusal;
    sbuf_init(&refusal);
    int status = s->cfg.ws.ws_check(s->cfg.user, &c->req, &refusal);
    int rc = status ? ws_refuse(wsi, c, status, &refusal) : 0;
    sbuf_fini(&refusal);
    return rc;
}

static int ws_established(struct lws *wsi, struct http_server *s, struct conn *c)
{
    struct http_ws *ws = xcalloc(1, sizeof *ws);
    ws->wsi = wsi;
    ws->s = s;
    sbuf_init(&ws->rx);
    c->ws = ws;
    ws->conn = s->cfg.ws.ws_open(s->cfg.user, &c->req, ws);
    return ws->conn ? 0 : -1;
}

static int ws_receive(struct lws *wsi, struct http_ws *ws, const void *in, size_t len)
{
    if (ws->close_started)
        return 0; // lingering after our close frame: discard

    if (!ws->rx_too_large) {
        if (ws->rx.len + len > HTTP_WS_MAX_MESSAGE) {
            ws->rx_too_large = 1;
            sbuf_fini(&ws->rx);
        } else {
            sbuf_append(&ws->rx, in, len);
        }
    }
    if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi) > 0)
        return 0;
    struct http_server *s = ws->s;
    int too_large = ws->rx_too_large;
    ws->rx_too_large = 0;
    s->cfg.ws.ws_message(s->cfg.user, ws->conn, too_large ? NULL : ws->rx.data,
                         too_large ? 0 : ws->rx.len, too_large);
    sbuf_reset(&ws->rx);
    return 0;
}

static void ws_closed(struct conn *c)
{
    struct http_ws *ws = c->ws;
    if (!ws)
        return;
    c->ws = NULL;
    if (ws->conn)
        ws->s->cfg.ws.ws_closed(ws->s->cfg.user, ws->conn);
    ws_free_queue(ws);
    sbuf_fini(&ws->rx);
    free(ws);
}

static int callback_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                         size_t len)
{
    struct conn *c = user;
    struct http_server *s = lws_context_user(lws_get_context(wsi));

    switch (reason) {
    case LWS_CALLBACK_HTTP:
        return on_http(wsi, s, c, in);
    case LWS_CALLBACK_HTTP_BODY:
        return on_body(c, in, len);
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        // lws also reports completion for "Content-Length: 0", which was dispatched already.
        if (!c->expect_body)
            return 0;
        c->expect_body = 0;
        return dispatch(wsi, s, c);
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return 0;
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return ws_filter(wsi, s, c);
    case LWS_CALLBACK_ESTABLISHED:
        return ws_established(wsi, s, c);
    case LWS_CALLBACK_RECEIVE:
        return c->ws ? ws_receive(wsi, c->ws, in, len) : -1;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return c->ws ? ws_writeable(c->ws) : 0;
    case LWS_CALLBACK_CLOSED:
        ws_closed(c);
        return 0;
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
    case LWS_CALLBACK_CLOSED_HTTP:
        if (c) {
            sbuf_fini(&c->body);
            if (c->has_pending) {
                unhold(s, c);
                sbuf_fini(&c->pending.body);
            }
            c->has_pending = 0;
        }
        return 0;
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

static const struct lws_protocols protocols[] = {
    {"http", callback_http, sizeof(struct conn), 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void lws_log_emit(int level, const char *line)
{
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        n--;
    char buf[512];
    snprintf(buf, sizeof buf, "%.*s", (int)(n < 500 ? n : 500), line);
    log_write(level & LLL_ERR ? LOG_ERROR : LOG_WARN, "lws", "line=%s", buf);
}

int http_server_new(uv_loop_t *loop, const struct http_server_config *cfg, http_server **out)
{
    struct http_server *s = xcalloc(1, sizeof *s);
    s->cfg = *cfg;
    s->foreign_loops[0] = loop;
    lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_emit);

    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = protocols;
    info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    info.foreign_loops = s->foreign_loops;
    info.user = s;
    info.pcontext = &s->ctx; // lws clears it when the context is finally gone
    s->ctx = lws_create_context(&info);
    if (!s->ctx) {
        free(s);
        return -1;
    }
    // The vhost is created explicitly so a failed bind is an error, not a log line.
    info.port = cfg->port;
    info.iface = cfg->host;
    info.options = LWS_SERVER_OPTION_DISABLE_IPV6 | LWS_SERVER_OPTION_VALIDATE_UTF8;
    info.max_http_header_data = 8192;
    info.timeout_secs = 30;
    info.keepalive_timeout = 60;
    // lws pings a WebSocket idle for 20 s and drops one silent for 60 s.
    static const lws_retry_bo_t idle_policy = {.secs_since_valid_ping = 20,
                                               .secs_since_valid_hangup = 60};
    info.retry_and_idle_policy = &idle_policy;
    if (!lws_create_vhost(s->ctx, &info)) {
        // Same two-step teardown as a normal stop; nothing else runs on the loop yet.
        http_server_stop(s);
        uv_run(loop, UV_RUN_DEFAULT);
        http_server_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

void http_server_stop(http_server *s)
{
    if (s && s->ctx)
        lws_context_destroy(s->ctx);
}

void http_server_free(http_server *s)
{
    if (!s)
        return;
    // With a foreign loop the first destroy (http_server_stop) closes connections and waits
    // for the loop to close lws's handles; this second call, after the loop has stopped,
    // frees what remains.
    if (s->ctx)
        lws_context_destroy(s->ctx);
    free(s);
}
