// SPDX-License-Identifier: MIT
// Whether an RTP payload starts a video keyframe, per codec payload format: VP8 (RFC 7741),
// VP9 (RFC 9628), H.264 (RFC 6184: an IDR slice or SPS, alone, in STAP-A or starting an
// FU-A). A subscriber that starts (or whose source changed) is sent a video track only from
// a keyframe on, so its decoder never sees a delta frame it has no reference for. Pure.
#ifndef VOX_MEDIA_KEYFRAME_H
#define VOX_MEDIA_KEYFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum keyframe_codec { KEYFRAME_VP8, KEYFRAME_VP9, KEYFRAME_H264, KEYFRAME_UNKNOWN };

// The codec of a payload format name ("VP8", "VP9", "H264", case-insensitive).
enum keyframe_codec keyframe_codec_of(const char *name);
// True when payload[0..len) is the first packet of a keyframe. Unknown codecs answer true
// (nothing is held back that cannot be recognised).
bool keyframe_starts(enum keyframe_codec codec, const uint8_t *payload, size_t len);

#endif
