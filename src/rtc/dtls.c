// SPDX-License-Identifier: MIT
// DTLS 1.2 through OpenSSL 3 for one peer connection: handshake over an in-memory datagram
// BIO, peer certificate checked against the SDP fingerprint (RFC 8122 section 5), use_srtp
// negotiation and SRTP master key export (RFC 5764 sections 4.1 and 4.2).
#include "rtc/dtls.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"

// What a browser negotiates; ECDSA suites first since our own key is ECDSA (the RSA ones
// serve only when we are the client of a peer with an RSA certificate).
#define CIPHERS                                                                                    \
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384:"   \
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384:"         \
    "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA"
#define SRTP_PROFILES_DEFAULT "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80"
#define SRTP_LABEL            "EXTRACTOR-dtls_srtp" // RFC 5764 section 4.2
#define CERT_DAYS             365 // peers check the fingerprint, never the validity dates

// Retransmission timer (mediasoup's values): 100 ms, doubling to 4 s. OpenSSL gives up on the
// expiry after its 12th retransmission, about 34 s in: close to ICE consent's 30 s.
#define TIMER_FIRST_US 100000u
#define TIMER_MAX_US   4000000u

struct dtls_cert {
    SSL_CTX *ctx;
    BIO_METHOD *bio_method; // the datagram BIO below, shared by every dtls of this cert
    char fingerprint[DTLS_FINGERPRINT_LEN];
};

struct dtls {
    SSL *ssl;
    enum dtls_role role;
    enum dtls_state state;
    dtls_send_cb send;
    void *user;
    const uint8_t *in; // the datagram dtls_feed() is processing, NULL once read
    size_t in_len;
    const EVP_MD *fp_md; // the remote fingerprint's hash and value
    uint8_t fp[EVP_MAX_MD_SIZE];
    unsigned fp_len;
    struct dtls_srtp_keys keys;
    char err[160];
};

static const struct {
    enum dtls_srtp_profile id;
    const char *openssl, *name;
    size_t salt_len;
} profiles[] = {
    {DTLS_SRTP_AEAD_AES_128_GCM, "SRTP_AEAD_AES_128_GCM", "AEAD_AES_128_GCM", 12},
    {DTLS_SRTP_AES128_CM_SHA1_80, "SRTP_AES128_CM_SHA1_80", "AES128_CM_SHA1_80", 14},
};

// ---- the datagram BIO ----
//
// BIO_s_mem would do for input, but it joins whatever is written into one byte stream, and a
// flight must leave as datagrams of at most DTLS_MTU bytes (OpenSSL 3.0 has no
// BIO_s_dgram_mem; that came in 3.2). During the handshake OpenSSL buffers a flight's records
// and flushes them whenever the next one would not fit the MTU, so each write reaching this
// BIO is one datagram for the send callback. Reads hand over the datagram dtls_feed() holds.

static int bio_write(BIO *b, const char *data, int len)
{
    struct dtls *d = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    if (len > 0)
        d->send(d->user, (const uint8_t *)data, (size_t)len);
    return len;
}

static int bio_read(BIO *b, char *out, int cap)
{
    struct dtls *d = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    if (!d->in || cap <= 0) {
        BIO_set_retry_read(b);
        return -1;
    }
    size_t n = d->in_len < (size_t)cap ? d->in_len : (size_t)cap; // truncates as recv() would
    memcpy(out, d->in, n);
    d->in = NULL;
    return (int)n;
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)b, (void)num, (void)ptr;
    switch (cmd) {
    case BIO_CTRL_FLUSH:
        return 1;
    case BIO_CTRL_DGRAM_QUERY_MTU:
    case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
        return DTLS_MTU;
    default:
        return 0; // pending bytes, peer address, MTU overhead, timeouts: none of ours
    }
}

static int bio_create(BIO *b)
{
    BIO_set_init(b, 1);
    return 1;
}

static BIO_METHOD *bio_method_new(void)
{
    BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "vox dtls datagram");
    if (!m)
        return NULL;
    BIO_meth_set_write(m, bio_write);
    BIO_meth_set_read(m, bio_read);
    BIO_meth_set_ctrl(m, bio_ctrl);
    BIO_meth_set_create(m, bio_create);
    return m;
}

// ---- fingerprints ----

