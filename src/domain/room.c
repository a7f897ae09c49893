// SPDX-License-Identifier: MIT
// Room settings rules: type and media mode names, participant limits, bitrate bounds.
#include "domain/room.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "core/err.h"

static const char *const room_type_names[ROOM_TYPE_COUNT] = {
    [ROOM_VOICE] = "voice",         [ROOM_VIDEO] = "video", [ROOM_SCREEN_SHARE] = "screen_share",
    [ROOM_BROADCAST] = "broadcast", [ROOM_STAGE] = "stage",
};

static const char *const room_media_mode_names[] = {
    [ROOM_MEDIA_SFU] = "sfu",
    [ROOM_MEDIA_P2P] = "p2p",
};

// Voice matches Discord's 99-member voice channel; video and screen share are capped where
// a grid of simultaneous senders stops being useful on one SFU; broadcast and stage have a
// handful of speakers and a listening audience, so they scale to 1000.
static const int room_limits[ROOM_TYPE_COUNT] = {
    [ROOM_VOICE] = 99,       [ROOM_VIDEO] = 50,   [ROOM_SCREEN_SHARE] = 50,
    [ROOM_BROADCAST] = 1000, [ROOM_STAGE] = 1000,
};

// 64k is Discord's default voice quality; rooms that also carry video spend less on audio,
// broadcasts are often music or produced audio and get more.
static const int room_bitrates[ROOM_TYPE_COUNT] = {
    [ROOM_VOICE] = 64000,     [ROOM_VIDEO] = 48000, [ROOM_SCREEN_SHARE] = 48000,
    [ROOM_BROADCAST] = 96000, [ROOM_STAGE] = 64000,
};

static int room_fail(const char **reason, const char *msg, int err)
{
    if (reason)
        *reason = msg;
    return err;
}

static bool room_type_valid(room_type t)
{
    return (unsigned)t < ROOM_TYPE_COUNT;
}

int room_type_parse(const char *s, room_type *out)
{
    for (size_t i = 0; s && i < ROOM_TYPE_COUNT; i++) {
        if (strcmp(s, room_type_names[i]) == 0) {
            *out = (room_type)i;
            return VOX_OK;
        }
    }
    return VOX_EINVAL;
}

const char *room_type_name(room_type t)
{
    return room_type_valid(t) ? room_type_names[t] : "unknown";
}

int room_media_mode_parse(const char *s, room_media_mode *out)
{
    for (size_t i = 0; s && i < 2; i++) {
        if (strcmp(s, room_media_mode_names[i]) == 0) {
            *out = (room_media_mode)i;
            return VOX_OK;
        }
    }
    return VOX_EINVAL;
}

const char *room_media_mode_name(room_media_mode m)
{
    return (unsigned)m < 2 ? room_media_mode_names[m] : "unknown";
}

int room_default_limit(room_type t)
{
    return room_type_valid(t) ? room_limits[t] : 0;
}

int room_effective_limit(room_type t, int max_participants)
{
    int limit = room_default_limit(t);
    if (max_participants > 0 && max_participants < limit)
        return max_participants;
    return limit;
}

int room_check_max_participants(room_type t, int n, const char **reason)
{
    if (!room_type_valid(t))
        return room_fail(reason, "unknown room type", VOX_EINVAL);
    if (n < 1)
        return room_fail(reason, "max_participants must be at least 1", VOX_EINVAL);
    if (n > room_limits[t])
        return room_fail(reason, "max_participants exceeds the limit for this room type",
                         VOX_EINVAL);
    return VOX_OK;
}

int room_check_media_mode(room_type t, room_media_mode m, int max_participants, const char **reason)
{
    if (!room_type_valid(t) || (unsigned)m >= 2)
        return room_fail(reason, "unknown room type or media mode", VOX_EINVAL);
    if (m == ROOM_MEDIA_SFU)
        return VOX_OK;
    if (t != ROOM_VOICE && t != ROOM_VIDEO)
        return room_fail(reason, "p2p is only for voice and video rooms", VOX_EINVAL);
    // An unset limit would allow the type's full ceiling, far too many for a mesh.
    if (max_participants < 1 || max_participants > ROOM_P2P_MAX_PARTICIPANTS)
        return room_fail(reason, "p2p rooms need max_participants between 1 and 4", VOX_EINVAL);
    return VOX_OK;
}

int room_check_bitrate(int bps, const char **reason)
{
    if (bps < ROOM_BITRATE_MIN || bps > ROOM_BITRATE_MAX)
        return room_fail(reason, "bitrate must be between 8000 and 384000", VOX_EINVAL);
    return VOX_OK;
}

int room_default_bitrate(room_type t)
{
    return room_type_valid(t) ? room_bitrates[t] : room_bitrates[ROOM_VOICE];
}

int room_check_capacity(room_type t, int max_participants, int current_count)
{
    if (current_count < 0 || !room_type_valid(t))
        return VOX_EINVAL;
    return current_count >= room_effective_limit(t, max_participants) ? VOX_EFULL : VOX_OK;
}
