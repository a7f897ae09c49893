// SPDX-License-Identifier: MIT
// What server.c (connections, HTTP) and ws.c (WebSocket) share. Not for other modules.
#ifndef VOX_HTTP_SERVER_INT_H
#define VOX_HTTP_SERVER_INT_H

#include <uv.h>

#include "http/h1.h"
#include "http/server.h"

struct tls_conn;

enum conn_state {
    CONN_HTTP,    // reading requests
    CONN_WS,      // upgraded
    CONN_DRAINING // answered last; writes out what is queued, then half-closes and lingers
};

struct conn {
    uv_tcp_t tcp; // first: the handle's address is the connection's
    struct http_server *s;
    struct conn *next, *prev;           // http_server.conns
    struct conn *held_next, *held_prev; // http_server.held while an answer waits for commit
    struct conn *ready_next;            // http_server.ready while it has input to go over
    enum conn_state state;
    int held, ready, busy, reading, writing, eof, shut, closing;
    int linger; // draining: input is read and dropped until EOF or the deadline
    int ka10;   // the current request is HTTP/1.0 with "Connection: keep-alive"
    h1 h1;
    sbuf in; // received and not yet consumed (pipelined requests, WebSocket frames)
    size_t in_off;
    sbuf out, wout;  // queued, and the write in flight
    uint64_t queued; // bytes ever queued for the peer (what one turn of requests produced)
    uv_write_t wreq;
    uv_shutdown_t sreq;
    int64_t req_start_ms; // first byte of an unfinished request, or 0
    int64_t last_rx_ms;   // last byte received
    int64_t write_ms;     // the write in flight started then
    int64_t deadline_ms;  // lingering close ends here
    int64_t ping_ms;      // WebSocket: last ping we sent
    char *scratch;        // decoded target of the current request
    size_t scratch_cap;
    // The answer held until its writes are committed (group commit).
    http_resp pending;
    uint64_t pending_token;
    int pending_head, pending_close;
    char cors[256]; // Access-Control-Allow-Origin for the current answer, "" if none
    struct http_ws *ws;
    struct tls_conn *tls;
};

struct http_server {
    uv_loop_t *loop;
    uv_tcp_t listener;
    uv_timer_t sweep; // timeouts, keepalive pings, the Date header
    uv_idle_t idle;   // goes over http_server.ready while it is not empty
    struct http_server_config cfg;
    struct conn *conns;
    int nconns;
    struct conn *held;
    struct conn *ready;
    int stopping;
    int open_handles;
    char date[30];
    char rbuf[65536];
    struct tls_ctx *tls;
};

int64_t server_now(struct http_server *s);
// Queues bytes for the peer (through TLS when the connection has it) and starts a write.
void conn_send(struct conn *c, const void *data, size_t len);
// Writes what is queued, then half-closes and lingers before closing.
void conn_drain(struct conn *c);
// Closes now (after an I/O error, or at the end of a linger).
void conn_close(struct conn *c);

// ws.c: the upgrade of a request that asked for it, bytes of an upgraded connection, its
// timers, and the end of it.
void ws_upgrade(struct conn *c, http_req *req);
void ws_feed(struct conn *c, const uint8_t *data, size_t len);
void ws_sweep(struct conn *c, int64_t now_ms);
void ws_conn_closed(struct conn *c);
// After our queued bytes went out: the connection half-closes once the close frame is sent.
void ws_after_write(struct conn *c);

#endif
