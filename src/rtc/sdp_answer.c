// SPDX-License-Identifier: MIT
// The answer voxd gives a publisher's offer (JSEP, RFC 8829 §5.3.1): per section the codecs,
// feedback and header extensions the SFU forwards, the mirrored direction, DTLS role passive
// (RFC 8842 §5.3), one BUNDLE transport (RFC 9143 §7.3) on voxd's ICE-lite host candidates.
#include "rtc/sdp.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

// Header extensions the media plane reads or writes; others are left out of the answer.
static const char *const ext_uris[] = {
    "urn:ietf:params:rtp-hdrext:sdes:mid",
    "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
};

// RTCP feedback the SFU answers or passes on (nack from its packet cache, pli/fir toward the
// publisher, remb and transport-cc for bandwidth estimation).
static const struct {
    const char *type, *subtype;
} fb_kept[] = {
    {"nack", ""}, {"nack", "pli"}, {"ccm", "fir"}, {"goog-remb", ""}, {"transport-cc", ""},
};

#define DEFAULT_MAX_MESSAGE_SIZE 262144
#define SCTP_PORT                5000

__attribute__((format(printf, 4, 5))) static int refuse(char *err, size_t cap, int code,
                                                        const char *fmt, ...)
{
    if (err && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, cap, fmt, ap);
        va_end(ap);
    }
    return code;
}

// Directions as bits, send 1 and receive 2: mirroring swaps them, limiting is an AND.
static unsigned dir_bits(enum sdp_dir d)
{
    switch (d) {
    case SDP_DIR_SENDONLY:
        return 1;
    case SDP_DIR_RECVONLY:
        return 2;
    case SDP_DIR_INACTIVE:
        return 0;
    default:
        return 3;
    }
}

static enum sdp_dir answer_dir(enum sdp_dir offered, enum sdp_dir local)
{
    static const enum sdp_dir from_bits[] = {SDP_DIR_INACTIVE, SDP_DIR_SENDONLY, SDP_DIR_RECVONLY,
                                             SDP_DIR_SENDRECV};
    unsigned o = dir_bits(offered);
    unsigned mirrored = (o & 1) << 1 | (o & 2) >> 1;
    return from_bits[mirrored & dir_bits(local)];
}

static bool is_codec(const struct sdp_codec *c, const char *name, uint32_t clock)
{
    return c->has_rtpmap && strcasecmp(c->name, name) == 0 && c->clock == clock;
}

// H.264 with packetization-mode 1, ranked: 42e01f (constrained baseline 3.1), another
// constrained baseline level, another baseline, anything else; 0 when unusable.
static int h264_rank(const struct sdp_codec *c)
{
    if (!is_codec(c, "H264", 90000) || c->packetization_mode != 1)
        return 0;
    if (c->profile_level_id == 0x42e01f)
        return 4;
    if (c->profile_level_id >= 0 && (c->profile_level_id >> 8) == 0x42e0)
        return 3;
    if (c->profile_level_id >= 0 && (c->profile_level_id >> 16) == 0x42)
        return 2;
    return 1;
}

// The offer's codecs voxd takes, best first: at most one Opus, or VP8, H.264, VP9.
static unsigned pick_codecs(const struct sdp_media *o, const struct sdp_codec *out[3])
{
    const struct sdp_codec *vp8 = NULL, *h264 = NULL, *vp9 = NULL;
    int best = 0;
    if (o->kind != SDP_KIND_AUDIO && o->kind != SDP_KIND_VIDEO)
        return 0;
    for (unsigned i = 0; i < o->n_codecs; i++) {
        const struct sdp_codec *c = &o->codecs[i];
        if (o->kind == SDP_KIND_AUDIO) {
            if (is_codec(c, "opus", 48000) && c->channels == 2) {
                out[0] = c;
                return 1;
            }
            continue;
        }
        int r = h264_rank(c);
        if (!vp8 && is_codec(c, "VP8", 90000))
            vp8 = c;
        else if (!vp9 && is_codec(c, "VP9", 90000) && c->profile_id <= 0)
            vp9 = c;
        else if (r > best)
            best = r, h264 = c;
    }
    unsigned n = 0;
    if (vp8)
        out[n++] = vp8;
    if (h264)
        out[n++] = h264;
    if (vp9)
        out[n++] = vp9;
    return n;
}

