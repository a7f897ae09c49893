// SPDX-License-Identifier: MIT
// Media negotiation over the signaling socket (docs/PROTOCOL.md, "Media"): a participant of
// an sfu room publishes through one peer connection (it offers, voxd answers) and receives
// through another that voxd drives (voxd offers, it answers; only voxd ever offers on it, so
// there is no glare, and a change while an offer is out waits for its answer). The tracks of
// a room live here, with who may publish what and what is forwarded to whom (src/domain/
// rules); the media workers (src/sfu/) only carry out what they are told.
#include <jansson.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/participants.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/map.h"
#include "core/mem.h"
#include "domain/participant.h"
#include "media/keyframe.h"
#include "media/speaking.h"
#include "rtc/dtls.h"
#include "rtc/sdp.h"
#include "sfu/sfu.h"
#include "signal/hub_int.h"
#include "store/rooms.h"

#define AUDIO_LEVEL_URI "urn:ietf:params:rtp-hdrext:ssrc-audio-level"

struct mtrack {
    struct mtrack *next; // the room's tracks
    char id[SFU_ID_MAX];
    struct hub_conn *conn; // its publisher
    char owner[37];        // participant id
    char mid[SDP_ID_MAX];  // in the publisher's SDP
    enum sfu_kind kind;
    participant_source source;
    struct sdp_codec codec; // as the subscribers are offered it (voxd's payload type)
    uint32_t ssrc;
    bool withheld;
    bool echo; // an echo of src_track, for its own publisher only
    char src_track[SFU_ID_MAX];
    struct speaking speaking; // audio
    int64_t speaking_ms;      // not stored yet
    int64_t speaking_flushed; // when it last was
};

struct mroom {
    char id[37];
    struct mtrack *tracks;
};

struct msection {
    char mid[8];
    enum sfu_kind kind;
    char track_id[SFU_ID_MAX]; // "" when the section is inactive (free for reuse)
    uint32_t out_ssrc;
};

#define UNSUB_MAX 32

struct media_part {
    struct hub_conn *c;
    bool pub_open, sub_open, sub_remote_set;
    struct sfu_peer_info pub, sub;
    char pub_ufrag[SDP_ICE_MAX]; // the publisher's ICE ufrag: a new one is an ICE restart
    uint64_t sess_id;
    int version;         // of the last subscriber offer
    bool pending, dirty; // an offer awaits its answer; something changed meanwhile
    struct msection secs[SDP_MAX_MEDIA];
    int nsecs;
    // The tracks the participant picked (UNSUB_MAX at most): with auto-subscribe (the
    // default) the ones it asked not to receive, without it the only ones it receives.
    char (*unsub)[SFU_ID_MAX];
    int nunsub;
    bool manual;  // auto-subscribe is off
    bool echo_on; // a pre-call echo test runs
    struct sfu_peer_info echo;
    bool pub_connected, sub_connected; // seen connected (connection.established was logged)
    struct sfu_peer_stats pub_stats, sub_stats;
    int quality; // participant_quality, -1 until the first report
    int64_t net_stored_ms;
};

#define NETWORK_STORE_MS                                                                           \
    30000                      // a participant's network figures are stored at most this often,
                               // and whenever its quality changes
#define SPEAKING_FLUSH_MS 5000 // speaking time is added to the store at most this often

struct hub_media {
    struct hub *hub;
    struct sfu *sfu;
    map rooms; // room id -> struct mroom
    map peers; // sfu peer id -> struct media_part
    uint64_t next_track;
};

struct hub_media *hub_media_new(struct hub *r)
{
    struct hub_media *m = xcalloc(1, sizeof *m);
    m->hub = r;
    map_init(&m->rooms);
    map_init(&m->peers);
    return m;
}

void hub_media_free(struct hub_media *m)
{
    if (!m)
        return;
    size_t pos = 0;
    struct mroom *room;
    while ((room = map_next(&m->rooms, &pos, NULL))) {
        for (struct mtrack *t = room->tracks, *next; t; t = next) {
            next = t->next;
            free(t);
        }
        free(room);
    }
    map_fini(&m->rooms);
    map_fini(&m->peers);
    free(m);
}

void hub_set_sfu(struct hub *r, struct sfu *sfu)
{
    r->media->sfu = sfu;
}

static struct mroom *room_of(struct hub_media *m, const char *room_id, bool create)
{
    struct mroom *room = map_gets(&m->rooms, room_id);
    if (!room && create) {
        room = xcalloc(1, sizeof *room);
        snprintf(room->id, sizeof room->id, "%s", room_id);
        map_puts(&m->rooms, room->id, room);
    }
    return room;
}

static void room_maybe_free(struct hub_media *m, struct mroom *room)
{
    if (room && !room->tracks) {
        map_dels(&m->rooms, room->id);
        free(room);
    }
}

static uint32_t random_ssrc(void)
{
    uint32_t v = 0;
    while (v < 2) // 0 and voxd's own feedback SSRC (1) are never used for a stream
        RAND_bytes((uint8_t *)&v, sizeof v);
    return v;
}

// ---- messages ----

// A track as clients see it; with_mid adds its mid in the publisher's own SDP (for the
// publisher's answer, to match tracks to its transceivers).
static void track_json(jsonw *w, const struct mtrack *t, bool with_mid)
{
    jsonw_obj(w);
    jsonw_kstr(w, "id", t->id);
    if (with_mid)
        jsonw_kstr(w, "mid", t->mid);
    jsonw_kstr(w, "participant_id", t->owner);
    jsonw_kstr(w, "kind", t->kind == SFU_AUDIO ? "audio" : "video");
    jsonw_kstr(w, "source", participant_source_name(t->source));
    jsonw_kstr(w, "codec", t->codec.name);
    jsonw_kbool(w, "muted", t->withheld);
    jsonw_obj_end(w);
}

void hub_media_write_tracks(struct hub *r, const char *room_id, jsonw *w)
{
    struct mroom *room = room_of(r->media, room_id, false);
    jsonw_key(w, "tracks");
    jsonw_arr(w);
    for (struct mtrack *t = room ? room->tracks : NULL; t; t = t->next)
        if (!t->conn->who.grants.hidden && !t->echo)
            track_json(w, t, false);
    jsonw_arr_end(w);
}

static void broadcast_track(struct hub *r, const struct mtrack *t, const char *type)
{
    if (t->conn->who.grants.hidden || t->echo)
        return;
    sbuf b;
    jsonw w;
    hub_msg_begin(&b, &w, type, NULL);
    jsonw_key(&w, "track");
    track_json(&w, t, false);
    jsonw_obj_end(&w);
    for (struct hub_conn *c = hub_room_conns(r, t->conn->who.room_id); c; c = c->room_next)
        if (c->joined)
            hub_send(r, c, b.data);
    sbuf_fini(&b);
}

// {"type":"ok","id":req_id}, the answer of requests that return nothing else.
static void send_ok(struct hub *r, struct hub_conn *c, const char *req_id)
{
    json_t *j = json_pack("{s:s}", "type", "ok");
    json_object_set_new(j, "id", req_id && *req_id ? json_string(req_id) : json_null());
    char *s = json_dumps(j, JSON_COMPACT);
    hub_send(r, c, s);
    free(s);
    json_decref(j);
}

