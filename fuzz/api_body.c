// SPDX-License-Identifier: MIT
// Fuzzes JSON body validation: the first byte picks one of the real routes that take a body,
// the rest is the body, checked against that route's own field table. A body that passes
// must hold only declared members of the declared types.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "api/body.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct api_route *pick_route(uint8_t b)
{
    size_t nm, total = 0;
    const struct api_module *const *mods = api_modules(&nm);
    for (size_t m = 0; m < nm; m++)
        for (size_t i = 0; i < mods[m]->count; i++)
            total += mods[m]->routes[i].body != NULL;
    if (!total)
        return NULL;
    size_t want = b % total;
    for (size_t m = 0; m < nm; m++)
        for (size_t i = 0; i < mods[m]->count; i++)
            if (mods[m]->routes[i].body && want-- == 0)
                return &mods[m]->routes[i];
    return NULL;
}

static void check_valid(const json_t *obj, const struct api_route *r)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        const struct body_field *f = NULL;
        for (size_t i = 0; i < r->nbody; i++)
            if (strcmp(r->body[i].name, key) == 0)
                f = &r->body[i];
        if (!f)
            abort(); // an undeclared member got through
        if (f->type == BODY_INT && !json_is_null(v) &&
            (json_integer_value(v) < f->min || json_integer_value(v) > f->max))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    const struct api_route *r = pick_route(data[0]);
    if (!r)
        return 0;
    json_t *obj = NULL;
    struct body_error err;
    if (body_parse((const char *)data + 1, size - 1, r->body, r->nbody, 1, &obj, &err) == 0) {
        check_valid(obj, r);
        json_decref(obj);
    } else if (!err.code[0] || !err.message[0]) {
        abort(); // every refusal names a code and a reason
    }
    return 0;
}
