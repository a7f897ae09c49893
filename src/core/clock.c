// SPDX-License-Identifier: MIT
#include "core/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"

int64_t clock_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t clock_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void clock_format_rfc3339(int64_t ms, char out[32])
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char date[24];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 32, "%.19s.%03uZ", date, (unsigned)(ms % 1000) % 1000u);
}

int clock_parse_time(const char *s, int64_t *ms)
{
    char *end;
    if (!s || !*s || strlen(s) > 40)
        return VOX_EINVAL;
    long long v = strtoll(s, &end, 10);
    if (*end == '\0' && v >= 0) {
        *ms = v;
        return 0;
    }
    struct tm tm = {0};
    const char *rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!rest)
        return VOX_EINVAL;
    int frac = 0;
    if (*rest == '.') {
        int digits = 0;
        for (rest++; *rest >= '0' && *rest <= '9'; rest++, digits++)
            if (digits < 3)
                frac = frac * 10 + (*rest - '0');
        for (; digits > 0 && digits < 3; digits++)
            frac *= 10;
    }
    if (strcmp(rest, "Z") != 0)
        return VOX_EINVAL;
    time_t t = timegm(&tm);
    if (t < 0)
        return VOX_EINVAL;
    *ms = (int64_t)t * 1000 + frac;
    return 0;
}
