// SPDX-License-Identifier: MIT
// SDP for the SFU: a bounds-checked parser into fixed-size storage (RFC 8866; ICE RFC 8839,
// DTLS-SRTP RFC 8842, BUNDLE RFC 9143, msid RFC 8830, simulcast RFC 8853), the writer of what
// voxd sends, and the answer voxd gives a publisher's offer (JSEP, RFC 8829 §5.3).
// Pure functions: no globals, no allocation except the writer's sbuf growth.
#ifndef VOX_RTC_SDP_H
#define VOX_RTC_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/sbuf.h"

// Limits. A description beyond one fails sdp_parse with SDP_ERR_LIMIT and a message naming
// it. Chromium 156's largest offer (2 audio + 2 video recvonly) has 34 payload types and 77
// a=rtcp-fb lines in a video section and is 12 KB long; with simulcast, 13 a=extmap lines.
#define SDP_MAX_LEN         65536 // bytes of a whole description
#define SDP_MAX_LINE        1024  // bytes of one line, without its line end
#define SDP_MAX_MEDIA       32    // m= sections (a subscriber of a 16-person meeting gets 30)
#define SDP_MAX_CODECS      64    // payload types on one m= line
#define SDP_MAX_RTCP_FB     128   // a=rtcp-fb lines per section
#define SDP_MAX_EXTMAPS     16    // a=extmap lines per section
#define SDP_MAX_SSRCS       32    // distinct SSRCs in a=ssrc lines per section
#define SDP_MAX_SSRC_GROUPS 16    // a=ssrc-group lines per section
#define SDP_MAX_GROUP_SSRCS 8     // SSRCs in one a=ssrc-group
#define SDP_MAX_MSIDS       4     // a=msid lines per section
#define SDP_MAX_RIDS        8     // a=rid lines per section, and rids per a=simulcast direction
#define SDP_MAX_CANDIDATES  16    // a=candidate lines per section

// String sizes, counting the NUL: a longer value fails with SDP_ERR_LIMIT.
#define SDP_ID_MAX    65  // mid, msid ids, cname, rid, candidate foundation, origin username
#define SDP_NAME_MAX  33  // media, proto, formats, codec name
#define SDP_TOKEN_MAX 17  // rtcp-fb type, group semantics, hash, candidate transport and type
#define SDP_ICE_MAX   257 // ice-ufrag and ice-pwd: up to 256 ice-chars (RFC 8839 §5.4)
#define SDP_FP_MAX    192 // fingerprint value: 64 hex pairs with colons (sha-512)
#define SDP_URI_MAX   129 // extmap URI
#define SDP_FMTP_MAX  161 // a=fmtp parameters as written
#define SDP_ADDR_MAX  65  // candidate address: IPv4, IPv6 or an mDNS name
#define SDP_PARAM_MAX 129 // a=rid restrictions as written

#define SDP_PT_ANY (-1) // a=rtcp-fb:* applies to every payload type

// Results. Every code is negative so voxd can count refusals by -code (see sdp_err_name).
enum sdp_err {
    SDP_OK = 0,
    SDP_ERR_SYNTAX = -1,      // malformed text, bad number, unknown line type, bad reference
    SDP_ERR_LIMIT = -2,       // a limit above, or the description is longer than SDP_MAX_LEN
    SDP_ERR_UNSUPPORTED = -3, // sdp_answer: the offer lacks what voxd requires
    SDP_ERR_ARG = -4,         // sdp_write/sdp_answer: a field is empty, too long or holds CR/LF
};
#define SDP_ERR_COUNT 5

enum sdp_kind {
    SDP_KIND_AUDIO,
    SDP_KIND_VIDEO,
    SDP_KIND_APPLICATION,
    SDP_KIND_OTHER, // m=text, m=message, ...: parsed, always rejected by sdp_answer
};

// SDP_DIR_UNSET (zero) means no direction attribute at that level: sendrecv applies (RFC 8866
// §6.7), so a zeroed section writes none.
enum sdp_dir {
    SDP_DIR_UNSET = 0,
    SDP_DIR_SENDRECV,
    SDP_DIR_SENDONLY,
    SDP_DIR_RECVONLY,
    SDP_DIR_INACTIVE,
};

enum sdp_setup {
    SDP_SETUP_UNSET = 0,
    SDP_SETUP_ACTPASS,
    SDP_SETUP_ACTIVE,
    SDP_SETUP_PASSIVE,
    SDP_SETUP_HOLDCONN,
};

