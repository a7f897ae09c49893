// SPDX-License-Identifier: MIT
// One synthetic WebRTC peer connection toward voxd: its own UDP socket (voxd tells peers
// apart by remote address), the ICE controlling side of a full agent against voxd's ICE-lite
// (binding requests with USE-CANDIDATE until one is answered, then consent checks every 5 s),
// DTLS as the client, and SRTP/SRTCP with the exported keys. Everything on the wire is made
// by src/rtc and src/media; this file only drives them.
#ifndef VOX_BENCH_MPEER_H
#define VOX_BENCH_MPEER_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "rtc/sdp.h"

struct dtls_cert;
struct mpeer;

// What the remote (voxd's) SDP says about the transport.
struct mpeer_remote {
    char ufrag[SDP_ICE_MAX], pwd[SDP_ICE_MAX];
    char fingerprint[SDP_TOKEN_MAX + SDP_FP_MAX + 2]; // "sha-256 AB:CD:..."
    struct sockaddr_in addr;                          // its host candidate
};

enum mpeer_state {
    MPEER_IDLE,      // made, no remote yet
    MPEER_ICE,       // checks being sent
    MPEER_DTLS,      // a check succeeded; handshaking
    MPEER_CONNECTED, // SRTP keys in place: media flows
    MPEER_FAILED,    // ICE or DTLS gave up (mpeer_error says why); terminal
};

struct mpeer_stats {
    uint64_t rx_packets, rx_bytes, tx_packets;
    uint64_t rx_rtp, rx_rtcp, srtp_fail, stun_bad, checks_sent, checks_answered;
    uint64_t t_ice_ns, t_dtls_ns; // when ICE succeeded and DTLS finished (clock_mono_ns), 0 if not
};

struct mpeer_ops {
    // A decrypted RTP packet, pkt[0..len) (writable, valid during the call). now_ns is
    // clock_mono_ns() as it is handled; kernel_ns the CLOCK_REALTIME time the kernel queued
    // it on our socket (SO_TIMESTAMPNS), 0 when unknown. Of datagrams that one read took
    // together the kernel reports the last one's time, so a receiver that fell behind sees
    // its earlier ones as a little later than they were.
    void (*on_rtp)(void *user, struct mpeer *m, uint8_t *pkt, size_t len, uint64_t now_ns,
                   uint64_t kernel_ns);
    // A decrypted RTCP compound packet.
    void (*on_rtcp)(void *user, struct mpeer *m, uint8_t *pkt, size_t len);
    // The state changed (to connected or failed).
    void (*on_state)(void *user, struct mpeer *m, enum mpeer_state st);
};

// Opens a UDP socket on 127.0.0.1 (a free port) with fresh ICE credentials. cert must
// outlive the peer. NULL with err filled when the socket cannot be opened.
struct mpeer *mpeer_new(uv_loop_t *loop, struct dtls_cert *cert, const struct mpeer_ops *ops,
                        void *user, char *err, size_t errcap);
// Closes the socket; the memory goes in its close callback. No callback fires after. NULL ok.
void mpeer_free(struct mpeer *m);

const char *mpeer_ufrag(const struct mpeer *m);
const char *mpeer_pwd(const struct mpeer *m);
int mpeer_port(const struct mpeer *m);
enum mpeer_state mpeer_state(const struct mpeer *m);
const char *mpeer_error(const struct mpeer *m);
const struct mpeer_stats *mpeer_stats(const struct mpeer *m);
// The remote ufrag given to mpeer_start ("" before).
const char *mpeer_remote_ufrag(const struct mpeer *m);

// Starts ICE toward r (copied): the first check goes out now. Only from MPEER_IDLE.
void mpeer_start(struct mpeer *m, const struct mpeer_remote *r, uint64_t now_ns);
// Retransmits checks, runs DTLS timers and consent checks, gives up at deadlines. Call it
// every few tens of milliseconds.
void mpeer_tick(struct mpeer *m, uint64_t now_ns);

// Sending RTP without a copy: write the plain packet into the slot mpeer_rtp_slot() returns
// (at most mpeer_rtp_room() bytes), then mpeer_rtp_commit() protects that slot in place and
// queues it. Both need MPEER_CONNECTED (the slot is NULL otherwise).
uint8_t *mpeer_rtp_slot(struct mpeer *m);
size_t mpeer_rtp_room(const struct mpeer *m);
int mpeer_rtp_commit(struct mpeer *m, uint8_t *slot, size_t len);
// Protects a copy of the RTCP compound pkt and queues it; 0 or -1.
int mpeer_send_rtcp(struct mpeer *m, const uint8_t *pkt, size_t len);
// Hands what is queued to the kernel (sendmmsg).
void mpeer_flush(struct mpeer *m);

#endif
