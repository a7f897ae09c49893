// SPDX-License-Identifier: MIT
// One peer's transport on its worker: ICE-lite (RFC 8445 section 2.5: answer checks, never
// send them; the address of the nominated check is where media goes), consent freshness
// (RFC 7675: no authenticated check for 30 s ends the peer), DTLS as the server (the browser
// is the client) and SRTP with the keys DTLS exported.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"
#include "media/rtp.h"
#include "rtc/dtls.h"
#include "rtc/rtp_crypto.h"
#include "rtc/stun.h"
#include "sfu/worker_int.h"

#define CONSENT_TIMEOUT_MS 30000
// A connected DTLS object is kept this long, to answer a peer whose last handshake flight
// was lost (it retransmits within a few seconds), then freed: OpenSSL keeps about 59 KB of
// handshake and record buffers per connection that SRTP never needs.
#define DTLS_KEEP_MS 10000

static void post_state(struct peer *p, enum sfu_peer_state st, const char *reason)
{
    struct evmsg *e = xcalloc(1, sizeof *e);
    e->h.type = EVMSG_PEER_STATE;
    snprintf(e->peer_id, sizeof e->peer_id, "%s", p->id);
    snprintf(e->room_id, sizeof e->room_id, "%s", p->room->id);
    e->state = st;
    snprintf(e->reason, sizeof e->reason, "%s", reason);
    worker_post_event(p->w, e);
}

struct peer *peer_new(struct worker *w, struct sroom *room, const struct wmsg *m)
{
    struct peer *p = xcalloc(1, sizeof *p);
    p->w = w;
    p->room = room;
    snprintf(p->id, sizeof p->id, "%s", m->peer_id);
    snprintf(p->participant_id, sizeof p->participant_id, "%s", m->participant_id);
    p->kind = m->kind;
    memcpy(p->ufrag, m->ufrag, sizeof p->ufrag);
    memcpy(p->pwd, m->pwd, sizeof p->pwd);
    p->receive = true;
    if (p->kind == SFU_ECHO || p->kind == SFU_ENDPOINT) // no transport: connected at once
        p->state = PEER_CONNECTED;
    if (p->kind == SFU_ECHO)
        p->local_buf = xmalloc(UDP_MTU);
    p->last_check_ms = w->now_ms; // the first check must come within the consent timeout too
    p->room_next = room->peers;
    if (room->peers)
        room->peers->room_prev = p;
    room->peers = p;
    return p;
}

static void forget_addr(struct peer *p)
{
    if (p->has_addr)
        map_del(&p->w->by_addr, p->addr_key, p->addr_key_len);
    p->has_addr = false;
}

void peer_free(struct peer *p)
{
    struct worker *w = p->w;
    forget_addr(p);
    if (map_gets(&w->by_ufrag, p->ufrag) == p)
        map_dels(&w->by_ufrag, p->ufrag);
    map_dels(&w->peers, p->id);
    if (p->room_prev)
        p->room_prev->room_next = p->room_next;
    else
        p->room->peers = p->room_next;
    if (p->room_next)
        p->room_next->room_prev = p->room_prev;
    if (p->dtls && p->state == PEER_CONNECTED)
        dtls_close(p->dtls); // a close_notify, so the browser knows at once
    dtls_free(p->dtls);
    rtp_crypto_free(p->crypto);
    for (int i = 0; i < p->nearly; i++)
        free(p->early[i]);
    free(p->local_buf);
    free(p);
}

static void dtls_send(void *user, const uint8_t *data, size_t len)
{
    struct peer *p = user;
    if (p->has_addr)
        udp_send(&p->w->udp, data, len, (struct sockaddr *)&p->addr);
}

static void fail(struct peer *p, const char *why)
{
    if (p->state == PEER_CLOSED)
        return;
    p->state = PEER_CLOSED;
    log_info("media: peer failed", "peer=%s reason=\"%s\"", p->id, why);
    post_state(p, SFU_PEER_FAILED, why);
}

