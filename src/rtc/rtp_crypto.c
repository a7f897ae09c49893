// SPDX-License-Identifier: MIT
// SRTP/SRTCP sessions of one peer connection over libsrtp2: an inbound session keyed with the
// remote master key and an outbound one with the local key (RFC 5764 section 4.2), each a
// template for any SSRC (RFC 3711 section 3.2.3 key sharing by SSRC).
#include "rtc/rtp_crypto.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <srtp2/srtp.h>
#ifdef VOX_SRTP_NSS
#include <nss.h>
#endif

#include "core/log.h"
#include "core/mem.h"

struct rtp_crypto {
    srtp_t in, out;
    enum dtls_srtp_profile profile;
    size_t rtp_overhead, rtcp_overhead;
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static srtp_err_status_t init_status = srtp_err_status_init_fail;

#ifdef VOX_SRTP_NSS
// A libsrtp2 built on NSS (Debian's) starts NSS itself with NSS_NoDB_Init, which asks the
// softoken to optimize for space: its table of key objects then has 32 buckets, every SRTP
// session adds its keys to it, and every packet looks its key up there. With 2,000 peers
// that lookup walks chains of hundreds and protecting one packet costs 13 us instead of 0.8.
// Started here first, without that flag, the table has 1,024 buckets (2.2 us at 2,000 peers,
// measured in docs/PERFORMANCE.md) and libsrtp finds NSS already running. The context lives
// as long as the process.
static int nss_start(void)
{
    if (NSS_IsInitialized())
        return 0;
    NSSInitContext *ctx = NSS_InitContext("", "", "", "", NULL,
                                          NSS_INIT_READONLY | NSS_INIT_NOCERTDB | NSS_INIT_NOMODDB |
                                              NSS_INIT_FORCEOPEN | NSS_INIT_NOROOTINIT);
    if (!ctx) {
        log_error("rtp_crypto: NSS_InitContext failed", "error=%d", (int)PORT_GetError());
        return -1;
    }
    return 0;
}
#else
static int nss_start(void)
{
    return 0;
}
#endif

static void global_init(void)
{
    if (nss_start() != 0)
        return;
    init_status = srtp_init();
    if (init_status != srtp_err_status_ok)
        log_error("rtp_crypto: srtp_init failed", "status=%d", (int)init_status);
}

int rtp_crypto_global_init(void)
{
    pthread_once(&init_once, global_init);
    return init_status == srtp_err_status_ok ? 0 : RTP_CRYPTO_EOTHER;
}

static int status_code(srtp_err_status_t st)
{
    switch (st) {
    case srtp_err_status_ok:
        return 0;
    case srtp_err_status_auth_fail:
        return RTP_CRYPTO_EAUTH;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
        return RTP_CRYPTO_EREPLAY;
    default:
        return RTP_CRYPTO_EOTHER;
    }
}

// One direction's session. libsrtp derives its session keys at once, so the master key
// copied here is wiped before returning.
static srtp_t session_new(const struct dtls_srtp_keys *k, int inbound)
{
    srtp_policy_t pol;
    memset(&pol, 0, sizeof pol);
    if (k->profile == DTLS_SRTP_AEAD_AES_128_GCM) {
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtcp);
    } else {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtcp);
    }
    uint8_t master[DTLS_SRTP_KEY_MAX + DTLS_SRTP_SALT_MAX]; // key then salt, as libsrtp wants
    memcpy(master, inbound ? k->remote_key : k->local_key, k->key_len);
    memcpy(master + k->key_len, inbound ? k->remote_salt : k->local_salt, k->salt_len);
    pol.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
    pol.key = master;
    pol.window_size = RTP_CRYPTO_REPLAY_WINDOW;
    // An SFU resends a packet it cached when a subscriber NACKs it without RTX: same SSRC,
    // same sequence number, same bytes.
    pol.allow_repeat_tx = !inbound;
    srtp_t s = NULL;
    srtp_err_status_t st = srtp_create(&s, &pol);
    explicit_bzero(master, sizeof master);
    if (st != srtp_err_status_ok) {
        log_debug("rtp_crypto: srtp_create failed", "status=%d", (int)st);
        return NULL;
    }
    return s;
}

