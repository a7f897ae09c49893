// SPDX-License-Identifier: MIT
// The end of a run: what the participants measured, summed up and printed on stdout, as
// text or (--json) one JSON object.
#ifndef VOX_BENCH_REPORT_H
#define VOX_BENCH_REPORT_H

struct bench;

// Prints the report of b's finished window; sets b->exit_code to 1 when the run fell short
// (participants failed, a phase timed out, streams lost everything).
void report_print(struct bench *b);

#endif