static void send_media_state(struct hub *r, struct hub_conn *c, const char *peer, const char *state,
                             const char *reason)
{
    json_t *j = json_pack("{s:s, s:s, s:s}", "type", "media_state", "peer", peer, "state", state);
    if (reason && *reason)
        json_object_set_new(j, "reason", json_string(reason));
    char *text = json_dumps(j, JSON_COMPACT);
    hub_send(r, c, text);
    free(text);
    json_decref(j);
}

// ---- subscribing ----

static bool unsubscribed(const struct media_part *mp, const char *track_id)
{
    bool listed = false;
    for (int i = 0; mp && i < mp->nunsub && !listed; i++)
        listed = strcmp(mp->unsub[i], track_id) == 0;
    return mp && mp->manual ? !listed : listed;
}

static bool wants(const struct hub_conn *c, const struct mtrack *t)
{
    if (t->echo)
        return t->conn == c;
    return t->conn != c && strcmp(t->owner, c->participant_id) != 0 &&
           !t->conn->who.grants.hidden && !unsubscribed(c->mp, t->id);
}

static bool section_has(const struct media_part *mp, const char *track_id)
{
    for (int i = 0; i < mp->nsecs; i++)
        if (strcmp(mp->secs[i].track_id, track_id) == 0)
            return true;
    return false;
}

static struct mtrack *track_by_id(struct mroom *room, const char *id)
{
    for (struct mtrack *t = room ? room->tracks : NULL; t; t = t->next)
        if (strcmp(t->id, id) == 0)
            return t;
    return NULL;
}

// Brings the sections in line with what the participant should receive; true if any changed.
static bool diff_sections(struct hub_media *m, struct hub_conn *c, struct mroom *room)
{
    struct media_part *mp = c->mp;
    bool changed = false;
    for (int i = 0; i < mp->nsecs; i++) {
        struct msection *s = &mp->secs[i];
        struct mtrack *t = s->track_id[0] ? track_by_id(room, s->track_id) : NULL;
        if (s->track_id[0] && (!t || !wants(c, t))) {
            sfu_down_remove(m->sfu, c->who.room_id, mp->sub.peer_id, s->track_id);
            s->track_id[0] = '\0';
            changed = true;
        }
    }
    for (struct mtrack *t = room ? room->tracks : NULL; t; t = t->next) {
        if (!wants(c, t) || section_has(mp, t->id))
            continue;
        struct msection *s = NULL;
        for (int i = 0; i < mp->nsecs && !s; i++)
            if (!mp->secs[i].track_id[0] && mp->secs[i].kind == t->kind)
                s = &mp->secs[i]; // an inactive section of the same kind is reused
        if (!s) {
            if (mp->nsecs == SDP_MAX_MEDIA)
                break; // SDP_MAX_MEDIA incoming tracks at most; the rest wait
            s = &mp->secs[mp->nsecs];
            snprintf(s->mid, sizeof s->mid, "%d", mp->nsecs);
            mp->nsecs++;
        }
        s->kind = t->kind;
        snprintf(s->track_id, sizeof s->track_id, "%s", t->id);
        s->out_ssrc = random_ssrc();
        sfu_down_add(m->sfu, c->who.room_id, mp->sub.peer_id, t->id, s->out_ssrc);
        changed = true;
    }
    return changed;
}

static void add_feedback(struct sdp_media *sm, const char *type, const char *subtype, int pt)
{
    struct sdp_rtcp_fb *f = &sm->rtcp_fb[sm->n_rtcp_fb++];
    f->pt = (int16_t)pt;
    snprintf(f->type, sizeof f->type, "%s", type);
    snprintf(f->subtype, sizeof f->subtype, "%s", subtype);
}

// What an inactive section lists: any codec of its kind will do, nothing is sent on it.
static void idle_codec(enum sfu_kind kind, struct sdp_codec *c)
{
    memset(c, 0, sizeof *c);
    c->has_rtpmap = true;
    c->apt = c->useinbandfec = c->usedtx = c->minptime = -1;
    c->packetization_mode = c->profile_level_id = c->profile_id = -1;
    c->pt = kind == SFU_AUDIO ? 111 : 96;
    snprintf(c->name, sizeof c->name, "%s", kind == SFU_AUDIO ? "opus" : "VP8");
    c->clock = kind == SFU_AUDIO ? 48000 : 90000;
    c->channels = kind == SFU_AUDIO ? 2 : 0;
}

static void offer_section(struct hub_media *m, const struct media_part *mp,
                          const struct msection *s, struct mroom *room, struct sdp_media *sm)
{
    memset(sm, 0, sizeof *sm);
    struct mtrack *t = s->track_id[0] ? track_by_id(room, s->track_id) : NULL;
    struct sdp_codec codec;
    if (t)
        codec = t->codec;
    else
        idle_codec(s->kind, &codec);
    sm->kind = s->kind == SFU_AUDIO ? SDP_KIND_AUDIO : SDP_KIND_VIDEO;
    snprintf(sm->media, sizeof sm->media, "%s", s->kind == SFU_AUDIO ? "audio" : "video");
    sm->port = (uint16_t)mp->sub.port;
    snprintf(sm->proto, sizeof sm->proto, "UDP/TLS/RTP/SAVPF");
    sm->is_rtp = true;
    sm->n_codecs = 1;
    sm->codecs[0] = codec;
    snprintf(sm->mid, sizeof sm->mid, "%s", s->mid);
    sm->dir = t ? SDP_DIR_SENDONLY : SDP_DIR_INACTIVE;
    snprintf(sm->ice.ufrag, sizeof sm->ice.ufrag, "%s", mp->sub.ufrag);
    snprintf(sm->ice.pwd, sizeof sm->ice.pwd, "%s", mp->sub.pwd);
    sm->has_fingerprint = true;
    snprintf(sm->fingerprint.algo, sizeof sm->fingerprint.algo, DTLS_FINGERPRINT_ALGO);
    snprintf(sm->fingerprint.value, sizeof sm->fingerprint.value, "%s", sfu_fingerprint(m->sfu));
    sm->setup = SDP_SETUP_ACTPASS;
    sm->rtcp_mux = sm->rtcp_rsize = true;
    if (s->kind == SFU_VIDEO) {
        add_feedback(sm, "nack", "", codec.pt);
        add_feedback(sm, "nack", "pli", codec.pt);
        add_feedback(sm, "ccm", "fir", codec.pt);
    }
    if (t) {
        sm->n_ssrcs = 1;
        sm->ssrcs[0].ssrc = s->out_ssrc;
        snprintf(sm->ssrcs[0].cname, sizeof sm->ssrcs[0].cname, "%s", t->owner);
        snprintf(sm->ssrcs[0].msid_stream, sizeof sm->ssrcs[0].msid_stream, "%s", t->owner);
        snprintf(sm->ssrcs[0].msid_track, sizeof sm->ssrcs[0].msid_track, "%s", t->id);
        sm->n_msids = 1;
        snprintf(sm->msids[0].stream, sizeof sm->msids[0].stream, "%s", t->owner);
        snprintf(sm->msids[0].track, sizeof sm->msids[0].track, "%s", t->id);
    }
    struct sdp_candidate *cand = &sm->candidates[sm->n_candidates++];
    snprintf(cand->foundation, sizeof cand->foundation, "1");
    cand->component = 1;
    snprintf(cand->transport, sizeof cand->transport, "udp");
    cand->priority = 2130706431u;
    snprintf(cand->addr, sizeof cand->addr, "%s", mp->sub.ip);
    cand->port = (uint16_t)mp->sub.port;
    snprintf(cand->type, sizeof cand->type, "host");
    sm->end_of_candidates = true;
}

