// SPDX-License-Identifier: MIT
// Server-side media endpoints (sfu.h, "server-side media endpoints"; docs/ARCHITECTURE.md):
// peers with no transport through which a module of voxd hears a room and speaks in it.
//
// Worker side: what the router would encrypt for an endpoint is posted, as plain RTP, to the
// control loop's mailbox, where sfu.c hands it to the module's callback; the number in flight
// is bounded so a stalled control loop costs a bounded amount of memory. A frame the module
// sends arrives as a small message; the worker numbers it in the track's own sequence and
// clock and passes it to router_on_rtp as if a browser had sent it, so it is forwarded,
// cached for NACKs, counted and level-tracked like any other publisher's packet.
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "media/rtp.h"
#include "sfu/worker_int.h"

#define EP_LEVEL_EXT_LEN 1

void endpoint_on_rtp(struct peer *p, const uint8_t *pkt, size_t len)
{
    struct worker *w = p->w;
    if (atomic_load_explicit(&w->ep_backlog, memory_order_relaxed) >= SFU_ENDPOINT_BACKLOG) {
        w->ep_dropped++;
        return;
    }
    struct evmsg_rtp *e = xmalloc(sizeof *e + len);
    memset(e, 0, sizeof *e);
    e->h.type = EVMSG_EP_RTP;
    e->worker = w->index;
    snprintf(e->peer_id, sizeof e->peer_id, "%s", p->id);
    e->len = len;
    memcpy(e->pkt, pkt, len);
    p->tx_bytes += len;
    atomic_fetch_add_explicit(&w->ep_backlog, 1, memory_order_relaxed);
    mailbox_post(w->control, &e->h);
}

static struct track *own_track(struct peer *p, uint32_t ssrc)
{
    for (int i = 0; i < p->ntracks; i++)
        if (p->tracks[i]->d.ssrc == ssrc)
            return p->tracks[i];
    return NULL;
}

void endpoint_on_frame(struct worker *w, const struct wmsg_frame *f)
{
    struct peer *p = map_gets(&w->peers, f->peer_id);
    struct track *t = p && p->kind == SFU_ENDPOINT ? own_track(p, f->ssrc) : NULL;
    if (!t) {
        w->stats.no_track++; // closed meanwhile, or a track it never published
        return;
    }
    if (t->packets == 0 && t->ep_seq == 0 && t->ep_ts == 0) { // RFC 3550: random starts
        RAND_bytes((uint8_t *)&t->ep_seq, sizeof t->ep_seq);
        RAND_bytes((uint8_t *)&t->ep_ts, sizeof t->ep_ts);
    }
    uint8_t ext[8], level = (uint8_t)((f->voice ? 0x80 : 0) | (f->level & 0x7f));
    int ext_len = 0;
    if (t->d.audio_level_ext) {
        struct rtp_ext_elem e = {
            .id = t->d.audio_level_ext, .len = EP_LEVEL_EXT_LEN, .data = &level};
        ext_len = rtp_ext_write(ext, sizeof ext, RTP_EXT_ONE, &e, 1);
    }
    struct rtp_hdr h = {
        .marker = f->marker,
        .pt = t->d.primary_pt,
        .seq = t->ep_seq,
        .ts = t->ep_ts,
        .ssrc = t->d.ssrc,
        .has_ext = ext_len > 0,
        .ext_profile = RTP_EXT_ONE,
        .ext = ext,
        .ext_len = ext_len > 0 ? (size_t)ext_len : 0,
        .payload = f->payload,
        .payload_len = f->len,
    };
    // Frames arrive as messages, between datagrams: the receive buffer is free here.
    int n = rtp_write(w->scratch, sizeof w->scratch, &h);
    if (n < 0) {
        w->stats.rx_garbage++;
        return;
    }
    t->ep_seq++;
    t->ep_ts += f->samples;
    p->rx_bytes += (uint64_t)n;
    router_on_rtp(p, w->scratch, (size_t)n);
}
