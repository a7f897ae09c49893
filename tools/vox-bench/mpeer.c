// SPDX-License-Identifier: MIT
// A peer connection as a browser runs it against an ICE-lite server: we are the controlling
// agent (RFC 8445 section 6.1.1) and nominate the one candidate pair aggressively, so every
// check carries USE-CANDIDATE; consent freshness (RFC 7675) keeps voxd's 30 s timer fed.
// Datagrams are told apart by their first byte (RFC 7983).
#include "mpeer.h"

#include <linux/sockios.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "core/clock.h"
#include "core/mem.h"
#include "media/rtp.h"
#include "net/udp.h"
#include "rtc/dtls.h"
#include "rtc/rtp_crypto.h"
#include "rtc/stun.h"

#define MS               1000000ull
#define CHECK_EVERY_NS   (100 * MS)   // check retransmission while ICE runs
#define ICE_TIMEOUT_NS   (10000 * MS) // no answer by then: failed
#define DTLS_TIMEOUT_NS  (15000 * MS) // handshake not done by then: failed
#define CONSENT_EVERY_NS (5000 * MS)
#define CHECK_PRIORITY   1853824767u // a peer-reflexive candidate's priority, as browsers send
#define UFRAG_LEN        8
#define PWD_LEN          24

struct mpeer {
    struct udp udp; // first: the close callback gets the handle, which is udp.handle
    const struct mpeer_ops *ops;
    void *user;
    struct dtls_cert *cert;
    char ufrag[UFRAG_LEN + 1], pwd[PWD_LEN + 1];
    struct mpeer_remote rem;
    char username[2 * SDP_ICE_MAX + 2];
    enum mpeer_state state;
    char error[128];
    uint8_t txid[STUN_TXID_LEN];
    uint64_t tie_breaker;
    uint64_t next_check_ns, deadline_ns;
    struct dtls *dtls;
    struct rtp_crypto *crypto;
    size_t rtp_overhead;
    struct mpeer_stats st;
    uint8_t scratch[UDP_MTU];
    bool freeing;
};

static void random_ice_chars(char *out, size_t n)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint8_t raw[64];
    RAND_bytes(raw, (int)n);
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[raw[i] & 63];
    out[n] = '\0';
}

static void set_state(struct mpeer *m, enum mpeer_state st)
{
    m->state = st;
    if (!m->freeing && m->ops->on_state)
        m->ops->on_state(m->user, m, st);
}

static void fail(struct mpeer *m, const char *why)
{
    if (m->state == MPEER_FAILED)
        return;
    snprintf(m->error, sizeof m->error, "%s", why);
    set_state(m, MPEER_FAILED);
}

static void send_check(struct mpeer *m, bool fresh_txid)
{
    if (fresh_txid)
        RAND_bytes(m->txid, sizeof m->txid);
    uint8_t out[512];
    int n =
        stun_write_binding_request(out, sizeof out, m->txid, m->username, CHECK_PRIORITY, true,
                                   m->tie_breaker, (const uint8_t *)m->rem.pwd, strlen(m->rem.pwd));
    if (n <= 0)
        return;
    udp_send(&m->udp, out, (size_t)n, (const struct sockaddr *)&m->rem.addr);
    m->st.checks_sent++;
}

static void dtls_out(void *user, const uint8_t *data, size_t len)
{
    struct mpeer *m = user;
    udp_send(&m->udp, data, len, (const struct sockaddr *)&m->rem.addr);
}

static void on_stun(struct mpeer *m, const uint8_t *buf, size_t len, uint64_t now)
{
    struct stun_msg s;
    if (stun_parse(&s, buf, len) || s.cls != STUN_SUCCESS ||
        memcmp(s.txid, m->txid, STUN_TXID_LEN) != 0 ||
        stun_check_integrity(&s, buf, len, (const uint8_t *)m->rem.pwd, strlen(m->rem.pwd))) {
        m->st.stun_bad++;
        return;
    }
    m->st.checks_answered++;
    if (m->state != MPEER_ICE)
        return; // a consent answer
    m->st.t_ice_ns = now;
    m->dtls = dtls_new(m->cert, DTLS_ROLE_CLIENT, m->rem.fingerprint, dtls_out, m);
    if (!m->dtls) {
        fail(m, "voxd's fingerprint is malformed");
        return;
    }
    m->state = MPEER_DTLS;
    m->deadline_ns = now + DTLS_TIMEOUT_NS;
    m->next_check_ns = now + CONSENT_EVERY_NS;
    if (dtls_start(m->dtls) != 0)
        fail(m, "DTLS did not start");
}

