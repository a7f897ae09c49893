// SPDX-License-Identifier: MIT
// Unit tests for rtc/sdp: Chromium 156's saved SDPs (tests/fixtures/sdp/, read relative to the
// repository root, where tests/run.sh runs the binaries) parse with the expected contents;
// voxd's answers to them; write -> parse round trips; malformed input and limits.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtc/sdp.h"

#define FIXTURES "tests/fixtures/sdp/"
#define HEAD     "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
#define FP                                                                                         \
    "6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:"   \
    "A6:85"
// A minimal publisher offer: one bundled Opus section with everything voxd requires.
#define AUDIO_SECTION                                                                              \
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\n"                  \
    "a=ice-pwd:abcdefghijklmnopqrstuv\r\na=fingerprint:sha-256 " FP "\r\na=setup:actpass\r\n"      \
    "a=mid:0\r\na=sendonly\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n"
#define AUDIO_OFFER HEAD "a=group:BUNDLE 0\r\n" AUDIO_SECTION

static char *read_fixture(const char *name, size_t *len)
{
    char path[256];
    snprintf(path, sizeof path, FIXTURES "%s", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (run the test from the repository root)", path);
    char *buf = malloc(SDP_MAX_LEN + 1);
    assert_non_null(buf);
    *len = fread(buf, 1, SDP_MAX_LEN, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static struct sdp *new_sdp(void)
{
    struct sdp *s = calloc(1, sizeof *s);
    assert_non_null(s);
    return s;
}

static int parse_text(struct sdp *s, const char *text, char *err, size_t cap)
{
    return sdp_parse(s, text, strlen(text), err, cap);
}

static struct sdp *parse_ok(const char *text)
{
    struct sdp *s = new_sdp();
    char err[256];
    int rc = parse_text(s, text, err, sizeof err);
    if (rc)
        fail_msg("sdp_parse: %d %s", rc, err);
    return s;
}

static struct sdp *parse_fixture(const char *name)
{
    size_t len;
    char *text = read_fixture(name, &len);
    struct sdp *s = parse_ok(text);
    free(text);
    return s;
}

// Structs parsed from text are zeroed first and zero-filled in every string, so equal
// descriptions compare equal byte for byte; the message names the first differing byte.
static void assert_sdp_equal(const struct sdp *a, const struct sdp *b)
{
    const unsigned char *x = (const void *)a, *y = (const void *)b;
    for (size_t i = 0; i < sizeof *a; i++) {
        if (x[i] == y[i])
            continue;
        size_t first = offsetof(struct sdp, media);
        if (i < first)
            fail_msg("session fields differ at byte %zu", i);
        fail_msg("m= section %zu differs at byte %zu of it", (i - first) / sizeof(struct sdp_media),
                 (i - first) % sizeof(struct sdp_media));
    }
}

// s written and parsed back, compared.
static void assert_round_trip(const struct sdp *s)
{
    sbuf out;
    sbuf_init(&out);
    assert_int_equal(sdp_write(s, &out), 0);
    struct sdp *back = new_sdp();
    char err[256];
    int rc = sdp_parse(back, out.data, out.len, err, sizeof err);
    if (rc)
        fail_msg("re-parse: %s\n%s", err, out.data);
    assert_sdp_equal(s, back);
    free(back);
    sbuf_fini(&out);
}

// text with each line starting with `drop` removed, and a line starting with `from` replaced
// by `to` (either may be NULL).
static char *edit(const char *text, const char *drop, const char *from, const char *to)
{
    sbuf b;
    sbuf_init(&b);
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
        if (drop && strncmp(p, drop, strlen(drop)) == 0) {
        } else if (from && strncmp(p, from, strlen(from)) == 0) {
            sbuf_puts(&b, to);
            sbuf_puts(&b, "\r\n");
        } else {
            sbuf_append(&b, p, n);
        }
        p += n;
    }
    return sbuf_steal(&b);
}

static char *edit_fixture(const char *name, const char *drop, const char *from, const char *to)
{
    size_t len;
    char *text = read_fixture(name, &len);
    char *out = edit(text, drop, from, to);
    free(text);
    return out;
}

// ---- the fixtures ----

struct want_media {
    const char *media, *mid;
    enum sdp_dir dir;
    unsigned codecs, rtcp_fb, extmaps, ssrcs, groups, msids;
};

static const struct want {
    const char *file, *ufrag, *fp;
    unsigned n_media;
    struct want_media m[4];
} fixtures[] = {
    {"chromium-offer-audio.sdp",
     "Kps4",
     "D4:7C:75:66:12:44:",
     1,
     {{"audio", "0", SDP_DIR_SENDONLY, 8, 1, 4, 1, 0, 1}}},
    {"chromium-offer-audio-video.sdp",
     "u17k",
     "E5:80:8F:3B:CD:95:",
     2,
     {{"audio", "0", SDP_DIR_SENDRECV, 8, 1, 4, 1, 0, 1},
      {"video", "1", SDP_DIR_SENDRECV, 23, 50, 11, 2, 1, 1}}},
    {"chromium-offer-screen.sdp",
     "IiaH",
     "94:FC:C0:41:90:85:",
     3,
     {{"audio", "0", SDP_DIR_SENDONLY, 8, 1, 4, 1, 0, 1},
      {"video", "1", SDP_DIR_SENDONLY, 23, 50, 11, 2, 1, 1},
      {"video", "2", SDP_DIR_SENDONLY, 23, 50, 11, 2, 1, 1}}},
    {"chromium-offer-recvonly.sdp",
     "jNMy",
     "89:1D:39:C1:BE:F3:",
     4,
     {{"audio", "0", SDP_DIR_RECVONLY, 8, 1, 4, 0, 0, 0},
      {"audio", "1", SDP_DIR_RECVONLY, 8, 1, 4, 0, 0, 0},
      {"video", "2", SDP_DIR_RECVONLY, 34, 77, 11, 0, 0, 0},
      {"video", "3", SDP_DIR_RECVONLY, 34, 77, 11, 0, 0, 0}}},
    {"chromium-offer-gathered.sdp",
     "dagm",
     "28:C7:4F:0B:7B:16:",
     2,
     {{"audio", "0", SDP_DIR_SENDONLY, 8, 1, 4, 1, 0, 1},
      {"video", "1", SDP_DIR_SENDONLY, 23, 50, 11, 2, 1, 1}}},
    {"chromium-offer-simulcast.sdp",
     "Y7lF",
     "FE:63:34:B6:AC:B7:",
     2,
     {{"audio", "0", SDP_DIR_SENDONLY, 8, 1, 4, 1, 0, 1},
      {"video", "1", SDP_DIR_SENDONLY, 23, 50, 13, 0, 0, 1}}},
    {"chromium-offer-datachannel.sdp",
     "S1V3",
     "71:46:7B:08:9D:37:",
     2,
     {{"audio", "0", SDP_DIR_SENDONLY, 8, 1, 4, 1, 0, 1},
      {"application", "1", SDP_DIR_SENDRECV, 0, 0, 0, 0, 0, 0}}},
    {"chromium-answer.sdp",
     "8h+H",
     "D5:55:41:DC:09:D6:",
     2,
     {{"audio", "0", SDP_DIR_RECVONLY, 1, 1, 3, 0, 0, 0},
      {"video", "1", SDP_DIR_RECVONLY, 2, 5, 3, 0, 0, 0}}},
    {"voxd-offer.sdp",
     "vox8Kq2f",
     "6B:8B:5D:EA:59:04:",
     2,
     {{"audio", "0", SDP_DIR_SENDONLY, 1, 1, 3, 1, 0, 1},
      {"video", "1", SDP_DIR_SENDONLY, 2, 5, 3, 2, 1, 1}}},
};
#define N_FIXTURES (sizeof fixtures / sizeof fixtures[0])

static void test_fixtures_parse(void **state)
{
    (void)state;
    for (size_t f = 0; f < N_FIXTURES; f++) {
        const struct want *w = &fixtures[f];
        struct sdp *s = parse_fixture(w->file);
        assert_int_equal(s->n_media, w->n_media);
        assert_true(s->has_bundle);
        assert_int_equal(s->n_bundle, w->n_media);
        assert_true(s->has_msid_semantic);
        assert_string_equal(s->msid_semantic, "WMS");
        assert_string_equal(s->origin_user, "-");
        assert_int_equal(s->sess_version, 2);
        for (unsigned i = 0; i < s->n_media; i++) {
            const struct sdp_media *m = &s->media[i];
            const struct want_media *wm = &w->m[i];
            assert_string_equal(m->media, wm->media);
            assert_string_equal(m->mid, wm->mid);
            assert_string_equal(s->bundle[i], wm->mid);
            assert_int_equal(sdp_media_dir(s, m), wm->dir);
            assert_int_equal(m->n_codecs, wm->codecs);
            assert_int_equal(m->n_rtcp_fb, wm->rtcp_fb);
            assert_int_equal(m->n_extmaps, wm->extmaps);
            assert_int_equal(m->n_ssrcs, wm->ssrcs);
            assert_int_equal(m->n_ssrc_groups, wm->groups);
            assert_int_equal(m->n_msids, wm->msids);
            assert_string_equal(sdp_media_ice(s, m)->ufrag, w->ufrag);
            assert_true(strlen(sdp_media_ice(s, m)->pwd) >= 22);
            const struct sdp_fingerprint *fp = sdp_media_fingerprint(s, m);
            assert_non_null(fp);
            assert_string_equal(fp->algo, "sha-256");
            assert_int_equal(strlen(fp->value), 95);
            assert_memory_equal(fp->value, w->fp, strlen(w->fp));
            assert_int_equal(m->is_rtp, m->kind != SDP_KIND_APPLICATION);
            assert_int_equal(m->rtcp_mux, m->is_rtp);
        }
        free(s);
    }
}

static const struct sdp_extmap *find_extmap(const struct sdp_media *m, const char *uri)
{
    for (unsigned i = 0; i < m->n_extmaps; i++)
        if (strcmp(m->extmaps[i].uri, uri) == 0)
            return &m->extmaps[i];
    return NULL;
}

#define EXT_MID   "urn:ietf:params:rtp-hdrext:sdes:mid"
#define EXT_LEVEL "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
#define EXT_AST   "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
#define EXT_TWCC  "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"

static void test_offer_contents(void **state)
{
    (void)state;
    struct sdp *s = parse_fixture("chromium-offer-audio-video.sdp");
    assert_true(s->extmap_allow_mixed);
    assert_false(s->ice_lite);
    assert_int_equal(s->sess_id, 4893874193532591665ull);
    assert_string_equal(s->msid_semantic_ids, "c3c46416-d48f-4ccb-a73f-799d328abeb5");
    const struct sdp_media *a = &s->media[0], *v = &s->media[1];
    static const uint8_t audio_pts[] = {111, 63, 9, 0, 8, 13, 110, 126};
    for (unsigned i = 0; i < 8; i++)
        assert_int_equal(a->codecs[i].pt, audio_pts[i]);
    const struct sdp_codec *opus = sdp_media_codec(a, 111);
    assert_string_equal(opus->name, "opus");
    assert_int_equal(opus->clock, 48000);
    assert_int_equal(opus->channels, 2);
    assert_string_equal(opus->fmtp, "minptime=10;useinbandfec=1");
    assert_int_equal(opus->minptime, 10);
    assert_int_equal(opus->useinbandfec, 1);
    assert_int_equal(opus->usedtx, -1);
    assert_string_equal(sdp_media_codec(a, 63)->fmtp, "111/111"); // RED
    assert_int_equal(sdp_media_codec(a, 0)->channels, 0);
    assert_int_equal(a->port, 9);
    assert_string_equal(a->proto, "UDP/TLS/RTP/SAVPF");
    assert_int_equal(a->setup, SDP_SETUP_ACTPASS);
    assert_int_equal(a->ice_options, SDP_ICE_OPT_TRICKLE);
    assert_true(a->rtcp_rsize);
    assert_int_equal(find_extmap(a, EXT_LEVEL)->id, 1);
    assert_int_equal(find_extmap(a, EXT_AST)->id, 2);
    assert_int_equal(find_extmap(a, EXT_TWCC)->id, 3);
    assert_int_equal(find_extmap(a, EXT_MID)->id, 4);
    assert_int_equal(find_extmap(v, "urn:ietf:params:rtp-hdrext:toffset")->id, 14);
    assert_int_equal(v->extmaps[0].dir, SDP_DIR_UNSET);
    assert_int_equal(a->rtcp_fb[0].pt, 111);
    assert_string_equal(a->rtcp_fb[0].type, "transport-cc");
    assert_string_equal(a->ssrcs[0].cname, "S5DKVLba0twKxpNv");
    assert_string_equal(a->ssrcs[0].msid_stream, a->msids[0].stream);
    assert_string_equal(a->ssrcs[0].msid_track, a->msids[0].track);
    assert_string_equal(a->msids[0].track, "dd715517-42eb-4549-a938-eefe6556caae");

    const struct sdp_codec *vp8 = sdp_media_codec(v, 96), *rtx = sdp_media_codec(v, 97);
    assert_string_equal(vp8->name, "VP8");
    assert_int_equal(vp8->clock, 90000);
    assert_false(vp8->has_fmtp);
    assert_string_equal(rtx->name, "rtx");
    assert_int_equal(rtx->apt, 96);
    const struct sdp_codec *h264 = sdp_media_codec(v, 108);
    assert_int_equal(h264->packetization_mode, 1);
    assert_int_equal(h264->profile_level_id, 0x42e01f);
    assert_int_equal(sdp_media_codec(v, 104)->packetization_mode, 0);
    assert_int_equal(sdp_media_codec(v, 116)->profile_level_id, 0x4d001f);
    assert_int_equal(sdp_media_codec(v, 98)->profile_id, 0);
    assert_int_equal(sdp_media_codec(v, 100)->profile_id, 2);
    assert_string_equal(sdp_media_codec(v, 45)->name, "AV1");
    assert_string_equal(sdp_media_codec(v, 120)->name, "ulpfec");
    // rtcp-fb: five per video codec, in m= line order: VP8's first.
    static const char *const fb[5][2] = {
        {"goog-remb", ""}, {"transport-cc", ""}, {"ccm", "fir"}, {"nack", ""}, {"nack", "pli"}};
    for (unsigned i = 0; i < 5; i++) {
        assert_int_equal(v->rtcp_fb[i].pt, 96);
        assert_string_equal(v->rtcp_fb[i].type, fb[i][0]);
        assert_string_equal(v->rtcp_fb[i].subtype, fb[i][1]);
    }
    assert_int_equal(v->rtcp_fb[5].pt, 102);
    assert_string_equal(v->ssrc_groups[0].semantics, "FID");
    assert_int_equal(v->ssrc_groups[0].n_ssrcs, 2);
    assert_int_equal(v->ssrc_groups[0].ssrcs[0], 141775127u);
    assert_int_equal(v->ssrc_groups[0].ssrcs[1], 460575158u);
    assert_int_equal(v->ssrcs[0].ssrc, 141775127u);
    assert_int_equal(v->ssrcs[1].ssrc, 460575158u);
    assert_string_equal(v->ssrcs[1].cname, "S5DKVLba0twKxpNv");
    assert_int_equal(v->n_candidates, 0);
    assert_false(v->end_of_candidates);
    free(s);
}

static void test_gathered_candidates(void **state)
{
    (void)state;
    struct sdp *s = parse_fixture("chromium-offer-gathered.sdp");
    const struct sdp_media *a = &s->media[0];
    assert_int_equal(a->port, 46775);
    assert_int_equal(a->n_candidates, 2);
    const struct sdp_candidate *u = &a->candidates[0], *t = &a->candidates[1];
    assert_string_equal(u->foundation, "3751609210");
    assert_int_equal(u->component, 1);
    assert_string_equal(u->transport, "udp");
    assert_int_equal(u->priority, 2122260223u);
    assert_string_equal(u->addr, "127.0.0.1");
    assert_int_equal(u->port, 46775);
    assert_string_equal(u->type, "host");
    assert_string_equal(u->tcptype, "");
    assert_string_equal(t->transport, "tcp");
    assert_int_equal(t->port, 9);
    assert_string_equal(t->tcptype, "active");
    assert_int_equal(s->media[1].n_candidates, 0); // bundled: only the tagged section has them
    free(s);
}

static void test_simulcast_and_datachannel(void **state)
{
    (void)state;
    struct sdp *s = parse_fixture("chromium-offer-simulcast.sdp");
    const struct sdp_media *v = &s->media[1];
    assert_int_equal(v->n_rids, 3);
    assert_string_equal(v->rids[0].id, "q");
    assert_string_equal(v->rids[2].id, "f");
    assert_true(v->rids[1].send);
    assert_true(v->has_simulcast);
    assert_int_equal(v->n_sim_send, 3);
    assert_int_equal(v->n_sim_recv, 0);
    assert_string_equal(v->sim_send[1].id, "h");
    assert_false(v->sim_send[1].alt);
    assert_false(v->sim_send[1].paused);
    assert_non_null(find_extmap(v, "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"));
    free(s);

    s = parse_fixture("chromium-offer-datachannel.sdp");
    const struct sdp_media *d = &s->media[1];
    assert_int_equal(d->kind, SDP_KIND_APPLICATION);
    assert_false(d->is_rtp);
    assert_string_equal(d->proto, "UDP/DTLS/SCTP");
    assert_string_equal(d->fmt, "webrtc-datachannel");
    assert_int_equal(d->sctp_port, 5000);
    assert_int_equal(d->max_message_size, 262144);
    assert_int_equal(d->n_codecs, 0);
    free(s);

    // The legacy form, and simulcast alternatives and paused streams.
    s = parse_ok(HEAD "m=application 9 DTLS/SCTP 5000\r\na=sctpmap:5000 webrtc-datachannel 1024\r\n"
                      "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rid:a send max-width=320\r\n"
                      "a=rid:b send\r\na=rid:c recv\r\na=simulcast:send a,b;~x recv c\r\n");
    assert_string_equal(s->media[0].fmt, "5000");
    assert_int_equal(s->media[0].sctpmap_port, 5000);
    assert_string_equal(s->media[0].sctpmap_proto, "webrtc-datachannel");
    assert_int_equal(s->media[0].sctpmap_streams, 1024);
    v = &s->media[1];
    assert_string_equal(v->rids[0].params, "max-width=320");
    assert_false(v->rids[2].send);
    assert_int_equal(v->n_sim_send, 3);
    assert_true(v->sim_send[1].alt);
    assert_true(v->sim_send[2].paused);
    assert_string_equal(v->sim_send[2].id, "x");
    assert_int_equal(v->n_sim_recv, 1);
    assert_round_trip(s);
    free(s);
}

static void test_chromium_answer(void **state)
{
    (void)state;
    // What Chromium answers to voxd's subscriber offer (voxd-offer.sdp).
    struct sdp *s = parse_fixture("chromium-answer.sdp");
    for (unsigned i = 0; i < 2; i++) {
        const struct sdp_media *m = &s->media[i];
        assert_int_equal(sdp_media_setup(s, m), SDP_SETUP_ACTIVE);
        assert_int_equal(m->dir, SDP_DIR_RECVONLY);
        assert_int_equal(m->n_ssrcs, 0);
        assert_int_equal(find_extmap(m, EXT_TWCC)->id, 3);
        assert_int_equal(find_extmap(m, EXT_MID)->id, 4);
    }
    assert_int_equal(s->media[0].codecs[0].pt, 111);
    assert_int_equal(s->media[1].codecs[0].pt, 96);
    assert_int_equal(s->media[1].codecs[1].apt, 96);
    assert_null(find_extmap(&s->media[1], EXT_LEVEL));
    free(s);
}

// ---- the answer ----

static void local_init(struct sdp_local *l, enum sdp_dir dir)
{
    memset(l, 0, sizeof *l);
    strcpy(l->ufrag, "voxU");
    strcpy(l->pwd, "voxpasswordvoxpassword");
    strcpy(l->fingerprint_algo, "sha-256");
    strcpy(l->fingerprint, FP);
    l->n_hosts = 2;
    strcpy(l->hosts[0].ip, "127.0.0.1");
    l->hosts[0].port = 40000;
    strcpy(l->hosts[1].ip, "::1");
    l->hosts[1].port = 40001;
    l->dir = dir;
    l->sess_id = 77;
    l->sess_version = 3;
}

static struct sdp *answer_ok(const struct sdp *offer, const struct sdp_local *l)
{
    struct sdp *a = new_sdp();
    char err[256];
    int rc = sdp_answer(offer, l, a, err, sizeof err);
    if (rc)
        fail_msg("sdp_answer: %d %s", rc, err);
    assert_round_trip(a);
    return a;
}

static void assert_pts(const struct sdp_media *m, const uint8_t *pts, unsigned n)
{
    assert_int_equal(m->n_codecs, n);
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(m->codecs[i].pt, pts[i]);
}

static void assert_accepted(const struct sdp_media *m, enum sdp_dir dir)
{
    assert_int_equal(m->port, 9);
    assert_int_equal(m->dir, dir);
    assert_int_equal(m->setup, SDP_SETUP_PASSIVE);
    assert_string_equal(m->ice.ufrag, "voxU");
    assert_string_equal(m->ice.pwd, "voxpasswordvoxpassword");
    assert_true(m->has_fingerprint);
    assert_string_equal(m->fingerprint.value, FP);
    assert_true(m->rtcp_mux);
    assert_true(m->rtcp_rsize);
    assert_int_equal(m->n_ssrcs, 0);
    assert_int_equal(m->n_msids, 0);
    assert_int_equal(m->n_rids, 0);
    assert_false(m->has_simulcast);
    assert_int_equal(m->n_candidates, 2);
    assert_string_equal(m->candidates[0].addr, "127.0.0.1");
    assert_int_equal(m->candidates[0].port, 40000);
    assert_int_equal(m->candidates[0].priority, 2130706431u);
    assert_string_equal(m->candidates[0].type, "host");
    assert_string_equal(m->candidates[0].transport, "udp");
    assert_string_equal(m->candidates[1].addr, "::1");
    assert_true(m->candidates[1].priority < m->candidates[0].priority);
    assert_true(m->end_of_candidates);
}

static void assert_audio_answer(const struct sdp_media *m)
{
    assert_pts(m, (const uint8_t[]){111}, 1);
    assert_string_equal(m->codecs[0].name, "opus");
    assert_int_equal(m->codecs[0].channels, 2);
    assert_string_equal(m->codecs[0].fmtp, "minptime=10;useinbandfec=1");
    assert_int_equal(m->n_rtcp_fb, 1);
    assert_string_equal(m->rtcp_fb[0].type, "transport-cc");
    assert_int_equal(m->n_extmaps, 4);
    assert_int_equal(find_extmap(m, EXT_LEVEL)->id, 1);
    assert_int_equal(find_extmap(m, EXT_AST)->id, 2);
    assert_int_equal(find_extmap(m, EXT_TWCC)->id, 3);
    assert_int_equal(find_extmap(m, EXT_MID)->id, 4);
}

// VP8 96 + RTX 97, H.264 42e01f packetization-mode 1 at 108 + RTX 109, VP9 profile 0 at 98 +
// RTX 99: Chromium 156's payload types.
static void assert_video_answer(const struct sdp_media *m)
{
    assert_pts(m, (const uint8_t[]){96, 97, 108, 109, 98, 99}, 6);
    assert_string_equal(m->codecs[0].name, "VP8");
    assert_int_equal(m->codecs[1].apt, 96);
    assert_string_equal(m->codecs[2].fmtp,
                        "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
    assert_int_equal(m->codecs[3].apt, 108);
    assert_int_equal(m->codecs[4].profile_id, 0);
    assert_int_equal(m->codecs[5].apt, 98);
    assert_int_equal(m->n_rtcp_fb, 15); // five for each of VP8, H.264, VP9; none for RTX
    for (unsigned i = 0; i < m->n_rtcp_fb; i++)
        assert_true(m->rtcp_fb[i].pt == 96 || m->rtcp_fb[i].pt == 108 || m->rtcp_fb[i].pt == 98);
    assert_int_equal(m->n_extmaps, 3);
    assert_int_equal(find_extmap(m, EXT_AST)->id, 2);
    assert_int_equal(find_extmap(m, EXT_TWCC)->id, 3);
    assert_int_equal(find_extmap(m, EXT_MID)->id, 4);
}

static void test_answer_publishers(void **state)
{
    (void)state;
    static const char *const files[] = {
        "chromium-offer-audio.sdp", "chromium-offer-audio-video.sdp", "chromium-offer-screen.sdp",
        "chromium-offer-gathered.sdp", "chromium-offer-simulcast.sdp"};
    struct sdp_local l;
    local_init(&l, SDP_DIR_RECVONLY);
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        struct sdp *o = parse_fixture(files[f]);
        struct sdp *a = answer_ok(o, &l);
        assert_true(a->ice_lite);
        assert_int_equal(a->sess_id, 77);
        assert_int_equal(a->sess_version, 3);
        assert_int_equal(a->n_media, o->n_media);
        assert_int_equal(a->n_bundle, o->n_media);
        for (unsigned i = 0; i < a->n_media; i++) {
            const struct sdp_media *m = &a->media[i];
            assert_string_equal(m->mid, o->media[i].mid);
            assert_string_equal(a->bundle[i], o->media[i].mid);
            assert_accepted(m, SDP_DIR_RECVONLY);
            if (m->kind == SDP_KIND_AUDIO)
                assert_audio_answer(m);
            else
                assert_video_answer(m);
        }
        free(a);
        free(o);
    }
}

static void test_answer_datachannel(void **state)
{
    (void)state;
    struct sdp *o = parse_fixture("chromium-offer-datachannel.sdp");
    struct sdp_local l;
    local_init(&l, SDP_DIR_RECVONLY);
    struct sdp *a = answer_ok(o, &l);
    assert_int_equal(a->n_media, 2);
    assert_int_equal(a->n_bundle, 1);
    assert_string_equal(a->bundle[0], "0");
    const struct sdp_media *d = &a->media[1];
    assert_int_equal(d->port, 0);
    assert_string_equal(d->mid, "1");
    assert_string_equal(d->fmt, "webrtc-datachannel");
    assert_false(d->has_fingerprint);
    assert_int_equal(d->n_candidates, 0);
    free(a);

    l.accept_data = true;
    a = answer_ok(o, &l);
    assert_int_equal(a->n_bundle, 2);
    d = &a->media[1];
    assert_int_equal(d->port, 9);
    assert_int_equal(d->sctp_port, 5000);
    assert_int_equal(d->max_message_size, 262144);
    assert_int_equal(d->setup, SDP_SETUP_PASSIVE);
    assert_int_equal(d->n_candidates, 2);
    assert_int_equal(d->dir, SDP_DIR_UNSET);
    free(a);
    free(o);
}

static void test_answer_directions_and_setup(void **state)
{
    (void)state;
    struct sdp_local l;
    struct sdp *o = parse_fixture("chromium-offer-audio-video.sdp"); // sendrecv
    local_init(&l, SDP_DIR_SENDRECV);
    struct sdp *a = answer_ok(o, &l);
    assert_int_equal(a->media[0].dir, SDP_DIR_SENDRECV);
    free(a);
    free(o);

    o = parse_fixture("chromium-offer-recvonly.sdp");
    a = answer_ok(o, &l); // a subscriber's offer, answered by a side that sends
    for (unsigned i = 0; i < 4; i++)
        assert_accepted(&a->media[i], SDP_DIR_SENDONLY);
    assert_video_answer(&a->media[2]);
    free(a);
    local_init(&l, SDP_DIR_RECVONLY);
    a = answer_ok(o, &l); // a publisher connection never sends
    assert_int_equal(a->media[0].dir, SDP_DIR_INACTIVE);
    free(a);
    free(o);

    local_init(&l, SDP_DIR_RECVONLY);
    char *text = edit_fixture("chromium-offer-audio.sdp", NULL, "a=setup:", "a=setup:active");
    o = parse_ok(text);
    a = answer_ok(o, &l);
    assert_int_equal(a->media[0].setup, SDP_SETUP_PASSIVE);
    free(a);
    free(o);
    free(text);
    text = edit_fixture("chromium-offer-audio.sdp", NULL, "a=setup:", "a=setup:passive");
    o = parse_ok(text);
    a = answer_ok(o, &l);
    assert_int_equal(a->media[0].setup, SDP_SETUP_ACTIVE);
    free(a);
    free(o);
    free(text);
}

// Opus: usedtx kept, other parameters dropped; a section outside the BUNDLE group and one
// with no common codec are rejected; the '*' feedback form and extmap directions.
static void test_answer_selection(void **state)
{
    (void)state;
    struct sdp_local l;
    local_init(&l, SDP_DIR_RECVONLY);
    struct sdp *o = parse_ok(
        HEAD
        "a=group:BUNDLE 0 1 2\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\n"
        "a=fingerprint:sha-256 " FP "\r\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 109 0\r\na=mid:0\r\na=rtcp-mux\r\n"
        "a=extmap:1/sendonly urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
        "a=rtpmap:109 opus/48000/2\r\n"
        "a=fmtp:109 maxplaybackrate=48000; stereo=1; useinbandfec=1; usedtx=1\r\n"
        "a=rtcp-fb:* nack\r\na=rtcp-fb:* rrtr\r\n"
        "m=video 9 UDP/TLS/RTP/SAVPF 126 127\r\na=mid:1\r\na=rtcp-mux\r\n"
        "a=rtpmap:126 H264/90000\r\na=fmtp:126 packetization-mode=0\r\n"
        "a=rtpmap:127 AV1/90000\r\n"
        "m=video 9 UDP/TLS/RTP/SAVPF 100 101 102\r\na=mid:2\r\na=rtcp-mux\r\n"
        "a=rtpmap:100 VP9/90000\r\na=fmtp:100 profile-id=2\r\n"
        "a=rtpmap:101 H264/90000\r\na=fmtp:101 profile-level-id=640c1f;packetization-mode=1\r\n"
        "a=rtpmap:102 H264/90000\r\na=fmtp:102 profile-level-id=42e034;packetization-mode=1\r\n"
        "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:3\r\na=rtcp-mux\r\na=rtpmap:96 VP8/90000\r\n");
    struct sdp *a = answer_ok(o, &l);
    const struct sdp_media *m = &a->media[0];
    assert_pts(m, (const uint8_t[]){109}, 1);
    assert_string_equal(m->codecs[0].fmtp, "useinbandfec=1;usedtx=1");
    assert_int_equal(m->n_rtcp_fb, 1);
    assert_int_equal(m->rtcp_fb[0].pt, SDP_PT_ANY);
    assert_string_equal(m->rtcp_fb[0].type, "nack");
    assert_int_equal(m->extmaps[0].dir, SDP_DIR_RECVONLY);
    assert_false(m->rtcp_rsize);
    assert_int_equal(a->media[1].port, 0); // only H.264 mode 0 and AV1
    assert_pts(&a->media[1], (const uint8_t[]){126}, 1);
    assert_false(a->media[1].has_fingerprint);
    assert_pts(&a->media[2], (const uint8_t[]){102}, 1); // constrained baseline over high
    assert_int_equal(a->media[3].port, 0);               // not in the BUNDLE group
    assert_int_equal(a->n_bundle, 2);
    assert_string_equal(a->bundle[0], "0");
    assert_string_equal(a->bundle[1], "2");
    free(a);
    free(o);
}

static void assert_refused(const char *text, int code, const char *needle)
{
    struct sdp *o = parse_ok(text);
    struct sdp *a = new_sdp();
    struct sdp_local l;
    local_init(&l, SDP_DIR_RECVONLY);
    char err[256];
    assert_int_equal(sdp_answer(o, &l, a, err, sizeof err), code);
    if (!strstr(err, needle))
        fail_msg("message \"%s\" does not name \"%s\"", err, needle);
    free(a);
    free(o);
}

static void test_answer_refusals(void **state)
{
    (void)state;
    const char *f = "chromium-offer-audio-video.sdp";
    struct {
        const char *drop, *from, *to, *needle;
    } cases[] = {
        {"a=group:BUNDLE", NULL, NULL, "a=group:BUNDLE"},
        {"a=rtcp-mux", NULL, NULL, "a=rtcp-mux"},
        {"a=fingerprint", NULL, NULL, "a=fingerprint"},
        {"a=ice-", NULL, NULL, "a=ice-ufrag"},
        {"a=mid:1", "a=group:BUNDLE", "a=group:BUNDLE 0", "a=mid"},
        {NULL, "a=setup:", "a=setup:holdconn", "holdconn"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = edit_fixture(f, cases[i].drop, cases[i].from, cases[i].to);
        assert_refused(text, SDP_ERR_UNSUPPORTED, cases[i].needle);
        free(text);
    }
    // One bundled section without rtcp-mux: the message names its mid.
    assert_refused(HEAD "a=group:BUNDLE 0 v\r\n" AUDIO_SECTION
                        "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:v\r\na=ice-ufrag:abcd\r\n"
                        "a=ice-pwd:abcdefghijklmnopqrstuv\r\na=fingerprint:sha-256 " FP "\r\n"
                        "a=rtpmap:96 VP8/90000\r\n",
                   SDP_ERR_UNSUPPORTED, "mid v: no a=rtcp-mux");
    // Outside the BUNDLE group, the same section is rejected instead.
    struct sdp *o = parse_ok(AUDIO_OFFER "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:v\r\n"
                                         "a=rtpmap:96 VP8/90000\r\n");
    struct sdp *a = new_sdp();
    struct sdp_local l;
    char err[128];
    local_init(&l, SDP_DIR_RECVONLY);
    assert_int_equal(sdp_answer(o, &l, a, err, sizeof err), 0);
    assert_int_equal(a->media[1].port, 0);
    free(o);

    o = parse_ok(AUDIO_OFFER);
    strcpy(l.ufrag, "bad:ufrag");
    assert_int_equal(sdp_answer(o, &l, a, err, sizeof err), SDP_ERR_ARG);
    assert_non_null(strstr(err, "ufrag"));
    local_init(&l, SDP_DIR_RECVONLY);
    l.n_hosts = 0;
    assert_int_equal(sdp_answer(o, &l, a, err, sizeof err), SDP_ERR_ARG);
    local_init(&l, SDP_DIR_RECVONLY);
    strcpy(l.fingerprint, "AB:C");
    assert_int_equal(sdp_answer(o, &l, a, err, sizeof err), SDP_ERR_ARG);
    local_init(&l, SDP_DIR_UNSET);
    assert_int_equal(sdp_answer(o, &l, a, NULL, 0), SDP_ERR_ARG);
    local_init(&l, SDP_DIR_RECVONLY);
    assert_int_equal(sdp_answer(o, &l, a, err, sizeof err), 0);
    free(a);
    free(o);
}

// ---- writing ----

static void test_round_trips(void **state)
{
    (void)state;
    for (size_t f = 0; f < N_FIXTURES; f++) {
        size_t len;
        char *text = read_fixture(fixtures[f].file, &len);
        struct sdp *s = parse_ok(text);
        assert_round_trip(s);
        // \n line ends parse the same as \r\n.
        char *lf = malloc(len + 1);
        size_t n = 0;
        for (size_t i = 0; i < len; i++)
            if (text[i] != '\r')
                lf[n++] = text[i];
        lf[n] = '\0';
        struct sdp *t = parse_ok(lf);
        assert_sdp_equal(s, t);
        free(t);
        free(lf);
        free(s);
        free(text);
    }
}

// The subscriber offer voxd sends, built field by field, is voxd-offer.sdp byte for byte (the
// offer Chromium answered in chromium-answer.sdp).
static void test_write_subscriber_offer(void **state)
{
    (void)state;
    struct sdp *s = new_sdp();
    s->sess_id = 4611731400430051336ull;
    s->sess_version = 2;
    s->ice_lite = true;
    s->has_bundle = true;
    s->n_bundle = 2;
    strcpy(s->bundle[0], "0");
    strcpy(s->bundle[1], "1");
    s->has_msid_semantic = true;
    strcpy(s->msid_semantic, "WMS");
    strcpy(s->msid_semantic_ids, "*");
    s->n_media = 2;
    for (unsigned i = 0; i < 2; i++) {
        struct sdp_media *m = &s->media[i];
        m->kind = i ? SDP_KIND_VIDEO : SDP_KIND_AUDIO; // media left empty: named by kind
        m->port = 9;
        strcpy(m->proto, "UDP/TLS/RTP/SAVPF");
        m->is_rtp = true;
        strcpy(m->mid, i ? "1" : "0");
        strcpy(m->ice.ufrag, "vox8Kq2f");
        strcpy(m->ice.pwd, "Zt5qHcY0bW3nR8mLp1xV7sAe");
        m->has_fingerprint = true;
        strcpy(m->fingerprint.algo, "sha-256");
        strcpy(m->fingerprint.value, FP);
        m->setup = SDP_SETUP_ACTPASS;
        m->dir = SDP_DIR_SENDONLY;
        m->rtcp_mux = m->rtcp_rsize = true;
        m->n_msids = 1;
        strcpy(m->msids[0].stream, "p-alice");
        strcpy(m->msids[0].track, i ? "v-alice-cam" : "a-alice-mic");
        m->n_candidates = 1;
        struct sdp_candidate *c = &m->candidates[0];
        strcpy(c->foundation, "1");
        c->component = 1;
        strcpy(c->transport, "udp");
        c->priority = 2130706431u;
        strcpy(c->addr, "127.0.0.1");
        c->port = 40000;
        strcpy(c->type, "host");
        m->end_of_candidates = true;
        m->n_extmaps = 3;
        m->extmaps[0] = (struct sdp_extmap){.id = i ? 2 : 1, .uri = ""};
        strcpy(m->extmaps[0].uri, i ? EXT_AST : EXT_LEVEL);
        m->extmaps[1].id = 3;
        strcpy(m->extmaps[1].uri, EXT_TWCC);
        m->extmaps[2].id = 4;
        strcpy(m->extmaps[2].uri, EXT_MID);
    }
    struct sdp_media *a = &s->media[0], *v = &s->media[1];
    a->n_codecs = 1;
    a->codecs[0] = (struct sdp_codec){
        .pt = 111, .has_rtpmap = true, .clock = 48000, .channels = 2, .has_fmtp = true};
    strcpy(a->codecs[0].name, "opus");
    strcpy(a->codecs[0].fmtp, "minptime=10;useinbandfec=1");
    a->n_rtcp_fb = 1;
    a->rtcp_fb[0].pt = 111;
    strcpy(a->rtcp_fb[0].type, "transport-cc");
    a->n_ssrcs = 1;
    a->ssrcs[0].ssrc = 1001;
    strcpy(a->ssrcs[0].cname, "vox");
    strcpy(a->ssrcs[0].msid_stream, "p-alice");
    strcpy(a->ssrcs[0].msid_track, "a-alice-mic");

    v->n_codecs = 2;
    v->codecs[0] = (struct sdp_codec){.pt = 96, .has_rtpmap = true, .clock = 90000};
    strcpy(v->codecs[0].name, "VP8");
    v->codecs[1] =
        (struct sdp_codec){.pt = 97, .has_rtpmap = true, .clock = 90000, .has_fmtp = true};
    strcpy(v->codecs[1].name, "rtx");
    strcpy(v->codecs[1].fmtp, "apt=96");
    static const char *const fb[5][2] = {
        {"goog-remb", ""}, {"transport-cc", ""}, {"ccm", "fir"}, {"nack", ""}, {"nack", "pli"}};
    v->n_rtcp_fb = 5;
    for (unsigned i = 0; i < 5; i++) {
        v->rtcp_fb[i].pt = 96;
        strcpy(v->rtcp_fb[i].type, fb[i][0]);
        strcpy(v->rtcp_fb[i].subtype, fb[i][1]);
    }
    v->n_ssrc_groups = 1;
    strcpy(v->ssrc_groups[0].semantics, "FID");
    v->ssrc_groups[0].n_ssrcs = 2;
    v->ssrc_groups[0].ssrcs[0] = 2001;
    v->ssrc_groups[0].ssrcs[1] = 2002;
    v->n_ssrcs = 2;
    for (unsigned i = 0; i < 2; i++) {
        v->ssrcs[i].ssrc = 2001 + i;
        strcpy(v->ssrcs[i].cname, "vox");
        strcpy(v->ssrcs[i].msid_stream, "p-alice");
        strcpy(v->ssrcs[i].msid_track, "v-alice-cam");
    }

    sbuf out;
    sbuf_init(&out);
    assert_int_equal(sdp_write(s, &out), 0);
    size_t len;
    char *want = read_fixture("voxd-offer.sdp", &len);
    assert_int_equal(out.len, len);
    assert_string_equal(out.data, want);
    free(want);
    sbuf_fini(&out);
    free(s);
}

// Sets a string field zero-filled, as sdp_parse leaves it, so round trips compare equal.
#define SET(field, value) (memset((field), 0, sizeof(field)), strcpy((field), (value)))

static void assert_write_refused(struct sdp *s)
{
    sbuf out;
    sbuf_init(&out);
    assert_int_equal(sdp_write(s, &out), SDP_ERR_ARG);
    sbuf_fini(&out);
}

static void test_write_refuses_bad_fields(void **state)
{
    (void)state;
    struct sdp *s = parse_ok(AUDIO_OFFER "a=msid:stream track\r\n");
    struct sdp_media *m = &s->media[0];
    SET(m->mid, "0\r\na=injected");
    assert_write_refused(s);
    SET(m->mid, "0 1");
    assert_write_refused(s);
    SET(m->mid, "0");
    SET(m->msids[0].track, "two words");
    assert_write_refused(s);
    SET(m->msids[0].track, "track");
    SET(m->ice.ufrag, "a:b");
    assert_write_refused(s);
    SET(m->ice.ufrag, "abcd");
    m->ice.pwd[0] = '\0';
    assert_write_refused(s); // ufrag without pwd
    SET(m->ice.pwd, "abcdefghijklmnopqrstuv");
    memset(m->codecs[0].name, 'x', sizeof m->codecs[0].name); // no NUL inside the field
    assert_write_refused(s);
    SET(m->codecs[0].name, "opus");
    m->n_codecs = 0;
    assert_write_refused(s);
    m->n_codecs = 1;
    s->n_media = SDP_MAX_MEDIA + 1;
    assert_write_refused(s);
    s->n_media = 1;
    m->dir = (enum sdp_dir)9;
    assert_write_refused(s);
    m->dir = SDP_DIR_SENDONLY;
    assert_round_trip(s);
    free(s);
}

// ---- malformed input ----

static const struct bad {
    const char *text;
    int code;
    const char *needle;
} bad_inputs[] = {
    {"", SDP_ERR_SYNTAX, "empty"},
    {"o=- 1 1 IN IP4 127.0.0.1\r\n", SDP_ERR_SYNTAX, "v=0"},
    {"v=1\r\n", SDP_ERR_SYNTAX, "v=0"},
    {"v=0\r\n", SDP_ERR_SYNTAX, "no o= line"},
    {"v=0\r\nv=0\r\n", SDP_ERR_SYNTAX, "second v="},
    {"v=0\r\no 1\r\n", SDP_ERR_SYNTAX, "line 2"},
    {"v=0\r\n=x\r\n", SDP_ERR_SYNTAX, "<letter>="},
    {"v=0\r\nA=x\r\n", SDP_ERR_SYNTAX, "<letter>="},
    {"v=0\r\nx=1\r\n", SDP_ERR_SYNTAX, "unknown line type"},
    {"v=0\r\n\r\no=- 1 1 IN IP4 1.2.3.4\r\n", SDP_ERR_SYNTAX, "empty line"},
    {"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=a\rb\r\n", SDP_ERR_SYNTAX, "control character"},
    {"v=0\r\no=- 1\r\n", SDP_ERR_SYNTAX, "o=: expected"},
    {"v=0\r\no=- x 1 IN IP4 1.2.3.4\r\n", SDP_ERR_SYNTAX, "session id"},
    {"v=0\r\no=- 18446744073709551616 1 IN IP4 1.2.3.4\r\n", SDP_ERR_SYNTAX, "session id"},
    {"v=0\r\no=- 1 1 XX IP4 1.2.3.4\r\n", SDP_ERR_SYNTAX, "IN"},
    {HEAD "o=- 1 1 IN IP4 1.2.3.4\r\n", SDP_ERR_SYNTAX, "once"},
    {HEAD "m=audio 9\r\n", SDP_ERR_SYNTAX, "m=: expected"},
    {HEAD "m=audio 9 RTP/AVP\r\n", SDP_ERR_SYNTAX, "m=: expected"},
    {HEAD "m=audio 70000 RTP/AVP 0\r\n", SDP_ERR_SYNTAX, "port"},
    {HEAD "m=audio -1 RTP/AVP 0\r\n", SDP_ERR_SYNTAX, "port"},
    {HEAD "m=audio 9/0 RTP/AVP 0\r\n", SDP_ERR_SYNTAX, "port"},
    {HEAD "m=audio 9 RTP/AVP 128\r\n", SDP_ERR_SYNTAX, "payload type 128"},
    {HEAD "m=audio 9 RTP/AVP 0 x\r\n", SDP_ERR_SYNTAX, "payload type x"},
    {HEAD "m=audio 9 RTP/AVP 0 0\r\n", SDP_ERR_SYNTAX, "listed twice"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n", SDP_ERR_SYNTAX, "a=rtpmap: expected"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/x\r\n", SDP_ERR_SYNTAX, "clock rate"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/0\r\n", SDP_ERR_SYNTAX, "clock rate"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000/0\r\n", SDP_ERR_SYNTAX, "channels"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=rtpmap:x PCMU/8000\r\n", SDP_ERR_SYNTAX, "payload type"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 A/1\r\na=rtpmap:0 B/1\r\n", SDP_ERR_SYNTAX,
     "mapped twice"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=rtpmap:\r\n", SDP_ERR_SYNTAX, "needs a value"},
    {HEAD "m=video 9 RTP/AVP 97\r\na=fmtp:97 apt=abc\r\n", SDP_ERR_SYNTAX, "apt is not"},
    {HEAD "m=video 9 RTP/AVP 97\r\na=fmtp:97 apt=200\r\n", SDP_ERR_SYNTAX, "apt is not"},
    {HEAD "m=video 9 RTP/AVP 97\r\na=fmtp:97 profile-level-id=42e01\r\n", SDP_ERR_SYNTAX,
     "6 hex digits"},
    {HEAD "m=video 9 RTP/AVP 97\r\na=fmtp:97 packetization-mode=3\r\n", SDP_ERR_SYNTAX,
     "packetization-mode"},
    {HEAD "m=video 9 RTP/AVP 97\r\na=fmtp:97 a=1\r\na=fmtp:97 b=1\r\n", SDP_ERR_SYNTAX, "two"},
    {HEAD "m=video 9 RTP/AVP 97\r\na=rtcp-fb:97\r\n", SDP_ERR_SYNTAX, "a=rtcp-fb: expected"},
    {HEAD "a=fingerprint:sha-256 AB:CD:E\r\n", SDP_ERR_SYNTAX, "hex pairs"},
    {HEAD "a=fingerprint:sha-256\r\n", SDP_ERR_SYNTAX, "a=fingerprint: expected"},
    {HEAD "a=fingerprint:sha-256 AB\r\na=fingerprint:sha-1 AB\r\n", SDP_ERR_SYNTAX,
     "more than one"},
    {HEAD "a=setup:both\r\n", SDP_ERR_SYNTAX, "a=setup: not"},
    {HEAD "a=sendonly\r\na=recvonly\r\n", SDP_ERR_SYNTAX, "second direction"},
    {HEAD "a=ice-ufrag:ab:cd\r\n", SDP_ERR_SYNTAX, "ice-chars"},
    {HEAD "a=ice-ufrag:abcd\r\n", SDP_ERR_SYNTAX, "go together"},
    {HEAD "a=ice-ufrag:abcd\r\na=ice-ufrag:abcd\r\n", SDP_ERR_SYNTAX, "twice"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=extmap:0 urn:x\r\n", SDP_ERR_SYNTAX, "id is not"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=extmap:256 urn:x\r\n", SDP_ERR_SYNTAX, "id is not"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=extmap:1/both urn:x\r\n", SDP_ERR_SYNTAX, "direction"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=extmap:1 urn:x\r\na=extmap:1 urn:y\r\n", SDP_ERR_SYNTAX,
     "used twice"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=extmap:1\r\n", SDP_ERR_SYNTAX, "a=extmap: expected"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=ssrc:x cname:a\r\n", SDP_ERR_SYNTAX, "ssrc is not"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=ssrc:4294967296 cname:a\r\n", SDP_ERR_SYNTAX, "ssrc is not"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=ssrc:1 cname:\r\n", SDP_ERR_SYNTAX, "empty cname"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=ssrc:1 cname:a\r\na=ssrc:1 cname:b\r\n", SDP_ERR_SYNTAX,
     "two cnames"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=ssrc-group:FID\r\n", SDP_ERR_SYNTAX, "without ssrcs"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=msid:a b c\r\n", SDP_ERR_SYNTAX, "a=msid: expected"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=mid:0\r\na=mid:1\r\n", SDP_ERR_SYNTAX, "twice"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=mid:0\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\n", SDP_ERR_SYNTAX,
     "share mid 0"},
    {HEAD "a=group:BUNDLE 0 1\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\n", SDP_ERR_SYNTAX,
     "names mid 1"},
    {HEAD "a=group:BUNDLE 0 0\r\n", SDP_ERR_SYNTAX, "listed twice"},
    {HEAD "a=group:BUNDLE 0\r\na=group:BUNDLE 1\r\n", SDP_ERR_SYNTAX, "more than one BUNDLE"},
    {HEAD "m=video 9 RTP/AVP 96\r\na=rid:q both\r\n", SDP_ERR_SYNTAX, "send|recv"},
    {HEAD "m=video 9 RTP/AVP 96\r\na=rid:q~ send\r\n", SDP_ERR_SYNTAX, "rid"},
    {HEAD "m=video 9 RTP/AVP 96\r\na=simulcast:send\r\n", SDP_ERR_SYNTAX, "a=simulcast"},
    {HEAD "m=video 9 RTP/AVP 96\r\na=simulcast:sideways q\r\n", SDP_ERR_SYNTAX, "a=simulcast"},
    {HEAD "m=video 9 RTP/AVP 96\r\na=simulcast:send ~\r\n", SDP_ERR_SYNTAX, "rid"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp 1 1.2.3.4 5\r\n", SDP_ERR_SYNTAX,
     "a=candidate: expected"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp 1 1.2.3.4 5 type host\r\n", SDP_ERR_SYNTAX,
     "a=candidate: expected"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=candidate:1 0 udp 1 1.2.3.4 5 typ host\r\n", SDP_ERR_SYNTAX,
     "component"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp 1 1.2.3.4 65536 typ host\r\n", SDP_ERR_SYNTAX,
     "port"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp x 1.2.3.4 5 typ host\r\n", SDP_ERR_SYNTAX,
     "priority"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp 1 1.2.3.4 5 typ host raddr\r\n",
     SDP_ERR_SYNTAX, "without a value"},
    {HEAD "m=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp 1 1.2.3.4 5 typ srflx rport 9x\r\n",
     SDP_ERR_SYNTAX, "rport"},
    {HEAD "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=sctp-port:x\r\n", SDP_ERR_SYNTAX,
     "port number"},
    {HEAD "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=max-message-size:-1\r\n",
     SDP_ERR_SYNTAX, "number"},
    {HEAD "m=application 9 DTLS/SCTP 5000\r\na=sctpmap:5000\r\n", SDP_ERR_SYNTAX, "a=sctpmap"},
    {HEAD "a=:x\r\n", SDP_ERR_SYNTAX, "without a name"},
    {HEAD "a=msid-semantic:\r\n", SDP_ERR_SYNTAX, "needs a value"},
};

static void test_malformed(void **state)
{
    (void)state;
    struct sdp *s = new_sdp();
    for (size_t i = 0; i < sizeof bad_inputs / sizeof bad_inputs[0]; i++) {
        const struct bad *b = &bad_inputs[i];
        char err[256];
        int rc = parse_text(s, b->text, err, sizeof err);
        if (rc != b->code || !strstr(err, b->needle))
            fail_msg("input %zu: rc %d (want %d), message \"%s\" lacks \"%s\"", i, rc, b->code, err,
                     b->needle);
    }
    static const char nul[] = "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=a\0b\r\n";
    char err[256];
    assert_int_equal(sdp_parse(s, nul, sizeof nul - 1, err, sizeof err), SDP_ERR_SYNTAX);
    assert_non_null(strstr(err, "line 3: control character 0x00 at column 4"));
    // No error buffer is fine; a tiny one is cut, never overrun.
    assert_int_equal(sdp_parse(s, "x", 1, NULL, 0), SDP_ERR_SYNTAX);
    char tiny[8];
    memset(tiny, 'z', sizeof tiny);
    assert_int_equal(sdp_parse(s, "x", 1, tiny, 5), SDP_ERR_SYNTAX);
    assert_int_equal(strlen(tiny), 4);
    assert_int_equal(tiny[5], 'z');
    free(s);
}

// Every prefix of a real offer parses or fails with a message: never anything else.
static void test_truncated(void **state)
{
    (void)state;
    size_t len;
    char *text = read_fixture("chromium-offer-gathered.sdp", &len);
    struct sdp *s = new_sdp();
    unsigned ok = 0;
    for (size_t n = 0; n < len; n++) {
        char err[256];
        char *copy = malloc(n ? n : 1); // exact size, so ASan sees an overread
        memcpy(copy, text, n);
        int rc = sdp_parse(s, copy, n, err, sizeof err);
        free(copy);
        if (rc == 0)
            ok++;
        else
            assert_true(err[0] != '\0');
    }
    assert_true(ok > 0 && ok < len);
    free(s);
    free(text);
}

// Appends lines first..last made from tmpl, each '#' in it replaced by the line's number.
static void add_lines(sbuf *b, unsigned first, unsigned last, const char *tmpl)
{
    for (unsigned i = first; i <= last; i++)
        for (const char *t = tmpl; *t; t++) {
            if (*t == '#')
                sbuf_printf(b, "%u", i);
            else
                sbuf_append(b, t, 1);
        }
}

static void assert_limit(const char *text, const char *needle)
{
    struct sdp *s = new_sdp();
    char err[256];
    int rc = parse_text(s, text, err, sizeof err);
    if (rc != SDP_ERR_LIMIT || !strstr(err, needle))
        fail_msg("rc %d, message \"%s\" lacks \"%s\"", rc, err, needle);
    free(s);
}

static void test_limits(void **state)
{
    (void)state;
    static const struct {
        const char *prefix, *line;
        unsigned ok, needle_idx;
    } cases[] = {
        {"", "m=audio 9 RTP/AVP 0\r\na=mid:##\r\n", SDP_MAX_MEDIA, 0},
        {"m=audio 9 RTP/AVP 0\r\n", "a=extmap:# urn:x#\r\n", SDP_MAX_EXTMAPS, 1},
        {"m=audio 9 RTP/AVP 0\r\n", "a=ssrc:## cname:x\r\n", SDP_MAX_SSRCS, 2},
        {"m=audio 9 RTP/AVP 0\r\n", "a=rtcp-fb:0 nack##\r\n", SDP_MAX_RTCP_FB, 3},
        {"m=audio 9 RTP/AVP 0\r\n", "a=candidate:# 1 udp 1# 1.2.3.4 5 typ host\r\n",
         SDP_MAX_CANDIDATES, 4},
        {"m=audio 9 RTP/AVP 0\r\n", "a=msid:s# t#\r\n", SDP_MAX_MSIDS, 5},
        {"m=audio 9 RTP/AVP 0\r\n", "a=ssrc-group:FID ##\r\n", SDP_MAX_SSRC_GROUPS, 6},
        {"m=audio 9 RTP/AVP 0\r\n", "a=rid:r## send\r\n", SDP_MAX_RIDS, 7},
    };
    static const char *const needles[] = {"more than 32 m= sections",   "a=extmap: more than 16",
                                          "a=ssrc: more than 32",       "a=rtcp-fb: more than 128",
                                          "a=candidate: more than 16",  "a=msid: more than 4",
                                          "a=ssrc-group: more than 16", "a=rid: more than 8"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sbuf b;
        sbuf_init(&b);
        sbuf_puts(&b, HEAD);
        sbuf_puts(&b, cases[i].prefix);
        add_lines(&b, 1, cases[i].ok, cases[i].line);
        struct sdp *s = parse_ok(b.data); // exactly at the limit: fine
        assert_round_trip(s);
        free(s);
        add_lines(&b, cases[i].ok + 1, cases[i].ok + 1, cases[i].line);
        assert_limit(b.data, needles[cases[i].needle_idx]);
        sbuf_fini(&b);
    }

    sbuf b;
    sbuf_init(&b);
    sbuf_puts(&b, HEAD "m=video 9 RTP/AVP");
    for (unsigned i = 0; i < SDP_MAX_CODECS + 1; i++)
        sbuf_printf(&b, " %u", i);
    sbuf_puts(&b, "\r\n");
    assert_limit(b.data, "more than 64 payload types");
    sbuf_reset(&b);

    // A line of exactly SDP_MAX_LINE bytes is fine, one more is not.
    sbuf_puts(&b, HEAD "s=");
    for (unsigned i = 2; i < SDP_MAX_LINE; i++)
        sbuf_puts(&b, "x");
    free(parse_ok(b.data));
    sbuf_puts(&b, "x\r\n");
    assert_limit(b.data, "longer than 1024 bytes");
    sbuf_reset(&b);

    // The whole description: 64 KiB.
    sbuf_puts(&b, HEAD);
    while (b.len <= SDP_MAX_LEN)
        sbuf_puts(&b, "a=x-filler\r\n");
    assert_limit(b.data, "longer than 65536 bytes");
    sbuf_reset(&b);

    // Field sizes: a 257-byte ufrag, a 65-byte mid, 9 ssrcs in a group.
    sbuf_puts(&b, HEAD "a=ice-ufrag:");
    for (unsigned i = 0; i < 257; i++)
        sbuf_puts(&b, "u");
    sbuf_puts(&b, "\r\n");
    assert_limit(b.data, "ufrag longer than 256 bytes");
    sbuf_reset(&b);
    sbuf_puts(&b, HEAD "m=audio 9 RTP/AVP 0\r\na=mid:");
    for (unsigned i = 0; i < 65; i++)
        sbuf_puts(&b, "m");
    sbuf_puts(&b, "\r\n");
    assert_limit(b.data, "mid longer than 64 bytes");
    sbuf_reset(&b);
    sbuf_puts(&b, HEAD "m=audio 9 RTP/AVP 0\r\na=ssrc-group:SIM 1 2 3 4 5 6 7 8 9\r\n");
    assert_limit(b.data, "more than 8 ssrcs in a group");
    sbuf_fini(&b);
}

// Section values override the session's; absent ones fall back to it.
static void test_session_level_fallback(void **state)
{
    (void)state;
    struct sdp *s =
        parse_ok(HEAD "a=ice-ufrag:sess\r\na=ice-pwd:sessionpasswordsession\r\n"
                      "a=ice-options:trickle renomination unknown\r\n"
                      "a=fingerprint:sha-256 " FP "\r\na=setup:actpass\r\na=recvonly\r\n"
                      "m=audio 9 RTP/AVP 0\r\na=mid:a\r\n"
                      "m=audio 9 RTP/AVP 0\r\na=mid:b\r\na=ice-ufrag:sect\r\n"
                      "a=ice-pwd:sectionpasswordsection\r\na=fingerprint:sha-1 AB:CD\r\n"
                      "a=setup:passive\r\na=inactive\r\na=bundle-only\r\n"
                      "m=audio 9 RTP/AVP 0\n"); // \n only, and no final line end
    const struct sdp_media *a = &s->media[0], *b = &s->media[1];
    assert_int_equal(s->n_media, 3);
    assert_int_equal(s->ice_options, SDP_ICE_OPT_TRICKLE | SDP_ICE_OPT_RENOMINATION);
    assert_string_equal(sdp_media_ice(s, a)->ufrag, "sess");
    assert_string_equal(sdp_media_ice(s, b)->ufrag, "sect");
    assert_string_equal(sdp_media_ice(s, b)->pwd, "sectionpasswordsection");
    assert_string_equal(sdp_media_fingerprint(s, a)->algo, "sha-256");
    assert_string_equal(sdp_media_fingerprint(s, b)->value, "AB:CD");
    assert_int_equal(sdp_media_setup(s, a), SDP_SETUP_ACTPASS);
    assert_int_equal(sdp_media_setup(s, b), SDP_SETUP_PASSIVE);
    assert_int_equal(sdp_media_dir(s, a), SDP_DIR_RECVONLY);
    assert_int_equal(sdp_media_dir(s, b), SDP_DIR_INACTIVE);
    assert_true(b->bundle_only);
    assert_false(sdp_is_bundled(s, "a"));
    assert_null(sdp_media_codec(a, 8));
    assert_round_trip(s);
    free(s);
    s = parse_ok(HEAD "m=audio 9 RTP/AVP 0\r\n");
    assert_int_equal(sdp_media_dir(s, &s->media[0]), SDP_DIR_SENDRECV);
    assert_null(sdp_media_fingerprint(s, &s->media[0]));
    assert_string_equal(sdp_media_ice(s, &s->media[0])->ufrag, "");
    free(s);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(sdp_err_name(SDP_OK), "ok");
    assert_string_equal(sdp_err_name(SDP_ERR_SYNTAX), "syntax");
    assert_string_equal(sdp_err_name(SDP_ERR_LIMIT), "limit");
    assert_string_equal(sdp_err_name(SDP_ERR_UNSUPPORTED), "unsupported");
    assert_string_equal(sdp_err_name(SDP_ERR_ARG), "arg");
    assert_string_equal(sdp_err_name(-SDP_ERR_COUNT), "unknown");
    assert_string_equal(sdp_err_name(1), "unknown");
    assert_string_equal(sdp_dir_name(SDP_DIR_RECVONLY), "recvonly");
    assert_string_equal(sdp_dir_name(SDP_DIR_UNSET), "");
    assert_string_equal(sdp_setup_name(SDP_SETUP_PASSIVE), "passive");
    assert_string_equal(sdp_setup_name((enum sdp_setup)99), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures_parse),
        cmocka_unit_test(test_offer_contents),
        cmocka_unit_test(test_gathered_candidates),
        cmocka_unit_test(test_simulcast_and_datachannel),
        cmocka_unit_test(test_chromium_answer),
        cmocka_unit_test(test_answer_publishers),
        cmocka_unit_test(test_answer_datachannel),
        cmocka_unit_test(test_answer_directions_and_setup),
        cmocka_unit_test(test_answer_selection),
        cmocka_unit_test(test_answer_refusals),
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_write_subscriber_offer),
        cmocka_unit_test(test_write_refuses_bad_fields),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_session_level_fallback),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
