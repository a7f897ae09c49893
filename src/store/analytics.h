// SPDX-License-Identifier: MIT
// Aggregates over sessions and participants, for /metrics and the analytics API.
#ifndef VOX_STORE_ANALYTICS_H
#define VOX_STORE_ANALYTICS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct store_gauges {
    int64_t rooms;
    int64_t sessions_live;        // active or paused
    int64_t participants_present; // joining, connected or reconnecting
};

struct store_analytics_ops {
    // Process-wide gauges across every org (for /metrics only).
    int (*gauges)(store *s, struct store_gauges *out);
};

#endif
