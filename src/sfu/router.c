// SPDX-License-Identifier: MIT
// A worker's rooms: published tracks, their down tracks (one per subscriber), forwarding,
// and the feedback that crosses the router (keyframe requests up, retransmissions down).
// Each publisher packet is decrypted once (peer.c) and copied once per subscriber into a UDP
// slot, where its header is rewritten and it is encrypted in place.
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"
#include "media/keyframe.h"
#include "media/pktcache.h"
#include "media/rtcp.h"
#include "media/rtcp_fb.h"
#include "media/rtcp_report.h"
#include "media/rtp.h"
#include "sfu/worker_int.h"

#define PLI_INTERVAL_MS   1000 // at most one keyframe request per second per track
#define LEVELS_EVERY_MS   SFU_LEVEL_INTERVAL_MS
#define STATS_EVERY_MS    2000
#define VIDEO_CACHE_SLOTS 1024
#define NACK_MAX_AGE_MS   1000 // older packets are not worth resending
#define SERVER_SSRC       1    // sender SSRC of the feedback voxd itself originates
#define RR_EVERY_MS       1000 // receiver reports to publishers
#define NACK_MAX_GAP      16   // a longer gap asks for a keyframe instead
#define KEYFRAME_GATE_MS  3000 // a subscriber waits this long for a keyframe, then gets deltas

// ---- rooms ----

struct sroom *router_room(struct worker *w, const char *room_id, bool create)
{
    struct sroom *r = map_gets(&w->rooms, room_id);
    if (!r && create) {
        r = xcalloc(1, sizeof *r);
        snprintf(r->id, sizeof r->id, "%s", room_id);
        map_init(&r->tracks);
        map_puts(&w->rooms, r->id, r);
    }
    return r;
}

void router_room_maybe_free(struct worker *w, struct sroom *r)
{
    if (r->peers)
        return;
    size_t pos = 0;
    ASSERT(!map_next(&r->tracks, &pos, NULL)); // tracks go with their publisher
    map_dels(&w->rooms, r->id);
    map_fini(&r->tracks);
    free(r);
}

static struct downtrack *down_of(const struct peer *sub, uint32_t out_ssrc);

// ---- down tracks ----

static void arr_push(struct downtrack ***arr, size_t *n, size_t *cap, struct downtrack *d)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        *arr = xrealloc(*arr, *cap * sizeof **arr);
    }
    (*arr)[(*n)++] = d;
}

static void arr_remove(struct downtrack **arr, size_t *n, struct downtrack *d)
{
    for (size_t i = 0; i < *n; i++)
        if (arr[i] == d) {
            arr[i] = arr[--*n];
            return;
        }
}

static void down_free(struct downtrack *d)
{
    arr_remove(d->track->downs, &d->track->ndowns, d);
    arr_remove(d->sub->downs, &d->sub->ndowns, d);
    free(d);
}

static void send_pli(struct track *t)
{
    uint8_t pli[12] = {0x81, RTCP_PSFB, 0, 2};
    uint32_t ssrc = htonl(SERVER_SSRC), media = htonl(t->d.ssrc);
    memcpy(pli + 4, &ssrc, 4);
    memcpy(pli + 8, &media, 4);
    peer_send_rtcp(t->pub, pli, sizeof pli);
}

// Asks the publisher for a keyframe now, or as soon as the throttle allows.
static void want_keyframe(struct worker *w, struct track *t)
{
    if (t->d.kind != SFU_VIDEO || !t->pub || t->pub->state != PEER_CONNECTED)
        return;
    if (w->now_ms - t->last_pli_ms >= PLI_INTERVAL_MS) {
        t->last_pli_ms = w->now_ms;
        t->pli_wanted = false;
        send_pli(t);
    } else {
        t->pli_wanted = true;
    }
}

