// SPDX-License-Identifier: MIT
// Session bans over REST: the backend lists the identities removed from a session with
// `ban: true` (participants_moves.c sets them) and lifts a ban. Api keys only: a participant
// token can ban (by removing) but lifting is the backend's call.
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/err.h"
#include "store/bans.h"
#include "store/sessions.h"

static json_t *ban_json(const struct ban_rec *b)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "session_id", b->session_id, "room_id",
                          b->room_id, "identity", b->identity, "by", b->by, "reason", b->reason);
    api_set_time(j, "created_at", b->created_at);
    return j;
}

// The path's session, in the caller's org; 0, or -1 after answering 400/404.
static int load_session(struct api_call *c, struct session_rec *s)
{
    const char *id = api_path_uuid(c, 0, "session_id");
    if (!id)
        return -1;
    int err = c->st->sessions->get(c->st, c->who.org_id, id, s);
    if (err)
        api_fail(c, err, "session");
    return err ? -1 : 0;
}

static void ban_list(struct api_call *c)
{
    struct session_rec s;
    int limit, offset;
    if (load_session(c, &s) || api_page(c, &limit, &offset))
        return;
    struct ban_rec *v;
    size_t n;
    int err = c->st->bans->list(c->st, c->who.org_id, s.id, limit, offset, &v, &n);
    if (err) {
        api_fail(c, err, "bans");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, ban_json(&v[i]));
    free(v);
    api_json(c, 200, json_pack("{s:o, s:i, s:i}", "bans", arr, "limit", limit, "offset", offset));
}

static const struct body_field unban_fields[] = {
    {.name = "identity", .type = BODY_STRING, .required = 1, .min = 1, .max = 128},
};

static void ban_lift(struct api_call *c)
{
    json_t *b = api_body(c, unban_fields, sizeof unban_fields / sizeof unban_fields[0]);
    struct session_rec s;
    if (!b || load_session(c, &s)) {
        json_decref(b);
        return;
    }
    struct ban_rec ban;
    const char *identity = body_str(b, "identity", "");
    int err = c->st->bans->get(c->st, c->who.org_id, s.id, identity, &ban);
    if (!err)
        err = c->st->bans->remove(c->st, c->who.org_id, s.id, identity);
    if (err == VOX_ENOTFOUND) {
        api_error(c, 404, "not_found", "identity", "this identity is not banned from the session");
    } else if (err) {
        api_fail(c, err, "ban");
    } else {
        api_event(c, "ban.lifted", ban.room_id, ban.session_id, NULL,
                  json_pack("{s:s, s:s}", "identity", ban.identity, "by", c->who.key_id));
        api_json(c, 200, ban_json(&ban));
    }
    json_decref(b);
}

static const struct api_route routes[] = {
    {{HTTP_GET, "/v1/sessions/{session_id}/bans"},
     ban_list,
     AUTH_KEY,
     "List the identities banned from a session (removed with ban: true; limit, offset)",
     NULL,
     0},
    {{HTTP_POST, "/v1/sessions/{session_id}/unban"},
     ban_lift,
     AUTH_KEY,
     "Lift a session ban: the identity may join the session again",
     API_BODY(unban_fields)},
};

API_MODULE(api_bans_module, routes);
