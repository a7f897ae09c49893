// SPDX-License-Identifier: MIT
// A participant as vox.js drives one in an sfu room (_sfuPublish, _sfuOnOffer): join, then
// offer to publish and answer voxd's subscriber offers, each on its own peer connection.
// Most of what voxd sends (participant and track broadcasts, speakers) is not needed here,
// so a message's type is read from its first bytes and only five types are parsed.
#include "part.h"

#include <jansson.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/access_token.h"
#include "bench.h"
#include "core/clock.h"
#include "core/mem.h"
#include "core/sbuf.h"
#include "media/rtcp_report.h"
#include "media/rtp.h"
#include "mpeer.h"
#include "rtc/dtls.h"
#include "rtc/sdp.h"
#include "sdpgen.h"
#include "tone.h"
#include "wsc.h"

#define MS            1000000ull
#define FRAME_NS      (20 * MS) // one Opus frame
#define VIDEO_FPS     30
#define VIDEO_PACKETS 10   // per frame: 300 packets/s
#define VIDEO_PAYLOAD 1040 // bytes: 300 x 1040 x 8 = 2.5 Mbit/s
#define BURST_MAX     10   // frames sent at once after the loop was late
#define RR_EVERY_NS   (1000 * MS)
#define TOKEN_TTL_S   3600
#define PAD_LEN       12 // RTP padding that carries the send time: 8 bytes, magic, count
#define PAD_MAGIC     "vb1"

static const char *msg_type(const char *text, size_t len, char *out, size_t cap)
{
    static const char prefix[] = "{\"type\":\"";
    size_t pl = sizeof prefix - 1;
    out[0] = '\0';
    if (len <= pl || memcmp(text, prefix, pl) != 0)
        return NULL;
    size_t i = 0;
    while (pl + i < len && text[pl + i] != '"' && i + 1 < cap) {
        out[i] = text[pl + i];
        i++;
    }
    out[i] = '\0';
    return out;
}

static void part_fail(struct part *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void part_fail(struct part *p, const char *fmt, ...)
{
    if (p->state == PART_FAILED)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->error, sizeof p->error, fmt, ap);
    va_end(ap);
    p->state = PART_FAILED;
    struct bench *b = p->b;
    if (b->errors_shown++ < BENCH_ERRORS_SHOWN)
        bench_log(b, "participant %d failed: %s", p->index, p->error);
}

static void send_json(struct part *p, json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT);
    if (text && wsc_send(p->ws, text, strlen(text)) != 0)
        part_fail(p, "cannot send on the WebSocket");
    free(text);
    json_decref(j);
}

static uint32_t random_u32(void)
{
    uint32_t v = 0;
    while (v < 2)
        RAND_bytes((uint8_t *)&v, sizeof v);
    return v;
}

// ---- token ----

static int mint(struct part *p, char *err, size_t errcap)
{
    struct bench *b = p->b;
    struct access_token t;
    memset(&t, 0, sizeof t);
    access_token_grants_init(&t.grants);
    snprintf(t.iss, sizeof t.iss, "%s", b->key_id);
    snprintf(t.identity, sizeof t.identity, "%s", p->identity);
    snprintf(t.name, sizeof t.name, "%s", p->identity);
    snprintf(t.room, sizeof t.room, "%s", b->rooms[p->room]);
    snprintf(t.jti, sizeof t.jti, "%08x-%d", b->run_id, p->index);
    int64_t now = clock_now_ms() / 1000;
    t.iat = t.nbf = now;
    t.exp = now + TOKEN_TTL_S;
    // On a stage only speakers publish; the listener scenarios' rooms are stages.
    if (p->publishes && b->f.scenario != SCENARIO_MEETING)
        snprintf(t.grants.role, sizeof t.grants.role, "speaker");
    if (!p->publishes)
        t.grants.publish = false;
    if (access_token_mint(&t, (const uint8_t *)b->secret, strlen(b->secret), &p->token)) {
        snprintf(err, errcap, "cannot mint an access token (check --key-id and --secret)");
        return -1;
    }
    return 0;
}

// ---- media peers ----

