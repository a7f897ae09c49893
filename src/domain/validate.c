// SPDX-License-Identifier: MIT
// Input validators. Everything here reads only the bytes it is given and allocates nothing.
#include "domain/validate.h"

#include <stdint.h>
#include <string.h>

static bool validate_is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool validate_uuid(const char *s)
{
    if (!s || strnlen(s, 37) != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !validate_is_hex(s[i]))
            return false;
    }
    return true;
}

bool validate_uuid_canon(const char *s, char out[VALIDATE_UUID_LEN + 1])
{
    out[0] = '\0';
    if (!validate_uuid(s))
        return false;
    for (size_t i = 0; i < VALIDATE_UUID_LEN; i++)
        out[i] = (char)(s[i] >= 'A' && s[i] <= 'F' ? s[i] + ('a' - 'A') : s[i]);
    out[VALIDATE_UUID_LEN] = '\0';
    return true;
}

static char validate_upper(char c)
{
    return (char)(c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c);
}

bool validate_key_id(const char *s)
{
    if (!s || strnlen(s, VALIDATE_KEY_ID_LEN + 1) != VALIDATE_KEY_ID_LEN)
        return false;
    if (validate_upper(s[0]) != 'A' || validate_upper(s[1]) != 'K')
        return false;
    for (size_t i = 2; i < VALIDATE_KEY_ID_LEN; i++)
        if (!strchr(VALIDATE_KEY_ID_ALPHABET, validate_upper(s[i]))) // no NUL: length is 22
            return false;
    return true;
}

bool validate_key_id_canon(const char *s, char out[VALIDATE_KEY_ID_LEN + 1])
{
    out[0] = '\0';
    if (!validate_key_id(s))
        return false;
    for (size_t i = 0; i < VALIDATE_KEY_ID_LEN; i++)
        out[i] = validate_upper(s[i]);
    out[VALIDATE_KEY_ID_LEN] = '\0';
    return true;
}

// Decodes one sequence at p (left > 0 bytes); returns its length and the code point, or 0
// when ill-formed. The second-byte ranges are RFC 3629's table, which rules out overlongs
// (E0, F0), surrogates (ED) and anything past U+10FFFF (F4) without decoding first.
static size_t validate_utf8_next(const unsigned char *p, size_t left, uint32_t *cp)
{
    unsigned char c = p[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        *cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        *cp = c & 0x0F;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        *cp = c & 0x07;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (left < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (p[i] & 0x3F);
    }
    return n;
}

bool validate_utf8(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t cp;
    for (size_t i = 0; i < len;) {
        size_t n = validate_utf8_next(p + i, len - i, &cp);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

// Characters that are invisible or reorder text: they make names that look like someone
// else's or break the layout of every client that shows them.
static bool validate_is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

bool validate_name(const char *s, size_t max)
{
    if (!s)
        return false;
    size_t len = strnlen(s, max < SIZE_MAX ? max + 1 : max);
    if (len == 0 || len > max)
        return false;
    const unsigned char *p = (const unsigned char *)s;
    bool visible = false;
    uint32_t cp;
    for (size_t i = 0; i < len;) {
        size_t n = validate_utf8_next(p + i, len - i, &cp);
        if (n == 0 || validate_is_control(cp))
            return false;
        visible |= cp != ' ';
        i += n;
    }
    return visible;
}

static bool validate_is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 5322 atext: the characters an unquoted local part is made of.
static bool validate_is_atext(char c)
{
    return validate_is_alnum(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

// local = atom *("." atom): no leading, trailing or doubled dot.
static bool validate_email_local(const char *s, size_t len)
{
    if (len == 0 || len > VALIDATE_EMAIL_LOCAL_MAX || s[0] == '.' || s[len - 1] == '.')
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.' ? s[i - 1] == '.' : !validate_is_atext(s[i]))
            return false;
    }
    return true;
}

// One LDH label of 1..63 bytes; *digits is cleared when it holds a letter or hyphen.
static bool validate_email_label(const char *s, size_t len, bool *digits)
{
    if (len == 0 || len > VALIDATE_EMAIL_LABEL_MAX || s[0] == '-' || s[len - 1] == '-')
        return false;
    *digits = true;
    for (size_t i = 0; i < len; i++) {
        if (!validate_is_alnum(s[i]) && s[i] != '-')
            return false;
        if (s[i] < '0' || s[i] > '9')
            *digits = false;
    }
    return true;
}

// domain = label 1*("." label); an all-digit last label would read as an IP address.
static bool validate_email_domain(const char *d, size_t len)
{
    size_t labels = 0;
    bool digits = false;
    for (size_t start = 0; start <= len; labels++) {
        const char *dot = memchr(d + start, '.', len - start);
        size_t end = dot ? (size_t)(dot - d) : len;
        if (!validate_email_label(d + start, end - start, &digits))
            return false;
        start = end + 1;
    }
    return labels >= 2 && !digits;
}

bool validate_email(const char *s)
{
    if (!s)
        return false;
    size_t len = strnlen(s, VALIDATE_EMAIL_MAX + 1);
    if (len > VALIDATE_EMAIL_MAX)
        return false;
    const char *at = memchr(s, '@', len);
    if (!at)
        return false;
    size_t local = (size_t)(at - s);
    return validate_email_local(s, local) && validate_email_domain(at + 1, len - local - 1);
}

bool validate_slug(const char *s, size_t max)
{
    if (!s)
        return false;
    size_t len = strnlen(s, max < SIZE_MAX ? max + 1 : max);
    if (len == 0 || len > max || s[0] == '-' || s[len - 1] == '-')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}
