// SPDX-License-Identifier: MIT
// A WebSocket client on a libuv TCP connection (RFC 6455): the opening handshake written by
// hand and its 101 answer read with http-parser (Sec-WebSocket-Accept checked), then frames
// through wslay in client mode (masking, control frames and pongs are wslay's).
#ifndef VOX_BENCH_WSC_H
#define VOX_BENCH_WSC_H

#include <netinet/in.h>
#include <stddef.h>
#include <uv.h>

struct wsc;

struct wsc_ops {
    // The upgrade succeeded: messages may be sent.
    void (*on_open)(void *user);
    // One whole text message; text is valid only during the call (not NUL-terminated).
    void (*on_message)(void *user, const char *text, size_t len);
    // The connection ended: refused upgrade (status is the HTTP status, why its body or the
    // reason), a close frame (status is its code), or a network error (status 0). Called once;
    // nothing is called after it, but the caller still owns w and must wsc_free() it.
    void (*on_end)(void *user, int status, const char *why);
};

// Connects to to and asks for path (with its query) to be upgraded. NULL when libuv cannot
// start the connection. Callbacks fire from the loop, never from inside wsc_new.
struct wsc *wsc_new(uv_loop_t *loop, const struct sockaddr_in *to, const char *path,
                    const struct wsc_ops *ops, void *user);
// Queues a text message and starts sending it; 0, or -1 when the connection is not open.
int wsc_send(struct wsc *w, const char *text, size_t len);
// Closes the connection (a close frame 1000 first when open) and frees w from the handle's
// close callback; no callback fires after this. NULL is fine.
void wsc_free(struct wsc *w);

#endif