static void on_peer_state(void *user, struct mpeer *m, enum mpeer_state st)
{
    struct part *p = user;
    uint64_t now = clock_mono_ns();
    if (st == MPEER_FAILED) {
        part_fail(p, "%s peer: %s", m == p->pub ? "publisher" : "subscriber", mpeer_error(m));
        return;
    }
    if (st != MPEER_CONNECTED)
        return;
    if (m == p->pub) {
        p->t_pub_up = now;
        // Independent clients' 20 ms frames start at unrelated moments: a random phase
        // here, or every publisher of a run would send in the same tick and each tick's
        // fan-out would reach voxd as one burst no real room produces.
        uint32_t phase;
        RAND_bytes((uint8_t *)&phase, sizeof phase);
        p->sending = true;
        p->send_t0 = now - phase % FRAME_NS;
    } else {
        p->t_sub_up = now;
        RAND_bytes((uint8_t *)&p->next_rr, 4);
        p->next_rr = now + p->next_rr % RR_EVERY_NS; // spread the reports over the second
    }
}

static struct part_stream *stream_of(struct part *p, uint32_t ssrc, uint8_t pt, uint64_t now)
{
    for (int i = 0; i < p->nst; i++)
        if (p->st[i].ssrc == ssrc)
            return &p->st[i];
    if (p->nst == PART_MAX_STREAMS)
        return NULL;
    struct part_stream *s = &p->st[p->nst++];
    memset(s, 0, sizeof *s);
    s->ssrc = ssrc;
    s->video = pt != SDPGEN_AUDIO_PT;
    s->clock = s->video ? 90000 : 48000;
    s->first_ns = now;
    seq_tracker_init(&s->tr, 1); // SRTP authenticated it: count from the first packet
    if (p->decode && !s->video)
        s->check = tone_check_new();
    return s;
}

// Send stamps are CLOCK_REALTIME, the clock of the kernel's receive timestamps.
static uint64_t realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

// ns as a stream's RTP clock units, modulo 2^32 (128-bit: realtime ns times 90,000 does not
// fit 64 bits).
static uint32_t clock_units(uint64_t ns, uint32_t clock)
{
    return (uint32_t)((unsigned __int128)ns * clock / 1000000000u);
}

// The send time a vox-bench publisher stamped in the packet's padding, or 0.
static uint64_t stamp_of(const struct rtp_hdr *h, const uint8_t *pkt, size_t len)
{
    if (h->pad_len != PAD_LEN)
        return 0;
    const uint8_t *pad = pkt + len - PAD_LEN;
    if (memcmp(pad + 8, PAD_MAGIC, 3) != 0)
        return 0;
    uint64_t sent = 0;
    for (int i = 0; i < 8; i++)
        sent = sent << 8 | pad[i];
    return sent;
}

static void on_rtp(void *user, struct mpeer *m, uint8_t *pkt, size_t len, uint64_t now,
                   uint64_t kernel_ns)
{
    struct part *p = user;
    struct bench *b = p->b;
    struct rtp_hdr h;
    (void)m;
    if (rtp_parse(&h, pkt, len)) {
        b->bad_rtp++;
        return;
    }
    struct part_stream *s = stream_of(p, h.ssrc, h.pt, now);
    if (!s) {
        b->unknown_ssrc++;
        return;
    }
    // Jitter is RFC 3550's estimator over the transit time from our send stamp to the
    // kernel's receive time: the sender's timer granularity (1 ms) and our own loop's lag
    // stay out of it, and what remains is what voxd and the kernel add. Without the two
    // times it falls back to RTP timestamps and our handling time.
    uint64_t sent = stamp_of(&h, pkt, len), real_now = realtime_ns();
    uint32_t ref = h.ts, arrival = clock_units(now, s->clock);
    if (sent) {
        ref = clock_units(sent, s->clock);
        arrival = clock_units(kernel_ns ? kernel_ns : real_now, s->clock);
    }
    seq_tracker_update(&s->tr, h.seq, ref, arrival);
    if (s->packets++ == 0 && ++p->nst_live >= p->expect && !p->t_all)
        p->t_all = now;
    b->rx_packets++;
    b->rx_bytes += len;
    if (s->video) {
        b->rx_video++;
    } else {
        b->rx_audio++;
        if (!p->t_first_audio)
            p->t_first_audio = now;
        if (s->check)
            tone_check_feed(s->check, h.payload, h.payload_len);
    }
    if (sent && b->in_window) {
        if (kernel_ns && kernel_ns >= sent)
            bench_hist_add(&b->fwd_delay, kernel_ns - sent);
        if (real_now >= sent)
            bench_hist_add(&b->seen_delay, real_now - sent);
    }
}

