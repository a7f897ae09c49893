// SPDX-License-Identifier: MIT
// Participant media-state rules and the events a change produces.
#include "domain/participant.h"

#include <string.h>

#include "core/err.h"
#include "domain/perm.h"

static const char *const participant_status_names[PARTICIPANT_STATUS_COUNT] = {
    [PARTICIPANT_INVITED] = "invited",           [PARTICIPANT_WAITING] = "waiting",
    [PARTICIPANT_JOINING] = "joining",           [PARTICIPANT_CONNECTED] = "connected",
    [PARTICIPANT_RECONNECTING] = "reconnecting", [PARTICIPANT_LEFT] = "left",
    [PARTICIPANT_REMOVED] = "removed",           [PARTICIPANT_DENIED] = "denied",
};

// One publishable source (audio, video, screen share): the flag needed to turn it on and
// the words used when refusing.
struct source_rule {
    uint32_t perm;
    const char *no_perm;
    const char *not_yours;
};

static const struct source_rule participant_audio = {PERM_SPEAK,
                                                     "speak permission required to enable audio",
                                                     "only the participant can turn its audio on"};
static const struct source_rule participant_video = {PERM_VIDEO,
                                                     "video permission required to enable video",
                                                     "only the participant can turn its video on"};
static const struct source_rule participant_screen = {
    PERM_STREAM, "stream permission required to share the screen",
    "only the participant can start its screen share"};

// A media flag and the event for each edge; offsets keep the diff one loop.
struct participant_edge {
    size_t off;
    const char *on;
    const char *off_event;
};

static const struct participant_edge participant_edges[PARTICIPANT_EVENTS_MAX] = {
    {offsetof(struct participant_media, audio), "participant.audio_enabled",
     "participant.audio_disabled"},
    {offsetof(struct participant_media, video), "participant.video_enabled",
     "participant.video_disabled"},
    {offsetof(struct participant_media, screen_share), "participant.screen_share_started",
     "participant.screen_share_stopped"},
    {offsetof(struct participant_media, hand_raised), "participant.hand_raised",
     "participant.hand_lowered"},
    {offsetof(struct participant_media, server_mute), "participant.muted", "participant.unmuted"},
    {offsetof(struct participant_media, server_deaf), "participant.deafened",
     "participant.undeafened"},
    {offsetof(struct participant_media, self_mute), "participant.self_muted",
     "participant.self_unmuted"},
    {offsetof(struct participant_media, self_deaf), "participant.self_deafened",
     "participant.self_undeafened"},
};

static int participant_fail(const char **reason, const char *msg, int err)
{
    if (reason)
        *reason = msg;
    return err;
}

int participant_status_parse(const char *s, participant_status *out)
{
    for (size_t i = 0; s && i < PARTICIPANT_STATUS_COUNT; i++) {
        if (strcmp(s, participant_status_names[i]) == 0) {
            *out = (participant_status)i;
            return VOX_OK;
        }
    }
    return VOX_EINVAL;
}

const char *participant_status_name(participant_status s)
{
    return (unsigned)s < PARTICIPANT_STATUS_COUNT ? participant_status_names[s] : "unknown";
}

bool participant_is_present(participant_status s)
{
    return s == PARTICIPANT_JOINING || s == PARTICIPANT_CONNECTED || s == PARTICIPANT_RECONNECTING;
}

bool participant_is_gone(participant_status s)
{
    return s == PARTICIPANT_LEFT || s == PARTICIPANT_REMOVED || s == PARTICIPANT_DENIED;
}

void participant_media_init(struct participant_media *m)
{
    memset(m, 0, sizeof(*m));
    m->volume = PARTICIPANT_VOLUME_DEFAULT;
}

static bool participant_change_empty(const struct participant_change *c)
{
    return !(c->has_audio || c->has_video || c->has_screen_share || c->has_self_mute ||
             c->has_self_deaf || c->has_server_mute || c->has_server_deaf || c->has_hand_raised ||
             c->has_volume);
}

// Turning a source off is always the owner's right, and a moderator's with mute_members so
// a disruptive camera or screen can be stopped; turning it on is only ever the owner's.
static int participant_check_source(const struct participant_change_ctx *x, bool has, bool on,
                                    const struct source_rule *src, const char **reason)
{
    if (!has)
        return VOX_OK;
    if (!x->is_self) {
        if (on)
            return participant_fail(reason, src->not_yours, VOX_EFORBIDDEN);
        if (!perm_has(x->actor.perms, PERM_MUTE_MEMBERS))
            return participant_fail(reason, "mute_members permission required", VOX_EFORBIDDEN);
        return VOX_OK;
    }
    if (!on)
        return VOX_OK;
    // Viewers are receive-only by definition, whatever an override grants.
    if (x->actor.role == ROLE_VIEWER)
        return participant_fail(reason, "viewers cannot publish media", VOX_EFORBIDDEN);
    if (!perm_has(x->actor.perms, src->perm))
        return participant_fail(reason, src->no_perm, VOX_EFORBIDDEN);
    return VOX_OK;
}

