// SPDX-License-Identifier: MIT
// Offers and answers as a browser would send them to voxd (JSEP, RFC 8829), in the fields of
// struct sdp: unified plan, one transport for every section (BUNDLE), rtcp-mux, DTLS-SRTP.
#include "sdpgen.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uv.h>

#include "core/mem.h"
#include "rtc/dtls.h"

#define LEVEL_URI "urn:ietf:params:rtp-hdrext:ssrc-audio-level"

static void set_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

static void transport(struct sdp_media *sm, const struct sdpgen_local *l, enum sdp_setup setup)
{
    set_str(sm->ice.ufrag, sizeof sm->ice.ufrag, l->ufrag);
    set_str(sm->ice.pwd, sizeof sm->ice.pwd, l->pwd);
    sm->has_fingerprint = true;
    set_str(sm->fingerprint.algo, sizeof sm->fingerprint.algo, DTLS_FINGERPRINT_ALGO);
    set_str(sm->fingerprint.value, sizeof sm->fingerprint.value, l->fingerprint);
    sm->setup = setup;
    sm->rtcp_mux = sm->rtcp_rsize = true;
}

static void codec(struct sdp_codec *c, uint8_t pt, const char *name, uint32_t clock,
                  uint8_t channels, const char *fmtp)
{
    memset(c, 0, sizeof *c);
    c->pt = pt;
    c->has_rtpmap = true;
    set_str(c->name, sizeof c->name, name);
    c->clock = clock;
    c->channels = channels;
    c->has_fmtp = fmtp != NULL;
    set_str(c->fmtp, sizeof c->fmtp, fmtp ? fmtp : "");
    c->apt = c->useinbandfec = c->usedtx = c->minptime = -1;
    c->packetization_mode = c->profile_level_id = c->profile_id = -1;
}

static void feedback(struct sdp_media *sm, int pt, const char *type, const char *subtype)
{
    struct sdp_rtcp_fb *f = &sm->rtcp_fb[sm->n_rtcp_fb++];
    f->pt = (int16_t)pt;
    set_str(f->type, sizeof f->type, type);
    set_str(f->subtype, sizeof f->subtype, subtype);
}

// A sending section: its SSRC with cname and msid, and our host candidate.
static void sending(struct sdp_media *sm, const struct sdpgen_local *l, uint32_t ssrc,
                    const char *track)
{
    sm->dir = SDP_DIR_SENDONLY;
    sm->n_msids = 1;
    set_str(sm->msids[0].stream, sizeof sm->msids[0].stream, l->cname);
    set_str(sm->msids[0].track, sizeof sm->msids[0].track, track);
    sm->n_ssrcs = 1;
    sm->ssrcs[0].ssrc = ssrc;
    set_str(sm->ssrcs[0].cname, sizeof sm->ssrcs[0].cname, l->cname);
    set_str(sm->ssrcs[0].msid_stream, sizeof sm->ssrcs[0].msid_stream, l->cname);
    set_str(sm->ssrcs[0].msid_track, sizeof sm->ssrcs[0].msid_track, track);
    struct sdp_candidate *c = &sm->candidates[sm->n_candidates++];
    set_str(c->foundation, sizeof c->foundation, "1");
    c->component = 1;
    set_str(c->transport, sizeof c->transport, "udp");
    c->priority = 2122260223u;
    set_str(c->addr, sizeof c->addr, "127.0.0.1");
    c->port = (uint16_t)l->port;
    set_str(c->type, sizeof c->type, "host");
}

static struct sdp_media *section(struct sdp *s, enum sdp_kind kind, const char *mid)
{
    struct sdp_media *sm = &s->media[s->n_media++];
    sm->kind = kind;
    sm->port = 9; // the real address is in the candidates (RFC 8839 section 4.2.1.3)
    set_str(sm->proto, sizeof sm->proto, "UDP/TLS/RTP/SAVPF");
    sm->is_rtp = true;
    set_str(sm->mid, sizeof sm->mid, mid);
    set_str(s->bundle[s->n_bundle++], SDP_ID_MAX, mid);
    return sm;
}

static struct sdp *session(void)
{
    struct sdp *s = xcalloc(1, sizeof *s);
    set_str(s->origin_user, sizeof s->origin_user, "-");
    RAND_bytes((uint8_t *)&s->sess_id, sizeof s->sess_id);
    s->sess_id >>= 2; // browsers keep it below 2^62
    s->sess_version = 2;
    s->has_bundle = true;
    s->has_msid_semantic = true;
    set_str(s->msid_semantic, sizeof s->msid_semantic, "WMS");
    return s;
}