static void on_rtcp(void *user, struct mpeer *m, uint8_t *pkt, size_t len)
{
    struct part *p = user;
    (void)m, (void)pkt, (void)len;
    p->rtcp_in++; // keyframe requests to publishers: the packets are not real VP8 anyway
}

static const struct mpeer_ops peer_ops = {
    .on_rtp = on_rtp,
    .on_rtcp = on_rtcp,
    .on_state = on_peer_state,
};

static void local_of(const struct part *p, const struct mpeer *m, struct sdpgen_local *l)
{
    l->ufrag = mpeer_ufrag(m);
    l->pwd = mpeer_pwd(m);
    l->fingerprint = p->b->fingerprint;
    l->port = mpeer_port(m);
    l->cname = p->identity;
}

// ---- signaling ----

static void publish(struct part *p)
{
    char err[160];
    if (!p->tone && !(p->tone = tone_new(!p->talks))) {
        part_fail(p, "libopus refused to make an encoder");
        return;
    }
    p->pub = mpeer_new(p->b->loop, p->b->cert, &peer_ops, p, err, sizeof err);
    if (!p->pub) {
        part_fail(p, "%s", err);
        return;
    }
    p->a_ssrc = random_u32();
    p->v_ssrc = p->video ? random_u32() : 0;
    RAND_bytes((uint8_t *)&p->a_seq, 2);
    RAND_bytes((uint8_t *)&p->v_seq, 2);
    RAND_bytes((uint8_t *)&p->a_ts0, 4);
    RAND_bytes((uint8_t *)&p->v_ts0, 4);
    struct sdpgen_local l;
    local_of(p, p->pub, &l);
    sbuf sdp;
    sbuf_init(&sdp);
    if (sdpgen_publish(&l, p->a_ssrc, p->v_ssrc, &sdp)) {
        part_fail(p, "cannot write the publish offer");
        sbuf_fini(&sdp);
        return;
    }
    json_t *tracks = json_pack("[{s:s, s:s}]", "mid", "0", "source", "microphone");
    if (p->video)
        json_array_append_new(tracks, json_pack("{s:s, s:s}", "mid", "1", "source", "camera"));
    send_json(p, json_pack("{s:s, s:s, s:s, s:o}", "type", "publish", "id", "p", "sdp", sdp.data,
                           "tracks", tracks));
    sbuf_fini(&sdp);
}

// Parses voxd's SDP (heap: struct sdp is large) and reads its transport; NULL on failure.
static struct sdp *parse_remote(struct part *p, const char *text, struct mpeer_remote *rem)
{
    struct sdp *s = xcalloc(1, sizeof *s);
    char err[160];
    if (!text || sdp_parse(s, text, strlen(text), err, sizeof err) ||
        sdpgen_remote(s, rem, err, sizeof err)) {
        part_fail(p, "voxd's SDP: %s", text ? err : "missing");
        free(s);
        return NULL;
    }
    return s;
}

static void on_published(struct part *p, json_t *j)
{
    struct mpeer_remote rem;
    struct sdp *s = parse_remote(p, json_string_value(json_object_get(j, "sdp")), &rem);
    if (!s || !p->pub)
        return;
    free(s);
    p->t_published = clock_mono_ns();
    mpeer_start(p->pub, &rem, p->t_published);
}

