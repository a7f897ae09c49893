// SPDX-License-Identifier: MIT
// The packet cache a video track keeps for retransmission: the last N packets it forwarded,
// indexed by sequence number, so a subscriber's NACK (RFC 4585 generic NACK) is answered from
// voxd instead of being passed to the publisher. One allocation at creation, none per packet.
#ifndef VOX_MEDIA_PKTCACHE_H
#define VOX_MEDIA_PKTCACHE_H

#include <stddef.h>
#include <stdint.h>

#define PKTCACHE_MAX_PACKET 1500

struct pktcache;

// A cache of nslots packets (rounded up to a power of two, at least 16).
struct pktcache *pktcache_new(size_t nslots);
void pktcache_free(struct pktcache *c);
// Stores a packet under seq, replacing whatever was in its slot; packets longer than
// PKTCACHE_MAX_PACKET are not stored. now_ms is its arrival time.
void pktcache_put(struct pktcache *c, uint16_t seq, const uint8_t *pkt, size_t len, int64_t now_ms);
// The packet stored under seq if it is still there and arrived at or after min_ms (older
// ones are not worth resending); *len gets its length. The pointer is valid until the next
// put. NULL otherwise.
const uint8_t *pktcache_get(const struct pktcache *c, uint16_t seq, int64_t min_ms, size_t *len);

#endif