static int participant_check_sources(const struct participant_change_ctx *x,
                                     const struct participant_change *c, const char **reason)
{
    int err = participant_check_source(x, c->has_audio, c->audio, &participant_audio, reason);
    if (err)
        return err;
    // Judge the server mute as it will be after this change, so a moderator can unmute
    // and enable in one request but a muted participant cannot slip audio through.
    bool muted =
        c->has_server_mute ? c->server_mute : (x->target_media && x->target_media->server_mute);
    if (c->has_audio && c->audio && muted)
        return participant_fail(reason, "server-muted by a moderator", VOX_EFORBIDDEN);
    err = participant_check_source(x, c->has_video, c->video, &participant_video, reason);
    if (err)
        return err;
    err = participant_check_source(x, c->has_screen_share, c->screen_share, &participant_screen,
                                   reason);
    if (err)
        return err;
    if (c->has_screen_share && c->screen_share && !x->screen_share_allowed)
        return participant_fail(reason, "screen share is disabled in this room", VOX_EFORBIDDEN);
    return VOX_OK;
}

// Self mute, self deafen and volume belong to the participant alone; a raised hand may be
// lowered by a moderator who has answered it.
static int participant_check_personal(const struct participant_change_ctx *x,
                                      const struct participant_change *c, const char **reason)
{
    if (x->is_self)
        return VOX_OK;
    if (c->has_self_mute || c->has_self_deaf || c->has_volume)
        return participant_fail(
            reason, "self mute, self deafen and volume are the participant's own", VOX_EFORBIDDEN);
    if (!c->has_hand_raised)
        return VOX_OK;
    if (c->hand_raised)
        return participant_fail(reason, "only the participant can raise its hand", VOX_EFORBIDDEN);
    if (!perm_has(x->actor.perms, PERM_MUTE_MEMBERS))
        return participant_fail(reason, "mute_members permission required", VOX_EFORBIDDEN);
    return VOX_OK;
}

// Server mute and deafen are the moderation tools; needing the flag even on oneself stops a
// server-muted participant from lifting its own mute.
static int participant_check_server(const struct participant_change_ctx *x,
                                    const struct participant_change *c, const char **reason)
{
    if (c->has_server_mute && !perm_has(x->actor.perms, PERM_MUTE_MEMBERS))
        return participant_fail(reason, "mute_members permission required", VOX_EFORBIDDEN);
    if (c->has_server_deaf && !perm_has(x->actor.perms, PERM_DEAFEN_MEMBERS))
        return participant_fail(reason, "deafen_members permission required", VOX_EFORBIDDEN);
    return VOX_OK;
}

int participant_check_change(const struct participant_change_ctx *ctx,
                             const struct participant_change *c, const char **reason)
{
    if (participant_change_empty(c))
        return participant_fail(reason, "no change requested", VOX_EINVAL);
    if (c->has_volume && (c->volume < 0 || c->volume > PARTICIPANT_VOLUME_MAX))
        return participant_fail(reason, "volume must be between 0 and 200", VOX_EINVAL);
    if (!ctx->is_self && !role_outranks(ctx->actor.role, ctx->target_role))
        return participant_fail(reason, "cannot act on a participant of equal or higher role",
                                VOX_EFORBIDDEN);
    int err = participant_check_sources(ctx, c, reason);
    if (err)
        return err;
    err = participant_check_personal(ctx, c, reason);
    if (err)
        return err;
    return participant_check_server(ctx, c, reason);
}

void participant_apply_change(struct participant_media *m, const struct participant_change *c)
{
    if (c->has_audio)
        m->audio = c->audio;
    if (c->has_video)
        m->video = c->video;
    if (c->has_screen_share)
        m->screen_share = c->screen_share;
    if (c->has_self_mute)
        m->self_mute = c->self_mute;
    if (c->has_self_deaf)
        m->self_deaf = c->self_deaf;
    if (c->has_server_mute)
        m->server_mute = c->server_mute;
    if (c->has_server_deaf)
        m->server_deaf = c->server_deaf;
    if (c->has_hand_raised)
        m->hand_raised = c->hand_raised;
    if (c->has_volume)
        m->volume = c->volume;
}

void participant_media_enforce(struct participant_media *m, role r, uint32_t perms)
{
    bool viewer = r == ROLE_VIEWER;
    if (viewer || m->server_mute || !perm_has(perms, participant_audio.perm))
        m->audio = false;
    if (viewer || !perm_has(perms, participant_video.perm))
        m->video = false;
    if (viewer || !perm_has(perms, participant_screen.perm))
        m->screen_share = false;
}

static bool participant_flag(const struct participant_media *m, size_t off)
{
    bool v;
    memcpy(&v, (const char *)m + off, sizeof(v));
    return v;
}

size_t participant_change_events(const struct participant_media *before,
                                 const struct participant_media *after, const char **out,
                                 size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < PARTICIPANT_EVENTS_MAX && n < max; i++) {
        const struct participant_edge *e = &participant_edges[i];
        bool was = participant_flag(before, e->off), is = participant_flag(after, e->off);
        if (was != is)
            out[n++] = is ? e->on : e->off_event;
    }
    return n;
}

