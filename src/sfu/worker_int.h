// SPDX-License-Identifier: MIT
// Inside the media plane: the messages between the control side (sfu.c) and the workers, and
// the objects a worker owns. Owner tree: worker -> rooms -> peers -> (published tracks |
// down tracks); a track's down tracks are borrowed links to subscribers' objects, unlinked
// whenever either side goes. Everything below the message structs belongs to one worker
// thread and is never touched by another.
#ifndef VOX_SFU_WORKER_INT_H
#define VOX_SFU_WORKER_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#include "core/map.h"
#include "media/rewrite.h"
#include "media/seq.h"
#include "net/mailbox.h"
#include "net/udp.h"
#include "sfu/sfu.h"

struct dtls;
struct dtls_cert;
struct rtp_crypto;
struct pktcache;

// ---- messages ----

enum wmsg_type {
    WMSG_PEER_OPEN,
    WMSG_PEER_REMOTE,
    WMSG_PEER_CLOSE,
    WMSG_PEER_RECEIVE,
    WMSG_TRACK_ADD,
    WMSG_TRACK_REMOVE,
    WMSG_TRACK_WITHHOLD,
    WMSG_DOWN_ADD,
    WMSG_DOWN_REMOVE,
    WMSG_STOP,
    WMSG_EP_FRAME, // struct wmsg_frame, not struct wmsg
};

// Control -> worker. Which fields count depends on the type.
struct wmsg {
    struct mailbox_msg h;
    char room_id[SFU_ID_MAX];
    char peer_id[SFU_ID_MAX];  // the peer acted on (the subscriber for DOWN_*)
    char track_id[SFU_ID_MAX]; // TRACK_*, DOWN_*
    char participant_id[SFU_ID_MAX];
    enum sfu_peer_kind kind;
    char ufrag[SFU_UFRAG_LEN + 1], pwd[SFU_PWD_LEN + 1];
    char fingerprint[128];
    struct sfu_track_desc track;
    uint32_t out_ssrc;
    bool flag;
};

// An endpoint's frame to publish (sfu_endpoint_send -> the worker). Small and variable-sized:
// one is posted per frame, from the module's thread.
struct wmsg_frame {
    struct mailbox_msg h;
    char peer_id[SFU_ID_MAX];
    uint32_t ssrc, samples;
    uint8_t level;
    bool voice, marker;
    size_t len;
    uint8_t payload[];
};

enum evmsg_type {
    EVMSG_PEER_STATE,
    EVMSG_LEVELS,
    EVMSG_STATS,
    EVMSG_PEER_GONE,
    EVMSG_COUNTERS,
    EVMSG_EP_RTP, // struct evmsg_rtp, not struct evmsg
};

// A packet for an endpoint (the worker -> the control loop).
struct evmsg_rtp {
    struct mailbox_msg h;
    int worker;
    char peer_id[SFU_ID_MAX];
    size_t len;
    uint8_t pkt[];
};

#define EVMSG_LEVELS_MAX 32

// Worker -> control.
struct evmsg {
    struct mailbox_msg h;
    int worker;
    char room_id[SFU_ID_MAX];
    char peer_id[SFU_ID_MAX];
    enum sfu_peer_state state;
    char reason[96];
    struct sfu_level levels[EVMSG_LEVELS_MAX];
    size_t nlevels;
    struct sfu_peer_stats stats;
    struct sfu_counters counters; // EVMSG_COUNTERS: the worker's totals
};

// ---- worker objects ----

struct worker;
struct sroom;
struct peer;

// One subscriber's copy of a track.
struct downtrack {
    struct track *track;
    struct peer *sub;
    struct rewrite rw;
    uint64_t packets, octets;
    bool need_keyframe;    // video: held back until a keyframe starts (a new subscriber or source)
    int64_t gate_since_ms; // since when (after KEYFRAME_GATE_MS it gives up and forwards)
    uint32_t sr_mid;       // middle NTP bits of the last SR forwarded to the subscriber
    int64_t sr_sent_ms;    // and when: its RR's LSR/DLSR then give the round trip
};