static const struct sdp_codec *rtx_of(const struct sdp_media *o, const struct sdp_codec *c)
{
    for (unsigned i = 0; i < o->n_codecs; i++)
        if (is_codec(&o->codecs[i], "rtx", c->clock) && o->codecs[i].apt == c->pt)
            return &o->codecs[i];
    return NULL;
}

// Opus as voxd receives it: the offer's minptime, and in-band FEC and DTX if it offers them.
static void add_opus(struct sdp_media *a, const struct sdp_codec *oc)
{
    struct sdp_codec *c = &a->codecs[a->n_codecs++];
    c->pt = oc->pt;
    c->has_rtpmap = true;
    memcpy(c->name, oc->name, sizeof c->name);
    c->clock = oc->clock;
    c->channels = oc->channels;
    c->apt = c->useinbandfec = c->usedtx = c->minptime = -1;
    c->packetization_mode = c->profile_level_id = c->profile_id = -1;
    size_t n = 0;
    const char *sep = "";
    if (oc->minptime >= 0) {
        c->minptime = oc->minptime;
        n += (size_t)snprintf(c->fmtp + n, sizeof c->fmtp - n, "minptime=%d", (int)c->minptime);
        sep = ";";
    }
    if (oc->useinbandfec == 1) {
        c->useinbandfec = 1;
        n += (size_t)snprintf(c->fmtp + n, sizeof c->fmtp - n, "%suseinbandfec=1", sep);
        sep = ";";
    }
    if (oc->usedtx == 1) {
        c->usedtx = 1;
        snprintf(c->fmtp + n, sizeof c->fmtp - n, "%susedtx=1", sep);
    }
    c->has_fmtp = c->fmtp[0] != '\0';
}

static bool fb_is_kept(const struct sdp_rtcp_fb *fb)
{
    for (size_t i = 0; i < sizeof fb_kept / sizeof fb_kept[0]; i++)
        if (strcmp(fb->type, fb_kept[i].type) == 0 && strcmp(fb->subtype, fb_kept[i].subtype) == 0)
            return true;
    return false;
}

// The offer's kept feedback for payload type pt (SDP_PT_ANY: the "*" lines).
static void add_fb(struct sdp_media *a, const struct sdp_media *o, int pt)
{
    for (unsigned i = 0; i < o->n_rtcp_fb; i++)
        if (o->rtcp_fb[i].pt == pt && fb_is_kept(&o->rtcp_fb[i]))
            a->rtcp_fb[a->n_rtcp_fb++] = o->rtcp_fb[i];
}

// Codecs, feedback and extmaps of an RTP section; returns how many codecs (0: reject it).
static unsigned answer_rtp(struct sdp_media *a, const struct sdp_media *o)
{
    const struct sdp_codec *picked[3];
    unsigned n = pick_codecs(o, picked);
    for (unsigned i = 0; i < n; i++) {
        if (o->kind == SDP_KIND_AUDIO) {
            add_opus(a, picked[i]);
            continue;
        }
        a->codecs[a->n_codecs++] = *picked[i];
        const struct sdp_codec *rtx = rtx_of(o, picked[i]);
        if (rtx)
            a->codecs[a->n_codecs++] = *rtx;
    }
    if (!n)
        return 0;
    // sdp_parse orders feedback "*" first, then by codec: build it in that order too.
    add_fb(a, o, SDP_PT_ANY);
    for (unsigned i = 0; i < a->n_codecs; i++)
        if (strcasecmp(a->codecs[i].name, "rtx") != 0)
            add_fb(a, o, a->codecs[i].pt);
    for (unsigned i = 0; i < o->n_extmaps; i++) {
        const struct sdp_extmap *e = &o->extmaps[i];
        for (size_t u = 0; u < sizeof ext_uris / sizeof ext_uris[0]; u++) {
            if (strcmp(e->uri, ext_uris[u]) != 0)
                continue;
            struct sdp_extmap *x = &a->extmaps[a->n_extmaps++];
            *x = *e;
            if (e->dir != SDP_DIR_UNSET)
                x->dir = answer_dir(e->dir, SDP_DIR_SENDRECV);
        }
    }
    a->rtcp_mux = true;
    a->rtcp_rsize = o->rtcp_rsize;
    return n;
}