// a=ice-options tokens voxd knows; others are ignored (RFC 8839 §5.6).
#define SDP_ICE_OPT_TRICKLE      0x1u
#define SDP_ICE_OPT_ICE2         0x2u
#define SDP_ICE_OPT_RENOMINATION 0x4u

// ICE credentials of one level; empty strings when absent.
struct sdp_ice {
    char ufrag[SDP_ICE_MAX];
    char pwd[SDP_ICE_MAX];
};

// a=fingerprint: the hash as written ("sha-256") and its colon-separated hex pairs.
struct sdp_fingerprint {
    char algo[SDP_TOKEN_MAX];
    char value[SDP_FP_MAX];
};

// One payload type of an m= line with its a=rtpmap and a=fmtp. The int32 fields come from
// the fmtp parameters and are -1 when absent; profile_level_id is the 24-bit hex value.
struct sdp_codec {
    uint8_t pt;
    bool has_rtpmap;
    char name[SDP_NAME_MAX]; // as written: "opus", "VP8", "H264", "rtx"
    uint32_t clock;
    uint8_t channels; // 0 when the rtpmap gives none
    bool has_fmtp;
    char fmtp[SDP_FMTP_MAX];
    int32_t apt; // RTX: the payload type it repairs
    int32_t useinbandfec, usedtx, minptime;
    int32_t packetization_mode, profile_level_id; // H.264
    int32_t profile_id;                           // VP9
};

struct sdp_rtcp_fb {
    int16_t pt;                  // or SDP_PT_ANY
    char type[SDP_TOKEN_MAX];    // "nack", "ccm", "goog-remb", "transport-cc"
    char subtype[SDP_TOKEN_MAX]; // "pli", "fir", or empty
};

struct sdp_extmap {
    uint16_t id;      // 1..14 one-byte, up to 255 two-byte (RFC 8285)
    enum sdp_dir dir; // SDP_DIR_UNSET unless given as extmap:<id>/<dir>
    char uri[SDP_URI_MAX];
};

// What the a=ssrc lines say about one SSRC; empty strings for attributes not given.
struct sdp_ssrc {
    uint32_t ssrc;
    char cname[SDP_ID_MAX];
    char msid_stream[SDP_ID_MAX];
    char msid_track[SDP_ID_MAX];
};

struct sdp_ssrc_group {
    char semantics[SDP_TOKEN_MAX]; // "FID" (RTX), "SIM", "FEC-FR"
    uint8_t n_ssrcs;
    uint32_t ssrcs[SDP_MAX_GROUP_SSRCS];
};

struct sdp_msid {
    char stream[SDP_ID_MAX]; // "-" for a track in no stream
    char track[SDP_ID_MAX];  // empty when not given
};

struct sdp_rid {
    char id[SDP_ID_MAX];
    bool send; // "send", else "recv"
    char params[SDP_PARAM_MAX];
};

// One rid of a=simulcast. Alternatives of one stream ("a,b") follow its first rid with alt.
struct sdp_simulcast_rid {
    char id[SDP_ID_MAX];
    bool paused; // written "~id"
    bool alt;
};

struct sdp_candidate {
    char foundation[SDP_ID_MAX];
    uint16_t component;
    char transport[SDP_TOKEN_MAX]; // "udp", "tcp" (as written)
    uint32_t priority;
    char addr[SDP_ADDR_MAX];
    uint16_t port;
    char type[SDP_TOKEN_MAX]; // "host", "srflx", "prflx", "relay"
    char raddr[SDP_ADDR_MAX];
    uint16_t rport;
    char tcptype[SDP_TOKEN_MAX];
};

