// SPDX-License-Identifier: MIT
// The media plane's control-side interface: a pool of media workers (one thread, libuv loop
// and UDP port each) that carry rooms' WebRTC peers, and the calls the signaling layer makes
// to open peers, publish tracks and route them to subscribers. Every call here runs on the
// control loop and only posts a message to the room's worker: nothing blocks, nothing is
// shared. What workers report (a peer connected or lost, audio levels, network stats) comes
// back as sfu_events callbacks on the control loop.
//
// Policy stays on the control side: which tracks a participant receives (auto-subscribe,
// grants, hidden participants, server mute, deafen, roles) is decided by the caller and told
// to the worker as explicit down tracks and flags, so the forwarding path only follows them.
#ifndef VOX_SFU_SFU_H
#define VOX_SFU_SFU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define SFU_ID_MAX     40 // peer and track ids, NUL included
#define SFU_UFRAG_LEN  8
#define SFU_PWD_LEN    24
#define SFU_MAX_TRACKS 8 // published by one peer

struct sfu_config {
    int workers;             // media worker threads, at least 1
    const char *bind_ip;     // where the UDP ports listen ("127.0.0.1", "0.0.0.0")
    int port;                // worker i listens on port + i; 0: the kernel picks each port
    const char *announce_ip; // the address written in candidates (NAT 1:1); bind_ip if NULL
};

// A peer publishes (the browser offers), subscribes (voxd offers), or is a server-side media
// endpoint with no transport at all. SFU_ECHO is the first such endpoint: it subscribes to
// tracks like a subscriber and publishes what it receives as its own tracks, for a pre-call
// device test (its participant hears and sees itself through voxd).
// SFU_ENDPOINT is the general one (sfu_endpoint_open): a module of voxd that receives the
// plain RTP of what is routed to it and publishes frames of its own.
enum sfu_peer_kind { SFU_PUBLISHER, SFU_SUBSCRIBER, SFU_ECHO, SFU_ENDPOINT };
enum sfu_kind { SFU_AUDIO, SFU_VIDEO };

enum sfu_peer_state {
    SFU_PEER_CONNECTED,    // ICE and DTLS done: media flows
    SFU_PEER_DISCONNECTED, // consent lost (no checks for 30 s) or DTLS closed by the peer
    SFU_PEER_FAILED,       // DTLS failed (wrong fingerprint, bad handshake)
};

// What a worker reports about a peer's network, every few seconds while it is connected.
struct sfu_peer_stats {
    double rtt_ms, jitter_ms, loss; // loss: fraction 0..1 over the last interval
    uint64_t rx_bytes, tx_bytes;
    double rx_kbps, tx_kbps;
};

// One audio track's level over the last interval: level in -dBov (0 loudest, 127 silence) as
// the ssrc-audio-level extension carries it, and whether voice was detected.
struct sfu_level {
    char track_id[SFU_ID_MAX];
    uint8_t level;
    bool voice;
};

#define SFU_LEVEL_INTERVAL_MS 200 // workers report audio levels averaged over this

struct sfu_events {
    void (*peer_state)(void *user, const char *peer_id, enum sfu_peer_state state,
                       const char *reason);
    void (*levels)(void *user, const char *room_id, const struct sfu_level *levels, size_t n);
    void (*stats)(void *user, const char *peer_id, const struct sfu_peer_stats *stats);
};

// Where and how a new peer is reached, for its SDP.
struct sfu_peer_info {
    char peer_id[SFU_ID_MAX];
    char ufrag[SFU_UFRAG_LEN + 1], pwd[SFU_PWD_LEN + 1];
    char ip[64]; // announce address
    int port;    // its worker's UDP port
};

// A published track as the worker forwards it.
struct sfu_track_desc {
    char track_id[SFU_ID_MAX];
    char peer_id[SFU_ID_MAX]; // the publisher's peer
    enum sfu_kind kind;
    uint32_t ssrc, rtx_ssrc; // rtx_ssrc 0 when none
    uint32_t clock_rate;
    uint8_t pt_out[128];     // publisher payload type -> the subscribers' payload type; 0: drop
    uint8_t audio_level_ext; // header extension id of ssrc-audio-level, 0 if not negotiated
    uint8_t primary_pt;      // the publisher's payload type that its RTX packets repair
    uint8_t keyframe_codec;  // enum keyframe_codec (media/keyframe.h) of a video track
};

struct sfu;

// The media plane's counters, summed over workers as of their last report (every 2 s).
struct sfu_counters {
    uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes, tx_dropped;
    uint64_t forwarded, nack_resent;
    uint64_t keyframe_starts, keyframe_timeouts; // video down tracks started on a keyframe / not
    uint64_t peers, rooms;
    // Received datagrams dropped, by reason (sfu_drop_names).
#define SFU_DROP_REASONS 8
    uint64_t dropped[SFU_DROP_REASONS];
};
extern const char *const sfu_drop_names[SFU_DROP_REASONS];
void sfu_counters(const struct sfu *s, struct sfu_counters *out);

// Starts the workers. NULL with err set when a port cannot be bound or a thread started.
struct sfu *sfu_new(uv_loop_t *loop, const struct sfu_config *cfg, const struct sfu_events *ev,
                    void *user, char *err, size_t errcap);
