// SPDX-License-Identifier: MIT
// PATCH /v1/participants/{id}: media state, volume, role, name and metadata changes. The rules
// come from domain/participant.h and perm.h; this file checks the actor and records the outcome.
#include "api/participants_int.h"

#include <stdio.h>
#include <stdlib.h>

#include "api/rooms.h"
#include "domain/perm.h"

struct update_req {
    struct participant_change media;
    bool has_media, has_role, has_name, has_metadata;
    role new_role;
};

static void read_update(const json_t *b, struct update_req *u)
{
    struct participant_change *m = &u->media;
#define FLAG(f)                                                                                    \
    if ((m->has_##f = body_has(b, #f)))                                                            \
        m->f = body_bool(b, #f, 0);
    FLAG(audio)
    FLAG(video)
    FLAG(screen_share)
    FLAG(self_mute)
    FLAG(self_deaf)
    FLAG(server_mute)
    FLAG(server_deaf)
    FLAG(hand_raised)
#undef FLAG
    if ((m->has_volume = body_has(b, "volume")))
        m->volume = (int)body_int(b, "volume", PARTICIPANT_VOLUME_DEFAULT);
    u->has_media = m->has_audio || m->has_video || m->has_screen_share || m->has_self_mute ||
                   m->has_self_deaf || m->has_server_mute || m->has_server_deaf ||
                   m->has_hand_raised || m->has_volume;
    u->has_role = body_has(b, "role") && role_parse(body_str(b, "role", ""), &u->new_role) == 0;
    u->has_name = body_has(b, "name");
    u->has_metadata = body_has(b, "metadata");
}

// Role changes need manage_room, or host/co_host, and rank over the target; nobody hands out
// a role above their own. An api key may assign any role.
static int check_role_change(struct api_call *c, const struct participant_actor *a, bool is_self,
                             const struct participant_rec *p, role to)
{
    if (c->who.kind != CALLER_PARTICIPANT)
        return 0;
    const char *why = NULL;
    if (!perm_has(a->perms, PERM_MANAGE_ROOM) && a->role != ROLE_HOST && a->role != ROLE_CO_HOST)
        why = "manage_room permission or host/co_host role required to change roles";
    else if (is_self || !role_outranks(a->role, participants_role(p)))
        why = "cannot change the role of a participant of equal or higher role";
    else if (role_rank(to) > role_rank(a->role))
        why = "cannot grant a role above your own";
    if (why)
        api_error(c, 403, "forbidden", "role", "%s", why);
    return why ? -1 : 0;
}

// Checks the whole update against the domain; 0 or answered (-1).
static int check_update(struct api_call *c, const struct update_req *u,
                        const struct participant_rec *p, const struct room_rec *room)
{
    struct participant_actor a;
    bool is_self;
    if (participants_actor(c, p, &a, &is_self))
        return -1;
    if (c->who.kind != CALLER_PARTICIPANT) {
        // The server acts as the participant itself with moderation powers on top, so the
        // participant's own limits (a viewer publishes nothing) still hold.
        a.role = participants_role(p);
        a.perms = p->permissions | PERM_MUTE_MEMBERS | PERM_DEAFEN_MEMBERS;
        is_self = true;
    }
    if (u->has_media) {
        struct participant_change_ctx ctx = {
            .actor = a,
            .target_role = participants_role(p),
            .is_self = is_self,
            .screen_share_allowed = room->screen_share_allowed,
            .target_media = &p->media,
        };
        const char *reason = "not allowed";
        int err = participant_check_change(&ctx, &u->media, &reason);
        if (err) {
            participants_answer_refusal(c, err, reason, NULL, "conflict");
            return -1;
        }
    }
    if (u->has_role && check_role_change(c, &a, is_self, p, u->new_role))
        return -1;
    if ((u->has_name || u->has_metadata) && !is_self) {
        api_error(c, 403, "forbidden", u->has_name ? "name" : "metadata",
                  "only the participant can change its name or metadata");
        return -1;
    }
    return 0;
}

static int apply_update(struct api_call *c, const json_t *b, const struct update_req *u,
                        struct participant_rec *p, const struct room_rec *room)
{
    struct participant_media before = p->media;
    role from = participants_role(p);
    participant_apply_change(&p->media, &u->media);
    if (u->has_role && u->new_role != from)
        participants_apply_role(p, room, u->new_role);
    // A server mute takes the audio with it, whoever set it and however it was sent.
    participant_media_enforce(&p->media, participants_role(p), p->permissions);
    if (u->has_name)
        snprintf(p->name, sizeof p->name, "%s", body_str(b, "name", "")); // never p->name itself
    if (u->has_metadata) {
        free(p->metadata);
        p->metadata = json_dumps(json_object_get(b, "metadata"), JSON_COMPACT | JSON_SORT_KEYS);
    }
    int err = c->st->ops->begin(c->st);
    if (err || (err = c->st->participants->update(c->st, p)))
        return api_tx_end(c, err);
    participants_note_changes(c, p, from, &before);
    if (u->has_name || u->has_metadata || (u->media.has_volume && before.volume != p->media.volume))
        api_event(c, "participant.updated", p->room_id, p->session_id, p->id,
                  json_pack("{s:s, s:b, s:b, s:i}", "identity", p->identity, "name", u->has_name,
                            "metadata", u->has_metadata, "volume", p->media.volume));
    return api_tx_end(c, 0);
}

void participants_state_update(struct api_call *c)
{
    json_t *b = api_body(c, participants_update_fields, participants_update_nfields);
    if (!b)
        return;
    struct update_req u = {0};
    read_update(b, &u);
    struct participant_rec p;
    struct room_rec room = {0};
    if (!u.has_media && !u.has_role && !u.has_name && !u.has_metadata) {
        api_error(c, 400, "invalid_value", NULL, "no change requested");
    } else if (participants_load(c, 0, &p) == 0) {
        if (participants_check_not_gone(c, &p) == 0 &&
            participants_load_room(c, p.room_id, &room) == 0 &&
            check_update(c, &u, &p, &room) == 0) {
            int err = apply_update(c, b, &u, &p, &room);
            if (err)
                api_fail(c, err, "participant");
            else
                participants_answer(c, 200, &p);
        }
        participant_rec_fini(&p);
    }
    room_rec_fini(&room);
    json_decref(b);
}
