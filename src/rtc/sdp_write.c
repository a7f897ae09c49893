// SPDX-License-Identifier: MIT
// struct sdp -> SDP text (RFC 8866 §5, with the attributes sdp.c parses), in the line order
// Chromium writes, so voxd's answers and offers read like a browser's. Every caller string is
// checked before it is written: nothing in a struct can add a line.
#include "rtc/sdp.h"

#include <stdio.h>
#include <string.h>

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

// A caller's string is written only if it fits its field, holds no control character (so no
// line can be injected) and, for a token, no blank either.
static bool ok_text(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n == cap)
        return false;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
            return false;
    return true;
}

static bool ok_token(const char *s, size_t cap)
{
    return ok_text(s, cap) && s[0] && !strpbrk(s, " \t");
}

#define TEXT(f)      ok_text((f), sizeof(f))
#define TOKEN(f)     ok_token((f), sizeof(f))
#define OPT_TOKEN(f) ((f)[0] ? TOKEN(f) : true)

static int write_ice(const struct sdp_ice *ice, unsigned options, sbuf *out)
{
    if (ice->ufrag[0] || ice->pwd[0]) {
        if (!TOKEN(ice->ufrag) || !TOKEN(ice->pwd) || !sdp_is_ice_chars(ice->ufrag) ||
            !sdp_is_ice_chars(ice->pwd))
            return SDP_ERR_ARG;
        sbuf_printf(out, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n", ice->ufrag, ice->pwd);
    }
    if (options & (SDP_ICE_OPT_TRICKLE | SDP_ICE_OPT_ICE2 | SDP_ICE_OPT_RENOMINATION)) {
        sbuf_puts(out, "a=ice-options:");
        const char *sep = "";
        if (options & SDP_ICE_OPT_TRICKLE)
            sbuf_printf(out, "%strickle", sep), sep = " ";
        if (options & SDP_ICE_OPT_ICE2)
            sbuf_printf(out, "%sice2", sep), sep = " ";
        if (options & SDP_ICE_OPT_RENOMINATION)
            sbuf_printf(out, "%srenomination", sep);
        sbuf_puts(out, "\r\n");
    }
    return 0;
}

// The attributes both levels may carry: fingerprint and setup (ICE is written before them).
static int write_dtls(bool has_fp, const struct sdp_fingerprint *fp, enum sdp_setup setup,
                      sbuf *out)
{
    if (has_fp) {
        if (!TOKEN(fp->algo) || !TOKEN(fp->value) || !sdp_is_fingerprint(fp->value))
            return SDP_ERR_ARG;
        sbuf_printf(out, "a=fingerprint:%s %s\r\n", fp->algo, fp->value);
    }
    if ((unsigned)setup > SDP_SETUP_HOLDCONN)
        return SDP_ERR_ARG;
    if (setup != SDP_SETUP_UNSET)
        sbuf_printf(out, "a=setup:%s\r\n", sdp_setup_name(setup));
    return 0;
}

static int write_dir(enum sdp_dir d, sbuf *out)
{
    if ((unsigned)d > SDP_DIR_INACTIVE)
        return SDP_ERR_ARG;
    if (d != SDP_DIR_UNSET)
        sbuf_printf(out, "a=%s\r\n", sdp_dir_name(d));
    return 0;
}

static int write_session(const struct sdp *s, sbuf *out)
{
    if (!OPT_TOKEN(s->origin_user) || s->n_bundle > SDP_MAX_MEDIA || s->n_media > SDP_MAX_MEDIA)
        return SDP_ERR_ARG;
    sbuf_printf(out, "v=0\r\no=%s %llu %llu IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n",
                s->origin_user[0] ? s->origin_user : "-", (unsigned long long)s->sess_id,
                (unsigned long long)s->sess_version);
    if (s->ice_lite)
        sbuf_puts(out, "a=ice-lite\r\n");
    if (s->has_bundle || s->n_bundle) {
        sbuf_puts(out, "a=group:BUNDLE");
        for (unsigned i = 0; i < s->n_bundle; i++) {
            if (!TOKEN(s->bundle[i]))
                return SDP_ERR_ARG;
            sbuf_printf(out, " %s", s->bundle[i]);
        }
        sbuf_puts(out, "\r\n");
    }
    if (s->extmap_allow_mixed)
        sbuf_puts(out, "a=extmap-allow-mixed\r\n");
    if (s->has_msid_semantic) {
        if (!TOKEN(s->msid_semantic) || !TEXT(s->msid_semantic_ids))
            return SDP_ERR_ARG;
        sbuf_printf(out, "a=msid-semantic: %s%s%s\r\n", s->msid_semantic,
                    s->msid_semantic_ids[0] ? " " : "", s->msid_semantic_ids);
    }
    int rc = write_ice(&s->ice, s->ice_options, out);
    if (rc || (rc = write_dtls(s->has_fingerprint, &s->fingerprint, s->setup, out)))
        return rc;
    return write_dir(s->dir, out);
}

static const char *const kind_names[] = {
    [SDP_KIND_AUDIO] = "audio",
    [SDP_KIND_VIDEO] = "video",
    [SDP_KIND_APPLICATION] = "application",
};

// m=, c= and a=rtcp. An empty media name is taken from the kind.
static int write_m_line(const struct sdp_media *m, sbuf *out)
{
    const char *media = m->media;
    if (!media[0] && (unsigned)m->kind < SDP_KIND_OTHER)
        media = kind_names[m->kind];
    else if (!TOKEN(m->media))
        return SDP_ERR_ARG;
    if (!TOKEN(m->proto) || m->is_rtp != (strstr(m->proto, "RTP/") != NULL))
        return SDP_ERR_ARG;
    sbuf_printf(out, "m=%s %u %s", media, m->port, m->proto);
    if (m->is_rtp) {
        if (m->n_codecs == 0 || m->n_codecs > SDP_MAX_CODECS)
            return SDP_ERR_ARG;
        for (unsigned i = 0; i < m->n_codecs; i++)
            sbuf_printf(out, " %u", m->codecs[i].pt);
    } else {
        if (!TEXT(m->fmt) || !*m->fmt || is_blank(m->fmt[0]))
            return SDP_ERR_ARG;
        sbuf_printf(out, " %s", m->fmt);
    }
    sbuf_puts(out, "\r\nc=IN IP4 0.0.0.0\r\n");
    if (m->is_rtp && m->port)
        sbuf_puts(out, "a=rtcp:9 IN IP4 0.0.0.0\r\n");
    return 0;
}

static int write_fb(const struct sdp_rtcp_fb *fb, sbuf *out)
{
    if (!TOKEN(fb->type) || !OPT_TOKEN(fb->subtype))
        return SDP_ERR_ARG;
    if (fb->pt == SDP_PT_ANY)
        sbuf_puts(out, "a=rtcp-fb:*");
    else
        sbuf_printf(out, "a=rtcp-fb:%d", fb->pt);
    sbuf_printf(out, " %s%s%s\r\n", fb->type, fb->subtype[0] ? " " : "", fb->subtype);
    return 0;
}

// Per payload type: rtpmap, its rtcp-fb lines, fmtp (Chromium's order); "*" feedback first.
static int write_codecs(const struct sdp_media *m, sbuf *out)
{
    if (!m->is_rtp)
        return 0;
    if (m->n_rtcp_fb > SDP_MAX_RTCP_FB)
        return SDP_ERR_ARG;
    int rc = 0;
    for (unsigned f = 0; !rc && f < m->n_rtcp_fb; f++)
        if (m->rtcp_fb[f].pt == SDP_PT_ANY)
            rc = write_fb(&m->rtcp_fb[f], out);
    for (unsigned i = 0; !rc && i < m->n_codecs; i++) {
        const struct sdp_codec *c = &m->codecs[i];
        if (c->pt > 127)
            return SDP_ERR_ARG;
        if (c->has_rtpmap) {
            if (!TOKEN(c->name) || strchr(c->name, '/') || !c->clock)
                return SDP_ERR_ARG;
            sbuf_printf(out, "a=rtpmap:%u %s/%u", c->pt, c->name, c->clock);
            if (c->channels)
                sbuf_printf(out, "/%u", c->channels);
            sbuf_puts(out, "\r\n");
        }
        for (unsigned f = 0; !rc && f < m->n_rtcp_fb; f++)
            if (m->rtcp_fb[f].pt == c->pt)
                rc = write_fb(&m->rtcp_fb[f], out);
        if (c->has_fmtp) {
            if (!TEXT(c->fmtp) || is_blank(c->fmtp[0]))
                return SDP_ERR_ARG;
            sbuf_printf(out, "a=fmtp:%u%s%s\r\n", c->pt, c->fmtp[0] ? " " : "", c->fmtp);
        }
    }
    return rc;
}

static int write_extmaps(const struct sdp_media *m, sbuf *out)
{
    if (m->n_extmaps > SDP_MAX_EXTMAPS)
        return SDP_ERR_ARG;
    for (unsigned i = 0; i < m->n_extmaps; i++) {
        const struct sdp_extmap *e = &m->extmaps[i];
        if (!e->id || e->id > 255 || !TOKEN(e->uri) || (unsigned)e->dir > SDP_DIR_INACTIVE)
            return SDP_ERR_ARG;
        sbuf_printf(out, "a=extmap:%u%s%s %s\r\n", e->id, e->dir == SDP_DIR_UNSET ? "" : "/",
                    sdp_dir_name(e->dir), e->uri);
    }
    return 0;
}

static int write_msid(const char *prefix, const char *stream, size_t scap, const char *track,
                      size_t tcap, sbuf *out)
{
    if (!ok_token(stream, scap) || (track[0] && !ok_token(track, tcap)))
        return SDP_ERR_ARG;
    sbuf_printf(out, "%s%s%s%s\r\n", prefix, stream, track[0] ? " " : "", track);
    return 0;
}

// "<sep><dir> a;b,c;~d": streams split by ';', alternatives of one stream by ','.
static int write_simulcast_list(const char *sep, const char *dir, const struct sdp_simulcast_rid *r,
                                unsigned n, sbuf *out)
{
    if (n == 0)
        return 0;
    if (n > SDP_MAX_RIDS)
        return SDP_ERR_ARG;
    sbuf_printf(out, "%s%s ", sep, dir);
    for (unsigned i = 0; i < n; i++) {
        if (!TOKEN(r[i].id) || strpbrk(r[i].id, ",;") || r[i].id[0] == '~')
            return SDP_ERR_ARG;
        if (i > 0)
            sbuf_puts(out, r[i].alt ? "," : ";");
        sbuf_printf(out, "%s%s", r[i].paused ? "~" : "", r[i].id);
    }
    return 0;
}

static int write_rids(const struct sdp_media *m, sbuf *out)
{
    if (m->n_rids > SDP_MAX_RIDS)
        return SDP_ERR_ARG;
    for (unsigned i = 0; i < m->n_rids; i++) {
        const struct sdp_rid *r = &m->rids[i];
        if (!TOKEN(r->id) || !TEXT(r->params) || is_blank(r->params[0]))
            return SDP_ERR_ARG;
        sbuf_printf(out, "a=rid:%s %s%s%s\r\n", r->id, r->send ? "send" : "recv",
                    r->params[0] ? " " : "", r->params);
    }
    if (!m->has_simulcast)
        return 0;
    if (!m->n_sim_send && !m->n_sim_recv)
        return SDP_ERR_ARG;
    sbuf_puts(out, "a=simulcast:");
    int rc = write_simulcast_list("", "send", m->sim_send, m->n_sim_send, out);
    if (rc || (rc = write_simulcast_list(m->n_sim_send ? " " : "", "recv", m->sim_recv,
                                         m->n_sim_recv, out)))
        return rc;
    sbuf_puts(out, "\r\n");
    return 0;
}

static int write_ssrcs(const struct sdp_media *m, sbuf *out)
{
    if (m->n_ssrc_groups > SDP_MAX_SSRC_GROUPS || m->n_ssrcs > SDP_MAX_SSRCS)
        return SDP_ERR_ARG;
    for (unsigned i = 0; i < m->n_ssrc_groups; i++) {
        const struct sdp_ssrc_group *g = &m->ssrc_groups[i];
        if (!TOKEN(g->semantics) || !g->n_ssrcs || g->n_ssrcs > SDP_MAX_GROUP_SSRCS)
            return SDP_ERR_ARG;
        sbuf_printf(out, "a=ssrc-group:%s", g->semantics);
        for (unsigned j = 0; j < g->n_ssrcs; j++)
            sbuf_printf(out, " %u", g->ssrcs[j]);
        sbuf_puts(out, "\r\n");
    }
    for (unsigned i = 0; i < m->n_ssrcs; i++) {
        const struct sdp_ssrc *e = &m->ssrcs[i];
        char prefix[32];
        if (!e->cname[0] && !e->msid_stream[0])
            return SDP_ERR_ARG; // nothing to say: the line would not parse back
        if (e->cname[0]) {
            if (!TOKEN(e->cname))
                return SDP_ERR_ARG;
            sbuf_printf(out, "a=ssrc:%u cname:%s\r\n", e->ssrc, e->cname);
        }
        snprintf(prefix, sizeof prefix, "a=ssrc:%u msid:", e->ssrc);
        if (e->msid_stream[0] && write_msid(prefix, e->msid_stream, sizeof e->msid_stream,
                                            e->msid_track, sizeof e->msid_track, out))
            return SDP_ERR_ARG;
    }
    return 0;
}

static int write_transport_tail(const struct sdp_media *m, sbuf *out)
{
    if (m->sctp_port)
        sbuf_printf(out, "a=sctp-port:%u\r\n", m->sctp_port);
    if (m->max_message_size)
        sbuf_printf(out, "a=max-message-size:%u\r\n", m->max_message_size);
    if (m->sctpmap_proto[0]) {
        if (!TOKEN(m->sctpmap_proto))
            return SDP_ERR_ARG;
        sbuf_printf(out, "a=sctpmap:%u %s", m->sctpmap_port, m->sctpmap_proto);
        if (m->sctpmap_streams)
            sbuf_printf(out, " %u", m->sctpmap_streams);
        sbuf_puts(out, "\r\n");
    }
    if (m->n_candidates > SDP_MAX_CANDIDATES)
        return SDP_ERR_ARG;
    for (unsigned i = 0; i < m->n_candidates; i++) {
        const struct sdp_candidate *c = &m->candidates[i];
        if (!TOKEN(c->foundation) || !c->component || c->component > 256 || !c->priority ||
            !TOKEN(c->transport) || !TOKEN(c->addr) || !TOKEN(c->type) || !OPT_TOKEN(c->raddr) ||
            !OPT_TOKEN(c->tcptype))
            return SDP_ERR_ARG;
        sbuf_printf(out, "a=candidate:%s %u %s %u %s %u typ %s", c->foundation, c->component,
                    c->transport, c->priority, c->addr, c->port, c->type);
        if (c->raddr[0])
            sbuf_printf(out, " raddr %s", c->raddr);
        if (c->raddr[0] || c->rport)
            sbuf_printf(out, " rport %u", c->rport);
        if (c->tcptype[0])
            sbuf_printf(out, " tcptype %s", c->tcptype);
        sbuf_puts(out, "\r\n");
    }
    if (m->end_of_candidates)
        sbuf_puts(out, "a=end-of-candidates\r\n");
    return 0;
}

static int write_media(const struct sdp_media *m, sbuf *out)
{
    int rc = write_m_line(m, out);
    if (rc || (rc = write_ice(&m->ice, m->ice_options, out)) ||
        (rc = write_dtls(m->has_fingerprint, &m->fingerprint, m->setup, out)))
        return rc;
    if (m->mid[0]) {
        if (!TOKEN(m->mid))
            return SDP_ERR_ARG;
        sbuf_printf(out, "a=mid:%s\r\n", m->mid);
    }
    if ((rc = write_extmaps(m, out)) || (rc = write_dir(m->dir, out)))
        return rc;
    if (m->n_msids > SDP_MAX_MSIDS)
        return SDP_ERR_ARG;
    for (unsigned i = 0; i < m->n_msids; i++)
        if ((rc = write_msid("a=msid:", m->msids[i].stream, sizeof m->msids[i].stream,
                             m->msids[i].track, sizeof m->msids[i].track, out)))
            return rc;
    if (m->rtcp_mux)
        sbuf_puts(out, "a=rtcp-mux\r\n");
    if (m->rtcp_rsize)
        sbuf_puts(out, "a=rtcp-rsize\r\n");
    if (m->bundle_only)
        sbuf_puts(out, "a=bundle-only\r\n");
    if ((rc = write_codecs(m, out)) || (rc = write_rids(m, out)) || (rc = write_ssrcs(m, out)))
        return rc;
    return write_transport_tail(m, out);
}

int sdp_write(const struct sdp *s, sbuf *out)
{
    int rc = write_session(s, out);
    for (unsigned i = 0; !rc && i < s->n_media; i++)
        rc = write_media(&s->media[i], out);
    return rc;
}