void router_down_add(struct worker *w, struct sroom *r, struct peer *sub, const char *track_id,
                     uint32_t out_ssrc)
{
    struct track *t = map_gets(&r->tracks, track_id);
    if (!t || sub->kind == SFU_PUBLISHER)
        return;
    for (size_t i = 0; i < sub->ndowns; i++)
        if (sub->downs[i]->track == t)
            return; // already sent there
    struct downtrack *d = xcalloc(1, sizeof *d);
    d->track = t;
    d->sub = sub;
    uint16_t seq;
    uint32_t ts;
    RAND_bytes((uint8_t *)&seq, sizeof seq);
    RAND_bytes((uint8_t *)&ts, sizeof ts);
    rewrite_init(&d->rw, out_ssrc, t->d.clock_rate, (uint16_t)(seq & 0x7fff), ts);
    d->need_keyframe = t->d.kind == SFU_VIDEO;
    d->gate_since_ms = w->now_ms;
    arr_push(&t->downs, &t->ndowns, &t->downs_cap, d);
    arr_push(&sub->downs, &sub->ndowns, &sub->downs_cap, d);
    if (sub->state == PEER_CONNECTED)
        want_keyframe(w, t);
}

void router_down_remove(struct sroom *r, struct peer *sub, const char *track_id)
{
    struct track *t = map_gets(&r->tracks, track_id);
    for (size_t i = 0; t && i < sub->ndowns; i++)
        if (sub->downs[i]->track == t) {
            down_free(sub->downs[i]);
            return;
        }
}

// ---- tracks ----

void router_track_add(struct worker *w, struct sroom *r, const struct sfu_track_desc *d)
{
    struct peer *p = map_gets(&w->peers, d->peer_id);
    if (!p || p->kind == SFU_SUBSCRIBER)
        return;
    for (int i = 0; i < p->ntracks; i++)
        if (p->tracks[i]->d.ssrc == d->ssrc && strcmp(p->tracks[i]->d.track_id, d->track_id))
            return; // two tracks cannot share an SSRC
    struct track *t = map_gets(&r->tracks, d->track_id);
    if (t) {
        // A known track: renegotiated, or moved to the publisher's new peer after an ICE
        // restart. Its subscribers keep their down tracks; the new SSRC rebases them.
        if (t->pub != p) {
            if (p->ntracks == SFU_MAX_TRACKS)
                return;
            struct peer *old = t->pub;
            for (int i = 0; i < old->ntracks; i++)
                if (old->tracks[i] == t) {
                    old->tracks[i] = old->tracks[--old->ntracks];
                    break;
                }
            p->tracks[p->ntracks++] = t;
            t->pub = p;
        }
        if (t->d.ssrc != d->ssrc)
            seq_tracker_init(&t->rx, 1);
        t->d = *d;
        want_keyframe(w, t);
        return;
    }
    if (p->ntracks == SFU_MAX_TRACKS)
        return;
    t = xcalloc(1, sizeof *t);
    t->d = *d;
    t->pub = p;
    t->last_pli_ms = -PLI_INTERVAL_MS;
    seq_tracker_init(&t->rx, 1); // SRTP already authenticated the first packet
    if (d->kind == SFU_VIDEO)
        t->cache = pktcache_new(VIDEO_CACHE_SLOTS);
    p->tracks[p->ntracks++] = t;
    map_puts(&r->tracks, t->d.track_id, t);
}

static void track_free(struct sroom *r, struct track *t)
{
    while (t->ndowns)
        down_free(t->downs[0]);
    struct peer *p = t->pub;
    for (int i = 0; i < p->ntracks; i++)
        if (p->tracks[i] == t) {
            p->tracks[i] = p->tracks[--p->ntracks];
            break;
        }
    map_dels(&r->tracks, t->d.track_id);
    pktcache_free(t->cache);
    free(t->downs);
    free(t);
}

void router_track_remove(struct worker *w, struct sroom *r, const char *track_id)
{
    (void)w;
    struct track *t = map_gets(&r->tracks, track_id);
    if (t)
        track_free(r, t);
}

void router_track_withhold(struct sroom *r, const char *track_id, bool withheld)
{
    struct track *t = map_gets(&r->tracks, track_id);
    if (!t || t->withheld == withheld)
        return;
    t->withheld = withheld;
    if (!withheld)
        for (size_t i = 0; i < t->ndowns; i++)
            rewrite_rebase(&t->downs[i]->rw); // no sequence gap for what was withheld
}

