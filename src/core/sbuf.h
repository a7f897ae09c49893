// SPDX-License-Identifier: MIT
// Growable byte/string buffer; always NUL-terminated.
#ifndef VOX_CORE_SBUF_H
#define VOX_CORE_SBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct sbuf {
    char *data;
    size_t len;
    size_t cap;
} sbuf;

void sbuf_init(sbuf *b);
void sbuf_fini(sbuf *b);
// Empties the buffer and keeps its memory.
void sbuf_reset(sbuf *b);
void sbuf_append(sbuf *b, const void *data, size_t len);
void sbuf_puts(sbuf *b, const char *s);
void sbuf_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vprintf(sbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
// Hands the buffer's memory to the caller (free() it) and leaves b empty.
char *sbuf_steal(sbuf *b);

#endif
