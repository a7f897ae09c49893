// SPDX-License-Identifier: MIT
// The descriptions a synthetic participant sends, built as struct sdp and written by
// sdp_write (src/rtc/sdp.h): a publisher's sendonly offer and the answer to voxd's subscriber
// offer; and what vox-bench reads back from voxd's descriptions (its ICE credentials,
// fingerprint and host candidate).
#ifndef VOX_BENCH_SDPGEN_H
#define VOX_BENCH_SDPGEN_H

#include <stddef.h>
#include <stdint.h>

#include "core/sbuf.h"
#include "mpeer.h"
#include "rtc/sdp.h"

#define SDPGEN_AUDIO_PT    111
#define SDPGEN_VIDEO_PT    96
#define SDPGEN_LEVEL_EXTID 1 // ssrc-audio-level in our offers

// Our side of a connection.
struct sdpgen_local {
    const char *ufrag, *pwd;
    const char *fingerprint; // dtls_cert_fingerprint(): "AB:CD:..."
    int port;                // our UDP port, for the host candidate
    const char *cname;       // a=ssrc cname and the msid stream id
};

// Appends a sendonly offer to out: mid 0 audio (Opus/48000/2 pt 111, minptime=10;
// useinbandfec=1, ssrc-audio-level as extmap 1, a=ssrc audio_ssrc with cname and msid) and,
// when video_ssrc is not 0, mid 1 video (VP8/90000 pt 96 with nack, nack pli and ccm fir);
// setup actpass, rtcp-mux, BUNDLE. 0 or a negative sdp_err.
int sdpgen_publish(const struct sdpgen_local *l, uint32_t audio_ssrc, uint32_t video_ssrc,
                   sbuf *out);

// Appends the answer to voxd's subscriber offer: every section with its mid and codecs,
// recvonly where voxd sends (inactive where it does not), setup active (voxd is the DTLS
// server), our ICE credentials and fingerprint, all accepted mids bundled.
int sdpgen_answer(const struct sdp *offer, const struct sdpgen_local *l, sbuf *out);

// Reads voxd's ICE ufrag/pwd, fingerprint and first IPv4 UDP candidate into *r; 0, or -1
// with err naming what is missing.
int sdpgen_remote(const struct sdp *s, struct mpeer_remote *r, char *err, size_t errcap);

#endif