static void on_subscribe_offer(struct part *p, json_t *j)
{
    struct mpeer_remote rem;
    json_t *ver = json_object_get(j, "version");
    struct sdp *offer = parse_remote(p, json_string_value(json_object_get(j, "sdp")), &rem);
    if (!offer)
        return;
    uint64_t now = clock_mono_ns();
    if (p->sub && strcmp(mpeer_remote_ufrag(p->sub), rem.ufrag) != 0) {
        mpeer_free(p->sub); // voxd opened a new subscriber peer: start over on a new socket
        p->sub = NULL;
    }
    char err[160];
    if (!p->sub && !(p->sub = mpeer_new(p->b->loop, p->b->cert, &peer_ops, p, err, sizeof err))) {
        part_fail(p, "%s", err);
        free(offer);
        return;
    }
    struct sdpgen_local l;
    local_of(p, p->sub, &l);
    sbuf sdp;
    sbuf_init(&sdp);
    int rc = sdpgen_answer(offer, &l, &sdp);
    free(offer);
    if (rc) {
        part_fail(p, "cannot write the subscribe answer");
        sbuf_fini(&sdp);
        return;
    }
    char id[32];
    snprintf(id, sizeof id, "a%lld", (long long)json_integer_value(ver));
    send_json(p, json_pack("{s:s, s:s, s:s, s:I}", "type", "subscribe_answer", "id", id, "sdp",
                           sdp.data, "version", (json_int_t)json_integer_value(ver)));
    sbuf_fini(&sdp);
    if (!p->t_offer)
        p->t_offer = now;
    p->offers++;
    if (mpeer_state(p->sub) == MPEER_IDLE)
        mpeer_start(p->sub, &rem, now);
}

static void on_error_msg(struct part *p, json_t *j)
{
    const char *id = json_string_value(json_object_get(j, "id"));
    json_t *e = json_object_get(j, "error");
    const char *code = json_string_value(json_object_get(e, "code"));
    const char *msg = json_string_value(json_object_get(e, "message"));
    if (id && (strcmp(id, "j") == 0 || strcmp(id, "p") == 0)) {
        part_fail(p, "%s refused: %s: %s", id[0] == 'j' ? "join" : "publish", code ? code : "?",
                  msg ? msg : "");
        return;
    }
    struct bench *b = p->b;
    if (b->errors_shown++ < BENCH_ERRORS_SHOWN)
        bench_log(b, "participant %d: error %s (%s) for %s", p->index, code ? code : "?",
                  msg ? msg : "", id ? id : "no request");
}

static void on_media_state(struct part *p, json_t *j)
{
    const char *state = json_string_value(json_object_get(j, "state"));
    const char *peer = json_string_value(json_object_get(j, "peer"));
    const char *reason = json_string_value(json_object_get(j, "reason"));
    if (state && strcmp(state, "connected") != 0)
        part_fail(p, "voxd says the %s peer is %s (%s)", peer ? peer : "?", state,
                  reason ? reason : "");
}

static void on_ws_message(void *user, const char *text, size_t len)
{
    struct part *p = user;
    char type[40];
    if (!msg_type(text, len, type, sizeof type))
        type[0] = '\0';
    bool wanted = !type[0] || strcmp(type, "joined") == 0 || strcmp(type, "published") == 0 ||
                  strcmp(type, "subscribe_offer") == 0 || strcmp(type, "error") == 0 ||
                  strcmp(type, "media_state") == 0 || strcmp(type, "waiting") == 0;
    if (!wanted || p->state == PART_FAILED)
        return;
    json_t *j = json_loadb(text, len, 0, NULL);
    const char *t = json_string_value(json_object_get(j, "type"));
    if (!t) {
        json_decref(j);
        return;
    }
    if (strcmp(t, "joined") == 0) {
        p->t_joined = clock_mono_ns();
        p->state = PART_JOINED;
        if (p->publishes)
            publish(p);
    } else if (strcmp(t, "waiting") == 0) {
        part_fail(p, "put in a waiting room");
    } else if (strcmp(t, "published") == 0) {
        on_published(p, j);
    } else if (strcmp(t, "subscribe_offer") == 0) {
        on_subscribe_offer(p, j);
    } else if (strcmp(t, "error") == 0) {
        on_error_msg(p, j);
    } else if (strcmp(t, "media_state") == 0) {
        on_media_state(p, j);
    }
    json_decref(j);
}

static void on_ws_open(void *user)
{
    struct part *p = user;
    p->t_open = clock_mono_ns();
    json_t *j = json_pack("{s:s, s:s, s:s}", "type", "join", "id", "j", "name", p->identity);
    if (p->publishes)
        json_object_set_new(j, "media", json_pack("{s:b, s:b}", "audio", 1, "video", p->video));
    p->t_join = clock_mono_ns();
    p->state = PART_JOINING;
    send_json(p, j);
}

