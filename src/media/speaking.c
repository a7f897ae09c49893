// SPDX-License-Identifier: MIT
// Attack at once, release after SPEAKING_RELEASE quiet intervals (200 ms each from the
// workers: 600 ms).
#include "media/speaking.h"

bool speaking_update(struct speaking *s, uint8_t level, bool muted)
{
    bool loud = !muted && level <= SPEAKING_LEVEL;
    s->level = level;
    if (loud)
        s->quiet = 0;
    else if (s->quiet < 255)
        s->quiet++;
    bool on = loud || (s->on && s->quiet < SPEAKING_RELEASE);
    bool changed = on != s->on;
    s->on = on;
    return changed;
}
