// SPDX-License-Identifier: MIT
// Participant rules: status names, who may change whose media state (mute, deafen, video,
// screen share, hand, volume), the events a change produces, and move/remove/admit checks.
#ifndef VOX_DOMAIN_PARTICIPANT_H
#define VOX_DOMAIN_PARTICIPANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/role.h"

typedef enum participant_status {
    PARTICIPANT_INVITED,
    PARTICIPANT_WAITING, // in the waiting room: not in the session until admitted
    PARTICIPANT_JOINING,
    PARTICIPANT_CONNECTED,
    PARTICIPANT_RECONNECTING,
    PARTICIPANT_LEFT,
    PARTICIPANT_REMOVED,
    PARTICIPANT_DENIED,
} participant_status;

#define PARTICIPANT_STATUS_COUNT   8
#define PARTICIPANT_VOLUME_MAX     200 // percent
#define PARTICIPANT_VOLUME_DEFAULT 100
#define PARTICIPANT_EVENTS_MAX     8 // most events one change can produce

// A participant's media state as the server tracks it.
struct participant_media {
    bool audio;
    bool video;
    bool screen_share;
    bool self_mute;
    bool self_deaf;
    bool server_mute;
    bool server_deaf;
    bool hand_raised;
    bool speaking;
    int volume; // 0..PARTICIPANT_VOLUME_MAX
};

// A requested media change: each value applies only when its has_ flag is set.
struct participant_change {
    bool has_audio, audio;
    bool has_video, video;
    bool has_screen_share, screen_share;
    bool has_self_mute, self_mute;
    bool has_self_deaf, self_deaf;
    bool has_server_mute, server_mute;
    bool has_server_deaf, server_deaf;
    bool has_hand_raised, hand_raised;
    bool has_volume;
    int volume;
};

// Who is acting: the role and its effective flags from perm_compute().
struct participant_actor {
    role role;
    uint32_t perms;
};

// Everything participant_check_change() needs to know besides the change itself.
struct participant_change_ctx {
    struct participant_actor actor;
    role target_role;                             // ignored when is_self
    bool is_self;                                 // actor changes its own state
    bool screen_share_allowed;                    // the room's flag
    const struct participant_media *target_media; // borrowed; NULL means all off
};

// Parses a status name ("invited", "waiting", ...); 0 or VOX_EINVAL.
int participant_status_parse(const char *s, participant_status *out);

// Stable name of a status, or "unknown" for an out-of-range value.
const char *participant_status_name(participant_status s);

// True for joining, connected and reconnecting: the statuses that occupy a seat in the
// session (waiting participants are not in it yet and do not count toward capacity).
bool participant_is_present(participant_status s);

// True for left, removed and denied: the participant is gone for good.
bool participant_is_gone(participant_status s);

// Sets m to a fresh participant's state: everything off, volume 100.
void participant_media_init(struct participant_media *m);

// Checks a media change. Self: any own field, but turning audio on needs PERM_SPEAK and no
// server mute, video needs PERM_VIDEO, screen share needs PERM_STREAM and the room flag, and
// a viewer publishes nothing. Server mute/deafen need PERM_MUTE_MEMBERS/PERM_DEAFEN_MEMBERS.
// Another participant: the actor must outrank it, and may only turn its audio, video and
// screen share off or lower its hand, with PERM_MUTE_MEMBERS. Volume outside 0..200 or an
// empty change is VOX_EINVAL; a refusal is VOX_EFORBIDDEN; *reason says why.
int participant_check_change(const struct participant_change_ctx *ctx,
                             const struct participant_change *c, const char **reason);

// Writes every has_ field of c into m; does no checking.
void participant_apply_change(struct participant_media *m, const struct participant_change *c);

// Switches off in m what a participant of role r with perms may not publish: audio while
// server-muted or without PERM_SPEAK, video without PERM_VIDEO, screen share without
// PERM_STREAM, and all three for a viewer. Run after every change of media, role, permissions
// or server mute, so the stored state never claims more than the permissions allow (a media
// plane trusts it); participant_change_events() then names what went off, as when the
// participant turns a source off itself.
void participant_media_enforce(struct participant_media *m, role r, uint32_t perms);

// Stores in out (up to max) the event types that going from before to after produces, such
// as "participant.audio_enabled" or "participant.muted" (server mute); returns how many were
// stored. Strings are static. PARTICIPANT_EVENTS_MAX is always enough.
size_t participant_change_events(const struct participant_media *before,
                                 const struct participant_media *after, const char **out,
                                 size_t max);

// Checks moving a participant to another room: the target needs PERM_CONNECT there
// (target_dest_perms); moving someone else also needs PERM_MOVE_MEMBERS and outranking.
int participant_check_move(const struct participant_actor *actor, bool is_self, role target_role,
                           uint32_t target_dest_perms, const char **reason);

// Checks removing (kicking) a participant: needs PERM_MUTE_MEMBERS or PERM_MANAGE_ROOM and
// outranking the target; removing oneself is VOX_EINVAL (leave instead) and a target that
// already left, was removed or denied is VOX_ECONFLICT.
int participant_check_remove(const struct participant_actor *actor, bool is_self, role target_role,
                             participant_status target_status, const char **reason);

// What a published track carries.
typedef enum participant_source {
    SOURCE_MICROPHONE,
    SOURCE_CAMERA,
    SOURCE_SCREEN_SHARE,
} participant_source;

// Parses "microphone", "camera" or "screen_share"; 0 or VOX_EINVAL.
int participant_source_parse(const char *s, participant_source *out);
const char *participant_source_name(participant_source s);

// Checks publishing a track of source src: a viewer publishes nothing, a microphone needs
// PERM_SPEAK, a camera PERM_VIDEO, a screen share PERM_STREAM and the room's flag (so a stage
// audience member, without PERM_SPEAK, cannot publish until promoted). 0, or VOX_EFORBIDDEN
// with *reason set.
int participant_check_publish(role r, uint32_t perms, bool screen_share_allowed,
                              participant_source src, const char **reason);

// Whether the media plane forwards a published track of source src now: not while the
// participant is server-muted (audio), and never beyond what role and perms allow (a demoted
// speaker's tracks stop at once). The owner's own on/off state is its client's business.
bool participant_may_forward(const struct participant_media *m, role r, uint32_t perms,
                             participant_source src);

// Connection quality, as the media plane rates a participant's transports.
typedef enum participant_quality {
    QUALITY_EXCELLENT,
    QUALITY_GOOD,
    QUALITY_POOR,
    QUALITY_LOST,
} participant_quality;

const char *participant_quality_name(participant_quality q); // "excellent", ... "lost"
// The rating: lost when the participant sends nothing at all (silent), poor above 5 % loss,
// 400 ms round trip or 50 ms jitter, good above 2 %, 150 ms or 30 ms, excellent otherwise.
participant_quality participant_quality_rate(double loss, double rtt_ms, double jitter_ms,
                                             bool silent);

// Whether a participant of role r runs the waiting room (admits, denies, and is told who waits).
bool participant_runs_waiting_room(role r);

// Checks admitting or denying a waiting-room participant: only host or co_host may, and only
// a PARTICIPANT_WAITING target (VOX_ECONFLICT otherwise). Admit moves the target to
// PARTICIPANT_JOINING, deny to PARTICIPANT_DENIED.
int participant_check_admit(role actor_role, participant_status target_status, const char **reason);

#endif
