// SPDX-License-Identifier: MIT
// A scenario's run: the REST setup (an org and the rooms, unless given), the participants,
// and the phases on the loop's timers, each with a deadline; the report at the end.
#ifndef VOX_BENCH_SCENARIO_H
#define VOX_BENCH_SCENARIO_H

#include <stddef.h>

struct bench;

// Blocking, before the loop runs: creates the org (with --admin-token) and the rooms, and
// mints every participant's token. 0, or -1 with err filled.
int scenario_setup(struct bench *b, char *err, size_t errcap);
// Starts the phases on b->loop; uv_run then returns once the report is printed and every
// handle is closed (or the run's deadline passed).
void scenario_start(struct bench *b);

#endif