// An SCTP data channel section voxd can take (RFC 8841): UDP/DTLS/SCTP webrtc-datachannel.
static bool is_datachannel(const struct sdp_media *o)
{
    return o->kind == SDP_KIND_APPLICATION && strcmp(o->fmt, "webrtc-datachannel") == 0 &&
           (strcmp(o->proto, "UDP/DTLS/SCTP") == 0 || strcmp(o->proto, "TCP/DTLS/SCTP") == 0);
}

// What every answer section repeats of the offer's: the m= line's media, proto and
// non-RTP formats, and the mid.
static void copy_identity(struct sdp_media *a, const struct sdp_media *o)
{
    memset(a, 0, sizeof *a);
    a->kind = o->kind;
    memcpy(a->media, o->media, sizeof a->media);
    memcpy(a->proto, o->proto, sizeof a->proto);
    memcpy(a->mid, o->mid, sizeof a->mid);
    memcpy(a->fmt, o->fmt, sizeof a->fmt);
    a->is_rtp = o->is_rtp;
}

// The offer's section as rejected: port 0, its mid, and one format so the m= line is valid.
static int reject(struct sdp_media *a, const struct sdp_media *o)
{
    copy_identity(a, o);
    if (o->is_rtp) {
        struct sdp_codec *c = &a->codecs[a->n_codecs++];
        c->pt = o->codecs[0].pt;
        c->apt = c->useinbandfec = c->usedtx = c->minptime = -1;
        c->packetization_mode = c->profile_level_id = c->profile_id = -1;
    }
    return 0;
}

// The transport of an accepted section: voxd's credentials, fingerprint and candidates.
static void add_transport(struct sdp_media *a, const struct sdp_local *l, enum sdp_setup setup)
{
    a->port = 9;
    memcpy(a->ice.ufrag, l->ufrag, sizeof a->ice.ufrag);
    memcpy(a->ice.pwd, l->pwd, sizeof a->ice.pwd);
    a->has_fingerprint = true;
    memcpy(a->fingerprint.algo, l->fingerprint_algo, sizeof a->fingerprint.algo);
    memcpy(a->fingerprint.value, l->fingerprint, sizeof a->fingerprint.value);
    a->setup = setup;
    for (unsigned i = 0; i < l->n_hosts; i++) {
        struct sdp_candidate *c = &a->candidates[a->n_candidates++];
        snprintf(c->foundation, sizeof c->foundation, "%u", i + 1);
        c->component = 1;
        memcpy(c->transport, "udp", 4);
        // RFC 8445 §5.1.2.1: type preference 126 (host), local preference by order, RTP.
        c->priority = (126u << 24) | ((65535u - i) << 8) | (256u - 1);
        memcpy(c->addr, l->hosts[i].ip, sizeof c->addr);
        c->port = l->hosts[i].port;
        memcpy(c->type, "host", 5);
    }
    a->end_of_candidates = true;
}

// What a section voxd accepts must carry; 0 or SDP_ERR_UNSUPPORTED with the message.
static int check_section(const struct sdp *offer, const struct sdp_media *o, char *err, size_t cap)
{
    const struct sdp_ice *ice = sdp_media_ice(offer, o);
    if (!sdp_media_fingerprint(offer, o))
        return refuse(err, cap, SDP_ERR_UNSUPPORTED,
                      "mid %s: no a=fingerprint (DTLS-SRTP needs the peer's certificate hash)",
                      o->mid);
    if (!ice->ufrag[0] || !ice->pwd[0])
        return refuse(err, cap, SDP_ERR_UNSUPPORTED, "mid %s: no a=ice-ufrag and a=ice-pwd",
                      o->mid);
    if (o->is_rtp && !o->rtcp_mux)
        return refuse(err, cap, SDP_ERR_UNSUPPORTED,
                      "mid %s: no a=rtcp-mux (voxd carries RTP and RTCP on one port)", o->mid);
    if (sdp_media_setup(offer, o) == SDP_SETUP_HOLDCONN)
        return refuse(err, cap, SDP_ERR_UNSUPPORTED, "mid %s: a=setup:holdconn", o->mid);
    return 0;
}

static bool ok_string(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n == 0 || n == cap)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
            return false;
    return true;
}