void router_peer_gone(struct worker *w, struct peer *p)
{
    (void)w;
    while (p->ntracks)
        track_free(p->room, p->tracks[0]);
    while (p->ndowns)
        down_free(p->downs[0]);
    free(p->downs);
    p->downs = NULL;
}

void router_keyframe_for(struct peer *sub, uint32_t out_ssrc)
{
    struct downtrack *d = down_of(sub, out_ssrc);
    if (d)
        want_keyframe(sub->w, d->track);
}

void router_peer_connected(struct peer *p)
{
    for (size_t i = 0; i < p->ndowns; i++)
        want_keyframe(p->w, p->downs[i]->track);
}

// ---- forwarding ----

// Writes the subscriber's copy of h into slot: the fixed header and CSRCs rewritten, the
// publisher's header extensions left out (their ids are the publisher's negotiation, not the
// subscriber's), payload and padding as they were. Returns the length.
static size_t write_copy(uint8_t *slot, const struct rtp_hdr *h, const uint8_t *pkt_end, uint8_t pt,
                         uint16_t seq, uint32_t ts, uint32_t ssrc)
{
    size_t body = (size_t)(pkt_end - h->payload); // payload and padding
    slot[0] = (uint8_t)(0x80 | (h->pad_len ? 0x20 : 0) | h->csrc_count);
    slot[1] = (uint8_t)((h->marker ? 0x80 : 0) | pt);
    uint16_t nseq = htons(seq);
    uint32_t nts = htonl(ts), nssrc = htonl(ssrc);
    memcpy(slot + 2, &nseq, 2);
    memcpy(slot + 4, &nts, 4);
    memcpy(slot + 8, &nssrc, 4);
    size_t off = RTP_HDR_MIN;
    for (int i = 0; i < h->csrc_count; i++, off += 4) {
        uint32_t c = htonl(h->csrc[i]);
        memcpy(slot + off, &c, 4);
    }
    memcpy(slot + off, h->payload, body);
    return off + body;
}

static void note_level(struct track *t, const struct rtp_hdr *h)
{
    const uint8_t *data;
    size_t len;
    bool voice;
    uint8_t level;
    if (rtp_ext_find(h, t->d.audio_level_ext, &data, &len) == 0 &&
        rtp_ext_audio_level(data, len, &voice, &level) == 0) {
        t->level_sum += level;
        t->level_n++;
        t->voice_n += voice;
    }
}

static struct track *track_of(const struct peer *p, uint32_t ssrc, bool *rtx)
{
    for (int i = 0; i < p->ntracks; i++) {
        if (p->tracks[i]->d.ssrc == ssrc) {
            *rtx = false;
            return p->tracks[i];
        }
        if (p->tracks[i]->d.rtx_ssrc && p->tracks[i]->d.rtx_ssrc == ssrc) {
            *rtx = true;
            return p->tracks[i];
        }
    }
    return NULL;
}

// Turns an RTX packet (RFC 4588: the original sequence number, then the original payload)
// back into the packet it repairs, in place: the header moves up over the 2-byte OSN.
// Returns the new start, or NULL for a packet with nothing to repair (padding probes).
static uint8_t *unrtx(struct track *t, uint8_t *pkt, size_t *len, struct rtp_hdr *h)
{
    if (h->payload_len < 2 || !t->d.primary_pt)
        return NULL;
    uint16_t osn = (uint16_t)(h->payload[0] << 8 | h->payload[1]);
    memmove(pkt + 2, pkt, h->header_len);
    pkt += 2;
    *len -= 2;
    rtp_set_seq(pkt, *len, osn);
    rtp_set_ssrc(pkt, *len, t->d.ssrc);
    rtp_set_pt(pkt, *len, t->d.primary_pt);
    return rtp_parse(h, pkt, *len) ? NULL : pkt;
}

