// SPDX-License-Identifier: MIT
// Shared by the store unit tests: a real SQLite store in a fresh temporary directory.
#ifndef VOX_TESTS_STORE_FIXTURE_H
#define VOX_TESTS_STORE_FIXTURE_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

// Makes dir from tmpl ("/tmp/vox-x-XXXXXX", at most 31 bytes), opens dir/vox.db into *s and
// writes its path; 0 or -1.
static inline int fixture_open(char dir[32], char path[64], const char *tmpl, store **s)
{
    snprintf(dir, 32, "%s", tmpl);
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, 64, "%s/vox.db", dir);
    return store_open_sqlite(path, s) == 0 ? 0 : -1;
}

// Closes s and removes the database, its WAL and shared-memory files, and dir.
static inline void fixture_remove(store *s, const char *dir, const char *path)
{
    store_close(s);
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char p[80];
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        unlink(p);
    }
    rmdir(dir);
}

#endif
