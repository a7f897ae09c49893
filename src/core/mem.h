// SPDX-License-Identifier: MIT
// Allocation wrappers: running out of memory aborts in one place (as redis zmalloc does).
#ifndef VOX_CORE_MEM_H
#define VOX_CORE_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

// Always-on invariant check (stays in release builds); never use it on input.
#define ASSERT(cond)                                                                               \
    do {                                                                                           \
        if (!(cond))                                                                               \
            mem_assert_fail(#cond, __FILE__, __LINE__);                                            \
    } while (0)

_Noreturn void mem_assert_fail(const char *what, const char *file, int line);

#endif