// Asks the publisher to resend what a gap in a video track's sequence numbers lost.
static void nack_gap(struct worker *w, struct track *t, uint16_t seq)
{
    int32_t gap = seq_diff(seq, t->rx.max_seq) - 1;
    if (!t->rx.valid || gap <= 0)
        return;
    if (gap > NACK_MAX_GAP) {
        want_keyframe(w, t);
        return;
    }
    uint16_t lost[NACK_MAX_GAP];
    for (int i = 0; i < gap; i++)
        lost[i] = (uint16_t)(t->rx.max_seq + 1 + i);
    uint8_t out[64];
    int n = rtcp_nack_write(out, sizeof out, SERVER_SSRC, t->d.ssrc, lost, (size_t)gap);
    if (n > 0) {
        peer_send_rtcp(t->pub, out, (size_t)n);
        w->stats.nack_sent++;
    }
}

static void forward(struct worker *w, struct track *t, const struct rtp_hdr *h, const uint8_t *end)
{
    uint8_t pt = t->d.pt_out[h->pt & 127];
    if (!pt)
        return;
    size_t out_len = RTP_HDR_MIN + 4u * h->csrc_count + (size_t)(end - h->payload);
    if (out_len + 32 > UDP_MTU)
        return;
    for (size_t i = 0; i < t->ndowns; i++) {
        struct downtrack *d = t->downs[i];
        struct peer *sub = d->sub;
        uint16_t seq;
        uint32_t ts;
        if (!sub->receive || sub->state != PEER_CONNECTED)
            continue;
        if (d->rw.started && h->ssrc != d->rw.in_ssrc && t->d.kind == SFU_VIDEO &&
            !d->need_keyframe) { // a new source: its first frames refer to nothing sent yet
            d->need_keyframe = true;
            d->gate_since_ms = w->now_ms;
        }
        if (d->need_keyframe) {
            if (!keyframe_starts(t->d.keyframe_codec, h->payload, h->payload_len) &&
                w->now_ms - d->gate_since_ms < KEYFRAME_GATE_MS) {
                t->pli_wanted = true; // asked again when the throttle allows
                continue;
            }
            d->need_keyframe = false;
            if (keyframe_starts(t->d.keyframe_codec, h->payload, h->payload_len))
                w->stats.keyframe_gated++;
            else
                w->stats.keyframe_timeouts++;
        }
        if (rewrite_map(&d->rw, h->ssrc, h->seq, h->ts, w->now_ms, &seq, &ts))
            continue;
        uint8_t *slot = udp_slot(&w->udp);
        size_t n = write_copy(slot, h, end, pt, seq, ts, d->rw.out_ssrc);
        d->packets++;
        d->octets += h->payload_len;
        peer_send_rtp_slot(sub, slot, n);
        w->stats.forwarded++;
    }
}

void router_on_rtp(struct peer *p, uint8_t *pkt, size_t len)
{
    struct worker *w = p->w;
    struct rtp_hdr h;
    if (p->kind == SFU_SUBSCRIBER || rtp_parse(&h, pkt, len)) {
        w->stats.rx_garbage++;
        return;
    }
    bool rtx;
    struct track *t = track_of(p, h.ssrc, &rtx);
    if (!t) { // an SSRC we were not told about (yet)
        w->stats.no_track++;
        return;
    }
    if (rtx) {
        if (!(pkt = unrtx(t, pkt, &len, &h)))
            return; // a padding probe
        w->stats.rtx_repaired++;
    } else if (t->d.kind == SFU_VIDEO) {
        nack_gap(w, t, h.seq);
    }
    seq_tracker_update(&t->rx, h.seq, h.ts,
                       (uint32_t)((uint64_t)w->now_ms * t->d.clock_rate / 1000));
    t->packets++;
    t->octets += h.payload_len;
    if (t->d.kind == SFU_AUDIO && t->d.audio_level_ext)
        note_level(t, &h);
    if (t->cache)
        pktcache_put(t->cache, h.seq, pkt, len, w->now_ms);
    if (!t->withheld)
        forward(w, t, &h, pkt + len);
}

// ---- feedback from subscribers ----

static struct downtrack *down_of(const struct peer *sub, uint32_t out_ssrc)
{
    for (size_t i = 0; i < sub->ndowns; i++)
        if (sub->downs[i]->rw.out_ssrc == out_ssrc)
            return sub->downs[i];
    return NULL;
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return ntohl(v);
}

