// SPDX-License-Identifier: MIT
// A mailbox: messages posted from any thread, handled on the loop that owns the mailbox. The
// control loop and each media worker own one; they talk only through them (DESIGN.md,
// "Process architecture"). A post takes a mutex for a pointer swap and wakes the owner with
// uv_async; no lock is held while messages are handled.
#ifndef VOX_NET_MAILBOX_H
#define VOX_NET_MAILBOX_H

#include <pthread.h>
#include <uv.h>

// The head of every message: embed it first in the sender's struct. The receiver owns (and
// frees) a message from the moment mailbox_post() is called.
struct mailbox_msg {
    struct mailbox_msg *next;
    int type;
    // Frees a message that was never handled (posted after close); NULL means free().
    void (*drop)(struct mailbox_msg *m);
};

struct mailbox;
// Called on the owner's loop with each message, in the order they were posted by each thread.
typedef void (*mailbox_cb)(void *user, struct mailbox_msg *m);

// Creates a mailbox on loop (call on the loop's thread). The mailbox's async handle keeps the
// loop alive until mailbox_close().
struct mailbox *mailbox_new(uv_loop_t *loop, mailbox_cb cb, void *user);
// The mailbox no longer keeps its loop alive by itself (for a loop that must be able to
// finish while the mailbox stays open: the control loop's, whose workers may still report).
void mailbox_unref(struct mailbox *mb);
// Thread-safe. After mailbox_close() has been called messages are dropped unhandled.
void mailbox_post(struct mailbox *mb, struct mailbox_msg *m);
// Handles what is queued now (on the owner's thread), then closes the handle; the mailbox is
// freed in its close callback, messages posted later are freed unhandled.
void mailbox_close(struct mailbox *mb);

#endif
