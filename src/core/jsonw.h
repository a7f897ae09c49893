// SPDX-License-Identifier: MIT
// A streaming JSON writer into an sbuf, for hot answers (lists of participants and rooms)
// where building a jansson tree and dumping it cost ten times the rest of the request.
// Strings are escaped per RFC 8259; the caller guarantees they are valid UTF-8 (every stored
// string passed body validation).
#ifndef VOX_CORE_JSONW_H
#define VOX_CORE_JSONW_H

#include <stdbool.h>
#include <stdint.h>

#include "core/sbuf.h"

#define JSONW_MAX_DEPTH 16

typedef struct jsonw {
    sbuf *b;
    int depth;
    bool first[JSONW_MAX_DEPTH]; // no member written yet at this depth
    bool after_key;
} jsonw;

void jsonw_init(jsonw *w, sbuf *b);
void jsonw_obj(jsonw *w);
void jsonw_obj_end(jsonw *w);
void jsonw_arr(jsonw *w);
void jsonw_arr_end(jsonw *w);
void jsonw_key(jsonw *w, const char *key);
// A string value, or null when s is NULL.
void jsonw_str(jsonw *w, const char *s);
void jsonw_int(jsonw *w, int64_t v);
void jsonw_bool(jsonw *w, bool v);
void jsonw_null(jsonw *w);
// Trusted JSON text (e.g. stored metadata written by jansson); NULL or "" writes dflt.
void jsonw_raw(jsonw *w, const char *json, const char *dflt);
// RFC 3339 UTC time from ms since the epoch, or null when ms <= 0.
void jsonw_time(jsonw *w, int64_t ms);

// key + value shorthands
void jsonw_kstr(jsonw *w, const char *key, const char *s);
void jsonw_kint(jsonw *w, const char *key, int64_t v);
void jsonw_kbool(jsonw *w, const char *key, bool v);
void jsonw_ktime(jsonw *w, const char *key, int64_t ms);
void jsonw_kraw(jsonw *w, const char *key, const char *json, const char *dflt);

#endif