static void hex_colons(const uint8_t *md, unsigned n, char *out)
{
    static const char digits[] = "0123456789ABCDEF";
    for (unsigned i = 0; i < n; i++) {
        out[3 * i] = digits[md[i] >> 4];
        out[3 * i + 1] = digits[md[i] & 15];
        out[3 * i + 2] = i + 1 < n ? ':' : '\0';
    }
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Parses "sha-256 AB:CD:..." (RFC 8122 section 5: hash name, one space, colon-separated
// hex of exactly the digest's size). 0 or VOX_EINVAL.
static int fingerprint_parse(struct dtls *d, const char *s)
{
    static const struct {
        const char *name;
        const EVP_MD *(*md)(void);
    } hashes[] = {{"sha-1", EVP_sha1},
                  {"sha-256", EVP_sha256},
                  {"sha-384", EVP_sha384},
                  {"sha-512", EVP_sha512}};
    const char *sp = s ? strchr(s, ' ') : NULL;
    if (!sp)
        return VOX_EINVAL;
    d->fp_md = NULL;
    for (size_t i = 0; i < sizeof hashes / sizeof hashes[0]; i++)
        if (strlen(hashes[i].name) == (size_t)(sp - s) && !strncasecmp(s, hashes[i].name, sp - s))
            d->fp_md = hashes[i].md();
    if (!d->fp_md)
        return VOX_EINVAL;
    d->fp_len = (unsigned)EVP_MD_get_size(d->fp_md);
    const char *p = sp + 1;
    for (unsigned i = 0; i < d->fp_len; i++) {
        int hi = hex_digit(p[0]), lo = hi < 0 ? -1 : hex_digit(p[1]);
        if (lo < 0)
            return VOX_EINVAL;
        d->fp[i] = (uint8_t)(hi << 4 | lo);
        char sep = p[2];
        if (sep != (i + 1 < d->fp_len ? ':' : '\0'))
            return VOX_EINVAL;
        p += 3;
    }
    return 0;
}

static int fingerprint_matches(const struct dtls *d, X509 *peer)
{
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    if (!peer || !X509_digest(peer, d->fp_md, md, &n) || n != d->fp_len)
        return 0;
    return CRYPTO_memcmp(md, d->fp, n) == 0;
}

// ---- the certificate ----

static const char *openssl_reason(void)
{
    const char *r = ERR_reason_error_string(ERR_peek_last_error());
    return r ? r : "unknown error";
}

// Replaces chain verification: WebRTC certificates are self-signed, and what authenticates
// the peer is that its certificate hashes to the fingerprint of the signaled SDP. Checking
// here (not only after the handshake) makes OpenSSL refuse with a bad_certificate alert, so
// the peer learns of the failure at once.
static int verify_cb(X509_STORE_CTX *store, void *arg)
{
    (void)arg;
    SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
    struct dtls *d = ssl ? SSL_get_app_data(ssl) : NULL;
    if (d && fingerprint_matches(d, X509_STORE_CTX_get0_cert(store)))
        return 1;
    if (d && !d->err[0])
        snprintf(d->err, sizeof d->err,
                 "the peer's certificate does not match the fingerprint of its SDP");
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
}

static X509 *cert_make(EVP_PKEY *key)
{
    X509 *x = X509_new();
    uint64_t serial = 0;
    if (!x || RAND_bytes((unsigned char *)&serial, sizeof serial) != 1)
        goto fail;
    X509_NAME *name = X509_get_subject_name(x);
    if (!X509_set_version(x, 2) ||
        !ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), serial >> 1) ||
        !X509_gmtime_adj(X509_getm_notBefore(x), -86400) ||
        !X509_gmtime_adj(X509_getm_notAfter(x), 86400L * CERT_DAYS) || !X509_set_pubkey(x, key) ||
        !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"voxd", -1, -1,
                                    0) ||
        !X509_set_issuer_name(x, name) || !X509_sign(x, key, EVP_sha256()))
        goto fail;
    return x;
fail:
    X509_free(x);
    return NULL;
}

