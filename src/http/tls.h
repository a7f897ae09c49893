// SPDX-License-Identifier: MIT
// TLS for HTTP and WebSocket connections (HTTPS/WSS): OpenSSL over memory BIOs, so the
// connection code keeps owning the socket and the TLS state machine owns only bytes.
#ifndef VOX_HTTP_TLS_H
#define VOX_HTTP_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "core/sbuf.h"

struct tls_ctx;
struct tls_conn;

// Loads a PEM certificate chain and private key; 0, or -1 after logging why.
int tls_ctx_new(const char *cert_file, const char *key_file, struct tls_ctx **out);
void tls_ctx_free(struct tls_ctx *t);

struct tls_conn *tls_conn_new(struct tls_ctx *t);
void tls_conn_free(struct tls_conn *c);
// Takes bytes from the peer: decrypted application data is appended to plain, and what TLS
// must send back (handshake, alerts, held application data once the handshake is done) to
// wire. 0, or -1 when the connection must be dropped.
int tls_conn_read(struct tls_conn *c, const uint8_t *data, size_t len, sbuf *plain, sbuf *wire);
// Encrypts application data into wire (held until the handshake is done).
void tls_conn_write(struct tls_conn *c, const void *data, size_t len, sbuf *wire);
// Appends a close_notify alert to wire.
void tls_conn_shutdown(struct tls_conn *c, sbuf *wire);

#endif
