// SPDX-License-Identifier: MIT
// A ring of fixed slots indexed by seq modulo the size; each slot remembers the full seq it
// holds, so a slot reused by a newer packet never answers for an older one.
#include "media/pktcache.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

struct slot {
    int64_t at_ms;
    uint16_t seq, len; // len 0: empty
    uint8_t data[PKTCACHE_MAX_PACKET];
};

struct pktcache {
    size_t mask;
    struct slot slots[];
};

struct pktcache *pktcache_new(size_t nslots)
{
    size_t n = 16;
    while (n < nslots)
        n *= 2;
    struct pktcache *c = xcalloc(1, sizeof *c + n * sizeof(struct slot));
    c->mask = n - 1;
    return c;
}

void pktcache_free(struct pktcache *c)
{
    free(c);
}

void pktcache_put(struct pktcache *c, uint16_t seq, const uint8_t *pkt, size_t len, int64_t now_ms)
{
    struct slot *s = &c->slots[seq & c->mask];
    if (len == 0 || len > PKTCACHE_MAX_PACKET) {
        s->len = 0;
        return;
    }
    memcpy(s->data, pkt, len);
    s->seq = seq;
    s->len = (uint16_t)len;
    s->at_ms = now_ms;
}

const uint8_t *pktcache_get(const struct pktcache *c, uint16_t seq, int64_t min_ms, size_t *len)
{
    const struct slot *s = &c->slots[seq & c->mask];
    if (!s->len || s->seq != seq || s->at_ms < min_ms)
        return NULL;
    *len = s->len;
    return s->data;
}