// Resends one lost packet from the track's cache, numbered as the subscriber saw it.
static void resend(struct worker *w, struct downtrack *d, uint16_t out_seq)
{
    struct track *t = d->track;
    uint16_t in_seq = (uint16_t)(out_seq - d->rw.seq_off);
    size_t len;
    const uint8_t *pkt = pktcache_get(t->cache, in_seq, w->now_ms - NACK_MAX_AGE_MS, &len);
    struct rtp_hdr h;
    if (!pkt || rtp_parse(&h, pkt, len) || h.ssrc != d->rw.in_ssrc)
        return;
    uint8_t pt = t->d.pt_out[h.pt & 127];
    size_t out_len = RTP_HDR_MIN + 4u * h.csrc_count + (size_t)(pkt + len - h.payload);
    if (!pt || out_len + 32 > UDP_MTU)
        return;
    uint8_t *slot = udp_slot(&w->udp);
    size_t n = write_copy(slot, &h, pkt + len, pt, out_seq, h.ts + d->rw.ts_off, d->rw.out_ssrc);
    peer_send_rtp_slot(d->sub, slot, n);
    w->stats.nack_resent++;
}

static void on_nack(struct worker *w, struct peer *sub, const struct rtcp_hdr *h)
{
    if (h->body_len < 12)
        return;
    struct downtrack *d = down_of(sub, rd32(h->body + 4));
    if (!d || !d->track->cache)
        return;
    for (size_t off = 8; off + 4 <= h->body_len; off += 4) {
        uint16_t pid = (uint16_t)(h->body[off] << 8 | h->body[off + 1]);
        uint16_t blp = (uint16_t)(h->body[off + 2] << 8 | h->body[off + 3]);
        resend(w, d, pid);
        for (int b = 0; b < 16; b++)
            if (blp & (1u << b))
                resend(w, d, (uint16_t)(pid + b + 1));
    }
}

static void on_keyframe_request(struct worker *w, struct peer *sub, const struct rtcp_hdr *h)
{
    if (h->body_len < 8)
        return;
    uint32_t media = rd32(h->body + 4);
    if (h->count == 4 && h->body_len >= 16) // FIR: the SSRC is in the first FCI entry
        media = rd32(h->body + 8);
    struct downtrack *d = down_of(sub, media);
    if (d)
        want_keyframe(w, d->track);
}

// A publisher's sender report: kept for its receiver reports (LSR), and passed to every
// subscriber of the track in the subscriber's numbering, so receivers can sync audio with
// video (the NTP time is the publisher's, the RTP time is rebased) and measure round trips.
static void on_sender_report(struct worker *w, struct peer *p, const struct rtcp_hdr *h)
{
    struct rtcp_sr sr;
    bool rtx;
    if (rtcp_sr_parse(&sr, h->pkt, h->len))
        return;
    struct track *t = track_of(p, sr.ssrc, &rtx);
    if (!t || rtx)
        return;
    t->sr_ntp = sr.ntp;
    t->sr_rtp = sr.rtp_ts;
    t->sr_rx_ms = w->now_ms;
    for (size_t i = 0; i < t->ndowns; i++) {
        struct downtrack *d = t->downs[i];
        if (!d->rw.started || d->rw.in_ssrc != sr.ssrc || d->sub->state != PEER_CONNECTED)
            continue;
        struct rtcp_sr out = {.ssrc = d->rw.out_ssrc,
                              .ntp = sr.ntp,
                              .rtp_ts = sr.rtp_ts + d->rw.ts_off,
                              .packet_count = (uint32_t)d->packets,
                              .octet_count = (uint32_t)d->octets};
        uint8_t buf[64];
        int n = rtcp_sr_write(buf, sizeof buf, &out);
        if (n > 0) {
            d->sr_mid = rtcp_ntp_mid(sr.ntp);
            d->sr_sent_ms = w->now_ms;
            peer_send_rtcp(d->sub, buf, (size_t)n);
        }
    }
}

