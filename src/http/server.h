// SPDX-License-Identifier: MIT
// HTTP/1.1 and WebSocket server on the caller's libuv loop: our own TCP handling, requests
// read by http-parser (http/h1.c), WebSocket frames by wslay (http/ws.c).
#ifndef VOX_HTTP_SERVER_H
#define VOX_HTTP_SERVER_H

#include <uv.h>

#include "http/http.h"

typedef struct http_server http_server;

// Called once per complete request on the loop thread; fills resp (status defaults to 200).
typedef void (*http_dispatch_cb)(void *user, http_req *req, http_resp *resp);

// Group commit hooks (both optional). After dispatch, defer() returns nonzero when the answer
// depends on writes not yet durable; the server then holds the answer until
// http_server_flush(), which calls commit(user, token) first: nonzero means those writes
// failed and the client gets a 500 instead.
typedef uint64_t (*http_defer_cb)(void *user);
typedef int (*http_commit_cb)(void *user, uint64_t token);

// One WebSocket connection; owned by the server, valid from ws_open until ws_closed returns.
typedef struct http_ws http_ws;

// WebSocket hooks (all optional; without ws_check every upgrade is refused).
struct http_ws_handlers {
    // An upgrade request: 0 accepts; otherwise an HTTP status to refuse with, and a JSON body
    // in refusal.
    int (*ws_check)(void *user, const http_req *req, sbuf *refusal);
    // The connection is open; returns the handler's per-connection object.
    void *(*ws_open)(void *user, const http_req *req, http_ws *ws);
    // One whole text message, valid UTF-8, at most HTTP_WS_MAX_MESSAGE bytes (bigger ones
    // close the connection with 1009 before reaching here).
    void (*ws_message)(void *user, void *conn, const char *data, size_t len);
    // A ping frame arrived (already answered with a pong): counts toward rate limits.
    void (*ws_ping)(void *user, void *conn);
    // The connection is gone; conn and ws must not be used after this returns.
    void (*ws_closed)(void *user, void *conn);
    void *user; // passed to every hook above (the server's user is for HTTP requests)
};

#define HTTP_WS_MAX_MESSAGE (16 * 1024)

struct http_server_config {
    const char *host; // IP address to bind, e.g. "127.0.0.1"
    int port;
    http_dispatch_cb dispatch;
    http_defer_cb defer;
    http_commit_cb commit;
    struct http_ws_handlers ws;
    void *user;
    int header_timeout_s;           // a request must be whole this long after its first byte (408)
    int idle_timeout_s;             // an idle keep-alive connection is closed after this long
    int max_connections;            // more are answered 503 and closed (default 10000)
    const char *cors_origins;       // comma-separated allowed Origins, "*", or NULL for no CORS
    const char *tls_cert, *tls_key; // PEM files: serve HTTPS/WSS when both are set
};

// Writes the answers that waited for the batch commit (call right after committing, once per
// loop iteration). Safe on NULL.
void http_server_flush(http_server *s);

// Queues a text message; messages go out in order. A connection whose queue passes 4 MiB is
// too slow to keep and is closed (4009).
void http_ws_send(http_ws *ws, const char *data, size_t len);
// Closes after the queued messages are sent, with a WebSocket close code and reason.
void http_ws_close(http_ws *ws, int code, const char *reason);

// Starts listening; 0 on success, negative on failure (port in use, bad address, TLS files).
int http_server_new(uv_loop_t *loop, const struct http_server_config *cfg, http_server **out);
// Stops accepting and closes every connection; the loop must run afterwards so libuv handles
// can close. Safe on NULL.
void http_server_stop(http_server *s);
// Frees the server once the loop has stopped (after http_server_stop). Safe on NULL.
void http_server_free(http_server *s);

#endif
