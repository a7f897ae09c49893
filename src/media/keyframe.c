// SPDX-License-Identifier: MIT
// Keyframe recognition from the payload formats' first bytes.
#include "media/keyframe.h"

#include <strings.h>

enum keyframe_codec keyframe_codec_of(const char *name)
{
    if (!strcasecmp(name, "VP8"))
        return KEYFRAME_VP8;
    if (!strcasecmp(name, "VP9"))
        return KEYFRAME_VP9;
    if (!strcasecmp(name, "H264"))
        return KEYFRAME_H264;
    return KEYFRAME_UNKNOWN;
}

// VP8 payload descriptor (RFC 7741 section 4.2):
//
//   X R N S R PID     X: extensions follow; S: start of a partition; PID: partition index
//   I L T K RSV       (when X) I: PictureID, L: TL0PICIDX, T/K: TID/KEYIDX byte
//   M PictureID       (when I) M: 15-bit PictureID (a second byte)
//   TL0PICIDX         (when L)
//   TID Y KEYIDX      (when T or K)
//
// then, at the start of partition 0, the VP8 frame header whose first bit P is 0 for a
// keyframe (RFC 6386 section 9.1).
static bool vp8_key(const uint8_t *p, size_t len)
{
    if (len < 1)
        return false;
    size_t off = 1;
    bool start = p[0] & 0x10, pid0 = (p[0] & 0x07) == 0;
    if (p[0] & 0x80) {
        if (len < 2)
            return false;
        uint8_t x = p[1];
        off = 2;
        if (x & 0x80) { // PictureID
            if (len <= off)
                return false;
            off += (p[off] & 0x80) ? 2 : 1;
        }
        if (x & 0x40)
            off++; // TL0PICIDX
        if (x & 0x30)
            off++; // TID/Y/KEYIDX
    }
    return start && pid0 && off < len && (p[off] & 0x01) == 0;
}

// VP9 payload descriptor (RFC 9628 section 4.2): I P L F B E V Z; P (inter-picture predicted)
// is 0 and B (start of a frame) is 1 on the first packet of a keyframe.
static bool vp9_key(const uint8_t *p, size_t len)
{
    return len >= 1 && !(p[0] & 0x40) && (p[0] & 0x08);
}

static bool h264_nal_key(uint8_t type)
{
    return type == 5 || type == 7; // IDR slice, sequence parameter set
}

// H.264 (RFC 6184 section 5.2): a single NAL unit (types 1-23), STAP-A (24: NAL units with
// 16-bit sizes) or FU-A (28: FU header S bit, then the fragmented NAL's type).
static bool h264_key(const uint8_t *p, size_t len)
{
    if (len < 1)
        return false;
    uint8_t type = p[0] & 0x1f;
    if (type >= 1 && type <= 23)
        return h264_nal_key(type);
    if (type == 24) {
        for (size_t off = 1; off + 3 <= len;) {
            size_t n = (size_t)p[off] << 8 | p[off + 1];
            if (n == 0 || off + 2 + n > len)
                return false;
            if (h264_nal_key(p[off + 2] & 0x1f))
                return true;
            off += 2 + n;
        }
        return false;
    }
    if (type == 28)
        return len >= 2 && (p[1] & 0x80) && h264_nal_key(p[1] & 0x1f);
    return false;
}

bool keyframe_starts(enum keyframe_codec codec, const uint8_t *payload, size_t len)
{
    switch (codec) {
    case KEYFRAME_VP8:
        return vp8_key(payload, len);
    case KEYFRAME_VP9:
        return vp9_key(payload, len);
    case KEYFRAME_H264:
        return h264_key(payload, len);
    default:
        return true;
    }
}