// A subscriber's receiver report on what voxd sends it: loss, jitter and, through the SR
// voxd passed on, the round trip.
static void on_receiver_report(struct worker *w, struct peer *sub, const struct rtcp_hdr *h)
{
    struct rtcp_rr rr;
    if (rtcp_rr_parse(&rr, h->pkt, h->len))
        return;
    double loss = 0, jitter = 0;
    for (int i = 0; i < rr.rb_count; i++) {
        struct downtrack *d = down_of(sub, rr.rb[i].ssrc);
        if (!d)
            continue;
        double l = rr.rb[i].fraction_lost / 256.0;
        double j = (double)rr.rb[i].jitter * 1000.0 / (d->track->d.clock_rate ?: 90000);
        loss = l > loss ? l : loss;
        jitter = j > jitter ? j : jitter;
        if (rr.rb[i].lsr && rr.rb[i].lsr == d->sr_mid) {
            double rtt = (double)(w->now_ms - d->sr_sent_ms) - rr.rb[i].dlsr * 1000.0 / 65536;
            if (rtt >= 0 && rtt < 60000)
                sub->rtt_ms = rtt;
        }
    }
    if (rr.rb_count) {
        sub->loss = loss;
        sub->jitter_ms = jitter;
        sub->rr_ms = w->now_ms;
    }
}

void router_on_rtcp(struct peer *p, uint8_t *pkt, size_t len)
{
    struct worker *w = p->w;
    struct rtcp_iter it;
    struct rtcp_hdr h;
    rtcp_iter_init(&it, pkt, len);
    while (rtcp_iter_next(&it, &h) == 1) {
        if (p->kind == SFU_PUBLISHER) {
            if (h.pt == RTCP_SR)
                on_sender_report(w, p, &h);
            continue;
        }
        if (h.pt == RTCP_RR || h.pt == RTCP_SR)
            on_receiver_report(w, p, &h);
        else if (h.pt == RTCP_RTPFB && h.count == 1)
            on_nack(w, p, &h);
        else if (h.pt == RTCP_PSFB && (h.count == 1 || h.count == 4))
            on_keyframe_request(w, p, &h);
    }
}

// One receiver report to a publisher: a block per track it sends (RFC 3550 section 6.4.2),
// reduced-size (rtcp-rsize is negotiated). Its loss and jitter are the publisher's figures.
static void send_receiver_report(struct worker *w, struct peer *p)
{
    struct rtcp_rr rr = {.ssrc = SERVER_SSRC};
    double loss = 0, jitter = 0;
    for (int i = 0; i < p->ntracks && rr.rb_count < RTCP_MAX_RB; i++) {
        struct track *t = p->tracks[i];
        if (!t->rx.valid)
            continue;
        struct seq_report sr;
        seq_tracker_report(&t->rx, &sr);
        struct rtcp_rb *b = &rr.rb[rr.rb_count++];
        b->ssrc = t->d.ssrc;
        b->fraction_lost = sr.fraction_lost;
        b->cumulative_lost = sr.cumulative_lost;
        b->highest_seq = sr.ext_highest;
        b->jitter = sr.jitter;
        if (t->sr_rx_ms) {
            b->lsr = rtcp_ntp_mid(t->sr_ntp);
            b->dlsr = (uint32_t)((w->now_ms - t->sr_rx_ms) * 65536 / 1000);
        }
        double l = sr.fraction_lost / 256.0, j = sr.jitter * 1000.0 / (t->d.clock_rate ?: 90000);
        loss = l > loss ? l : loss;
        jitter = j > jitter ? j : jitter;
    }
    if (!rr.rb_count)
        return;
    p->loss = loss;
    p->jitter_ms = jitter;
    uint8_t buf[8 + 24 * RTCP_MAX_RB];
    int n = rtcp_rr_write(buf, sizeof buf, &rr);
    if (n > 0)
        peer_send_rtcp(p, buf, (size_t)n);
}

// ---- timed work ----

static void room_levels(struct worker *w, struct sroom *r)
{
    struct evmsg *e = NULL;
    size_t pos = 0;
    struct track *t;
    while ((t = map_next(&r->tracks, &pos, NULL))) {
        if (t->d.kind != SFU_AUDIO || t->level_n == 0)
            continue;
        if (!e) {
            e = xcalloc(1, sizeof *e);
            e->h.type = EVMSG_LEVELS;
            snprintf(e->room_id, sizeof e->room_id, "%s", r->id);
        }
        if (e->nlevels < EVMSG_LEVELS_MAX) {
            struct sfu_level *l = &e->levels[e->nlevels++];
            snprintf(l->track_id, sizeof l->track_id, "%s", t->d.track_id);
            l->level = (uint8_t)(t->level_sum / t->level_n);
            l->voice = t->voice_n * 2 > t->level_n;
        }
        t->level_sum = t->level_n = t->voice_n = 0;
    }
    if (e)
        worker_post_event(w, e);
}

