// SPDX-License-Identifier: MIT
// Relayed peer-to-peer signals (offers, answers, ICE candidates, app messages): kept per
// session so the session's exchange can be listed and polling clients can read their inbox.
#ifndef VOX_STORE_SIGNALS_H
#define VOX_STORE_SIGNALS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct signal_rec {
    int64_t seq; // assigned by the store, increasing across the whole table
    char id[37];
    char org_id[37];
    char room_id[37];
    char session_id[37];
    char from_participant[37];
    char to_participant[37]; // "" = broadcast to everyone else in the session
    char kind[16];           // offer | answer | candidate | message
    char *payload;           // the signal object as JSON text, malloc'd
    int64_t created_at;
};

struct signal_filter {
    const char *session_id; // the session's signals (every sender and addressee)
    // Or, when set instead: the inbox of this participant of session_id, that is signals
    // addressed to it plus broadcasts from others created at or after broadcasts_since.
    const char *to_participant;
    int64_t broadcasts_since;
    int64_t after_seq; // only signals with seq > after_seq, 0 = from the start
    int limit;
};

struct store_signal_ops {
    // Stores r; generates r->id (v7) when empty and sets r->seq. 0 or a VOX_E* code.
    int (*append)(store *s, struct signal_rec *r);
    // Oldest first (by seq), at most f->limit; *out is malloc'd (signal_recs_free()).
    int (*list)(store *s, const char *org_id, const struct signal_filter *f,
                struct signal_rec **out, size_t *n);
};

void signal_recs_free(struct signal_rec *v, size_t n);

#endif
