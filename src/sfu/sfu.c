// SPDX-License-Identifier: MIT
// The control side of the media plane: starts the workers, places rooms on them, turns calls
// into messages for the room's worker, and turns the workers' reports into sfu_events on the
// control loop.
#include "sfu/sfu.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/map.h"
#include "core/mem.h"
#include "media/rtp.h"
#include "rtc/dtls.h"
#include "sfu/worker_int.h"

struct room_ref {
    int worker;
    int peers;
};

const char *const sfu_drop_names[SFU_DROP_REASONS] = {
    "unknown_peer", "stun_malformed", "stun_auth", "srtp_auth",
    "srtp_replay",  "not_connected",  "no_track",  "garbage",
};

struct sfu {
    uv_loop_t *loop;
    struct sfu_events ev;
    void *user;
    struct mailbox *control; // workers -> us
    struct worker *workers;
    int nworkers;
    int *load;                     // peers per worker
    map rooms;                     // room id -> struct room_ref
    map peer_rooms;                // peer id -> struct room_ref of its room (borrowed)
    map endpoints;                 // peer id -> struct ep_reg of an SFU_ENDPOINT
    struct sfu_counters *counters; // the last report of each worker
    struct dtls_cert *cert;
    char fingerprint[128];
    char announce_ip[64];
    uint64_t next_peer;
};

struct ep_reg {
    struct sfu_endpoint_ops ops;
    void *user;
};

static void on_endpoint_rtp(struct sfu *s, struct evmsg_rtp *e)
{
    if (e->worker >= 0 && e->worker < s->nworkers)
        atomic_fetch_sub_explicit(&s->workers[e->worker].ep_backlog, 1, memory_order_relaxed);
    struct ep_reg *reg = map_gets(&s->endpoints, e->peer_id);
    struct rtp_hdr h;
    if (!reg || !reg->ops.rtp || rtp_parse(&h, e->pkt, e->len))
        return; // closed since: a packet still on its way
    struct sfu_rtp_in in = {
        .ssrc = h.ssrc,
        .seq = h.seq,
        .ts = h.ts,
        .pt = h.pt,
        .marker = h.marker,
        .payload = h.payload,
        .payload_len = h.payload_len,
        .packet = e->pkt,
        .len = e->len,
    };
    reg->ops.rtp(reg->user, e->peer_id, &in);
}

static void on_event(void *user, struct mailbox_msg *m)
{
    struct sfu *s = user;
    if (m->type == EVMSG_EP_RTP) {
        on_endpoint_rtp(s, (struct evmsg_rtp *)m);
        free(m);
        return;
    }
    struct evmsg *e = (struct evmsg *)m;
    switch (m->type) {
    case EVMSG_PEER_STATE:
        if (s->ev.peer_state)
            s->ev.peer_state(s->user, e->peer_id, e->state, e->reason);
        break;
    case EVMSG_LEVELS:
        if (s->ev.levels)
            s->ev.levels(s->user, e->room_id, e->levels, e->nlevels);
        break;
    case EVMSG_STATS:
        if (s->ev.stats)
            s->ev.stats(s->user, e->peer_id, &e->stats);
        break;
    case EVMSG_COUNTERS:
        if (e->worker >= 0 && e->worker < s->nworkers)
            s->counters[e->worker] = e->counters;
        break;
    default:
        break;
    }
    free(e);
}

struct sfu *sfu_new(uv_loop_t *loop, const struct sfu_config *cfg, const struct sfu_events *ev,
                    void *user, char *err, size_t errcap)
{
    struct sfu *s = xcalloc(1, sizeof *s);
    s->loop = loop;
    if (ev)
        s->ev = *ev;
    s->user = user;
    map_init(&s->rooms);
    map_init(&s->peer_rooms);
    map_init(&s->endpoints);
    snprintf(s->announce_ip, sizeof s->announce_ip, "%s",
             cfg->announce_ip && *cfg->announce_ip ? cfg->announce_ip : cfg->bind_ip);
    s->cert = dtls_cert_new();
    if (!s->cert) {
        snprintf(err, errcap, "cannot generate the DTLS certificate");
        free(s);
        return NULL;
    }
    snprintf(s->fingerprint, sizeof s->fingerprint, "%s", dtls_cert_fingerprint(s->cert));
    s->control = mailbox_new(loop, on_event, s);
    mailbox_unref(s->control); // the control loop may end while workers could still report
    s->nworkers = cfg->workers > 0 ? cfg->workers : 1;
    s->workers = xcalloc((size_t)s->nworkers, sizeof *s->workers);
    s->load = xcalloc((size_t)s->nworkers, sizeof *s->load);
    s->counters = xcalloc((size_t)s->nworkers, sizeof *s->counters);
    for (int i = 0; i < s->nworkers; i++) {
        struct worker *w = &s->workers[i];
        w->sfu = s;
        w->index = i;
        w->control = s->control;
        w->cert = s->cert;
        int port = cfg->port ? cfg->port + i : 0;
        int rc = worker_start(w, cfg->bind_ip, port);
        if (rc) {
            snprintf(err, errcap, "media worker %d: cannot listen on UDP %s:%d: %s", i,
                     cfg->bind_ip, port, uv_strerror(rc));
            s->nworkers = i; // the ones started are stopped by sfu_free
            sfu_free(s);
            return NULL;
        }
    }
    return s;
}

