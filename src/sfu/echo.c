// SPDX-License-Identifier: MIT
// The echo endpoint: a server-side participant that subscribes to one participant's tracks
// and publishes each packet it gets back as a packet of its own track, which the router
// then forwards to that participant like any other track (rewritten, encrypted, with keyframe
// requests and retransmissions). It is the smallest user of the in-process media endpoint
// interface (docs/ARCHITECTURE.md, "Server-side media endpoints"): packets in as plain RTP,
// packets out through router_on_rtp, on the worker's thread, with no ICE, DTLS or SRTP.
//
// Each echoed track is published with the SSRC its down track delivers to the echo, so a
// received packet needs no rewriting to become the echo's own.
#include <string.h>

#include "media/rtcp.h"
#include "sfu/worker_int.h"

void echo_on_rtp(struct peer *p, const uint8_t *pkt, size_t len)
{
    if (len > UDP_MTU)
        return;
    // pkt is the UDP slot the router is filling; the echo's own forwarding takes that same
    // slot again, so the packet is copied out first.
    memcpy(p->local_buf, pkt, len);
    router_on_rtp(p, p->local_buf, len);
}

void echo_on_rtcp(struct peer *p, const uint8_t *pkt, size_t len)
{
    struct rtcp_iter it;
    struct rtcp_hdr h;
    rtcp_iter_init(&it, pkt, len);
    while (rtcp_iter_next(&it, &h) == 1)
        if (h.pt == RTCP_PSFB && h.count == 1 && h.body_len >= 8) { // PLI for an echoed track
            uint32_t media;
            memcpy(&media, h.body + 4, 4);
            router_keyframe_for(p, ntohl(media));
        }
}