// One m= section. Attributes absent from it leave zero/empty fields; for ICE, fingerprint,
// setup and direction the session level then applies (see the sdp_media_* accessors).
struct sdp_media {
    enum sdp_kind kind;
    char media[SDP_NAME_MAX]; // as written: "audio", "video", "application"
    uint16_t port;            // 0: rejected, unless bundle_only
    char proto[SDP_NAME_MAX]; // "UDP/TLS/RTP/SAVPF", "UDP/DTLS/SCTP"
    bool is_rtp;              // proto has "RTP/": the formats are payload types
    char fmt[SDP_NAME_MAX];   // non-RTP formats as written ("webrtc-datachannel")
    uint8_t n_codecs;
    struct sdp_codec codecs[SDP_MAX_CODECS]; // one per payload type, in m= line order
    char mid[SDP_ID_MAX];
    enum sdp_dir dir;
    struct sdp_ice ice;
    unsigned ice_options; // SDP_ICE_OPT_* bits
    bool has_fingerprint;
    struct sdp_fingerprint fingerprint;
    enum sdp_setup setup;
    bool rtcp_mux, rtcp_rsize, bundle_only, end_of_candidates;
    uint8_t n_rtcp_fb, n_extmaps, n_ssrcs, n_ssrc_groups, n_msids, n_rids, n_candidates;
    struct sdp_rtcp_fb rtcp_fb[SDP_MAX_RTCP_FB]; // only those of listed payload types or *
    struct sdp_extmap extmaps[SDP_MAX_EXTMAPS];
    struct sdp_ssrc ssrcs[SDP_MAX_SSRCS]; // in order of first mention
    struct sdp_ssrc_group ssrc_groups[SDP_MAX_SSRC_GROUPS];
    struct sdp_msid msids[SDP_MAX_MSIDS];
    struct sdp_rid rids[SDP_MAX_RIDS];
    bool has_simulcast;
    uint8_t n_sim_send, n_sim_recv;
    struct sdp_simulcast_rid sim_send[SDP_MAX_RIDS], sim_recv[SDP_MAX_RIDS];
    struct sdp_candidate candidates[SDP_MAX_CANDIDATES];
    uint16_t sctp_port;        // a=sctp-port, 0 when absent
    uint32_t max_message_size; // a=max-message-size, 0 when absent
    uint16_t sctpmap_port;     // legacy a=sctpmap:<port> <protocol> <streams>
    char sctpmap_proto[SDP_NAME_MAX];
    uint32_t sctpmap_streams;
};

// A whole description, about 1.2 MB: allocate it on the heap. sdp_parse fills it; callers
// building one for sdp_write zero it first (zero means absent everywhere: no attribute, no
// direction, no setup).
struct sdp {
    char origin_user[SDP_ID_MAX];
    uint64_t sess_id, sess_version;
    bool ice_lite, extmap_allow_mixed;
    struct sdp_ice ice;
    unsigned ice_options;
    bool has_fingerprint;
    struct sdp_fingerprint fingerprint;
    enum sdp_setup setup;
    enum sdp_dir dir;
    bool has_bundle; // a=group:BUNDLE seen (it may list no mid)
    uint8_t n_bundle;
    char bundle[SDP_MAX_MEDIA][SDP_ID_MAX]; // its mids, in order; each names a section
    bool has_msid_semantic;
    char msid_semantic[SDP_TOKEN_MAX];    // "WMS"
    char msid_semantic_ids[SDP_MAX_LINE]; // the rest of that line, as written
    uint8_t n_media;
    struct sdp_media media[SDP_MAX_MEDIA];
};

// Short stable name of an sdp_err code ("syntax", "limit", ...), for metric labels.
const char *sdp_err_name(int err);

// Parses text[0..len) (need not be NUL-terminated) into *out, whose session part and each
// section it fills are zeroed first (sections past n_media are left as they were), and
// unspecified on error. Lines end in \r\n or \n; the first must be v=0 and an o= line must
// follow. Unknown attributes are skipped, unknown line types refused (RFC 8866 §5), and so
// are a second value of a single-valued attribute in one scope (mid, setup, direction,
// ice-ufrag, ice-pwd, fingerprint), a second BUNDLE group, and control characters. rtpmap,
// fmtp and rtcp-fb lines of payload types not on the m= line are ignored. Also checked: mids
// are unique and every BUNDLE mid names a section; ice-ufrag and ice-pwd come together.
// rtcp-fb lines are kept "*" first, then in m= line order, as sdp_write writes them, so that
// write -> parse gives back an equal struct. Returns 0 or a negative sdp_err, with a message
// naming the line in err[0..errcap) (err may be NULL when errcap is 0).
int sdp_parse(struct sdp *out, const char *text, size_t len, char *err, size_t errcap);

