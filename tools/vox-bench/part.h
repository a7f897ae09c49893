// SPDX-License-Identifier: MIT
// One synthetic participant: its access token, its signaling WebSocket (join, publish,
// answers to voxd's subscriber offers), a publisher peer that sends Opus (and video-sized
// packets) when it publishes, a subscriber peer that receives what voxd forwards, and the
// per-stream receive statistics.
#ifndef VOX_BENCH_PART_H
#define VOX_BENCH_PART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "media/seq.h"

#define PART_MAX_STREAMS 32

struct bench;
struct mpeer;
struct tone;
struct tone_check;
struct wsc;

// One SSRC received by a subscriber.
struct part_stream {
    uint32_t ssrc;
    bool video;
    uint32_t clock;
    struct seq_tracker tr;
    uint64_t first_ns, packets;
    // The tracker at either end of the measurement window.
    bool w0_set, w1_set;
    uint32_t w_ext0, w_recv0, w_ext1, w_recv1;
    uint32_t jitter; // RTP clock units, at the end of the window
    struct tone_check *check;
};

enum part_state { PART_NEW, PART_CONNECTING, PART_JOINING, PART_JOINED, PART_FAILED };

struct part {
    struct bench *b;
    int index, room;
    bool publishes, video, decode;
    bool talks; // publishers: the tone, else DTX silence
    int expect; // streams it should receive (other publishers' tracks in its room)
    char identity[48];
    char *token;
    struct wsc *ws;
    enum part_state state;
    char error[192];
    // Times (clock_mono_ns) of each step, 0 until it happens.
    uint64_t t_start, t_open, t_join, t_joined, t_published, t_pub_up;
    uint64_t t_offer, t_sub_up, t_first_audio, t_all;
    struct mpeer *pub, *sub;
    int offers;
    // Publishing.
    struct tone *tone;
    uint32_t a_ssrc, v_ssrc, a_ts0, v_ts0;
    uint16_t a_seq, v_seq;
    uint64_t send_t0, a_frames, v_frames, a_sent, v_sent;
    bool sending;
    // Receiving.
    struct part_stream st[PART_MAX_STREAMS];
    int nst, nst_live; // streams known, streams with a packet
    uint32_t rr_ssrc;
    uint64_t next_rr, rtcp_in;
};

// Makes participant index of room room (its token minted locally from the api key secret).
// NULL with err filled when the token cannot be minted.
struct part *part_new(struct bench *b, int index, int room, bool publishes, int expect, char *err,
                      size_t errcap);
// Closes its socket and peers; memory of libuv handles goes in their close callbacks.
void part_free(struct part *p);
// Opens the WebSocket; join follows when it is upgraded.
void part_start(struct part *p, uint64_t now);
// Every 20 ms: the peers' ICE, DTLS and consent timers, receiver reports, the join deadline.
void part_tick(struct part *p, uint64_t now);
// Every 5 ms, publishers: the Opus frames and video packets due by now.
void part_send(struct part *p, uint64_t now);
// Whether the participant receives every stream it should, or has failed.
bool part_settled(const struct part *p);
// Records each stream's tracker at the start (end false) or end (end true) of the window.
void part_mark(struct part *p, bool end);

#endif