static int check_local(const struct sdp_local *l, char *err, size_t cap)
{
    const char *bad = NULL;
    if (!ok_string(l->ufrag, sizeof l->ufrag) || !ok_string(l->pwd, sizeof l->pwd) ||
        !sdp_is_ice_chars(l->ufrag) || !sdp_is_ice_chars(l->pwd))
        bad = "ufrag and pwd";
    else if (!ok_string(l->fingerprint_algo, sizeof l->fingerprint_algo) ||
             !ok_string(l->fingerprint, sizeof l->fingerprint) ||
             !sdp_is_fingerprint(l->fingerprint))
        bad = "fingerprint";
    else if (l->n_hosts == 0 || l->n_hosts > SDP_MAX_CANDIDATES)
        bad = "hosts (1 to SDP_MAX_CANDIDATES)";
    else if (l->dir == SDP_DIR_UNSET || (unsigned)l->dir > SDP_DIR_INACTIVE)
        bad = "dir";
    for (unsigned i = 0; !bad && i < l->n_hosts; i++)
        if (!ok_string(l->hosts[i].ip, sizeof l->hosts[i].ip))
            bad = "host address";
    return bad ? refuse(err, cap, SDP_ERR_ARG, "sdp_local: bad %s", bad) : 0;
}

// One section of the answer; 1 if accepted, 0 if rejected, or a negative sdp_err.
static int answer_section(const struct sdp *offer, const struct sdp_media *o,
                          const struct sdp_local *l, struct sdp_media *a, char *err, size_t cap)
{
    copy_identity(a, o);
    bool live = o->port != 0 || o->bundle_only;
    if (!live || o->kind == SDP_KIND_OTHER)
        return reject(a, o);
    if (!o->mid[0])
        return refuse(err, cap, SDP_ERR_UNSUPPORTED, "an m=%s section has no a=mid", o->media);
    if (!sdp_is_bundled(offer, o->mid))
        return reject(a, o);
    if (o->kind == SDP_KIND_APPLICATION) {
        if (!l->accept_data || !is_datachannel(o))
            return reject(a, o);
    } else if (!o->is_rtp || !answer_rtp(a, o)) {
        return reject(a, o);
    }
    int rc = check_section(offer, o, err, cap);
    if (rc)
        return rc;
    enum sdp_setup setup =
        sdp_media_setup(offer, o) == SDP_SETUP_PASSIVE ? SDP_SETUP_ACTIVE : SDP_SETUP_PASSIVE;
    add_transport(a, l, setup);
    if (o->kind == SDP_KIND_APPLICATION) {
        a->sctp_port = SCTP_PORT;
        a->max_message_size = l->max_message_size ? l->max_message_size : DEFAULT_MAX_MESSAGE_SIZE;
    } else {
        a->dir = answer_dir(sdp_media_dir(offer, o), l->dir);
    }
    return 1;
}

int sdp_answer(const struct sdp *offer, const struct sdp_local *local, struct sdp *answer,
               char *err, size_t errcap)
{
    memset(answer, 0, offsetof(struct sdp, media)); // sections are cleared as they are made
    if (err && errcap)
        err[0] = '\0';
    int rc = check_local(local, err, errcap);
    if (rc)
        return rc;
    if (!offer->has_bundle || offer->n_bundle == 0)
        return refuse(err, errcap, SDP_ERR_UNSUPPORTED,
                      "the offer has no a=group:BUNDLE (voxd carries every section on one "
                      "transport)");
    memcpy(answer->origin_user, "-", 2);
    answer->sess_id = local->sess_id;
    answer->sess_version = local->sess_version;
    answer->ice_lite = true;
    answer->has_msid_semantic = true;
    memcpy(answer->msid_semantic, "WMS", 4);
    bool accepted[SDP_MAX_MEDIA] = {false};
    for (unsigned i = 0; i < offer->n_media && i < SDP_MAX_MEDIA; i++) {
        memset(&answer->media[i], 0, sizeof answer->media[i]);
        rc = answer_section(offer, &offer->media[i], local, &answer->media[i], err, errcap);
        if (rc < 0)
            return rc;
        accepted[i] = rc == 1;
        answer->n_media++;
    }
    // The offer's group order, so its tagged section stays first (RFC 9143 §7.3.1).
    for (unsigned b = 0; b < offer->n_bundle && b < SDP_MAX_MEDIA; b++)
        for (unsigned i = 0; i < answer->n_media; i++)
            if (accepted[i] && strcmp(answer->media[i].mid, offer->bundle[b]) == 0)
                memcpy(answer->bundle[answer->n_bundle++], offer->bundle[b], SDP_ID_MAX);
    answer->has_bundle = answer->n_bundle > 0;
    return 0;
}