static void on_dtls(struct peer *p, const uint8_t *buf, size_t len)
{
    int rc = dtls_feed(p->dtls, buf, len);
    if (rc < 0 && dtls_state(p->dtls) == DTLS_STATE_CLOSED) { // a close_notify: a hang-up
        if (p->state != PEER_CLOSED) {
            p->state = PEER_CLOSED;
            post_state(p, SFU_PEER_DISCONNECTED, "closed by the peer");
        }
        return;
    }
    if (rc < 0) {
        fail(p, dtls_error(p->dtls)[0] ? dtls_error(p->dtls) : "DTLS failed");
        return;
    }
    if (rc == 1) {
        struct dtls_srtp_keys keys;
        if (dtls_srtp_keys(p->dtls, &keys) || !(p->crypto = rtp_crypto_new(&keys))) {
            fail(p, "SRTP setup failed");
            return;
        }
        p->state = PEER_CONNECTED;
        p->connected_ms = p->w->now_ms;
        post_state(p, SFU_PEER_CONNECTED, "");
        router_peer_connected(p);
    }
}

void peer_set_remote(struct peer *p, const char *fingerprint)
{
    if (p->dtls || p->dtls_done || p->state == PEER_CLOSED)
        return; // the first answer's fingerprint holds for the connection
    snprintf(p->remote_fp, sizeof p->remote_fp, "%s", fingerprint);
    p->dtls = dtls_new((struct dtls_cert *)p->w->cert, DTLS_ROLE_SERVER, fingerprint, dtls_send, p);
    if (!p->dtls) {
        fail(p, "malformed remote fingerprint");
        return;
    }
    p->state = PEER_DTLS;
    for (int i = 0; i < p->nearly; i++) {
        if (p->state != PEER_CLOSED)
            on_dtls(p, p->early[i], p->early_len[i]);
        free(p->early[i]);
    }
    p->nearly = 0;
}

// Moves the peer's media address to from (a nominated, or the first authenticated, check).
static void set_addr(struct peer *p, const struct sockaddr *from)
{
    char key[MAP_KEY_MAX];
    size_t klen = worker_addr_key(from, key);
    if (!klen)
        return;
    if (p->has_addr && klen == p->addr_key_len && memcmp(key, p->addr_key, klen) == 0)
        return;
    struct peer *other = map_get(&p->w->by_addr, key, klen);
    if (other && other != p)
        forget_addr(other); // the address moved to this peer (a browser reused its port)
    forget_addr(p);
    memcpy(&p->addr, from, udp_addr_len(from));
    memcpy(p->addr_key, key, klen);
    p->addr_key_len = klen;
    p->has_addr = true;
    map_put(&p->w->by_addr, key, klen, p);
}

void peer_on_stun(struct worker *w, const uint8_t *buf, size_t len, const struct sockaddr *from)
{
    struct stun_msg m;
    struct stun_ufrag local, remote;
    if (stun_parse(&m, buf, len) || m.method != STUN_METHOD_BINDING) {
        w->stats.stun_bad++;
        return;
    }
    if (m.cls != STUN_REQUEST)
        return; // indications (keepalives) and answers: an ICE-lite agent sends no checks
    if (!m.username || stun_username_split(m.username, m.username_len, &local, &remote)) {
        w->stats.stun_bad++;
        return;
    }
    struct peer *p = map_get(&w->by_ufrag, local.ptr, local.len);
    if (!p) {
        w->stats.rx_unknown_peer++;
        return;
    }
    if (stun_check_integrity(&m, buf, len, (const uint8_t *)p->pwd, strlen(p->pwd))) {
        w->stats.stun_auth_fail++;
        return;
    }
    uint8_t out[256];
    int n = stun_write_binding_success(out, sizeof out, m.txid, from, (const uint8_t *)p->pwd,
                                       strlen(p->pwd));
    if (n > 0)
        udp_send(&w->udp, out, (size_t)n, from);
    p->last_check_ms = w->now_ms;
    if (m.use_candidate || !p->has_addr)
        set_addr(p, from);
}

