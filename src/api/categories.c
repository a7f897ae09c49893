// SPDX-License-Identifier: MIT
// Categories (an org's ordered groups of channels) and the channel listing: persistent rooms
// and categorized rooms, grouped by category, each with its live participant count.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "api/rooms.h"
#include "core/err.h"
#include "core/uuid.h"
#include "store/categories.h"

// Most channels one listing returns; beyond it the answer says "truncated": true.
#define CHANNELS_MAX 1000

#define CATEGORY_FIELDS(req)                                                                       \
    {.name = "name", .type = BODY_NAME, .required = req, .min = 1, .max = 128},                    \
        {.name = "position", .type = BODY_INT, .min = 0, .max = 1000000},

static const struct body_field create_fields[] = {CATEGORY_FIELDS(1)};
static const struct body_field update_fields[] = {CATEGORY_FIELDS(0)};

static json_t *category_json(const struct category_rec *r)
{
    json_t *j = json_pack("{s:s, s:s, s:i}", "id", r->id, "name", r->name, "position", r->position);
    api_set_time(j, "created_at", r->created_at);
    api_set_time(j, "updated_at", r->updated_at);
    return j;
}

static void name_taken(struct api_call *c)
{
    api_error(c, 409, "name_taken", "name", "a category with this name already exists");
}

static void category_create(struct api_call *c)
{
    json_t *b = api_body(c, create_fields, sizeof create_fields / sizeof create_fields[0]);
    if (!b)
        return;
    struct category_rec r = {0};
    uuid_new(r.id);
    snprintf(r.org_id, sizeof r.org_id, "%s", c->who.org_id);
    snprintf(r.name, sizeof r.name, "%s", body_str(b, "name", ""));
    r.position = (int)body_int(b, "position", 0);
    r.created_at = r.updated_at = c->now_ms;
    int err = c->st->categories->create(c->st, &r);
    if (err == VOX_ECONFLICT)
        name_taken(c);
    else if (err)
        api_fail(c, err, "category");
    else {
        api_event(c, "category.created", NULL, NULL, NULL,
                  json_pack("{s:s, s:s, s:i}", "category_id", r.id, "name", r.name, "position",
                            r.position));
        snprintf(c->resp->location, sizeof c->resp->location, "/v1/categories/%s", r.id);
        api_json(c, 201, category_json(&r));
    }
    json_decref(b);
}

static void category_list(struct api_call *c)
{
    struct category_rec *v;
    size_t n;
    int err = c->st->categories->list(c->st, c->who.org_id, &v, &n);
    if (err) {
        api_fail(c, err, "categories");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, category_json(&v[i]));
    free(v);
    api_json(c, 200, json_pack("{s:o}", "categories", arr));
}

static void category_get(struct api_call *c)
{
    const char *id = api_path_uuid(c, 0, "category_id");
    if (!id)
        return;
    struct category_rec r;
    int err = c->st->categories->get(c->st, c->who.org_id, id, &r);
    if (err)
        api_fail(c, err, "category");
    else
        api_json(c, 200, category_json(&r));
}

static void category_update(struct api_call *c)
{
    const char *id = api_path_uuid(c, 0, "category_id");
    if (!id)
        return;
    json_t *b = api_body(c, update_fields, sizeof update_fields / sizeof update_fields[0]);
    if (!b)
        return;
    struct category_rec r;
    int err = c->st->categories->get(c->st, c->who.org_id, id, &r);
    if (!err) {
        if (body_has(b, "name"))
            snprintf(r.name, sizeof r.name, "%s", body_str(b, "name", ""));
        r.position = (int)body_int(b, "position", r.position);
        r.updated_at = c->now_ms;
        err = c->st->categories->update(c->st, &r);
    }
    if (err == VOX_ECONFLICT)
        name_taken(c);
    else if (err)
        api_fail(c, err, "category");
    else {
        json_t *data = json_deep_copy(b);
        json_object_set_new(data, "category_id", json_string(r.id));
        api_event(c, "category.updated", NULL, NULL, NULL, data);
        api_json(c, 200, category_json(&r));
    }
    json_decref(b);
}