static void send_offer(struct hub_media *m, struct hub_conn *c, struct mroom *room)
{
    struct media_part *mp = c->mp;
    struct sdp *o = xmalloc(sizeof *o); // cleared as far as it is used (it is over 1 MB)
    memset(o, 0, offsetof(struct sdp, media));
    snprintf(o->origin_user, sizeof o->origin_user, "-");
    o->sess_id = mp->sess_id;
    o->sess_version = (uint64_t)++mp->version;
    o->ice_lite = true;
    o->has_bundle = true;
    o->has_msid_semantic = true;
    snprintf(o->msid_semantic, sizeof o->msid_semantic, "WMS");
    for (int i = 0; i < mp->nsecs; i++) {
        offer_section(m, mp, &mp->secs[i], room, &o->media[o->n_media++]);
        snprintf(o->bundle[o->n_bundle++], SDP_ID_MAX, "%s", mp->secs[i].mid);
    }
    sbuf sdp;
    sbuf_init(&sdp);
    if (sdp_write(o, &sdp)) {
        log_error("media: cannot write a subscriber offer", "participant=%s", c->participant_id);
        sbuf_fini(&sdp);
        free(o);
        return;
    }
    free(o);
    sbuf b;
    jsonw w;
    hub_msg_begin(&b, &w, "subscribe_offer", NULL);
    jsonw_kstr(&w, "sdp", sdp.data);
    jsonw_kint(&w, "version", mp->version);
    jsonw_key(&w, "tracks");
    jsonw_arr(&w);
    for (int i = 0; i < mp->nsecs; i++) {
        struct mtrack *t = track_by_id(room, mp->secs[i].track_id);
        if (!t)
            continue;
        jsonw_obj(&w);
        jsonw_kstr(&w, "mid", mp->secs[i].mid);
        jsonw_kstr(&w, "track_id", t->id);
        jsonw_kstr(&w, "participant_id", t->owner);
        jsonw_kstr(&w, "kind", t->kind == SFU_AUDIO ? "audio" : "video");
        jsonw_kstr(&w, "source", participant_source_name(t->source));
        jsonw_obj_end(&w);
    }
    jsonw_arr_end(&w);
    jsonw_obj_end(&w);
    hub_send(m->hub, c, b.data);
    sbuf_fini(&b);
    sbuf_fini(&sdp);
    mp->pending = true;
}

// A socket's media state, made on first use: most of a large audience never publishes, and
// until a track is published nobody receives anything either.
static struct media_part *mp_of(struct hub_conn *c)
{
    if (!c->mp) {
        c->mp = xcalloc(1, sizeof *c->mp);
        c->mp->c = c;
        c->mp->quality = -1;
    }
    return c->mp;
}

// Renegotiates c's receiving connection if what it should receive changed.
static void sync_subscriber(struct hub_media *m, struct hub_conn *c)
{
    if (!m->sfu || !c->media_joined || !c->joined || c->closing || !c->who.grants.subscribe)
        return;
    struct mroom *room = room_of(m, c->who.room_id, false);
    if (!c->mp || !c->mp->sub_open) {
        bool any = false;
        for (struct mtrack *t = room ? room->tracks : NULL; t && !any; t = t->next)
            any = wants(c, t);
        if (!any)
            return; // no receiving connection until there is something to receive
    }
    struct media_part *mp = mp_of(c);
    if (mp->pending) {
        mp->dirty = true;
        return;
    }
    if (!mp->sub_open) {
        sfu_peer_open(m->sfu, c->who.room_id, c->participant_id, SFU_SUBSCRIBER, &mp->sub);
        map_puts(&m->peers, mp->sub.peer_id, mp);
        mp->sub_open = true;
        mp->sub_remote_set = false;
        RAND_bytes((uint8_t *)&mp->sess_id, sizeof mp->sess_id);
        mp->sess_id >>= 2;
    }
    if (diff_sections(m, c, room) || mp->version == 0)
        send_offer(m, c, room);
}

static void sync_room(struct hub_media *m, const char *room_id)
{
    for (struct hub_conn *c = hub_room_conns(m->hub, room_id); c; c = c->room_next)
        if (c->joined && c->media_joined)
            sync_subscriber(m, c);
}

static void on_subscribe_answer(struct hub *r, struct hub_conn *c, const char *req_id,
                                json_t *fields)
{
    struct hub_media *m = r->media;
    struct media_part *mp = c->mp;
    const char *text = json_string_value(json_object_get(fields, "sdp"));
    json_t *ver = json_object_get(fields, "version");
    if (!text || !json_is_integer(ver)) {
        hub_send_error(r, c, req_id, "missing_field", text ? "version" : "sdp",
                       "subscribe_answer needs sdp and version");
        return;
    }
    if (!mp->sub_open || !mp->pending || json_integer_value(ver) != mp->version) {
        hub_send_error(r, c, req_id, "stale_answer", "version",
                       "that answer is not for the offer voxd is waiting on");
        return;
    }
    struct sdp *a = xmalloc(sizeof *a); // sdp_parse clears what it fills
    char err[160];
    if (sdp_parse(a, text, strlen(text), err, sizeof err)) {
        hub_send_error(r, c, req_id, "invalid_sdp", "sdp", err);
        free(a);
        return;
    }
    const struct sdp_fingerprint *fp = a->n_media ? sdp_media_fingerprint(a, &a->media[0]) : NULL;
    if (!fp) {
        hub_send_error(r, c, req_id, "invalid_sdp", "sdp", "the answer has no a=fingerprint");
        free(a);
        return;
    }
    if (!mp->sub_remote_set) {
        char f[SDP_TOKEN_MAX + SDP_FP_MAX + 2];
        snprintf(f, sizeof f, "%s %s", fp->algo, fp->value);
        sfu_peer_remote(m->sfu, c->who.room_id, mp->sub.peer_id, f);
        mp->sub_remote_set = true;
    }
    free(a);
    mp->pending = false;
    if (req_id && *req_id)
        send_ok(r, c, req_id);
    if (mp->dirty) {
        mp->dirty = false;
        sync_subscriber(m, c);
    }
}

// ---- publishing ----

// voxd's payload type for a codec in the offers it makes: one table for every subscriber,
// so two publishers that numbered the same codec differently look alike downstream.
static int our_pt(const char *codec)
{
    if (strcasecmp(codec, "opus") == 0)
        return 111;
    if (strcasecmp(codec, "VP8") == 0)
        return 96;
    if (strcasecmp(codec, "VP9") == 0)
        return 98;
    if (strcasecmp(codec, "H264") == 0)
        return 102;
    return 0;
}

