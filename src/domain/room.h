// SPDX-License-Identifier: MIT
// Room settings rules: room types, media modes, participant limits and audio bitrate bounds.
// Pure functions, no I/O; the REST layer and the SFU both call these.
#ifndef VOX_DOMAIN_ROOM_H
#define VOX_DOMAIN_ROOM_H

typedef enum room_type {
    ROOM_VOICE,
    ROOM_VIDEO,
    ROOM_SCREEN_SHARE,
    ROOM_BROADCAST,
    ROOM_STAGE,
} room_type;

#define ROOM_TYPE_COUNT 5

typedef enum room_media_mode {
    ROOM_MEDIA_SFU,
    ROOM_MEDIA_P2P,
} room_media_mode;

// Opus audio bitrate bounds in bits per second (Opus itself goes from 6k; 8k is the lowest
// that still sounds like speech, 384k is the highest any client offers).
#define ROOM_BITRATE_MIN 8000
#define ROOM_BITRATE_MAX 384000

// Most participants a p2p (mesh) room may hold: each peer uploads to every other.
#define ROOM_P2P_MAX_PARTICIPANTS 4

// Parses "voice", "video", "screen_share", "broadcast" or "stage"; 0 or VOX_EINVAL.
int room_type_parse(const char *s, room_type *out);

// Stable lower-case name of a room type, or "unknown" for an out-of-range value.
const char *room_type_name(room_type t);

// Parses "sfu" or "p2p"; 0 or VOX_EINVAL.
int room_media_mode_parse(const char *s, room_media_mode *out);

// Stable name of a media mode ("sfu", "p2p"), or "unknown".
const char *room_media_mode_name(room_media_mode m);

// Built-in participant ceiling of a room type: voice 99, video 50, screen_share 50,
// broadcast 1000, stage 1000; 0 for an unknown type.
int room_default_limit(room_type t);

// Limit that applies to a room: the lower of the type's ceiling and max_participants
// (max_participants <= 0 means unset).
int room_effective_limit(room_type t, int max_participants);

// Checks a requested max_participants is within 1..room_default_limit(t); 0 or VOX_EINVAL.
int room_check_max_participants(room_type t, int n, const char **reason);

// Checks a media mode fits the room: p2p only for voice/video rooms of at most
// ROOM_P2P_MAX_PARTICIPANTS (a mesh does not scale); 0 or VOX_EINVAL.
int room_check_media_mode(room_type t, room_media_mode m, int max_participants,
                          const char **reason);

// Checks an audio bitrate is within ROOM_BITRATE_MIN..ROOM_BITRATE_MAX; 0 or VOX_EINVAL.
int room_check_bitrate(int bps, const char **reason);

// Default audio bitrate of a room type in bits per second.
int room_default_bitrate(room_type t);

// Checks one more participant fits a room holding current_count; 0, VOX_EFULL when the
// effective limit is reached, VOX_EINVAL for a negative count.
int room_check_capacity(room_type t, int max_participants, int current_count);

#endif
