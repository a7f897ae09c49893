// SPDX-License-Identifier: MIT
// vox-bench: the media load generator. Synthetic participants join voxd through its public
// REST and WebSocket protocol and exchange real ICE, DTLS-SRTP and Opus with its media plane;
// the report says how fast they got audio, what arrived, and what it cost voxd.
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <uv.h>

#include <openssl/rand.h>

#include "bench.h"
#include "core/clock.h"
#include "core/mem.h"
#include "flags.h"
#include "rtc/dtls.h"
#include "rtc/rtp_crypto.h"
#include "scenario.h"

static uint64_t started_ns;

void bench_log(struct bench *b, const char *fmt, ...)
{
    if (b->f.quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "[%6.2f] ", (double)(clock_mono_ns() - started_ns) / 1e9);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void bench_hist_add(struct bench_hist *h, uint64_t ns)
{
    const uint64_t fine_end = (uint64_t)BENCH_FINE_NS * BENCH_FINE_BUCKETS;
    h->n++;
    if (ns > h->max_ns)
        h->max_ns = ns;
    uint64_t i = ns / BENCH_FINE_NS;
    if (ns >= fine_end) {
        h->over++;
        uint64_t j = (ns - fine_end) / BENCH_COARSE_NS;
        i = BENCH_FINE_BUCKETS + (j < BENCH_COARSE_BUCKETS ? j : BENCH_COARSE_BUCKETS - 1);
    }
    h->bucket[i]++;
}

// The upper edge of bucket i, in ms.
static double bucket_edge_ms(int i)
{
    if (i < BENCH_FINE_BUCKETS)
        return (i + 1) * (double)BENCH_FINE_NS / 1e6;
    return ((double)BENCH_FINE_NS * BENCH_FINE_BUCKETS +
            (double)(i - BENCH_FINE_BUCKETS + 1) * BENCH_COARSE_NS) /
           1e6;
}

double bench_hist_rank(const struct bench_hist *h, double q)
{
    uint64_t want = (uint64_t)ceil(q * (double)h->n), seen = 0;
    for (int i = 0; i < BENCH_DELAY_BUCKETS && want; i++) {
        seen += h->bucket[i];
        if (seen >= want) {
            double edge = bucket_edge_ms(i), max = (double)h->max_ns / 1e6;
            return edge < max ? edge : max;
        }
    }
    return (double)h->max_ns / 1e6;
}

// Every synthetic peer holds a TCP connection and one or two UDP sockets.
static void raise_nofile(int parts)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    rlim_t want = (rlim_t)parts * 3 + 256;
    if (rl.rlim_cur < want) {
        rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur < want)
        fprintf(stderr, "vox-bench: only %llu file descriptors (ulimit -n); %llu wanted\n",
                (unsigned long long)rl.rlim_cur, (unsigned long long)want);
}

int main(int argc, char **argv)
{
    static struct bench b;
    int rc = flags_parse(&b.f, argc, argv);
    if (rc)
        return rc > 0 ? 0 : 2;
    started_ns = clock_mono_ns();
    signal(SIGPIPE, SIG_IGN);
    if (uv_ip4_addr(b.f.host, b.f.port, &b.http) != 0) {
        fprintf(stderr, "vox-bench: --url needs an IPv4 address, not %s\n", b.f.host);
        return 2;
    }
    raise_nofile(b.f.listeners + b.f.speakers * BENCH_MAX_ROOMS);
    RAND_bytes((uint8_t *)&b.run_id, sizeof b.run_id);
    b.fwd_delay.bucket = xcalloc(BENCH_DELAY_BUCKETS, sizeof(uint32_t));
    b.seen_delay.bucket = xcalloc(BENCH_DELAY_BUCKETS, sizeof(uint32_t));
    if (rtp_crypto_global_init() || !(b.cert = dtls_cert_new())) {
        fprintf(stderr, "vox-bench: cannot set up DTLS-SRTP (OpenSSL or libsrtp2)\n");
        return 1;
    }
    b.fingerprint = dtls_cert_fingerprint(b.cert);
    char err[512];
    if (scenario_setup(&b, err, sizeof err)) {
        fprintf(stderr, "vox-bench: %s\n", err);
        return 1;
    }
    b.loop = uv_default_loop();
    scenario_start(&b);
    uv_run(b.loop, UV_RUN_DEFAULT);
    dtls_cert_free(b.cert);
    free(b.fwd_delay.bucket);
    free(b.seen_delay.bucket);
    return b.exit_code;
}