static struct mtrack *own_track(struct mroom *room, struct hub_conn *c, const char *mid)
{
    for (struct mtrack *t = room ? room->tracks : NULL; t; t = t->next)
        if (t->conn == c && !t->echo && strcmp(t->mid, mid) == 0)
            return t;
    return NULL;
}

static void track_unlink(struct mroom *room, struct mtrack *t)
{
    for (struct mtrack **pp = &room->tracks; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            return;
        }
}

// Adds what t's owner spoke since the last flush to the participant and its session.
static void flush_speaking(struct hub *r, struct mtrack *t)
{
    if (t->echo || t->speaking_ms == 0)
        return;
    store *st = r->a->st;
    if (st->ops->begin(st) == 0) {
        if (st->participants->add_speaking(st, t->conn->who.org_id, t->owner, t->speaking_ms) ||
            st->ops->commit(st))
            st->ops->rollback(st);
    }
    t->speaking_ms = 0;
    t->speaking_flushed = clock_now_ms();
}

static void unpublish(struct hub_media *m, struct mroom *room, struct mtrack *t)
{
    flush_speaking(m->hub, t);
    for (struct mtrack *e = room->tracks, *next; e && !t->echo; e = next) {
        next = e->next;
        if (e->echo && strcmp(e->src_track, t->id) == 0)
            unpublish(m, room, e); // its echo goes with it
    }
    sfu_track_remove(m->sfu, room->id, t->id);
    broadcast_track(m->hub, t, "track_unpublished");
    track_unlink(room, t);
    free(t);
}

// The primary SSRC of a sending section and its RTX SSRC (an a=ssrc-group:FID pair).
static uint32_t section_ssrc(const struct sdp_media *sm, uint32_t *rtx)
{
    *rtx = 0;
    for (int g = 0; g < sm->n_ssrc_groups; g++)
        if (strcmp(sm->ssrc_groups[g].semantics, "FID") == 0 && sm->ssrc_groups[g].n_ssrcs == 2) {
            *rtx = sm->ssrc_groups[g].ssrcs[1];
            return sm->ssrc_groups[g].ssrcs[0];
        }
    return sm->n_ssrcs ? sm->ssrcs[0].ssrc : 0;
}

struct pub_source {
    char mid[SDP_ID_MAX];
    participant_source source;
};

// Reads the optional "tracks": [{"mid", "source"}] of a publish message.
static int read_sources(json_t *tracks, struct pub_source *out, int max, int *n, const char **why)
{
    *n = 0;
    if (!tracks)
        return 0;
    size_t i;
    json_t *v;
    if (!json_is_array(tracks) || json_array_size(tracks) > (size_t)max)
        return *why = "tracks must be an array of at most 32 {mid, source}", -1;
    json_array_foreach(tracks, i, v)
    {
        const char *mid = json_string_value(json_object_get(v, "mid"));
        const char *src = json_string_value(json_object_get(v, "source"));
        if (!mid || strlen(mid) >= SDP_ID_MAX || !src ||
            participant_source_parse(src, &out[*n].source))
            return *why = "each track needs a mid and a source (microphone, camera, "
                          "screen_share)",
                   -1;
        snprintf(out[*n].mid, sizeof out[*n].mid, "%s", mid);
        (*n)++;
    }
    return 0;
}

static participant_source source_of(const struct pub_source *s, int n, const char *mid,
                                    enum sdp_kind kind)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s[i].mid, mid) == 0)
            return s[i].source;
    return kind == SDP_KIND_AUDIO ? SOURCE_MICROPHONE : SOURCE_CAMERA;
}

struct pub_ctx {
    struct participant_rec self;
    struct room_rec room;
    struct sdp *offer, *answer;
    struct pub_source src[SDP_MAX_MEDIA];
    int nsrc;
};

static bool sending(const struct sdp *s, const struct sdp_media *sm)
{
    enum sdp_dir d = sdp_media_dir(s, sm);
    return sm->port != 0 && (sm->kind == SDP_KIND_AUDIO || sm->kind == SDP_KIND_VIDEO) &&
           (d == SDP_DIR_SENDONLY || d == SDP_DIR_SENDRECV);
}

// Refuses the publish unless every sending section is allowed; 0 or -1 (answered).
static int check_publish(struct hub *r, struct hub_conn *c, const char *req_id, struct pub_ctx *x)
{
    if (!c->who.grants.publish) {
        hub_send_error(r, c, req_id, "forbidden", NULL, "your token does not allow publishing");
        return -1;
    }
    for (int i = 0; i < x->offer->n_media; i++) {
        const struct sdp_media *sm = &x->offer->media[i];
        if (!sending(x->offer, sm))
            continue;
        participant_source src = source_of(x->src, x->nsrc, sm->mid, sm->kind);
        if ((src == SOURCE_MICROPHONE) != (sm->kind == SDP_KIND_AUDIO)) {
            hub_send_error(r, c, req_id, "invalid_value", "tracks",
                           "a microphone is audio; a camera or a screen share is video");
            return -1;
        }
        const char *why = NULL;
        if (participant_check_publish(participants_role(&x->self), x->self.permissions,
                                      x->room.screen_share_allowed, src, &why)) {
            hub_send_error(r, c, req_id, "forbidden", NULL, why);
            return -1;
        }
    }
    return 0;
}

// Echoes src back to its own publisher: the echo peer receives src as a fresh SSRC and
// publishes each packet as its track with that same SSRC.
static void echo_add(struct hub_media *m, struct hub_conn *c, struct mroom *room,
                     const struct mtrack *src)
{
    struct mtrack *e = xcalloc(1, sizeof *e);
    snprintf(e->id, sizeof e->id, "EC%llx%08x", (unsigned long long)++m->next_track, random_ssrc());
    e->conn = c;
    snprintf(e->owner, sizeof e->owner, "echo");
    e->kind = src->kind;
    e->source = src->source;
    e->codec = src->codec;
    e->ssrc = random_ssrc();
    e->echo = true;
    snprintf(e->src_track, sizeof e->src_track, "%s", src->id);
    e->next = room->tracks;
    room->tracks = e;
    sfu_down_add(m->sfu, room->id, c->mp->echo.peer_id, src->id, e->ssrc);
    struct sfu_track_desc d = {.kind = e->kind, .ssrc = e->ssrc, .clock_rate = e->codec.clock};
    d.keyframe_codec = (uint8_t)keyframe_codec_of(e->codec.name);
    snprintf(d.track_id, sizeof d.track_id, "%s", e->id);
    snprintf(d.peer_id, sizeof d.peer_id, "%s", c->mp->echo.peer_id);
    d.pt_out[e->codec.pt & 127] = e->codec.pt; // already voxd's numbering
    sfu_track_add(m->sfu, room->id, &d);
}

