// SPDX-License-Identifier: MIT
// Speaking detection from audio levels (RFC 6464 ssrc-audio-level, as media workers average
// them over an interval): a track starts speaking as soon as an interval is loud enough, and
// stops only after several quiet intervals in a row, so the gaps between words do not make
// the active-speaker list flicker. Pure; one small state per audio track.
#ifndef VOX_MEDIA_SPEAKING_H
#define VOX_MEDIA_SPEAKING_H

#include <stdbool.h>
#include <stdint.h>

#define SPEAKING_LEVEL   50 // -dBov: an interval at least this loud is speech
#define SPEAKING_RELEASE 3  // quiet intervals before speaking stops

struct speaking {
    bool on;
    uint8_t quiet; // quiet intervals in a row
    uint8_t level; // the last interval's level (-dBov, 0 loudest, 127 silence)
};

// Accounts one interval's average level; a muted (withheld) track counts as silent. Returns
// true when s->on changed.
bool speaking_update(struct speaking *s, uint8_t level, bool muted);

#endif