struct track {
    struct sfu_track_desc d;
    struct peer *pub;
    bool withheld;
    struct pktcache *cache; // video only
    struct downtrack **downs;
    size_t ndowns, downs_cap;
    int64_t last_pli_ms; // keyframe requests to the publisher are throttled
    bool pli_wanted;     // a request was throttled: send when allowed
    // Audio level accumulation for the current interval.
    uint32_t level_sum, level_n, voice_n;
    uint64_t packets, octets;
    uint16_t ep_seq; // an endpoint's track: the numbering its worker gives its frames
    uint32_t ep_ts;
    // Reception from the publisher, for its receiver reports and upstream NACKs.
    struct seq_tracker rx;
    uint8_t last_fraction; // of the last report, /256
    uint32_t last_jitter;  // RTP units
    uint64_t sr_ntp;       // the publisher's last SR
    uint32_t sr_rtp;
    int64_t sr_rx_ms; // 0: none yet
};

enum peer_state { PEER_NEW, PEER_DTLS, PEER_CONNECTED, PEER_CLOSED };

#define PEER_EARLY_MAX 4 // DTLS records held until the remote fingerprint is known

struct peer {
    struct worker *w;
    struct sroom *room;
    char id[SFU_ID_MAX];
    char participant_id[SFU_ID_MAX];
    enum sfu_peer_kind kind;
    char ufrag[SFU_UFRAG_LEN + 1], pwd[SFU_PWD_LEN + 1];
    char remote_fp[128];
    enum peer_state state;
    struct sockaddr_storage addr; // the nominated remote address, once a check succeeded
    bool has_addr;
    char addr_key[MAP_KEY_MAX]; // its key in worker.by_addr
    size_t addr_key_len;
    int64_t last_check_ms; // last authenticated STUN request: consent freshness
    struct dtls *dtls;     // freed DTLS_KEEP_MS after the handshake: only SRTP is needed then
    bool dtls_done;        // the handshake finished and its object is gone
    int64_t connected_ms;
    struct rtp_crypto *crypto;
    uint8_t *early[PEER_EARLY_MAX];
    size_t early_len[PEER_EARLY_MAX];
    int nearly;
    bool receive;                         // subscribers: false while deafened
    struct track *tracks[SFU_MAX_TRACKS]; // publishers
    int ntracks;
    struct downtrack **downs; // subscribers
    size_t ndowns, downs_cap;
    struct peer *room_next, *room_prev;
    uint64_t rx_bytes, tx_bytes, last_rx_bytes, last_tx_bytes;
    uint8_t *local_buf; // SFU_ECHO: the packet being turned around (UDP_MTU bytes)
    // Network figures for the stats report: subscribers from their receiver reports,
    // publishers from what voxd receives.
    double rtt_ms, jitter_ms, loss;
    int64_t rr_ms; // last receiver report from this subscriber
};

struct sroom {
    char id[SFU_ID_MAX];
    struct peer *peers;
    map tracks; // track id -> struct track
};

struct worker_stats {
    uint64_t rx_stun, rx_dtls, rx_rtp, rx_rtcp, rx_unknown_peer, rx_garbage;
    uint64_t stun_bad, stun_auth_fail, srtp_fail, srtp_replay, no_track, forwarded, nack_resent;
    uint64_t not_connected; // media before DTLS finished, or after the peer closed
    uint64_t rtx_repaired, nack_sent;
    uint64_t keyframe_gated, keyframe_timeouts; // subscribers started on a keyframe / gave up
};

struct worker {
    struct sfu *sfu;
    int index;
    pthread_t thread;
    uv_loop_t loop;
    struct mailbox *inbox;
    struct mailbox *control; // the control loop's mailbox (borrowed)
    struct udp udp;
    uv_timer_t timer;
    const struct dtls_cert *cert; // shared, read-only
    map rooms;                    // room id -> struct sroom
    map peers;                    // peer id -> struct peer
    map by_ufrag;                 // local ufrag -> struct peer
    map by_addr;                  // remote address -> struct peer
    int64_t now_ms;
    int64_t last_levels_ms, last_stats_ms, last_rr_ms, last_trim_ms;
    int freed_dtls; // DTLS objects freed since the heap was last trimmed
    struct worker_stats stats;
    uint8_t scratch[UDP_MTU]; // a received packet, decrypted in place
    bool stopping;
    atomic_int ep_backlog; // packets posted to endpoints and not yet handled by the control loop
    uint64_t ep_dropped;   // not posted because the backlog was full
};