// Stops and joins the workers; every peer is gone after it returns. The control loop must
// run once more afterwards (uv_run) to finish closing the sfu's handle on it.
void sfu_free(struct sfu *s);
// The DTLS certificate's SHA-256 fingerprint, "AB:CD:..." (one certificate per process).
const char *sfu_fingerprint(const struct sfu *s);
// The UDP port of worker i (0 .. workers-1), for tests and the startup log.
int sfu_worker_port(const struct sfu *s, int i);
int sfu_worker_count(const struct sfu *s);

// Opens a peer for participant_id in room_id on the room's worker (the least loaded one at
// the room's first peer) with fresh ICE credentials; fills out. The peer accepts ICE checks
// at once; DTLS starts once its remote fingerprint is known (sfu_peer_remote).
int sfu_peer_open(struct sfu *s, const char *room_id, const char *participant_id,
                  enum sfu_peer_kind kind, struct sfu_peer_info *out);
// The remote side's DTLS fingerprint from its SDP: "sha-256 AB:CD:...".
void sfu_peer_remote(struct sfu *s, const char *room_id, const char *peer_id,
                     const char *fingerprint);
// Closes a peer and everything it published or received.
void sfu_peer_close(struct sfu *s, const char *room_id, const char *peer_id);
// Whether the peer (a subscriber) is sent media at all (false: deafened).
void sfu_peer_receive(struct sfu *s, const char *room_id, const char *peer_id, bool on);

void sfu_track_add(struct sfu *s, const char *room_id, const struct sfu_track_desc *t);
void sfu_track_remove(struct sfu *s, const char *room_id, const char *track_id);
// A withheld track's packets are dropped at the server (server mute, a demoted speaker);
// forwarding resumes without a sequence gap.
void sfu_track_withhold(struct sfu *s, const char *room_id, const char *track_id, bool withheld);

// Sends track_id to the subscriber peer sub_peer as out_ssrc (the SSRC its SDP announces).
void sfu_down_add(struct sfu *s, const char *room_id, const char *sub_peer, const char *track_id,
                  uint32_t out_ssrc);
void sfu_down_remove(struct sfu *s, const char *room_id, const char *sub_peer,
                     const char *track_id);

// ---- server-side media endpoints ----
//
// A module of voxd (recorder, transcriber, voice agent) takes part in a room's media through
// an endpoint: a peer with no ICE, DTLS or SRTP. What is routed to it (sfu_down_add with the
// endpoint's peer id, as for any subscriber) arrives as plain RTP through ops->rtp on the
// control loop, in order per track; it publishes a track with sfu_track_add (peer_id: the
// endpoint's) and then hands over one frame at a time with sfu_endpoint_send, from any
// thread: its worker writes the RTP header (sequence numbers, timestamps, the audio level
// extension) and forwards the packet like a browser's. Received packets a slow control loop
// has not taken yet are bounded (SFU_ENDPOINT_BACKLOG per worker; more are dropped and
// counted in tx_dropped). RTCP for the endpoint's tracks (keyframe requests) is not passed on.

#define SFU_ENDPOINT_BACKLOG 4096 // packets posted to the control loop and not yet handled

// One packet delivered to an endpoint. Valid during the callback only.
struct sfu_rtp_in {
    uint32_t ssrc; // as sfu_down_add's out_ssrc named it
    uint16_t seq;  // rewritten like a subscriber's: continuous across publisher restarts
    uint32_t ts;
    uint8_t pt; // the payload type of the track's codec as subscribers are offered it
    bool marker;
    const uint8_t *payload;
    size_t payload_len;
    const uint8_t *packet; // the whole RTP packet
    size_t len;
};

struct sfu_endpoint_ops {
    void (*rtp)(void *user, const char *peer_id, const struct sfu_rtp_in *p);
};

// What a module needs to send, from any thread: copy it freely. Valid until the endpoint is
// closed (sfu_peer_close) and the sfu freed; sends after the close are dropped by the worker.
struct sfu_endpoint_ref {
    struct sfu *sfu;
    int worker;
    char peer_id[SFU_ID_MAX];
};

// Opens an endpoint for participant_id in room_id (on the control loop); out gets its peer id
// (out->ufrag and pwd are unused) and ref what sfu_endpoint_send needs. ops and user stay
// registered until sfu_peer_close. 0, or -1 when room_id has no worker and none can take it.
int sfu_endpoint_open(struct sfu *s, const char *room_id, const char *participant_id,
                      const struct sfu_endpoint_ops *ops, void *user, struct sfu_peer_info *out,
                      struct sfu_endpoint_ref *ref);

// One frame of a track the endpoint published (the ssrc of its sfu_track_desc, whose
// primary_pt is the payload type its packets carry and pt_out maps as usual): payload is the
// encoded frame (an Opus packet), samples its duration in the track's clock (960 for 20 ms
// of 48 kHz Opus), level its audio level in -dBov (0 loudest, 127 silence; sent in the
// ssrc-audio-level extension when the track has one, with the voice bit when voice is set).
// Thread-safe. 0, or -1 when payload is empty or does not fit a packet.
int sfu_endpoint_send(const struct sfu_endpoint_ref *ref, uint32_t ssrc, const uint8_t *payload,
                      size_t len, uint32_t samples, uint8_t level, bool voice, bool marker);

#endif
