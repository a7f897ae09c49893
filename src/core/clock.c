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

// Civil date from days since 1970-01-01 (the well-known era-based algorithm for the proleptic
// Gregorian calendar); pure arithmetic, so formatting needs no gmtime_r/strftime.
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static char *put_digits(char *p, unsigned v, int n)
{
    for (int i = n - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
    return p + n;
}

void clock_format_rfc3339(int64_t ms, char out[32])
{
    if (ms < 0)
        ms = 0;
    int64_t secs = ms / 1000, days = secs / 86400;
    unsigned sod = (unsigned)(secs % 86400), mon, day;
    int year;
    civil_from_days(days, &year, &mon, &day);
    char *p = put_digits(out, (unsigned)year % 10000, 4);
    *p++ = '-';
    p = put_digits(p, mon, 2);
    *p++ = '-';
    p = put_digits(p, day, 2);
    *p++ = 'T';
    p = put_digits(p, sod / 3600, 2);
    *p++ = ':';
    p = put_digits(p, sod / 60 % 60, 2);
    *p++ = ':';
    p = put_digits(p, sod % 60, 2);
    *p++ = '.';
    p = put_digits(p, (unsigned)(ms % 1000), 3);
    *p++ = 'Z';
    *p = '\0';
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
