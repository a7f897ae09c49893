// SPDX-License-Identifier: MIT
// SDP text -> struct sdp: the line parser (RFC 8866 §5, attributes of RFC 8839, 8842, 9143,
// 8830, 8285, 4585, 8853, 8841) and the accessors. Each line is copied into a bounded local
// buffer and split in place, so nothing reads past the caller's text.
#include "rtc/sdp.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct parser {
    struct sdp *s;
    struct sdp_media *m; // the current section, NULL at session level
    unsigned lineno;     // 0 once the lines are done (checks across lines)
    const char *what;    // "m=", "o=", an attribute name or "": named in messages
    bool in_attr;        // what is an attribute: written "a=<what>"
    char *err;
    size_t errcap;
    bool seen_dir, seen_fp, seen_setup; // single-valued attributes of the current scope
};

__attribute__((format(printf, 3, 4))) static int fail(struct parser *p, int code, const char *fmt,
                                                      ...)
{
    if (!p->err || !p->errcap)
        return code;
    int n = 0;
    if (p->lineno)
        n = snprintf(p->err, p->errcap, "line %u: %s%s%s", p->lineno, p->in_attr ? "a=" : "",
                     p->what, p->what[0] ? ": " : "");
    if (n >= 0 && (size_t)n < p->errcap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err + n, p->errcap - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return code;
}

// ---- small lexical helpers on a NUL-terminated copy of the line ----

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static char *skip_blanks(char *s)
{
    while (is_blank(*s))
        s++;
    return s;
}

// Cuts the next blank-separated token off *cur; NULL when none is left.
static char *next_tok(char **cur)
{
    char *s = skip_blanks(*cur);
    if (!*s)
        return NULL;
    char *t = s;
    while (*s && !is_blank(*s))
        s++;
    if (*s)
        *s++ = '\0';
    *cur = s;
    return t;
}

// Decimal digits only, no sign, value <= max.
static bool parse_u64(const char *t, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (!t || !*t)
        return false;
    for (; *t; t++) {
        if (*t < '0' || *t > '9')
            return false;
        unsigned d = (unsigned)(*t - '0');
        if (v > max / 10 || (v == max / 10 && d > max % 10))
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

static bool parse_u32(const char *t, uint32_t max, uint32_t *out)
{
    uint64_t v;
    if (!parse_u64(t, max, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

// Copies src into dst[cap], zero-filling the rest so a struct parsed twice compares equal.
static int copy_str(struct parser *p, char *dst, size_t cap, const char *src, const char *field)
{
    size_t n = src ? strlen(src) : 0;
    if (n == 0)
        return fail(p, SDP_ERR_SYNTAX, "empty %s", field);
    if (n >= cap)
        return fail(p, SDP_ERR_LIMIT, "%s longer than %zu bytes", field, cap - 1);
    memset(dst, 0, cap);
    memcpy(dst, src, n);
    return 0;
}

#define COPY(p, dst, src, field) copy_str((p), (dst), sizeof(dst), (src), (field))

bool sdp_is_ice_chars(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '+' || *s == '/'))
            return false;
    return true;
}

// rid-id = 1*(alpha-numeric / "-" / "_") (RFC 8851 §10).
static bool is_rid_id(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_'))
            return false;
    return true;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool sdp_is_fingerprint(const char *s)
{
    for (;;) {
        if (!is_hex(s[0]) || !is_hex(s[1]))
            return false;
        s += 2;
        if (!*s)
            return true;
        if (*s++ != ':')
            return false;
    }
}

// ---- session-level attributes ----

static int on_group(struct parser *p, char *v)
{
    char *sem = next_tok(&v);
    if (!sem)
        return fail(p, SDP_ERR_SYNTAX, "no semantics");
    if (strcmp(sem, "BUNDLE") != 0)
        return 0; // LS and others: voxd has no use for them
    struct sdp *s = p->s;
    if (s->has_bundle)
        return fail(p, SDP_ERR_SYNTAX, "more than one BUNDLE group (not supported)");
    s->has_bundle = true;
    for (char *mid; (mid = next_tok(&v));) {
        if (s->n_bundle == SDP_MAX_MEDIA)
            return fail(p, SDP_ERR_LIMIT, "more than %d mids", SDP_MAX_MEDIA);
        for (unsigned i = 0; i < s->n_bundle; i++)
            if (strcmp(s->bundle[i], mid) == 0)
                return fail(p, SDP_ERR_SYNTAX, "mid %s listed twice", mid);
        int rc = COPY(p, s->bundle[s->n_bundle], mid, "mid");
        if (rc)
            return rc;
        s->n_bundle++;
    }
    return 0;
}

static int on_ice_lite(struct parser *p, char *v)
{
    (void)v;
    p->s->ice_lite = true;
    return 0;
}

static int on_extmap_allow_mixed(struct parser *p, char *v)
{
    (void)v;
    p->s->extmap_allow_mixed = true;
    return 0;
}

static int on_msid_semantic(struct parser *p, char *v)
{
    struct sdp *s = p->s;
    char *sem = next_tok(&v);
    if (s->has_msid_semantic)
        return fail(p, SDP_ERR_SYNTAX, "given twice");
    int rc = COPY(p, s->msid_semantic, sem, "semantic");
    if (rc)
        return rc;
    v = skip_blanks(v);
    if (*v && (rc = COPY(p, s->msid_semantic_ids, v, "stream ids")))
        return rc;
    s->has_msid_semantic = true;
    return 0;
}

// ---- attributes of either level: the section's when inside one ----

static int on_ice_ufrag(struct parser *p, char *v)
{
    struct sdp_ice *ice = p->m ? &p->m->ice : &p->s->ice;
    if (ice->ufrag[0])
        return fail(p, SDP_ERR_SYNTAX, "given twice");
    if (!sdp_is_ice_chars(v))
        return fail(p, SDP_ERR_SYNTAX, "not ice-chars (ALPHA, DIGIT, + and /)");
    return COPY(p, ice->ufrag, v, "ufrag");
}

static int on_ice_pwd(struct parser *p, char *v)
{
    struct sdp_ice *ice = p->m ? &p->m->ice : &p->s->ice;
    if (ice->pwd[0])
        return fail(p, SDP_ERR_SYNTAX, "given twice");
    if (!sdp_is_ice_chars(v))
        return fail(p, SDP_ERR_SYNTAX, "not ice-chars (ALPHA, DIGIT, + and /)");
    return COPY(p, ice->pwd, v, "password");
}

static int on_ice_options(struct parser *p, char *v)
{
    unsigned *opts = p->m ? &p->m->ice_options : &p->s->ice_options;
    for (char *t; (t = next_tok(&v));) {
        if (strcmp(t, "trickle") == 0)
            *opts |= SDP_ICE_OPT_TRICKLE;
        else if (strcmp(t, "ice2") == 0)
            *opts |= SDP_ICE_OPT_ICE2;
        else if (strcmp(t, "renomination") == 0)
            *opts |= SDP_ICE_OPT_RENOMINATION;
    }
    return 0;
}

static int on_fingerprint(struct parser *p, char *v)
{
    struct sdp_fingerprint *fp = p->m ? &p->m->fingerprint : &p->s->fingerprint;
    if (p->seen_fp)
        return fail(p, SDP_ERR_SYNTAX, "more than one in a scope (not supported)");
    char *algo = next_tok(&v), *val = next_tok(&v);
    if (!algo || !val || next_tok(&v))
        return fail(p, SDP_ERR_SYNTAX, "expected <hash> <value>");
    if (!sdp_is_fingerprint(val))
        return fail(p, SDP_ERR_SYNTAX, "value is not colon-separated hex pairs");
    int rc = COPY(p, fp->algo, algo, "hash name");
    if (rc || (rc = COPY(p, fp->value, val, "value")))
        return rc;
    p->seen_fp = true;
    if (p->m)
        p->m->has_fingerprint = true;
    else
        p->s->has_fingerprint = true;
    return 0;
}

static const char *const setup_names[] = {
    [SDP_SETUP_UNSET] = "",
    [SDP_SETUP_ACTPASS] = "actpass",
    [SDP_SETUP_ACTIVE] = "active",
    [SDP_SETUP_PASSIVE] = "passive",
    [SDP_SETUP_HOLDCONN] = "holdconn",
};

static int on_setup(struct parser *p, char *v)
{
    if (p->seen_setup)
        return fail(p, SDP_ERR_SYNTAX, "given twice");
    for (int i = SDP_SETUP_ACTPASS; i <= SDP_SETUP_HOLDCONN; i++) {
        if (strcmp(v, setup_names[i]) == 0) {
            *(p->m ? &p->m->setup : &p->s->setup) = (enum sdp_setup)i;
            p->seen_setup = true;
            return 0;
        }
    }
    return fail(p, SDP_ERR_SYNTAX, "not actpass, active, passive or holdconn");
}

static int set_dir(struct parser *p, enum sdp_dir d)
{
    if (p->seen_dir)
        return fail(p, SDP_ERR_SYNTAX, "a second direction attribute");
    p->seen_dir = true;
    *(p->m ? &p->m->dir : &p->s->dir) = d;
    return 0;
}

static int on_sendrecv(struct parser *p, char *v)
{
    (void)v;
    return set_dir(p, SDP_DIR_SENDRECV);
}

static int on_sendonly(struct parser *p, char *v)
{
    (void)v;
    return set_dir(p, SDP_DIR_SENDONLY);
}

static int on_recvonly(struct parser *p, char *v)
{
    (void)v;
    return set_dir(p, SDP_DIR_RECVONLY);
}

static int on_inactive(struct parser *p, char *v)
{
    (void)v;
    return set_dir(p, SDP_DIR_INACTIVE);
}

// ---- media-level attributes ----

static int on_mid(struct parser *p, char *v)
{
    if (p->m->mid[0])
        return fail(p, SDP_ERR_SYNTAX, "given twice");
    char *mid = next_tok(&v);
    if (mid && next_tok(&v))
        return fail(p, SDP_ERR_SYNTAX, "a mid is one token");
    return COPY(p, p->m->mid, mid, "mid");
}

static int on_rtcp_mux(struct parser *p, char *v)
{
    (void)v;
    p->m->rtcp_mux = true;
    return 0;
}

static int on_rtcp_rsize(struct parser *p, char *v)
{
    (void)v;
    p->m->rtcp_rsize = true;
    return 0;
}

static int on_bundle_only(struct parser *p, char *v)
{
    (void)v;
    p->m->bundle_only = true;
    return 0;
}

static int on_end_of_candidates(struct parser *p, char *v)
{
    (void)v;
    p->m->end_of_candidates = true;
    return 0;
}

// The codec of the payload type token t, NULL when t is a number not on the m= line (such
// attributes describe nothing offered and are ignored); *rc is set when t is no number 0-127.
static struct sdp_codec *codec_of(struct parser *p, const char *t, int *rc)
{
    uint32_t pt;
    *rc = 0;
    if (!parse_u32(t, 127, &pt)) {
        *rc = fail(p, SDP_ERR_SYNTAX, "payload type is not a number 0-127");
        return NULL;
    }
    return (struct sdp_codec *)sdp_media_codec(p->m, (int)pt);
}

static int on_rtpmap(struct parser *p, char *v)
{
    if (!p->m->is_rtp)
        return 0;
    int rc;
    struct sdp_codec *c = codec_of(p, next_tok(&v), &rc);
    if (!c)
        return rc;
    if (c->has_rtpmap)
        return fail(p, SDP_ERR_SYNTAX, "payload type %u mapped twice", c->pt);
    // <encoding name>/<clock rate>[/<channels>]
    char *enc = next_tok(&v);
    char *clock = enc ? strchr(enc, '/') : NULL;
    if (!clock || next_tok(&v))
        return fail(p, SDP_ERR_SYNTAX, "expected <pt> <name>/<clock rate>[/<channels>]");
    *clock++ = '\0';
    char *chans = strchr(clock, '/');
    if (chans)
        *chans++ = '\0';
    uint32_t rate, n = 0;
    if (!parse_u32(clock, UINT32_MAX, &rate) || rate == 0)
        return fail(p, SDP_ERR_SYNTAX, "clock rate is not a positive number");
    if (chans && (!parse_u32(chans, 255, &n) || n == 0))
        return fail(p, SDP_ERR_SYNTAX, "channels is not a number 1-255");
    if ((rc = COPY(p, c->name, enc, "encoding name")))
        return rc;
    c->clock = rate;
    c->channels = (uint8_t)n;
    c->has_rtpmap = true;
    return 0;
}

static unsigned hex_val(char c)
{
    return c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

// One key=value of an fmtp line: the parameters voxd negotiates get numbers.
static int fmtp_param(struct parser *p, struct sdp_codec *c, const char *key, const char *val)
{
    const struct {
        const char *key;
        int32_t *field;
        uint32_t max;
    } nums[] = {
        {"apt", &c->apt, 127},
        {"useinbandfec", &c->useinbandfec, 1},
        {"usedtx", &c->usedtx, 1},
        {"minptime", &c->minptime, 65535},
        {"packetization-mode", &c->packetization_mode, 2},
        {"profile-id", &c->profile_id, 255},
    };
    if (strcasecmp(key, "profile-level-id") == 0) {
        int32_t id = 0;
        for (int i = 0; i < 6; i++) {
            if (!is_hex(val[i]))
                return fail(p, SDP_ERR_SYNTAX, "profile-level-id is not 6 hex digits");
            id = id << 4 | (int32_t)hex_val(val[i]);
        }
        if (val[6])
            return fail(p, SDP_ERR_SYNTAX, "profile-level-id is not 6 hex digits");
        c->profile_level_id = id;
        return 0;
    }
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        uint32_t n;
        if (strcasecmp(key, nums[i].key) != 0)
            continue;
        if (!parse_u32(val, nums[i].max, &n))
            return fail(p, SDP_ERR_SYNTAX, "%s is not a number 0-%u", key, nums[i].max);
        *nums[i].field = (int32_t)n;
        return 0;
    }
    return 0;
}

static int on_fmtp(struct parser *p, char *v)
{
    if (!p->m->is_rtp)
        return 0;
    int rc;
    struct sdp_codec *c = codec_of(p, next_tok(&v), &rc);
    if (!c)
        return rc;
    if (c->has_fmtp)
        return fail(p, SDP_ERR_SYNTAX, "payload type %u has two", c->pt);
    v = skip_blanks(v);
    if (*v && (rc = COPY(p, c->fmtp, v, "parameters")))
        return rc;
    c->has_fmtp = true;
    // key=value;key=value, blanks allowed around ';' (Firefox writes "a=1; b=2")
    char params[SDP_FMTP_MAX];
    memcpy(params, c->fmtp, sizeof params);
    char *save = NULL;
    for (char *kv = strtok_r(params, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq)
            continue; // RED's "111/111" and other value-only formats
        *eq = '\0';
        char *key = skip_blanks(kv), *val = skip_blanks(eq + 1);
        for (char *e = eq; e > key && is_blank(e[-1]); e--)
            e[-1] = '\0';
        for (size_t n = strlen(val); n && is_blank(val[n - 1]); n--)
            val[n - 1] = '\0';
        if ((rc = fmtp_param(p, c, key, val)))
            return rc;
    }
    return 0;
}

static int on_rtcp_fb(struct parser *p, char *v)
{
    if (!p->m->is_rtp)
        return 0;
    struct sdp_media *m = p->m;
    char *pt = next_tok(&v), *type = next_tok(&v), *sub = next_tok(&v);
    if (!type)
        return fail(p, SDP_ERR_SYNTAX, "expected <pt|*> <type> [<subtype>]");
    int rc, n = SDP_PT_ANY;
    if (strcmp(pt, "*") != 0) {
        struct sdp_codec *c = codec_of(p, pt, &rc);
        if (!c)
            return rc;
        n = c->pt;
    }
    if (m->n_rtcp_fb == SDP_MAX_RTCP_FB)
        return fail(p, SDP_ERR_LIMIT, "more than %d in a section", SDP_MAX_RTCP_FB);
    struct sdp_rtcp_fb *fb = &m->rtcp_fb[m->n_rtcp_fb];
    fb->pt = (int16_t)n;
    if ((rc = COPY(p, fb->type, type, "type")) ||
        (sub && (rc = COPY(p, fb->subtype, sub, "subtype"))))
        return rc;
    m->n_rtcp_fb++;
    return 0;
}

static const char *const dir_names[] = {
    [SDP_DIR_UNSET] = "",
    [SDP_DIR_SENDRECV] = "sendrecv",
    [SDP_DIR_SENDONLY] = "sendonly",
    [SDP_DIR_RECVONLY] = "recvonly",
    [SDP_DIR_INACTIVE] = "inactive",
};

static int on_extmap(struct parser *p, char *v)
{
    struct sdp_media *m = p->m;
    char *idt = next_tok(&v), *uri = next_tok(&v);
    if (!uri)
        return fail(p, SDP_ERR_SYNTAX, "expected <id>[/<direction>] <uri>");
    enum sdp_dir dir = SDP_DIR_UNSET;
    char *slash = strchr(idt, '/');
    if (slash) {
        *slash++ = '\0';
        int d = SDP_DIR_SENDRECV;
        while (d <= SDP_DIR_INACTIVE && strcmp(slash, dir_names[d]) != 0)
            d++;
        if (d > SDP_DIR_INACTIVE)
            return fail(p, SDP_ERR_SYNTAX,
                        "direction is not sendrecv, sendonly, recvonly or inactive");
        dir = (enum sdp_dir)d;
    }
    uint32_t id;
    if (!parse_u32(idt, 255, &id) || id == 0)
        return fail(p, SDP_ERR_SYNTAX, "id is not a number 1-255");
    for (unsigned i = 0; i < m->n_extmaps; i++)
        if (m->extmaps[i].id == id)
            return fail(p, SDP_ERR_SYNTAX, "id %u used twice", id);
    if (m->n_extmaps == SDP_MAX_EXTMAPS)
        return fail(p, SDP_ERR_LIMIT, "more than %d in a section", SDP_MAX_EXTMAPS);
    struct sdp_extmap *e = &m->extmaps[m->n_extmaps];
    int rc = COPY(p, e->uri, uri, "uri");
    if (rc)
        return rc;
    e->id = (uint16_t)id;
    e->dir = dir;
    m->n_extmaps++;
    return 0;
}

static int parse_ssrc(struct parser *p, const char *t, uint32_t *out)
{
    if (!parse_u32(t, UINT32_MAX, out))
        return fail(p, SDP_ERR_SYNTAX, "ssrc is not a number below 2^32");
    return 0;
}

// "<stream id> [<track id>]" of a=msid and of a=ssrc msid:
static int parse_msid(struct parser *p, char *v, char *stream, size_t scap, char *track,
                      size_t tcap)
{
    char *sid = next_tok(&v), *tid = next_tok(&v);
    if (next_tok(&v))
        return fail(p, SDP_ERR_SYNTAX, "expected <stream id> [<track id>]");
    int rc = copy_str(p, stream, scap, sid, "stream id");
    if (rc || (tid && (rc = copy_str(p, track, tcap, tid, "track id"))))
        return rc;
    return 0;
}

static int on_ssrc(struct parser *p, char *v)
{
    struct sdp_media *m = p->m;
    uint32_t id;
    char *idt = next_tok(&v);
    int rc = parse_ssrc(p, idt, &id);
    if (rc)
        return rc;
    v = skip_blanks(v);
    char *colon = strchr(v, ':');
    if (!*v)
        return fail(p, SDP_ERR_SYNTAX, "expected <ssrc> <attribute>[:<value>]");
    bool cname = strncmp(v, "cname:", 6) == 0, msid = strncmp(v, "msid:", 5) == 0;
    if (!cname && !msid)
        return 0; // mslabel, label and the like: nothing voxd reads
    struct sdp_ssrc *e = NULL;
    for (unsigned i = 0; i < m->n_ssrcs && !e; i++)
        if (m->ssrcs[i].ssrc == id)
            e = &m->ssrcs[i];
    if (!e) {
        if (m->n_ssrcs == SDP_MAX_SSRCS)
            return fail(p, SDP_ERR_LIMIT, "more than %d ssrcs in a section", SDP_MAX_SSRCS);
        e = &m->ssrcs[m->n_ssrcs++];
        e->ssrc = id;
    }
    char *val = colon + 1;
    if (msid) {
        if (e->msid_stream[0])
            return fail(p, SDP_ERR_SYNTAX, "ssrc %u has two msids", id);
        return parse_msid(p, val, e->msid_stream, sizeof e->msid_stream, e->msid_track,
                          sizeof e->msid_track);
    }
    if (e->cname[0])
        return fail(p, SDP_ERR_SYNTAX, "ssrc %u has two cnames", id);
    char *tok = next_tok(&val);
    if (next_tok(&val))
        return fail(p, SDP_ERR_SYNTAX, "a cname is one token");
    return COPY(p, e->cname, tok, "cname");
}

static int on_ssrc_group(struct parser *p, char *v)
{
    struct sdp_media *m = p->m;
    if (m->n_ssrc_groups == SDP_MAX_SSRC_GROUPS)
        return fail(p, SDP_ERR_LIMIT, "more than %d in a section", SDP_MAX_SSRC_GROUPS);
    struct sdp_ssrc_group *g = &m->ssrc_groups[m->n_ssrc_groups];
    int rc = COPY(p, g->semantics, next_tok(&v), "semantics");
    for (char *t; !rc && (t = next_tok(&v));) {
        if (g->n_ssrcs == SDP_MAX_GROUP_SSRCS)
            return fail(p, SDP_ERR_LIMIT, "more than %d ssrcs in a group", SDP_MAX_GROUP_SSRCS);
        rc = parse_ssrc(p, t, &g->ssrcs[g->n_ssrcs++]);
    }
    if (!rc && !g->n_ssrcs)
        rc = fail(p, SDP_ERR_SYNTAX, "a group without ssrcs");
    if (rc)
        return rc;
    m->n_ssrc_groups++;
    return 0;
}

static int on_msid(struct parser *p, char *v)
{
    struct sdp_media *m = p->m;
    if (m->n_msids == SDP_MAX_MSIDS)
        return fail(p, SDP_ERR_LIMIT, "more than %d in a section", SDP_MAX_MSIDS);
    struct sdp_msid *e = &m->msids[m->n_msids];
    int rc = parse_msid(p, v, e->stream, sizeof e->stream, e->track, sizeof e->track);
    if (rc)
        return rc;
    m->n_msids++;
    return 0;
}

static int on_rid(struct parser *p, char *v)
{
    struct sdp_media *m = p->m;
    char *id = next_tok(&v), *dir = next_tok(&v);
    if (!dir || (strcmp(dir, "send") != 0 && strcmp(dir, "recv") != 0))
        return fail(p, SDP_ERR_SYNTAX, "expected <id> send|recv [<restrictions>]");
    if (m->n_rids == SDP_MAX_RIDS)
        return fail(p, SDP_ERR_LIMIT, "more than %d in a section", SDP_MAX_RIDS);
    struct sdp_rid *r = &m->rids[m->n_rids];
    v = skip_blanks(v);
    if (!is_rid_id(id))
        return fail(p, SDP_ERR_SYNTAX, "rid is not alphanumeric, - and _");
    int rc = COPY(p, r->id, id, "rid");
    if (rc || (*v && (rc = COPY(p, r->params, v, "restrictions"))))
        return rc;
    r->send = dir[0] == 's';
    m->n_rids++;
    return 0;
}

// One direction's list of a=simulcast: streams split by ';', alternatives by ',', '~' paused.
static int simulcast_list(struct parser *p, char *list, struct sdp_simulcast_rid *out, uint8_t *n)
{
    char *s1 = NULL;
    for (char *stream = strtok_r(list, ";", &s1); stream; stream = strtok_r(NULL, ";", &s1)) {
        char *s2 = NULL;
        bool first = true;
        for (char *alt = strtok_r(stream, ",", &s2); alt; alt = strtok_r(NULL, ",", &s2)) {
            if (*n == SDP_MAX_RIDS)
                return fail(p, SDP_ERR_LIMIT, "more than %d rids in a direction", SDP_MAX_RIDS);
            struct sdp_simulcast_rid *r = &out[*n];
            r->paused = alt[0] == '~';
            r->alt = !first;
            if (!is_rid_id(alt + r->paused))
                return fail(p, SDP_ERR_SYNTAX, "rid %s is not alphanumeric, - and _", alt);
            int rc = COPY(p, r->id, alt + r->paused, "rid");
            if (rc)
                return rc;
            (*n)++;
            first = false;
        }
    }
    return 0;
}

static int on_simulcast(struct parser *p, char *v)
{
    struct sdp_media *m = p->m;
    if (m->has_simulcast)
        return fail(p, SDP_ERR_SYNTAX, "given twice");
    bool seen_send = false, seen_recv = false;
    int rc = 0;
    for (char *dir; !rc && (dir = next_tok(&v));) {
        char *list = next_tok(&v);
        bool send = strcmp(dir, "send") == 0;
        if (!list || (!send && strcmp(dir, "recv") != 0) || (send ? seen_send : seen_recv))
            return fail(p, SDP_ERR_SYNTAX, "expected send <rids> and/or recv <rids>");
        if (send) {
            seen_send = true;
            rc = simulcast_list(p, list, m->sim_send, &m->n_sim_send);
        } else {
            seen_recv = true;
            rc = simulcast_list(p, list, m->sim_recv, &m->n_sim_recv);
        }
    }
    if (!rc && !m->n_sim_send && !m->n_sim_recv)
        rc = fail(p, SDP_ERR_SYNTAX, "no rids");
    if (rc)
        return rc;
    m->has_simulcast = true;
    return 0;
}

// <foundation> <component> <transport> <priority> <address> <port> typ <type>
//   [raddr <address>] [rport <port>] then extension name/value pairs (RFC 8839 §5.1).
static int on_candidate(struct parser *p, char *v)
{
    struct sdp_media *m = p->m;
    if (m->n_candidates == SDP_MAX_CANDIDATES)
        return fail(p, SDP_ERR_LIMIT, "more than %d in a section", SDP_MAX_CANDIDATES);
    struct sdp_candidate *c = &m->candidates[m->n_candidates];
    char *f[8];
    for (int i = 0; i < 8; i++)
        f[i] = next_tok(&v);
    uint32_t comp, prio, port, rport;
    int rc;
    if (!f[7] || strcmp(f[6], "typ") != 0)
        rc = fail(p, SDP_ERR_SYNTAX,
                  "expected <foundation> <component> <transport> "
                  "<priority> <address> <port> typ <type>");
    else if (!parse_u32(f[1], 256, &comp) || comp == 0)
        rc = fail(p, SDP_ERR_SYNTAX, "component is not a number 1-256");
    else if (!parse_u32(f[3], UINT32_MAX, &prio) || prio == 0)
        rc = fail(p, SDP_ERR_SYNTAX, "priority is not a number 1-4294967295");
    else if (!parse_u32(f[5], 65535, &port))
        rc = fail(p, SDP_ERR_SYNTAX, "port is not a number 0-65535");
    else if (!(rc = COPY(p, c->foundation, f[0], "foundation")) &&
             !(rc = COPY(p, c->transport, f[2], "transport")) &&
             !(rc = COPY(p, c->addr, f[4], "address")))
        rc = COPY(p, c->type, f[7], "type");
    for (char *k; !rc && (k = next_tok(&v));) {
        char *val = next_tok(&v);
        if (!val)
            rc = fail(p, SDP_ERR_SYNTAX, "%s without a value", k);
        else if (strcmp(k, "raddr") == 0)
            rc = COPY(p, c->raddr, val, "raddr");
        else if (strcmp(k, "rport") == 0 && !parse_u32(val, 65535, &rport))
            rc = fail(p, SDP_ERR_SYNTAX, "rport is not a number 0-65535");
        else if (strcmp(k, "rport") == 0)
            c->rport = (uint16_t)rport;
        else if (strcmp(k, "tcptype") == 0)
            rc = COPY(p, c->tcptype, val, "tcptype");
    }
    if (rc)
        return rc;
    c->component = (uint16_t)comp;
    c->priority = prio;
    c->port = (uint16_t)port;
    m->n_candidates++;
    return 0;
}

static int on_sctp_port(struct parser *p, char *v)
{
    uint32_t n;
    if (!parse_u32(v, 65535, &n))
        return fail(p, SDP_ERR_SYNTAX, "not a port number 0-65535");
    p->m->sctp_port = (uint16_t)n;
    return 0;
}

static int on_max_message_size(struct parser *p, char *v)
{
    if (!parse_u32(v, UINT32_MAX, &p->m->max_message_size))
        return fail(p, SDP_ERR_SYNTAX, "not a number below 2^32");
    return 0;
}

static int on_sctpmap(struct parser *p, char *v)
{
    struct sdp_media *m = p->m;
    char *port = next_tok(&v), *proto = next_tok(&v), *streams = next_tok(&v);
    uint32_t n, ns = 0;
    if (!proto || !parse_u32(port, 65535, &n) || (streams && !parse_u32(streams, UINT32_MAX, &ns)))
        return fail(p, SDP_ERR_SYNTAX, "expected <port> <protocol> [<streams>]");
    int rc = COPY(p, m->sctpmap_proto, proto, "protocol");
    if (rc)
        return rc;
    m->sctpmap_port = (uint16_t)n;
    m->sctpmap_streams = ns;
    return 0;
}

// ---- the attribute table ----

enum { AT_SESSION = 1, AT_MEDIA = 2, AT_BOTH = 3, AT_VALUE = 4 };

static const struct attr {
    const char *name;
    int (*fn)(struct parser *p, char *v);
    unsigned flags; // where it is read (elsewhere it is skipped), and whether it needs a value
} attrs[] = {
    {"group", on_group, AT_SESSION | AT_VALUE},
    {"ice-lite", on_ice_lite, AT_SESSION},
    {"extmap-allow-mixed", on_extmap_allow_mixed, AT_SESSION},
    {"msid-semantic", on_msid_semantic, AT_SESSION | AT_VALUE},
    {"ice-ufrag", on_ice_ufrag, AT_BOTH | AT_VALUE},
    {"ice-pwd", on_ice_pwd, AT_BOTH | AT_VALUE},
    {"ice-options", on_ice_options, AT_BOTH | AT_VALUE},
    {"fingerprint", on_fingerprint, AT_BOTH | AT_VALUE},
    {"setup", on_setup, AT_BOTH | AT_VALUE},
    {"sendrecv", on_sendrecv, AT_BOTH},
    {"sendonly", on_sendonly, AT_BOTH},
    {"recvonly", on_recvonly, AT_BOTH},
    {"inactive", on_inactive, AT_BOTH},
    {"mid", on_mid, AT_MEDIA | AT_VALUE},
    {"rtcp-mux", on_rtcp_mux, AT_MEDIA},
    {"rtcp-rsize", on_rtcp_rsize, AT_MEDIA},
    {"bundle-only", on_bundle_only, AT_MEDIA},
    {"end-of-candidates", on_end_of_candidates, AT_MEDIA},
    {"rtpmap", on_rtpmap, AT_MEDIA | AT_VALUE},
    {"fmtp", on_fmtp, AT_MEDIA | AT_VALUE},
    {"rtcp-fb", on_rtcp_fb, AT_MEDIA | AT_VALUE},
    {"extmap", on_extmap, AT_MEDIA | AT_VALUE},
    {"ssrc", on_ssrc, AT_MEDIA | AT_VALUE},
    {"ssrc-group", on_ssrc_group, AT_MEDIA | AT_VALUE},
    {"msid", on_msid, AT_MEDIA | AT_VALUE},
    {"rid", on_rid, AT_MEDIA | AT_VALUE},
    {"simulcast", on_simulcast, AT_MEDIA | AT_VALUE},
    {"candidate", on_candidate, AT_MEDIA | AT_VALUE},
    {"sctp-port", on_sctp_port, AT_MEDIA | AT_VALUE},
    {"max-message-size", on_max_message_size, AT_MEDIA | AT_VALUE},
    {"sctpmap", on_sctpmap, AT_MEDIA | AT_VALUE},
};

// a=<name>[:<value>]
static int on_attribute(struct parser *p, char *line)
{
    char *colon = strchr(line, ':');
    char *v = colon ? colon + 1 : line + strlen(line);
    if (colon)
        *colon = '\0';
    if (!*line)
        return fail(p, SDP_ERR_SYNTAX, "attribute without a name");
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
        const struct attr *a = &attrs[i];
        if (strcmp(a->name, line) != 0)
            continue;
        if (!(a->flags & (p->m ? AT_MEDIA : AT_SESSION)))
            return 0;
        p->what = a->name;
        p->in_attr = true;
        if ((a->flags & AT_VALUE) && !*skip_blanks(v))
            return fail(p, SDP_ERR_SYNTAX, "needs a value");
        return a->fn(p, v);
    }
    return 0; // an attribute voxd does not read
}

// ---- m= and o= ----

static int on_media_line(struct parser *p, char *v)
{
    struct sdp *s = p->s;
    p->what = "m=";
    if (s->n_media == SDP_MAX_MEDIA)
        return fail(p, SDP_ERR_LIMIT, "more than %d m= sections", SDP_MAX_MEDIA);
    struct sdp_media *m = &s->media[s->n_media];
    memset(m, 0, sizeof *m);
    char *media = next_tok(&v), *port = next_tok(&v), *proto = next_tok(&v);
    v = skip_blanks(v);
    if (!proto || !*v)
        return fail(p, SDP_ERR_SYNTAX, "expected <media> <port> <proto> <fmt> ...");
    char *slash = strchr(port, '/'); // <port>/<number of ports>
    uint32_t n, count;
    if (slash)
        *slash++ = '\0';
    if (!parse_u32(port, 65535, &n) || (slash && (!parse_u32(slash, 65535, &count) || !count)))
        return fail(p, SDP_ERR_SYNTAX, "port is not a number 0-65535");
    int rc = COPY(p, m->media, media, "media");
    if (rc || (rc = COPY(p, m->proto, proto, "proto")))
        return rc;
    m->port = (uint16_t)n;
    m->kind = strcmp(media, "audio") == 0         ? SDP_KIND_AUDIO
              : strcmp(media, "video") == 0       ? SDP_KIND_VIDEO
              : strcmp(media, "application") == 0 ? SDP_KIND_APPLICATION
                                                  : SDP_KIND_OTHER;
    m->is_rtp = strstr(proto, "RTP/") != NULL;
    if (!m->is_rtp)
        rc = COPY(p, m->fmt, v, "formats");
    for (char *t; !rc && m->is_rtp && (t = next_tok(&v));) {
        uint32_t pt;
        if (!parse_u32(t, 127, &pt))
            return fail(p, SDP_ERR_SYNTAX, "payload type %s is not a number 0-127", t);
        if (sdp_media_codec(m, (int)pt))
            return fail(p, SDP_ERR_SYNTAX, "payload type %u listed twice", pt);
        if (m->n_codecs == SDP_MAX_CODECS)
            return fail(p, SDP_ERR_LIMIT, "more than %d payload types", SDP_MAX_CODECS);
        struct sdp_codec *c = &m->codecs[m->n_codecs++];
        c->pt = (uint8_t)pt;
        c->apt = c->useinbandfec = c->usedtx = c->minptime = -1;
        c->packetization_mode = c->profile_level_id = c->profile_id = -1;
    }
    if (rc)
        return rc;
    s->n_media++;
    p->m = m;
    p->seen_dir = p->seen_fp = p->seen_setup = false;
    return 0;
}

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>
static int on_origin(struct parser *p, char *v)
{
    struct sdp *s = p->s;
    p->what = "o=";
    char *f[6];
    for (int i = 0; i < 6; i++)
        f[i] = next_tok(&v);
    if (!f[5] || next_tok(&v))
        return fail(p, SDP_ERR_SYNTAX,
                    "expected <username> <sess-id> <sess-version> IN "
                    "<addrtype> <address>");
    if (!parse_u64(f[1], UINT64_MAX, &s->sess_id))
        return fail(p, SDP_ERR_SYNTAX, "session id is not a number below 2^64");
    if (!parse_u64(f[2], UINT64_MAX, &s->sess_version))
        return fail(p, SDP_ERR_SYNTAX, "session version is not a number below 2^64");
    if (strcmp(f[3], "IN") != 0)
        return fail(p, SDP_ERR_SYNTAX, "network type is not IN");
    return COPY(p, s->origin_user, f[0], "username");
}

// Puts a section's rtcp-fb lines in the order sdp_write gives them: "*" first, then by the
// payload type's place on the m= line, each group in the order read (a stable sort).
static void sort_rtcp_fb(struct sdp_media *m)
{
    int rank[SDP_MAX_RTCP_FB];
    for (unsigned i = 0; i < m->n_rtcp_fb; i++) {
        rank[i] = -1;
        for (unsigned c = 0; c < m->n_codecs; c++)
            if (m->codecs[c].pt == m->rtcp_fb[i].pt)
                rank[i] = (int)c;
    }
    for (unsigned i = 1; i < m->n_rtcp_fb; i++) {
        struct sdp_rtcp_fb fb = m->rtcp_fb[i];
        int r = rank[i];
        unsigned j = i;
        for (; j > 0 && rank[j - 1] > r; j--) {
            m->rtcp_fb[j] = m->rtcp_fb[j - 1];
            rank[j] = rank[j - 1];
        }
        m->rtcp_fb[j] = fb;
        rank[j] = r;
    }
}

// What no single line shows: unique mids, BUNDLE mids that exist, credentials in pairs.
static int check_whole(struct parser *p)
{
    const struct sdp *s = p->s;
    p->lineno = 0;
    if (!s->ice.ufrag[0] != !s->ice.pwd[0])
        return fail(p, SDP_ERR_SYNTAX, "session level: a=ice-ufrag and a=ice-pwd go together");
    for (unsigned i = 0; i < s->n_media; i++) {
        const struct sdp_media *m = &s->media[i];
        if (!m->ice.ufrag[0] != !m->ice.pwd[0])
            return fail(p, SDP_ERR_SYNTAX, "m= section %u: a=ice-ufrag and a=ice-pwd go together",
                        i);
        for (unsigned j = 0; m->mid[0] && j < i; j++)
            if (strcmp(s->media[j].mid, m->mid) == 0)
                return fail(p, SDP_ERR_SYNTAX, "m= sections %u and %u share mid %s", j, i, m->mid);
    }
    for (unsigned b = 0; b < s->n_bundle; b++) {
        unsigned i = 0;
        while (i < s->n_media && strcmp(s->media[i].mid, s->bundle[b]) != 0)
            i++;
        if (i == s->n_media)
            return fail(p, SDP_ERR_SYNTAX, "a=group:BUNDLE names mid %s, which no section has",
                        s->bundle[b]);
    }
    return 0;
}

// One line, without its line end, copied to a NUL-terminated buffer.
static int on_line(struct parser *p, char *line, size_t n)
{
    p->what = "";
    p->in_attr = false;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)line[i] < 0x20 && line[i] != '\t') || line[i] == 0x7f)
            return fail(p, SDP_ERR_SYNTAX, "control character 0x%02x at column %zu",
                        (unsigned char)line[i], i + 1);
    if (n < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z')
        return fail(p, SDP_ERR_SYNTAX, "not <letter>=<value>");
    char type = line[0], *v = line + 2;
    if (p->lineno == 1) {
        if (type != 'v' || strcmp(v, "0") != 0)
            return fail(p, SDP_ERR_SYNTAX, "a description starts with v=0");
        return 0;
    }
    switch (type) {
    case 'v':
        return fail(p, SDP_ERR_SYNTAX, "a second v= line");
    case 'o':
        if (p->m || p->s->origin_user[0])
            return fail(p, SDP_ERR_SYNTAX, "o= belongs once to the session level");
        return on_origin(p, v);
    case 'm':
        if (p->m)
            sort_rtcp_fb(p->m);
        return on_media_line(p, v);
    case 'a':
        return on_attribute(p, v);
    case 's':
    case 'i':
    case 'u':
    case 'e':
    case 'p':
    case 'c':
    case 'b':
    case 't':
    case 'r':
    case 'z':
    case 'k':
        return 0; // nothing voxd reads
    default:
        return fail(p, SDP_ERR_SYNTAX, "unknown line type %c=", type);
    }
}

int sdp_parse(struct sdp *out, const char *text, size_t len, char *err, size_t errcap)
{
    struct parser p = {.s = out, .err = err, .errcap = errcap, .what = ""};
    // Only the session part is cleared here and each section as it starts: a whole struct
    // sdp is over a megabyte, and most descriptions have a few sections.
    memset(out, 0, offsetof(struct sdp, media));
    if (err && errcap)
        err[0] = '\0';
    if (len > SDP_MAX_LEN)
        return fail(&p, SDP_ERR_LIMIT, "description longer than %d bytes", SDP_MAX_LEN);
    if (!text || len == 0)
        return fail(&p, SDP_ERR_SYNTAX, "empty description");
    char line[SDP_MAX_LINE + 1];
    for (size_t pos = 0; pos < len;) {
        const char *start = text + pos;
        const char *nl = memchr(start, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - start) : len - pos;
        pos += n + (nl != NULL);
        p.lineno++;
        p.what = "";
        p.in_attr = false;
        if (n && start[n - 1] == '\r')
            n--;
        if (n == 0 && pos >= len && p.lineno > 1)
            break; // the line end of the last line
        if (n == 0)
            return fail(&p, SDP_ERR_SYNTAX, "empty line");
        if (n > SDP_MAX_LINE)
            return fail(&p, SDP_ERR_LIMIT, "longer than %d bytes", SDP_MAX_LINE);
        memcpy(line, start, n);
        line[n] = '\0';
        int rc = on_line(&p, line, n);
        if (rc)
            return rc;
    }
    if (p.m)
        sort_rtcp_fb(p.m);
    if (!out->origin_user[0]) {
        p.lineno = 0;
        return fail(&p, SDP_ERR_SYNTAX, "no o= line");
    }
    return check_whole(&p);
}

// ---- accessors ----

const struct sdp_ice *sdp_media_ice(const struct sdp *s, const struct sdp_media *m)
{
    return m->ice.ufrag[0] ? &m->ice : &s->ice;
}

const struct sdp_fingerprint *sdp_media_fingerprint(const struct sdp *s, const struct sdp_media *m)
{
    if (m->has_fingerprint)
        return &m->fingerprint;
    return s->has_fingerprint ? &s->fingerprint : NULL;
}

enum sdp_setup sdp_media_setup(const struct sdp *s, const struct sdp_media *m)
{
    return m->setup != SDP_SETUP_UNSET ? m->setup : s->setup;
}

enum sdp_dir sdp_media_dir(const struct sdp *s, const struct sdp_media *m)
{
    if (m->dir != SDP_DIR_UNSET && (unsigned)m->dir <= SDP_DIR_INACTIVE)
        return m->dir;
    if (s->dir != SDP_DIR_UNSET && (unsigned)s->dir <= SDP_DIR_INACTIVE)
        return s->dir;
    return SDP_DIR_SENDRECV;
}

const struct sdp_codec *sdp_media_codec(const struct sdp_media *m, int pt)
{
    for (unsigned i = 0; i < m->n_codecs && i < SDP_MAX_CODECS; i++)
        if (m->codecs[i].pt == pt)
            return &m->codecs[i];
    return NULL;
}

bool sdp_is_bundled(const struct sdp *s, const char *mid)
{
    for (unsigned i = 0; i < s->n_bundle && i < SDP_MAX_MEDIA; i++)
        if (strcmp(s->bundle[i], mid) == 0)
            return true;
    return false;
}

const char *sdp_dir_name(enum sdp_dir d)
{
    return (unsigned)d <= SDP_DIR_INACTIVE ? dir_names[d] : "";
}

const char *sdp_setup_name(enum sdp_setup s)
{
    return (unsigned)s <= SDP_SETUP_HOLDCONN ? setup_names[s] : "";
}

const char *sdp_err_name(int err)
{
    static const char *const names[SDP_ERR_COUNT] = {"ok", "syntax", "limit", "unsupported", "arg"};
    return err <= 0 && -err < SDP_ERR_COUNT ? names[-err] : "unknown";
}
