// SPDX-License-Identifier: MIT
// Memory-BIO TLS: rbio gets what the socket read, wbio collects what the socket must write.
#include "http/tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdlib.h>

#include "core/log.h"
#include "core/mem.h"

struct tls_ctx {
    SSL_CTX *ctx;
};

struct tls_conn {
    SSL *ssl;
    BIO *rbio, *wbio;
    sbuf held; // application data written before the handshake finished
};

static void log_ssl_error(const char *what, const char *file)
{
    char buf[256];
    ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
    log_error(what, "file=%s error=\"%s\"", file ? file : "", buf);
}

int tls_ctx_new(const char *cert_file, const char *key_file, struct tls_ctx **out)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx)
        return log_ssl_error("cannot create TLS context", NULL), -1;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_RELEASE_BUFFERS);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) {
        log_ssl_error("cannot load TLS certificate", cert_file);
        SSL_CTX_free(ctx);
        return -1;
    }
    if (!key_file || SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        log_ssl_error("cannot load TLS key (or it does not match the certificate)", key_file);
        SSL_CTX_free(ctx);
        return -1;
    }
    struct tls_ctx *t = xcalloc(1, sizeof *t);
    t->ctx = ctx;
    *out = t;
    return 0;
}

void tls_ctx_free(struct tls_ctx *t)
{
    if (!t)
        return;
    SSL_CTX_free(t->ctx);
    free(t);
}

struct tls_conn *tls_conn_new(struct tls_ctx *t)
{
    struct tls_conn *c = xcalloc(1, sizeof *c);
    c->ssl = SSL_new(t->ctx);
    c->rbio = BIO_new(BIO_s_mem());
    c->wbio = BIO_new(BIO_s_mem());
    if (!c->ssl || !c->rbio || !c->wbio)
        abort(); // allocation failure, as everywhere else
    BIO_set_mem_eof_return(c->rbio, -1);
    SSL_set_bio(c->ssl, c->rbio, c->wbio);
    SSL_set_accept_state(c->ssl);
    sbuf_init(&c->held);
    return c;
}

void tls_conn_free(struct tls_conn *c)
{
    if (!c)
        return;
    SSL_free(c->ssl); // frees both BIOs
    sbuf_fini(&c->held);
    free(c);
}

static void drain_wbio(struct tls_conn *c, sbuf *wire)
{
    char buf[16384];
    int n;
    while ((n = BIO_read(c->wbio, buf, sizeof buf)) > 0)
        sbuf_append(wire, buf, (size_t)n);
}

static void encrypt(struct tls_conn *c, const void *data, size_t len, sbuf *wire)
{
    const char *p = data;
    while (len) {
        int n = SSL_write(c->ssl, p, len > (1u << 30) ? 1 << 30 : (int)len);
        if (n <= 0)
            break; // the connection failed; the next read reports it
        p += n;
        len -= (size_t)n;
        drain_wbio(c, wire);
    }
    drain_wbio(c, wire);
}

int tls_conn_read(struct tls_conn *c, const uint8_t *data, size_t len, sbuf *plain, sbuf *wire)
{
    if (len && BIO_write(c->rbio, data, (int)len) != (int)len)
        return -1;
    char buf[16384];
    for (;;) {
        int n = SSL_read(c->ssl, buf, sizeof buf);
        if (n > 0) {
            sbuf_append(plain, buf, (size_t)n);
            continue;
        }
        int err = SSL_get_error(c->ssl, n);
        drain_wbio(c, wire);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
            break;
        ERR_clear_error();
        return err == SSL_ERROR_ZERO_RETURN ? 0 : -1;
    }
    if (c->held.len && SSL_is_init_finished(c->ssl)) {
        encrypt(c, c->held.data, c->held.len, wire);
        sbuf_reset(&c->held);
    }
    return 0;
}

void tls_conn_write(struct tls_conn *c, const void *data, size_t len, sbuf *wire)
{
    if (!SSL_is_init_finished(c->ssl)) {
        sbuf_append(&c->held, data, len);
        return;
    }
    encrypt(c, data, len, wire);
}

void tls_conn_shutdown(struct tls_conn *c, sbuf *wire)
{
    if (SSL_is_init_finished(c->ssl))
        SSL_shutdown(c->ssl);
    drain_wbio(c, wire);
}