void sfu_free(struct sfu *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->nworkers; i++) {
        struct wmsg *m = xcalloc(1, sizeof *m);
        m->h.type = WMSG_STOP;
        mailbox_post(s->workers[i].inbox, &m->h);
    }
    for (int i = 0; i < s->nworkers; i++) {
        pthread_join(s->workers[i].thread, NULL);
        uv_loop_close(&s->workers[i].loop);
    }
    mailbox_close(s->control); // handles what the workers said last, then frees itself
    size_t pos = 0;
    void *v;
    while ((v = map_next(&s->rooms, &pos, NULL)))
        free(v);
    map_fini(&s->rooms);
    map_fini(&s->peer_rooms);
    pos = 0;
    while ((v = map_next(&s->endpoints, &pos, NULL)))
        free(v);
    map_fini(&s->endpoints);
    dtls_cert_free(s->cert);
    free(s->workers);
    free(s->load);
    free(s->counters);
    free(s);
}

void sfu_counters(const struct sfu *s, struct sfu_counters *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < s->nworkers; i++) {
        const struct sfu_counters *c = &s->counters[i];
        out->rx_packets += c->rx_packets;
        out->rx_bytes += c->rx_bytes;
        out->tx_packets += c->tx_packets;
        out->tx_bytes += c->tx_bytes;
        out->tx_dropped += c->tx_dropped;
        out->forwarded += c->forwarded;
        out->keyframe_starts += c->keyframe_starts;
        out->keyframe_timeouts += c->keyframe_timeouts;
        out->nack_resent += c->nack_resent;
        out->peers += c->peers;
        out->rooms += c->rooms;
        for (int k = 0; k < SFU_DROP_REASONS; k++)
            out->dropped[k] += c->dropped[k];
    }
}

const char *sfu_fingerprint(const struct sfu *s)
{
    return s->fingerprint;
}

int sfu_worker_port(const struct sfu *s, int i)
{
    return i >= 0 && i < s->nworkers ? s->workers[i].udp.port : 0;
}

int sfu_worker_count(const struct sfu *s)
{
    return s->nworkers;
}

// ICE credentials: ice-chars (RFC 8839 section 5.4) from the CSPRNG; a ufrag is also a key of
// the worker's demultiplexer, so it must not collide with a live one (24 random bits per
// character set choice make that a non-issue, and the worker refuses a duplicate anyway).
static void ice_chars(char *out, size_t n)
{
    static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint8_t r[64];
    ASSERT(n <= sizeof r && RAND_bytes(r, (int)n) == 1);
    for (size_t i = 0; i < n; i++)
        out[i] = set[r[i] & 63];
    out[n] = '\0';
}

static struct worker *room_worker(struct sfu *s, const char *room_id, bool open)
{
    struct room_ref *r = map_gets(&s->rooms, room_id);
    if (!r) {
        if (!open)
            return NULL;
        r = xcalloc(1, sizeof *r);
        for (int i = 1; i < s->nworkers; i++)
            if (s->load[i] < s->load[r->worker])
                r->worker = i;
        map_puts(&s->rooms, room_id, r);
    }
    return &s->workers[r->worker];
}

static struct wmsg *msg(int type, const char *room_id, const char *peer_id)
{
    struct wmsg *m = xcalloc(1, sizeof *m);
    m->h.type = type;
    snprintf(m->room_id, sizeof m->room_id, "%s", room_id);
    if (peer_id)
        snprintf(m->peer_id, sizeof m->peer_id, "%s", peer_id);
    return m;
}

static void post(struct sfu *s, const char *room_id, struct wmsg *m)
{
    struct worker *w = room_worker(s, room_id, false);
    if (!w) {
        free(m); // the room has no peers: nothing to tell
        return;
    }
    mailbox_post(w->inbox, &m->h);
}

int sfu_peer_open(struct sfu *s, const char *room_id, const char *participant_id,
                  enum sfu_peer_kind kind, struct sfu_peer_info *out)
{
    struct worker *w = room_worker(s, room_id, true);
    struct room_ref *r = map_gets(&s->rooms, room_id);
    memset(out, 0, sizeof *out);
    static const char suffix[] = {
        [SFU_PUBLISHER] = 'p', [SFU_SUBSCRIBER] = 's', [SFU_ECHO] = 'o', [SFU_ENDPOINT] = 'e'};
    snprintf(out->peer_id, sizeof out->peer_id, "PE%llx%c", (unsigned long long)++s->next_peer,
             suffix[kind]);
    ice_chars(out->ufrag, SFU_UFRAG_LEN);
    ice_chars(out->pwd, SFU_PWD_LEN);
    snprintf(out->ip, sizeof out->ip, "%s", s->announce_ip);
    out->port = w->udp.port;
    r->peers++;
    s->load[w->index]++;
    map_puts(&s->peer_rooms, out->peer_id, r);
    struct wmsg *m = msg(WMSG_PEER_OPEN, room_id, out->peer_id);
    snprintf(m->participant_id, sizeof m->participant_id, "%s", participant_id);
    m->kind = kind;
    memcpy(m->ufrag, out->ufrag, sizeof m->ufrag);
    memcpy(m->pwd, out->pwd, sizeof m->pwd);
    mailbox_post(w->inbox, &m->h);
    return 0;
}