void peer_on_datagram(struct peer *p, const uint8_t *buf, size_t len)
{
    struct worker *w = p->w;
    p->rx_bytes += len;
    if (buf[0] >= 20 && buf[0] <= 63) {
        w->stats.rx_dtls++;
        if (p->state == PEER_CLOSED || p->dtls_done)
            return; // after the handshake's object is gone, DTLS records are not read
        if (p->dtls) {
            on_dtls(p, buf, len);
        } else if (p->nearly < PEER_EARLY_MAX) { // before the answer told us its fingerprint
            p->early[p->nearly] = xmalloc(len);
            memcpy(p->early[p->nearly], buf, len);
            p->early_len[p->nearly++] = len;
        }
        return;
    }
    if (p->state != PEER_CONNECTED) {
        w->stats.not_connected++;
        return;
    }
    if (len > sizeof w->scratch) {
        w->stats.rx_garbage++;
        return;
    }
    memcpy(w->scratch, buf, len);
    size_t n = len;
    int rtcp = rtp_is_rtcp(w->scratch, n);
    int rc = rtcp ? rtp_crypto_unprotect_rtcp(p->crypto, w->scratch, &n)
                  : rtp_crypto_unprotect_rtp(p->crypto, w->scratch, &n);
    if (rc) {
        if (rc == RTP_CRYPTO_EREPLAY)
            w->stats.srtp_replay++;
        else
            w->stats.srtp_fail++;
        return;
    }
    if (rtcp) {
        w->stats.rx_rtcp++;
        router_on_rtcp(p, w->scratch, n);
    } else {
        w->stats.rx_rtp++;
        router_on_rtp(p, w->scratch, n);
    }
}

void peer_send_rtp_slot(struct peer *p, uint8_t *slot, size_t len)
{
    if (p->kind == SFU_ECHO) {
        echo_on_rtp(p, slot, len); // the slot stays uncommitted: the echo copies it first
        return;
    }
    if (p->kind == SFU_ENDPOINT) {
        endpoint_on_rtp(p, slot, len); // copied out; the slot stays uncommitted
        return;
    }
    if (!p->crypto || !p->has_addr || rtp_crypto_protect_rtp(p->crypto, slot, &len, UDP_MTU))
        return; // the slot is not committed: the next udp_slot() reuses it
    p->tx_bytes += len;
    udp_commit(&p->w->udp, len, (struct sockaddr *)&p->addr);
}

void peer_send_rtcp(struct peer *p, const uint8_t *pkt, size_t len)
{
    if (p->kind == SFU_ECHO) {
        echo_on_rtcp(p, pkt, len);
        return;
    }
    if (p->kind == SFU_ENDPOINT)
        return; // receiver reports and keyframe requests for an endpoint: not passed on
    if (!p->crypto || !p->has_addr || len + 32 > UDP_MTU)
        return;
    uint8_t *slot = udp_slot(&p->w->udp);
    memcpy(slot, pkt, len);
    if (rtp_crypto_protect_rtcp(p->crypto, slot, &len, UDP_MTU))
        return;
    p->tx_bytes += len;
    udp_commit(&p->w->udp, len, (struct sockaddr *)&p->addr);
}

void peer_tick(struct peer *p)
{
    if (p->state == PEER_CLOSED || p->kind == SFU_ECHO || p->kind == SFU_ENDPOINT)
        return;
    if (p->w->now_ms - p->last_check_ms > CONSENT_TIMEOUT_MS) {
        p->state = PEER_CLOSED;
        post_state(p, SFU_PEER_DISCONNECTED, "no ICE consent check for 30 s");
        return;
    }
    if (p->dtls && dtls_timeout_ms(p->dtls) == 0 && dtls_on_timeout(p->dtls) < 0)
        fail(p, dtls_error(p->dtls));
    if (p->dtls && p->state == PEER_CONNECTED && p->w->now_ms - p->connected_ms > DTLS_KEEP_MS) {
        dtls_free(p->dtls);
        p->dtls = NULL;
        p->dtls_done = true;
        p->w->freed_dtls++;
    }
}
