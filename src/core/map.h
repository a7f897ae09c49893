// SPDX-License-Identifier: MIT
// A hash map from short byte strings (at most MAP_KEY_MAX bytes: ids, ICE ufrags, socket
// addresses) to borrowed pointers. Open addressing with linear probing and backward-shift
// deletion, so lookups on the media path touch one or two cache lines and never allocate.
// Not thread-safe: each map belongs to one loop.
#ifndef VOX_CORE_MAP_H
#define VOX_CORE_MAP_H

#include <stddef.h>
#include <stdint.h>

#define MAP_KEY_MAX 40

struct map_entry {
    uint32_t hash; // 0: empty
    uint8_t klen;
    uint8_t key[MAP_KEY_MAX];
    void *value;
};

typedef struct map {
    struct map_entry *slots;
    size_t cap, count; // cap is a power of two
} map;

void map_init(map *m);
void map_fini(map *m);
// Sets key to value (replacing any previous value). Keys longer than MAP_KEY_MAX are refused
// with -1; 0 otherwise.
int map_put(map *m, const void *key, size_t klen, void *value);
// The value for key, or NULL.
void *map_get(const map *m, const void *key, size_t klen);
// Removes key; returns its value, or NULL when it was absent.
void *map_del(map *m, const void *key, size_t klen);
// NUL-terminated string keys.
int map_puts(map *m, const char *key, void *value);
void *map_gets(const map *m, const char *key);
void *map_dels(map *m, const char *key);
// Iteration: *pos starts at 0; returns the next value (and its entry in *e if e) or NULL at
// the end. The map must not change during an iteration, except map_del of the entry just
// returned followed by a restart from *pos = 0.
void *map_next(const map *m, size_t *pos, const struct map_entry **e);

#endif