// Publishers and subscribers are browsers (ICE, DTLS, SRTP); echoes and endpoints are not.
static inline bool peer_has_transport(enum sfu_peer_kind k)
{
    return k == SFU_PUBLISHER || k == SFU_SUBSCRIBER;
}

// worker.c
// Sets up w's loop, inbox, UDP socket on ip:port and timer, then starts its thread; 0, or a
// negative libuv error with nothing left behind.
int worker_start(struct worker *w, const char *ip, int port);
void worker_post_event(struct worker *w, struct evmsg *e);
// The key of a socket address in worker.by_addr.
size_t worker_addr_key(const struct sockaddr *sa, char key[MAP_KEY_MAX]);

// peer.c: the transport (ICE-lite, DTLS, SRTP) of one peer.
struct peer *peer_new(struct worker *w, struct sroom *room, const struct wmsg *m);
void peer_free(struct peer *p); // unlinks from the room and the worker's maps
void peer_set_remote(struct peer *p, const char *fingerprint);
void peer_on_stun(struct worker *w, const uint8_t *buf, size_t len, const struct sockaddr *from);
void peer_on_datagram(struct peer *p, const uint8_t *buf, size_t len);
// Protects and sends an RTP packet already written to a UDP slot; len is its plain length.
void peer_send_rtp_slot(struct peer *p, uint8_t *slot, size_t len);
// Protects and sends an RTCP packet (copied).
void peer_send_rtcp(struct peer *p, const uint8_t *pkt, size_t len);
void peer_tick(struct peer *p); // consent freshness, DTLS timers

// router.c: tracks and forwarding.
struct sroom *router_room(struct worker *w, const char *room_id, bool create);
void router_room_maybe_free(struct worker *w, struct sroom *r);
void router_track_add(struct worker *w, struct sroom *r, const struct sfu_track_desc *d);
void router_track_remove(struct worker *w, struct sroom *r, const char *track_id);
void router_track_withhold(struct sroom *r, const char *track_id, bool withheld);
void router_down_add(struct worker *w, struct sroom *r, struct peer *sub, const char *track_id,
                     uint32_t out_ssrc);
void router_down_remove(struct sroom *r, struct peer *sub, const char *track_id);
// A peer is going: drops its tracks (and their down tracks elsewhere) and its down tracks.
void router_peer_gone(struct worker *w, struct peer *p);
// Decrypted media from a connected peer.
void router_on_rtp(struct peer *p, uint8_t *pkt, size_t len);
void router_on_rtcp(struct peer *p, uint8_t *pkt, size_t len);
// A subscriber is connected: ask for keyframes of its video.
void router_peer_connected(struct peer *p);
// A keyframe request for what sub receives as out_ssrc, passed on to that track's publisher.
void router_keyframe_for(struct peer *sub, uint32_t out_ssrc);

// echo.c: the echo endpoint (SFU_ECHO), a peer with no transport.
// What the router would send to the echo peer comes back in as the echo's own packet.
void echo_on_rtp(struct peer *p, const uint8_t *pkt, size_t len);
// Feedback for the echo's tracks (a keyframe request) goes to the tracks it echoes.
void echo_on_rtcp(struct peer *p, const uint8_t *pkt, size_t len);
void router_tick(struct worker *w); // throttled PLIs, levels

// endpoint.c: SFU_ENDPOINT peers, whose media goes to and comes from a module of voxd.
// What the router sends the endpoint is posted to the control loop (bounded).
void endpoint_on_rtp(struct peer *p, const uint8_t *pkt, size_t len);
// A frame the module sent: written as an RTP packet of the endpoint's track and forwarded.
void endpoint_on_frame(struct worker *w, const struct wmsg_frame *f);

#endif