int sdpgen_publish(const struct sdpgen_local *l, uint32_t audio_ssrc, uint32_t video_ssrc,
                   sbuf *out)
{
    struct sdp *s = session();
    struct sdp_media *a = section(s, SDP_KIND_AUDIO, "0");
    transport(a, l, SDP_SETUP_ACTPASS);
    a->n_codecs = 1;
    codec(&a->codecs[0], SDPGEN_AUDIO_PT, "opus", 48000, 2, "minptime=10;useinbandfec=1");
    feedback(a, SDPGEN_AUDIO_PT, "transport-cc", "");
    a->n_extmaps = 1;
    a->extmaps[0].id = SDPGEN_LEVEL_EXTID;
    set_str(a->extmaps[0].uri, sizeof a->extmaps[0].uri, LEVEL_URI);
    sending(a, l, audio_ssrc, "microphone");
    if (video_ssrc) {
        struct sdp_media *v = section(s, SDP_KIND_VIDEO, "1");
        transport(v, l, SDP_SETUP_ACTPASS);
        v->n_codecs = 1;
        codec(&v->codecs[0], SDPGEN_VIDEO_PT, "VP8", 90000, 0, NULL);
        feedback(v, SDPGEN_VIDEO_PT, "nack", "");
        feedback(v, SDPGEN_VIDEO_PT, "nack", "pli");
        feedback(v, SDPGEN_VIDEO_PT, "ccm", "fir");
        sending(v, l, video_ssrc, "camera");
    }
    int rc = sdp_write(s, out);
    free(s);
    return rc;
}

static enum sdp_dir answer_dir(enum sdp_dir offered)
{
    return offered == SDP_DIR_SENDONLY || offered == SDP_DIR_SENDRECV ? SDP_DIR_RECVONLY
                                                                      : SDP_DIR_INACTIVE;
}

int sdpgen_answer(const struct sdp *offer, const struct sdpgen_local *l, sbuf *out)
{
    struct sdp *s = session();
    for (int i = 0; i < offer->n_media; i++) {
        const struct sdp_media *om = &offer->media[i];
        struct sdp_media *am = section(s, om->kind, om->mid);
        set_str(am->media, sizeof am->media, om->media);
        set_str(am->proto, sizeof am->proto, om->proto);
        am->is_rtp = om->is_rtp;
        am->n_codecs = om->n_codecs;
        memcpy(am->codecs, om->codecs, sizeof am->codecs[0] * om->n_codecs);
        am->n_rtcp_fb = om->n_rtcp_fb;
        memcpy(am->rtcp_fb, om->rtcp_fb, sizeof am->rtcp_fb[0] * om->n_rtcp_fb);
        am->n_extmaps = om->n_extmaps;
        memcpy(am->extmaps, om->extmaps, sizeof am->extmaps[0] * om->n_extmaps);
        if (om->port == 0) {
            am->port = 0; // rejected by voxd: stays rejected, and out of the bundle
            s->n_bundle--;
            continue;
        }
        transport(am, l, SDP_SETUP_ACTIVE);
        am->dir = answer_dir(sdp_media_dir(offer, om));
    }
    int rc = sdp_write(s, out);
    free(s);
    return rc;
}

int sdpgen_remote(const struct sdp *s, struct mpeer_remote *r, char *err, size_t errcap)
{
    memset(r, 0, sizeof *r);
    if (s->n_media == 0) {
        snprintf(err, errcap, "voxd's description has no media section");
        return -1;
    }
    const struct sdp_media *m0 = &s->media[0];
    const struct sdp_ice *ice = sdp_media_ice(s, m0);
    const struct sdp_fingerprint *fp = sdp_media_fingerprint(s, m0);
    if (!ice->ufrag[0] || !ice->pwd[0] || !fp) {
        snprintf(err, errcap, "voxd's description lacks ICE credentials or a fingerprint");
        return -1;
    }
    set_str(r->ufrag, sizeof r->ufrag, ice->ufrag);
    set_str(r->pwd, sizeof r->pwd, ice->pwd);
    snprintf(r->fingerprint, sizeof r->fingerprint, "%s %s", fp->algo, fp->value);
    for (int i = 0; i < s->n_media; i++)
        for (int c = 0; c < s->media[i].n_candidates; c++) {
            const struct sdp_candidate *cand = &s->media[i].candidates[c];
            if (strcasecmp(cand->transport, "udp") == 0 &&
                uv_ip4_addr(cand->addr, cand->port, &r->addr) == 0)
                return 0;
        }
    snprintf(err, errcap, "voxd's description has no IPv4 UDP candidate");
    return -1;
}
