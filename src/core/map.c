// SPDX-License-Identifier: MIT
// Open-addressing hash map (FNV-1a hashes, load factor at most 1/2).
#include "core/map.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

static uint32_t hash_of(const void *key, size_t len)
{
    const uint8_t *p = key;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 16777619u;
    return h ? h : 1; // 0 marks an empty slot
}

void map_init(map *m)
{
    m->slots = NULL;
    m->cap = m->count = 0;
}

void map_fini(map *m)
{
    free(m->slots);
    map_init(m);
}

static struct map_entry *find(const map *m, uint32_t h, const void *key, size_t klen)
{
    if (!m->cap)
        return NULL;
    for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        struct map_entry *e = &m->slots[i];
        if (!e->hash)
            return NULL;
        if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0)
            return e;
    }
}

static void insert(map *m, const struct map_entry *src)
{
    size_t i = src->hash & (m->cap - 1);
    while (m->slots[i].hash)
        i = (i + 1) & (m->cap - 1);
    m->slots[i] = *src;
    m->count++;
}

static void grow(map *m)
{
    struct map_entry *old = m->slots;
    size_t oldcap = m->cap;
    m->cap = oldcap ? oldcap * 2 : 16;
    m->slots = xcalloc(m->cap, sizeof *m->slots);
    m->count = 0;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].hash)
            insert(m, &old[i]);
    free(old);
}

int map_put(map *m, const void *key, size_t klen, void *value)
{
    if (klen > MAP_KEY_MAX)
        return -1;
    uint32_t h = hash_of(key, klen);
    struct map_entry *e = find(m, h, key, klen);
    if (e) {
        e->value = value;
        return 0;
    }
    if ((m->count + 1) * 2 > m->cap)
        grow(m);
    struct map_entry n = {.hash = h, .klen = (uint8_t)klen, .value = value};
    memcpy(n.key, key, klen);
    insert(m, &n);
    return 0;
}

void *map_get(const map *m, const void *key, size_t klen)
{
    if (klen > MAP_KEY_MAX)
        return NULL;
    struct map_entry *e = find(m, hash_of(key, klen), key, klen);
    return e ? e->value : NULL;
}

void *map_del(map *m, const void *key, size_t klen)
{
    if (klen > MAP_KEY_MAX)
        return NULL;
    struct map_entry *e = find(m, hash_of(key, klen), key, klen);
    if (!e)
        return NULL;
    void *v = e->value;
    size_t mask = m->cap - 1, i = (size_t)(e - m->slots);
    // Backward shift: pull later entries of the same probe run into the hole, so lookups need
    // no tombstones.
    for (size_t j = (i + 1) & mask; m->slots[j].hash; j = (j + 1) & mask) {
        size_t home = m->slots[j].hash & mask;
        int movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
        if (movable) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    m->slots[i].hash = 0;
    m->count--;
    return v;
}

int map_puts(map *m, const char *key, void *value)
{
    return map_put(m, key, strlen(key), value);
}

void *map_gets(const map *m, const char *key)
{
    return map_get(m, key, strlen(key));
}

void *map_dels(map *m, const char *key)
{
    return map_del(m, key, strlen(key));
}

void *map_next(const map *m, size_t *pos, const struct map_entry **e)
{
    for (; *pos < m->cap; (*pos)++) {
        if (m->slots[*pos].hash) {
            if (e)
                *e = &m->slots[*pos];
            return m->slots[(*pos)++].value;
        }
    }
    return NULL;
}