int participant_check_move(const struct participant_actor *actor, bool is_self, role target_role,
                           uint32_t target_dest_perms, const char **reason)
{
    if (!perm_has(target_dest_perms, PERM_CONNECT))
        return participant_fail(reason, "participant may not connect to the destination room",
                                VOX_EFORBIDDEN);
    if (is_self)
        return VOX_OK;
    if (!perm_has(actor->perms, PERM_MOVE_MEMBERS))
        return participant_fail(reason, "move_members permission required", VOX_EFORBIDDEN);
    if (!role_outranks(actor->role, target_role))
        return participant_fail(reason, "cannot move a participant of equal or higher role",
                                VOX_EFORBIDDEN);
    return VOX_OK;
}

// Removal is moderation, so it rides on mute_members (moderators have it) as well as
// manage_room; the host, outranked by nobody, can never be removed.
int participant_check_remove(const struct participant_actor *actor, bool is_self, role target_role,
                             participant_status target_status, const char **reason)
{
    if (is_self)
        return participant_fail(reason, "cannot remove yourself; leave instead", VOX_EINVAL);
    if (!(actor->perms & (PERM_MUTE_MEMBERS | PERM_MANAGE_ROOM)))
        return participant_fail(reason, "mute_members or manage_room permission required",
                                VOX_EFORBIDDEN);
    if (!role_outranks(actor->role, target_role))
        return participant_fail(reason, "cannot remove a participant of equal or higher role",
                                VOX_EFORBIDDEN);
    if (participant_is_gone(target_status))
        return participant_fail(reason, "participant is no longer in the room", VOX_ECONFLICT);
    return VOX_OK;
}

static const char *const source_names[] = {
    [SOURCE_MICROPHONE] = "microphone",
    [SOURCE_CAMERA] = "camera",
    [SOURCE_SCREEN_SHARE] = "screen_share",
};

int participant_source_parse(const char *s, participant_source *out)
{
    for (size_t i = 0; s && i < sizeof source_names / sizeof source_names[0]; i++)
        if (strcmp(s, source_names[i]) == 0) {
            *out = (participant_source)i;
            return VOX_OK;
        }
    return VOX_EINVAL;
}

const char *participant_source_name(participant_source s)
{
    return (unsigned)s < sizeof source_names / sizeof source_names[0] ? source_names[s] : "unknown";
}

static uint32_t source_perm(participant_source src)
{
    return src == SOURCE_MICROPHONE ? participant_audio.perm
           : src == SOURCE_CAMERA   ? participant_video.perm
                                    : participant_screen.perm;
}

int participant_check_publish(role r, uint32_t perms, bool screen_share_allowed,
                              participant_source src, const char **reason)
{
    if (r == ROLE_VIEWER)
        return participant_fail(reason, "viewers cannot publish", VOX_EFORBIDDEN);
    if (!perm_has(perms, source_perm(src)))
        return participant_fail(reason,
                                src == SOURCE_MICROPHONE ? "you may not speak in this room"
                                : src == SOURCE_CAMERA   ? "you may not send video in this room"
                                                         : "you may not share your screen here",
                                VOX_EFORBIDDEN);
    if (src == SOURCE_SCREEN_SHARE && !screen_share_allowed)
        return participant_fail(reason, "screen sharing is off in this room", VOX_EFORBIDDEN);
    return VOX_OK;
}

bool participant_may_forward(const struct participant_media *m, role r, uint32_t perms,
                             participant_source src)
{
    if (r == ROLE_VIEWER || !perm_has(perms, source_perm(src)))
        return false;
    return src != SOURCE_MICROPHONE || !m->server_mute;
}

const char *participant_quality_name(participant_quality q)
{
    static const char *const names[] = {"excellent", "good", "poor", "lost"};
    return (unsigned)q < 4 ? names[q] : "unknown";
}

participant_quality participant_quality_rate(double loss, double rtt_ms, double jitter_ms,
                                             bool silent)
{
    if (silent)
        return QUALITY_LOST;
    if (loss > 0.05 || rtt_ms > 400 || jitter_ms > 50)
        return QUALITY_POOR;
    if (loss > 0.02 || rtt_ms > 150 || jitter_ms > 30)
        return QUALITY_GOOD;
    return QUALITY_EXCELLENT;
}

bool participant_runs_waiting_room(role r)
{
    return r == ROLE_HOST || r == ROLE_CO_HOST;
}

int participant_check_admit(role actor_role, participant_status target_status, const char **reason)
{
    if (!participant_runs_waiting_room(actor_role))
        return participant_fail(reason, "only the host or a co-host can admit or deny",
                                VOX_EFORBIDDEN);
    if (target_status != PARTICIPANT_WAITING)
        return participant_fail(reason, "participant is not in the waiting room", VOX_ECONFLICT);
    return VOX_OK;
}
