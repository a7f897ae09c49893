// SPDX-License-Identifier: MIT
// A process's CPU time (all threads, and each thread) and resident memory from /proc, for
// measuring voxd while vox-bench loads it.
#ifndef VOX_BENCH_PROCSTAT_H
#define VOX_BENCH_PROCSTAT_H

#include <stdbool.h>
#include <stdint.h>

#define PROCSTAT_THREADS 64

struct procstat_thread {
    int tid;
    char comm[20];
    uint64_t ticks; // utime + stime
};

struct procstat {
    bool ok;
    uint64_t at_ns; // clock_mono_ns() when read
    uint64_t ticks; // utime + stime of the whole process (fields 14 and 15 of stat)
    long rss_kb;    // VmRSS
    int nthreads;   // up to PROCSTAT_THREADS of them below
    struct procstat_thread thr[PROCSTAT_THREADS];
};

// The whole machine's CPU time from /proc/stat (the "cpu" line), in clock ticks.
struct procstat_machine {
    bool ok;
    uint64_t busy;    // user + nice + system + irq + softirq + steal
    uint64_t softirq; // of which softirq (loopback delivery of voxd's sends runs there)
    uint64_t steal;   // of which the hypervisor's
    uint64_t total;   // busy + idle + iowait
    // UDP, all sockets (/proc/net/snmp): datagrams delivered and sent, and those dropped
    // because a socket's receive or send buffer was full.
    uint64_t udp_in, udp_out, udp_rcvbuf_errors, udp_sndbuf_errors;
};

// 0, or -1 when /proc/stat cannot be read (the UDP counters stay 0 without /proc/net/snmp).
int procstat_machine_read(struct procstat_machine *out);

// Reads /proc/pid/stat, /proc/pid/status and /proc/pid/task/*/stat into *out; 0, or -1 (out
// then has ok false) when the process is gone or /proc cannot be read.
int procstat_read(int pid, struct procstat *out);

// Clock ticks per second (sysconf(_SC_CLK_TCK)).
double procstat_hz(void);

// CPU used between a and b as a fraction of one core (0 when either read failed).
double procstat_cores(const struct procstat *a, const struct procstat *b);

#endif