// Appends s as SDP text with \r\n line ends to out: the session lines, then per section m=,
// c=, a=rtcp, ICE, fingerprint, setup, mid, extmaps, direction, msid, rtcp-mux/rsize, codecs
// (rtpmap, rtcp-fb, fmtp), rid/simulcast, ssrc-group and ssrc, sctp, candidates. The origin
// is written as "IN IP4 127.0.0.1"; a section with an empty media name is named by its kind.
// Zero or empty fields write nothing. Returns 0, or SDP_ERR_ARG (out then holds a partial text)
// when a count exceeds its limit, a required string is empty, or a string holds a control
// character, so a caller's value cannot inject lines.
int sdp_write(const struct sdp *s, sbuf *out);

// Effective values of section m of s: its own, else the session level's.
// ICE credentials (both empty when neither level has them):
const struct sdp_ice *sdp_media_ice(const struct sdp *s, const struct sdp_media *m);
// The fingerprint, or NULL when neither level has one:
const struct sdp_fingerprint *sdp_media_fingerprint(const struct sdp *s, const struct sdp_media *m);
enum sdp_setup sdp_media_setup(const struct sdp *s, const struct sdp_media *m);
// Never SDP_DIR_UNSET: with no attribute at either level, SDP_DIR_SENDRECV.
enum sdp_dir sdp_media_dir(const struct sdp *s, const struct sdp_media *m);
// The codec of payload type pt in m, or NULL.
const struct sdp_codec *sdp_media_codec(const struct sdp_media *m, int pt);
// Whether mid is in s's BUNDLE group.
bool sdp_is_bundled(const struct sdp *s, const char *mid);

// ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.4): whether s is one or more of them.
bool sdp_is_ice_chars(const char *s);
// Whether s is hex pairs joined by colons, as a=fingerprint values are (RFC 8122 §5).
bool sdp_is_fingerprint(const char *s);

const char *sdp_dir_name(enum sdp_dir d);     // "sendrecv", ...; "" for SDP_DIR_UNSET
const char *sdp_setup_name(enum sdp_setup s); // "actpass", ...; "" for SDP_SETUP_UNSET

// A host candidate voxd gathers: one media worker's UDP port on an announced address.
struct sdp_host {
    char ip[SDP_ADDR_MAX];
    uint16_t port;
};

// What sdp_answer puts in an answer besides what it takes from the offer.
struct sdp_local {
    char ufrag[SDP_ICE_MAX], pwd[SDP_ICE_MAX];
    char fingerprint_algo[SDP_TOKEN_MAX]; // "sha-256"
    char fingerprint[SDP_FP_MAX];         // of voxd's DTLS certificate
    uint8_t n_hosts;                      // 1..SDP_MAX_CANDIDATES
    struct sdp_host hosts[SDP_MAX_CANDIDATES];
    // The most voxd does on this connection, limiting the mirrored direction:
    // SDP_DIR_RECVONLY for a publisher connection (offer sendrecv or sendonly -> recvonly).
    enum sdp_dir dir;
    bool accept_data;          // answer an m=application data channel (else port 0)
    uint32_t max_message_size; // for an accepted data channel; 0 means 262144
    uint64_t sess_id, sess_version;
};

// Builds in *answer (session part and each section zeroed as it is made) voxd's answer to a
// publisher's offer. Per section, the offer's mid; codecs in voxd's preference: audio Opus/48000/2
// only (fmtp minptime, useinbandfec=1 and usedtx=1 kept where offered), video VP8, then H.264
// packetization-mode 1 (profile-level-id 42e01f first), then VP9 profile 0, each with its RTX
// payload type; their rtcp-fb among nack, nack pli, ccm fir, goog-remb, transport-cc; the extmaps
// for mid, ssrc-audio-level, abs-send-time and transport-wide-cc with the offer's ids; the
// direction mirrored and limited by local->dir; setup passive (active if the offer is passive);
// local's ICE, fingerprint and host candidates; a BUNDLE group of the accepted mids in the offer's
// order. Sections with no common codec, outside the offer's BUNDLE group, already rejected,
// of another kind, or data channels without local->accept_data are rejected (port 0, mid
// only). The answer has no ssrc or msid lines: voxd's tracks go out in its own offers.
// Returns 0; SDP_ERR_UNSUPPORTED naming what is missing when the offer has no BUNDLE group,
// or a section to accept lacks a mid, rtcp-mux (RTP), a fingerprint or ICE credentials, or
// has setup holdconn; SDP_ERR_ARG when local is incomplete. The message goes to err.
int sdp_answer(const struct sdp *offer, const struct sdp_local *local, struct sdp *answer,
               char *err, size_t errcap);

#endif