void sfu_peer_remote(struct sfu *s, const char *room_id, const char *peer_id,
                     const char *fingerprint)
{
    struct wmsg *m = msg(WMSG_PEER_REMOTE, room_id, peer_id);
    snprintf(m->fingerprint, sizeof m->fingerprint, "%s", fingerprint);
    post(s, room_id, m);
}

void sfu_peer_close(struct sfu *s, const char *room_id, const char *peer_id)
{
    free(map_dels(&s->endpoints, peer_id));
    struct room_ref *r = map_dels(&s->peer_rooms, peer_id);
    if (!r)
        return;
    post(s, room_id, msg(WMSG_PEER_CLOSE, room_id, peer_id));
    s->load[r->worker]--;
    if (--r->peers == 0) { // the room leaves its worker; its next peer may go elsewhere
        map_dels(&s->rooms, room_id);
        free(r);
    }
}

void sfu_peer_receive(struct sfu *s, const char *room_id, const char *peer_id, bool on)
{
    struct wmsg *m = msg(WMSG_PEER_RECEIVE, room_id, peer_id);
    m->flag = on;
    post(s, room_id, m);
}

void sfu_track_add(struct sfu *s, const char *room_id, const struct sfu_track_desc *t)
{
    struct wmsg *m = msg(WMSG_TRACK_ADD, room_id, t->peer_id);
    m->track = *t;
    snprintf(m->track_id, sizeof m->track_id, "%s", t->track_id);
    post(s, room_id, m);
}

void sfu_track_remove(struct sfu *s, const char *room_id, const char *track_id)
{
    struct wmsg *m = msg(WMSG_TRACK_REMOVE, room_id, NULL);
    snprintf(m->track_id, sizeof m->track_id, "%s", track_id);
    post(s, room_id, m);
}

void sfu_track_withhold(struct sfu *s, const char *room_id, const char *track_id, bool withheld)
{
    struct wmsg *m = msg(WMSG_TRACK_WITHHOLD, room_id, NULL);
    snprintf(m->track_id, sizeof m->track_id, "%s", track_id);
    m->flag = withheld;
    post(s, room_id, m);
}

void sfu_down_add(struct sfu *s, const char *room_id, const char *sub_peer, const char *track_id,
                  uint32_t out_ssrc)
{
    struct wmsg *m = msg(WMSG_DOWN_ADD, room_id, sub_peer);
    snprintf(m->track_id, sizeof m->track_id, "%s", track_id);
    m->out_ssrc = out_ssrc;
    post(s, room_id, m);
}

void sfu_down_remove(struct sfu *s, const char *room_id, const char *sub_peer, const char *track_id)
{
    struct wmsg *m = msg(WMSG_DOWN_REMOVE, room_id, sub_peer);
    snprintf(m->track_id, sizeof m->track_id, "%s", track_id);
    post(s, room_id, m);
}

// ---- server-side media endpoints ----

int sfu_endpoint_open(struct sfu *s, const char *room_id, const char *participant_id,
                      const struct sfu_endpoint_ops *ops, void *user, struct sfu_peer_info *out,
                      struct sfu_endpoint_ref *ref)
{
    if (sfu_peer_open(s, room_id, participant_id, SFU_ENDPOINT, out))
        return -1;
    struct ep_reg *reg = xcalloc(1, sizeof *reg);
    reg->ops = *ops;
    reg->user = user;
    map_puts(&s->endpoints, out->peer_id, reg);
    struct room_ref *r = map_gets(&s->peer_rooms, out->peer_id);
    memset(ref, 0, sizeof *ref);
    ref->sfu = s;
    ref->worker = r->worker;
    snprintf(ref->peer_id, sizeof ref->peer_id, "%s", out->peer_id);
    return 0;
}

int sfu_endpoint_send(const struct sfu_endpoint_ref *ref, uint32_t ssrc, const uint8_t *payload,
                      size_t len, uint32_t samples, uint8_t level, bool voice, bool marker)
{
    // The header, an audio level extension and SRTP's tag must fit beside it in a datagram.
    if (!ref || !ref->sfu || len == 0 || len > UDP_MTU - 64)
        return -1;
    struct wmsg_frame *f = xmalloc(sizeof *f + len);
    memset(f, 0, sizeof *f);
    f->h.type = WMSG_EP_FRAME;
    snprintf(f->peer_id, sizeof f->peer_id, "%s", ref->peer_id);
    f->ssrc = ssrc;
    f->samples = samples;
    f->level = level;
    f->voice = voice;
    f->marker = marker;
    f->len = len;
    memcpy(f->payload, payload, len);
    mailbox_post(ref->sfu->workers[ref->worker].inbox, &f->h);
    return 0;
}