static void track_desc(const struct mtrack *t, const struct sdp_media *am, uint32_t rtx,
                       const char *peer_id, struct sfu_track_desc *d)
{
    memset(d, 0, sizeof *d);
    snprintf(d->track_id, sizeof d->track_id, "%s", t->id);
    snprintf(d->peer_id, sizeof d->peer_id, "%s", peer_id);
    d->kind = t->kind;
    d->ssrc = t->ssrc;
    d->rtx_ssrc = rtx;
    d->clock_rate = t->codec.clock;
    for (int k = 0; k < am->n_codecs; k++) {
        int pt = our_pt(am->codecs[k].name);
        if (pt && am->codecs[k].pt < 128)
            d->pt_out[am->codecs[k].pt] = (uint8_t)pt;
    }
    d->primary_pt = am->codecs[0].pt; // the offer's numbering, which the answer keeps
    d->keyframe_codec = (uint8_t)keyframe_codec_of(am->codecs[0].name);
    for (int e = 0; e < am->n_extmaps; e++)
        if (strcmp(am->extmaps[e].uri, AUDIO_LEVEL_URI) == 0 && am->extmaps[e].id < 15)
            d->audio_level_ext = (uint8_t)am->extmaps[e].id;
}

static bool withheld_now(const struct pub_ctx *x, participant_source src)
{
    return !participant_may_forward(&x->self.media, participants_role(&x->self),
                                    x->self.permissions, src);
}

// Creates, updates or drops c's tracks to match the answered offer; returns how many track
// objects changed so the room's subscribers renegotiate.
static int apply_tracks(struct hub_media *m, struct hub_conn *c, struct pub_ctx *x,
                        struct mroom *room)
{
    int changed = 0;
    for (int i = 0; i < x->answer->n_media; i++) {
        const struct sdp_media *om = &x->offer->media[i], *am = &x->answer->media[i];
        if (am->port == 0 || !sending(x->offer, om) || am->n_codecs == 0)
            continue;
        uint32_t rtx, ssrc = section_ssrc(om, &rtx);
        if (!ssrc)
            continue; // checked before: every sending section names its SSRC
        struct mtrack *t = own_track(room, c, om->mid);
        bool fresh = !t;
        if (fresh) {
            t = xcalloc(1, sizeof *t);
            snprintf(t->id, sizeof t->id, "TR%llx%08x", (unsigned long long)++m->next_track,
                     random_ssrc());
            t->conn = c;
            snprintf(t->owner, sizeof t->owner, "%s", c->participant_id);
            snprintf(t->mid, sizeof t->mid, "%s", om->mid);
            t->kind = om->kind == SDP_KIND_AUDIO ? SFU_AUDIO : SFU_VIDEO;
            t->next = room->tracks;
            room->tracks = t;
        }
        t->source = source_of(x->src, x->nsrc, om->mid, om->kind);
        t->ssrc = ssrc;
        t->codec = am->codecs[0];
        t->codec.pt = (uint8_t)our_pt(t->codec.name);
        struct sfu_track_desc d;
        track_desc(t, am, rtx, c->mp->pub.peer_id, &d);
        sfu_track_add(m->sfu, room->id, &d); // a known id moves to the new peer (ICE restart)
        t->withheld = withheld_now(x, t->source);
        sfu_track_withhold(m->sfu, room->id, t->id, t->withheld);
        if (fresh) {
            broadcast_track(m->hub, t, "track_published");
            if (c->mp->echo_on)
                echo_add(m, c, room, t);
            changed++;
        }
    }
    // Tracks whose section stopped sending (or vanished) are unpublished.
    for (struct mtrack *t = room->tracks, *next; t; t = next) {
        next = t->next;
        if (t->conn != c || t->echo)
            continue;
        bool still = false;
        for (int i = 0; i < x->answer->n_media && !still; i++)
            still = strcmp(x->offer->media[i].mid, t->mid) == 0 && x->answer->media[i].port &&
                    sending(x->offer, &x->offer->media[i]);
        if (!still) {
            unpublish(m, room, t); // may take its echo too, which next might point at
            next = room->tracks;
            changed++;
        }
    }
    return changed;
}

static int answer_offer(struct hub *r, struct hub_conn *c, const char *req_id, struct pub_ctx *x,
                        sbuf *out)
{
    struct hub_media *m = r->media;
    struct media_part *mp = c->mp;
    const struct sdp_ice *ice =
        x->offer->n_media ? sdp_media_ice(x->offer, &x->offer->media[0]) : &x->offer->ice;
    const struct sdp_fingerprint *fp =
        x->offer->n_media ? sdp_media_fingerprint(x->offer, &x->offer->media[0]) : NULL;
    bool restart = !mp->pub_open || strcmp(ice->ufrag, mp->pub_ufrag) != 0;
    struct sfu_peer_info old = mp->pub, fresh;
    if (restart)
        sfu_peer_open(m->sfu, c->who.room_id, c->participant_id, SFU_PUBLISHER, &fresh);
    const struct sfu_peer_info *peer = restart ? &fresh : &mp->pub;
    struct sdp_local local = {.n_hosts = 1, .dir = SDP_DIR_RECVONLY};
    snprintf(local.ufrag, sizeof local.ufrag, "%s", peer->ufrag);
    snprintf(local.pwd, sizeof local.pwd, "%s", peer->pwd);
    snprintf(local.fingerprint_algo, sizeof local.fingerprint_algo, DTLS_FINGERPRINT_ALGO);
    snprintf(local.fingerprint, sizeof local.fingerprint, "%s", sfu_fingerprint(m->sfu));
    snprintf(local.hosts[0].ip, sizeof local.hosts[0].ip, "%s", peer->ip);
    local.hosts[0].port = (uint16_t)peer->port;
    local.sess_id = mp->sess_id ? mp->sess_id : 1;
    local.sess_version = (uint64_t)mp->version + 1;
    char err[160];
    if (sdp_answer(x->offer, &local, x->answer, err, sizeof err) || sdp_write(x->answer, out)) {
        if (restart)
            sfu_peer_close(m->sfu, c->who.room_id, fresh.peer_id);
        hub_send_error(r, c, req_id, "invalid_sdp", "sdp", err[0] ? err : "cannot answer");
        return -1;
    }
    if (restart) {
        char f[SDP_TOKEN_MAX + SDP_FP_MAX + 2];
        snprintf(f, sizeof f, "%s %s", fp ? fp->algo : "", fp ? fp->value : "");
        sfu_peer_remote(m->sfu, c->who.room_id, fresh.peer_id, f);
        mp->pub = fresh;
        snprintf(mp->pub_ufrag, sizeof mp->pub_ufrag, "%s", ice->ufrag);
        map_puts(&m->peers, fresh.peer_id, mp);
    }
    struct mroom *room = room_of(m, c->who.room_id, true);
    int changed = apply_tracks(m, c, x, room);
    if (restart && mp->pub_open) { // the tracks moved to the new peer first
        map_dels(&m->peers, old.peer_id);
        sfu_peer_close(m->sfu, c->who.room_id, old.peer_id);
    }
    mp->pub_open = true;
    if (changed)
        sync_room(m, c->who.room_id);
    room_maybe_free(m, room);
    return 0;
}

