// SPDX-License-Identifier: MIT
// A media worker: one thread, one libuv loop, one UDP port for all its peers. Datagrams are
// demultiplexed as RFC 7983 says (first byte 0-3 STUN, 20-63 DTLS, 128-191 RTP/RTCP); STUN
// finds its peer by the local ufrag in USERNAME, everything else by the remote address that
// an authenticated check nominated. Unknown senders are dropped before any crypto runs.
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/mem.h"
#include "rtc/stun.h"
#include "sfu/worker_int.h"

#define TICK_MS 20

size_t worker_addr_key(const struct sockaddr *sa, char key[MAP_KEY_MAX])
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)sa;
        key[0] = 4;
        memcpy(key + 1, &a->sin_port, 2);
        memcpy(key + 3, &a->sin_addr, 4);
        return 7;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)sa;
        key[0] = 6;
        memcpy(key + 1, &a->sin6_port, 2);
        memcpy(key + 3, &a->sin6_addr, 16);
        return 19;
    }
    return 0;
}

void worker_post_event(struct worker *w, struct evmsg *e)
{
    e->worker = w->index;
    mailbox_post(w->control, &e->h);
}

static void on_datagram(void *user, const uint8_t *data, size_t len, const struct sockaddr *from)
{
    struct worker *w = user;
    if (len == 0) {
        w->stats.rx_garbage++;
        return;
    }
    uint8_t b = data[0];
    if (b <= 3) {
        w->stats.rx_stun++;
        peer_on_stun(w, data, len, from);
        return;
    }
    char key[MAP_KEY_MAX];
    size_t klen = worker_addr_key(from, key);
    struct peer *p = klen ? map_get(&w->by_addr, key, klen) : NULL;
    if (!p) {
        w->stats.rx_unknown_peer++;
        return;
    }
    if ((b >= 20 && b <= 63) || (b >= 128 && b <= 191)) {
        peer_on_datagram(p, data, len);
        return;
    }
    w->stats.rx_garbage++;
}

static void on_burst(void *user)
{
    struct worker *w = user;
    udp_flush(&w->udp);
}

static void open_peer(struct worker *w, const struct wmsg *m)
{
    if (map_gets(&w->peers, m->peer_id) ||
        (peer_has_transport(m->kind) && map_gets(&w->by_ufrag, m->ufrag))) {
        log_warn("media: duplicate peer or ufrag refused", "peer=%s", m->peer_id);
        return;
    }
    struct sroom *r = router_room(w, m->room_id, true);
    struct peer *p = peer_new(w, r, m);
    map_puts(&w->peers, p->id, p);
    if (peer_has_transport(p->kind)) // an echo or endpoint is found by nothing but its id
        map_puts(&w->by_ufrag, p->ufrag, p);
}

static void close_peer(struct worker *w, struct peer *p)
{
    struct sroom *r = p->room;
    router_peer_gone(w, p);
    peer_free(p);
    router_room_maybe_free(w, r);
}

static void on_message(void *user, struct mailbox_msg *mm)
{
    struct worker *w = user;
    if (mm->type == WMSG_EP_FRAME) {
        w->now_ms = clock_mono_ns() / 1000000;
        endpoint_on_frame(w, (const struct wmsg_frame *)mm);
        free(mm);
        udp_flush(&w->udp);
        return;
    }
    struct wmsg *m = (struct wmsg *)mm;
    struct peer *p = m->peer_id[0] ? map_gets(&w->peers, m->peer_id) : NULL;
    struct sroom *r = router_room(w, m->room_id, false);
    w->now_ms = clock_mono_ns() / 1000000;
    switch (mm->type) {
    case WMSG_PEER_OPEN:
        open_peer(w, m);
        break;
    case WMSG_PEER_REMOTE:
        if (p)
            peer_set_remote(p, m->fingerprint);
        break;
    case WMSG_PEER_CLOSE:
        if (p)
            close_peer(w, p);
        break;
    case WMSG_PEER_RECEIVE:
        if (p)
            p->receive = m->flag;
        break;
    case WMSG_TRACK_ADD:
        if (r && p && p->room == r)
            router_track_add(w, r, &m->track);
        break;
    case WMSG_TRACK_REMOVE:
        if (r)
            router_track_remove(w, r, m->track_id);
        break;
    case WMSG_TRACK_WITHHOLD:
        if (r)
            router_track_withhold(r, m->track_id, m->flag);
        break;
    case WMSG_DOWN_ADD:
        if (r && p && p->room == r)
            router_down_add(w, r, p, m->track_id, m->out_ssrc);
        break;
    case WMSG_DOWN_REMOVE:
        if (r && p)
            router_down_remove(r, p, m->track_id);
        break;
    case WMSG_STOP:
        w->stopping = true;
        break;
    default:
        break;
    }
    free(m);
    udp_flush(&w->udp); // answers a message caused (keyframe requests) go out now
    if (w->stopping) {
        size_t pos = 0;
        struct peer *q;
        while ((q = map_next(&w->peers, &pos, NULL))) {
            close_peer(w, q);
            pos = 0; // the map changed
        }
        udp_close(&w->udp, NULL);
        uv_close((uv_handle_t *)&w->timer, NULL);
        mailbox_close(w->inbox);
        w->stopping = false; // handled once
    }
}

static void on_timer(uv_timer_t *t)
{
    struct worker *w = t->data;
    w->now_ms = clock_mono_ns() / 1000000;
    size_t pos = 0;
    struct peer *p;
    while ((p = map_next(&w->peers, &pos, NULL)))
        peer_tick(p);
    router_tick(w);
    udp_flush(&w->udp);
    // Freed handshake buffers go back to the system (glibc keeps them otherwise): at most
    // once a second, and only after some were freed.
    if (w->freed_dtls && w->now_ms - w->last_trim_ms >= 1000) {
        w->freed_dtls = 0;
        w->last_trim_ms = w->now_ms;
        malloc_trim(0);
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    char name[16];
    snprintf(name, sizeof name, "voxd-media-%d", w->index); // for top -H, perf and /proc
    pthread_setname_np(pthread_self(), name);
    uv_run(&w->loop, UV_RUN_DEFAULT);
    map_fini(&w->rooms);
    map_fini(&w->peers);
    map_fini(&w->by_ufrag);
    map_fini(&w->by_addr);
    return NULL;
}

int worker_start(struct worker *w, const char *ip, int port)
{
    map_init(&w->rooms);
    map_init(&w->peers);
    map_init(&w->by_ufrag);
    map_init(&w->by_addr);
    uv_loop_init(&w->loop);
    int rc = udp_open(&w->udp, &w->loop, ip, port, on_datagram, on_burst, w);
    if (rc) {
        uv_run(&w->loop, UV_RUN_DEFAULT); // lets a half-opened handle close
        uv_loop_close(&w->loop);
        return rc;
    }
    w->inbox = mailbox_new(&w->loop, on_message, w);
    uv_timer_init(&w->loop, &w->timer);
    w->timer.data = w;
    uv_timer_start(&w->timer, on_timer, TICK_MS, TICK_MS);
    w->now_ms = clock_mono_ns() / 1000000;
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        udp_close(&w->udp, NULL);
        uv_close((uv_handle_t *)&w->timer, NULL);
        mailbox_close(w->inbox);
        uv_run(&w->loop, UV_RUN_DEFAULT);
        uv_loop_close(&w->loop);
        return UV_EAGAIN;
    }
    return 0;
}