static void peer_stats(struct worker *w, struct peer *p, double secs)
{
    if (p->state != PEER_CONNECTED)
        return;
    struct evmsg *e = xcalloc(1, sizeof *e);
    e->h.type = EVMSG_STATS;
    snprintf(e->peer_id, sizeof e->peer_id, "%s", p->id);
    snprintf(e->room_id, sizeof e->room_id, "%s", p->room->id);
    e->stats.rx_bytes = p->rx_bytes;
    e->stats.tx_bytes = p->tx_bytes;
    e->stats.rtt_ms = p->rtt_ms;
    e->stats.jitter_ms = p->jitter_ms;
    e->stats.loss = p->loss;
    e->stats.rx_kbps = (double)(p->rx_bytes - p->last_rx_bytes) * 8 / 1000 / secs;
    e->stats.tx_kbps = (double)(p->tx_bytes - p->last_tx_bytes) * 8 / 1000 / secs;
    p->last_rx_bytes = p->rx_bytes;
    p->last_tx_bytes = p->tx_bytes;
    worker_post_event(w, e);
}

static void report_counters(struct worker *w)
{
    struct evmsg *e = xcalloc(1, sizeof *e);
    e->h.type = EVMSG_COUNTERS;
    struct sfu_counters *c = &e->counters;
    const struct worker_stats *s = &w->stats;
    c->rx_packets = w->udp.stats.rx_packets;
    c->rx_bytes = w->udp.stats.rx_bytes;
    c->tx_packets = w->udp.stats.tx_packets;
    c->tx_bytes = w->udp.stats.tx_bytes;
    c->tx_dropped = w->udp.stats.tx_dropped + w->ep_dropped;
    c->forwarded = s->forwarded;
    c->keyframe_starts = s->keyframe_gated;
    c->keyframe_timeouts = s->keyframe_timeouts;
    c->nack_resent = s->nack_resent;
    c->peers = w->peers.count;
    c->rooms = w->rooms.count;
    uint64_t drops[SFU_DROP_REASONS] = {
        s->rx_unknown_peer, s->stun_bad,
        s->stun_auth_fail,  s->srtp_fail,
        s->srtp_replay,     s->not_connected,
        s->no_track,        s->rx_garbage + w->udp.stats.rx_truncated};
    memcpy(c->dropped, drops, sizeof drops);
    worker_post_event(w, e);
}

void router_tick(struct worker *w)
{
    size_t pos = 0;
    struct sroom *r;
    bool levels = w->now_ms - w->last_levels_ms >= LEVELS_EVERY_MS;
    bool stats = w->now_ms - w->last_stats_ms >= STATS_EVERY_MS;
    bool reports = w->now_ms - w->last_rr_ms >= RR_EVERY_MS;
    double secs = (double)(w->now_ms - w->last_stats_ms) / 1000;
    while ((r = map_next(&w->rooms, &pos, NULL))) {
        size_t tpos = 0;
        struct track *t;
        while ((t = map_next(&r->tracks, &tpos, NULL)))
            if (t->pli_wanted && w->now_ms - t->last_pli_ms >= PLI_INTERVAL_MS)
                want_keyframe(w, t);
        if (levels)
            room_levels(w, r);
        if (reports)
            for (struct peer *p = r->peers; p; p = p->room_next)
                if (p->kind == SFU_PUBLISHER && p->state == PEER_CONNECTED)
                    send_receiver_report(w, p);
        if (stats)
            for (struct peer *p = r->peers; p; p = p->room_next)
                peer_stats(w, p, secs);
    }
    if (levels)
        w->last_levels_ms = w->now_ms;
    if (reports)
        w->last_rr_ms = w->now_ms;
    if (stats) {
        w->last_stats_ms = w->now_ms;
        report_counters(w);
    }
}