static int load_ctx(struct hub *r, struct hub_conn *c, const char *req_id, json_t *fields,
                    struct pub_ctx *x)
{
    store *st = r->a->st;
    const char *text = json_string_value(json_object_get(fields, "sdp"));
    const char *why = NULL;
    if (!text) {
        hub_send_error(r, c, req_id, "missing_field", "sdp", "publish needs the offer's sdp");
        return -1;
    }
    if (read_sources(json_object_get(fields, "tracks"), x->src, SDP_MAX_MEDIA, &x->nsrc, &why)) {
        hub_send_error(r, c, req_id, "invalid_value", "tracks", why);
        return -1;
    }
    if (st->participants->get(st, c->who.org_id, c->participant_id, &x->self) ||
        st->rooms->get(st, c->who.org_id, c->who.room_id, &x->room)) {
        hub_send_error(r, c, req_id, "not_found", NULL, "the participant or room is gone");
        return -1;
    }
    if (strcmp(x->room.media_mode, "sfu") != 0) {
        hub_send_error(r, c, req_id, "p2p_room", NULL,
                       "this room is peer-to-peer: send media to the others with signal");
        return -1;
    }
    char err[160];
    if (sdp_parse(x->offer, text, strlen(text), err, sizeof err)) {
        hub_send_error(r, c, req_id, "invalid_sdp", "sdp", err);
        return -1;
    }
    for (int i = 0; i < x->offer->n_media; i++) {
        uint32_t rtx;
        if (sending(x->offer, &x->offer->media[i]) && !section_ssrc(&x->offer->media[i], &rtx)) {
            hub_send_error(r, c, req_id, "invalid_sdp", "sdp",
                           "every sending section needs an a=ssrc line");
            return -1;
        }
    }
    return 0;
}

static void on_publish(struct hub *r, struct hub_conn *c, const char *req_id, json_t *fields)
{
    struct hub_media *m = r->media;
    if (!m->sfu) {
        hub_send_error(r, c, req_id, "media_unavailable", NULL,
                       "this server runs without a media plane");
        return;
    }
    struct pub_ctx *x = xcalloc(1, sizeof *x);
    x->offer = xmalloc(sizeof *x->offer); // sdp_parse and sdp_answer clear what they fill
    x->answer = xmalloc(sizeof *x->answer);
    sbuf sdp;
    sbuf_init(&sdp);
    if (load_ctx(r, c, req_id, fields, x) == 0 && check_publish(r, c, req_id, x) == 0 &&
        answer_offer(r, c, req_id, x, &sdp) == 0) {
        sbuf b;
        jsonw w;
        hub_msg_begin(&b, &w, "published", req_id);
        jsonw_kstr(&w, "sdp", sdp.data);
        jsonw_key(&w, "tracks");
        jsonw_arr(&w);
        struct mroom *room = room_of(m, c->who.room_id, false);
        for (struct mtrack *t = room ? room->tracks : NULL; t; t = t->next)
            if (t->conn == c)
                track_json(&w, t, true);
        jsonw_arr_end(&w);
        jsonw_obj_end(&w);
        hub_send(r, c, b.data);
        sbuf_fini(&b);
    }
    sbuf_fini(&sdp);
    participant_rec_fini(&x->self);
    room_rec_fini(&x->room);
    free(x->offer);
    free(x->answer);
    free(x);
}

// ---- the pre-call echo test ----

static void echo_stop(struct hub_media *m, struct hub_conn *c)
{
    struct media_part *mp = c->mp;
    if (!mp->echo_on)
        return;
    struct mroom *room = room_of(m, c->who.room_id, false);
    for (struct mtrack *t = room ? room->tracks : NULL, *next; t; t = next) {
        next = t->next;
        if (t->echo && t->conn == c)
            unpublish(m, room, t);
    }
    sfu_peer_close(m->sfu, c->who.room_id, mp->echo.peer_id);
    mp->echo_on = false;
    if (room)
        room_maybe_free(m, room);
}

static void on_echo(struct hub *r, struct hub_conn *c, const char *req_id, bool start)
{
    struct hub_media *m = r->media;
    struct media_part *mp = c->mp;
    if (!m->sfu) {
        hub_send_error(r, c, req_id, "media_unavailable", NULL,
                       "this server runs without a media plane");
        return;
    }
    if (!start) {
        echo_stop(m, c);
    } else if (!mp->echo_on) {
        if (!c->who.grants.subscribe) {
            hub_send_error(r, c, req_id, "forbidden", NULL,
                           "your token does not allow receiving media");
            return;
        }
        sfu_peer_open(m->sfu, c->who.room_id, c->participant_id, SFU_ECHO, &mp->echo);
        mp->echo_on = true;
        struct mroom *room = room_of(m, c->who.room_id, true);
        for (struct mtrack *t = room->tracks; t; t = t->next)
            if (t->conn == c && !t->echo)
                echo_add(m, c, room, t);
        room_maybe_free(m, room);
    }
    send_ok(r, c, req_id);
    sync_subscriber(m, c);
}

// ---- explicit subscriptions ----

static void on_subscription(struct hub *r, struct hub_conn *c, const char *req_id, json_t *fields,
                            bool subscribe)
{
    struct media_part *mp = c->mp;
    const char *id = json_string_value(json_object_get(fields, "track_id"));
    struct mroom *room = room_of(r->media, c->who.room_id, false);
    if (!id || !track_by_id(room, id) || track_by_id(room, id)->conn->who.grants.hidden) {
        hub_send_error(r, c, req_id, "not_found", "track_id", "no such track in this room");
        return;
    }
    int at = -1;
    for (int i = 0; i < mp->nunsub; i++)
        if (strcmp(mp->unsub[i], id) == 0)
            at = i;
    bool add = mp->manual ? subscribe : !subscribe; // the list holds the exceptions
    if (add && at < 0 && mp->nunsub == UNSUB_MAX) {
        hub_send_error(r, c, req_id, "limit_reached", "track_id",
                       "at most 32 tracks can be picked one by one");
        return;
    }
    if (!add && at >= 0)
        memcpy(mp->unsub[at], mp->unsub[--mp->nunsub], SFU_ID_MAX);
    else if (add && at < 0) {
        if (!mp->unsub)
            mp->unsub = xcalloc(UNSUB_MAX, sizeof *mp->unsub);
        snprintf(mp->unsub[mp->nunsub++], SFU_ID_MAX, "%s", id);
    }
    send_ok(r, c, req_id);
    sync_subscriber(r->media, c);
}

// set_auto_subscribe {auto}: on (the default) receives every track but those unsubscribed;
// off receives only the tracks subscribed one by one. Either way the picks start over.
static void on_auto_subscribe(struct hub *r, struct hub_conn *c, const char *req_id, json_t *fields)
{
    json_t *v = json_object_get(fields, "auto");
    if (!json_is_boolean(v)) {
        hub_send_error(r, c, req_id, "invalid_value", "auto", "auto must be true or false");
        return;
    }
    c->mp->manual = !json_is_true(v);
    c->mp->nunsub = 0;
    send_ok(r, c, req_id);
    sync_subscriber(r->media, c);
}