static void category_delete(struct api_call *c)
{
    const char *id = api_path_uuid(c, 0, "category_id");
    if (!id)
        return;
    int err = c->st->categories->remove(c->st, c->who.org_id, id);
    if (err) {
        api_fail(c, err, "category");
        return;
    }
    api_event(c, "category.deleted", NULL, NULL, NULL, json_pack("{s:s}", "category_id", id));
    api_no_content(c);
}

static json_t *channel_json(const struct category_channel *ch)
{
    json_t *j = rooms_json(&ch->room);
    json_object_set_new(j, "participant_count", json_integer(ch->participant_count));
    return j;
}

// Builds {"categories": [...with "channels"...], "uncategorized": [...]}; channels arrive in
// room order, so appending keeps each group ordered.
static json_t *channels_json(const struct category_rec *cats, size_t ncats,
                             const struct category_channel *chs, size_t nchs)
{
    json_t *groups = json_array(), *by_id = json_object(), *loose = json_array();
    for (size_t i = 0; i < ncats; i++) {
        json_t *list = json_array();
        json_object_set(by_id, cats[i].id, list);
        json_array_append_new(groups, json_pack("{s:s, s:s, s:i, s:o}", "id", cats[i].id, "name",
                                                cats[i].name, "position", cats[i].position,
                                                "channels", list));
    }
    for (size_t i = 0; i < nchs; i++) {
        json_t *list =
            chs[i].room.category_id[0] ? json_object_get(by_id, chs[i].room.category_id) : NULL;
        json_array_append_new(list ? list : loose, channel_json(&chs[i]));
    }
    json_decref(by_id);
    return json_pack("{s:o, s:o}", "categories", groups, "uncategorized", loose);
}

static void channel_list(struct api_call *c)
{
    struct category_rec *cats = NULL;
    struct category_channel *chs = NULL;
    size_t ncats = 0, nchs = 0;
    int err = c->st->categories->list(c->st, c->who.org_id, &cats, &ncats);
    if (!err)
        err = c->st->categories->channels(c->st, c->who.org_id, CHANNELS_MAX + 1, &chs, &nchs);
    if (err) {
        api_fail(c, err, "channels");
        free(cats);
        return;
    }
    int truncated = nchs > CHANNELS_MAX;
    json_t *j = channels_json(cats, ncats, chs, truncated ? CHANNELS_MAX : nchs);
    json_object_set_new(j, "truncated", json_boolean(truncated));
    api_json(c, 200, j);
    category_channels_free(chs, nchs);
    free(cats);
}

static const struct api_route routes[] = {
    {{HTTP_POST, "/v1/categories"},
     category_create,
     AUTH_KEY,
     "Create a channel category",
     API_BODY(create_fields)},
    {{HTTP_GET, "/v1/categories"},
     category_list,
     AUTH_KEY,
     "List categories (ordered by position, then name)",
     NULL,
     0},
    {{HTTP_GET, "/v1/categories/{category_id}"}, category_get, AUTH_KEY, "Get a category", NULL, 0},
    {{HTTP_PATCH, "/v1/categories/{category_id}"},
     category_update,
     AUTH_KEY,
     "Rename or reorder a category (only the members sent)",
     API_BODY(update_fields)},
    {{HTTP_DELETE, "/v1/categories/{category_id}"},
     category_delete,
     AUTH_KEY,
     "Delete a category; its rooms become uncategorized",
     NULL,
     0},
    {{HTTP_GET, "/v1/channels"},
     channel_list,
     AUTH_KEY,
     "List the org's channels grouped by category, with live participant counts",
     NULL,
     0},
};

API_MODULE(api_categories_module, routes);
