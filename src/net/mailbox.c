// SPDX-License-Identifier: MIT
// Cross-thread mailbox on uv_async. uv_async_send coalesces wake-ups, so the callback drains
// everything queued, not one message per wake-up.
#include "net/mailbox.h"

#include <stdlib.h>

#include "core/mem.h"

struct mailbox {
    uv_async_t async;
    pthread_mutex_t mu;
    struct mailbox_msg *head, **tail; // guarded by mu
    int closed;                       // guarded by mu
    mailbox_cb cb;
    void *user;
};

static void drop(struct mailbox_msg *m)
{
    if (m->drop)
        m->drop(m);
    else
        free(m);
}

static struct mailbox_msg *take_all(struct mailbox *mb)
{
    pthread_mutex_lock(&mb->mu);
    struct mailbox_msg *list = mb->head;
    mb->head = NULL;
    mb->tail = &mb->head;
    pthread_mutex_unlock(&mb->mu);
    return list;
}

static void drain(struct mailbox *mb)
{
    for (struct mailbox_msg *m = take_all(mb), *next; m; m = next) {
        next = m->next;
        m->next = NULL;
        mb->cb(mb->user, m);
    }
}

static void on_async(uv_async_t *h)
{
    drain(h->data);
}

struct mailbox *mailbox_new(uv_loop_t *loop, mailbox_cb cb, void *user)
{
    struct mailbox *mb = xcalloc(1, sizeof *mb);
    pthread_mutex_init(&mb->mu, NULL);
    mb->tail = &mb->head;
    mb->cb = cb;
    mb->user = user;
    ASSERT(uv_async_init(loop, &mb->async, on_async) == 0);
    mb->async.data = mb;
    return mb;
}

void mailbox_unref(struct mailbox *mb)
{
    uv_unref((uv_handle_t *)&mb->async);
}

void mailbox_post(struct mailbox *mb, struct mailbox_msg *m)
{
    m->next = NULL;
    pthread_mutex_lock(&mb->mu);
    if (mb->closed) {
        pthread_mutex_unlock(&mb->mu);
        drop(m);
        return;
    }
    *mb->tail = m;
    mb->tail = &m->next;
    // Sent under the lock: after close the handle may be gone, and closed is set under it.
    uv_async_send(&mb->async);
    pthread_mutex_unlock(&mb->mu);
}

static void on_closed(uv_handle_t *h)
{
    struct mailbox *mb = h->data;
    for (struct mailbox_msg *m = take_all(mb), *next; m; m = next) {
        next = m->next;
        drop(m);
    }
    pthread_mutex_destroy(&mb->mu);
    free(mb);
}

void mailbox_close(struct mailbox *mb)
{
    drain(mb);
    pthread_mutex_lock(&mb->mu);
    mb->closed = 1;
    pthread_mutex_unlock(&mb->mu);
    uv_close((uv_handle_t *)&mb->async, on_closed);
}