int hub_media_message(struct hub *r, struct hub_conn *c, const char *type, const char *req_id,
                      json_t *fields)
{
    if (!c->media_joined)
        return 0;
    static const char *const ours[] = {"publish",           "subscribe_answer", "echo_start",
                                       "echo_stop",         "subscribe",        "unsubscribe",
                                       "set_auto_subscribe"};
    bool known = false;
    for (size_t i = 0; i < sizeof ours / sizeof ours[0] && !known; i++)
        known = strcmp(type, ours[i]) == 0;
    if (!known)
        return 0;
    mp_of(c);
    if (strcmp(type, "publish") == 0)
        on_publish(r, c, req_id, fields);
    else if (strcmp(type, "subscribe_answer") == 0)
        on_subscribe_answer(r, c, req_id, fields);
    else if (strcmp(type, "echo_start") == 0 || strcmp(type, "echo_stop") == 0)
        on_echo(r, c, req_id, strcmp(type, "echo_start") == 0);
    else if (strcmp(type, "set_auto_subscribe") == 0)
        on_auto_subscribe(r, c, req_id, fields);
    else if (strcmp(type, "subscribe") == 0 || strcmp(type, "unsubscribe") == 0)
        on_subscription(r, c, req_id, fields, strcmp(type, "subscribe") == 0);
    else
        return 0;
    return 1;
}

// ---- participants coming and going ----

void hub_media_joined(struct hub *r, struct hub_conn *c)
{
    c->media_joined = 1;
    sync_subscriber(r->media, c);
}

void hub_media_conn_gone(struct hub *r, struct hub_conn *c)
{
    struct hub_media *m = r->media;
    struct media_part *mp = c->mp;
    if (!mp)
        return;
    echo_stop(m, c);
    struct mroom *room = room_of(m, c->who.room_id, false);
    int changed = 0;
    for (struct mtrack *t = room ? room->tracks : NULL, *next; t; t = next) {
        next = t->next;
        if (t->conn == c) {
            unpublish(m, room, t);
            changed++;
        }
    }
    if (mp->pub_open) {
        map_dels(&m->peers, mp->pub.peer_id);
        sfu_peer_close(m->sfu, c->who.room_id, mp->pub.peer_id);
    }
    if (mp->sub_open) {
        map_dels(&m->peers, mp->sub.peer_id);
        sfu_peer_close(m->sfu, c->who.room_id, mp->sub.peer_id);
    }
    free(mp->unsub);
    free(mp);
    c->mp = NULL;
    if (changed)
        sync_room(m, c->who.room_id);
    if (room)
        room_maybe_free(m, room);
}

void hub_media_participant(struct hub *r, struct hub_conn *c, const struct participant_rec *p)
{
    struct hub_media *m = r->media;
    if (!m->sfu || !c || !c->mp)
        return;
    struct mroom *room = room_of(m, c->who.room_id, false);
    for (struct mtrack *t = room ? room->tracks : NULL; t; t = t->next) {
        if (t->conn != c)
            continue;
        bool w =
            !participant_may_forward(&p->media, participants_role(p), p->permissions, t->source);
        if (w != t->withheld) {
            t->withheld = w;
            sfu_track_withhold(m->sfu, room->id, t->id, w);
            broadcast_track(r, t, "track_updated");
        }
    }
    if (c->mp->sub_open)
        sfu_peer_receive(m->sfu, c->who.room_id, c->mp->sub.peer_id,
                         !p->media.server_deaf && !p->media.self_deaf);
}

void hub_media_metrics(struct hub *r, sbuf *out)
{
    if (!r->media->sfu)
        return;
    struct sfu_counters c;
    sfu_counters(r->media->sfu, &c);
    sbuf_printf(
        out,
        "# HELP vox_media_packets_total UDP datagrams of the media plane, by direction.\n"
        "# TYPE vox_media_packets_total counter\n"
        "vox_media_packets_total{dir=\"rx\"} %llu\nvox_media_packets_total{dir=\"tx\"} %llu\n"
        "# HELP vox_media_bytes_total UDP bytes of the media plane, by direction.\n"
        "# TYPE vox_media_bytes_total counter\n"
        "vox_media_bytes_total{dir=\"rx\"} %llu\nvox_media_bytes_total{dir=\"tx\"} %llu\n"
        "# HELP vox_media_forwarded_total RTP packets forwarded to subscribers.\n"
        "# TYPE vox_media_forwarded_total counter\nvox_media_forwarded_total %llu\n"
        "# HELP vox_media_nack_resent_total Packets resent from the cache for a NACK.\n"
        "# TYPE vox_media_nack_resent_total counter\nvox_media_nack_resent_total %llu\n"
        "# HELP vox_media_tx_dropped_total Packets not sent: datagrams the kernel would not take, "
        "and packets for server-side endpoints past their backlog.\n"
        "# TYPE vox_media_tx_dropped_total counter\nvox_media_tx_dropped_total %llu\n"
        "# HELP vox_media_peers Media peers (transports and endpoints) on the workers.\n"
        "# TYPE vox_media_peers gauge\nvox_media_peers %llu\n"
        "# HELP vox_media_rooms Rooms with media on the workers.\n"
        "# TYPE vox_media_rooms gauge\nvox_media_rooms %llu\n"
        "# HELP vox_media_dropped_total Received datagrams dropped, by reason.\n"
        "# TYPE vox_media_dropped_total counter\n",
        (unsigned long long)c.rx_packets, (unsigned long long)c.tx_packets,
        (unsigned long long)c.rx_bytes, (unsigned long long)c.tx_bytes,
        (unsigned long long)c.forwarded, (unsigned long long)c.nack_resent,
        (unsigned long long)c.tx_dropped, (unsigned long long)c.peers, (unsigned long long)c.rooms);
    for (int k = 0; k < SFU_DROP_REASONS; k++)
        sbuf_printf(out, "vox_media_dropped_total{reason=\"%s\"} %llu\n", sfu_drop_names[k],
                    (unsigned long long)c.dropped[k]);
    sbuf_printf(out,
                "# HELP vox_media_keyframe_starts_total Video sent to a subscriber starting on a "
                "keyframe, by how: recognised, or after waiting too long for one.\n"
                "# TYPE vox_media_keyframe_starts_total counter\n"
                "vox_media_keyframe_starts_total{how=\"keyframe\"} %llu\n"
                "vox_media_keyframe_starts_total{how=\"timeout\"} %llu\n",
                (unsigned long long)c.keyframe_starts, (unsigned long long)c.keyframe_timeouts);
}

// ---- what the workers report ----

// Logs an event about c's participant (its session is read from the store), as a change
// made by that participant; data is taken.
static void log_event(struct hub *r, struct hub_conn *c, const char *type, json_t *data)
{
    store *st = r->a->st;
    struct participant_rec p;
    memset(&p, 0, sizeof p);
    if (c->participant_id[0] &&
        st->participants->get(st, c->who.org_id, c->participant_id, &p) == 0 &&
        st->ops->begin(st) == 0) {
        http_resp resp = {.status = 200};
        sbuf_init(&resp.body);
        struct api_call call = {.api = r->a, .st = st, .cfg = &r->a->cfg, .resp = &resp};
        call.now_ms = clock_now_ms();
        call.who = c->who;
        api_event(&call, type, p.room_id, p.session_id, p.id, data);
        data = NULL;
        if (st->ops->commit(st))
            st->ops->rollback(st);
        sbuf_fini(&resp.body);
    }
    json_decref(data);
    participant_rec_fini(&p);
}