static void on_dtls(struct mpeer *m, const uint8_t *buf, size_t len, uint64_t now)
{
    if (!m->dtls || m->state == MPEER_FAILED)
        return;
    int rc = dtls_feed(m->dtls, buf, len);
    if (rc < 0 && m->state != MPEER_CONNECTED) {
        fail(m, dtls_error(m->dtls)[0] ? dtls_error(m->dtls) : "DTLS closed");
        return;
    }
    if (rc != 1)
        return;
    struct dtls_srtp_keys keys;
    if (dtls_srtp_keys(m->dtls, &keys) || !(m->crypto = rtp_crypto_new(&keys))) {
        fail(m, "SRTP setup failed");
        return;
    }
    m->rtp_overhead = rtp_crypto_rtp_overhead(m->crypto);
    m->st.t_dtls_ns = now;
    set_state(m, MPEER_CONNECTED);
}

// When the kernel queued the datagram just read (CLOCK_REALTIME): the time voxd's send put
// it on our socket, before our loop got to it (socket(7), SIOCGSTAMP).
static uint64_t kernel_time(struct mpeer *m)
{
    uv_os_fd_t fd;
    struct timespec ts;
    if (uv_fileno((uv_handle_t *)&m->udp.handle, &fd) || ioctl(fd, SIOCGSTAMPNS, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void on_media(struct mpeer *m, const uint8_t *buf, size_t len, uint64_t now)
{
    if (!m->crypto || len > sizeof m->scratch)
        return;
    memcpy(m->scratch, buf, len);
    size_t n = len;
    if (rtp_is_rtcp(m->scratch, n)) {
        if (rtp_crypto_unprotect_rtcp(m->crypto, m->scratch, &n)) {
            m->st.srtp_fail++;
            return;
        }
        m->st.rx_rtcp++;
        if (m->ops->on_rtcp)
            m->ops->on_rtcp(m->user, m, m->scratch, n);
        return;
    }
    if (rtp_crypto_unprotect_rtp(m->crypto, m->scratch, &n)) {
        m->st.srtp_fail++;
        return;
    }
    m->st.rx_rtp++;
    m->ops->on_rtp(m->user, m, m->scratch, n, now, kernel_time(m));
}

static void on_datagram(void *user, const uint8_t *data, size_t len, const struct sockaddr *from)
{
    struct mpeer *m = user;
    (void)from; // only voxd knows this port; SRTP and STUN integrity authenticate the rest
    if (m->freeing || len == 0)
        return;
    m->st.rx_packets++;
    m->st.rx_bytes += len;
    uint64_t now = clock_mono_ns();
    uint8_t b = data[0];
    if (b <= 3)
        on_stun(m, data, len, now);
    else if (b >= 20 && b <= 63)
        on_dtls(m, data, len, now);
    else if (b >= 128 && b <= 191)
        on_media(m, data, len, now);
}

static void on_burst(void *user)
{
    struct mpeer *m = user;
    udp_flush(&m->udp); // STUN and DTLS answers to what was just read
}

// The handle's data is its struct udp, the first member of struct mpeer.
static void on_closed(uv_handle_t *h)
{
    free(h->data);
}

struct mpeer *mpeer_new(uv_loop_t *loop, struct dtls_cert *cert, const struct mpeer_ops *ops,
                        void *user, char *err, size_t errcap)
{
    struct mpeer *m = xcalloc(1, sizeof *m);
    int rc = udp_open(&m->udp, loop, "127.0.0.1", 0, on_datagram, on_burst, m);
    if (rc) {
        snprintf(err, errcap, "UDP socket: %s", uv_strerror(rc));
        if (m->udp.closed)
            m->udp.user_close = on_closed; // a handle is closing: free m once it has
        else
            free(m);
        return NULL;
    }
    // The first SIOCGSTAMPNS turns receive timestamps on for the socket (it answers ENOENT
    // now). SO_TIMESTAMPNS must stay off: with it the kernel puts times in control messages,
    // which libuv does not ask for, instead of the socket's last-packet time.
    kernel_time(m);
    m->ops = ops;
    m->user = user;
    m->cert = cert;
    random_ice_chars(m->ufrag, UFRAG_LEN);
    random_ice_chars(m->pwd, PWD_LEN);
    RAND_bytes((uint8_t *)&m->tie_breaker, sizeof m->tie_breaker);
    return m;
}

void mpeer_free(struct mpeer *m)
{
    if (!m || m->freeing)
        return;
    m->freeing = true;
    if (m->dtls && m->state == MPEER_CONNECTED)
        dtls_close(m->dtls); // a close_notify, as a browser that hangs up sends
    udp_flush(&m->udp);
    dtls_free(m->dtls);
    m->dtls = NULL;
    rtp_crypto_free(m->crypto);
    m->crypto = NULL;
    udp_close(&m->udp, on_closed);
}

const char *mpeer_ufrag(const struct mpeer *m)
{
    return m->ufrag;
}

const char *mpeer_pwd(const struct mpeer *m)
{
    return m->pwd;
}

int mpeer_port(const struct mpeer *m)
{
    return m->udp.port;
}

enum mpeer_state mpeer_state(const struct mpeer *m)
{
    return m->state;
}

const char *mpeer_error(const struct mpeer *m)
{
    return m->error;
}

const struct mpeer_stats *mpeer_stats(const struct mpeer *m)
{
    return &m->st;
}

const char *mpeer_remote_ufrag(const struct mpeer *m)
{
    return m->rem.ufrag;
}

void mpeer_start(struct mpeer *m, const struct mpeer_remote *r, uint64_t now_ns)
{
    if (m->state != MPEER_IDLE)
        return;
    m->rem = *r;
    // The receiver's ufrag comes first in USERNAME (RFC 8445 section 7.2.2).
    snprintf(m->username, sizeof m->username, "%s:%s", r->ufrag, m->ufrag);
    m->state = MPEER_ICE;
    m->deadline_ns = now_ns + ICE_TIMEOUT_NS;
    m->next_check_ns = now_ns + CHECK_EVERY_NS;
    send_check(m, true);
    udp_flush(&m->udp);
}

void mpeer_tick(struct mpeer *m, uint64_t now)
{
    switch (m->state) {
    case MPEER_ICE:
        if (now >= m->deadline_ns) {
            fail(m, "no answer to ICE checks within 10 s");
        } else if (now >= m->next_check_ns) {
            send_check(m, false); // a retransmission keeps its transaction id
            m->next_check_ns = now + CHECK_EVERY_NS;
        }
        break;
    case MPEER_DTLS:
        if (now >= m->deadline_ns)
            fail(m, "DTLS handshake not done within 15 s");
        else if (dtls_timeout_ms(m->dtls) == 0 && dtls_on_timeout(m->dtls) < 0)
            fail(m, dtls_error(m->dtls));
        break;
    case MPEER_CONNECTED:
        if (now >= m->next_check_ns) {
            send_check(m, true);
            m->next_check_ns = now + CONSENT_EVERY_NS;
        }
        break;
    default:
        break;
    }
    if (m->udp.nout)
        udp_flush(&m->udp);
}

uint8_t *mpeer_rtp_slot(struct mpeer *m)
{
    return m->state == MPEER_CONNECTED ? udp_slot(&m->udp) : NULL;
}

size_t mpeer_rtp_room(const struct mpeer *m)
{
    return UDP_MTU - m->rtp_overhead;
}

int mpeer_rtp_commit(struct mpeer *m, uint8_t *slot, size_t len)
{
    if (m->state != MPEER_CONNECTED || rtp_crypto_protect_rtp(m->crypto, slot, &len, UDP_MTU))
        return -1; // not committed: the next slot is the same one
    udp_commit(&m->udp, len, (const struct sockaddr *)&m->rem.addr);
    m->st.tx_packets++;
    return 0;
}

int mpeer_send_rtcp(struct mpeer *m, const uint8_t *pkt, size_t len)
{
    if (m->state != MPEER_CONNECTED || len + RTP_CRYPTO_MAX_OVERHEAD > UDP_MTU)
        return -1;
    uint8_t *slot = udp_slot(&m->udp);
    memcpy(slot, pkt, len);
    if (rtp_crypto_protect_rtcp(m->crypto, slot, &len, UDP_MTU))
        return -1;
    udp_commit(&m->udp, len, (const struct sockaddr *)&m->rem.addr);
    return 0;
}

void mpeer_flush(struct mpeer *m)
{
    if (m->udp.nout)
        udp_flush(&m->udp);
}
