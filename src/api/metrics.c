// SPDX-License-Identifier: MIT
// Request counters and latency histograms by route, method and status, in Prometheus text.
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "core/mem.h"

#define MAX_SERIES 512
static const double bucket_le[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                   0.01,   0.025,   0.05,   0.1,   0.5,    1.0};
#define NBUCKETS (sizeof bucket_le / sizeof bucket_le[0])

struct series {
    const char *route; // static pattern string from a route table
    enum http_method method;
    int status;
    uint64_t count;
    uint64_t buckets[NBUCKETS]; // cumulative at write time, per-bucket here
    double sum;
};

struct metrics {
    struct series s[MAX_SERIES];
    size_t n;
    uint64_t dropped;
};

struct metrics *metrics_new(void)
{
    return xcalloc(1, sizeof(struct metrics));
}

void metrics_free(struct metrics *m)
{
    free(m);
}

void metrics_observe(struct metrics *m, const char *route, enum http_method method, int status,
                     double seconds)
{
    struct series *s = NULL;
    for (size_t i = 0; i < m->n; i++)
        if (m->s[i].route == route && m->s[i].method == method && m->s[i].status == status) {
            s = &m->s[i];
            break;
        }
    if (!s) {
        if (m->n == MAX_SERIES) {
            m->dropped++;
            return;
        }
        s = &m->s[m->n++];
        s->route = route;
        s->method = method;
        s->status = status;
    }
    s->count++;
    s->sum += seconds;
    for (size_t b = 0; b < NBUCKETS; b++)
        if (seconds <= bucket_le[b]) {
            s->buckets[b]++;
            break;
        }
}

void metrics_write(struct metrics *m, sbuf *out)
{
    sbuf_puts(out, "# HELP vox_http_requests_total HTTP requests answered, by route, method and "
                   "status.\n# TYPE vox_http_requests_total counter\n");
    for (size_t i = 0; i < m->n; i++)
        sbuf_printf(out, "vox_http_requests_total{route=\"%s\",method=\"%s\",status=\"%d\"} %llu\n",
                    m->s[i].route, http_method_name(m->s[i].method), m->s[i].status,
                    (unsigned long long)m->s[i].count);
    sbuf_puts(out, "# HELP vox_http_request_duration_seconds Time to answer a request.\n"
                   "# TYPE vox_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i < m->n; i++) {
        const struct series *s = &m->s[i];
        char labels[256];
        snprintf(labels, sizeof labels, "route=\"%s\",method=\"%s\",status=\"%d\"", s->route,
                 http_method_name(s->method), s->status);
        uint64_t cum = 0;
        for (size_t b = 0; b < NBUCKETS; b++) {
            cum += s->buckets[b];
            sbuf_printf(out, "vox_http_request_duration_seconds_bucket{%s,le=\"%g\"} %llu\n",
                        labels, bucket_le[b], (unsigned long long)cum);
        }
        sbuf_printf(out, "vox_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %llu\n", labels,
                    (unsigned long long)s->count);
        sbuf_printf(out, "vox_http_request_duration_seconds_sum{%s} %.6f\n", labels, s->sum);
        sbuf_printf(out, "vox_http_request_duration_seconds_count{%s} %llu\n", labels,
                    (unsigned long long)s->count);
    }
    sbuf_printf(out,
                "# HELP vox_metrics_series_dropped_total Series not recorded (table full).\n"
                "# TYPE vox_metrics_series_dropped_total counter\n"
                "vox_metrics_series_dropped_total %llu\n",
                (unsigned long long)m->dropped);
}