struct rtp_crypto *rtp_crypto_new(const struct dtls_srtp_keys *keys)
{
    size_t tag;
    if (keys->profile == DTLS_SRTP_AEAD_AES_128_GCM && keys->key_len == 16 && keys->salt_len == 12)
        tag = RTP_CRYPTO_GCM_TAG;
    else if (keys->profile == DTLS_SRTP_AES128_CM_SHA1_80 && keys->key_len == 16 &&
             keys->salt_len == 14)
        tag = RTP_CRYPTO_SHA1_80_TAG;
    else
        return NULL;
    if (rtp_crypto_global_init() < 0)
        return NULL;
    struct rtp_crypto *c = xcalloc(1, sizeof *c);
    c->profile = keys->profile;
    c->rtp_overhead = tag;
    c->rtcp_overhead = tag + RTP_CRYPTO_SRTCP_INDEX;
    if (!(c->in = session_new(keys, 1)) || !(c->out = session_new(keys, 0))) {
        rtp_crypto_free(c);
        return NULL;
    }
    return c;
}

void rtp_crypto_free(struct rtp_crypto *c)
{
    if (!c)
        return;
    if (c->in)
        srtp_dealloc(c->in);
    if (c->out)
        srtp_dealloc(c->out);
    free(c);
}

size_t rtp_crypto_rtp_overhead(const struct rtp_crypto *c)
{
    return c->rtp_overhead;
}

size_t rtp_crypto_rtcp_overhead(const struct rtp_crypto *c)
{
    return c->rtcp_overhead;
}

enum dtls_srtp_profile rtp_crypto_profile(const struct rtp_crypto *c)
{
    return c->profile;
}

// libsrtp takes int lengths and, when protecting, writes the trailer past the packet without
// knowing the buffer's size: both are checked here. The RTP/RTCP version is checked too, so
// the demultiplexer's guess (RFC 7983: first byte 128..191) is confirmed before libsrtp
// parses the header.
static int sane(const uint8_t *buf, size_t len, size_t min, size_t room)
{
    return len >= min && len <= (size_t)INT_MAX - room && (buf[0] >> 6) == 2;
}

int rtp_crypto_protect_rtp(struct rtp_crypto *c, uint8_t *buf, size_t *len, size_t cap)
{
    if (!sane(buf, *len, 12, c->rtp_overhead) || cap < *len + c->rtp_overhead)
        return RTP_CRYPTO_EOTHER;
    int n = (int)*len;
    int rc = status_code(srtp_protect(c->out, buf, &n));
    if (rc == 0)
        *len = (size_t)n;
    return rc;
}

int rtp_crypto_unprotect_rtp(struct rtp_crypto *c, uint8_t *buf, size_t *len)
{
    if (!sane(buf, *len, 12 + c->rtp_overhead, 0))
        return RTP_CRYPTO_EOTHER;
    int n = (int)*len;
    int rc = status_code(srtp_unprotect(c->in, buf, &n));
    if (rc == 0)
        *len = (size_t)n;
    return rc;
}

int rtp_crypto_protect_rtcp(struct rtp_crypto *c, uint8_t *buf, size_t *len, size_t cap)
{
    if (!sane(buf, *len, 8, c->rtcp_overhead) || cap < *len + c->rtcp_overhead)
        return RTP_CRYPTO_EOTHER;
    int n = (int)*len;
    int rc = status_code(srtp_protect_rtcp(c->out, buf, &n));
    if (rc == 0)
        *len = (size_t)n;
    return rc;
}

int rtp_crypto_unprotect_rtcp(struct rtp_crypto *c, uint8_t *buf, size_t *len)
{
    if (!sane(buf, *len, 8 + c->rtcp_overhead, 0))
        return RTP_CRYPTO_EOTHER;
    int n = (int)*len;
    int rc = status_code(srtp_unprotect_rtcp(c->in, buf, &n));
    if (rc == 0)
        *len = (size_t)n;
    return rc;
}

const char *rtp_crypto_err_name(int err)
{
    switch (err) {
    case 0:
        return "ok";
    case RTP_CRYPTO_EAUTH:
        return "auth";
    case RTP_CRYPTO_EREPLAY:
        return "replay";
    default:
        return "other";
    }
}