static SSL_CTX *ctx_make(X509 *x, EVP_PKEY *key)
{
    SSL_CTX *ctx = SSL_CTX_new(DTLS_method());
    if (!ctx)
        return NULL;
    SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
                                 SSL_OP_CIPHER_SERVER_PREFERENCE);
    // No resumption in WebRTC, and no shared cache for worker threads to contend on.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    // No record is larger than a datagram (data channels' SCTP packets will fit one too):
    // this shrinks each connection's write buffer from 16 KB to under 2 KB.
    SSL_CTX_set_max_send_fragment(ctx, DTLS_MTU);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    SSL_CTX_set_cert_verify_callback(ctx, verify_cb, NULL);
    if (SSL_CTX_use_certificate(ctx, x) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1 || SSL_CTX_set_cipher_list(ctx, CIPHERS) != 1 ||
        SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384") != 1 ||
        SSL_CTX_set_tlsext_use_srtp(ctx, SRTP_PROFILES_DEFAULT) != 0) { // 0 is success here
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

struct dtls_cert *dtls_cert_new(void)
{
    struct dtls_cert *c = xcalloc(1, sizeof *c);
    X509 *x = NULL;
    uint8_t md[32];
    unsigned n = 0;
    EVP_PKEY *key = EVP_EC_gen("P-256");
    if (!key || !(x = cert_make(key)) || !(c->ctx = ctx_make(x, key)) ||
        !(c->bio_method = bio_method_new()) || !X509_digest(x, EVP_sha256(), md, &n) ||
        n != sizeof md)
        goto fail;
    hex_colons(md, n, c->fingerprint);
    X509_free(x);
    EVP_PKEY_free(key);
    return c;
fail:
    log_error("dtls: cannot make the certificate", "reason=\"%s\"", openssl_reason());
    ERR_clear_error();
    X509_free(x);
    EVP_PKEY_free(key);
    dtls_cert_free(c);
    return NULL;
}

void dtls_cert_free(struct dtls_cert *cert)
{
    if (!cert)
        return;
    SSL_CTX_free(cert->ctx);
    BIO_meth_free(cert->bio_method);
    free(cert);
}

const char *dtls_cert_fingerprint(const struct dtls_cert *cert)
{
    return cert->fingerprint;
}

// ---- the connection ----

static unsigned int timer_cb(SSL *ssl, unsigned int prev_us)
{
    (void)ssl;
    if (prev_us == 0)
        return TIMER_FIRST_US;
    return prev_us >= TIMER_MAX_US / 2 ? TIMER_MAX_US : 2 * prev_us;
}

struct dtls *dtls_new(struct dtls_cert *cert, enum dtls_role role, const char *remote_fingerprint,
                      dtls_send_cb send, void *user)
{
    ASSERT(cert && send);
    struct dtls *d = xcalloc(1, sizeof *d);
    d->role = role;
    d->send = send;
    d->user = user;
    BIO *bio = NULL;
    if (fingerprint_parse(d, remote_fingerprint) < 0)
        goto fail;
    if (!(d->ssl = SSL_new(cert->ctx)) || !(bio = BIO_new(cert->bio_method)))
        goto fail;
    BIO_set_data(bio, d);
    SSL_set_bio(d->ssl, bio, bio); // one reference, owned by the SSL from here on
    SSL_set_app_data(d->ssl, d);
    if (role == DTLS_ROLE_CLIENT)
        SSL_set_connect_state(d->ssl);
    else
        SSL_set_accept_state(d->ssl);
    // The MTU is the datagram size: BIO_CTRL_DGRAM_GET_MTU_OVERHEAD answers 0.
    if (!SSL_set_mtu(d->ssl, DTLS_MTU))
        goto fail;
    DTLS_set_timer_cb(d->ssl, timer_cb);
    return d;
fail:
    ERR_clear_error();
    dtls_free(d);
    return NULL;
}

void dtls_free(struct dtls *d)
{
    if (!d)
        return;
    SSL_free(d->ssl);
    OPENSSL_cleanse(&d->keys, sizeof d->keys);
    free(d);
}

int dtls_set_srtp_profiles(struct dtls *d, const enum dtls_srtp_profile *list, size_t n)
{
    if (d->state != DTLS_STATE_NEW)
        return VOX_ECONFLICT;
    char names[128] = "";
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = NULL;
        for (size_t j = 0; j < sizeof profiles / sizeof profiles[0]; j++)
            if (profiles[j].id == list[i])
                name = profiles[j].openssl;
        if (!name)
            return VOX_EINVAL;
        int w = snprintf(names + used, sizeof names - used, "%s%s", used ? ":" : "", name);
        if (w < 0 || (size_t)w >= sizeof names - used)
            return VOX_EINVAL;
        used += (size_t)w;
    }
    ERR_clear_error();
    if (n == 0 || SSL_set_tlsext_use_srtp(d->ssl, names) != 0) { // 0 is success here
        ERR_clear_error();
        return VOX_EINVAL;
    }
    return 0;
}