static void on_peer_state(void *user, const char *peer_id, enum sfu_peer_state state,
                          const char *reason)
{
    struct hub *r = user;
    struct media_part *mp = map_gets(&r->media->peers, peer_id);
    if (!mp)
        return;
    bool pub = mp->pub_open && strcmp(mp->pub.peer_id, peer_id) == 0;
    const char *which = pub ? "publisher" : "subscriber";
    static const char *const names[] = {"connected", "disconnected", "failed"};
    send_media_state(r, mp->c, which, names[state], reason);
    bool *seen = pub ? &mp->pub_connected : &mp->sub_connected;
    if (state == SFU_PEER_CONNECTED && !*seen) {
        *seen = true;
        log_event(r, mp->c, "connection.established", json_pack("{s:s}", "transport", which));
    } else if (state != SFU_PEER_CONNECTED && *seen) {
        *seen = false;
        log_event(r, mp->c, "connection.lost",
                  json_pack("{s:s, s:s}", "transport", which, "reason", reason));
    }
}

static struct mtrack *track_anywhere(struct hub_media *m, const char *room_id, const char *id)
{
    return track_by_id(room_of(m, room_id, false), id);
}

static void on_levels(void *user, const char *room_id, const struct sfu_level *lv, size_t n)
{
    struct hub *r = user;
    bool changed = false;
    for (size_t i = 0; i < n; i++) {
        struct mtrack *t = track_anywhere(r->media, room_id, lv[i].track_id);
        if (!t)
            continue;
        bool was = t->speaking.on;
        changed |= speaking_update(&t->speaking, lv[i].level, t->withheld);
        if (t->speaking.on)
            t->speaking_ms += SFU_LEVEL_INTERVAL_MS;
        if ((was && !t->speaking.on) || clock_now_ms() - t->speaking_flushed >= SPEAKING_FLUSH_MS)
            flush_speaking(r, t);
    }
    if (!changed)
        return;
    sbuf b;
    jsonw w;
    hub_msg_begin(&b, &w, "active_speakers", NULL);
    jsonw_key(&w, "speakers");
    jsonw_arr(&w);
    struct mroom *room = room_of(r->media, room_id, false);
    for (int lvl = 0; lvl <= 127 && room; lvl++) // loudest first
        for (struct mtrack *t = room->tracks; t; t = t->next)
            if (t->speaking.on && t->speaking.level == lvl && !t->conn->who.grants.hidden) {
                jsonw_obj(&w);
                jsonw_kstr(&w, "participant_id", t->owner);
                jsonw_kstr(&w, "track_id", t->id);
                jsonw_kint(&w, "level", t->speaking.level);
                jsonw_obj_end(&w);
            }
    jsonw_arr_end(&w);
    jsonw_obj_end(&w);
    hub_send_ephemeral(r, room_id, NULL, b.data);
    sbuf_fini(&b);
}

// A participant's connection quality from both its transports: the worse of what voxd sees
// arriving from it (loss and jitter of its tracks) and what its receiver reports say about
// what voxd sends it (loss, jitter, round trip).
static participant_quality rate(const struct media_part *mp, double *loss, double *rtt,
                                double *jitter)
{
    const struct sfu_peer_stats *p = mp->pub_connected ? &mp->pub_stats : NULL;
    const struct sfu_peer_stats *s = mp->sub_connected ? &mp->sub_stats : NULL;
    *loss = 0, *rtt = 0, *jitter = 0;
    for (int i = 0; i < 2; i++) {
        const struct sfu_peer_stats *x = i ? s : p;
        if (!x)
            continue;
        *loss = x->loss > *loss ? x->loss : *loss;
        *rtt = x->rtt_ms > *rtt ? x->rtt_ms : *rtt;
        *jitter = x->jitter_ms > *jitter ? x->jitter_ms : *jitter;
    }
    // A publisher that sends nothing at all (not even DTX comfort noise) is lost.
    return participant_quality_rate(*loss, *rtt, *jitter, p && p->rx_kbps < 0.1);
}

// Stores c's network figures (at most every NETWORK_STORE_MS unless the quality changed).
static void store_network(struct hub *r, struct hub_conn *c, participant_quality q, double loss,
                          double rtt, double jitter, bool changed)
{
    struct media_part *mp = c->mp;
    int64_t now = clock_now_ms();
    if (!changed && now - mp->net_stored_ms < NETWORK_STORE_MS)
        return;
    mp->net_stored_ms = now;
    struct participant_net net = {
        .has = true, .rtt_ms = rtt, .jitter_ms = jitter, .loss = loss, .at = now};
    snprintf(net.quality, sizeof net.quality, "%s", participant_quality_name(q));
    net.bitrate_kbps = mp->pub_stats.rx_kbps + mp->sub_stats.tx_kbps;
    store *st = r->a->st;
    if (st->ops->begin(st) == 0) {
        if (st->participants->set_network(st, c->who.org_id, c->participant_id, &net) ||
            st->ops->commit(st))
            st->ops->rollback(st);
    }
}

static void on_stats(void *user, const char *peer_id, const struct sfu_peer_stats *s)
{
    struct hub *r = user;
    struct media_part *mp = map_gets(&r->media->peers, peer_id);
    if (!mp || (mp->echo_on && strcmp(mp->echo.peer_id, peer_id) == 0))
        return;
    bool pub = mp->pub_open && strcmp(mp->pub.peer_id, peer_id) == 0;
    *(pub ? &mp->pub_stats : &mp->sub_stats) = *s;
    double loss, rtt, jitter;
    participant_quality q = rate(mp, &loss, &rtt, &jitter);
    store_network(r, mp->c, q, loss, rtt, jitter, (int)q != mp->quality);
    if ((int)q == mp->quality)
        return;
    int before = mp->quality;
    mp->quality = (int)q;
    struct hub_conn *c = mp->c;
    json_t *j = json_pack("{s:s, s:s, s:s, s:f, s:f, s:f}", "type", "quality", "participant_id",
                          c->participant_id, "quality", participant_quality_name(q), "loss", loss,
                          "rtt_ms", rtt, "jitter_ms", jitter);
    char *text = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(4));
    hub_send_about(r, c, text);
    free(text);
    json_decref(j);
    if (before >= 0)
        log_event(r, c, (int)q > before ? "quality.degraded" : "quality.improved",
                  json_pack("{s:s, s:s, s:f, s:f, s:f}", "from",
                            participant_quality_name((participant_quality)before), "to",
                            participant_quality_name(q), "loss", loss, "rtt_ms", rtt, "jitter_ms",
                            jitter));
}

const struct sfu_events hub_sfu_events = {
    .peer_state = on_peer_state,
    .levels = on_levels,
    .stats = on_stats,
};
