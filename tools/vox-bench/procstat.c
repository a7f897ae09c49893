// SPDX-License-Identifier: MIT
// /proc readers. In stat, the command name is in parentheses and may hold spaces or ')', so
// fields are counted from the last ')' (proc(5)).
#include "procstat.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"

static int read_file(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, cap - 1, f);
    fclose(f);
    buf[n] = '\0';
    return 0;
}

// utime + stime of one stat file, and the command name.
static int stat_ticks(const char *path, uint64_t *ticks, char *comm, size_t commcap)
{
    char buf[1024];
    if (read_file(path, buf, sizeof buf))
        return -1;
    char *open = strchr(buf, '('), *close = strrchr(buf, ')');
    if (!open || !close || close < open)
        return -1;
    if (comm) {
        size_t n = (size_t)(close - open - 1);
        n = n < commcap - 1 ? n : commcap - 1;
        memcpy(comm, open + 1, n);
        comm[n] = '\0';
    }
    // After ") " come field 3 (state) onward; utime and stime are fields 14 and 15.
    unsigned long long ut = 0, st = 0;
    if (sscanf(close + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    *ticks = ut + st;
    return 0;
}

static long rss_kb(int pid)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    if (read_file(path, buf, sizeof buf))
        return -1;
    const char *p = strstr(buf, "VmRSS:");
    return p ? strtol(p + 6, NULL, 10) : -1;
}

static void read_threads(int pid, struct procstat *out)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", pid);
    DIR *d = opendir(path);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) && out->nthreads < PROCSTAT_THREADS) {
        int tid = atoi(e->d_name);
        if (tid <= 0)
            continue;
        struct procstat_thread *t = &out->thr[out->nthreads];
        char tpath[96];
        snprintf(tpath, sizeof tpath, "/proc/%d/task/%d/stat", pid, tid);
        if (stat_ticks(tpath, &t->ticks, t->comm, sizeof t->comm) == 0) {
            t->tid = tid;
            out->nthreads++;
        }
    }
    closedir(d);
}

int procstat_read(int pid, struct procstat *out)
{
    memset(out, 0, sizeof *out);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    out->at_ns = clock_mono_ns();
    if (pid <= 0 || stat_ticks(path, &out->ticks, NULL, 0))
        return -1;
    out->rss_kb = rss_kb(pid);
    read_threads(pid, out);
    out->ok = true;
    return 0;
}

double procstat_hz(void)
{
    long hz = sysconf(_SC_CLK_TCK);
    return hz > 0 ? (double)hz : 100.0;
}

double procstat_cores(const struct procstat *a, const struct procstat *b)
{
    if (!a->ok || !b->ok || b->at_ns <= a->at_ns)
        return 0;
    double secs = (double)(b->at_ns - a->at_ns) / 1e9;
    return (double)(b->ticks - a->ticks) / procstat_hz() / secs;
}

// The second "Udp:" line of /proc/net/snmp holds the values, in the order the first names.
static void read_udp(struct procstat_machine *out)
{
    char buf[4096];
    if (read_file("/proc/net/snmp", buf, sizeof buf))
        return;
    char *names = strstr(buf, "\nUdp: ");
    char *vals = names ? strstr(names + 1, "\nUdp: ") : NULL;
    if (!vals)
        return;
    unsigned long long v[6] = {0};
    // InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors ...
    if (sscanf(vals + 6, "%llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
               &v[5]) == 6) {
        out->udp_in = v[0];
        out->udp_out = v[3];
        out->udp_rcvbuf_errors = v[4];
        out->udp_sndbuf_errors = v[5];
    }
}

int procstat_machine_read(struct procstat_machine *out)
{
    char buf[512];
    memset(out, 0, sizeof *out);
    if (read_file("/proc/stat", buf, sizeof buf))
        return -1;
    unsigned long long v[8] = {0};
    if (sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
               &v[4], &v[5], &v[6], &v[7]) != 8)
        return -1;
    out->busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    out->softirq = v[6];
    out->steal = v[7];
    out->total = out->busy + v[3] + v[4];
    out->ok = true;
    read_udp(out);
    return 0;
}