// Moves to failed with a reason (unless a more precise one, such as the fingerprint check's,
// was set first), and empties this thread's OpenSSL error queue, which every peer of the
// worker shares.
static int set_failed(struct dtls *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int set_failed(struct dtls *d, const char *fmt, ...)
{
    if (!d->err[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(d->err, sizeof d->err, fmt, ap);
        va_end(ap);
    }
    ERR_clear_error();
    d->state = DTLS_STATE_FAILED;
    log_debug("dtls: failed", "role=%s reason=\"%s\"",
              d->role == DTLS_ROLE_CLIENT ? "client" : "server", d->err);
    return VOX_EIO;
}

// Maps an SSL call's result: waiting for more input is normal, close_notify closes, and
// anything else is fatal (OpenSSL has already sent the alert through the BIO).
static int on_ssl_result(struct dtls *d, int rc, const char *what)
{
    switch (SSL_get_error(d->ssl, rc)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        return 0;
    case SSL_ERROR_ZERO_RETURN:
        SSL_shutdown(d->ssl); // answer the peer's close_notify with ours
        ERR_clear_error();
        d->state = DTLS_STATE_CLOSED;
        return VOX_ECONFLICT;
    default:
        return set_failed(d, "%s failed: %s", what, openssl_reason());
    }
}

// RFC 5764 section 4.2: the exporter yields client key, server key, client salt, server
// salt; the client's write key protects what the client sends.
static int export_keys(struct dtls *d, const SRTP_PROTECTION_PROFILE *p)
{
    struct dtls_srtp_keys *k = &d->keys;
    k->profile = DTLS_SRTP_NONE;
    for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
        if (profiles[i].id == (enum dtls_srtp_profile)p->id) {
            k->profile = profiles[i].id;
            k->salt_len = profiles[i].salt_len;
        }
    if (k->profile == DTLS_SRTP_NONE)
        return set_failed(d, "the peer chose SRTP profile %lu, which was not offered", p->id);
    k->key_len = 16;
    uint8_t m[2 * (DTLS_SRTP_KEY_MAX + DTLS_SRTP_SALT_MAX)];
    size_t kl = k->key_len, sl = k->salt_len;
    if (SSL_export_keying_material(d->ssl, m, 2 * (kl + sl), SRTP_LABEL, strlen(SRTP_LABEL), NULL,
                                   0, 0) != 1)
        return set_failed(d, "SRTP key export failed: %s", openssl_reason());
    int client = d->role == DTLS_ROLE_CLIENT;
    memcpy(k->local_key, m + (client ? 0 : kl), kl);
    memcpy(k->remote_key, m + (client ? kl : 0), kl);
    memcpy(k->local_salt, m + 2 * kl + (client ? 0 : sl), sl);
    memcpy(k->remote_salt, m + 2 * kl + (client ? sl : 0), sl);
    OPENSSL_cleanse(m, sizeof m);
    return 0;
}

static int on_handshake_done(struct dtls *d)
{
    // The verify callback has checked the certificate already; this guards against a
    // handshake that completed without running it.
    const SRTP_PROTECTION_PROFILE *p = SSL_get_selected_srtp_profile(d->ssl);
    int rc;
    if (!fingerprint_matches(d, SSL_get0_peer_certificate(d->ssl)))
        rc = set_failed(d, "the peer's certificate does not match the fingerprint of its SDP");
    else if (!p)
        rc = set_failed(d, "the peer negotiated no SRTP profile (use_srtp)");
    else
        rc = export_keys(d, p);
    if (rc < 0) {
        SSL_shutdown(d->ssl); // tell the peer, which considers itself connected
        ERR_clear_error();
        return rc;
    }
    d->state = DTLS_STATE_CONNECTED;
    log_debug("dtls: connected", "role=%s profile=%s",
              d->role == DTLS_ROLE_CLIENT ? "client" : "server",
              dtls_srtp_profile_name(d->keys.profile));
    return 1;
}

static int terminal_code(const struct dtls *d)
{
    return d->state == DTLS_STATE_FAILED ? VOX_EIO : VOX_ECONFLICT;
}

int dtls_start(struct dtls *d)
{
    if (d->state != DTLS_STATE_NEW)
        return d->state == DTLS_STATE_FAILED || d->state == DTLS_STATE_CLOSED ? terminal_code(d)
                                                                              : 0;
    d->state = DTLS_STATE_HANDSHAKING;
    ERR_clear_error();
    int rc = SSL_do_handshake(d->ssl);
    return rc == 1 ? on_handshake_done(d) : on_ssl_result(d, rc, "handshake");
}

// After the handshake, reading lets OpenSSL answer a retransmitted Finished (the peer lost
// our last flight) and act on alerts. Data channel records would arrive here; until SCTP is
// wired they are read and dropped.
static int read_connected(struct dtls *d)
{
    uint8_t buf[2048];
    int rc;
    while ((rc = SSL_read(d->ssl, buf, sizeof buf)) > 0)
        ;
    return on_ssl_result(d, rc, "read");
}

int dtls_feed(struct dtls *d, const uint8_t *in, size_t len)
{
    if (len == 0 || in[0] < 20 || in[0] > 63) // RFC 7983 section 7
        return VOX_EINVAL;
    if (d->state == DTLS_STATE_FAILED || d->state == DTLS_STATE_CLOSED)
        return terminal_code(d);
    if (d->state == DTLS_STATE_NEW) {
        int rc = dtls_start(d);
        if (rc < 0)
            return rc;
    }
    d->in = in;
    d->in_len = len;
    ERR_clear_error();
    int rc;
    if (d->state == DTLS_STATE_HANDSHAKING) {
        rc = SSL_do_handshake(d->ssl);
        rc = rc == 1 ? on_handshake_done(d) : on_ssl_result(d, rc, "handshake");
    } else {
        rc = read_connected(d);
    }
    d->in = NULL; // whatever OpenSSL did not read of it is dropped with it
    return rc;
}

int dtls_timeout_ms(const struct dtls *d)
{
    struct timeval tv;
    if (d->state != DTLS_STATE_HANDSHAKING && d->state != DTLS_STATE_CONNECTED)
        return -1;
    if (DTLSv1_get_timeout(d->ssl, &tv) != 1)
        return -1;
    long ms = tv.tv_sec * 1000L + (tv.tv_usec + 999) / 1000; // rounded up: expired by then
    return ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}

int dtls_on_timeout(struct dtls *d)
{
    if (d->state == DTLS_STATE_FAILED || d->state == DTLS_STATE_CLOSED)
        return terminal_code(d);
    if (d->state == DTLS_STATE_NEW)
        return 0;
    ERR_clear_error();
    if (DTLSv1_handle_timeout(d->ssl) < 0)
        return set_failed(d, "handshake timed out: no answer to 12 retransmissions");
    return 0;
}

void dtls_close(struct dtls *d)
{
    if (d->state != DTLS_STATE_HANDSHAKING && d->state != DTLS_STATE_CONNECTED)
        return;
    ERR_clear_error();
    SSL_shutdown(d->ssl);
    ERR_clear_error();
    d->state = DTLS_STATE_CLOSED;
}

enum dtls_state dtls_state(const struct dtls *d)
{
    return d->state;
}

const char *dtls_state_name(enum dtls_state st)
{
    static const char *const names[] = {"new", "handshaking", "connected", "failed", "closed"};
    return (unsigned)st < sizeof names / sizeof names[0] ? names[st] : "unknown";
}

const char *dtls_error(const struct dtls *d)
{
    return d->err;
}

enum dtls_role dtls_role(const struct dtls *d)
{
    return d->role;
}

int dtls_srtp_keys(const struct dtls *d, struct dtls_srtp_keys *out)
{
    if (d->state != DTLS_STATE_CONNECTED)
        return VOX_ECONFLICT;
    *out = d->keys;
    return 0;
}

const char *dtls_srtp_profile_name(enum dtls_srtp_profile p)
{
    for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
        if (profiles[i].id == p)
            return profiles[i].name;
    return "none";
}