static void on_ws_end(void *user, int status, const char *why)
{
    struct part *p = user;
    if (!p->b->closing)
        part_fail(p, "WebSocket ended (%d): %.120s", status, why);
}

static const struct wsc_ops ws_ops = {
    .on_open = on_ws_open,
    .on_message = on_ws_message,
    .on_end = on_ws_end,
};

// ---- lifecycle ----

struct part *part_new(struct bench *b, int index, int room, bool publishes, int expect, char *err,
                      size_t errcap)
{
    struct part *p = xcalloc(1, sizeof *p);
    p->b = b;
    p->index = index;
    p->room = room;
    p->publishes = publishes;
    p->video = publishes && b->f.video;
    p->expect = expect;
    p->rr_ssrc = random_u32();
    snprintf(p->identity, sizeof p->identity, "vb%08x-%s%d", b->run_id, publishes ? "s" : "l",
             index);
    if (mint(p, err, errcap)) {
        free(p);
        return NULL;
    }
    return p;
}

void part_free(struct part *p)
{
    if (!p)
        return;
    wsc_free(p->ws);
    mpeer_free(p->pub);
    mpeer_free(p->sub);
    tone_free(p->tone);
    for (int i = 0; i < p->nst; i++)
        tone_check_free(p->st[i].check);
    free(p->token);
    free(p);
}

void part_start(struct part *p, uint64_t now)
{
    sbuf path;
    sbuf_init(&path);
    sbuf_printf(&path, "/v1/rtc?access_token=%s", p->token);
    p->t_start = now;
    p->state = PART_CONNECTING;
    p->ws = wsc_new(p->b->loop, &p->b->http, path.data, &ws_ops, p);
    if (!p->ws)
        part_fail(p, "cannot open a TCP connection");
    sbuf_fini(&path);
}

static void send_rr(struct part *p)
{
    struct rtcp_rr rr;
    memset(&rr, 0, sizeof rr);
    rr.ssrc = p->rr_ssrc;
    for (int i = 0; i < p->nst && rr.rb_count < RTCP_MAX_RB; i++) {
        struct seq_report r;
        seq_tracker_report(&p->st[i].tr, &r);
        struct rtcp_rb *rb = &rr.rb[rr.rb_count++];
        rb->ssrc = p->st[i].ssrc;
        rb->fraction_lost = r.fraction_lost;
        rb->cumulative_lost = r.cumulative_lost;
        rb->highest_seq = r.ext_highest;
        rb->jitter = r.jitter;
    }
    uint8_t buf[RTCP_HDR_LEN + 4 + RTCP_MAX_RB * RTCP_RB_LEN];
    int n = rtcp_rr_write(buf, sizeof buf, &rr);
    if (n > 0)
        mpeer_send_rtcp(p->sub, buf, (size_t)n);
}

void part_tick(struct part *p, uint64_t now)
{
    if (p->state == PART_NEW)
        return;
    uint64_t limit = (uint64_t)p->b->f.join_timeout * 1000 * MS;
    if (p->state < PART_JOINED && now - p->t_start > limit)
        part_fail(p, "no joined answer within %d s", p->b->f.join_timeout);
    if (p->pub)
        mpeer_tick(p->pub, now);
    if (p->sub) {
        mpeer_tick(p->sub, now);
        if (mpeer_state(p->sub) == MPEER_CONNECTED && now >= p->next_rr) {
            send_rr(p);
            mpeer_flush(p->sub);
            p->next_rr += RR_EVERY_NS;
            if (p->next_rr < now)
                p->next_rr = now + RR_EVERY_NS;
        }
    }
}

// Fills the padding's first 8 bytes with the send time and the next 3 with the magic; the
// last byte is the padding count rtp_write put there.
static void stamp(uint8_t *pkt, size_t len, uint64_t now)
{
    uint8_t *pad = pkt + len - PAD_LEN;
    for (int i = 7; i >= 0; i--, now >>= 8)
        pad[i] = (uint8_t)now;
    memcpy(pad + 8, PAD_MAGIC, 3);
}

