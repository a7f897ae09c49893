// SPDX-License-Identifier: MIT
// Wall-clock and monotonic time in the units the project uses.
#ifndef VOX_CORE_CLOCK_H
#define VOX_CORE_CLOCK_H

#include <stdint.h>

// Milliseconds since the Unix epoch (wall clock; stored in the database).
int64_t clock_now_ms(void);
// Monotonic nanoseconds (for latency measurements).
uint64_t clock_mono_ns(void);
// Formats ms-since-epoch as RFC 3339 UTC with milliseconds ("2026-11-22T10:00:00.000Z").
void clock_format_rfc3339(int64_t ms, char out[32]);
// Parses an RFC 3339 UTC timestamp or a plain integer of ms; 0 or VOX_EINVAL.
int clock_parse_time(const char *s, int64_t *ms);

#endif
