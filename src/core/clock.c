// SPDX-License-Identifier: MIT
#include "core/clock.h"

#include <stdint.h>
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

// Reads exactly n digits.
static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (**p < '0' || **p > '9')
            return -1;
        v = v * 10 + (**p - '0');
    }
    *out = v;
    return 0;
}

static int expect(const char **p, char c)
{
    return *(*p)++ == c ? 0 : -1;
}

// "YYYY-MM-DDTHH:MM:SS[.fff…]Z", strictly: fixed-width fields, real calendar dates.
static int parse_rfc3339(const char *p, int64_t *ms)
{
    int y, mo, d, h, mi, sec, frac = 0;
    if (digits(&p, 4, &y) || expect(&p, '-') || digits(&p, 2, &mo) || expect(&p, '-') ||
        digits(&p, 2, &d) || expect(&p, 'T') || digits(&p, 2, &h) || expect(&p, ':') ||
        digits(&p, 2, &mi) || expect(&p, ':') || digits(&p, 2, &sec))
        return VOX_EINVAL;
    if (*p == '.') {
        p++;
        int n = 0;
        for (; *p >= '0' && *p <= '9'; p++, n++)
            if (n < 3)
                frac = frac * 10 + (*p - '0');
        if (n == 0)
            return VOX_EINVAL;
        for (; n < 3; n++)
            frac *= 10;
    }
    if (strcmp(p, "Z") != 0 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59)
        return VOX_EINVAL;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec};
    time_t t = timegm(&tm);
    // timegm normalises 2023-02-29 to March 1st; a real date survives unchanged.
    if (t < 0 || tm.tm_mday != d || tm.tm_mon != mo - 1)
        return VOX_EINVAL;
    *ms = (int64_t)t * 1000 + frac;
    return 0;
}

int clock_parse_time(const char *s, int64_t *ms)
{
    if (!s || !*s || strlen(s) > 40)
        return VOX_EINVAL;
    if (strchr(s, '-') == NULL) { // plain milliseconds: digits only, no overflow
        int64_t v = 0;
        for (const char *p = s; *p; p++) {
            if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10)
                return VOX_EINVAL;
            v = v * 10 + (*p - '0');
        }
        *ms = v;
        return 0;
    }
    return parse_rfc3339(s, ms);
}