static int send_packet(struct part *p, struct rtp_hdr *h)
{
    uint8_t *slot = mpeer_rtp_slot(p->pub);
    if (!slot)
        return -1;
    h->pad_len = PAD_LEN;
    int n = rtp_write(slot, mpeer_rtp_room(p->pub), h);
    if (n < 0)
        return -1;
    stamp(slot, (size_t)n, realtime_ns());
    return mpeer_rtp_commit(p->pub, slot, (size_t)n);
}

static void send_audio(struct part *p, uint64_t frame)
{
    uint8_t opus[400], ext[8];
    int len = tone_next(p->tone, opus, sizeof opus);
    if (len <= 2)
        return; // a DTX frame (or an encoder failure): nothing is sent, time goes on
    // Voice activity, then -dBov (RFC 6464); silence is 127.
    uint8_t level = p->talks ? 0x80 | TONE_LEVEL_DBOV : 127;
    struct rtp_ext_elem e = {.id = SDPGEN_LEVEL_EXTID, .len = 1, .data = &level};
    int ext_len = rtp_ext_write(ext, sizeof ext, RTP_EXT_ONE, &e, 1);
    struct rtp_hdr h = {
        .marker = p->a_sent == 0,
        .pt = SDPGEN_AUDIO_PT,
        .seq = p->a_seq,
        .ts = p->a_ts0 + (uint32_t)(frame * TONE_FRAME),
        .ssrc = p->a_ssrc,
        .has_ext = ext_len > 0,
        .ext_profile = RTP_EXT_ONE,
        .ext = ext,
        .ext_len = ext_len > 0 ? (size_t)ext_len : 0,
        .payload = opus,
        .payload_len = (size_t)len,
    };
    if (send_packet(p, &h) == 0) {
        p->a_seq++;
        p->a_sent++;
    }
}

// One video frame: VIDEO_PACKETS packets of VIDEO_PAYLOAD bytes with a VP8 payload
// descriptor (S bit on the first), the marker on the last, 90 kHz timestamps.
static void send_video(struct part *p, uint64_t frame)
{
    static uint8_t payload[VIDEO_PAYLOAD];
    for (int i = 0; i < VIDEO_PACKETS; i++) {
        payload[0] = i == 0 ? 0x10 : 0x00;
        struct rtp_hdr h = {
            .marker = i == VIDEO_PACKETS - 1,
            .pt = SDPGEN_VIDEO_PT,
            .seq = p->v_seq,
            .ts = p->v_ts0 + (uint32_t)(frame * 90000 / VIDEO_FPS),
            .ssrc = p->v_ssrc,
            .payload = payload,
            .payload_len = sizeof payload,
        };
        if (send_packet(p, &h) == 0) {
            p->v_seq++;
            p->v_sent++;
        }
    }
}

void part_send(struct part *p, uint64_t now)
{
    if (!p->sending || p->state == PART_FAILED)
        return;
    // Frames are due by the clock since sending began. After a stall of the loop at most
    // BURST_MAX go out at once and older ones are skipped (timestamps advance, sequence
    // numbers do not), so a late sender never looks like loss at the receivers.
    uint64_t due = (now - p->send_t0) / FRAME_NS + 1;
    if (due - p->a_frames > BURST_MAX)
        p->a_frames = due - BURST_MAX;
    while (p->a_frames < due)
        send_audio(p, p->a_frames++);
    if (p->video) {
        uint64_t vdue = (now - p->send_t0) * VIDEO_FPS / (1000 * MS) + 1;
        if (vdue - p->v_frames > 3)
            p->v_frames = vdue - 3;
        while (p->v_frames < vdue)
            send_video(p, p->v_frames++);
    }
    mpeer_flush(p->pub);
}

bool part_settled(const struct part *p)
{
    return p->state == PART_FAILED || (p->expect > 0 && p->t_all) || p->expect == 0;
}

void part_mark(struct part *p, bool end)
{
    for (int i = 0; i < p->nst; i++) {
        struct part_stream *s = &p->st[i];
        uint32_t ext = seq_tracker_ext_max(&s->tr);
        if (!end) {
            s->w0_set = s->tr.valid;
            s->w_ext0 = ext;
            s->w_recv0 = s->tr.received;
        } else {
            s->w1_set = s->tr.valid;
            s->w_ext1 = ext;
            s->w_recv1 = s->tr.received;
            s->jitter = (uint32_t)(s->tr.jitter >> 4);
        }
    }
}
